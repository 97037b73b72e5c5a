"""Runtime speed against hand-written floors, PostgreSQL with several workers, streamed reads.

``transitions`` (default): instances of the reference SOP run start to Selesai, each decision
answered by a fixed pseudo-random choice per instance (so both exits are taken). Only step
completions are counted and timed per completion; ``start()`` is timed separately. In the same
run, interleaved round by round:

* the in-memory executor against a floor: a dict of instances plus an event list doing the
  same transitions (same answers, same events) with nothing else;
* the SQLite store (synchronous FULL and NORMAL) against plain ``sqlite3`` doing the same
  statements per completion (SELECT the row, BEGIN IMMEDIATE, the version-checked UPDATE,
  the event INSERTs, COMMIT) with hand-built parameters.

Each round runs every contestant on a fresh store; the table shows the median µs per
completion over rounds, the spread (min-max) and the median of the per-round ratios.

``postgres URL``: transitions/s with 1, 2 and 4 worker processes on one PostgreSQL server, each
worker running its own instances (a scratch schema, dropped afterwards).

``stream N``: N instances at various stages in a SQLite file; time and peak Python memory
(tracemalloc, a separate pass) to stream ``events()``, and time of ``monitor()``.

Run: ``PYTHONPATH=src python benchmarks/bench_runtime.py [transitions [instances rounds]
| postgres URL [instances] | stream [instances]]``
"""

from __future__ import annotations

import importlib.util
import json
import multiprocessing
import os
import sqlite3
import statistics
import sys
import tempfile
import time
import tracemalloc
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sopflow.procedure import Procedure
from sopflow.runtime import Executor, FakeClock, MemoryStore, SQLiteStore, Store, monitor

ROOT = Path(__file__).resolve().parent.parent
START = datetime(2025, 4, 14, 8, 0)


