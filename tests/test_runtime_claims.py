"""Work claiming: leases on every store, and worker processes on one PostgreSQL (and SQLite)
store claiming from one worklist: no item leased to two live workers, none lost, including
the items of a worker killed (SIGKILL) while it held them."""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
import sqlite3
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from test_runtime import MONDAY, loop_procedure, store  # noqa: F401 (the store fixture)

from sopflow.runtime import (
    Executor,
    FakeClock,
    MemoryStore,
    SQLiteStore,
    Store,
    open_store,
)
from sopflow.runtime.state import InstanceStatus

ANSWERS = {"periksa": "Lengkap", "ulang": "Tidak"}  # ajukan, periksa, proses, ulang, arsip


def test_claims_are_disjoint_until_done_released_or_expired(store: Store) -> None:  # noqa: F811
    clock = FakeClock(MONDAY)
    ex = Executor(loop_procedure(), store=store, clock=clock)
    for k in range(5):
        ex.start(f"c{k}")
    a = ex.claim(worker="A", limit=3, lease=timedelta(minutes=10))
    b = ex.claim(worker="B", limit=3)
    assert [i.instance_id for i in a] == ["c0", "c1", "c2"]
    assert [i.instance_id for i in b] == ["c3", "c4"]
    assert ex.claim(worker="C", limit=3) == []
    assert a[0].claimed_by == "A" and a[0].lease_until == MONDAY + timedelta(minutes=10)
    assert a[0].step_id == "ajukan" and a[0].actors == ("Pemohon",)
    # done: the instance's next step is free again, for the actor who does it
    ex.complete("c0", "ajukan", by="P")
    assert ex.claim(worker="C", actor="Pemohon") == []
    (item,) = ex.claim(worker="C", actor="Petugas")
    assert (item.instance_id, item.step_id) == ("c0", "periksa")
    # released: free at once; only its holder releases it
    assert not ex.release("c1", worker="B")
    assert ex.release("c1", worker="A") and not ex.release("c1", worker="A")
    assert [i.instance_id for i in ex.claim(worker="C", limit=5)] == ["c1"]
    # expired: the 5-minute leases (B's, C's) and then A's 10-minute one come back
    clock.advance(minutes=6)
    assert [i.instance_id for i in ex.claim(worker="D", limit=5)] == ["c0", "c1", "c3", "c4"]
    clock.advance(minutes=4)  # a lease ends at its last instant; D's run on
    assert [i.instance_id for i in ex.claim(worker="E", limit=5)] == ["c2"]


def test_suspended_and_finished_instances_are_not_claimed(store: Store) -> None:  # noqa: F811
    clock = FakeClock(MONDAY)
    ex = Executor(loop_procedure(), store=store, clock=clock)
    for k in range(3):
        ex.start(f"c{k}")
    ex.suspend("c0")
    ex.complete("c1", "ajukan", by="P")
    ex.answer("c1", "periksa", "Ditolak", by="Q")
    assert [i.instance_id for i in ex.claim(worker="A", limit=5)] == ["c2"]
    ex.resume("c0")
    assert [i.instance_id for i in ex.claim(worker="A", limit=5)] == ["c0"]


def test_bad_claims_are_refused_clearly() -> None:
    ex = Executor(loop_procedure(), store=MemoryStore(), clock=FakeClock(MONDAY))
    with pytest.raises(TypeError, match="worker must name"):
        ex.claim(worker="")
    with pytest.raises(ValueError, match="limit must be"):
        ex.claim(worker="A", limit=0)
    with pytest.raises(ValueError, match="lease must be"):
        ex.claim(worker="A", lease=timedelta(0))

    class Plain(MemoryStore):
        claim = None  # type: ignore[assignment]

    with pytest.raises(TypeError, match="cannot lease work"):
        Executor(loop_procedure(), store=Plain(), clock=FakeClock(MONDAY)).claim(worker="A")


def test_a_version_2_sqlite_store_gains_the_claim_columns(tmp_path: Path) -> None:
    path = tmp_path / "v2.db"
    clock = FakeClock(MONDAY)
    with SQLiteStore(path) as made:
        Executor(loop_procedure(), store=made, clock=clock).start("old")
    conn = sqlite3.connect(path)
    for column in ("claimed_by", "claim_step", "claim_visit", "lease_until"):
        conn.execute(f"ALTER TABLE instances DROP COLUMN {column}")
    conn.execute("PRAGMA user_version = 2")
    conn.commit()
    conn.close()
    with SQLiteStore(path) as upgraded:
        ex = Executor(loop_procedure(), store=upgraded, clock=clock)
        assert [i.instance_id for i in ex.claim(worker="A")] == ["old"]
    assert sqlite3.connect(path).execute("PRAGMA user_version").fetchone()[0] == 3


# ---------------------------------------------------------------- worker processes


