"""Mutu Baku monitoring: actual against standard time, overdue steps, and the Permenpan RB
35/2012 table "Monitoring Pelaksanaan SOP AP".

Everything is computed from the audit log and the current instance states, so a report can be
made at any time from any store. Times are measured in the basis of each step's Waktu: working
minutes on the executor's working calendar for working time ("30 menit", "2 hari kerja"), clock
minutes for calendar time ("3 hari kalender", "2x24 jam"). A step is late when it was completed
after its due time (activation + the upper bound of its Waktu).
"""

from __future__ import annotations

import csv
import io
import itertools
from collections.abc import Iterable
from datetime import datetime
from os import PathLike
from typing import IO, Any

import attrs

from sopflow.model import Step
from sopflow.runtime._files import write_text
from sopflow.runtime.errors import ExecutionError
from sopflow.runtime.executor import Executor
from sopflow.runtime.revisions import Standard
from sopflow.runtime.state import Event, EventKind, Instance, InstanceStatus
from sopflow.waktu import WORKING_DAY_MINUTES, Basis

__all__ = [
    "BAIK",
    "MONITORING_COLUMNS",
    "TIDAK_BAIK",
    "InstanceReport",
    "MonitoringReport",
    "MonitoringRow",
    "MonitoringTable",
    "OverdueStep",
    "StepSummary",
    "StepTiming",
    "format_minutes",
    "monitor",
]

BAIK = "Berjalan dengan baik"
TIDAK_BAIK = "Tidak berjalan dengan baik"
MONITORING_COLUMNS = (
    "No",
    "Prosedur",
    "Penilaian terhadap penerapan",
    "Catatan hasil penilaian",
    "Tindakan yang harus diambil",
    "Paraf penilai",
)


def format_minutes(minutes: float, basis: Basis | None = Basis.WORKING) -> str:
    """Minutes in words: "45 menit", "2 jam 5 menit", "1,5 hari kerja" (7.5 working hours a
    day), "3 hari" (calendar)."""
    minutes = max(0.0, minutes)
    day = 1440.0 if basis is Basis.CALENDAR else WORKING_DAY_MINUTES
    if minutes >= day:
        days = round(minutes / day, 1)
        shown = f"{days:g}".replace(".", ",")
        return f"{shown} hari" + (" kerja" if basis is not Basis.CALENDAR else "")
    hours, rest = divmod(round(minutes), 60)
    if hours and rest:
        return f"{hours} jam {rest} menit"
    if hours:
        return f"{hours} jam"
    return f"{rest} menit"


@attrs.frozen(kw_only=True, slots=True)
class StepTiming:
    """One completed visit of a step against its Mutu Baku."""

    instance_id: str
    step_id: str
    activity: str
    actors: tuple[str, ...]
    visit: int
    person: str | None
    activated_at: datetime
    completed_at: datetime
    waktu: str  # the standard as written
    basis: Basis | None
    standard_minutes: float | None  # upper bound of the Waktu, in minutes of ``basis``
    actual_minutes: float | None  # activation to completion, in minutes of ``basis``
    due_at: datetime | None
    late: bool | None  # None: the Waktu cannot be read
    late_by_minutes: float | None
    inputs_missing: tuple[str, ...] | None  # Kelengkapan items not present (None: not recorded)
    problem: str | None = None  # why there is no due time


@attrs.frozen(kw_only=True, slots=True)
class OverdueStep:
    """An active step past its due time at the report's moment."""

    instance_id: str
    step_id: str
    activity: str
    actors: tuple[str, ...]
    visit: int
    activated_at: datetime
    due_at: datetime
    overdue_by_minutes: float
    basis: Basis
    suspended: bool


