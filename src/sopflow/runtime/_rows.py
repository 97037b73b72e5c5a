"""Instances and events as database rows, shared by the SQLite and PostgreSQL stores.

Rows hold plain text and integers (times as ISO 8601 text, lists and mappings as JSON), so the
two stores read and write exactly the same values. Decoding a row another program changed
raises :class:`StoreError` naming the instance, never a raw ``ValueError`` or ``KeyError``.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import datetime
from types import MappingProxyType
from typing import Any

from sopflow.runtime.errors import StoreError
from sopflow.runtime.state import (
    ActiveStep,
    Event,
    EventKind,
    Instance,
    InstanceStatus,
    _slot_builder,
    event_from_row,
    new_event,
    new_instance,
)

__all__ = [
    "EVENT_COLUMNS",
    "INSTANCE_COLUMNS",
    "decode_event",
    "decode_events",
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


@functools.lru_cache(maxsize=4096)
def _text_json(text: str) -> str:
    """A step id as a JSON string, encoded once: the same few repeat."""
    return json.dumps(text)


def _active_json(active: Sequence[ActiveStep]) -> str:
    """``json.dumps`` of ``[[step_id, visit, activated_at, overdue_notified], ...]``, the same
    text written out by hand (a transition writes it every time)."""
    parts = [
        f"[{_text_json(a.step_id)}, {a.visit:d}, \"{a.activated_at.isoformat()}\", "
        f"{'true' if a.overdue_notified else 'false'}]"
        for a in active
    ]
    return f"[{', '.join(parts)}]"


def _visits_json(visits: Mapping[str, int]) -> str:
    """``json.dumps(dict(visits))``, written out by hand."""
    return "{" + ", ".join(f"{_text_json(k)}: {v:d}" for k, v in visits.items()) + "}"


@functools.lru_cache(maxsize=4096)
def _strings_text(values: tuple[str, ...]) -> str:
    """A step's actors (or Kelengkapan) as JSON, encoded once: the same few repeat."""
    return json.dumps(values)


_EMPTY_MAPPING = "{}"


def instance_row(i: Instance) -> tuple[Any, ...]:
    """The values of :data:`INSTANCE_COLUMNS` for ``i``."""
    return (
        i.id, i.procedure, i.version, i.status.value, i.event_count, i.created_at.isoformat(),
        i.updated_at.isoformat(), i.end, json.dumps(dict(i.metadata)), _active_json(i.active),
        json.dumps(dict(i.visits)), i.revision,
    )


# Enum .value is a descriptor call; these lookups are plain dict hits on the hot path.
_STATUS_TEXT = {status: status.value for status in InstanceStatus}
_KIND_TEXT = {kind: kind.value for kind in EventKind}


def instance_update(i: Instance) -> tuple[Any, ...]:
    """The values of an UPDATE that sets version, status, event_count, updated_at, end_node,
    active, visits, procedure, revision (in that order)."""
    return (
        i.version, _STATUS_TEXT[i.status], i.event_count, i.updated_at.isoformat(), i.end,
        _active_json(i.active), _visits_json(i.visits), i.procedure, i.revision,
    )


def event_row(e: Event) -> tuple[Any, ...]:
    """The values of :data:`EVENT_COLUMNS` for ``e``."""
    present = e.inputs_present
    return (
        e.instance_id, e.seq, _KIND_TEXT[e.kind], e.timestamp.isoformat(), e.version, e.step_id,
        e.activity, _strings_text(e.actors), e.person, e.visit, e.answer, e.note,
        None if present is None else _strings_text(present), e.output, e.revision,
    )


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


_STATUSES = {status.value: status for status in InstanceStatus}


