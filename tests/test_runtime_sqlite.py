"""The durable stores (SQLite, PostgreSQL) under abuse: a writer killed with SIGKILL mid-run,
and two processes writing the same instances at once."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import attrs
import pytest
from test_runtime import MONDAY, ROOT, loop_procedure, reference_procedure

from sopflow.runtime import (
    ConcurrentModificationError,
    Event,
    EventKind,
    Executor,
    FakeClock,
    Instance,
    InstanceStatus,
    SQLiteStore,
    Store,
    StoreError,
    open_store,
)

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="uses SIGKILL")

ENV = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT / "tests")])}

WRITER = """
import sys
from datetime import datetime
from test_runtime import reference_procedure
from sopflow.runtime import Executor, FakeClock, open_store
store = open_store(sys.argv[1])
clock = FakeClock(datetime(2025, 4, 14, 8, 0))
ex = Executor(reference_procedure(), store=store, clock=clock)
n = 0
while True:
    iid = f"w{n}"
    n += 1
    instance = ex.start(iid, metadata={"n": n})
    print(iid, instance.version, flush=True)
    while not instance.finished:
        clock.advance(minutes=7)
        (item,) = ex.work_items(iid)
        answer = None
        if item.answers:
            answer = item.answers[n % len(item.answers)]
        instance = ex.complete(iid, item.step_id, by="P", answer=answer, note="x" * (n % 50))
        print(iid, instance.version, flush=True)
"""


def replay_matches(instance: Instance, history: list) -> None:  # type: ignore[type-arg]
    """The events alone must explain the stored state: nothing half-written."""
    status, active, visits = None, None, {}
    versions = []
    for k, e in enumerate(history):
        assert e.seq == k
        versions.append(e.version)
        if e.kind is EventKind.INSTANCE_STARTED:
            status = InstanceStatus.RUNNING
        elif e.kind is EventKind.STEP_ACTIVATED:
            assert active is None
            assert e.visit == visits.get(e.step_id, 0) + 1
            active, visits[e.step_id] = e.step_id, e.visit
        elif e.kind is EventKind.STEP_COMPLETED:
            assert active == e.step_id
            active = None
        elif e.kind is EventKind.INSTANCE_FINISHED:
            assert active is None
            status = InstanceStatus.COMPLETED
    assert status is instance.status
    assert instance.active_step_ids == ((active,) if active else ())
    assert dict(instance.visits) == visits
    assert instance.event_count == len(history)
    assert sorted(set(versions)) == list(range(1, instance.version + 1))  # every transition whole


@contextmanager
def backend_url(backend: str, tmp_path: Path, name: str) -> Iterator[str]:
    """A fresh store URL: SQLite (with its synchronous mode) or a scratch PostgreSQL schema."""
    if backend == "postgres":
        from pgstore import scratch_url

        with scratch_url() as url:
            yield url
        return
    sync = backend.partition("-")[2] or "FULL"
    yield f"sqlite:///{tmp_path / name}?synchronous={sync}"


def check_store(url: str) -> Store:
    store = open_store(url)
    if isinstance(store, SQLiteStore):
        assert store.integrity_check() == "ok"
    return store


@pytest.mark.parametrize("backend", ["sqlite-FULL", "sqlite-NORMAL", "postgres"])
def test_a_killed_writer_loses_nothing_committed_and_leaves_nothing_half_done(
    tmp_path: Path, backend: str
) -> None:
    for kill_after in (150, 420):
        with backend_url(backend, tmp_path, f"crash{kill_after}.db") as url:
            killed_writer_run(url, kill_after, tmp_path)


def killed_writer_run(url: str, kill_after: int, tmp_path: Path) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-c", WRITER, url],
        stdout=subprocess.PIPE, text=True, env=ENV, cwd=tmp_path,
    )
    assert proc.stdout is not None
    reported: dict[str, int] = {}
    lines = 0
    while lines < kill_after:
        line = proc.stdout.readline()
        assert line, "the writer stopped early"
        iid, version = line.split()
        reported[iid] = int(version)
        lines += 1
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    # what the writer printed before it died (complete lines only): each was committed
    for line in proc.stdout.read().splitlines(keepends=True):
        if line.endswith("\n"):
            iid, version = line.split()
            reported[iid] = int(version)
    proc.stdout.close()

    store = check_store(url)
    ex = Executor(reference_procedure(), store=store, clock=FakeClock(MONDAY))
    for iid, version in reported.items():
        stored = ex.get(iid).version
        # committed before it was printed; at most one more commit went unreported
        assert version <= stored <= version + 1, iid
    for instance in ex.instances():
        replay_matches(instance, list(ex.history(instance.id)))
    store.close()


CONTENDER = """
import sys, json, time
from pathlib import Path
from datetime import datetime
from test_runtime import loop_procedure
from sopflow.runtime import (ConcurrentModificationError, Executor, FakeClock, open_store,
                             StepNotActiveError)