@attrs.frozen(kw_only=True, slots=True)
class InstanceReport:
    """Timings and overdue steps of one instance."""

    instance: Instance
    timings: tuple[StepTiming, ...]
    overdue: tuple[OverdueStep, ...]
    no_due_time: tuple[str, ...]  # why some steps have no due time (unreadable Waktu)

    @property
    def late(self) -> tuple[StepTiming, ...]:
        """The completed visits that took longer than their Mutu Baku Waktu."""
        return tuple(t for t in self.timings if t.late)

    def text(self) -> str:
        """The report as readable lines."""
        i = self.instance
        meta = ", ".join(f"{k}={v}" for k, v in i.metadata.items())
        lines = [f"Instance {i.id} ({i.status.value}{'; ' + meta if meta else ''})"]
        for t in self.timings:
            if t.late is None:
                verdict = f"no standard ({t.problem})"
            else:
                verdict = (
                    f"LATE by {format_minutes(t.late_by_minutes or 0, t.basis)}"
                    if t.late else "on time"
                )
            actual = "-" if t.actual_minutes is None else format_minutes(t.actual_minutes, t.basis)
            missing = (
                f"; Kelengkapan missing: {', '.join(t.inputs_missing)}" if t.inputs_missing else ""
            )
            lines.append(
                f"  {t.step_id} (visit {t.visit}) by {t.person or '-'}: {actual} against "
                f"{t.waktu!r}: {verdict}{missing}"
            )
        for o in self.overdue:
            lines.append(
                f"  OVERDUE {o.step_id} (visit {o.visit}, {' + '.join(o.actors)}): due "
                f"{o.due_at:%Y-%m-%d %H:%M}, {format_minutes(o.overdue_by_minutes, o.basis)} over"
            )
        return "\n".join(lines)


@attrs.frozen(kw_only=True, slots=True)
class StepSummary:
    """One step across all reported instances."""

    row: int
    step_id: str
    activity: str
    actors: tuple[str, ...]
    waktu: str
    basis: Basis | None
    standard_minutes: float | None
    problem: str | None  # why the step has no due time
    completions: int
    late: int
    mean_actual_minutes: float | None
    mean_late_by_minutes: float | None  # over the late completions
    max_late_by_minutes: float | None
    overdue_now: tuple[str, ...]  # ids of instances where this step is overdue
    incomplete_inputs: int  # completions recorded with Kelengkapan items missing
    missing_items: tuple[str, ...]  # which items were missing, most often first

    @property
    def late_share(self) -> float | None:
        """The share of completions that were late (None before any completion)."""
        return self.late / self.completions if self.completions else None


@attrs.frozen(kw_only=True, slots=True)
class MonitoringRow:
    """A row of the "Monitoring Pelaksanaan SOP AP" table."""

    no: int
    prosedur: str
    penilaian: str  # BAIK / TIDAK_BAIK, or "-" when there is nothing to assess yet
    catatan: str
    tindakan: str
    paraf: str = ""

    def cells(self) -> tuple[str, ...]:
        """The row's cells in the order of the Permenpan monitoring table."""
        return (str(self.no), self.prosedur, self.penilaian, self.catatan, self.tindakan,
                self.paraf)


@attrs.frozen(kw_only=True, slots=True)
class MonitoringTable:
    """The Permenpan table, one row per step (prosedur) in row order."""

    title: str
    rows: tuple[MonitoringRow, ...]

    def to_csv(self, target: str | PathLike[str] | IO[str] | None = None, *,
               delimiter: str = ",", bom: bool = True) -> str:
        """The table as CSV (header :data:`MONITORING_COLUMNS`); written to ``target`` if
        given (a path or an open text file). ``delimiter=";"`` suits Excel set up for
        Indonesia; a file written to a path starts with a UTF-8 BOM (``bom``) so Excel reads
        its letters right. The returned text has no BOM."""
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n")
        writer.writerow(MONITORING_COLUMNS)
        writer.writerows(row.cells() for row in self.rows)
        text = buffer.getvalue()
        write_text(text, target, encoding="utf-8-sig" if bom else "utf-8")
        return text

    def to_pandas(self) -> Any:
        """The table as a ``pandas.DataFrame`` (columns :data:`MONITORING_COLUMNS`)."""
        from sopflow.notebook import to_frame

        return to_frame(MONITORING_COLUMNS, [row.cells() for row in self.rows])

    def _repr_html_(self) -> str:
        from sopflow.notebook import html_table

        return html_table(MONITORING_COLUMNS, [row.cells() for row in self.rows], self.title)

    def text(self) -> str:
        """The table as readable lines."""
        lines = [self.title]
        for row in self.rows:
            lines.append(f"{row.no}. {row.prosedur}")
            lines.append(f"   Penilaian: {row.penilaian}")
            lines.append(f"   Catatan: {row.catatan}")
            lines.append(f"   Tindakan: {row.tindakan}")
        return "\n".join(lines)