def _worker(url: str, name: str, log: str, lease: float, hold: bool) -> None:
    """Claim and complete until every instance is finished; each claim is logged (one JSON
    line, flushed) before its work starts. ``hold``: claim once, then wait to be killed."""
    shared = open_store(url)
    ex = Executor(loop_procedure(), store=shared)
    with open(log, "a", encoding="utf-8") as out:
        while True:
            items = ex.claim(worker=name, limit=2, lease=timedelta(seconds=lease))
            for item in items:
                assert item.lease_until is not None
                out.write(json.dumps([item.instance_id, item.step_id, item.visit, name,
                                      time.time(), item.lease_until.timestamp()]) + "\n")
                out.flush()
            if hold and items:
                time.sleep(3600)
            for item in items:
                ex.complete(item.instance_id, item.step_id, by=name,
                            answer=ANSWERS.get(item.step_id))
            if not items:
                if all(i.finished for i in ex.instances(status=InstanceStatus.RUNNING)):
                    break
                time.sleep(0.05)
    shared.close()


def _run_workers(url: str, tmp_path: Path, instances: int) -> None:
    ex = Executor(loop_procedure(), store=open_store(url))
    for k in range(instances):
        ex.start(f"w{k}")
    ex.store.close()
    ctx = multiprocessing.get_context("fork")
    logs = {name: str(tmp_path / f"{name}.jsonl") for name in ("victim", "a", "b", "c")}
    victim = ctx.Process(target=_worker, args=(url, "victim", logs["victim"], 1.5, True))
    victim.start()
    deadline = time.time() + 30
    while not (os.path.exists(logs["victim"]) and Path(logs["victim"]).read_text()):
        assert time.time() < deadline and victim.is_alive()
        time.sleep(0.02)
    os.kill(victim.pid or 0, signal.SIGKILL)  # dies holding its leases
    victim.join()
    workers = [ctx.Process(target=_worker, args=(url, name, logs[name], 30.0, False))
               for name in ("a", "b", "c")]
    for w in workers:
        w.start()
    for w in workers:
        w.join(120)
        assert w.exitcode == 0
    claims: list[list[Any]] = [json.loads(line) for log in logs.values()
                               if os.path.exists(log)
                               for line in Path(log).read_text().splitlines()]
    by_item: dict[tuple[str, str, int], list[list[Any]]] = {}
    for c in claims:
        by_item.setdefault((c[0], c[1], c[2]), []).append(c)
    killed = {key for key, cs in by_item.items() if any(c[3] == "victim" for c in cs)}
    assert killed  # the victim died holding items
    for key, cs in by_item.items():
        live = [c for c in cs if c[3] != "victim"]
        assert len(live) == 1, f"{key} claimed by {[c[3] for c in cs]}"  # once, by one worker
        if key in killed:  # taken again only after the dead worker's lease ran out
            (dead,) = [c for c in cs if c[3] == "victim"]
            assert live[0][4] >= dead[5] - 0.05
    ex = Executor(loop_procedure(), store=open_store(url))
    done = {}
    for event in ex.events():
        if event.kind.value == "step_completed":
            key = (event.instance_id, event.step_id or "", event.visit or 0)
            assert key not in done  # no step done twice
            done[key] = event.person
    assert all(i.status is InstanceStatus.COMPLETED for i in ex.instances())
    assert len(ex.instances()) == instances
    assert set(done) == set(by_item)  # every claimed item done; nothing done unclaimed
    assert all(done[key] != "victim" for key in killed)
    ex.store.close()


def test_worker_processes_share_a_postgresql_worklist(tmp_path: Path) -> None:
    from pgstore import scratch_url

    with scratch_url() as url:
        _run_workers(url, tmp_path, 30)


def test_worker_processes_share_a_sqlite_worklist(tmp_path: Path) -> None:
    _run_workers(f"sqlite:///{tmp_path}/w.db", tmp_path, 20)


def test_lease_seconds_are_one_scale_for_naive_and_aware_clocks() -> None:
    from datetime import UTC

    from sopflow.runtime.claims import lease_seconds

    assert lease_seconds(datetime(1970, 1, 1, 0, 1)) == 60
    assert lease_seconds(datetime(1970, 1, 1, 0, 1, tzinfo=UTC)) == 60


def test_a_version_2_postgresql_store_gains_the_claim_columns() -> None:
    import psycopg
    from pgstore import scratch_url
    from services import postgres_url

    clock = FakeClock(MONDAY)
    with scratch_url() as url:
        made = open_store(url)
        Executor(loop_procedure(), store=made, clock=clock).start("old")
        made.close()
        schema = url.rsplit("schema=", 1)[1]
        with psycopg.connect(postgres_url(), autocommit=True) as conn:
            for column in ("claimed_by", "claim_step", "claim_visit", "lease_until"):
                conn.execute(f'ALTER TABLE "{schema}".instances DROP COLUMN {column}')
            conn.execute(f"UPDATE \"{schema}\".sopflow_meta SET value = '2' "
                         "WHERE key = 'schema_version'")
        upgraded = open_store(url)
        ex = Executor(loop_procedure(), store=upgraded, clock=clock)
        assert [i.instance_id for i in ex.claim(worker="A")] == ["old"]
        upgraded.close()
        open_store(url).close()  # version 3 now: opens as it is
