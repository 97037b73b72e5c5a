"""Monitoring of every instance at once: the same reports as ``monitoring._report_from_events``
(its oracle in the tests), with the calendar arithmetic done in bulk.

One streamed pass over the log collects each completed visit (and each active step) with the
standard of the revision it ran on; then the due times, the working minutes and the lateness
of all visits of one step are computed together on numpy arrays (``WorkingCalendar.*_each``:
a binary search per instant over the working intervals of the years involved), and only then
are the report objects built. Any visit the arrays cannot place (past the calendar's last
year) falls back to the executor's scalar arithmetic, as before.
"""

from __future__ import annotations

import gc
import itertools
import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import datetime, timedelta, tzinfo
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from sopflow.runtime._rows import _DAMAGE, _KINDS, _strings_json, decode_events
from sopflow.runtime.errors import ExecutionError, StoreError
from sopflow.runtime.monitoring import InstanceReport, OverdueStep, StepTiming, _Resolver
from sopflow.runtime.revisions import Standard
from sopflow.runtime.state import Event, EventKind, Instance, InstanceStatus, _slot_builder
from sopflow.waktu import Basis

if TYPE_CHECKING:
    from sopflow.runtime.executor import Executor

__all__ = ["all_reports"]

_EPOCH = datetime(1970, 1, 1)
_MICROSECOND = timedelta(microseconds=1)
_new_timing: Callable[..., StepTiming] = _slot_builder(StepTiming, positional=False)
_STEPS = (InstanceStatus.RUNNING, InstanceStatus.SUSPENDED)
_Key = tuple[str | None, str]  # (revision, step id)
_log = logging.getLogger("sopflow.runtime")


# One event of the log as the walk needs it (decoded from a store row without building an
# Event): instance id, seq, kind (its text), timestamp, step id, visit, revision, activity,
# actors, person, inputs present.
_Light = tuple[str, int, str, datetime, str | None, int | None, str | None, str | None,
               tuple[str, ...], str | None, tuple[str, ...] | None]
_ACTIVATED, _COMPLETED, _MIGRATED = (EventKind.STEP_ACTIVATED.value,
                                     EventKind.STEP_COMPLETED.value,
                                     EventKind.INSTANCE_MIGRATED.value)


class _Visits:
    """The completed visits and active steps collected from the log, column by column."""

    def __init__(self) -> None:
        self.groups: dict[_Key, list[int]] = {}  # completed visits per (revision, step)
        self.starts: list[datetime] = []
        self.events: list[_Light] = []

    def add(self, key: _Key, start: datetime, event: _Light) -> int:
        index = len(self.starts)
        self.starts.append(start)
        self.events.append(event)
        self.groups.setdefault(key, []).append(index)
        return index


class _Pending:
    """One instance while its report is assembled."""

    __slots__ = ("instance", "no_due", "overdue", "visits")

    def __init__(self, instance: Instance) -> None:
        self.instance = instance
        self.visits: list[int] = []
        self.no_due: list[str] = []  # the log walk's errors, then the overdue ones
        self.overdue: list[Any] = []


def all_reports(executor: Executor, now: datetime) -> list[InstanceReport]:
    """Every instance in one pass over the instances and one streamed pass over the log (an
    instance created while the log is read is left out; its events are skipped).

    The cyclic garbage collector is paused meanwhile: the reports hold no cycles, and with
    millions of new objects alive its passes cost more than all the rest."""
    was = gc.isenabled()
    gc.disable()
    try:
        return _all_reports(executor, now)
    finally:
        if was:
            gc.enable()


def _all_reports(executor: Executor, now: datetime) -> list[InstanceReport]:
    instances = {i.id: i for i in executor.instances()}
    resolver = _Resolver(executor)
    visits = _Visits()
    pending: dict[str, _Pending] = {}
    for instance_id, events in itertools.groupby(_light_events(executor), itemgetter(0)):
        instance = instances.get(instance_id)
        if instance is not None:
            pending[instance_id] = _walk(resolver, instance, events, visits)
    ordered = [pending[i] for i in instances if i in pending]
    timings = _timings(resolver, visits)
    _overdue_now(resolver, ordered, now)
    reports = []
    for p in ordered:
        found = [timings[k] for k in p.visits]
        no_due = p.no_due + [f"{t.step_id}: {t.problem}" for t in found
                             if t.problem is not None]
        reports.append(InstanceReport(instance=p.instance, timings=tuple(found),
                                      overdue=tuple(p.overdue),
                                      no_due_time=tuple(dict.fromkeys(no_due))))
    return reports


