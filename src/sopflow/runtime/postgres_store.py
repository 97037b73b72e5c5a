"""A store in PostgreSQL (psycopg 3, the optional extra ``sopflow[postgres]``), for several
app servers sharing one database.

The same guarantees as the SQLite store, with the same rows (see ``_rows``):

* Each transition is one transaction: ``UPDATE instances ... WHERE id = %s AND version = %s``
  and the ``INSERT`` of its events, committed together or not at all.
* Optimistic concurrency: a writer that read an older version updates no row and gets
  :class:`ConcurrentModificationError`. The ``UPDATE`` locks only that instance's row, for
  the length of the commit; reads (worklists, monitoring, exports) take no locks at all (MVCC),
  so workers on different instances never wait for each other, and many workers reading
  worklists never block a writer.
* ``timeout``: a writer waiting longer than this for a row lock gets :class:`StoreBusyError`
  (PostgreSQL ``lock_timeout``); nothing is written.
* Threads: each thread gets its own connection.

The tables live in one PostgreSQL schema (``schema``, default ``sopflow``), marked as a sopflow
store by its ``sopflow_meta`` table; a schema holding other tables is refused unchanged.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

from sopflow.runtime._rows import (
    EVENT_COLUMNS,
    INSTANCE_COLUMNS,
    decode_event,
    decode_instance,
    event_row,
    instance_row,
    instance_update,
)
from sopflow.runtime.errors import (
    ConcurrentModificationError,
    DuplicateInstanceError,
    StoreBusyError,
    StoreError,
    UnknownInstanceError,
)
from sopflow.runtime.state import Event, Instance, InstanceStatus
from sopflow.runtime.store import check_transition, skip_damaged

if TYPE_CHECKING:
    import psycopg

__all__ = ["PostgresStore"]

SCHEMA_VERSION = 2
_T = TypeVar("_T")
_PAGE = 2000
_TABLES = {"sopflow_meta", "instances", "events", "definitions"}

_SCHEMA = """
CREATE TABLE sopflow_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE instances (
    seq BIGSERIAL PRIMARY KEY,
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
    revision TEXT
);
CREATE INDEX instances_by_procedure ON instances (procedure, status, seq);
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
);
CREATE TABLE definitions (revision TEXT PRIMARY KEY, name TEXT NOT NULL, document TEXT NOT NULL);
INSERT INTO sopflow_meta (key, value) VALUES ('application', 'sopflow');
INSERT INTO sopflow_meta (key, value) VALUES ('schema_version', '2')
"""
_INSERT_EVENT = (f"INSERT INTO events ({EVENT_COLUMNS}) VALUES "
                 "(%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s)")
_INSERT_INSTANCE = (f"INSERT INTO instances ({INSTANCE_COLUMNS}) VALUES "
                    "(%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s)")
_UPDATE_INSTANCE = (
    "UPDATE instances SET version = %s, status = %s, event_count = %s, updated_at = %s, "
    "end_node = %s, active = %s, visits = %s, procedure = %s, revision = %s "
    "WHERE id = %s AND version = %s"
)


def _psycopg() -> Any:
    try:
        import psycopg
    except ImportError:
        raise StoreError(
            "the PostgreSQL store needs psycopg 3: pip install 'sopflow[postgres]'"
        ) from None
    return psycopg


class PostgresStore:
    """Instances and events in a PostgreSQL schema; see the module docstring.

    ``url``: a libpq connection string (``postgresql://user@host:5432/db``). ``schema``: the
    PostgreSQL schema holding the tables (created if missing). ``timeout``: seconds a writer
    waits for a row lock before :class:`StoreBusyError`.
    """

    def __init__(self, url: str, *, schema: str = "sopflow", timeout: float = 30.0) -> None:
        self._pg = _psycopg()
        if not isinstance(schema, str) or not schema:
            raise ValueError(f"schema must be a non-empty name, got {schema!r}")
        self.url, self.schema, self.timeout = url, schema, timeout
        self._shown = _without_password(url)
        self._local = threading.local()
        self._lock = threading.Lock()
        self._all: list[psycopg.Connection[Any]] = []
        self._closed = False
        self._run("cannot open the store", self._init_schema)

    # ------------------------------------------------------------------ connections

    def _conn(self) -> psycopg.Connection[Any]:
        if self._closed:
            raise StoreError(f"{self._shown}: the store is closed")
        conn: psycopg.Connection[Any] | None = getattr(self._local, "conn", None)
        if conn is None or conn.closed:
            conn = self._pg.connect(self.url, autocommit=True)
            ident = self._pg.sql.Identifier(self.schema).as_string(conn)
            conn.execute(f"SET search_path TO {ident}")
            conn.execute(f"SET lock_timeout = {int(self.timeout * 1000)}")
            with self._lock:
                self._all.append(conn)
            self._local.conn = conn
        return conn

    def _fail(self, error: Exception, doing: str) -> NoReturn:
        errors = self._pg.errors
        if isinstance(error, (errors.LockNotAvailable, errors.QueryCanceled)):
            raise StoreBusyError(
                f"{self._shown}: {doing}: a row or table is locked by another writer; waited "
                f"{self.timeout:g} s. Nothing was written: retry, open the store with a longer "
                "timeout=, or find the session holding the lock (pg_stat_activity)"
            ) from None
        raise StoreError(f"{self._shown}: {doing}: {type(error).__name__}: "
                         f"{str(error).strip()}") from None

    def _run(self, doing: str, body: Callable[[psycopg.Connection[Any]], _T]) -> _T:
        try:
            return body(self._conn())
        except self._pg.Error as error:
            self._fail(error, doing)

    def _write(self, doing: str, body: Callable[[psycopg.Connection[Any]], None]) -> None:
        def transaction(conn: psycopg.Connection[Any]) -> None:
            with conn.transaction():
                body(conn)

        self._run(doing, transaction)

    def _fetch(self, doing: str, query: str, params: Sequence[Any]) -> list[Any]:
        return self._run(doing, lambda conn: conn.execute(query, params).fetchall())

    def _init_schema(self, conn: psycopg.Connection[Any]) -> None:
        ident = self._pg.sql.Identifier(self.schema).as_string(conn)
        with conn.transaction():
            # one process creates the tables; the others wait, then find them
            conn.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (f"sopflow:{self.schema}",))
            tables = {r[0] for r in conn.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = %s",
                (self.schema,))}
            if not tables:
                conn.execute(f"CREATE SCHEMA IF NOT EXISTS {ident}")
                for statement in _SCHEMA.split(";"):
                    if statement.strip():
                        conn.execute(statement)
                return
            if "sopflow_meta" not in tables or not tables <= _TABLES:
                raise StoreError(
                    f"{self._shown}: schema {self.schema!r} is not a sopflow store (tables: "
                    f"{', '.join(sorted(tables))}); it was left unchanged. Give another schema="
                )
            meta = dict(conn.execute("SELECT key, value FROM sopflow_meta").fetchall())
            if meta.get("application") != "sopflow" or meta.get("schema_version") != str(
                    SCHEMA_VERSION):
                raise StoreError(
                    f"{self._shown}: schema {self.schema!r}: store schema version "
                    f"{meta.get('schema_version')}, this sopflow reads version {SCHEMA_VERSION}"
                )

    # ------------------------------------------------------------------ writing

    def create(self, instance: Instance, events: Sequence[Event]) -> None:
        check_transition(instance, events, expected_version=0, previous_count=0)
        row, rows = instance_row(instance), [event_row(e) for e in events]

        def body(conn: psycopg.Connection[Any]) -> None:
            found = conn.execute(_INSERT_INSTANCE + " ON CONFLICT (id) DO NOTHING", row)
            if found.rowcount != 1:
                raise DuplicateInstanceError(instance.id)
            with conn.cursor() as cursor:
                cursor.executemany(_INSERT_EVENT, rows)

        self._write(f"cannot create instance {instance.id!r}", body)

    def commit(self, instance: Instance, events: Sequence[Event], *, expected_version: int) -> None:
        check_transition(
            instance, events, expected_version=expected_version,
            previous_count=instance.event_count - len(events),
        )
        values = (*instance_update(instance), instance.id, expected_version)
        rows = [event_row(e) for e in events]

        def body(conn: psycopg.Connection[Any]) -> None:
            if conn.execute(_UPDATE_INSTANCE, values).rowcount != 1:
                found = conn.execute(
                    "SELECT version FROM instances WHERE id = %s", (instance.id,)).fetchone()
                if found is None:
                    raise UnknownInstanceError(instance.id)
                raise ConcurrentModificationError(instance.id, expected_version, found[0])
            with conn.cursor() as cursor:
                cursor.executemany(_INSERT_EVENT, rows)

        self._write(f"cannot commit instance {instance.id!r}", body)

    def save_definition(self, revision: str, name: str, document: str) -> None:
        def body(conn: psycopg.Connection[Any]) -> None:
            conn.execute("INSERT INTO definitions (revision, name, document) VALUES (%s, %s, %s) "
                         "ON CONFLICT (revision) DO NOTHING", (revision, name, document))

        self._write(f"cannot save the SOP revision {revision[:12]}", body)

    # ------------------------------------------------------------------ reading

    def load(self, instance_id: str) -> Instance:
        rows = self._fetch(f"cannot read instance {instance_id!r}",
                           f"SELECT {INSTANCE_COLUMNS} FROM instances WHERE id = %s",
                           (instance_id,))
        if not rows:
            raise UnknownInstanceError(instance_id)
        return decode_instance(rows[0])

    def definition(self, revision: str) -> str | None:
        rows = self._fetch("cannot read an SOP revision",
                           "SELECT document FROM definitions WHERE revision = %s", (revision,))
        return str(rows[0][0]) if rows else None

    def history(self, instance_id: str) -> list[Event]:
        self.load(instance_id)
        rows = self._fetch(f"cannot read the events of {instance_id!r}",
                           f"SELECT {EVENT_COLUMNS} FROM events WHERE instance_id = %s "
                           "ORDER BY seq", (instance_id,))
        return [decode_event(row) for row in rows]

    def instances(
        self, *, procedure: str | None = None, status: InstanceStatus | None = None
    ) -> Iterator[Instance]:
        """Read page by page (no lock, no open cursor between pages); a damaged row is
        logged and skipped."""
        query = f"SELECT seq, {INSTANCE_COLUMNS} FROM instances WHERE seq > %s"
        params: list[Any] = []
        if procedure is not None:
            query += " AND procedure = %s"
            params.append(procedure)
        if status is not None:
            query += " AND status = %s"
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
        """Streamed in pages of instances; a damaged event is logged and skipped."""
        columns = ", ".join(f"e.{c.strip()}" for c in EVENT_COLUMNS.split(","))
        where = " AND i.procedure = %s" if procedure is not None else ""
        params = () if procedure is None else (procedure,)
        ids_query = (f"SELECT seq FROM instances i WHERE seq > %s{where} "
                     "ORDER BY seq LIMIT 500")
        query = (f"SELECT {columns} FROM instances i JOIN events e ON e.instance_id = i.id "
                 "WHERE i.seq > %s AND i.seq <= %s" + where + " ORDER BY i.seq, e.seq")
        last = -1
        while True:
            ids = self._fetch("cannot read events", ids_query, (last, *params))
            if not ids:
                return
            rows = self._fetch("cannot read events", query, (last, ids[-1][0], *params))
            for row in rows:
                try:
                    event = decode_event(row)
                except StoreError:  # logged and skipped: the rest of the log still streams
                    skip_damaged(decode_event, row)
                    continue
                yield event
            last = ids[-1][0]

    def close(self) -> None:
        """Close every thread's connection."""
        with self._lock:
            self._closed = True
            for conn in self._all:
                conn.close()
            self._all.clear()

    def __enter__(self) -> PostgresStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _without_password(url: str) -> str:
    """The URL as shown in messages: never the password."""
    from urllib.parse import urlsplit, urlunsplit

    try:
        parts = urlsplit(url)
    except ValueError:
        return "postgresql"
    if parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = f"{parts.username}:***@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))