store = open_store(sys.argv[1])
ex = Executor(loop_procedure(), store=store, clock=FakeClock(datetime(2025, 4, 14, 8, 0)))
go = Path(sys.argv[2])
while not go.exists():
    time.sleep(0.001)
done, conflicts, stale = {}, 0, 0
for k in range(int(sys.argv[3])):
    iid = f"c{k % 2}"
    instance = ex.get(iid)
    step = instance.active[0].step_id
    answer = {"periksa": "Kurang"}.get(step)
    try:
        ex.complete(iid, step, by="P", answer=answer, at=instance.updated_at)
        done[iid] = done.get(iid, 0) + 1
    except ConcurrentModificationError:
        conflicts += 1
    except StepNotActiveError:
        stale += 1
print(json.dumps({"done": done, "conflicts": conflicts, "stale": stale}))
"""


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_two_processes_never_overwrite_each_other(tmp_path: Path, backend: str) -> None:
    with backend_url(backend, tmp_path, "shared.db") as url:
        two_contenders(url, tmp_path)


def two_contenders(url: str, tmp_path: Path) -> None:
    store = open_store(url)
    ex = Executor(loop_procedure(), store=store, clock=FakeClock(MONDAY))
    ex.start("c0")
    ex.start("c1")
    store.close()
    go = tmp_path / "go"
    procs = [
        subprocess.Popen([sys.executable, "-c", CONTENDER, url, str(go), "400"],
                         stdout=subprocess.PIPE, text=True, env=ENV)
        for _ in range(2)
    ]
    time.sleep(0.5)
    go.touch()
    results = [json.loads(p.communicate(timeout=300)[0]) for p in procs]
    assert all(p.returncode == 0 for p in procs)
    store = check_store(url)
    ex = Executor(loop_procedure(), store=store, clock=FakeClock(MONDAY))
    for iid in ("c0", "c1"):
        instance = ex.get(iid)
        successes = sum(r["done"].get(iid, 0) for r in results)
        # every success the processes saw is in the store, and nothing else is
        assert instance.version == 1 + successes
        replay_matches(instance, list(ex.history(iid)))
    store.close()
    print(results)
    attempts = sum(sum(r["done"].values()) + r["conflicts"] + r["stale"] for r in results)
    assert attempts == 800


def test_two_connections_detect_the_conflict(tmp_path: Path) -> None:
    path = tmp_path / "two.db"
    clock = FakeClock(MONDAY)
    with SQLiteStore(path) as one, SQLiteStore(path) as two:
        ex1 = Executor(loop_procedure(), store=one, clock=clock)
        ex1.start("a")
        read_by_two = two.load("a")
        moved = ex1.complete("a", "ajukan", by="P")
        history = one.history("a")
        # connection two decides on what it read (cancel) and commits: refused, nothing written
        cancel = Event(instance_id="a", seq=read_by_two.event_count,
                       kind=EventKind.INSTANCE_CANCELLED, timestamp=MONDAY,
                       version=read_by_two.version + 1)
        stale = attrs.evolve(read_by_two, version=read_by_two.version + 1,
                             status=InstanceStatus.CANCELLED, active=(),
                             event_count=read_by_two.event_count + 1)
        with pytest.raises(ConcurrentModificationError, match=r"'a'.*expected version 1"):
            two.commit(stale, [cancel], expected_version=read_by_two.version)
        assert two.load("a") == moved
        assert two.history("a") == history


def test_a_store_of_another_schema_version_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    SQLiteStore(path).close()
    import sqlite3

    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 99")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match="schema version 99"):
        SQLiteStore(path)