def _walk(resolver: _Resolver, instance: Instance, events: Iterable[_Light],
          visits: _Visits) -> _Pending:
    """The log walk of ``monitoring._report_from_events``, collecting instead of computing."""
    p = _Pending(instance)
    activated: dict[tuple[str, int], datetime] = {}
    current: tuple[str, int] | None = None
    revision = instance.revision
    limit = instance.event_count  # only the events up to the listed state
    for event in events:
        _, seq, kind, stamp, step_id, visit, moved_to = event[:7]
        if seq >= limit:
            continue
        if moved_to is not None:
            revision = moved_to
        if kind == _MIGRATED and current is not None:
            moved = activated.pop(current, None)
            if moved is not None and step_id is not None and visit is not None:
                current = (step_id, visit)
                activated[current] = moved
            continue
        if step_id is None or visit is None:
            continue
        if kind == _ACTIVATED:
            current = (step_id, visit)
            activated[current] = stamp
        elif kind == _COMPLETED and (step_id, visit) in activated:
            try:
                resolver.get(revision, step_id)
            except ExecutionError as error:
                p.no_due.append(f"{step_id}: {error}")
                continue
            p.visits.append(visits.add((revision, step_id), activated[step_id, visit], event))
    return p


def _light_events(executor: Executor) -> Iterator[_Light]:
    """The log, in the order of ``executor.events()``: straight from the rows of a SQL store
    (the same checks as ``decode_events``, no Event built), else from the events."""
    pages = getattr(executor.store, "_event_pages", None)
    if pages is None:
        return (_light(e) for e in executor.events())
    return itertools.chain.from_iterable(
        _light_page(rows) for name in sorted(executor._names) for rows in pages(name))


def _light(e: Event) -> _Light:
    return (e.instance_id, e.seq, e.kind.value, e.timestamp, e.step_id, e.visit, e.revision,
            e.activity, e.actors, e.person, e.inputs_present)


def _light_page(rows: Iterable[Sequence[Any]]) -> list[_Light]:
    """One page of rows as ``decode_events`` checks them; a damaged row goes through it (so it
    is logged and skipped exactly as when listing)."""
    kinds, strings, parse = _KINDS, _strings_json, datetime.fromisoformat
    last_text: object = None
    last_time = _EPOCH
    seen: dict[object, tuple[str, ...]] = {}
    found: list[_Light] = []
    append = found.append
    for row in rows:
        try:
            (instance_id, seq, kind, stamp, version, step_id, activity, actors, person, visit,
             _answer, note, present, _output, revision) = row
            if (type(instance_id) is not str or type(seq) is not int
                    or type(version) is not int or type(note) is not str
                    or kind not in kinds):
                raise TypeError("damaged")
            if stamp != last_text:
                last_time, last_text = parse(stamp), stamp
            lanes = seen.get(actors)
            if lanes is None:
                lanes = seen[actors] = strings(actors, "actors")
            append((instance_id, seq, kind, last_time, step_id, visit, revision, activity,
                    lanes, person,
                    None if present is None else strings(present, "inputs_present")))
        except _DAMAGE:
            found.extend(_light(e) for e in decode_events([row], _damaged))
    return found


def _damaged(error: StoreError) -> None:
    _log.warning("skipped while listing: %s", error)


def _timings(resolver: _Resolver, visits: _Visits) -> list[StepTiming]:
    """Every collected visit judged, one step (of one revision) at a time."""
    timings: list[Any] = [None] * len(visits.starts)
    calendar = resolver.executor.calendar
    for (revision, step_id), indices in visits.groups.items():
        standard, step = resolver.get(revision, step_id)
        starts = [visits.starts[k] for k in indices]
        ends = [visits.events[k][3] for k in indices]
        dues = _dues(resolver.executor, standard, revision, starts)
        actual = _minutes(calendar, standard.basis, starts, ends)
        late = [None if due is None else end > due for due, end in zip(dues, ends, strict=True)]
        late_at = [k for k, flag in enumerate(late) if flag]
        late_by: list[float | None] = [0.0 if flag is False else None for flag in late]
        found = _minutes(calendar, standard.basis, [dues[k] for k in late_at],
                         [ends[k] for k in late_at])
        for k, minutes in zip(late_at, found, strict=True):
            late_by[k] = minutes
        inputs = step.inputs
        for k, index in enumerate(indices):
            (instance_id, _, _, _, _, visit, _, activity, actors, person,
             present) = visits.events[index]
            timings[index] = _new_timing(
                instance_id=instance_id, step_id=step_id, activity=activity or "",
                actors=actors, visit=visit, person=person,
                activated_at=starts[k], completed_at=ends[k], waktu=standard.waktu,
                basis=standard.basis, standard_minutes=standard.high_minutes,
                actual_minutes=actual[k], due_at=dues[k], late=late[k],
                late_by_minutes=late_by[k],
                inputs_missing=None if present is None else tuple(
                    item for item in inputs if item not in present),
                problem=standard.problem,
            )
    return timings