def _active(text: str) -> tuple[ActiveStep, ...]:
    if text == _NONE_ACTIVE:  # a finished instance
        return ()
    value = json.loads(text)
    if type(value) is not list:
        raise TypeError(f"active is {value!r}, not a list")
    steps = []
    for step_id, visit, moment, notified in value:
        if type(step_id) is not str or type(visit) is not int:
            raise TypeError(f"active step {step_id!r} visit {visit!r}: wrong types")
        steps.append(_new_active(step_id, visit, datetime.fromisoformat(moment),
                                 bool(notified)))
    return tuple(steps)


_NONE_ACTIVE = "[]"
_new_active: Callable[..., ActiveStep] = _slot_builder(ActiveStep, positional=True)


def _visits(text: str) -> dict[str, int]:
    """The visit counts in ``text``, a mapping of the instance's own (decoded and checked once
    per distinct text: the same few counts repeat across instances)."""
    return dict(_visits_decoded(text))


@functools.lru_cache(maxsize=4096)
def _visits_decoded(text: str) -> dict[str, int]:
    value = json.loads(text)
    if type(value) is not dict:
        raise TypeError(f"visits is {value!r}, not a mapping")
    for k, v in value.items():
        if type(k) is not str or type(v) is not int:
            raise TypeError(f"visits {k!r}: {v!r} is not a step id and a count")
    return value


def decode_instance(row: Sequence[Any]) -> Instance:
    """The instance in a row of :data:`INSTANCE_COLUMNS`; StoreError naming it if damaged."""
    try:
        (iid, procedure, version, status, event_count, created, updated, end, metadata,
         active, visits, revision) = row
        meta = {} if metadata == _EMPTY_MAPPING else json.loads(metadata)
        if type(meta) is not dict:
            raise TypeError(f"metadata is {meta!r}, not a mapping")
        if type(iid) is not str or type(procedure) is not str:
            raise TypeError("the id or the SOP name is not text")
        if type(version) is not int or type(event_count) is not int:
            raise TypeError(f"version {version!r} or event count {event_count!r} is not an "
                            "integer")
        if not (end is None or type(end) is str) or not (revision is None
                                                         or type(revision) is str):
            raise TypeError("the end node or the revision is not text")
        return new_instance(
            id=iid, procedure=procedure, version=version, status=_STATUSES[status],
            event_count=event_count, created_at=datetime.fromisoformat(created),
            updated_at=datetime.fromisoformat(updated), end=end,
            metadata=MappingProxyType(meta), active=_active(active),
            visits=_visits(visits), revision=revision,
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
        return new_event(
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


def decode_events(rows: Iterable[Sequence[Any]],
                  damaged: Callable[[StoreError], object]) -> list[Event]:
    """The events of many rows of :data:`EVENT_COLUMNS` (a page of a streamed log), decoded
    in one tight loop: the same checks and result as :func:`decode_event`, with the repeated
    texts (kind, timestamp, actors) looked up once. A damaged row is left out and its
    StoreError, naming it, handed to ``damaged`` (log it and go on)."""
    kinds, strings, parse, build = _KINDS, _strings_json, datetime.fromisoformat, event_from_row
    last_text, last_time = None, None
    seen: dict[object, tuple[str, ...]] = {}  # actors texts of this page, decoded
    events: list[Event] = []
    append = events.append
    for row in rows:
        try:
            (instance_id, seq, kind, stamp, version, step_id, activity, actors, person, visit,
             answer, note, present, output, revision) = row
            if (type(instance_id) is not str or type(seq) is not int
                    or type(version) is not int or type(note) is not str):
                raise TypeError("the instance id, seq, version or note has the wrong type")
            if stamp != last_text:  # the events of one transition share their time
                last_time, last_text = parse(stamp), stamp
            lanes = seen.get(actors)
            if lanes is None:
                lanes = seen[actors] = strings(actors, "actors")
            append(build(instance_id, seq, kinds[kind], last_time, version, step_id, activity,
                         lanes, person, visit, answer, note,
                         None if present is None else strings(present, "inputs_present"),
                         output, revision))
        except _DAMAGE:
            try:
                append(decode_event(row))
            except StoreError as error:
                damaged(error)
    return events
