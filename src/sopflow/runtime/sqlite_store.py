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
  timeout so two writers queue for the lock instead of failing; a writer that waited longer
  than ``timeout`` gets :class:`StoreBusyError` (nothing written).
* ``synchronous``: ``"FULL"`` (default) syncs the WAL to disk at every commit, so a committed
  transition survives a power cut or an OS crash as well as a killed process. ``"NORMAL"`` skips
  that sync: a killed process still loses nothing committed and the file is never corrupted,
  but the last transitions before a power cut or OS crash may be rolled back (still whole).

Threads: one :class:`SQLiteStore` may be shared by threads; each thread gets its own
connection to the file (an in-memory database has one connection, used under a lock).

The file is marked as a sopflow store (SQLite ``application_id`` and ``user_version``). A file
that is not a sopflow store is refused before anything in it is changed.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Sequence
from os import PathLike
from typing import Any, Literal, NoReturn, TypeVar

from sopflow.runtime import _sql
from sopflow.runtime.errors import (
    DuplicateInstanceError,
    StoreBusyError,
    StoreError,
    UnknownInstanceError,
)
from sopflow.runtime.state import Event, Instance

__all__ = ["APPLICATION_ID", "SCHEMA_VERSION", "SQLiteStore"]

SCHEMA_VERSION = 3
#: SQLite ``PRAGMA application_id`` of a sopflow store: "SOPf".
APPLICATION_ID = 0x534F5066
_T = TypeVar("_T")

_SCHEMA = _sql.schema(seq_column="INTEGER PRIMARY KEY AUTOINCREMENT",
                      index_columns="procedure, status", events_options=" WITHOUT ROWID")
# A version 1 store (sopflow before revisions): no application_id, no revision column.
_V1_TABLES = {"sopflow_meta", "instances", "events", "sqlite_sequence"}
_UPGRADE_V2 = _sql.add_claim_columns()  # version 2: before claims
_UPGRADE_V1 = f"""
ALTER TABLE instances ADD COLUMN revision TEXT;
ALTER TABLE events ADD COLUMN revision TEXT;
{_sql.DEFINITIONS_TABLE};
""" + _UPGRADE_V2
_SQL = _sql.Statements.written_with("?")
_INSERT_EVENT = _SQL.insert_event
_INSERT_INSTANCE = _SQL.insert_instance
_UPDATE_INSTANCE = _SQL.update_instance
_SELECT_INSTANCE = _SQL.select_instance