def _overdue_now(resolver: _Resolver, pending: Sequence[_Pending], now: datetime) -> None:
    """The active steps past their due time, as ``monitoring._overdue_now`` finds them."""
    executor = resolver.executor
    groups: dict[_Key, list[tuple[_Pending, Any]]] = {}
    for p in pending:
        instance = p.instance
        if instance.status not in _STEPS:
            continue
        for active in instance.active:
            groups.setdefault((instance.revision, active.step_id), []).append((p, active))
    entries: list[tuple[_Pending, Any, Any]] = []  # in each instance's order, see below
    for (revision, step_id), members in groups.items():
        try:
            standard = executor.standard(step_id, revision=revision)
        except ExecutionError as error:
            entries.extend((p, a, f"{step_id}: {error}") for p, a in members)
            continue
        starts = [a.activated_at for _, a in members]
        dues = _dues(executor, standard, revision, starts)
        late = [k for k, due in enumerate(dues)
                if due is not None and due < now and standard.basis is not None]
        over = _minutes(executor.calendar, standard.basis, [dues[k] for k in late],
                        [now] * len(late))
        by = dict(zip(late, over, strict=True))
        step = executor.step(step_id, revision=revision) if late else None
        for k, (p, a) in enumerate(members):
            due = dues[k]
            if due is None:
                entries.append((p, a, f"{step_id}: {standard.problem}"))
            elif k in by and step is not None and standard.basis is not None:
                entries.append((p, a, OverdueStep(
                    instance_id=p.instance.id, step_id=step_id, activity=step.text,
                    actors=step.actors, visit=a.visit, activated_at=a.activated_at,
                    due_at=due, overdue_by_minutes=by[k] or 0.0, basis=standard.basis,
                    suspended=p.instance.status is InstanceStatus.SUSPENDED)))
    order = {id(a): n for p in pending for n, a in enumerate(p.instance.active)}
    entries.sort(key=lambda e: order[id(e[1])])  # stable: one instance's steps in its order
    for p, _, found in entries:
        if isinstance(found, str):
            p.no_due.append(found)
        else:
            p.overdue.append(found)


def _dues(executor: Executor, standard: Standard, revision: str | None,
          starts: list[datetime]) -> list[datetime | None]:
    """``executor.due_at`` of each start, for one step's standard, computed together."""
    high = standard.high_minutes
    if high is None or not starts:
        return [None] * len(starts)
    calendar = executor.calendar
    try:
        if standard.basis is Basis.CALENDAR:
            delta = timedelta(minutes=high)
            return [start + delta for start in starts]
        local, zone = _local(calendar, starts)
        if standard.working_days is not None:
            found = calendar.add_working_days_each(local, standard.working_days)
        else:
            found = calendar.add_working_minutes_each(local, high)
        return _datetimes(found, zone)
    except (OverflowError, ValueError):  # past the calendar's last year: one by one
        step_id = standard.step_id
        return [executor.due_at(step_id, start, revision=revision) for start in starts]


def _minutes(calendar: Any, basis: Basis | None, starts: list[Any],
             ends: list[Any]) -> list[float | None]:
    """Minutes from each start to its end in ``basis`` (as ``_Resolver.minutes``)."""
    if basis is None:
        return [None] * len(starts)
    if basis is Basis.CALENDAR:
        return [(end - start).total_seconds() / 60 for start, end in zip(starts, ends,
                                                                         strict=True)]
    if not starts:
        return []
    a, _ = _local(calendar, starts)
    b, _ = _local(calendar, ends)
    return calendar.working_minutes_between_each(a, b).tolist()  # type: ignore[no-any-return]


def _local(calendar: Any, moments: list[datetime]) -> tuple[Any, tzinfo | None]:
    """The moments as ``datetime64[us]`` wall-clock times of the calendar (and its zone)."""
    import numpy as np

    zone = None if calendar.tz is None else calendar._zone()
    if zone is not None:
        moments = [m.astimezone(zone).replace(tzinfo=None) for m in moments]
    # timedelta arithmetic is several times faster than numpy's own datetime conversion
    micros = np.fromiter(((m - _EPOCH) // _MICROSECOND for m in moments), dtype=np.int64,
                         count=len(moments))
    return micros.astype("datetime64[us]"), zone


def _datetimes(values: Any, zone: tzinfo | None) -> list[datetime | None]:
    found: list[datetime] = values.astype(object).tolist()
    if zone is None:
        return list(found)
    return [d.replace(tzinfo=zone) for d in found]
