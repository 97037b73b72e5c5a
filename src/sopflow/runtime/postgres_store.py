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
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

from sopflow.runtime import _sql
from sopflow.runtime.errors import (
    DuplicateInstanceError,
    StoreBusyError,
    StoreError,
    UnknownInstanceError,
)
from sopflow.runtime.state import Event, Instance

if TYPE_CHECKING:
    import psycopg

__all__ = ["PostgresStore"]

SCHEMA_VERSION = 3
_T = TypeVar("_T")
_TABLES = {"sopflow_meta", "instances", "events", "definitions"}
_SCHEMA = _sql.schema(
    seq_column="BIGSERIAL PRIMARY KEY", index_columns="procedure, status, seq"
) + """
INSERT INTO sopflow_meta (key, value) VALUES ('application', 'sopflow');
INSERT INTO sopflow_meta (key, value) VALUES ('schema_version', '3')
"""
# version 2: before claims
_UPGRADE_V2 = _sql.add_claim_columns(if_missing="IF NOT EXISTS ") + (
    "UPDATE sopflow_meta SET value = '3' WHERE key = 'schema_version'")
_SQL = _sql.Statements.written_with("%s")


def _psycopg() -> Any:
    try:
        import psycopg
    except ImportError:
        raise StoreError(
            "the PostgreSQL store needs psycopg 3: pip install 'sopflow[postgres]'"
        ) from None
    return psycopg


class PostgresStore(_sql.SQLStoreBase["psycopg.Connection[Any]"]):
    """Instances and events in a PostgreSQL schema; see the module docstring.

    ``url``: a libpq connection string (``postgresql://user@host:5432/db``). ``schema``: the
    PostgreSQL schema holding the tables (created if missing). ``timeout``: seconds a writer
    waits for a row lock before :class:`StoreBusyError`.
    """

    _statements = _SQL
    _save_definition = ("INSERT INTO definitions (revision, name, document) VALUES (%s, %s, %s) "
                        "ON CONFLICT (revision) DO NOTHING")
    _active_step = "(active::jsonb -> 0 ->> 0)"
    _active_visit = "((active::jsonb -> 0 ->> 1)::integer)"
    _differs = "IS DISTINCT FROM"
    _skip_locked = " FOR UPDATE SKIP LOCKED"

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
            if meta.get("application") == "sopflow" and meta.get("schema_version") == "2":
                for statement in _UPGRADE_V2.split(";"):
                    if statement.strip():
                        conn.execute(statement)
                return
            if meta.get("application") != "sopflow" or meta.get("schema_version") != str(
                    SCHEMA_VERSION):
                raise StoreError(
                    f"{self._shown}: schema {self.schema!r}: store schema version "
                    f"{meta.get('schema_version')}, this sopflow reads version {SCHEMA_VERSION}"
                )

    # ------------------------------------------------------------------ writing

    def create(self, instance: Instance, events: Sequence[Event]) -> None:
        row, rows = _sql.create_rows(instance, events)

        def body(conn: psycopg.Connection[Any]) -> None:
            found = conn.execute(_SQL.insert_instance + " ON CONFLICT (id) DO NOTHING", row)
            if found.rowcount != 1:
                raise DuplicateInstanceError(instance.id)
            with conn.cursor() as cursor:
                cursor.executemany(_SQL.insert_event, rows)

        self._write(f"cannot create instance {instance.id!r}", body)

    def commit(self, instance: Instance, events: Sequence[Event], *, expected_version: int) -> None:
        values, rows = _sql.commit_rows(instance, events, expected_version)

        def body(conn: psycopg.Connection[Any]) -> None:
            if conn.execute(_SQL.update_instance, values).rowcount != 1:
                found = conn.execute(_SQL.select_version, (instance.id,)).fetchone()
                raise _sql.lost_update(instance.id, expected_version, found)
            with conn.cursor() as cursor:
                cursor.executemany(_SQL.insert_event, rows)

        self._write(f"cannot commit instance {instance.id!r}", body)
        self._wrote(instance, values)

    # ------------------------------------------------------------------ reading

    def load(self, instance_id: str) -> Instance:
        rows = self._fetch(f"cannot read instance {instance_id!r}", _SQL.select_instance,
                           (instance_id,))
        if not rows:
            raise UnknownInstanceError(instance_id)
        return self._decode(rows[0])


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
