"""The SQL stores' paged reads (one shared implementation, two dialects) at every page
boundary: what they list must be what the in-memory store lists, filters and damaged rows
included. Pages are shrunk so a dozen instances cross many boundaries."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from test_runtime import MONDAY, loop_procedure, reference_procedure

from sopflow.runtime import (
    Executor,
    FakeClock,
    InstanceStatus,
    MemoryStore,
    SQLiteStore,
    Store,
    _sql,
    open_store,
)

RunSQL = Callable[[str], None]
STATUSES: list[InstanceStatus | None] = [None, *InstanceStatus]


@pytest.fixture(params=["sqlite", "postgres"])
def sql_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Store, RunSQL]]:
    """A SQL store and a way to change its tables behind its back."""
    if request.param == "sqlite":
        path = tmp_path / "p.db"

        def run_sqlite(statement: str) -> None:
            with sqlite3.connect(path) as conn:
                conn.execute(statement)
            conn.close()

        with SQLiteStore(path) as store:
            yield store, run_sqlite
        return
    import psycopg
    from pgstore import scratch_url
    from services import postgres_url

    with scratch_url() as url:
        schema = url.rpartition("schema=")[2]

        def run_postgres(statement: str) -> None:
            with psycopg.connect(postgres_url(), autocommit=True) as conn:
                conn.execute(f'SET search_path TO "{schema}"')
                conn.execute(statement)

        made = open_store(url)
        yield made, run_postgres
        made.close()


def populate(store: Store) -> None:
    """Twelve instances of two SOPs, interleaved, in every status, with a few steps each."""
    clock = FakeClock(MONDAY)
    loop = Executor(loop_procedure(), store=store, clock=clock)
    reference = Executor(reference_procedure(), store=store, clock=clock)
    for n in range(12):
        iid = f"i{n:02d}"
        clock.advance(minutes=5)
        if n % 3 == 2:
            reference.start(iid, metadata={"n": n})
            continue
        loop.start(iid, metadata={"n": n})
        if n % 4 == 1:
            loop.suspend(iid, by="Kepala", note=f"tunda {n}")
        elif n % 4 == 3:
            loop.cancel(iid, note="batal")
        elif n % 8 == 4:
            loop.complete(iid, "ajukan", by="Ani")
            loop.answer(iid, "periksa", "Ditolak", by="Budi")


def procedures() -> list[str | None]:
    return [None, loop_procedure().name, reference_procedure().name, "Tidak ada"]


@pytest.mark.parametrize("page", [1, 2, 5])
def test_paged_reads_list_what_memory_lists_across_every_boundary(
    sql_store: tuple[Store, RunSQL], page: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(_sql, "_PAGE", page)
    monkeypatch.setattr(_sql, "_EVENT_PAGE", page)
    store, _ = sql_store
    memory = MemoryStore()
    populate(memory)
    populate(store)
    assert {i.status for i in memory.instances()} == set(InstanceStatus)
    for procedure in procedures():
        assert list(store.events(procedure=procedure)) == list(memory.events(procedure=procedure))
        for status in STATUSES:
            expected = list(memory.instances(procedure=procedure, status=status))
            assert list(store.instances(procedure=procedure, status=status)) == expected


def test_a_damaged_row_that_ends_a_page_is_skipped_and_paging_goes_on(
    sql_store: tuple[Store, RunSQL], monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setattr(_sql, "_PAGE", 2)
    monkeypatch.setattr(_sql, "_EVENT_PAGE", 2)
    store, run = sql_store
    memory = MemoryStore()
    populate(memory)
    populate(store)
    last_event = memory.load("i03").event_count - 1  # i03 ends the second page of instances
    run("UPDATE instances SET visits = '[' WHERE id = 'i01'")  # ends the first page
    run(f"UPDATE events SET actors = '{{' WHERE instance_id = 'i03' AND seq = {last_event}")
    assert [i.id for i in store.instances()] == [
        i.id for i in memory.instances() if i.id != "i01"]
    assert list(store.events()) == [
        e for e in memory.events() if (e.instance_id, e.seq) != ("i03", last_event)]
    assert "'i01'" in caplog.text and "'i03'" in caplog.text


@pytest.mark.parametrize("page", [1, 5])
def test_bulk_monitoring_reads_the_rows_as_memory_lists_the_events(
    sql_store: tuple[Store, RunSQL], page: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``monitor()`` reads a SQL store's rows without building events: the same log, and the
    same reports, as from the in-memory store, across every page boundary."""
    from sopflow.runtime import monitor

    monkeypatch.setattr(_sql, "_PAGE", page)
    monkeypatch.setattr(_sql, "_EVENT_PAGE", page)
    store, _ = sql_store
    memory = MemoryStore()
    populate(memory)
    populate(store)
    now = MONDAY.replace(hour=17)
    for procedure in (loop_procedure(), reference_procedure()):
        ex, mem = Executor(procedure, store=store), Executor(procedure, store=memory)
        assert monitor(ex, at=now) == monitor(mem, at=now)
