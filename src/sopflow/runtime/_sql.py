"""What the SQLite and PostgreSQL stores share, written once: the tables, the statements that
read and write the rows of ``_rows`` (in either driver's placeholder style), the checks before a
write, and the reading that pages through instances and events and skips a damaged row.

Each store keeps its dialect in its own file: connections, transactions, how it creates,
recognises and upgrades its tables, and how its driver's errors become store errors. Both run
their SQL through ``_run`` (one call on this thread's connection, errors translated), which
each implements; everything here is built on it.
"""

from __future__ import annotations

import gc
import itertools
import logging
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager
from typing import Any, ClassVar, Generic, Protocol, Self, TypeVar

import attrs

from sopflow.runtime._rows import (
    EVENT_COLUMNS,
    INSTANCE_COLUMNS,
    decode_event,
    decode_events,
    decode_instance,
    event_row,
    instance_row,
    instance_update,
)
from sopflow.runtime.errors import (
    ConcurrentModificationError,
    ExecutionError,
    StoreError,
    UnknownInstanceError,
)
from sopflow.runtime.state import Event, Instance, InstanceStatus
from sopflow.runtime.store import check_transition, skip_damaged

__all__ = [
    "CLAIM_COLUMNS",
    "DEFINITIONS_TABLE",
    "SQLStoreBase",
    "Statements",
    "add_claim_columns",
    "commit_rows",
    "create_rows",
    "lost_update",
    "schema",
]

_T = TypeVar("_T")
_log = logging.getLogger("sopflow.runtime")
#: Rows read per query while listing (no statement or cursor stays open between pages).
_PAGE = 2000
#: Rows of instances each thread keeps (see ``SQLStoreBase._decode``) before starting afresh.
_SEEN = 4096
#: Instances whose events are read per query while streaming events.
_EVENT_PAGE = 1000
_JOINED_EVENT_COLUMNS = ", ".join(f"e.{c.strip()}" for c in EVENT_COLUMNS.split(","))

#: The lease on an instance's active step (see ``SQLStoreBase.claim``), on the instance row
#: itself: a claimer that waited for the row then sees the claim just committed on it.
CLAIM_COLUMNS = ("claimed_by TEXT, claim_step TEXT, claim_visit INTEGER, "
                 "lease_until DOUBLE PRECISION")

DEFINITIONS_TABLE = """CREATE TABLE definitions (
    revision TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    document TEXT NOT NULL
)"""


def add_claim_columns(*, if_missing: str = "") -> str:
    """The statements (``;``-separated) adding :data:`CLAIM_COLUMNS` to a store made before
    claims (schema version 2 and older)."""
    return ";\n".join(f"ALTER TABLE instances ADD COLUMN {if_missing}{column.strip()}"
                       for column in CLAIM_COLUMNS.split(",")) + ";\n"


def schema(*, seq_column: str, index_columns: str, events_options: str = "") -> str:
    """The statements (``;``-separated) creating a store's tables. The dialect gives the
    auto-numbered key ``seq`` (creation order, for paging), the columns of the index that
    lists the instances of one SOP, and what follows the events table (SQLite: ``WITHOUT
    ROWID``, so each instance's events lie together in the key's order and a page of the
    streamed log reads them in place instead of through a second index)."""
    return f"""
CREATE TABLE sopflow_meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE instances (
    seq {seq_column},
    id TEXT NOT NULL UNIQUE,
    procedure TEXT NOT NULL,
    version INTEGER NOT NULL,
    status TEXT NOT NULL,
    event_count INTEGER NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    end_node TEXT,
    metadata TEXT NOT NULL,
    active TEXT NOT NULL,
    visits TEXT NOT NULL,
    revision TEXT,
    {CLAIM_COLUMNS}
);
CREATE INDEX instances_by_procedure ON instances ({index_columns});
CREATE TABLE events (
    instance_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    kind TEXT NOT NULL,
    timestamp TEXT NOT NULL,
    version INTEGER NOT NULL,
    step_id TEXT,
    activity TEXT,
    actors TEXT NOT NULL,
    person TEXT,
    visit INTEGER,
    answer TEXT,
    note TEXT NOT NULL,
    inputs_present TEXT,
    output TEXT,
    revision TEXT,
    PRIMARY KEY (instance_id, seq)
){events_options};
{DEFINITIONS_TABLE};
"""