@attrs.frozen(kw_only=True, slots=True)
class MonitoringReport:
    """Monitoring of a set of instances at one moment."""

    procedure: str
    at: datetime
    instances: tuple[InstanceReport, ...]
    steps: tuple[StepSummary, ...]

    def instance(self, instance_id: str) -> InstanceReport:
        """The report of one instance; KeyError if it is not in this report."""
        for report in self.instances:
            if report.instance.id == instance_id:
                return report
        raise KeyError(f"instance {instance_id!r} is not in this report")

    @property
    def overdue(self) -> tuple[OverdueStep, ...]:
        return tuple(o for r in self.instances for o in r.overdue)

    def usually_late(self) -> tuple[StepSummary, ...]:
        """Steps with late completions, the most often late first (then by mean lateness)."""
        late = [s for s in self.steps if s.late]
        return tuple(sorted(late, key=lambda s: (-(s.late_share or 0),
                                                 -(s.mean_late_by_minutes or 0))))

    def table(self, *, tolerance: float = 0.0, assessor: str = "") -> MonitoringTable:
        """The "Monitoring Pelaksanaan SOP AP" table. A step is "Tidak berjalan dengan baik"
        when the share of its late completions exceeds ``tolerance`` (0: any late completion),
        when it is overdue now, or when it was done with Kelengkapan missing. ``assessor`` fills
        the Paraf penilai column (blank by default: the assessor initials the printout)."""
        if not 0 <= tolerance <= 1:
            raise ValueError(f"tolerance must be a share between 0 and 1, got {tolerance}")
        rows = [
            _row(s, tolerance, assessor) for s in self.steps
        ]
        periode = f"{len(self.instances)} pelaksanaan, per {self.at:%d-%m-%Y %H:%M}"
        return MonitoringTable(
            title=f"Monitoring Pelaksanaan SOP AP: {self.procedure} ({periode})",
            rows=tuple(rows),
        )

    def text(self) -> str:
        """The whole report as readable lines."""
        lines = [f"Monitoring of {self.procedure!r} at {self.at:%Y-%m-%d %H:%M}: "
                 f"{len(self.instances)} instance(s), {len(self.overdue)} overdue step(s) now"]
        for s in self.steps:
            if s.problem:
                lines.append(f"  {s.step_id}: {s.problem}")
                continue
            share = "-" if s.late_share is None else f"{s.late_share:.0%}"
            extra = ""
            if s.late:
                extra = (f", late by {format_minutes(s.mean_late_by_minutes or 0, s.basis)} on "
                         f"average (max {format_minutes(s.max_late_by_minutes or 0, s.basis)})")
            lines.append(f"  {s.step_id} ({s.waktu}): {s.completions} done, {s.late} late "
                         f"({share}){extra}; overdue now: {len(s.overdue_now)}")
        return "\n".join(lines)

    _STEP_COLUMNS = ("row", "step_id", "activity", "waktu", "completions", "late",
                     "late_share", "mean_actual_minutes", "mean_late_by_minutes",
                     "overdue_now")

    def _step_rows(self) -> list[tuple[object, ...]]:
        return [(s.row, s.step_id, s.activity, s.waktu, s.completions, s.late, s.late_share,
                 s.mean_actual_minutes, s.mean_late_by_minutes, len(s.overdue_now))
                for s in self.steps]

    def to_pandas(self) -> Any:
        """One row per step: completions, late ones, means, and how many are overdue now."""
        from sopflow.notebook import to_frame

        return to_frame(self._STEP_COLUMNS, self._step_rows())

    def _repr_html_(self) -> str:
        from sopflow.notebook import html_table

        return html_table(self._STEP_COLUMNS, self._step_rows(),
                          f"Monitoring of {self.procedure!r} at {self.at:%Y-%m-%d %H:%M}: "
                          f"{len(self.instances)} instance(s), {len(self.overdue)} overdue now")


