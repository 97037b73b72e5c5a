"""Transitions per second: 10,000 instances of the reference SOP run to completion.

Prints the rate in memory, with the SQLite store (synchronous FULL and NORMAL), and the rate of
plain ``sqlite3`` doing the equivalent statements (one read, one transaction with the version-
checked UPDATE and the event INSERTs per transition) on the same schema, with the ratio.
Targets: > 50,000 transitions/s in memory, > 2,000 durable transitions/s.

Run: ``PYTHONPATH=src python benchmarks/bench_runtime.py [instances]``
"""

from __future__ import annotations

import importlib.util
import json
import sqlite3
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from sopflow.procedure import Procedure
from sopflow.runtime import Executor, FakeClock, MemoryStore, SQLiteStore, Store

ROOT = Path(__file__).resolve().parent.parent


def reference() -> Procedure:
    spec = importlib.util.spec_from_file_location(
        "pengumpulan_data_kinerja", ROOT / "examples" / "pengumpulan_data_kinerja.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    procedure: Procedure = module.sop.compile()
    return procedure


def run(procedure: Procedure, store: Store, instances: int) -> tuple[int, float]:
    """Run ``instances`` instances to completion; (transitions, seconds)."""
    clock = FakeClock(datetime(2025, 4, 14, 8, 0))
    ex = Executor(procedure, store=store, clock=clock)
    answers = {sid: (ex.answers(sid)[0] if ex.answers(sid) else None) for sid in ex.step_ids()}
    transitions = 0
    start = time.perf_counter()
    for n in range(instances):
        instance = ex.start(f"i{n}")
        transitions += 1
        while instance.active:
            step = instance.active[0].step_id
            instance = ex.complete(instance.id, step, by="P", answer=answers[step])
            transitions += 1
    return transitions, time.perf_counter() - start


def plain_sqlite(path: Path, instances: int, steps: int) -> tuple[int, float]:
    """The same statements with hand-built parameters: what sqlite3 alone costs."""
    from sopflow.runtime.sqlite_store import _SCHEMA

    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    for statement in _SCHEMA.split(";"):
        if statement.strip():
            conn.execute(statement)
    stamp = "2025-04-14T08:00:00"
    active = json.dumps([["s1", 1, stamp, False]])
    visits = json.dumps({"s1": 1, "s2": 1})
    event: list[Any] = ["", 0, "step_completed", stamp, 0, "s1", "Kegiatan", '["A"]', "P", 1,
                        None, "", None, None]
    insert = ("INSERT INTO events VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)")
    update = ("UPDATE instances SET version = ?, status = ?, event_count = ?, updated_at = ?, "
              "end_node = ?, active = ?, visits = ? WHERE id = ? AND version = ?")
    transitions = 0
    start = time.perf_counter()
    for n in range(instances):
        iid = f"i{n}"
        conn.execute("BEGIN IMMEDIATE")
        conn.execute(
            "INSERT INTO instances (id, procedure, version, status, event_count, created_at, "
            "updated_at, end_node, metadata, active, visits) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            (iid, "P", 1, "running", 2, stamp, stamp, None, "{}", active, visits),
        )
        conn.executemany(insert, [(iid, 0, *event[2:]), (iid, 1, *event[2:])])
        conn.execute("COMMIT")
        transitions += 1
        for version in range(1, steps + 1):
            conn.execute("SELECT * FROM instances WHERE id = ?", (iid,)).fetchone()
            conn.execute("BEGIN IMMEDIATE")
            cursor = conn.execute(update, (version + 1, "running", 2 * version + 2, stamp, None,
                                           active, visits, iid, version))
            assert cursor.rowcount == 1
            conn.executemany(insert, [(iid, 2 * version, *event[2:]),
                                      (iid, 2 * version + 1, *event[2:])])
            conn.execute("COMMIT")
            transitions += 1
    elapsed = time.perf_counter() - start
    conn.close()
    return transitions, elapsed


def main() -> None:
    instances = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    procedure = reference()
    print(f"{instances} instances of {procedure.name!r}, each run start to Selesai")
    count, seconds = run(procedure, MemoryStore(), instances)
    print(f"memory:          {count:>7} transitions in {seconds:6.2f} s = "
          f"{count / seconds:>9,.0f} transitions/s (target > 50,000)")
    rates = {}
    with tempfile.TemporaryDirectory() as tmp:
        for sync in ("FULL", "NORMAL"):
            with SQLiteStore(Path(tmp) / f"{sync}.db", synchronous=sync) as store:  # type: ignore[arg-type]
                count, seconds = run(procedure, store, instances)
            rates[sync] = count / seconds
            print(f"sqlite {sync:<6}:  {count:>7} transitions in {seconds:6.2f} s = "
                  f"{rates[sync]:>9,.0f} transitions/s (target > 2,000)")
        steps = count // instances - 1
        plain, seconds = plain_sqlite(Path(tmp) / "plain.db", instances, steps)
        plain_rate = plain / seconds
        print(f"plain sqlite3 (FULL, same statements): {plain} transitions in {seconds:.2f} s = "
              f"{plain_rate:,.0f}/s; sopflow FULL reaches {rates['FULL'] / plain_rate:.0%} of it")


if __name__ == "__main__":
    main()
