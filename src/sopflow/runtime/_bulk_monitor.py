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

import contextlib
import gc
import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import datetime, timedelta, tzinfo
from itertools import repeat
from typing import TYPE_CHECKING, Any

from sopflow.runtime._rows import _DAMAGE, _KINDS, _strings_json, decode_events
from sopflow.runtime.errors import ExecutionError, StoreError
from sopflow.runtime.monitoring import InstanceReport, OverdueStep, StepTiming, _Resolver
from sopflow.runtime.revisions import Standard
from sopflow.runtime.state import Event, EventKind, Instance, InstanceStatus, _slot_builder
from sopflow.waktu import Basis

if TYPE_CHECKING:
    from sopflow.runtime.executor import Executor

__all__ = ["all_reports", "collector_paused"]

_EPOCH = datetime(1970, 1, 1)
_MICROSECOND = timedelta(microseconds=1)
_STEPS = (InstanceStatus.RUNNING, InstanceStatus.SUSPENDED)
_Key = tuple[str | None, str]  # (revision, step id)
_log = logging.getLogger("sopflow.runtime")


# An event as the walk reads it: a row of ``EVENT_COLUMNS`` as the store holds it (texts,
# JSON), or the same fields already decoded (from an Event: kind as its text, timestamp a
# datetime, actors and Kelengkapan tuples).
_ACTIVATED, _COMPLETED, _MIGRATED = (EventKind.STEP_ACTIVATED.value,
                                     EventKind.STEP_COMPLETED.value,
                                     EventKind.INSTANCE_MIGRATED.value)
# One completed visit: instance id, visit, activity, actors, person, inputs present, start, end.
_Entry = tuple[str, int, str, tuple[str, ...], str | None, tuple[str, ...] | None, datetime,
               datetime]
_new_timing: Callable[..., StepTiming] = _slot_builder(StepTiming, positional=True)


class _Group:
    """The completed visits of one step of one revision, and where each goes in the log."""

    __slots__ = ("entries", "indices")

    def __init__(self) -> None:
        self.entries: list[_Entry] = []
        self.indices: list[int] = []


class _Visits:
    """The completed visits collected from the log, grouped by (revision, step)."""

    def __init__(self) -> None:
        self.groups: dict[_Key, _Group] = {}  # only steps whose standard was found
        self.count = 0

    def add(self, group: _Group, entry: _Entry) -> int:
        index = self.count
        self.count = index + 1
        group.entries.append(entry)
        group.indices.append(index)
        return index


class _Pending:
    """One instance while its report is assembled."""

    __slots__ = ("instance", "no_due", "overdue", "visits")

    def __init__(self, instance: Instance) -> None:
        self.instance = instance
        self.visits: list[int] = []
        self.no_due: list[str] = []  # the log walk's errors, then the overdue ones
        self.overdue: list[Any] = []


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """The cyclic garbage collector paused, then left as it was: monitoring makes millions of
    objects without cycles, and the collector's passes over them (each pass promotes them,
    which soon triggers a full pass over everything alive) cost more than all the rest."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def all_reports(executor: Executor, now: datetime) -> list[InstanceReport]:
    """Every instance in one pass over the instances and one streamed pass over the log (an
    instance created while the log is read is left out; its events are skipped), with the
    garbage collector paused."""
    with collector_paused():
        return _all_reports(executor, now)


def _all_reports(executor: Executor, now: datetime) -> list[InstanceReport]:
    instances = {i.id: i for i in executor.instances()}
    walk = _Walk(_Resolver(executor), instances)
    pages = getattr(executor.store, "_event_pages", None)
    if pages is None:
        walk.rows(map(_fields, executor.events()), raw=False)
    else:  # a SQL store: its rows as they are, no Event built
        for name in sorted(executor._names):
            for rows in pages(name):
                walk.rows(rows, raw=True)
    ordered = [walk.pending[i] for i in instances if i in walk.pending]
    timings = _timings(walk.resolver, walk.visits)
    _overdue_now(walk.resolver, ordered, now)
    reports = []
    for p in ordered:
        found = [timings[k] for k in p.visits]
        no_due = p.no_due + [f"{t.step_id}: {t.problem}" for t in found
                             if t.problem is not None]
        reports.append(InstanceReport(instance=p.instance, timings=tuple(found),
                                      overdue=tuple(p.overdue),
                                      no_due_time=tuple(dict.fromkeys(no_due))))
    return reports


def _fields(e: Event) -> tuple[Any, ...]:
    """An event's fields in the order of ``EVENT_COLUMNS``, decoded (the kind as its text)."""
    return (e.instance_id, e.seq, e.kind.value, e.timestamp, e.version, e.step_id, e.activity,
            e.actors, e.person, e.visit, e.answer, e.note, e.inputs_present, e.output,
            e.revision)