@attrs.frozen
class Statements:
    """The statements both stores run, in one driver's placeholder style (``?`` or ``%s``)."""

    placeholder: str
    insert_instance: str
    insert_event: str
    update_instance: str
    select_instance: str
    select_version: str

    @classmethod
    def written_with(cls, p: str) -> Statements:
        """The statements with placeholder ``p``."""
        def marks(columns: str) -> str:
            return ",".join([p] * len(columns.split(",")))

        return cls(
            placeholder=p,
            insert_instance=(f"INSERT INTO instances ({INSTANCE_COLUMNS}) "
                             f"VALUES ({marks(INSTANCE_COLUMNS)})"),
            insert_event=f"INSERT INTO events ({EVENT_COLUMNS}) VALUES ({marks(EVENT_COLUMNS)})",
            # the values of _rows.instance_update, then the id and the version read
            update_instance=(
                f"UPDATE instances SET version = {p}, status = {p}, event_count = {p}, "
                f"updated_at = {p}, end_node = {p}, active = {p}, visits = {p}, "
                f"procedure = {p}, revision = {p} WHERE id = {p} AND version = {p}"
            ),
            select_instance=f"SELECT {INSTANCE_COLUMNS} FROM instances WHERE id = {p}",
            select_version=f"SELECT version FROM instances WHERE id = {p}",
        )


def create_rows(
    instance: Instance, events: Sequence[Event]
) -> tuple[tuple[Any, ...], list[tuple[Any, ...]]]:
    """The instance row and event rows of a new instance, after checking the transition."""
    check_transition(instance, events, expected_version=0, previous_count=0)
    return instance_row(instance), [event_row(e) for e in events]


def commit_rows(
    instance: Instance, events: Sequence[Event], expected_version: int
) -> tuple[tuple[Any, ...], list[tuple[Any, ...]]]:
    """The values of :attr:`Statements.update_instance` and the new event rows of a
    transition, after checking it."""
    check_transition(
        instance, events, expected_version=expected_version,
        previous_count=instance.event_count - len(events),
    )
    values = (*instance_update(instance), instance.id, expected_version)
    return values, [event_row(e) for e in events]


def lost_update(instance_id: str, expected_version: int,
                found: Sequence[Any] | None) -> ExecutionError:
    """Why an update naming ``expected_version`` matched no row, given the row of
    :attr:`Statements.select_version` (None: the instance is not stored)."""
    if found is None:
        return UnknownInstanceError(instance_id)
    return ConcurrentModificationError(instance_id, expected_version, found[0])


class _Connection(Protocol):
    def execute(self, query: str, params: Sequence[Any], /) -> Any: ...

    def close(self) -> None: ...


_C = TypeVar("_C", bound=_Connection)


