"""The bulk paths against their scalar oracles: the calendar's elementwise functions against
the scalar ones, and monitoring every instance at once against the instance-by-instance
report, on random calendars, random visits and random runs (hypothesis)."""

from __future__ import annotations

import logging
import random
from datetime import date, datetime, time, timedelta
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from test_runtime import MONDAY, loop_procedure

from sopflow import Procedure
from sopflow.calendar import WorkingCalendar
from sopflow.interchange.json_format import from_dict, to_dict
from sopflow.procedure import compile_definition
from sopflow.runtime import (
    EventKind,
    Executor,
    FakeClock,
    MemoryStore,
    SQLiteStore,
    Store,
    monitor,
)
from sopflow.runtime._bulk_monitor import all_reports
from sopflow.runtime.monitoring import InstanceReport, scalar_reports


@st.composite
def day_hours(draw: st.DrawFn) -> tuple[tuple[time, time], ...]:
    count = draw(st.integers(0, 3))
    marks = sorted(draw(st.lists(st.integers(0, 24 * 4 - 1), min_size=2 * count,
                                 max_size=2 * count, unique=True)))
    return tuple((time(a // 4, a % 4 * 15), time(b // 4, b % 4 * 15))
                 for a, b in zip(marks[::2], marks[1::2], strict=True))


@st.composite
def calendars(draw: st.DrawFn) -> WorkingCalendar:
    week = tuple(draw(day_hours()) for _ in range(7))
    assume(any(week))
    holidays = draw(st.frozensets(st.dates(date(2024, 12, 1), date(2025, 8, 1)), max_size=30))
    country = draw(st.sampled_from([None, None, "ID"]))
    return WorkingCalendar(week_hours=week, holidays_country=country, extra_holidays=holidays)


instants = st.datetimes(datetime(2025, 1, 1), datetime(2025, 7, 1))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cal=calendars(), starts=st.lists(instants, min_size=1, max_size=25),
       spans=st.lists(st.integers(0, 90 * 24 * 60 * 60), min_size=25, max_size=25),
       minutes=st.lists(st.sampled_from([0, 0.25, 15, 30, 450, 451.5, 2700, 20000]),
                        min_size=25, max_size=25),
       days=st.sampled_from([0, 0.1, 0.5, 1, 1.5, 2, 3.25, 10, 40]))
def test_elementwise_calendar_equals_the_scalar_methods(
    cal: WorkingCalendar, starts: list[datetime], spans: list[int], minutes: list[float],
    days: float,
) -> None:
    ends = [s + timedelta(seconds=d) for s, d in zip(starts, spans, strict=False)]
    a = np.array(starts, dtype="datetime64[us]")
    b = np.array(ends, dtype="datetime64[us]")
    assert cal.working_minutes_between_each(a, b).tolist() == [
        cal.working_minutes_between(x, y) for x, y in zip(starts, ends, strict=True)]
    assert cal.working_minutes_between_each(b, a).tolist() == [
        cal.working_minutes_between(y, x) for x, y in zip(starts, ends, strict=True)]
    amounts = minutes[:len(starts)]
    assert cal.add_working_minutes_each(a, amounts).astype(object).tolist() == [
        cal.add_working_minutes(s, m) for s, m in zip(starts, amounts, strict=True)]
    assert cal.add_working_days_each(a, days).astype(object).tolist() == [
        cal.add_working_days(s, days) for s in starts]


def run_many(ex: Executor, clock: FakeClock, rng: random.Random, count: int) -> None:
    """``count`` instances at every stage, with gaps across nights, weekends and holidays;
    some suspended, some cancelled."""
    for k in range(count):
        ex.start(f"i{k}")
        for _ in range(rng.randrange(0, 9)):
            instance = ex.get(f"i{k}")
            if not instance.active:
                break
            clock.advance(minutes=rng.choice([1, 20, 90, 600, 1500, 4000, 12000]))
            step = instance.active[0].step_id
            labels = ex.answers(step)
            ex.complete(f"i{k}", step, by="P", answer=rng.choice(labels) if labels else None,
                        inputs_present=rng.choice([None, [], list(ex.step(step).inputs)]))
        instance = ex.get(f"i{k}")
        if not instance.finished and rng.random() < 0.15:
            ex.suspend(f"i{k}")
        elif not instance.finished and rng.random() < 0.1:
            ex.cancel(f"i{k}")


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cal=calendars(), seed=st.integers(0, 10**6), count=st.integers(1, 25),
       later=st.integers(0, 60 * 24 * 40))