def _row(s: StepSummary, tolerance: float, assessor: str) -> MonitoringRow:
    notes: list[str] = []
    actions: list[str] = []
    bad = False
    pelaksana = " / ".join(s.actors)
    if s.problem is not None:
        notes.append(f"Mutu Baku waktu '{s.waktu}' tidak dapat diukur, ketepatan waktu tidak "
                     "dapat dinilai")
        actions.append("Tetapkan Mutu Baku waktu yang terukur (mis. '30 menit', '2 hari kerja')")
    elif s.completions:
        standard = format_minutes(s.standard_minutes or 0, s.basis)
        mean = format_minutes(s.mean_actual_minutes or 0, s.basis)
        if s.late:
            notes.append(
                f"{s.late} dari {s.completions} pelaksanaan melebihi Mutu Baku {s.waktu} "
                f"(rata-rata terlambat {format_minutes(s.mean_late_by_minutes or 0, s.basis)}, "
                f"paling lama {format_minutes(s.max_late_by_minutes or 0, s.basis)})"
            )
            if (s.late_share or 0) > tolerance:
                bad = True
                if (s.late_share or 0) >= 0.5:
                    actions.append(
                        f"Tinjau ulang Mutu Baku waktu ({standard}; rata-rata aktual {mean}) "
                        f"atau beban kerja {pelaksana}"
                    )
                else:
                    actions.append(f"Ingatkan {pelaksana} tentang Mutu Baku waktu {s.waktu}")
        else:
            notes.append(f"{s.completions} pelaksanaan, semua sesuai Mutu Baku {s.waktu} "
                         f"(rata-rata {mean})")
    if s.overdue_now:
        bad = True
        notes.append(f"{len(s.overdue_now)} pelaksanaan sedang terlambat "
                     f"({', '.join(s.overdue_now)})")
        actions.append(f"Tindak lanjuti langkah yang terlambat bersama {pelaksana}")
    if s.incomplete_inputs:
        bad = True
        notes.append(f"{s.incomplete_inputs} pelaksanaan dengan Kelengkapan tidak lengkap "
                     f"({', '.join(s.missing_items)})")
        actions.append(f"Pastikan Kelengkapan tersedia sebelum langkah dimulai: "
                       f"{', '.join(s.missing_items)}")
    if not s.completions and not s.overdue_now:
        penilaian = "-"
        notes.insert(0, "Belum ada pelaksanaan yang selesai")
    else:
        penilaian = TIDAK_BAIK if bad else BAIK
    if not actions:
        actions.append("Tidak ada" if penilaian == BAIK else "-")
    return MonitoringRow(
        no=s.row, prosedur=s.activity, penilaian=penilaian, catatan="; ".join(notes),
        tindakan="; ".join(actions), paraf=assessor,
    )


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def monitor(
    executor: Executor,
    *,
    instance_ids: Iterable[str] | None = None,
    at: datetime | None = None,
) -> MonitoringReport:
    """Monitor ``instance_ids`` (all the executor's instances by default) at ``at`` (the
    executor's clock by default)."""
    now = executor.clock() if at is None else at
    if instance_ids is None:
        from sopflow.runtime._bulk_monitor import all_reports, collector_paused

        with collector_paused():  # the reports and the summary hold no cycles
            reports = all_reports(executor, now)
            return _summarised(executor, now, reports)
    reports = [_instance_report(executor, executor.get(i), now) for i in instance_ids]
    return _summarised(executor, now, reports)