def reference() -> Procedure:
    spec = importlib.util.spec_from_file_location(
        "pengumpulan_data_kinerja", ROOT / "examples" / "pengumpulan_data_kinerja.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    procedure: Procedure = module.sop.compile()
    return procedure


def choose(n: int, visit: int, labels: tuple[str, ...]) -> str | None:
    """A fixed pseudo-random exit for instance n's visit (None for a process step)."""
    if not labels:
        return None
    return labels[(n * 7919 + visit * 104729) % 11 % len(labels)]


def run_executor(procedure: Procedure, store: Store, instances: int) -> tuple[int, float, float]:
    """(completions, seconds in complete(), seconds in start())."""
    clock = FakeClock(START)
    ex = Executor(procedure, store=store, clock=clock)
    answers = {sid: ex.answers(sid) for sid in ex.step_ids()}
    completions = 0
    in_start = in_complete = 0.0
    perf = time.perf_counter
    for n in range(instances):
        t0 = perf()
        instance = ex.start(f"i{n}")
        t1 = perf()
        in_start += t1 - t0
        while instance.active:
            active = instance.active[0]
            clock.advance(minutes=7)
            answer = choose(n, active.visit, answers[active.step_id])
            instance = ex.complete(instance.id, active.step_id, by="P", answer=answer)
            completions += 1
        in_complete += perf() - t1 - 0.0
    return completions, in_complete, in_start


def _exits(procedure: Procedure) -> tuple[str, dict[str, dict[str | None, str]], dict[str, Any]]:
    from sopflow.graph import START_NODE

    graph = procedure.graph
    first = next(iter(graph.succ[START_NODE]))
    exits: dict[str, dict[str | None, str]] = {}
    info: dict[str, Any] = {}
    for step in procedure.steps:
        exits[step.id] = {label: target for target, edge in graph.succ[step.id].items()
                          for label in edge["labels"]}
        info[step.id] = (step.text, step.actors,
                         tuple(label for label in exits[step.id] if label is not None))
    return first, exits, info


def run_floor(procedure: Procedure, instances: int) -> tuple[int, float]:
    """A dict of instances and a list of events doing the same transitions, nothing more."""
    first, exits, info = _exits(procedure)
    states: dict[str, dict[str, Any]] = {}
    events: list[dict[str, Any]] = []
    now = START
    completions = 0
    elapsed = 0.0
    perf = time.perf_counter
    for n in range(instances):
        iid = f"i{n}"
        states[iid] = {"id": iid, "status": "running", "active": (first, 1, now),
                       "visits": {first: 1}, "version": 1, "event_count": 2, "updated_at": now}
        events.append({"instance_id": iid, "seq": 0, "kind": "instance_started"})
        events.append({"instance_id": iid, "seq": 1, "kind": "step_activated"})
        t0 = perf()
        while True:
            state = states[iid]
            active = state["active"]
            if active is None:
                break
            step, visit, _ = active
            now += timedelta(minutes=7)
            text, actors, labels = info[step]
            answer = choose(n, visit, labels)
            if step != active[0] or (answer is not None and answer not in labels):
                raise AssertionError("floor: bad transition")
            target = exits[step][answer]
            version, seq = state["version"] + 1, state["event_count"]
            events.append({"instance_id": iid, "seq": seq, "kind": "step_completed",
                           "timestamp": now, "version": version, "step_id": step,
                           "activity": text, "actors": actors, "person": "P", "visit": visit,
                           "answer": answer})
            visits = state["visits"]
            if target.startswith("end:"):
                new_active = None
                events.append({"instance_id": iid, "seq": seq + 1, "kind": "instance_finished",
                               "timestamp": now, "version": version})
            else:
                target = first if target == "start" else target
                visits = {**visits, target: visits.get(target, 0) + 1}
                new_active = (target, visits[target], now)
                events.append({"instance_id": iid, "seq": seq + 1, "kind": "step_activated",
                               "timestamp": now, "version": version, "step_id": target,
                               "visit": visits[target]})
            states[iid] = {**state, "active": new_active, "visits": visits, "version": version,
                           "event_count": seq + 2, "updated_at": now,
                           "status": "running" if new_active else "completed"}
            completions += 1
        elapsed += perf() - t0
    return completions, elapsed


def run_plain_sqlite(path: Path, procedure: Procedure, instances: int,
                     synchronous: str) -> tuple[int, float]:
    """Plain sqlite3 doing the store's statements per completion, parameters built by hand."""
    from sopflow.runtime.sqlite_store import _INSERT_EVENT, _INSERT_INSTANCE, _SCHEMA

    first, exits, info = _exits(procedure)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute(f"PRAGMA synchronous={synchronous}")
    conn.executescript(_SCHEMA)
    update = ("UPDATE instances SET version = ?, status = ?, event_count = ?, updated_at = ?, "
              "end_node = ?, active = ?, visits = ?, procedure = ?, revision = ? "
              "WHERE id = ? AND version = ?")
    select = ("SELECT id, procedure, version, status, event_count, created_at, updated_at, "
              "end_node, metadata, active, visits, revision FROM instances WHERE id = ?")
    now = START
    completions, elapsed = 0, 0.0
    perf = time.perf_counter
    for n in range(instances):
        iid, stamp = f"i{n}", now.isoformat()
        conn.execute("BEGIN IMMEDIATE")
        conn.execute(_INSERT_INSTANCE, (iid, "P", 1, "running", 2, stamp, stamp, None, "{}",
                                        json.dumps([[first, 1, stamp, False]]),
                                        json.dumps({first: 1}), "r"))
        conn.executemany(_INSERT_EVENT, [
            (iid, 0, "instance_started", stamp, 1, None, None, "[]", None, None, None, "",
             None, None, "r"),
            (iid, 1, "step_activated", stamp, 1, first, "x", "[]", None, 1, None, "", None,
             None, None)])
        conn.execute("COMMIT")
        t0 = perf()
        while True:
            row = conn.execute(select, (iid,)).fetchone()
            active, visits = json.loads(row[9]), json.loads(row[10])
            if not active:
                break
            step, visit, _, _ = active[0]
            version, seq = row[2], row[4]
            now += timedelta(minutes=7)
            stamp = now.isoformat()
            text, actors, labels = info[step]
            answer = choose(n, visit, labels)
            target = exits[step][answer]
            done = (iid, seq, "step_completed", stamp, version + 1, step, text,
                    json.dumps(actors), "P", visit, answer, "", None, None, None)
            if target.startswith("end:"):
                new_active, status, end = [], "completed", target
                nxt = (iid, seq + 1, "instance_finished", stamp, version + 1, None, None, "[]",
                       "P", None, None, "", None, None, None)
            else:
                target = first if target == "start" else target
                visits[target] = visits.get(target, 0) + 1
                new_active, status, end = [[target, visits[target], stamp, False]], "running", None
                nxt = (iid, seq + 1, "step_activated", stamp, version + 1, target, "x",
                       json.dumps(actors), None, visits[target], None, "", None, None, None)
            conn.execute("BEGIN IMMEDIATE")
            cursor = conn.execute(update, (version + 1, status, seq + 2, stamp, end,
                                           json.dumps(new_active), json.dumps(visits), "P",
                                           "r", iid, version))
            if cursor.rowcount != 1:
                raise AssertionError("plain: conflict")
            conn.executemany(_INSERT_EVENT, [done, nxt])
            conn.execute("COMMIT")
            completions += 1
        elapsed += perf() - t0
    conn.close()
    return completions, elapsed


def _spread(values: list[float]) -> str:
    median = statistics.median(values)
    if median < 100:
        return f"{median:6.2f} ({min(values):.2f}-{max(values):.2f})"
    return f"{median:8.1f} ({min(values):.1f}-{max(values):.1f})"


def transitions(instances: int, rounds: int) -> None:
    procedure = reference()
    names = ["floor (dict + list)", "memory executor", "plain sqlite3 FULL", "sqlite FULL",
             "plain sqlite3 NORMAL", "sqlite NORMAL"]
    per: dict[str, list[float]] = {name: [] for name in names}
    starts: list[float] = []
    counts: set[int] = set()
    with tempfile.TemporaryDirectory() as tmp:
        for r in range(rounds):
            runs: dict[str, Callable[[], tuple[int, float]]] = {
                "floor (dict + list)": lambda: run_floor(procedure, instances),
                "memory executor": lambda: run_executor(procedure, MemoryStore(), instances)[:2],
            }
            for sync in ("FULL", "NORMAL"):
                path = Path(tmp) / f"r{r}{sync}"
                runs[f"plain sqlite3 {sync}"] = (
                    lambda p=path, s=sync: run_plain_sqlite(Path(f"{p}.plain.db"), procedure,
                                                            instances, s))
                runs[f"sqlite {sync}"] = (
                    lambda p=path, s=sync: _sqlite_run(procedure, Path(f"{p}.db"), s, instances))
            order = names if r % 2 == 0 else list(reversed(names))
            for name in order:
                count, seconds = runs[name]()
                counts.add(count)
                per[name].append(seconds / count * 1e6)
            _, _, in_start = run_executor(procedure, MemoryStore(), instances)
            starts.append(in_start / instances * 1e6)
    (count,) = counts  # every contestant did the same number of completions
    print(f"{instances} instances of {procedure.name!r} per round, {count} completions each "
          f"(start() not counted: {statistics.median(starts):.1f} µs per start in memory), "
          f"{rounds} interleaved rounds")
    print(f"{'contestant':<22} µs/completion median (min-max)   completions/s")
    for name in names:
        print(f"{name:<22} {_spread(per[name])}   {1e6 / statistics.median(per[name]):>10,.0f}")

    def ratio(a: str, b: str) -> str:
        values = [x / y for x, y in zip(per[a], per[b], strict=True)]
        return f"{statistics.median(values):.2f} ({min(values):.2f}-{max(values):.2f})"

    print(f"memory executor / floor:        {ratio('memory executor', 'floor (dict + list)')}"
          "  (target <= 4)")
    for sync in ("FULL", "NORMAL"):
        shown = ratio(f"sqlite {sync}", f"plain sqlite3 {sync}")
        print(f"sqlite {sync:<6} / plain sqlite3:  {shown}  (target <= 1.2)")


def _sqlite_run(procedure: Procedure, path: Path, sync: str, instances: int) -> tuple[int, float]:
    with SQLiteStore(path, synchronous=sync) as store:  # type: ignore[arg-type]
        return run_executor(procedure, store, instances)[:2]


# ---------------------------------------------------------------- PostgreSQL workers


def _pg_worker(url: str, worker: int, instances: int, go: Any, out: Any) -> None:
    from sopflow.runtime import open_store

    procedure = reference()
    store = open_store(url)
    clock = FakeClock(START)
    ex = Executor(procedure, store=store, clock=clock)
    answers = {sid: ex.answers(sid) for sid in ex.step_ids()}
    go.wait()
    t0 = time.perf_counter()
    count = 0
    for n in range(instances):
        instance = ex.start(f"w{worker}-{n}")
        count += 1
        while instance.active:
            active = instance.active[0]
            clock.advance(minutes=7)
            instance = ex.complete(instance.id, active.step_id, by="P",
                                   answer=choose(n, active.visit, answers[active.step_id]))
            count += 1
    out.put((count, time.perf_counter() - t0))
    store.close()


def _claim_worker(url: str, worker: int, go: Any, out: Any) -> None:
    """Claim items 10 at a time from the one shared worklist and complete them, until no
    running instance is left."""
    from sopflow.runtime import InstanceStatus, open_store

    procedure = reference()
    store = open_store(url)
    ex = Executor(procedure, store=store)
    answers = {sid: ex.answers(sid) for sid in ex.step_ids()}
    go.wait()
    t0 = time.perf_counter()
    count = 0
    while True:
        items = ex.claim(worker=f"w{worker}", limit=10, lease=timedelta(minutes=5))
        for item in items:
            n = int(item.instance_id[1:])
            ex.complete(item.instance_id, item.step_id, by="P",
                        answer=choose(n, item.visit, answers[item.step_id]))
            count += 1
        if not items and not ex.instances(status=InstanceStatus.RUNNING):
            break
    out.put((count, time.perf_counter() - t0))
    store.close()


def _processes(target: Callable[..., None], args: Callable[[int], tuple[Any, ...]],
               workers: int) -> list[tuple[int, float]]:
    """Run ``workers`` processes of ``target`` from one start signal; (count, seconds) each,
    and the wall time from the signal to the last result appended."""
    ctx = multiprocessing.get_context("fork")
    go, out = ctx.Event(), ctx.Queue()
    procs = [ctx.Process(target=target, args=(*args(w), go, out)) for w in range(workers)]
    for p in procs:
        p.start()
    time.sleep(1.0)
    t0 = time.perf_counter()
    go.set()
    results = [out.get() for _ in procs]
    results.append((0, time.perf_counter() - t0))
    for p in procs:
        p.join()
    return results


def _scratch(url: str) -> tuple[str, str]:
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    return f"{url}{'&' if '?' in url else '?'}schema={schema}", schema


def postgres(url: str, instances: int) -> None:
    import psycopg

    from sopflow.runtime import open_store

    print(f"PostgreSQL, 1, 2 and 4 worker processes on one server ({instances} instances per "
          "worker)")
    print("  own instances: each worker starts and runs its own (transitions = starts + "
          "completions)")
    for workers in (1, 2, 4):
        store_url, schema = _scratch(url)
        open_store(store_url).close()  # create the tables once
        results = _processes(_pg_worker, lambda w, u=store_url: (u, w, instances), workers)
        total, wall = sum(c for c, _ in results), results[-1][1]
        print(f"    {workers} worker(s): {total} transitions in {wall:.2f} s = "
              f"{total / wall:,.0f} transitions/s")
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')
    print("  claiming: the instances started beforehand; every worker claims 10 items at a "
          "time (FOR UPDATE SKIP LOCKED) from the one worklist and completes them")
    procedure = reference()
    for workers in (1, 2, 4):
        store_url, schema = _scratch(url)
        store = open_store(store_url)
        ex = Executor(procedure, store=store, clock=FakeClock(START))
        for n in range(instances * workers):
            ex.start(f"c{n}")
        store.close()
        results = _processes(_claim_worker, lambda w, u=store_url: (u, w), workers)
        total, wall = sum(c for c, _ in results), results[-1][1]
        shares = "/".join(str(c) for c, _ in results[:-1])
        print(f"    {workers} worker(s): {total} completions in {wall:.2f} s = "
              f"{total / wall:,.0f} completions/s (per worker {shares})")
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


# ---------------------------------------------------------------- streamed reads


def _build_stream_store(path: Path, procedure: Procedure, instances: int) -> None:
    """``instances`` instances at every stage (just started to finished), written straight
    into a SQLite store file."""
    from sopflow.runtime._rows import event_row, instance_row
    from sopflow.runtime.sqlite_store import _INSERT_EVENT, _INSERT_INSTANCE

    clock = FakeClock(START)
    memory = MemoryStore()
    ex = Executor(procedure, store=memory, clock=clock)
    for n in range(instances):
        instance = ex.start(f"i{n}")
        for _ in range(n % 12):
            if not instance.active:
                break
            active = instance.active[0]
            clock.advance(minutes=7 + n % 50)
            instance = ex.complete(instance.id, active.step_id, by="P",
                                   answer=choose(n, active.visit, ex.answers(active.step_id)))
    with SQLiteStore(path, synchronous="NORMAL") as store:
        Executor(procedure, store=store)
        conn = store._conn()
        conn.execute("BEGIN")
        conn.executemany(_INSERT_INSTANCE, [instance_row(i) for i in memory.instances()])
        conn.executemany(_INSERT_EVENT, [event_row(e) for e in memory.events()])
        conn.execute("COMMIT")


def _raw_events(path: Path) -> tuple[int, float]:
    """The floor: plain sqlite3 iterating every event row (the same columns), undecoded."""
    from sopflow.runtime._rows import EVENT_COLUMNS

    conn = sqlite3.connect(path)
    t0 = time.perf_counter()
    count = sum(1 for _ in conn.execute(f"SELECT {EVENT_COLUMNS} FROM events"))
    seconds = time.perf_counter() - t0
    conn.close()
    return count, seconds


def _streamed(ex: Executor) -> tuple[int, float]:
    t0 = time.perf_counter()
    count = sum(1 for _ in ex.events())
    return count, time.perf_counter() - t0


def stream(instances: int, rounds: int = 3) -> None:
    procedure = reference()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "stream.db"
        _build_stream_store(path, procedure, instances)
        clock = FakeClock(START + timedelta(days=400))
        with SQLiteStore(path) as store:
            ex = Executor(procedure, store=store, clock=clock)
            floor: list[float] = []
            streamed: list[float] = []
            monitored: list[float] = []
            counts = set()
            for r in range(rounds):  # interleaved: floor, events(), monitor(); reversed
                # the last round's report freed first, untimed: no round times the freeing
                # of another's result, nor runs with millions of its objects still alive
                report: Any = None
                steps: list[Callable[[], None]] = [
                    lambda: floor.append(_raw_events(path)[1]),
                    lambda: (lambda c, s: (counts.add(c), streamed.append(s)))(*_streamed(ex)),
                ]
                for step in steps if r % 2 == 0 else reversed(steps):
                    step()
                t0 = time.perf_counter()
                found = monitor(ex)
                monitored.append(time.perf_counter() - t0)
                report = found
            tracemalloc.start()
            sum(1 for _ in ex.events())
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
    (count,) = counts

    def ratios(values: list[float]) -> str:
        found = [v / f for v, f in zip(values, floor, strict=True)]
        return f"{statistics.median(found):.2f} ({min(found):.2f}-{max(found):.2f})"

    print(f"{instances} instances, {count} events in SQLite; {rounds} interleaved rounds, "
          "seconds median (min-max)")
    print(f"  floor: plain sqlite3 iterating the event rows undecoded: {_spread(floor)}")
    print(f"  events() streamed:  {_spread(streamed)}  = {ratios(streamed)} x floor "
          f"(target < 2 s); peak Python memory {peak / 1e6:.1f} MB (target < 200 MB)")
    print(f"  monitor():          {_spread(monitored)}  = {ratios(monitored)} x floor "
          f"(target < 5 s), {len(report.instances)} instances, "
          f"{sum(len(r.timings) for r in report.instances)} visits judged")


def main() -> None:
    mode = sys.argv[1] if len(sys.argv) > 1 else "transitions"
    if mode == "transitions":
        instances = int(sys.argv[2]) if len(sys.argv) > 2 else 2000
        rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 5
        transitions(instances, rounds)
    elif mode == "postgres":
        url = sys.argv[2] if len(sys.argv) > 2 else os.environ.get("SOPFLOW_TEST_POSTGRES", "")
        if not url:
            sys.exit("give a PostgreSQL URL: bench_runtime.py postgres postgresql://...")
        postgres(url, int(sys.argv[3]) if len(sys.argv) > 3 else 300)
    elif mode == "stream":
        stream(int(sys.argv[2]) if len(sys.argv) > 2 else 100_000,
               int(sys.argv[3]) if len(sys.argv) > 3 else 3)
    else:
        sys.exit(f"unknown mode {mode!r}: transitions, postgres or stream")


if __name__ == "__main__":
    main()
