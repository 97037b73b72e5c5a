"""Run instances of a compiled SOP: who must act, what is done, what is due when.

Every state change is a *transition*: the executor reads the instance from its store, checks
the call (guards), builds the new immutable state and its events, and hands both to the store
in one atomic commit that names the version it read (optimistic concurrency). A rejected call
raises before anything is written, so the instance stays exactly as it was. Hooks run after
the commit.

SOP AP flowcharts have no parallel split (a process has one successor, a decision chooses one
exit), so an instance has at most one active step; the API still speaks of active *steps* so a
later notation with parallel lanes fits.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import json
import logging
import threading
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import datetime, timedelta
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Literal

import attrs

from sopflow.graph import is_end
from sopflow.model import Step
from sopflow.runtime.errors import (
    ActorNotAllowedError,
    HookError,
    InstanceStateError,
    InvalidAnswerError,
    InvalidCompletionError,
    InvalidTimeError,
    ProcedureMismatchError,
    RevisionError,
    StepNotActiveError,
    UnknownStepError,
)
from sopflow.runtime.revisions import (
    Migration,
    MigrationReport,
    Plan,
    Standard,
    StepInfo,
    load_revision,
)
from sopflow.runtime.state import (
    ActiveStep,
    Event,
    EventKind,
    Instance,
    InstanceStatus,
    new_event,
    new_instance,
)
from sopflow.runtime.store import MemoryStore, Store
from sopflow.validate import RUN_BLOCKERS
from sopflow.waktu import Basis

if TYPE_CHECKING:
    from sopflow.calendar import WorkingCalendar
    from sopflow.procedure import Procedure

__all__ = ["FLOW_ERRORS", "Clock", "Executor", "FakeClock", "Hook", "Standard", "WorkItem"]

_log = logging.getLogger("sopflow.runtime")

#: A clock: returns the current time. Naive local time by default (like the default calendar).
Clock = Callable[[], datetime]
#: A hook: called with each committed event it subscribed to.
Hook = Callable[[Event], object]

#: Validation errors that make a flow impossible to run (the rules with ``blocks_run``); the
#: executor refuses a procedure with any of them. Other errors (unreadable Waktu, missing
#: identity fields, an unreachable row) flaw the document, not the flow: such an SOP runs, and
#: monitoring says what it cannot measure.
FLOW_ERRORS = RUN_BLOCKERS

_RUNNING, _SUSPENDED = InstanceStatus.RUNNING, InstanceStatus.SUSPENDED


class FakeClock:
    """A clock for tests and examples: it only moves when told to."""

    def __init__(self, start: datetime) -> None:
        self._now = start

    def __call__(self) -> datetime:
        return self._now

    def advance(
        self, *, minutes: float = 0, hours: float = 0, days: float = 0
    ) -> datetime:
        """Move the clock forward (calendar time) and return the new time."""
        delta = timedelta(minutes=minutes, hours=hours, days=days)
        if delta < timedelta(0):
            raise ValueError(f"a clock cannot go back (advance by {delta})")
        self._now += delta
        return self._now

    def set(self, moment: datetime) -> None:
        """Jump to ``moment`` (later than now)."""
        if moment < self._now:
            raise ValueError(f"a clock cannot go back from {self._now} to {moment}")
        self._now = moment


@attrs.frozen(kw_only=True, slots=True)
class WorkItem:
    """An active step of one instance: what to do, who may do it, by when."""

    instance_id: str
    step_id: str
    activity: str  # Kegiatan
    actors: tuple[str, ...]  # the lanes that must act
    people: tuple[str, ...]  # people holding one of those actors (empty without a people map)
    visit: int
    activated_at: datetime
    due_at: datetime | None  # None when the Waktu cannot be read
    answers: tuple[str, ...]  # a decision's exit labels; () for a process step
    suspended: bool
    claimed_by: str | None = None  # the worker it is leased to (set by Executor.claim)
    lease_until: datetime | None = None  # when that lease runs out


def _freeze_json(value: Mapping[str, Any] | None, what: str) -> Mapping[str, Any]:
    if value is None:
        return MappingProxyType({})
    if not isinstance(value, Mapping) or not all(isinstance(k, str) for k in value):
        raise TypeError(f"{what} must be a mapping with str keys, got {value!r}")
    try:
        copied = json.loads(json.dumps(dict(value), allow_nan=False))
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{what} must hold JSON values only: {exc}") from None
    return MappingProxyType(copied)


class Executor:
    """Start and advance instances of one compiled :class:`~sopflow.Procedure`.

    ``store``: where instances live (a fresh :class:`MemoryStore` by default; use
    :class:`SQLiteStore` for durable runs). ``clock``: returns "now" (``datetime.now`` by
    default; pass a :class:`FakeClock` in tests). ``calendar``: the working calendar used for
    due times (``WorkingCalendar.indonesia()`` by default). ``people``: person -> actor name(s);
    when given, only a person holding one of a step's actors may complete it.
    ``hook_errors``: "log" (default) logs a failing hook and carries on; "raise" raises
    :class:`HookError` after all hooks ran. Either way the transition is already committed.
    """

    def __init__(
        self,
        procedure: Procedure,
        *,
        store: Store | None = None,
        clock: Clock | None = None,
        calendar: WorkingCalendar | None = None,
        people: Mapping[str, str | Iterable[str]] | None = None,
        hook_errors: Literal["log", "raise"] = "log",
        former_names: Iterable[str] = (),
    ) -> None:
        from sopflow.graph import START_NODE
        from sopflow.procedure import require_procedure
        from sopflow.validate import Report, SOPValidationError

        require_procedure(procedure, "Executor")
        blocking = tuple(f for f in procedure.report.errors if f.code in FLOW_ERRORS)
        if blocking:
            raise SOPValidationError(Report(sop=procedure.report.sop, findings=blocking))
        graph = procedure.graph
        if START_NODE not in graph:
            raise ValueError(f"SOP {procedure.name!r} has no steps: there is nothing to run")
        if hook_errors not in ("log", "raise"):
            raise ValueError(f"hook_errors must be 'log' or 'raise', got {hook_errors!r}")
        self.procedure = procedure
        if store is not None and not isinstance(store, Store):
            raise TypeError(f"store must be a Store such as SQLiteStore(path) or MemoryStore(), "
                            f"got {store!r}")
        self.store: Store = store if store is not None else MemoryStore()
        self.clock: Clock = clock if clock is not None else datetime.now
        if calendar is None:
            from sopflow.calendar import WorkingCalendar

            calendar = WorkingCalendar.indonesia()
        self.calendar = calendar
        self._wants_aware = getattr(calendar, "tz", None) is not None
        self._hook_errors = hook_errors
        self._start_node = START_NODE
        from sopflow.runtime.revisions import canonical_json

        document = canonical_json(procedure)
        #: The fingerprint of this executor's SOP revision; new instances are pinned to it.
        self.revision = hashlib.sha256(document.encode("utf-8")).hexdigest()
        self._plan = Plan(procedure, self.revision)
        self._plans: dict[str, Plan] = {self.revision: self._plan}
        self._plans_lock = threading.Lock()
        if isinstance(former_names, str) or not all(isinstance(n, str) for n in former_names):
            raise TypeError(f"former_names must be a list of SOP names, got {former_names!r}")
        self._names = frozenset({procedure.name, *former_names})
        self.store.save_definition(self.revision, procedure.name, document)
        lanes = {actor.name for actor in procedure.actors}
        self._people: dict[str, frozenset[str]] | None = None
        if people is not None:
            self._people = {}
            for person, held in people.items():
                names = (held,) if isinstance(held, str) else (
                    tuple(held) if isinstance(held, Iterable) else None)
                if names is None or not all(isinstance(a, str) for a in names):
                    raise TypeError(f"people: {person!r} must map to an actor name or a list "
                                    f"of them, got {held!r}")
                actors = frozenset(names)
                unknown = sorted(actors - lanes)
                if unknown:
                    raise ValueError(
                        f"people: {person!r} is mapped to {', '.join(map(repr, unknown))}, not an "
                        f"actor of SOP {procedure.name!r} (actors: {', '.join(sorted(lanes))})"
                    )
                self._people[person] = actors
        self._hooks: list[tuple[frozenset[EventKind] | None, Hook]] = []
        self._due_cached = functools.lru_cache(maxsize=65536)(self._compute_due)

    # ------------------------------------------------------------------ reading

    def get(self, instance_id: str) -> Instance:
        """The instance as last committed in the store."""
        instance = self.store.load(instance_id)
        if instance.procedure not in self._names:
            raise ProcedureMismatchError(instance_id, instance.procedure, self.procedure.name)
        return instance

    def history(self, instance_id: str) -> tuple[Event, ...]:
        """Every event of the instance, in order."""
        self.get(instance_id)
        return tuple(self.store.history(instance_id))

    def instances(self, *, status: InstanceStatus | None = None) -> list[Instance]:
        """This SOP's instances in the store (optionally of one status), every revision
        (and former names, see ``former_names``)."""
        return list(self._iter_instances(status))

    def _iter_instances(self, status: InstanceStatus | None) -> Iterator[Instance]:
        for name in sorted(self._names):
            yield from self.store.instances(procedure=name, status=status)

    def events(self) -> Iterator[Event]:
        """The audit log of all this SOP's instances, streamed from the store (iterate it once;
        wrap in ``list()`` to keep it)."""
        return itertools.chain.from_iterable(
            self.store.events(procedure=name) for name in sorted(self._names))

    def procedure_of(self, instance: Instance) -> Procedure:
        """The SOP revision ``instance`` runs on (RevisionError if the store lacks it)."""
        return self._plan_of(instance).procedure

    def step_ids(self, *, revision: str | None = None) -> tuple[str, ...]:
        """The procedure's step ids in row order (of ``revision``, default the current)."""
        return tuple(self._revision(revision).steps)

    def step(self, step_id: str, *, revision: str | None = None) -> Step:
        """The definition of step ``step_id`` (Kegiatan, Pelaksana, Mutu Baku)."""
        plan = self._revision(revision)
        self._info(plan, step_id, None)
        return plan.definitions[step_id]

    def answers(self, step_id: str, *, revision: str | None = None) -> tuple[str, ...]:
        """The exit labels that answer decision ``step_id`` (() for a process step)."""
        return self._info(self._revision(revision), step_id, None).answers

    def standard(self, step_id: str, *, revision: str | None = None) -> Standard:
        """How the runtime reads the step's Waktu (its Mutu Baku time) in ``revision`` (an
        instance's ``revision``; default the executor's own)."""
        plan = self._revision(revision)
        self._info(plan, step_id, None)
        return plan.standards[step_id]

    def due_at(
        self, step_id: str, activated_at: datetime, *, revision: str | None = None
    ) -> datetime | None:
        """When a visit of ``step_id`` activated at ``activated_at`` is due, on the working
        calendar; None if its Waktu cannot be read (see :meth:`standard`)."""
        plan = self._revision(revision)
        self._info(plan, step_id, None)
        return self._due_cached(plan, step_id, activated_at)

    def elapsed(
        self, step_id: str, start: datetime, end: datetime, *, revision: str | None = None
    ) -> float | None:
        """Minutes from ``start`` to ``end`` in the basis of the step's Waktu: working minutes
        on the calendar for working time, clock minutes for calendar time; None if the Waktu
        cannot be read."""
        basis = self.standard(step_id, revision=revision).basis
        if basis is None:
            return None
        if basis is Basis.CALENDAR:
            return (end - start).total_seconds() / 60
        return self.calendar.working_minutes_between(start, end)

    def work_items(self, instance_id: str) -> tuple[WorkItem, ...]:
        """The instance's active steps: what must be done, by which actors, by when."""
        return self._work_items(self.get(instance_id))

    def worklist(self, *, person: str | None = None, actor: str | None = None) -> list[WorkItem]:
        """Active steps of all running instances, optionally for one person or actor."""
        wanted = self._wanted(person, actor)
        items: list[WorkItem] = []
        for instance in self._iter_instances(InstanceStatus.RUNNING):
            try:
                found = self._work_items(instance)
            except RevisionError as error:  # one instance must not hide the others
                _log.warning("left out of the worklist: %s", error)
                continue
            items.extend(i for i in found if wanted is None or wanted.intersection(i.actors))
        return items

    def _wanted(self, person: str | None, actor: str | None) -> frozenset[str] | None:
        """The actors whose work a person or an actor takes (None: everyone's)."""
        wanted: frozenset[str] | None = None
        if person is not None:
            wanted = self._holds(person)
        if actor is not None:
            wanted = frozenset({actor}) if wanted is None else wanted & {actor}
        return wanted

    def claim(
        self,
        *,
        worker: str,
        actor: str | None = None,
        person: str | None = None,
        limit: int = 1,
        lease: timedelta = timedelta(minutes=5),
        at: datetime | None = None,
    ) -> list[WorkItem]:
        """Lease up to ``limit`` work items (of ``actor``, or of the actors ``person`` holds;
        anyone's by default) to ``worker`` until ``lease`` from now: no other claim gets them
        meanwhile. The lease ends when the step is done, on :meth:`release`, or when it runs
        out (a worker that died gives its items back after at most ``lease``). Workers
        sharing a PostgreSQL store skip each other's rows (``SKIP LOCKED``) instead of
        waiting; see :mod:`sopflow.runtime.claims`. Oldest instances first."""
        from sopflow.runtime.claims import claim

        return claim(self, worker=worker, actor=actor, person=person, limit=limit,
                     lease=lease, at=at)

    def release(self, instance_id: str, *, worker: str) -> bool:
        """Give back ``worker``'s lease on the instance's step (False if it held none)."""
        from sopflow.runtime.claims import release

        return release(self, instance_id, worker=worker)

    # ------------------------------------------------------------------ transitions

    def start(
        self,
        instance_id: str | None = None,
        *,
        metadata: Mapping[str, Any] | None = None,
        at: datetime | None = None,
        by: str | None = None,
        note: str = "",
    ) -> Instance:
        """Start an instance: the first step becomes active. ``metadata`` is free JSON data
        (for example ``{"periode": "Triwulan I 2025"}``)."""
        if instance_id is None:
            instance_id = uuid.uuid4().hex
        if not isinstance(instance_id, str) or not instance_id:
            raise TypeError(f"instance_id must be a non-empty str, got {instance_id!r}")
        frozen = _freeze_json(metadata, f"instance {instance_id!r}: metadata")
        when = self.clock() if at is None else at
        self._check_time_kind(instance_id, when)
        first = self._plan.steps[self._plan.first]
        events = (
            Event(instance_id=instance_id, seq=0, kind=EventKind.INSTANCE_STARTED, timestamp=when,
                  version=1, person=by, note=note, revision=self.revision),
            Event(instance_id=instance_id, seq=1, kind=EventKind.STEP_ACTIVATED, timestamp=when,
                  version=1, step_id=first.id, activity=first.text, actors=first.actors,
                  visit=1),
        )
        instance = Instance(
            id=instance_id,
            procedure=self.procedure.name,
            metadata=frozen,
            status=_RUNNING,
            active=(ActiveStep(step_id=first.id, visit=1, activated_at=when),),
            visits={first.id: 1},
            version=1,
            event_count=2,
            created_at=when,
            updated_at=when,
            revision=self.revision,
        )
        self.store.create(instance, events)
        self._notify(events)
        return instance

    def complete(
        self,
        instance_id: str,
        step_id: str,
        *,
        by: str,
        at: datetime | None = None,
        note: str = "",
        inputs_present: Iterable[str] | None = None,
        output: str | None = None,
        answer: str | None = None,
    ) -> Instance:
        """Record that ``by`` did active step ``step_id``; a decision needs ``answer`` (one of
        its exit labels). ``inputs_present``: the Kelengkapan items that were at hand (None: not
        recorded). The flow moves on: the next step becomes active, an exit to "Mulai" restarts
        at the first step, an end finishes the instance."""
        instance = self.store.load(instance_id)
        if instance.procedure not in self._names:
            raise ProcedureMismatchError(instance_id, instance.procedure, self.procedure.name)
        if instance.status is not _RUNNING:
            raise InstanceStateError(
                instance_id, instance.status.value, f"complete step {step_id!r}", ["running"]
            )
        plan = self._plan_of(instance)
        info = self._info(plan, step_id, instance_id)
        active = None
        for candidate in instance.active:
            if candidate.step_id == step_id:
                active = candidate
        if active is None:
            raise StepNotActiveError(instance_id, step_id, instance.active_step_ids)
        self._check_person(instance_id, info, by)
        if info.decision:
            if answer is None:
                raise InvalidAnswerError(
                    instance_id, step_id,
                    f"is a decision ({info.question or info.text!r}): answer it with one of "
                    + ", ".join(map(repr, info.answers)),
                )
            if answer not in info.answers:
                raise InvalidAnswerError(
                    instance_id, step_id,
                    f"{answer!r} is not an exit of this decision; expected one of "
                    + ", ".join(map(repr, info.answers)),
                )
        elif answer is not None:
            raise InvalidAnswerError(
                instance_id, step_id,
                f"is a process step, not a decision: it takes no answer (got {answer!r})",
            )
        present = None if inputs_present is None else self._check_inputs(
            instance_id, info, inputs_present
        )
        if not isinstance(note, str):
            raise InvalidCompletionError(instance_id, step_id, f"note must be a str, got {note!r}")
        if output is not None and not isinstance(output, str):
            raise InvalidCompletionError(
                instance_id, step_id, f"output must be a str or None, got {output!r}"
            )
        when = self._time(instance, at)

        version, seq = instance.version + 1, instance.event_count
        events = [
            new_event(instance_id=instance_id, seq=seq, kind=EventKind.STEP_COMPLETED,
                      timestamp=when, version=version, step_id=step_id, activity=info.text,
                      actors=info.actors, person=by, visit=active.visit, answer=answer,
                      note=note, inputs_present=present, output=output),
        ]
        target = info.exits[answer]
        remaining = () if len(instance.active) == 1 else tuple(
            a for a in instance.active if a is not active)
        status, end, visits = _RUNNING, None, instance.visits
        if is_end(target):
            status, end = InstanceStatus.COMPLETED, target
            events.append(new_event(instance_id=instance_id, seq=seq + 1,
                                    kind=EventKind.INSTANCE_FINISHED, timestamp=when,
                                    version=version, person=by))
            new_active = remaining
        else:
            nxt = plan.steps[plan.first if target == self._start_node else target]
            visits = dict(visits)
            visit = visits[nxt.id] = visits.get(nxt.id, 0) + 1
            new_active = (*remaining, ActiveStep(step_id=nxt.id, visit=visit, activated_at=when))
            events.append(new_event(instance_id=instance_id, seq=seq + 1,
                                    kind=EventKind.STEP_ACTIVATED, timestamp=when,
                                    version=version, step_id=nxt.id, activity=nxt.text,
                                    actors=nxt.actors, visit=visit))
        new = new_instance(
            id=instance_id, procedure=instance.procedure, metadata=instance.metadata,
            status=status, active=new_active, visits=visits, version=version,
            event_count=seq + 2, created_at=instance.created_at, updated_at=when, end=end,
            revision=instance.revision,
        )
        self.store.commit(new, events, expected_version=instance.version)
        if self._hooks:
            self._notify(events)
        return new

    def answer(
        self,
        instance_id: str,
        step_id: str,
        label: str,
        *,
        by: str,
        at: datetime | None = None,
        note: str = "",
        inputs_present: Iterable[str] | None = None,
        output: str | None = None,
    ) -> Instance:
        """Answer decision ``step_id`` with exit ``label`` ("Ya", "Tidak", ...)."""
        return self.complete(instance_id, step_id, by=by, at=at, note=note,
                             inputs_present=inputs_present, output=output, answer=label)

    def suspend(
        self, instance_id: str, *, by: str | None = None, at: datetime | None = None,
        note: str = "",
    ) -> Instance:
        """Pause a running instance: its steps cannot be completed until :meth:`resume`.
        The Mutu Baku clock keeps running (the standard counts from activation)."""
        return self._status_change(instance_id, _RUNNING, _SUSPENDED,
                                   EventKind.INSTANCE_SUSPENDED, "suspend", by, at, note)

    def resume(
        self, instance_id: str, *, by: str | None = None, at: datetime | None = None,
        note: str = "",
    ) -> Instance:
        """Continue a suspended instance."""
        return self._status_change(instance_id, _SUSPENDED, _RUNNING,
                                   EventKind.INSTANCE_RESUMED, "resume", by, at, note)

    def cancel(
        self, instance_id: str, *, by: str | None = None, at: datetime | None = None,
        note: str = "",
    ) -> Instance:
        """Stop a running or suspended instance for good; no step stays active."""
        return self._status_change(instance_id, None, InstanceStatus.CANCELLED,
                                   EventKind.INSTANCE_CANCELLED, "cancel", by, at, note)

    def check_overdue(self, *, at: datetime | None = None) -> list[WorkItem]:
        """Find active steps past their due time that were not reported yet, record a
        STEP_OVERDUE event for each (once per visit) and notify hooks. Suspended instances are
        skipped. An instance changed meanwhile by another writer is skipped this round."""
        from sopflow.runtime.errors import ConcurrentModificationError

        now = self.clock() if at is None else at
        if not isinstance(now, datetime):
            raise TypeError(f"check_overdue: the time must be a datetime, got {now!r}")
        found: list[WorkItem] = []
        for instance in self.instances(status=_RUNNING):
            try:
                plan = self._plan_of(instance)
            except RevisionError as error:
                _log.warning("not checked for overdue steps: %s", error)
                continue
            late = [
                a for a in instance.active
                if not a.overdue_notified
                and (due := self._due_cached(plan, a.step_id, a.activated_at)) is not None
                and due < now
            ]
            if not late or now < instance.updated_at:
                continue
            version, seq = instance.version + 1, instance.event_count
            events = []
            for k, a in enumerate(late):
                info = plan.steps[a.step_id]
                events.append(Event(instance_id=instance.id, seq=seq + k,
                                    kind=EventKind.STEP_OVERDUE, timestamp=now, version=version,
                                    step_id=a.step_id, activity=info.text, actors=info.actors,
                                    visit=a.visit))
            new_active = tuple(
                attrs.evolve(a, overdue_notified=True) if a in late else a
                for a in instance.active
            )
            new = attrs.evolve(instance, active=new_active, version=version,
                               event_count=seq + len(events), updated_at=now)
            try:
                self.store.commit(new, events, expected_version=instance.version)
            except ConcurrentModificationError:
                continue
            found.extend(i for i in self._work_items(new) if i.step_id in
                         {a.step_id for a in late})
            self._notify(events)
        return found

    # ------------------------------------------------------------------ revisions

    def migrate(
        self,
        instance_ids: Iterable[str] | None = None,
        *,
        steps: Mapping[str, str] | None = None,
        dry_run: bool = False,
        by: str | None = None,
        at: datetime | None = None,
        note: str = "",
    ) -> MigrationReport:
        """Move running or suspended instances to this executor's SOP revision.

        ``instance_ids``: which (default: every unfinished instance on another revision).
        ``steps``: old step id -> new step id, for active steps renamed or removed in the new
        revision (a step whose id is unchanged needs no entry). Visit counts follow the mapping;
        the active step keeps its activation time (the Mutu Baku clock does not restart).
        ``dry_run``: say what would happen, write nothing. An instance that cannot be moved
        (its active step has no place in the new revision, it is finished) is left as it is and
        its :class:`Migration` says why; each moved instance records INSTANCE_MIGRATED.
        """
        mapping = dict(steps or {})
        for source, target in mapping.items():
            if not isinstance(source, str) or not isinstance(target, str):
                raise TypeError(f"steps must map step ids to step ids, got {source!r}: "
                                f"{target!r}")
            self._info(self._plan, target, None)
        if instance_ids is None:
            chosen = [i for i in self._iter_instances(None)
                      if not i.finished and i.revision != self.revision]
        else:
            chosen = [self.get(i) for i in instance_ids]
        results = []
        for instance in chosen:
            migration, new, event = self._migration(instance, mapping, by, at, note)
            if new is not None and event is not None and not dry_run:
                self.store.commit(new, (event,), expected_version=instance.version)
                self._notify((event,))
                migration = attrs.evolve(migration, applied=True)
            results.append(migration)
        return MigrationReport(dry_run=dry_run, migrations=tuple(results))

    def _migration(
        self, instance: Instance, mapping: Mapping[str, str], by: str | None,
        at: datetime | None, note: str,
    ) -> tuple[Migration, Instance | None, Event | None]:
        moves = tuple((a.step_id, mapping.get(a.step_id, a.step_id)) for a in instance.active)
        migration = Migration(instance_id=instance.id, from_revision=instance.revision,
                              to_revision=self.revision, moves=moves)
        problem = None
        if instance.finished:
            problem = f"it is {instance.status.value}: a finished instance keeps its revision"
        elif instance.revision == self.revision:
            problem = "it already runs on this revision"
        else:
            lost = [old for old, new in moves if new not in self._plan.steps]
            if lost:
                problem = (f"its active step {lost[0]!r} is not in the new revision: map it, "
                           f"e.g. steps={{{lost[0]!r}: <new step id>}}")
        if problem is not None:
            return attrs.evolve(migration, problem=problem), None, None
        when = self._time(instance, at)
        visits: dict[str, int] = {}
        for old, count in instance.visits.items():
            new_id = mapping.get(old, old)
            if new_id in self._plan.steps:
                visits[new_id] = max(visits.get(new_id, 0), count)
        active = []
        for a, (_, new_id) in zip(instance.active, moves, strict=True):
            visits[new_id] = max(visits.get(new_id, 0), a.visit)
            active.append(attrs.evolve(a, step_id=new_id, visit=visits[new_id]))
        version = instance.version + 1
        first = active[0] if active else None
        info = self._plan.steps[first.step_id] if first is not None else None
        shown = ", ".join(f"{old} -> {new}" for old, new in moves)
        event = Event(
            instance_id=instance.id, seq=instance.event_count, kind=EventKind.INSTANCE_MIGRATED,
            timestamp=when, version=version, person=by, revision=self.revision,
            note=note or f"revision {(instance.revision or 'unrecorded')[:12]} -> "
                         f"{self.revision[:12]}" + (f"; {shown}" if shown else ""),
            step_id=info.id if info else None, activity=info.text if info else None,
            actors=info.actors if info else (), visit=first.visit if first else None,
        )
        new = attrs.evolve(
            instance, procedure=self.procedure.name, revision=self.revision, active=tuple(active),
            visits=visits, version=version, event_count=instance.event_count + 1,
            updated_at=when,
        )
        return migration, new, event

    # ------------------------------------------------------------------ hooks

    def subscribe(self, hook: Hook, *kinds: EventKind) -> Callable[[], None]:
        """Call ``hook(event)`` after each committed event of ``kinds`` (all kinds if none
        given). Returns a function that unsubscribes. Hooks run after the commit: a failing
        hook cannot undo or corrupt the transition (see ``hook_errors``)."""
        for kind in kinds:
            if not isinstance(kind, EventKind):
                raise TypeError(f"subscribe: {kind!r} is not an EventKind")
        entry = (frozenset(kinds) or None, hook)
        self._hooks.append(entry)

        def unsubscribe() -> None:
            if entry in self._hooks:
                self._hooks.remove(entry)

        return unsubscribe

    # ------------------------------------------------------------------ internals

    def _notify(self, events: Sequence[Event]) -> None:
        if not self._hooks:
            return
        errors: list[tuple[object, BaseException]] = []
        for event in events:
            for kinds, hook in list(self._hooks):
                if kinds is None or event.kind in kinds:
                    try:
                        hook(event)
                    except Exception as exc:
                        _log.exception("hook %r failed on %s (the transition stands)", hook, event)
                        errors.append((event, exc))
        if errors and self._hook_errors == "raise":
            raise HookError(errors)

    def _status_change(
        self, instance_id: str, needs: InstanceStatus | None, becomes: InstanceStatus,
        kind: EventKind, action: str, by: str | None, at: datetime | None, note: str,
    ) -> Instance:
        instance = self.get(instance_id)
        if (needs is not None and instance.status is not needs) or instance.finished:
            allowed = [needs.value] if needs is not None else ["running", "suspended"]
            raise InstanceStateError(instance_id, instance.status.value, action, allowed)
        if by is not None and not isinstance(by, str):
            raise InvalidCompletionError(instance_id, None, f"by must be a str, got {by!r}")
        if not isinstance(note, str):
            raise InvalidCompletionError(instance_id, None, f"note must be a str, got {note!r}")
        when = self._time(instance, at)
        version = instance.version + 1
        current = instance.active[0] if instance.active else None
        info = None
        if current is not None:  # a broken revision must not stop a cancel
            try:
                info = self._plan_of(instance).steps.get(current.step_id)
            except RevisionError:
                info = None
        event = Event(
            instance_id=instance_id, seq=instance.event_count, kind=kind, timestamp=when,
            version=version, person=by, note=note,
            step_id=info.id if info else None, activity=info.text if info else None,
            actors=info.actors if info else (), visit=current.visit if current else None,
        )
        new = attrs.evolve(
            instance, status=becomes, version=version, event_count=instance.event_count + 1,
            updated_at=when, active=() if becomes is InstanceStatus.CANCELLED else instance.active,
        )
        self.store.commit(new, (event,), expected_version=instance.version)
        self._notify((event,))
        return new

    def _info(self, plan: Plan, step_id: str, instance_id: str | None) -> StepInfo:
        info = plan.steps.get(step_id)
        if info is None:
            raise UnknownStepError(instance_id, step_id, list(plan.steps))
        return info

    def _revision(self, revision: str | None) -> Plan:
        """The plan of a revision fingerprint (None: the executor's own)."""
        if revision is None or revision == self.revision:
            return self._plan
        plan = self._plans.get(revision)
        if plan is not None:
            return plan
        document = self.store.definition(revision)
        if document is None:
            raise RevisionError("-", f"SOP revision {revision[:12]} is not in the store")
        try:
            procedure = load_revision(document)
            plan = Plan(procedure, revision)
        except (ValueError, KeyError, StopIteration) as exc:
            raise RevisionError("-", f"SOP revision {revision[:12]} in the store cannot be "
                                f"read: {exc}") from None
        with self._plans_lock:
            return self._plans.setdefault(revision, plan)

    def _plan_of(self, instance: Instance) -> Plan:
        """The plan of the revision ``instance`` runs on."""
        revision = instance.revision
        if revision is None:  # started before revisions were recorded: the current SOP
            missing = [a.step_id for a in instance.active if a.step_id not in self._plan.steps]
            if missing:
                raise RevisionError(
                    instance.id,
                    f"it was started before sopflow recorded SOP revisions and waits at step "
                    f"{missing[0]!r}, which the current SOP does not have; migrate it "
                    f"(Executor.migrate with steps={{{missing[0]!r}: <new step>}}) or cancel it",
                )
            return self._plan
        if revision == self.revision:
            return self._plan
        try:
            return self._revision(revision)
        except RevisionError as error:
            raise RevisionError(instance.id, str(error).removeprefix("instance '-': ")) from None

    def _holds(self, person: str) -> frozenset[str]:
        if self._people is None:
            raise ValueError("this executor has no people map (pass people=...)")
        return self._people.get(person, frozenset())

    def _check_person(self, instance_id: str, info: StepInfo, by: str) -> None:
        if not isinstance(by, str) or not by.strip():
            raise InvalidCompletionError(
                instance_id, info.id, f"by must name the person who did the step, got {by!r}"
            )
        if self._people is not None:
            holds = self._people.get(by, frozenset())
            if holds.isdisjoint(info.actors):
                raise ActorNotAllowedError(instance_id, info.id, by, sorted(holds), info.actors)

    def _check_inputs(
        self, instance_id: str, info: StepInfo, items: Iterable[str]
    ) -> tuple[str, ...]:
        if isinstance(items, str):
            raise InvalidCompletionError(
                instance_id, info.id,
                f"inputs_present must be a list of items, not the str {items!r}",
            )
        present = tuple(items)
        unknown = [item for item in present if item not in info.inputs]
        if unknown:
            listed = ", ".join(map(repr, info.inputs)) or "none"
            raise InvalidCompletionError(
                instance_id, info.id,
                f"{', '.join(map(repr, unknown))} not in the step's Kelengkapan ({listed})",
            )
        if len(set(present)) != len(present):
            raise InvalidCompletionError(
                instance_id, info.id, f"inputs_present lists an item twice: {present!r}"
            )
        return present

    def _check_time_kind(self, instance_id: str, when: object) -> None:
        if not isinstance(when, datetime):
            raise InvalidTimeError(instance_id, f"the time must be a datetime, got {when!r}")
        aware = when.tzinfo is not None
        wants_aware = self._wants_aware
        if aware != wants_aware:
            raise InvalidTimeError(
                instance_id,
                f"the time {when.isoformat()} is {'aware' if aware else 'naive'} but the "
                f"calendar wants {'aware' if wants_aware else 'naive'} datetimes",
            )

    def _time(self, instance: Instance, at: datetime | None) -> datetime:
        when = self.clock() if at is None else at
        self._check_time_kind(instance.id, when)
        if when < instance.updated_at:
            raise InvalidTimeError(
                instance.id,
                f"time {when.isoformat()} is before the instance's last transition "
                f"({instance.updated_at.isoformat()})",
            )
        return when

    def _compute_due(self, plan: Plan, step_id: str, activated_at: datetime) -> datetime | None:
        standard = plan.standards[step_id]
        if standard.high_minutes is None:
            return None
        try:
            if standard.basis is Basis.CALENDAR:
                return activated_at + timedelta(minutes=standard.high_minutes)
            if standard.working_days is not None:
                return self.calendar.add_working_days(activated_at, standard.working_days)
            return self.calendar.add_working_minutes(activated_at, standard.high_minutes)
        except (OverflowError, ValueError):  # past the calendar's last date: no due time
            return None

    def _work_items(self, instance: Instance) -> tuple[WorkItem, ...]:
        items = []
        plan = self._plan_of(instance)
        for active in instance.active:
            info = plan.steps[active.step_id]
            people = () if self._people is None else tuple(
                sorted(p for p, held in self._people.items() if not held.isdisjoint(info.actors))
            )
            items.append(WorkItem(
                instance_id=instance.id, step_id=info.id, activity=info.text, actors=info.actors,
                people=people, visit=active.visit, activated_at=active.activated_at,
                due_at=self._due_cached(plan, info.id, active.activated_at),
                answers=info.answers,
                suspended=instance.status is _SUSPENDED,
            ))
        return tuple(items)