def _summarised(executor: Executor, now: datetime,
                reports: list[InstanceReport]) -> MonitoringReport:
    """The report of ``reports``: each step's completions, lateness and overdue instances."""
    by_step: dict[str, list[StepTiming]] = {}
    overdue_at: dict[str, list[str]] = {}
    for r in reports:  # one pass: group every timing and overdue step by step id
        for t in r.timings:
            by_step.setdefault(t.step_id, []).append(t)
        for o in r.overdue:
            overdue_at.setdefault(o.step_id, []).append(o.instance_id)
    steps = []
    for row, step in enumerate(executor.procedure.steps, start=1):
        standard = executor.standard(step.id)
        timings = by_step.get(step.id, [])
        late = [t for t in timings if t.late]
        overdue = tuple(overdue_at.get(step.id, ()))
        missing_counts: dict[str, int] = {}
        incomplete = 0
        for t in timings:
            if t.inputs_missing:
                incomplete += 1
                for item in t.inputs_missing:
                    missing_counts[item] = missing_counts.get(item, 0) + 1
        late_by = [t.late_by_minutes for t in late if t.late_by_minutes is not None]
        steps.append(StepSummary(
            row=row, step_id=step.id, activity=step.text, actors=step.actors, waktu=step.time,
            basis=standard.basis, standard_minutes=standard.high_minutes,
            problem=standard.problem, completions=len(timings), late=len(late),
            mean_actual_minutes=_mean([t.actual_minutes for t in timings
                                       if t.actual_minutes is not None]),
            mean_late_by_minutes=_mean(late_by),
            max_late_by_minutes=max(late_by) if late_by else None,
            overdue_now=overdue, incomplete_inputs=incomplete,
            missing_items=tuple(sorted(missing_counts, key=lambda k: (-missing_counts[k], k))),
        ))
    return MonitoringReport(procedure=executor.procedure.name, at=now, instances=tuple(reports),
                            steps=tuple(steps))


def scalar_reports(executor: Executor, now: datetime) -> list[InstanceReport]:
    """Every instance, one at a time with the calendar's scalar arithmetic: what
    ``_bulk_monitor.all_reports`` computes in bulk, kept as its oracle in the tests."""
    instances = {i.id: i for i in executor.instances()}
    reports = {}
    resolver = _Resolver(executor)
    for instance_id, events in itertools.groupby(executor.events(), lambda e: e.instance_id):
        instance = instances.get(instance_id)
        if instance is not None:
            # only the events up to the listed state, so state and log agree
            history = (e for e in events if e.seq < instance.event_count)
            reports[instance_id] = _report_from_events(executor, instance, history, now,
                                                       resolver)
    return [reports[i] for i in instances if i in reports]


def _instance_report(executor: Executor, instance: Instance, now: datetime) -> InstanceReport:
    return _report_from_events(executor, instance, executor.history(instance.id), now)


def _report_from_events(
    executor: Executor, instance: Instance, history: Iterable[Event], now: datetime,
    resolver: _Resolver | None = None,
) -> InstanceReport:
    """Each completed visit judged against the Waktu of the revision it ran on (an instance
    migrated half way changes revision at its INSTANCE_MIGRATED event)."""
    resolver = _Resolver(executor) if resolver is None else resolver
    activated: dict[tuple[str, int], datetime] = {}
    current: tuple[str, int] | None = None
    revision = instance.revision
    timings = []
    no_due: list[str] = []
    for event in history:
        if event.revision is not None:
            revision = event.revision
        if event.kind is EventKind.INSTANCE_MIGRATED and current is not None:
            moved = activated.pop(current, None)  # the active step continues under a new id
            if moved is not None and event.step_id is not None and event.visit is not None:
                current = (event.step_id, event.visit)
                activated[current] = moved
            continue
        if event.step_id is None or event.visit is None:
            continue
        key = (event.step_id, event.visit)
        if event.kind is EventKind.STEP_ACTIVATED:
            activated[key] = event.timestamp
            current = key
        elif event.kind is EventKind.STEP_COMPLETED and key in activated:
            try:
                timings.append(_timing(resolver, instance, event, activated[key], revision))
            except ExecutionError as error:  # a revision the store lacks, a renamed step
                no_due.append(f"{event.step_id}: {error}")
    overdue = _overdue_now(executor, instance, now, no_due)
    for t in timings:
        if t.problem is not None:
            no_due.append(f"{t.step_id}: {t.problem}")
    return InstanceReport(instance=instance, timings=tuple(timings), overdue=tuple(overdue),
                          no_due_time=tuple(dict.fromkeys(no_due)))