def test_bulk_monitoring_equals_the_instance_by_instance_report(
    cal: WorkingCalendar, seed: int, count: int, later: int
) -> None:
    clock = FakeClock(MONDAY)
    ex = Executor(loop_procedure(), store=MemoryStore(), clock=clock, calendar=cal)
    run_many(ex, clock, random.Random(seed), count)
    now = clock() + timedelta(minutes=later)
    report = monitor(ex, at=now)
    assert list(report.instances) == scalar_reports(ex, now)
    one_by_one = monitor(ex, at=now, instance_ids=[i.id for i in ex.instances()])
    assert report == one_by_one


def test_bulk_monitoring_with_a_time_zone_and_a_sqlite_store(tmp_path: object) -> None:
    from zoneinfo import ZoneInfo

    zone = ZoneInfo("Asia/Makassar")
    cal = WorkingCalendar.indonesia(tz="Asia/Makassar")
    clock = FakeClock(MONDAY.replace(tzinfo=zone))
    with SQLiteStore(f"{tmp_path}/m.db") as store:
        ex = Executor(loop_procedure(), store=store, clock=clock, calendar=cal)
        run_many(ex, clock, random.Random(5), 40)
        now = clock() + timedelta(days=3)
        report = monitor(ex, at=now)
        assert list(report.instances) == scalar_reports(ex, now)
        assert any(t.late for r in report.instances for t in r.timings)
        assert report.overdue and all(o.due_at.tzinfo is not None for o in report.overdue)


def test_visits_past_the_last_year_fall_back_to_no_due_time() -> None:
    clock = FakeClock(datetime(9999, 12, 31, 8, 0))  # a Friday: "1 hari kerja" ends in 10000
    ex = Executor(loop_procedure(), store=MemoryStore(), clock=clock,
                  calendar=WorkingCalendar(holidays_country=None))
    for k in range(4):
        ex.start(f"i{k}")
        for _ in range(k):
            instance = ex.get(f"i{k}")
            clock.advance(minutes=30)
            step = instance.active[0].step_id
            labels = ex.answers(step)
            ex.complete(f"i{k}", step, by="P", answer=labels[0] if labels else None)
    report = monitor(ex)
    assert list(report.instances) == scalar_reports(ex, clock())
    assert any(t.due_at is None and t.basis is not None
               for r in report.instances for t in r.timings)


def test_reads_leave_the_garbage_collector_as_they_found_it(tmp_path: object) -> None:
    import gc

    clock = FakeClock(MONDAY)
    with SQLiteStore(f"{tmp_path}/gc.db") as store:
        ex = Executor(loop_procedure(), store=store, clock=clock)
        run_many(ex, clock, random.Random(1), 5)
        assert gc.isenabled()
        stream = ex.events()
        next(stream)  # a page decoded; the caller iterates with the collector on
        assert gc.isenabled()
        assert len(list(stream)) > 0 and gc.isenabled()
        monitor(ex)
        assert gc.isenabled()
        gc.disable()
        try:
            list(ex.events())
            monitor(ex)
            assert not gc.isenabled()  # the caller's choice stands
        finally:
            gc.enable()


class EventsOnly:
    """A store seen without its rows: the bulk monitor then walks the decoded events (the
    generic path, as for the in-memory store)."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def __getattr__(self, name: str) -> Any:
        if name == "_event_pages":
            raise AttributeError(name)
        return getattr(self._store, name)


def via_events(ex: Executor, now: datetime) -> list[InstanceReport]:
    """``all_reports`` walking the store's decoded events instead of its rows."""
    store = ex.store
    ex.store = EventsOnly(store)  # type: ignore[assignment]
    try:
        return all_reports(ex, now)
    finally:
        ex.store = store


def test_the_log_read_from_sql_rows_equals_the_decoded_events(
    tmp_path: object, caplog: pytest.LogCaptureFixture
) -> None:
    """The bulk monitor reads a SQL store's rows without building events: the same reports as
    from the decoded events, damaged rows logged and skipped alike, other SOPs in the store
    left out."""
    import sqlite3

    from test_runtime import reference_procedure

    path = f"{tmp_path}/rows.db"
    clock = FakeClock(MONDAY)
    with SQLiteStore(path) as store:
        ex = Executor(loop_procedure(), store=store, clock=clock)
        other = Executor(reference_procedure(), store=store, clock=clock)
        run_many(ex, clock, random.Random(3), 12)
        for k in range(5):
            other.start(f"x{k}")
            for _ in range(k):
                active = other.get(f"x{k}").active
                if active:
                    clock.advance(minutes=40)
                    labels = other.answers(active[0].step_id)
                    other.complete(f"x{k}", active[0].step_id, by="P",
                                   answer=labels[0] if labels else None)
        now = clock() + timedelta(days=2)
        intact = all_reports(ex, now)
        conn = sqlite3.connect(path)
        conn.execute("UPDATE events SET note = X'41' WHERE seq = 2 AND instance_id = "
                     "'i1'")
        conn.execute("UPDATE events SET actors = 'not json' WHERE seq = 1 AND instance_id = "
                     "'i2'")
        conn.execute("UPDATE events SET kind = 'nonsense' WHERE seq = 3 AND instance_id = "
                     "'i2'")
        conn.commit()
        conn.close()
        with caplog.at_level(logging.WARNING, logger="sopflow.runtime"):
            expected = via_events(ex, now)
            assert len(caplog.records) == 3  # the three damaged rows
            damaged = all_reports(ex, now)
            assert damaged == expected
            assert len(caplog.records) == 6
        assert damaged != intact  # the damaged rows mattered
        assert [r.instance.id for r in damaged] == [i.id for i in ex.instances()]
        assert list(monitor(other, at=now).instances) == scalar_reports(other, now)