class _Walk:
    """The log walk of ``monitoring._report_from_events`` over every instance, collecting the
    completed visits instead of judging them. It reads the rows straight (one loop, each row
    checked as ``decode_events`` checks it, no Event or tuple built per row): a damaged row
    goes through ``decode_events``, so it is logged and skipped exactly as when listing."""

    def __init__(self, resolver: _Resolver, instances: dict[str, Instance]) -> None:
        self.resolver = resolver
        self.instances = instances
        self.visits = _Visits()
        self.pending: dict[str, _Pending] = {}
        # the instance being walked (its events are consecutive in the log), kept from one
        # page of rows to the next
        self.walking: str | None = None
        self.p: _Pending | None = None
        self.limit = 0  # only the events up to the listed state
        self.revision: str | None = None
        self.activated: dict[tuple[str, int], datetime] = {}
        self.current: tuple[str, int] | None = None

    def rows(self, rows: Iterable[Sequence[Any]], *, raw: bool) -> None:
        """Walk ``rows`` (``raw``: as stored; else decoded, see ``_fields``)."""
        kinds, strings, parse = _KINDS, _strings_json, datetime.fromisoformat
        last_text: object = None
        moment = last_time = _EPOCH
        seen: dict[object, tuple[str, ...]] = {}
        walking, p, limit, revision = self.walking, self.p, self.limit, self.revision
        activated, current = self.activated, self.current
        for row in rows:
            try:
                (instance_id, seq, kind, stamp, version, step_id, activity, actors, person,
                 visit, _answer, note, present, _output, moved_to) = row
                if raw:
                    if (type(instance_id) is not str or type(seq) is not int
                            or type(version) is not int or type(note) is not str
                            or kind not in kinds):
                        raise TypeError("damaged")
                    if stamp != last_text:
                        last_time, last_text = parse(stamp), stamp
                    moment = last_time
                    lanes = seen.get(actors)
                    if lanes is None:
                        lanes = seen[actors] = strings(actors, "actors")
                    if present is not None:
                        present = strings(present, "inputs_present")
                else:
                    moment, lanes = stamp, actors
            except _DAMAGE:
                found = decode_events([row], _damaged)
                if not found:
                    continue
                (instance_id, seq, kind, moment, _, step_id, activity, lanes, person, visit,
                 _, _, present, _, moved_to) = _fields(found[0])
            if instance_id != walking:  # another instance: its walk starts afresh
                walking, p, limit, revision, activated, current = self._start(instance_id)
            if p is None or seq >= limit:
                continue
            revision = revision if moved_to is None else moved_to
            if kind == _MIGRATED:
                current = _migrated(activated, current, step_id, visit)
            elif step_id is None or visit is None:
                continue
            elif kind == _ACTIVATED:
                current = (step_id, visit)
                activated[current] = moment
            elif kind == _COMPLETED and (step_id, visit) in activated:
                self._completed(p, revision, step_id, (
                    instance_id, visit, activity or "", lanes, person, present,
                    activated[step_id, visit], moment))
        self.walking, self.p, self.limit, self.revision = walking, p, limit, revision
        self.activated, self.current = activated, current

    def _start(self, instance_id: str) -> tuple[str, _Pending | None, int, str | None,
                                                 dict[tuple[str, int], datetime], None]:
        """The walk's state at the first event of an instance (None: one not listed)."""
        instance = self.instances.get(instance_id)
        if instance is None:
            return instance_id, None, 0, None, {}, None
        p = self.pending[instance_id] = _Pending(instance)
        return instance_id, p, instance.event_count, instance.revision, {}, None

    def _completed(self, p: _Pending, revision: str | None, step_id: str,
                   entry: _Entry) -> None:
        """A completed visit of ``p`` collected, or why its step has no standard noted."""
        visits = self.visits
        group = visits.groups.get((revision, step_id))
        if group is None:
            try:
                self.resolver.get(revision, step_id)
            except ExecutionError as error:
                p.no_due.append(f"{step_id}: {error}")
                return
            group = visits.groups[revision, step_id] = _Group()
        p.visits.append(visits.add(group, entry))