class SQLStoreBase(ABC, Generic[_C]):
    """The reading and closing both SQL stores do alike, over the dialect's ``_run``.

    A subclass sets :attr:`_statements`, :attr:`_save_definition` (its dialect's "insert
    unless the revision is kept"), and ``_all`` (every connection it opened), ``_lock``
    (guarding ``_all``) and ``_closed`` in its constructor.
    """

    _statements: ClassVar[Statements]
    _save_definition: ClassVar[str]
    #: What keeps the dialect's planner from using an index on the column it prefixes.
    _unindexed: ClassVar[str] = ""
    #: The dialect's SQL for the first active step's id and visit (JSON in ``active``), its
    #: null-safe "differs", and what a claim adds to skip rows other claimers hold.
    _active_step: ClassVar[str]
    _active_visit: ClassVar[str]
    _differs: ClassVar[str]
    _skip_locked: ClassVar[str] = ""
    _all: list[_C]
    _lock: AbstractContextManager[Any]
    _closed: bool
    _local: Any  # threading.local: this thread's connection (and rows seen)

    @abstractmethod
    def _run(self, doing: str, body: Callable[[_C], _T]) -> _T:
        """``body`` on this thread's connection; a driver error becomes a StoreError saying
        what the store was ``doing``."""

    @abstractmethod
    def _write(self, doing: str, body: Callable[[_C], None]) -> None:
        """``body`` in one transaction on this thread's connection: all of it or nothing."""

    @abstractmethod
    def load(self, instance_id: str) -> Instance:
        """The instance as last committed; UnknownInstanceError if absent."""

    def _rows_seen(self) -> dict[str, tuple[Sequence[Any], Instance]]:
        """This thread's last row of each instance it read or wrote, with its value."""
        seen: dict[str, tuple[Sequence[Any], Instance]] | None = getattr(
            self._local, "seen", None)
        if seen is None or len(seen) >= _SEEN:
            seen = self._local.seen = {}
        return seen

    def _decode(self, row: Sequence[Any]) -> Instance:
        """The instance in ``row``: the value kept from the last read or write when the row is
        exactly the one kept (every column equal, so the decode would give the same), else
        decoded. A transition reads the row its previous one wrote: this skips the JSON and
        datetime parsing of it."""
        seen = self._rows_seen()
        kept = seen.get(row[0])
        if kept is not None and kept[0] == row:
            return kept[1]
        instance = decode_instance(row)
        seen[row[0]] = (tuple(row), instance)
        return instance

    def _wrote(self, instance: Instance, values: tuple[Any, ...]) -> None:
        """Keep the row a commit just wrote (``values`` of :attr:`Statements.update_instance`)
        with the instance it encodes, if the last read row of the instance is kept (for its
        unchanged columns) and the instance's times have no zone (a zone's tzinfo object
        would come back from the text as a fixed offset: not the same value)."""
        seen = self._rows_seen()
        kept = seen.get(instance.id)
        if kept is None:
            return
        if instance.updated_at.tzinfo is not None or instance.created_at.tzinfo is not None:
            del seen[instance.id]
            return
        old = kept[0]
        (version, status, event_count, updated, end, active, visits, procedure,
         revision) = values[:9]
        seen[instance.id] = ((old[0], procedure, version, status, event_count, old[5], updated,
                              end, old[8], active, visits, revision), instance)

    def _fetch(self, doing: str, query: str, params: Sequence[Any]) -> list[Any]:
        return self._run(doing, lambda conn: conn.execute(query, params).fetchall())

    def save_definition(self, revision: str, name: str, document: str) -> None:
        self._write(f"cannot save the SOP revision {revision[:12]}", lambda conn: conn.execute(
            self._save_definition, (revision, name, document)))

    def definition(self, revision: str) -> str | None:
        rows = self._fetch("cannot read an SOP revision",
                           f"SELECT document FROM definitions WHERE revision = "
                           f"{self._statements.placeholder}", (revision,))
        return str(rows[0][0]) if rows else None

    def history(self, instance_id: str) -> list[Event]:
        self.load(instance_id)
        rows = self._fetch(f"cannot read the events of {instance_id!r}",
                           f"SELECT {EVENT_COLUMNS} FROM events WHERE instance_id = "
                           f"{self._statements.placeholder} ORDER BY seq", (instance_id,))
        return [decode_event(row) for row in rows]

    def instances(
        self, *, procedure: str | None = None, status: InstanceStatus | None = None
    ) -> Iterator[Instance]:
        """Read page by page (no statement stays open between pages, so the caller may write
        while iterating); a damaged row is logged and skipped, the others still list."""
        p = self._statements.placeholder
        query = f"SELECT seq, {INSTANCE_COLUMNS} FROM instances WHERE seq > {p}"
        params: list[Any] = []
        if procedure is not None:
            # all of one SOP's instances: along the creation key, the SOP checked row by row
            # (its index would sort all the SOP's rows again for every page); with a status,
            # by the index (a few running instances among many finished ones)
            hidden = self._unindexed if status is None else ""
            query += f" AND {hidden}procedure = {p}"
            params.append(procedure)
        if status is not None:
            query += f" AND status = {p}"
            params.append(status.value)
        query += f" ORDER BY seq LIMIT {_PAGE}"
        last = -1
        while True:
            rows = self._fetch("cannot list instances", query, (last, *params))
            for row in rows:
                instance = skip_damaged(decode_instance, row[1:])
                if instance is not None:
                    yield instance
            if len(rows) < _PAGE:
                return
            last = rows[-1][0]

    def events(self, *, procedure: str | None = None) -> Iterator[Event]:
        """Streamed in pages of instances; a damaged event is logged and skipped. Each page
        is decoded in one loop and the pages chained (no Python frame per event)."""
        return itertools.chain.from_iterable(self._decoded_pages(procedure))

    def _decoded_pages(self, procedure: str | None) -> Iterator[list[Event]]:
        """Each page read and decoded with the cyclic garbage collector paused: a page makes
        tens of thousands of objects at once, and the collector's passes over them (which
        promote them, which triggers full passes over everything alive) cost as much as the
        decoding itself. Events hold no cycles; the collector runs again between pages."""
        def damaged(error: StoreError) -> None:
            _log.warning("skipped while listing: %s", error)

        pages = self._event_pages(procedure)
        while True:
            was = gc.isenabled()
            gc.disable()
            try:
                rows = next(pages, None)
                events = None if rows is None else decode_events(rows, damaged)
            finally:
                if was:
                    gc.enable()
            if events is None:
                return
            yield events

    def _event_pages(self, procedure: str | None) -> Iterator[list[Any]]:
        p = self._statements.placeholder
        # the page is a range of creation numbers: found and read along that key, so the rows
        # come in order without a sort (the SOP name is checked row by row, not by its index,
        # which would sort all the SOP's instances again for every page)
        where = f" AND {self._unindexed}i.procedure = {p}" if procedure is not None else ""
        params = () if procedure is None else (procedure,)
        ids_query = (f"SELECT seq FROM instances i WHERE seq > {p}{where} "
                     f"ORDER BY seq LIMIT {_EVENT_PAGE}")
        query = (f"SELECT {_JOINED_EVENT_COLUMNS} FROM instances i "
                 f"JOIN events e ON e.instance_id = i.id "
                 f"WHERE i.seq > {p} AND i.seq <= {p}{where} ORDER BY i.seq, e.seq")
        last = -1
        while True:
            ids = self._fetch("cannot read events", ids_query, (last, *params))
            if not ids:
                return
            yield self._fetch("cannot read events", query, (last, ids[-1][0], *params))
            last = ids[-1][0]

    def claim(self, *, procedures: Sequence[str], steps: Sequence[str] | None, worker: str,
              limit: int, now: float, until: float) -> list[Instance]:
        """Lease up to ``limit`` running instances to ``worker`` until ``until`` (seconds, on
        the executor's clock): those whose first active step is one of ``steps`` (all if
        None) and holds no live lease (none, expired at ``now``, or on a step since done).
        One statement: the rows are chosen, locked and marked together, so no two claimers
        get the same step; PostgreSQL skips rows another claimer or writer holds
        (``SKIP LOCKED``) instead of waiting for them."""
        p = self._statements.placeholder
        step, visit, differs = self._active_step, self._active_visit, self._differs
        names = ", ".join([p] * len(procedures))
        query = (
            f"UPDATE instances SET claimed_by = {p}, claim_step = {step}, "
            f"claim_visit = {visit}, lease_until = {p} WHERE seq IN (SELECT seq FROM instances"
            f" WHERE procedure IN ({names}) AND status = 'running' AND active <> '[]' AND "
            f"(lease_until IS NULL OR lease_until <= {p} OR claim_step {differs} {step} OR "
            f"claim_visit {differs} {visit})"
        )
        params: list[Any] = [worker, until, *procedures, now]
        if steps is not None:
            if not steps:
                return []
            query += f" AND {step} IN ({', '.join([p] * len(steps))})"
            params.extend(steps)
        query += (f" ORDER BY seq LIMIT {int(limit)}{self._skip_locked}) "
                  f"RETURNING seq, {INSTANCE_COLUMNS}")
        found: list[Any] = []

        def body(conn: _C) -> None:
            found.extend(conn.execute(query, params).fetchall())

        self._write(f"cannot claim work for {worker!r}", body)
        found.sort(key=lambda row: row[0])
        return [decode_instance(row[1:]) for row in found]

    def release(self, instance_id: str, worker: str) -> bool:
        """End ``worker``'s lease on the instance; False if it held none."""
        p = self._statements.placeholder
        done: list[int] = []

        def body(conn: _C) -> None:
            done.append(conn.execute(
                f"UPDATE instances SET claimed_by = NULL, claim_step = NULL, claim_visit = "
                f"NULL, lease_until = NULL WHERE id = {p} AND claimed_by = {p}",
                (instance_id, worker)).rowcount)

        self._write(f"cannot release {instance_id!r}", body)
        return done[0] == 1

    def lease(self, instance_id: str) -> tuple[str, str, int, float] | None:
        """The lease on the instance as stored (worker, step, visit, until), or None."""
        rows = self._fetch(f"cannot read instance {instance_id!r}",
                           "SELECT claimed_by, claim_step, claim_visit, lease_until FROM "
                           f"instances WHERE id = {self._statements.placeholder}",
                           (instance_id,))
        if not rows or rows[0][0] is None:
            return None
        worker, step, visit, until = rows[0]
        return str(worker), str(step), int(visit), float(until)

    def close(self) -> None:
        """Close every thread's connection (call when no thread uses the store any more)."""
        with self._lock:
            self._closed = True
            for conn in self._all:
                conn.close()
            self._all.clear()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
