"""Errors the runtime raises. Every rejected call leaves the instance exactly as it was."""

from __future__ import annotations

from collections.abc import Sequence

__all__ = [
    "ActorNotAllowedError",
    "ConcurrentModificationError",
    "DuplicateInstanceError",
    "ExecutionError",
    "HookError",
    "InstanceStateError",
    "InvalidAnswerError",
    "InvalidCompletionError",
    "InvalidTimeError",
    "ProcedureMismatchError",
    "RevisionError",
    "StepNotActiveError",
    "StoreBusyError",
    "StoreError",
    "UnknownInstanceError",
    "UnknownStepError",
]


class ExecutionError(Exception):
    """Base class: a call the runtime rejected (nothing was changed) or a store problem."""


class UnknownInstanceError(ExecutionError, KeyError):
    """No instance with this id in the store."""

    def __init__(self, instance_id: str) -> None:
        self.instance_id = instance_id
        super().__init__(f"no instance {instance_id!r} in the store")

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0])


class DuplicateInstanceError(ExecutionError):
    """An instance with this id already exists."""

    def __init__(self, instance_id: str) -> None:
        self.instance_id = instance_id
        super().__init__(f"an instance {instance_id!r} already exists in the store")


class ProcedureMismatchError(ExecutionError):
    """The instance belongs to another SOP than the executor's."""

    def __init__(self, instance_id: str, instance_procedure: str, procedure: str) -> None:
        self.instance_id = instance_id
        super().__init__(
            f"instance {instance_id!r} runs SOP {instance_procedure!r}, but this executor runs "
            f"{procedure!r}"
        )


class UnknownStepError(ExecutionError):
    """The step id is not a step of the procedure."""

    def __init__(self, instance_id: str | None, step_id: str, known: Sequence[str]) -> None:
        self.instance_id, self.step_id = instance_id, step_id
        where = f"instance {instance_id!r}: " if instance_id is not None else ""
        super().__init__(
            f"{where}{step_id!r} is not a step of this SOP (steps: {', '.join(known)})"
        )


class InstanceStateError(ExecutionError):
    """The instance's status does not allow the call (e.g. completing a suspended instance)."""

    def __init__(self, instance_id: str, status: str, action: str, allowed: Sequence[str]) -> None:
        self.instance_id, self.status, self.action = instance_id, status, action
        super().__init__(
            f"instance {instance_id!r} is {status}: cannot {action} (only when "
            f"{' or '.join(allowed)})"
        )


class StepNotActiveError(ExecutionError):
    """Only an active step can be completed or answered."""

    def __init__(self, instance_id: str, step_id: str, active: Sequence[str]) -> None:
        self.instance_id, self.step_id, self.active = instance_id, step_id, tuple(active)
        shown = ", ".join(repr(a) for a in active) or "none"
        super().__init__(
            f"instance {instance_id!r}: step {step_id!r} is not active (active: {shown})"
        )


class InvalidAnswerError(ExecutionError):
    """A decision was answered with a label it does not have, or was not answered at all,
    or a process step was given an answer."""

    def __init__(self, instance_id: str, step_id: str, message: str) -> None:
        self.instance_id, self.step_id = instance_id, step_id
        super().__init__(f"instance {instance_id!r}, step {step_id!r}: {message}")


class InvalidCompletionError(ExecutionError):
    """The completion's details are wrong (unknown Kelengkapan item, empty person, ...)."""

    def __init__(self, instance_id: str, step_id: str | None, message: str) -> None:
        self.instance_id, self.step_id = instance_id, step_id
        where = f"instance {instance_id!r}" + (f", step {step_id!r}" if step_id else "")
        super().__init__(f"{where}: {message}")


class ActorNotAllowedError(ExecutionError):
    """The person does not hold any of the step's actors (lanes)."""

    def __init__(
        self, instance_id: str, step_id: str, person: str, holds: Sequence[str],
        expected: Sequence[str],
    ) -> None:
        self.instance_id, self.step_id, self.person = instance_id, step_id, person
        held = ", ".join(holds) if holds else "no actor (not in the people map)"
        super().__init__(
            f"instance {instance_id!r}, step {step_id!r}: {person!r} holds {held}; the step "
            f"must be done by {' or '.join(expected)}"
        )


class InvalidTimeError(ExecutionError):
    """A transition time before the instance's last transition, or of the wrong kind."""

    def __init__(self, instance_id: str, message: str) -> None:
        self.instance_id = instance_id
        super().__init__(f"instance {instance_id!r}: {message}")


class ConcurrentModificationError(ExecutionError):
    """Another writer changed the instance since it was read: nothing was written.

    Reload the instance and decide again (the other writer may already have done the work).
    """

    def __init__(self, instance_id: str, expected_version: int, found_version: int) -> None:
        self.instance_id = instance_id
        self.expected_version, self.found_version = expected_version, found_version
        super().__init__(
            f"instance {instance_id!r} was changed by another writer: expected version "
            f"{expected_version}, the store has version {found_version}; nothing was written, "
            "reload the instance and try again"
        )


class StoreError(ExecutionError):
    """The store cannot be used (not a sopflow store, wrong schema version, a damaged row,
    a database error)."""


class StoreBusyError(StoreError):
    """Another writer held the database lock for longer than the store's ``timeout``.

    Nothing was written. Retry the call, give the store a longer ``timeout``, or find the
    program that keeps the database locked (a long transaction, a stuck process).
    """


class RevisionError(ExecutionError):
    """An instance cannot run on the SOP revision the executor has for it: its revision is not
    in the store, or (an instance from before revisions were recorded) its step is no longer in
    the SOP. Migrate it to the current revision with :meth:`Executor.migrate`."""

    def __init__(self, instance_id: str, message: str) -> None:
        self.instance_id = instance_id
        super().__init__(f"instance {instance_id!r}: {message}")


class HookError(ExecutionError):
    """One or more hooks failed *after* the transition was committed (it stands)."""

    def __init__(self, errors: Sequence[tuple[object, BaseException]]) -> None:
        self.errors = tuple(errors)
        described = "; ".join(f"{event}: {exc!r}" for event, exc in errors)
        super().__init__(
            f"{len(errors)} hook call(s) failed after the transition was committed "
            f"(the transition stands): {described}"
        )