def _migrated(activated: dict[tuple[str, int], datetime], current: tuple[str, int] | None,
              step_id: str | None, visit: int | None) -> tuple[str, int] | None:
    """The active step after a migration: its clock kept under its id in the new revision."""
    if current is None:
        return None
    moved = activated.pop(current, None)
    if moved is not None and step_id is not None and visit is not None:
        current = (step_id, visit)
        activated[current] = moved
    return current


def _damaged(error: StoreError) -> None:
    _log.warning("skipped while listing: %s", error)


def _timings(resolver: _Resolver, visits: _Visits) -> list[StepTiming]:
    """Every collected visit judged, one step (of one revision) at a time, column by column."""
    timings: list[Any] = [None] * visits.count
    calendar = resolver.executor.calendar
    for (revision, step_id), group in visits.groups.items():
        standard, step = resolver.get(revision, step_id)
        ids, numbers, activities, lanes, persons, present, starts, ends = (
            list(column) for column in zip(*group.entries, strict=True))
        local = _Local(calendar, starts)  # converted once, for the due times and the minutes
        dues = _dues(resolver.executor, standard, revision, starts, local)
        actual = _minutes(calendar, standard.basis, starts, ends, local)
        late = [None if due is None else end > due for due, end in zip(dues, ends, strict=True)]
        late_at = [k for k, flag in enumerate(late) if flag]
        late_by: list[float | None] = [0.0 if flag is False else None for flag in late]
        found = _minutes(calendar, standard.basis, [dues[k] for k in late_at],
                         [ends[k] for k in late_at])
        for k, minutes in zip(late_at, found, strict=True):
            late_by[k] = minutes
        inputs = step.inputs
        missing = {items: None if items is None else tuple(i for i in inputs if i not in items)
                   for items in set(present)}  # the same few lists of items repeat
        built = map(_new_timing, ids, repeat(step_id), activities, lanes, numbers, persons,
                    starts, ends, repeat(standard.waktu), repeat(standard.basis),
                    repeat(standard.high_minutes), actual, dues, late, late_by,
                    map(missing.__getitem__, present), repeat(standard.problem))
        for index, timing in zip(group.indices, built, strict=True):
            timings[index] = timing
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
          starts: list[datetime], local_starts: _Local | None = None) -> list[datetime | None]:
    """``executor.due_at`` of each start, for one step's standard, computed together."""
    high = standard.high_minutes
    if high is None or not starts:
        return [None] * len(starts)
    calendar = executor.calendar
    try:
        if standard.basis is Basis.CALENDAR:
            delta = timedelta(minutes=high)
            return [start + delta for start in starts]
        local, zone = (local_starts or _Local(calendar, starts))()
        if standard.working_days is not None:
            found = calendar.add_working_days_each(local, standard.working_days)
        else:
            found = calendar.add_working_minutes_each(local, high)
        return _datetimes(found, zone)
    except (OverflowError, ValueError):  # past the calendar's last year: one by one
        step_id = standard.step_id
        return [executor.due_at(step_id, start, revision=revision) for start in starts]


def _minutes(calendar: Any, basis: Basis | None, starts: list[Any], ends: list[Any],
             local_starts: _Local | None = None) -> list[float | None]:
    """Minutes from each start to its end in ``basis`` (as ``_Resolver.minutes``)."""
    if basis is None:
        return [None] * len(starts)
    if basis is Basis.CALENDAR:
        return [(end - start).total_seconds() / 60 for start, end in zip(starts, ends,
                                                                         strict=True)]
    if not starts:
        return []
    a, _ = (local_starts or _Local(calendar, starts))()
    b, _ = _local(calendar, ends)
    return calendar.working_minutes_between_each(a, b).tolist()  # type: ignore[no-any-return]


class _Local:
    """``_local`` of some moments, converted at the first call and kept for the next."""

    __slots__ = ("calendar", "found", "moments")

    def __init__(self, calendar: Any, moments: list[datetime]) -> None:
        self.calendar = calendar
        self.moments = moments
        self.found: tuple[Any, tzinfo | None] | None = None

    def __call__(self) -> tuple[Any, tzinfo | None]:
        if self.found is None:
            self.found = _local(self.calendar, self.moments)
        return self.found


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
