"""A durable store in one SQLite file (standard library ``sqlite3``).

Durability and concurrency
--------------------------
* Each transition is one transaction: ``BEGIN IMMEDIATE`` (take the write lock first), an
  ``UPDATE ... WHERE id = ? AND version = ?`` of the instance row, the ``INSERT`` of its
  events, ``COMMIT``. SQLite's journal makes the transaction all-or-nothing, so a crash at any
  point leaves either the whole transition or none of it.
* Optimistic concurrency: the executor reads an instance without locking, decides, and commits
  naming the version it read. If another process or connection committed in between, the
  ``UPDATE`` matches no row and :class:`ConcurrentModificationError` is raised; nothing is
  written and nothing is overwritten silently.
* WAL mode (readers do not block the writer, the writer does not block readers), and a busy
  timeout so two writers queue for the lock instead of failing.
* ``synchronous``: ``"FULL"`` (default) syncs the WAL to disk at every commit, so a committed
  transition survives a power cut or an OS crash as well as a killed process. ``"NORMAL"`` skips
  that sync: a killed process still loses nothing committed and the file is never corrupted,
  but the last transitions before a power cut or OS crash may be rolled back (still whole).
  NORMAL is several times faster on disks where a sync is slow; choose it when the input can be
  replayed.

One :class:`SQLiteStore` object belongs to one thread (``sqlite3`` connections are not shared
between threads); open one per thread or process on the same file.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Sequence
from datetime import datetime
from os import PathLike
from types import MappingProxyType
from typing import Any, Literal

from sopflow.runtime.errors import (
    ConcurrentModificationError,
    DuplicateInstanceError,
    StoreError,
    UnknownInstanceError,
)
from sopflow.runtime.state import ActiveStep, Event, EventKind, Instance, InstanceStatus
from sopflow.runtime.store import check_transition

__all__ = ["SCHEMA_VERSION", "SQLiteStore"]

SCHEMA_VERSION = 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS sopflow_meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS instances (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
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
    visits TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS instances_by_procedure ON instances (procedure, status);
CREATE TABLE IF NOT EXISTS events (
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
    PRIMARY KEY (instance_id, seq)
);
"""

_INSTANCE_COLUMNS = (
    "id, procedure, version, status, event_count, created_at, updated_at, end_node, metadata, "
    "active, visits"
)
_EVENT_COLUMNS = (
    "instance_id, seq, kind, timestamp, version, step_id, activity, actors, person, visit, "
    "answer, note, inputs_present, output"
)
_INSERT_EVENT = f"INSERT INTO events ({_EVENT_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)"
_UPDATE_INSTANCE = (
    "UPDATE instances SET version = ?, status = ?, event_count = ?, updated_at = ?, "
    "end_node = ?, active = ?, visits = ? WHERE id = ? AND version = ?"
)


def _active_json(active: Sequence[ActiveStep]) -> str:
    return json.dumps(
        [[a.step_id, a.visit, a.activated_at.isoformat(), a.overdue_notified] for a in active]
    )


def _event_row(e: Event) -> tuple[Any, ...]:
    return (
        e.instance_id, e.seq, e.kind.value, e.timestamp.isoformat(), e.version, e.step_id,
        e.activity, json.dumps(e.actors), e.person, e.visit, e.answer, e.note,
        None if e.inputs_present is None else json.dumps(e.inputs_present), e.output,
    )


def _event(row: Sequence[Any]) -> Event:
    return Event(
        instance_id=row[0], seq=row[1], kind=EventKind(row[2]),
        timestamp=datetime.fromisoformat(row[3]), version=row[4], step_id=row[5],
        activity=row[6], actors=tuple(json.loads(row[7])), person=row[8], visit=row[9],
        answer=row[10], note=row[11],
        inputs_present=None if row[12] is None else tuple(json.loads(row[12])), output=row[13],
    )


def _instance(row: Sequence[Any]) -> Instance:
    return Instance(
        id=row[0], procedure=row[1], version=row[2], status=InstanceStatus(row[3]),
        event_count=row[4],
        created_at=datetime.fromisoformat(row[5]), updated_at=datetime.fromisoformat(row[6]),
        end=row[7], metadata=MappingProxyType(json.loads(row[8])),
        active=tuple(
            ActiveStep(step_id=s, visit=v, activated_at=datetime.fromisoformat(t),
                       overdue_notified=n)
            for s, v, t, n in json.loads(row[9])
        ),
        visits=json.loads(row[10]),
    )