def revised(procedure: Procedure, rng: random.Random) -> tuple[Procedure, dict[str, str]]:
    """A revision of ``procedure``: some step ids renamed, some Waktu changed (one of them to
    a Waktu that cannot be read)."""
    data: dict[str, Any] = to_dict(procedure.definition)
    mapping = {s["id"]: (f"r_{s['id']}" if rng.random() < 0.5 else s["id"])
               for s in data["steps"]}
    times = ["5 menit", "45 menit", "2 jam", "1 hari kerja", "3 hari kalender", "2x24 jam",
             "segera"]
    for k, step in enumerate(data["steps"]):
        step["id"] = mapping[step["id"]]
        if k == 0 or rng.random() < 0.5:  # the first always: a new revision
            step["time"] = rng.choice([t for t in times if t != step["time"]])
        for exit_ in step["exits"]:
            exit_["target"] = mapping.get(exit_["target"], exit_["target"])
    if data.get("start") in mapping:
        data["start"] = mapping[data["start"]]
    return compile_definition(from_dict(data), strict=False), mapping


def advance(ex: Executor, clock: FakeClock, rng: random.Random, iid: str, moves: int) -> None:
    for _ in range(moves):
        instance = ex.get(iid)
        if not instance.active:
            return
        clock.advance(minutes=rng.choice([1, 20, 90, 600, 1500, 4000]))
        step = instance.active[0].step_id
        labels = ex.answers(step, revision=instance.revision)
        items = list(ex.step(step, revision=instance.revision).inputs)
        ex.complete(iid, step, by="P", answer=rng.choice(labels) if labels else None,
                    inputs_present=rng.choice([None, [], items, items[:1]]))


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10**6), count=st.integers(1, 12),
       revisions=st.integers(1, 3), later=st.integers(0, 60 * 24 * 20),
       page=st.sampled_from([1, 3, 2000]))
def test_bulk_monitoring_across_migrations_and_revised_waktu(
    tmp_path_factory: pytest.TempPathFactory, seed: int, count: int, revisions: int,
    later: int, page: int,
) -> None:
    """Instances started on several revisions of an SOP (ids renamed, Waktu changed), some
    migrated half way, some twice: the bulk report from a SQLite store's rows equals the
    instance-by-instance oracle and the walk over the decoded events, across page
    boundaries."""
    from sopflow.runtime import _sql

    rng = random.Random(seed)
    clock = FakeClock(MONDAY)
    path = tmp_path_factory.mktemp("rev") / "m.db"
    was = _sql._EVENT_PAGE
    _sql._EVENT_PAGE = page
    try:
        with SQLiteStore(path) as store:
            procedure = loop_procedure()
            ex = Executor(procedure, store=store, clock=clock)
            started = 0
            for _ in range(revisions):
                for _ in range(count):
                    ex.start(f"i{started}")
                    advance(ex, clock, rng, f"i{started}", rng.randrange(0, 6))
                    started += 1
                ex.start(f"i{started}")  # at its first step: it will migrate
                started += 1
                procedure, mapping = revised(procedure, rng)
                ex = Executor(procedure, store=store, clock=clock)
                for k in range(started):
                    if rng.random() < 0.5:
                        advance(ex, clock, rng, f"i{k}", rng.randrange(0, 3))
                clock.advance(minutes=30)
                ex.migrate(steps=mapping, by="Admin")
                for k in range(started):
                    advance(ex, clock, rng, f"i{k}", rng.randrange(0, 3))
            now = clock() + timedelta(minutes=later)
            bulk = all_reports(ex, now)
            assert bulk == scalar_reports(ex, now)
            assert bulk == via_events(ex, now)
            assert any(e.kind is EventKind.INSTANCE_MIGRATED for e in ex.events())
            assert monitor(ex, at=now) == monitor(ex, at=now, instance_ids=[
                i.id for i in ex.instances()])
    finally:
        _sql._EVENT_PAGE = was