def _overdue_now(executor: Executor, instance: Instance, now: datetime,
                 no_due: list[str]) -> list[Any]:
    """The active steps of a running instance past their due time (those without one are
    added to ``no_due`` with the reason)."""
    overdue: list[Any] = []
    if instance.status not in (InstanceStatus.RUNNING, InstanceStatus.SUSPENDED):
        return overdue
    for active in instance.active:
        try:
            found = _overdue(executor, instance, active.step_id, active.visit,
                             active.activated_at, now)
        except ExecutionError as error:
            no_due.append(f"{active.step_id}: {error}")
            continue
        if isinstance(found, str):
            no_due.append(found)
        elif found is not None:
            overdue.append(found)
    return overdue


class _Resolver:
    """Each (revision, step)'s standard and definition, looked up once per report."""

    def __init__(self, executor: Executor) -> None:
        self.executor = executor
        self._cache: dict[tuple[str | None, str], tuple[Standard, Step]] = {}

    def get(self, revision: str | None, step_id: str) -> tuple[Standard, Step]:
        found = self._cache.get((revision, step_id))
        if found is None:
            ex = self.executor
            found = (ex.standard(step_id, revision=revision), ex.step(step_id, revision=revision))
            self._cache[revision, step_id] = found
        return found

    def minutes(self, basis: Basis | None, start: datetime, end: datetime) -> float | None:
        if basis is None:
            return None
        if basis is Basis.CALENDAR:
            return (end - start).total_seconds() / 60
        return self.executor.calendar.working_minutes_between(start, end)


def _timing(
    resolver: _Resolver, instance: Instance, event: Event, start: datetime,
    revision: str | None,
) -> StepTiming:
    step_id = event.step_id
    assert step_id is not None and event.visit is not None
    standard, step = resolver.get(revision, step_id)
    due = resolver.executor.due_at(step_id, start, revision=revision)
    late = None if due is None else event.timestamp > due
    missing = None if event.inputs_present is None else tuple(
        item for item in step.inputs if item not in event.inputs_present
    )
    late_by = None
    if late and due is not None:
        late_by = resolver.minutes(standard.basis, due, event.timestamp)
    elif late is False:
        late_by = 0.0
    return StepTiming(
        instance_id=instance.id, step_id=step_id, activity=event.activity or "",
        actors=event.actors, visit=event.visit, person=event.person, activated_at=start,
        completed_at=event.timestamp, waktu=standard.waktu, basis=standard.basis,
        standard_minutes=standard.high_minutes,
        actual_minutes=resolver.minutes(standard.basis, start, event.timestamp),
        due_at=due, late=late, late_by_minutes=late_by, inputs_missing=missing,
        problem=standard.problem,
    )


def _overdue(
    executor: Executor, instance: Instance, step_id: str, visit: int, activated_at: datetime,
    now: datetime,
) -> OverdueStep | str | None:
    revision = instance.revision
    standard = executor.standard(step_id, revision=revision)
    due = executor.due_at(step_id, activated_at, revision=revision)
    if due is None:
        return f"{step_id}: {standard.problem}"
    if due >= now or standard.basis is None:
        return None
    step = executor.step(step_id, revision=revision)
    return OverdueStep(
        instance_id=instance.id, step_id=step_id, activity=step.text, actors=step.actors,
        visit=visit, activated_at=activated_at, due_at=due,
        overdue_by_minutes=executor.elapsed(step_id, due, now, revision=revision) or 0.0,
        basis=standard.basis, suspended=instance.status is InstanceStatus.SUSPENDED,
    )