class SQLiteStore:
    """Instances and events in one SQLite file; see the module docstring for the guarantees.

    ``path``: a file path (created if missing) or ":memory:". ``timeout``: seconds to wait for
    another writer's lock before giving up.
    """

    def __init__(
        self,
        path: str | PathLike[str],
        *,
        synchronous: Literal["FULL", "NORMAL"] = "FULL",
        timeout: float = 30.0,
    ) -> None:
        if synchronous not in ("FULL", "NORMAL"):
            raise ValueError(f"synchronous must be 'FULL' or 'NORMAL', got {synchronous!r}")
        self.path = str(path)
        try:
            self._conn = sqlite3.connect(self.path, timeout=timeout, isolation_level=None)
        except sqlite3.Error as error:
            raise StoreError(f"{self.path}: cannot open the SQLite store: {error}") from None
        try:
            mode = self._conn.execute("PRAGMA journal_mode=WAL").fetchone()[0]
            if mode != "wal" and self.path != ":memory:":
                raise StoreError(f"{self.path}: SQLite refused WAL mode (got {mode!r})")
            self._conn.execute(f"PRAGMA synchronous={synchronous}")
            self._conn.execute(f"PRAGMA busy_timeout={int(timeout * 1000)}")
            self._init_schema()
        except sqlite3.Error as error:
            self._conn.close()
            raise StoreError(f"{self.path}: cannot open the SQLite store: {error}") from None
        except BaseException:
            self._conn.close()
            raise

    def _init_schema(self) -> None:
        conn = self._conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            for statement in _SCHEMA.split(";"):
                if statement.strip():
                    conn.execute(statement)
            row = conn.execute(
                "SELECT value FROM sopflow_meta WHERE key = 'schema_version'"
            ).fetchone()
            if row is None:
                conn.execute(
                    "INSERT INTO sopflow_meta (key, value) VALUES ('schema_version', ?)",
                    (str(SCHEMA_VERSION),),
                )
            elif int(row[0]) != SCHEMA_VERSION:
                raise StoreError(
                    f"{self.path}: store schema version {row[0]}, this sopflow reads version "
                    f"{SCHEMA_VERSION}"
                )
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise

    # ------------------------------------------------------------------ writing

    def create(self, instance: Instance, events: Sequence[Event]) -> None:
        check_transition(instance, events, expected_version=0, previous_count=0)
        conn = self._conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            try:
                conn.execute(
                    f"INSERT INTO instances ({_INSTANCE_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                    (
                        instance.id, instance.procedure, instance.version, instance.status.value,
                        instance.event_count, instance.created_at.isoformat(),
                        instance.updated_at.isoformat(), instance.end,
                        json.dumps(dict(instance.metadata)), _active_json(instance.active),
                        json.dumps(dict(instance.visits)),
                    ),
                )
            except sqlite3.IntegrityError:
                raise DuplicateInstanceError(instance.id) from None
            conn.executemany(_INSERT_EVENT, [_event_row(e) for e in events])
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise

    def commit(self, instance: Instance, events: Sequence[Event], *, expected_version: int) -> None:
        check_transition(
            instance, events, expected_version=expected_version,
            previous_count=instance.event_count - len(events),
        )
        conn = self._conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            cursor = conn.execute(
                _UPDATE_INSTANCE,
                (
                    instance.version, instance.status.value, instance.event_count,
                    instance.updated_at.isoformat(), instance.end, _active_json(instance.active),
                    json.dumps(dict(instance.visits)), instance.id, expected_version,
                ),
            )
            if cursor.rowcount != 1:
                row = conn.execute(
                    "SELECT version FROM instances WHERE id = ?", (instance.id,)
                ).fetchone()
                if row is None:
                    raise UnknownInstanceError(instance.id)
                raise ConcurrentModificationError(instance.id, expected_version, row[0])
            conn.executemany(_INSERT_EVENT, [_event_row(e) for e in events])
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise

    # ------------------------------------------------------------------ reading

    def load(self, instance_id: str) -> Instance:
        row = self._conn.execute(
            f"SELECT {_INSTANCE_COLUMNS} FROM instances WHERE id = ?", (instance_id,)
        ).fetchone()
        if row is None:
            raise UnknownInstanceError(instance_id)
        return _instance(row)

    def history(self, instance_id: str) -> list[Event]:
        self.load(instance_id)
        rows = self._conn.execute(
            f"SELECT {_EVENT_COLUMNS} FROM events WHERE instance_id = ? ORDER BY seq",
            (instance_id,),
        ).fetchall()
        return [_event(row) for row in rows]

    def instances(
        self, *, procedure: str | None = None, status: InstanceStatus | None = None
    ) -> Iterator[Instance]:
        query = f"SELECT {_INSTANCE_COLUMNS} FROM instances"
        clauses, params = [], []
        if procedure is not None:
            clauses.append("procedure = ?")
            params.append(procedure)
        if status is not None:
            clauses.append("status = ?")
            params.append(status.value)
        if clauses:
            query += " WHERE " + " AND ".join(clauses)
        rows = self._conn.execute(query + " ORDER BY seq", params).fetchall()
        return iter([_instance(row) for row in rows])

    def events(self, *, procedure: str | None = None) -> Iterator[Event]:
        columns = ", ".join(f"e.{c.strip()}" for c in _EVENT_COLUMNS.split(","))
        query = (
            f"SELECT {columns} FROM events e JOIN instances i ON i.id = e.instance_id"
            + (" WHERE i.procedure = ?" if procedure is not None else "")
            + " ORDER BY i.seq, e.seq"
        )
        rows = self._conn.execute(query, () if procedure is None else (procedure,)).fetchall()
        return iter([_event(row) for row in rows])

    def integrity_check(self) -> str:
        """SQLite's own check of the file ("ok" when sound)."""
        return str(self._conn.execute("PRAGMA integrity_check").fetchone()[0])

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> SQLiteStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
