"""Instances and events as database rows, shared by the SQLite and PostgreSQL stores.

Rows hold plain text and integers (times as ISO 8601 text, lists and mappings as JSON), so the
two stores read and write exactly the same values. Decoding a row another program changed
raises :class:`StoreError` naming the instance, never a raw ``ValueError`` or ``KeyError``.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Sequence
from datetime import datetime
from types import MappingProxyType
from typing import Any

from sopflow.runtime.errors import StoreError
from sopflow.runtime.state import ActiveStep, Event, EventKind, Instance, InstanceStatus

__all__ = [
    "EVENT_COLUMNS",
    "INSTANCE_COLUMNS",
    "decode_event",
    "decode_instance",
    "event_row",
    "instance_row",
    "instance_update",
]

INSTANCE_COLUMNS = (
    "id, procedure, version, status, event_count, created_at, updated_at, end_node, metadata, "
    "active, visits, revision"
)
EVENT_COLUMNS = (
    "instance_id, seq, kind, timestamp, version, step_id, activity, actors, person, visit, "
    "answer, note, inputs_present, output, revision"
)
# Errors a damaged row can raise while it is decoded.
_DAMAGE = (ValueError, TypeError, KeyError, IndexError, AttributeError)


def _active_json(active: Sequence[ActiveStep]) -> str:
    return json.dumps(
        [[a.step_id, a.visit, a.activated_at.isoformat(), a.overdue_notified] for a in active]
    )


def instance_row(i: Instance) -> tuple[Any, ...]:
    """The values of :data:`INSTANCE_COLUMNS` for ``i``."""
    return (
        i.id, i.procedure, i.version, i.status.value, i.event_count, i.created_at.isoformat(),
        i.updated_at.isoformat(), i.end, json.dumps(dict(i.metadata)), _active_json(i.active),
        json.dumps(dict(i.visits)), i.revision,
    )


def instance_update(i: Instance) -> tuple[Any, ...]:
    """The values of an UPDATE that sets version, status, event_count, updated_at, end_node,
    active, visits, procedure, revision (in that order)."""
    return (
        i.version, i.status.value, i.event_count, i.updated_at.isoformat(), i.end,
        _active_json(i.active), json.dumps(dict(i.visits)), i.procedure, i.revision,
    )


def event_row(e: Event) -> tuple[Any, ...]:
    """The values of :data:`EVENT_COLUMNS` for ``e``."""
    return (
        e.instance_id, e.seq, e.kind.value, e.timestamp.isoformat(), e.version, e.step_id,
        e.activity, json.dumps(e.actors), e.person, e.visit, e.answer, e.note,
        None if e.inputs_present is None else json.dumps(e.inputs_present), e.output,
        e.revision,
    )


def _text(value: object, what: str) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{what} is {value!r}, not text")
    return value


def _int(value: object, what: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"{what} is {value!r}, not an integer")
    return value


def _strings(value: object, what: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise TypeError(f"{what} is {value!r}, not a list of texts")
    return tuple(value)


@functools.lru_cache(maxsize=4096)
def _strings_json(text: str, what: str) -> tuple[str, ...]:
    """A JSON list of texts (actors, Kelengkapan), decoded once per distinct text: the same
    few lists repeat in every event of a step."""
    return _strings(json.loads(text), what)


_KINDS = {kind.value: kind for kind in EventKind}


def _active(value: object) -> tuple[ActiveStep, ...]:
    if not isinstance(value, list):
        raise TypeError(f"active is {value!r}, not a list")
    steps = []
    for entry in value:
        step_id, visit, moment, notified = entry
        steps.append(ActiveStep(
            step_id=_text(step_id, "an active step id"), visit=_int(visit, "a visit"),
            activated_at=datetime.fromisoformat(moment), overdue_notified=bool(notified),
        ))
    return tuple(steps)


def _visits(value: object) -> dict[str, int]:
    if not isinstance(value, dict):
        raise TypeError(f"visits is {value!r}, not a mapping")
    return {_text(k, "a step id"): _int(v, "a visit count") for k, v in value.items()}


def decode_instance(row: Sequence[Any]) -> Instance:
    """The instance in a row of :data:`INSTANCE_COLUMNS`; StoreError naming it if damaged."""
    try:
        metadata = json.loads(row[8])
        if not isinstance(metadata, dict):
            raise TypeError(f"metadata is {metadata!r}, not a mapping")
        revision = row[11]
        return Instance(
            id=_text(row[0], "the id"), procedure=_text(row[1], "the SOP name"),
            version=_int(row[2], "the version"), status=InstanceStatus(row[3]),
            event_count=_int(row[4], "the event count"),
            created_at=datetime.fromisoformat(row[5]), updated_at=datetime.fromisoformat(row[6]),
            end=None if row[7] is None else _text(row[7], "the end node"),
            metadata=MappingProxyType(metadata), active=_active(json.loads(row[9])),
            visits=_visits(json.loads(row[10])),
            revision=None if revision is None else _text(revision, "the revision"),
        )
    except _DAMAGE as exc:
        raise StoreError(
            f"instance {row[0]!r}: its stored row is damaged ({type(exc).__name__}: {exc}); "
            "another program changed it. Repair or delete the row; the other instances are "
            "not affected"
        ) from None


def decode_event(row: Sequence[Any]) -> Event:
    """The event in a row of :data:`EVENT_COLUMNS`; StoreError naming it if damaged."""
    try:
        (instance_id, seq, kind, timestamp, version, step_id, activity, actors, person, visit,
         answer, note, present, output, revision) = row
        if type(instance_id) is not str or type(seq) is not int or type(version) is not int:
            raise TypeError("the instance id, seq or version has the wrong type")
        if type(note) is not str:
            raise TypeError(f"the note is {note!r}, not text")
        return Event(
            instance_id=instance_id, seq=seq, kind=_KINDS[kind],
            timestamp=datetime.fromisoformat(timestamp), version=version, step_id=step_id,
            activity=activity, actors=_strings_json(actors, "actors"), person=person,
            visit=visit, answer=answer, note=note,
            inputs_present=None if present is None else _strings_json(present,
                                                                      "inputs_present"),
            output=output, revision=revision,
        )
    except _DAMAGE as exc:
        raise StoreError(
            f"instance {row[0]!r}: its stored event #{row[1]!r} is damaged "
            f"({type(exc).__name__}: {exc}); another program changed it"
        ) from None
