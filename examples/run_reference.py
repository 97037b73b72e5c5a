"""A full run of the reference SOP "Pengumpulan Data Kinerja" for Triwulan I 2025.

Every step is done within its Mutu Baku except step 6 ("Merekap laporan kinerja triwulan untuk
menyusun laporan tahunan", Waktu "2 hari"), which takes three working days: an overdue check
sends a reminder through a hook, and the monitoring report and the Permenpan table
"Monitoring Pelaksanaan SOP AP" show the late step. The state lives in an SQLite file; the
audit log is exported as CSV and XES next to it.

Run it: ``PYTHONPATH=src python examples/run_reference.py [output directory]``
"""

from __future__ import annotations

import sys
import tempfile
from datetime import datetime
from pathlib import Path

from pengumpulan_data_kinerja import sop

from sopflow.runtime import (
    Event,
    EventKind,
    Executor,
    FakeClock,
    SQLiteStore,
    events_to_csv,
    events_to_xes,
    monitor,
)

PEOPLE = {
    "Drs. Ahmad (Sekretaris)": "Sekretaris",
    "Rina (Kasubbag)": "Kasubbag Perencanaan dan Pelaporan",
    "Yusuf (JF Perencana)": "JF Perencana",
    "Maria (Koordinator)": "Koordinator Perencanaan dan Evaluasi",
}

# (step, who, when it is done, answer); each step becomes active when the previous one is done
PLAN = [
    ("s1", "Drs. Ahmad (Sekretaris)", datetime(2025, 4, 14, 8, 10), None),
    ("s2", "Rina (Kasubbag)", datetime(2025, 4, 14, 8, 35), None),
    ("s3", "Yusuf (JF Perencana)", datetime(2025, 4, 14, 8, 37), None),
    ("s4", "Maria (Koordinator)", datetime(2025, 4, 14, 9, 5), None),
    ("s5", "Maria (Koordinator)", datetime(2025, 4, 14, 9, 30), None),
    # "2 hari": due Wednesday 09.30; done Thursday 14.00, late
    ("s6", "Rina (Kasubbag)", datetime(2025, 4, 17, 14, 0), None),
    ("s7", "Yusuf (JF Perencana)", datetime(2025, 4, 21, 10, 0), "Tidak"),
    ("sosialisasi", "Maria (Koordinator)", datetime(2025, 4, 21, 10, 50), None),
    ("final", "Yusuf (JF Perencana)", datetime(2025, 4, 22, 9, 0), None),
]


def main() -> None:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(tempfile.mkdtemp(prefix="sopflow-"))
    out.mkdir(parents=True, exist_ok=True)
    db = out / "pengumpulan_data_kinerja.db"
    db.unlink(missing_ok=True)
    clock = FakeClock(datetime(2025, 4, 14, 8, 0))
    procedure = sop.compile()
    with SQLiteStore(db) as store:
        ex = Executor(procedure, store=store, clock=clock, people=PEOPLE)

        def remind(event: Event) -> None:
            (item,) = [w for w in ex.work_items(event.instance_id) if w.step_id == event.step_id]
            print(f"  [hook] Pengingat untuk {', '.join(item.people)}: langkah {item.step_id!r} "
                  f"sudah lewat batas waktu {item.due_at:%d-%m-%Y %H:%M}")

        ex.subscribe(remind, EventKind.STEP_OVERDUE)
        ex.subscribe(lambda e: print(f"  [hook] {e.instance_id} selesai pada {e.timestamp}"),
                     EventKind.INSTANCE_FINISHED)

        iid = "pdk-2025-tw1"
        ex.start(iid, metadata={"periode": "Triwulan I 2025"})
        for step, who, when, answer in PLAN:
            (item,) = ex.work_items(iid)
            due = f"{item.due_at:%a %d-%m-%Y %H:%M}" if item.due_at else "no due time"
            print(f"{item.step_id:<12} {' + '.join(item.actors):<38} due {due}")
            if step == "s6":
                clock.set(datetime(2025, 4, 16, 15, 0))
                print(f"  overdue check at {clock():%a %d-%m %H:%M}:")
                ex.check_overdue()
            clock.set(when)
            inputs = procedure.graph.nodes[step]["inputs"]
            ex.complete(iid, step, by=who, answer=answer, inputs_present=inputs,
                        output=procedure.graph.nodes[step]["output"])
        print()
        report = monitor(ex)
        print(report.instance(iid).text())
        print()
        table = report.table()
        print(table.text())
        table.to_csv(out / "monitoring.csv")
        # The clock's times are wall-clock times in Palangka Raya (WIB): say so, so process
        # mining tools read the right instants.
        events_to_csv(ex.events(), out / "events.csv", tz="Asia/Jakarta")
        events_to_xes(ex.events(), out / "events.xes", log_name=procedure.name,
                      tz="Asia/Jakarta")
    print()
    print(f"Files in {out}: {db.name}, monitoring.csv, events.csv, events.xes")


if __name__ == "__main__":
    main()
