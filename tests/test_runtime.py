"""The executor as a user drives it: runs, loops, decisions, time, hooks, monitoring, exports."""

from __future__ import annotations

import csv
import importlib.util
import io
import logging
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sopfactory import new_sop

from sopflow import END, START, Procedure
from sopflow.runtime import (
    BAIK,
    MONITORING_COLUMNS,
    TIDAK_BAIK,
    EventKind,
    Executor,
    FakeClock,
    HookError,
    InstanceStatus,
    MemoryStore,
    SQLiteStore,
    Store,
    events_to_csv,
    events_to_xes,
    monitor,
    open_store,
)

ROOT = Path(__file__).resolve().parent.parent
MONDAY = datetime(2025, 4, 14, 8, 0)  # a normal working Monday (07.30-12.00, 13.00-16.00)


def reference_procedure() -> Procedure:
    spec = importlib.util.spec_from_file_location(
        "pengumpulan_data_kinerja", ROOT / "examples" / "pengumpulan_data_kinerja.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    procedure: Procedure = module.sop.compile()
    return procedure


def loop_procedure() -> Procedure:
    """ajukan -> periksa (Lengkap: proses, Kurang: ajukan, Ditolak: end) -> proses ->
    ulang (Ya: Mulai, Tidak: arsip) -> arsip (unreadable Waktu) -> end."""
    sop = new_sop("SOP Permohonan")
    pemohon = sop.actor("Pemohon")
    petugas = sop.actor("Petugas")
    kepala = sop.actor("Kepala")
    sop.step("Mengajukan permohonan", by=pemohon, id="ajukan", inputs=["Formulir", "KTP"],
             time="15 menit", output="Permohonan")
    sop.decision("Apakah berkas lengkap?", by=petugas, id="periksa",
                 exits={"Lengkap": "proses", "Kurang": "ajukan", "Ditolak": END},
                 inputs=["Permohonan"], time="30 menit", output="Hasil pemeriksaan")
    sop.step("Memproses permohonan", by=[petugas, kepala], id="proses", inputs=["Permohonan"],
             time="1 hari kerja", output="Surat")
    sop.decision("Apakah perlu diulang?", by=kepala, id="ulang", yes=START, no="arsip",
                 inputs=["Surat"], time="2 hari kalender", output="Keputusan")
    sop.step("Mengarsipkan surat", by=petugas, id="arsip", inputs=["Surat"],
             time="secepatnya", output="Arsip", then=END)
    return sop.compile(strict=False)


@pytest.fixture(params=["memory", "sqlite", "postgres"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    if request.param == "postgres":
        from pgstore import scratch_url

        with scratch_url() as url:
            made = open_store(url)
            yield made
            made.close()
        return
    made = MemoryStore() if request.param == "memory" else SQLiteStore(tmp_path / "s.db")
    yield made
    made.close()


def run_reference(ex: Executor, clock: FakeClock, instance_id: str, minutes: float = 10) -> None:
    ex.start(instance_id, metadata={"periode": "Triwulan I 2025"})
    while not ex.get(instance_id).finished:
        clock.advance(minutes=minutes)
        (item,) = ex.work_items(instance_id)
        ex.complete(instance_id, item.step_id, by="Budi",
                    answer=item.answers[0] if item.answers else None)


def test_reference_run_finishes_with_a_full_history(store: Store) -> None:
    procedure = reference_procedure()
    clock = FakeClock(MONDAY)
    ex = Executor(procedure, store=store, clock=clock)
    run_reference(ex, clock, "tw1")
    instance = ex.get("tw1")
    assert instance.status is InstanceStatus.COMPLETED
    assert instance.end == "end:final"
    assert instance.metadata == {"periode": "Triwulan I 2025"}
    history = ex.history("tw1")
    assert [e.seq for e in history] == list(range(instance.event_count))
    done = [e.step_id for e in history if e.kind is EventKind.STEP_COMPLETED]
    # "Ya" at s7 skips the sosialisasi row
    assert done == ["s1", "s2", "s3", "s4", "s5", "s6", "s7", "final"]
    assert history[-1].kind is EventKind.INSTANCE_FINISHED
    assert instance.version == 1 + len(done)
    assert [e for e in history if e.answer] == [
        e for e in history if e.step_id == "s7" and e.kind is EventKind.STEP_COMPLETED
    ]


def test_sqlite_state_survives_reopening(tmp_path: Path) -> None:
    procedure = reference_procedure()
    clock = FakeClock(MONDAY)
    with SQLiteStore(tmp_path / "s.db") as first:
        ex = Executor(procedure, store=first, clock=clock)
        ex.start("a", metadata={"periode": "TW II", "n": [1, 2]})
        clock.advance(minutes=3)
        ex.complete("a", "s1", by="Sari", note="ok", inputs_present=["Rencana Aksi"],
                    output="Disposisi")
        before, history = ex.get("a"), ex.history("a")
    with SQLiteStore(tmp_path / "s.db") as again:
        ex2 = Executor(procedure, store=again, clock=clock)
        assert ex2.get("a") == before
        assert ex2.history("a") == history
        assert history[2].inputs_present == ("Rencana Aksi",)
        assert again.integrity_check() == "ok"


def test_loops_count_visits_and_an_exit_to_start_restarts(store: Store) -> None:
    clock = FakeClock(MONDAY)
    ex = Executor(loop_procedure(), store=store, clock=clock)
    ex.start("p")
    ex.complete("p", "ajukan", by="A")
    ex.answer("p", "periksa", "Kurang", by="B")
    assert ex.get("p").active[0].step_id == "ajukan"
    assert ex.get("p").active[0].visit == 2
    ex.complete("p", "ajukan", by="A")
    ex.answer("p", "periksa", "Lengkap", by="B")
    ex.complete("p", "proses", by="C")
    ex.answer("p", "ulang", "Ya", by="C")  # back to Mulai: the first step again
    instance = ex.get("p")
    assert instance.active_step_ids == ("ajukan",)
    assert instance.visits == {"ajukan": 3, "periksa": 2, "proses": 1, "ulang": 1}
    ex.complete("p", "ajukan", by="A")
    finished = ex.answer("p", "periksa", "Ditolak", by="B")
    assert finished.status is InstanceStatus.COMPLETED
    assert finished.end == "end:periksa"
    assert finished.active == ()


def test_suspend_resume_cancel(store: Store) -> None:
    clock = FakeClock(MONDAY)
    ex = Executor(loop_procedure(), store=store, clock=clock)
    ex.start("p")
    suspended = ex.suspend("p", by="Kepala", note="menunggu anggaran")
    assert suspended.status is InstanceStatus.SUSPENDED
    assert suspended.active_step_ids == ("ajukan",)
    assert ex.work_items("p")[0].suspended
    resumed = ex.resume("p")
    assert resumed.status is InstanceStatus.RUNNING
    cancelled = ex.cancel("p", note="dibatalkan")
    assert cancelled.status is InstanceStatus.CANCELLED
    assert cancelled.active == ()
    lifecycle = [e.lifecycle for e in ex.history("p")]
    assert lifecycle == [None, "start", "suspend", "resume", "pi_abort"]


def test_work_items_name_actors_people_and_due_time() -> None:
    clock = FakeClock(MONDAY)
    people = {"Ani": "Pemohon", "Budi": ["Petugas"], "Citra": ["Kepala", "Petugas"]}
    ex = Executor(loop_procedure(), clock=clock, people=people)
    ex.start("p")
    (item,) = ex.work_items("p")
    assert (item.step_id, item.actors, item.people) == ("ajukan", ("Pemohon",), ("Ani",))
    assert item.due_at == MONDAY + timedelta(minutes=15)
    ex.complete("p", "ajukan", by="Ani")
    ex.answer("p", "periksa", "Lengkap", by="Budi")
    (item,) = ex.work_items("p")
    assert item.people == ("Budi", "Citra")  # a joint step: anyone holding one of its lanes
    assert [w.instance_id for w in ex.worklist(person="Citra")] == ["p"]
    assert ex.worklist(person="Ani") == []


def test_due_times_follow_the_working_calendar() -> None:
    ex = Executor(loop_procedure(), clock=FakeClock(MONDAY))
    cal = ex.calendar
    friday = datetime(2025, 4, 18, 15, 30)  # Good Friday 2025 is a holiday in Indonesia
    assert ex.due_at("ajukan", friday) == cal.add_working_minutes(friday, 15)
    assert ex.due_at("ajukan", friday) > friday + timedelta(days=2)  # not before Monday
    assert ex.due_at("proses", MONDAY) == cal.add_working_days(MONDAY, 1)
    assert ex.due_at("ulang", MONDAY) == MONDAY + timedelta(days=2)  # calendar days
    assert ex.due_at("arsip", MONDAY) is None  # "secepatnya" cannot be read
    assert "cannot be read" in (ex.standard("arsip").problem or "")


def test_hooks_run_after_commit_and_a_failing_hook_breaks_nothing(
    store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    clock = FakeClock(MONDAY)
    ex = Executor(reference_procedure(), store=store, clock=clock)
    seen: list[tuple[EventKind, str | None, int]] = []

    def record(event: Any) -> None:
        # the transition is already in the store when the hook runs
        seen.append((event.kind, event.step_id, store.load(event.instance_id).version))

    def broken(event: Any) -> None:
        raise RuntimeError("mail server down")

    unsubscribe = ex.subscribe(record, EventKind.STEP_ACTIVATED, EventKind.INSTANCE_FINISHED)
    ex.subscribe(broken)
    with caplog.at_level(logging.ERROR, logger="sopflow.runtime"):
        run_reference(ex, clock, "a")
    assert "mail server down" in caplog.text
    assert ex.get("a").status is InstanceStatus.COMPLETED
    assert seen[0] == (EventKind.STEP_ACTIVATED, "s1", 1)
    assert seen[-1][0] is EventKind.INSTANCE_FINISHED
    assert all(version == event_version for (_, _, version), event_version in
               zip(seen, [e.version for e in ex.history("a")
                          if e.kind in (EventKind.STEP_ACTIVATED, EventKind.INSTANCE_FINISHED)],
                   strict=True))
    unsubscribe()
    count = len(seen)
    ex.start("b")
    assert len(seen) == count


def test_hook_errors_raise_mode_reports_after_commit() -> None:
    clock = FakeClock(MONDAY)
    ex = Executor(reference_procedure(), clock=clock, hook_errors="raise")
    ex.subscribe(lambda event: 1 / 0, EventKind.STEP_COMPLETED)
    ex.start("a")
    with pytest.raises(HookError, match="transition stands"):
        ex.complete("a", "s1", by="X")
    assert ex.get("a").active_step_ids == ("s2",)  # committed despite the hook


def test_check_overdue_reports_each_late_visit_once() -> None:
    clock = FakeClock(MONDAY)
    ex = Executor(loop_procedure(), clock=clock)
    notified: list[str] = []
    ex.subscribe(lambda e: notified.append(e.instance_id), EventKind.STEP_OVERDUE)
    ex.start("late")
    ex.start("paused")
    ex.suspend("paused")
    clock.advance(minutes=14)
    assert ex.check_overdue() == []
    clock.advance(minutes=2)
    (item,) = ex.check_overdue()
    assert (item.instance_id, item.step_id) == ("late", "ajukan")
    assert ex.check_overdue() == []  # once per visit
    assert notified == ["late"]
    history = ex.history("late")
    assert history[-1].kind is EventKind.STEP_OVERDUE and history[-1].lifecycle is None


def test_monitoring_finds_the_usually_late_step_and_fills_the_table() -> None:
    clock = FakeClock(MONDAY)
    ex = Executor(reference_procedure(), clock=clock)
    for n in range(3):
        ex.start(f"i{n}")
        for step in ("s1", "s2"):
            # s1 (15 menit) takes 25 minutes in two of three runs; s2 (30 menit) takes 10
            clock.advance(minutes=25 if (step == "s1" and n < 2) else 10)
            ex.complete(f"i{n}", step, by="P", inputs_present=(
                ["Disposisi"] if step == "s2" else None))
    clock.advance(minutes=60)  # s3 ("2 menit") is now overdue everywhere
    report = monitor(ex)
    s1 = report.steps[0]
    assert (s1.completions, s1.late) == (3, 2)
    assert s1.mean_late_by_minutes == pytest.approx(10)
    assert report.usually_late()[0].step_id == "s1"
    assert {o.instance_id for o in report.overdue} == {"i0", "i1", "i2"}
    assert report.instance("i0").late[0].step_id == "s1"
    table = report.table()
    assert [r.no for r in table.rows] == list(range(1, len(ex.step_ids()) + 1))
    row1, row2, row3, row4 = table.rows[:4]
    assert row1.penilaian == TIDAK_BAIK and "2 dari 3" in row1.catatan
    assert row2.penilaian == TIDAK_BAIK and "Kelengkapan" in row2.catatan  # items missing
    assert "Perjanjian Kinerja" in row2.tindakan
    assert row3.penilaian == TIDAK_BAIK and "terlambat" in row3.catatan
    assert row4.penilaian == "-"
    relaxed = report.table(tolerance=0.9)
    assert relaxed.rows[0].penilaian == BAIK
    rows = list(csv.reader(io.StringIO(table.to_csv())))
    assert tuple(rows[0]) == MONITORING_COLUMNS
    assert len(rows) == 1 + len(ex.step_ids())


def test_monitoring_says_when_a_waktu_cannot_be_read() -> None:
    clock = FakeClock(MONDAY)
    ex = Executor(loop_procedure(), clock=clock)
    ex.start("p")
    for step, answer in (("ajukan", None), ("periksa", "Lengkap"), ("proses", None),
                         ("ulang", "Tidak"), ("arsip", None)):
        clock.advance(minutes=5)
        ex.complete("p", step, by="X", answer=answer)
    report = monitor(ex)
    arsip = report.steps[-1]
    assert arsip.problem is not None and arsip.late == 0
    assert report.instance("p").timings[-1].late is None
    assert any("arsip" in note for note in report.instance("p").no_due_time)
    assert "tidak dapat diukur" in report.table().rows[-1].catatan


def test_event_log_exports_csv_and_xes(tmp_path: Path) -> None:
    clock = FakeClock(MONDAY)
    ex = Executor(reference_procedure(), clock=clock)
    run_reference(ex, clock, "a")
    run_reference(ex, clock, "b")
    events = list(ex.events())
    rows = list(csv.DictReader(io.StringIO(events_to_csv(events, tmp_path / "log.csv"))))
    assert len(rows) == len(events)
    assert [(r["case_id"], int(r["seq"])) for r in rows] == [
        (e.instance_id, e.seq) for e in events]
    assert (tmp_path / "log.csv").read_text(encoding="utf-8").startswith("case_id,")

    text = events_to_xes(events, tmp_path / "log.xes", tz="Asia/Jakarta")
    ns = {"x": "http://www.xes-standard.org/"}
    root = ET.fromstring(text)
    assert root.tag == "{http://www.xes-standard.org/}log"
    assert {e.get("prefix") for e in root.findall("x:extension", ns)} >= {
        "concept", "lifecycle", "time", "org"}
    traces = root.findall("x:trace", ns)
    assert len(traces) == 2
    lifecycle_events = [e for e in events if e.lifecycle is not None and e.instance_id == "a"]
    xes_events = traces[0].findall("x:event", ns)
    assert len(xes_events) == len(lifecycle_events)
    first = {a.get("key"): a.get("value") for a in xes_events[0]}
    assert first["lifecycle:transition"] == "start"
    # the name pm4py compares (no comma), and the text as written beside it
    assert first["concept:name"] == str(lifecycle_events[0].activity).replace(",", ";")
    assert first["sopflow:text"] == lifecycle_events[0].activity
    stamp = datetime.fromisoformat(first["time:timestamp"])
    assert stamp.utcoffset() == timedelta(hours=7)  # WIB, not read as UTC by pm4py
    assert stamp.replace(tzinfo=None) == lifecycle_events[0].timestamp


def test_pm4py_reads_the_xes_log(tmp_path: Path) -> None:
    pm4py = pytest.importorskip("pm4py")
    clock = FakeClock(MONDAY)
    ex = Executor(reference_procedure(), clock=clock)
    run_reference(ex, clock, "a")
    run_reference(ex, clock, "b")
    path = tmp_path / "log.xes"
    events_to_xes(ex.events(), path)
    frame = pm4py.read_xes(str(path))
    expected = [e for e in ex.events() if e.lifecycle is not None]
    assert len(frame) == len(expected)
    assert set(frame["case:concept:name"]) == {"a", "b"}
    assert list(frame["lifecycle:transition"][:2]) == ["start", "complete"]
    completes = frame[frame["lifecycle:transition"] == "complete"]
    assert list(completes[completes["case:concept:name"] == "a"]["concept:name"]) == [
        str(e.activity).replace(",", ";") for e in expected
        if e.instance_id == "a" and e.lifecycle == "complete"]


def test_executor_refuses_bad_configuration() -> None:
    from sopflow import SOPValidationError

    broken = new_sop("SOP Rusak")
    broken.step("Langkah", by=broken.actor("A"), then="nowhere", time="5 menit")
    with pytest.raises(SOPValidationError):
        Executor(broken.compile(strict=False))
    with pytest.raises(ValueError, match="'Bendahara', not an actor"):
        Executor(loop_procedure(), people={"Dewi": "Bendahara"})
    ex = Executor(loop_procedure(), clock=FakeClock(MONDAY))
    with pytest.raises(TypeError, match="JSON"):
        ex.start("x", metadata={"when": datetime(2025, 1, 1)})
    with pytest.raises(ValueError, match="hook_errors"):
        Executor(loop_procedure(), hook_errors="ignore")  # type: ignore[arg-type]
