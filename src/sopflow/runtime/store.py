"""Where instances and their events live: the :class:`Store` interface and an in-memory store.

A store saves one transition at a time, atomically: the new instance state and the events that
lead to it, or nothing. Writers use optimistic concurrency: a commit names the version it read,
and the store refuses it with :class:`ConcurrentModificationError` if the instance has moved on
since. A server database can implement the same protocol.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import Protocol, TypeVar, runtime_checkable

from sopflow.runtime.errors import (
    ConcurrentModificationError,
    DuplicateInstanceError,
    StoreError,
    UnknownInstanceError,
)
from sopflow.runtime.state import Event, Instance, InstanceStatus

__all__ = ["MemoryStore", "Store", "check_transition", "skip_damaged"]

_log = logging.getLogger("sopflow.runtime")
_R = TypeVar("_R")
_T = TypeVar("_T")


@runtime_checkable
class Store(Protocol):
    """What the executor needs from a store."""

    def create(self, instance: Instance, events: Sequence[Event]) -> None:
        """Save a new instance and its first events; DuplicateInstanceError if the id exists."""

    def load(self, instance_id: str) -> Instance:
        """The instance as last committed; UnknownInstanceError if absent."""

    def commit(self, instance: Instance, events: Sequence[Event], *, expected_version: int) -> None:
        """Replace the instance (whose stored version must be ``expected_version``) and append
        ``events``, atomically; ConcurrentModificationError if the version moved on."""

    def history(self, instance_id: str) -> list[Event]:
        """The instance's events in order."""

    def save_definition(self, revision: str, name: str, document: str) -> None:
        """Keep an SOP revision (its sopflow/1 JSON) under its fingerprint; a no-op if kept."""

    def definition(self, revision: str) -> str | None:
        """The sopflow/1 JSON of a kept revision, or None."""

    def instances(
        self, *, procedure: str | None = None, status: InstanceStatus | None = None
    ) -> Iterator[Instance]:
        """Stored instances, optionally only of one SOP or one status, in creation order."""

    def events(self, *, procedure: str | None = None) -> Iterator[Event]:
        """All events, grouped by instance (creation order), each instance's in seq order."""

    def close(self) -> None:
        """Release resources."""


def check_transition(
    instance: Instance, events: Sequence[Event], *, expected_version: int, previous_count: int
) -> None:
    """Raise StoreError if a transition is inconsistent (a bug in the caller, not user input):
    the version must rise by one and the events must continue the instance's sequence."""
    if instance.version != expected_version + 1:
        raise StoreError(
            f"instance {instance.id!r}: new version {instance.version} does not follow "
            f"{expected_version}"
        )
    seq, iid = previous_count, instance.id
    for e in events:
        if e.seq != seq or e.instance_id != iid:
            raise StoreError(f"instance {iid!r}: events do not continue its sequence")
        seq += 1
    if instance.event_count != seq:
        raise StoreError(f"instance {iid!r}: events do not continue its sequence")


def skip_damaged(decode: Callable[[_R], _T], row: _R) -> _T | None:
    """``decode(row)``, or None after logging the StoreError of a damaged row: one damaged row
    must not hide every other instance from a list."""
    try:
        return decode(row)
    except StoreError as error:
        _log.warning("skipped while listing: %s", error)
        return None


class MemoryStore:
    """A store in a Python dict: for tests and quick use; nothing survives the process.

    Safe to share between threads: each write checks the version and saves under a lock.
    """

    def __init__(self) -> None:
        self._instances: dict[str, Instance] = {}
        self._events: dict[str, list[Event]] = {}
        self._definitions: dict[str, str] = {}
        self._leases: dict[str, tuple[str, str, int, float]] = {}
        self._lock = threading.Lock()

    def create(self, instance: Instance, events: Sequence[Event]) -> None:
        check_transition(instance, events, expected_version=0, previous_count=0)
        with self._lock:
            if instance.id in self._instances:
                raise DuplicateInstanceError(instance.id)
            self._instances[instance.id] = instance
            self._events[instance.id] = list(events)

    def save_definition(self, revision: str, name: str,  # noqa: ARG002 (the protocol)
                        document: str) -> None:
        self._definitions.setdefault(revision, document)

    def definition(self, revision: str) -> str | None:
        return self._definitions.get(revision)

    def load(self, instance_id: str) -> Instance:
        try:
            return self._instances[instance_id]
        except KeyError:
            raise UnknownInstanceError(instance_id) from None

    def commit(self, instance: Instance, events: Sequence[Event], *, expected_version: int) -> None:
        with self._lock:
            current = self.load(instance.id)
            if current.version != expected_version:
                raise ConcurrentModificationError(instance.id, expected_version, current.version)
            check_transition(
                instance, events, expected_version=expected_version,
                previous_count=current.event_count,
            )
            self._instances[instance.id] = instance
            self._events[instance.id].extend(events)

    def history(self, instance_id: str) -> list[Event]:
        with self._lock:
            self.load(instance_id)
            return list(self._events[instance_id])

    def instances(
        self, *, procedure: str | None = None, status: InstanceStatus | None = None
    ) -> Iterator[Instance]:
        with self._lock:
            stored = list(self._instances.values())
        for instance in stored:
            if (procedure is None or instance.procedure == procedure) and (
                status is None or instance.status is status
            ):
                yield instance

    def events(self, *, procedure: str | None = None) -> Iterator[Event]:
        for instance in self.instances(procedure=procedure):
            with self._lock:
                events = self._events[instance.id][: instance.event_count]
            yield from events

    def claim(self, *, procedures: Sequence[str], steps: Sequence[str] | None, worker: str,
              limit: int, now: float, until: float) -> list[Instance]:
        """Lease up to ``limit`` running instances to ``worker`` (see
        ``SQLStoreBase.claim``), under the store's lock."""
        wanted = None if steps is None else set(steps)
        found: list[Instance] = []
        with self._lock:
            for instance in self._instances.values():
                if len(found) >= limit:
                    break
                if (instance.procedure not in procedures or instance.status is not
                        InstanceStatus.RUNNING or not instance.active):
                    continue
                first = instance.active[0]
                if wanted is not None and first.step_id not in wanted:
                    continue
                lease = self._leases.get(instance.id)
                if lease is not None and lease[3] > now and lease[1:3] == (first.step_id,
                                                                           first.visit):
                    continue
                self._leases[instance.id] = (worker, first.step_id, first.visit, until)
                found.append(instance)
        return found

    def release(self, instance_id: str, worker: str) -> bool:
        """End ``worker``'s lease on the instance; False if it held none."""
        with self._lock:
            lease = self._leases.get(instance_id)
            if lease is None or lease[0] != worker:
                return False
            del self._leases[instance_id]
            return True

    def lease(self, instance_id: str) -> tuple[str, str, int, float] | None:
        """The lease on the instance as stored (worker, step, visit, until), or None."""
        with self._lock:
            return self._leases.get(instance_id)

    def close(self) -> None:
        """Nothing to release."""
