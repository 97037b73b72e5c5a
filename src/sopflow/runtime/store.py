"""Where instances and their events live: the :class:`Store` interface and an in-memory store.

A store saves one transition at a time, atomically: the new instance state and the events that
lead to it, or nothing. Writers use optimistic concurrency: a commit names the version it read,
and the store refuses it with :class:`ConcurrentModificationError` if the instance has moved on
since. A server database can implement the same protocol.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Protocol, runtime_checkable

from sopflow.runtime.errors import (
    ConcurrentModificationError,
    DuplicateInstanceError,
    StoreError,
    UnknownInstanceError,
)
from sopflow.runtime.state import Event, Instance, InstanceStatus

__all__ = ["MemoryStore", "Store", "check_transition"]


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
    if instance.event_count != previous_count + len(events) or any(
        e.seq != previous_count + k or e.instance_id != instance.id for k, e in enumerate(events)
    ):
        raise StoreError(f"instance {instance.id!r}: events do not continue its sequence")


class MemoryStore:
    """A store in a Python dict: for tests and quick use; nothing survives the process."""

    def __init__(self) -> None:
        self._instances: dict[str, Instance] = {}
        self._events: dict[str, list[Event]] = {}

    def create(self, instance: Instance, events: Sequence[Event]) -> None:
        if instance.id in self._instances:
            raise DuplicateInstanceError(instance.id)
        check_transition(instance, events, expected_version=0, previous_count=0)
        self._instances[instance.id] = instance
        self._events[instance.id] = list(events)

    def load(self, instance_id: str) -> Instance:
        try:
            return self._instances[instance_id]
        except KeyError:
            raise UnknownInstanceError(instance_id) from None

    def commit(self, instance: Instance, events: Sequence[Event], *, expected_version: int) -> None:
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
        self.load(instance_id)
        return list(self._events[instance_id])

    def instances(
        self, *, procedure: str | None = None, status: InstanceStatus | None = None
    ) -> Iterator[Instance]:
        for instance in list(self._instances.values()):
            if (procedure is None or instance.procedure == procedure) and (
                status is None or instance.status is status
            ):
                yield instance

    def events(self, *, procedure: str | None = None) -> Iterator[Event]:
        for instance in self.instances(procedure=procedure):
            yield from list(self._events[instance.id])

    def close(self) -> None:
        """Nothing to release."""
