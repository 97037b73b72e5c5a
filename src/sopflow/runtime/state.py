"""The runtime's values: an instance's state and the events that changed it.

All values are immutable: a transition builds a new :class:`Instance` and the events that lead
to it, and the store saves both in one transaction (or neither).
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

import attrs

__all__ = ["ActiveStep", "Event", "EventKind", "Instance", "InstanceStatus"]


class InstanceStatus(enum.Enum):
    """Where an instance is in its life."""

    RUNNING = "running"
    SUSPENDED = "suspended"
    COMPLETED = "completed"  # reached an end ("Selesai")
    CANCELLED = "cancelled"

    @property
    def finished(self) -> bool:
        """Completed or cancelled: no step can be done any more."""
        return self is InstanceStatus.COMPLETED or self is InstanceStatus.CANCELLED


@attrs.frozen(kw_only=True, slots=True)
class ActiveStep:
    """A step waiting to be done: since when, and which visit of the step it is (loops)."""

    step_id: str
    visit: int  # 1 on the first visit; a loop back raises it
    activated_at: datetime  # the Mutu Baku clock starts here
    overdue_notified: bool = False  # an overdue event was already emitted for this visit


# Instance is frozen without __slots__: attrs then fills the instance dict directly, about a
# third faster to build than a slotted frozen class (an instance is built per transition).
# Event is slotted (an event log holds millions): built by ``new_event``/``event_from_row``,
# which set the slots straight through their descriptors (see ``_slot_builder``).
@attrs.frozen(kw_only=True, slots=False)
class Instance:
    """One run of a procedure. ``version`` rises by one with every committed transition."""

    id: str
    procedure: str  # the SOP's name
    metadata: Mapping[str, Any]  # free JSON data given at start (e.g. {"periode": "TW I 2025"})
    status: InstanceStatus
    active: tuple[ActiveStep, ...]  # SOP AP flowcharts have no parallel split: 0 or 1 entry
    visits: Mapping[str, int]  # step id -> times the step was activated
    version: int
    event_count: int  # events recorded so far (their seq numbers are 0..event_count-1)
    created_at: datetime
    updated_at: datetime  # time of the last transition
    end: str | None = None  # the end node reached, once COMPLETED
    # the fingerprint of the SOP revision the instance runs on (None: started before sopflow
    # recorded revisions; it runs on the executor's current SOP)
    revision: str | None = None

    @property
    def finished(self) -> bool:
        """Completed or cancelled: no step can be done any more."""
        return self.status.finished

    @property
    def active_step_ids(self) -> tuple[str, ...]:
        """The ids of the steps waiting to be done, in activation order."""
        return tuple(a.step_id for a in self.active)


class EventKind(enum.Enum):
    """What a transition did. Hooks subscribe to these."""

    INSTANCE_STARTED = "instance_started"
    STEP_ACTIVATED = "step_activated"
    STEP_COMPLETED = "step_completed"
    STEP_OVERDUE = "step_overdue"
    INSTANCE_SUSPENDED = "instance_suspended"
    INSTANCE_RESUMED = "instance_resumed"
    INSTANCE_CANCELLED = "instance_cancelled"
    INSTANCE_FINISHED = "instance_finished"
    INSTANCE_MIGRATED = "instance_migrated"  # moved to another SOP revision


# The XES lifecycle transition (standard lifecycle model) of each kind; None: not a step
# lifecycle event (kept in the CSV log, left out of XES).
_LIFECYCLE: Mapping[EventKind, str | None] = {
    EventKind.INSTANCE_STARTED: None,
    EventKind.STEP_ACTIVATED: "start",
    EventKind.STEP_COMPLETED: "complete",
    EventKind.STEP_OVERDUE: None,
    EventKind.INSTANCE_SUSPENDED: "suspend",
    EventKind.INSTANCE_RESUMED: "resume",
    EventKind.INSTANCE_CANCELLED: "pi_abort",
    EventKind.INSTANCE_FINISHED: None,
    # the active step moved to another SOP revision: XES "reassign" of that step
    EventKind.INSTANCE_MIGRATED: "reassign",
}


@attrs.frozen(kw_only=True, slots=True)
class Event:
    """One entry of the audit log. ``(instance_id, seq)`` identifies it."""

    instance_id: str  # the case id
    seq: int
    kind: EventKind
    timestamp: datetime
    version: int  # the instance's version after the transition that recorded this event
    step_id: str | None = None
    activity: str | None = None  # the step's Kegiatan text
    actors: tuple[str, ...] = ()  # the step's lanes (Pelaksana)
    person: str | None = None  # who did it
    visit: int | None = None
    answer: str | None = None  # the exit label chosen at a decision
    note: str = ""
    inputs_present: tuple[str, ...] | None = None  # Kelengkapan items present (completions)
    output: str | None = None  # the output produced (completions)
    # the SOP revision the instance runs on from here (INSTANCE_STARTED, INSTANCE_MIGRATED)
    revision: str | None = None

    @property
    def lifecycle(self) -> str | None:
        """The XES ``lifecycle:transition`` (start, complete, suspend, resume, pi_abort,
        reassign)."""
        return _LIFECYCLE[self.kind]

    def __str__(self) -> str:
        step = f" {self.step_id!r}" if self.step_id else ""
        return f"{self.instance_id}#{self.seq} {self.kind.value}{step}"


def _builder(cls: Any) -> Callable[..., Any]:
    """A constructor for trusted values (the runtime's own hot paths) of a dict-based attrs
    class: fills the instance dict in one update instead of attrs' per-field frozen
    assignment. Fields left out take their defaults; there are no validators or converters to
    skip."""
    defaults = {a.name: a.default for a in attrs.fields(cls) if a.default is not attrs.NOTHING}
    new = object.__new__

    def build(**values: Any) -> Any:
        obj = new(cls)
        fields = obj.__dict__
        fields.update(defaults)
        fields.update(values)
        return obj

    return build


def _slot_builder(cls: Any, *, positional: bool) -> Callable[..., Any]:
    """A constructor for trusted values of a slotted attrs class: each slot is set through its
    member descriptor in straight-line code (what attrs' own ``__init__`` does through
    ``object.__setattr__`` per field, three times slower). ``positional``: the fields in
    order, all required (a stored row); else keyword-only with the class's defaults. No
    validators or converters exist to skip; the result equals ``cls(...)``."""
    fields = attrs.fields(cls)
    names = [f"v{k}" for k in range(len(fields))]
    scope: dict[str, Any] = {"_new": object.__new__, "_cls": cls}
    params = []
    for k, (name, field) in enumerate(zip(names, fields, strict=True)):
        scope[f"_set{k}"] = cls.__dict__[field.name].__set__
        if positional:
            params.append(name)
        elif field.default is attrs.NOTHING:
            params.append(f"{field.name}")
        else:
            scope[f"_default{k}"] = field.default
            params.append(f"{field.name}=_default{k}")
    values = names if positional else [f.name for f in fields]
    signature = ", ".join(params) if positional else "*, " + ", ".join(params)
    body = "".join(f"    _set{k}(obj, {v})\n" for k, v in enumerate(values))
    source = f"def build({signature}):\n    obj = _new(_cls)\n{body}    return obj\n"
    exec(compile(source, f"<sopflow {cls.__name__} builder>", "exec"), scope)
    build: Callable[..., Any] = scope["build"]
    return build


#: Fast constructors used by the executor and the stores (same result as ``Event(...)``).
new_event: Callable[..., Event] = _slot_builder(Event, positional=False)
#: An event from its fields in order (a stored row, decoded).
event_from_row: Callable[..., Event] = _slot_builder(Event, positional=True)
new_instance: Callable[..., Instance] = _builder(Instance)
