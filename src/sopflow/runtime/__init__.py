"""Run SOP instances: executor, stores, audit log and Mutu Baku monitoring.

See ``docs/runtime.md``. The PostgreSQL store (``PostgresStore``, optional extra
``sopflow[postgres]``) is imported from ``sopflow.runtime.postgres_store`` or opened with
:func:`open_store`.
"""

from __future__ import annotations

from sopflow.runtime.errors import (
    ActorNotAllowedError,
    ConcurrentModificationError,
    DuplicateInstanceError,
    ExecutionError,
    HookError,
    InstanceStateError,
    InvalidAnswerError,
    InvalidCompletionError,
    InvalidTimeError,
    ProcedureMismatchError,
    RevisionError,
    StepNotActiveError,
    StoreBusyError,
    StoreError,
    UnknownInstanceError,
    UnknownStepError,
)
from sopflow.runtime.events import CSV_COLUMNS, events_to_csv, events_to_xes
from sopflow.runtime.executor import Clock, Executor, FakeClock, Hook, WorkItem
from sopflow.runtime.monitoring import (
    BAIK,
    MONITORING_COLUMNS,
    TIDAK_BAIK,
    InstanceReport,
    MonitoringReport,
    MonitoringRow,
    MonitoringTable,
    OverdueStep,
    StepSummary,
    StepTiming,
    format_minutes,
    monitor,
)
from sopflow.runtime.open import open_store
from sopflow.runtime.revisions import Migration, MigrationReport, Standard, fingerprint
from sopflow.runtime.sqlite_store import SQLiteStore
from sopflow.runtime.state import ActiveStep, Event, EventKind, Instance, InstanceStatus
from sopflow.runtime.store import MemoryStore, Store

__all__ = [
    "BAIK",
    "CSV_COLUMNS",
    "MONITORING_COLUMNS",
    "TIDAK_BAIK",
    "ActiveStep",
    "ActorNotAllowedError",
    "Clock",
    "ConcurrentModificationError",
    "DuplicateInstanceError",
    "Event",
    "EventKind",
    "ExecutionError",
    "Executor",
    "FakeClock",
    "Hook",
    "HookError",
    "Instance",
    "InstanceReport",
    "InstanceStateError",
    "InstanceStatus",
    "InvalidAnswerError",
    "InvalidCompletionError",
    "InvalidTimeError",
    "MemoryStore",
    "Migration",
    "MigrationReport",
    "MonitoringReport",
    "MonitoringRow",
    "MonitoringTable",
    "OverdueStep",
    "ProcedureMismatchError",
    "RevisionError",
    "SQLiteStore",
    "Standard",
    "StepNotActiveError",
    "StepSummary",
    "StepTiming",
    "Store",
    "StoreBusyError",
    "StoreError",
    "UnknownInstanceError",
    "UnknownStepError",
    "WorkItem",
    "events_to_csv",
    "events_to_xes",
    "fingerprint",
    "format_minutes",
    "monitor",
    "open_store",
]