class SQLiteStore(_sql.SQLStoreBase[sqlite3.Connection]):
    """Instances and events in one SQLite file; see the module docstring for the guarantees.

    ``path``: a file path (created if missing) or ":memory:". ``timeout``: seconds to wait for
    another writer's lock before giving up with :class:`StoreBusyError`.
    """

    _statements = _SQL
    _unindexed = "+"  # SQLite: a unary + on a column hides its indexes from the planner
    _active_step = "json_extract(active, '$[0][0]')"
    _active_visit = "json_extract(active, '$[0][1]')"
    _differs = "IS NOT"
    _save_definition = ("INSERT OR IGNORE INTO definitions (revision, name, document) "
                        "VALUES (?, ?, ?)")

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
        self.timeout = timeout
        self._synchronous = synchronous
        self._shared = self.path in (":memory:", "")
        self._local = threading.local()
        self._lock = threading.RLock()
        self._all: list[sqlite3.Connection] = []
        self._closed = False
        conn = self._open()
        try:
            self._init_schema(conn)
        except sqlite3.Error as error:
            self.close()
            self._fail(error, "cannot open the SQLite store")
        except BaseException:
            self.close()
            raise

    # ------------------------------------------------------------------ connections

    def _open(self) -> sqlite3.Connection:
        try:
            conn = sqlite3.connect(self.path, timeout=self.timeout, isolation_level=None,
                                   check_same_thread=False)
        except sqlite3.Error as error:
            raise StoreError(f"{self.path}: cannot open the SQLite store: {error}") from None
        with self._lock:
            self._all.append(conn)
        self._local.conn = conn
        if self._shared:
            self._conn_shared = conn
        return conn

    def _conn(self) -> sqlite3.Connection:
        try:
            return self._local.conn  # type: ignore[no-any-return]
        except AttributeError:
            pass
        if self._closed:
            raise StoreError(f"{self.path}: the store is closed")
        if self._shared:
            return self._conn_shared
        conn = self._open()
        try:
            conn.execute(f"PRAGMA synchronous={self._synchronous}")
        except sqlite3.Error as error:
            self._fail(error, "cannot open a connection")
        return conn

    def _fail(self, error: sqlite3.Error, doing: str) -> NoReturn:
        text = str(error)
        if isinstance(error, sqlite3.OperationalError) and ("locked" in text or "busy" in text):
            raise StoreBusyError(
                f"{self.path}: the database is locked by another writer ({text}); waited "
                f"{self.timeout:g} s. Nothing was written: retry, open the store with a longer "
                "timeout=, or find the program holding the lock"
            ) from None
        raise StoreError(f"{self.path}: {doing}: {type(error).__name__}: {text}") from None

    def _run(self, doing: str, body: Callable[[sqlite3.Connection], _T]) -> _T:
        """Run ``body`` on this thread's connection, translating sqlite3's errors."""
        with self._lock if self._shared else _NO_LOCK:
            try:
                return body(self._conn())
            except sqlite3.Error as error:
                self._fail(error, doing)

    def _write(self, doing: str, body: Callable[[sqlite3.Connection], None]) -> None:
        """Run ``body`` in one ``BEGIN IMMEDIATE`` transaction: all of it or nothing."""
        def transaction(conn: sqlite3.Connection) -> None:
            conn.execute("BEGIN IMMEDIATE")
            try:
                body(conn)
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise

        self._run(doing, transaction)

    # ------------------------------------------------------------------ schema

    def _init_schema(self, conn: sqlite3.Connection) -> None:
        """Check what the file is before changing anything, then create or upgrade."""
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        user_version = conn.execute("PRAGMA user_version").fetchone()[0]
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if app_id == APPLICATION_ID:
            if user_version not in (2, SCHEMA_VERSION):
                raise StoreError(
                    f"{self.path}: store schema version {user_version}, this sopflow reads "
                    f"version {SCHEMA_VERSION} (and upgrades versions 1 and 2)"
                )
            self._pragmas(conn)
            if user_version == 2:
                self._upgrade(conn, _UPGRADE_V2)
            return
        if app_id != 0 or user_version != 0 or (tables and not tables <= _V1_TABLES):
            raise StoreError(
                f"{self.path}: not a sopflow store (application_id {app_id}, user_version "
                f"{user_version}, tables: {', '.join(sorted(tables)) or 'none'}); it was left "
                "unchanged. Give a new file or an existing sopflow store"
            )
        legacy = "sopflow_meta" in tables
        if tables and not legacy:
            raise StoreError(f"{self.path}: not a sopflow store (tables: "
                             f"{', '.join(sorted(tables))}); it was left unchanged")
        if legacy:
            self._check_v1(conn)
        self._pragmas(conn)
        self._upgrade(conn, _UPGRADE_V1 if legacy else _SCHEMA)

    def _upgrade(self, conn: sqlite3.Connection, script: str) -> None:
        """Run ``script`` and mark the file as this schema version, in one transaction (a
        second process doing the same waits for the lock, then finds the work done)."""
        conn.execute("BEGIN IMMEDIATE")
        try:
            done = conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
            for statement in () if done else script.split(";"):
                if statement.strip():
                    conn.execute(statement)
            conn.execute("INSERT OR REPLACE INTO sopflow_meta (key, value) VALUES "
                         "('schema_version', ?)", (str(SCHEMA_VERSION),))
            conn.execute(f"PRAGMA application_id={APPLICATION_ID}")
            conn.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise

    def _check_v1(self, conn: sqlite3.Connection) -> None:
        row = conn.execute("SELECT value FROM sopflow_meta WHERE key = 'schema_version'"
                           ).fetchone()
        if row is None or row[0] != "1":
            raise StoreError(
                f"{self.path}: store schema version {row[0] if row else 'unknown'}, this "
                f"sopflow reads version {SCHEMA_VERSION} (and upgrades version 1)"
            )

    def _pragmas(self, conn: sqlite3.Connection) -> None:
        mode = conn.execute("PRAGMA journal_mode=WAL").fetchone()[0]
        if mode != "wal" and not self._shared:
            raise StoreError(f"{self.path}: SQLite refused WAL mode (got {mode!r})")
        conn.execute(f"PRAGMA synchronous={self._synchronous}")

    # ------------------------------------------------------------------ writing

    def create(self, instance: Instance, events: Sequence[Event]) -> None:
        row, rows = _sql.create_rows(instance, events)

        def body(conn: sqlite3.Connection) -> None:
            try:
                conn.execute(_INSERT_INSTANCE, row)
            except sqlite3.IntegrityError:
                raise DuplicateInstanceError(instance.id) from None
            conn.executemany(_INSERT_EVENT, rows)

        self._write(f"cannot create instance {instance.id!r}", body)

    def commit(self, instance: Instance, events: Sequence[Event], *, expected_version: int) -> None:
        values, rows = _sql.commit_rows(instance, events, expected_version)
        if self._shared:
            with self._lock:
                self._commit(instance, values, rows, expected_version)
        else:
            self._commit(instance, values, rows, expected_version)

    def _commit(self, instance: Instance, values: tuple[Any, ...], rows: list[tuple[Any, ...]],
                expected_version: int) -> None:
        """The hot path of every transition, written out (no closures)."""
        instance_id = instance.id
        conn = self._conn()
        try:
            conn.execute("BEGIN IMMEDIATE")
            try:
                if conn.execute(_UPDATE_INSTANCE, values).rowcount != 1:
                    found = conn.execute(_SQL.select_version, (instance_id,)).fetchone()
                    raise _sql.lost_update(instance_id, expected_version, found)
                conn.executemany(_INSERT_EVENT, rows)
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
        except sqlite3.Error as error:
            self._fail(error, f"cannot commit instance {instance_id!r}")
        self._wrote(instance, values)

    # ------------------------------------------------------------------ reading

    def load(self, instance_id: str) -> Instance:
        try:
            if self._shared:
                with self._lock:
                    row = self._conn().execute(_SELECT_INSTANCE, (instance_id,)).fetchone()
            else:
                row = self._conn().execute(_SELECT_INSTANCE, (instance_id,)).fetchone()
        except sqlite3.Error as error:
            self._fail(error, f"cannot read instance {instance_id!r}")
        if row is None:
            raise UnknownInstanceError(instance_id)
        return self._decode(row)

    def integrity_check(self) -> str:
        """SQLite's own check of the file ("ok" when sound)."""
        return str(self._run("cannot check the file", lambda conn: conn.execute(
            "PRAGMA integrity_check").fetchone()[0]))


class _NoLock:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None


_NO_LOCK = _NoLock()
