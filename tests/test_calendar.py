"""Tests of the working calendar: civil-service hours, 2025 holidays, edges, round trips."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import attrs
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sopflow.calendar import (
    EXTRA_HOLIDAY_NAME,
    INDONESIA_RAMADAN_WEEK_HOURS,
    INDONESIA_WEEK_HOURS,
    SpecialHours,
    WorkingCalendar,
)

CAL = WorkingCalendar()
RAMADAN_2025 = (date(2025, 3, 1), date(2025, 3, 30))  # 1 Ramadan 1446 H .. eve of Idul Fitri
CAL_RAMADAN = WorkingCalendar.indonesia(ramadan=[RAMADAN_2025])
FAST = settings(max_examples=100, deadline=None)

# A working moment or not, anywhere from December 2024 to January 2026, to the minute.
starts = st.datetimes(min_value=datetime(2024, 12, 1), max_value=datetime(2026, 1, 31)).map(
    lambda dt: dt.replace(second=0, microsecond=0)
)


def dt(text: str) -> datetime:
    return datetime.fromisoformat(text)


# --------------------------------------------------------------------------- a brute-force model


def model_add(cal: WorkingCalendar, start: datetime, minutes: int) -> datetime:
    """Walk day by day through the calendar's intervals (integer minutes only)."""
    day = start.date()
    left = minutes
    while True:
        for a, b in cal.working_hours_on(day):
            lo = max(start, datetime.combine(day, a))
            hi = datetime.combine(day, b)
            if lo >= hi:
                continue
            if left == 0:
                return lo
            available = (hi - lo) // timedelta(minutes=1)
            if left <= available:
                return lo + timedelta(minutes=left)
            left -= available
        day += timedelta(days=1)


def model_between(cal: WorkingCalendar, a: datetime, b: datetime) -> float:
    total = timedelta()
    day = a.date()
    while day <= b.date():
        for s, e in cal.working_hours_on(day):
            lo = max(a, datetime.combine(day, s))
            hi = min(b, datetime.combine(day, e))
            if hi > lo:
                total += hi - lo
        day += timedelta(days=1)
    return total / timedelta(minutes=1)


# --------------------------------------------------------------------------- hours per day


def test_regular_week_is_37_5_hours_in_five_days() -> None:
    week = [date(2025, 1, 13) + timedelta(days=i) for i in range(7)]  # no holidays that week
    assert [CAL.working_minutes_on(d) for d in week] == [450.0] * 5 + [0.0, 0.0]
    assert sum(CAL.working_minutes_on(d) for d in week) == 37.5 * 60
    assert CAL.working_hours_on(date(2025, 1, 17)) == (
        (time(7, 30), time(11, 30)),
        (time(13, 0), time(16, 30)),
    )


def test_ramadan_week_is_32_5_hours_starting_at_08_00() -> None:
    week = [date(2025, 3, 3) + timedelta(days=i) for i in range(7)]
    assert [CAL_RAMADAN.working_minutes_on(d) for d in week] == [390.0] * 5 + [0.0, 0.0]
    assert CAL_RAMADAN.next_working_moment(dt("2025-03-03 07:45")) == dt("2025-03-03 08:00")
    assert CAL_RAMADAN.working_minutes_between(dt("2025-03-03 08:00"), dt("2025-03-10 08:00")) == (
        32.5 * 60
    )
    # outside the range the regular hours apply
    assert CAL_RAMADAN.working_minutes_on(date(2025, 2, 28)) == 450.0
    assert CAL_RAMADAN.special_hours[0].week_hours == INDONESIA_RAMADAN_WEEK_HOURS


HOLIDAYS_2025 = [
    (date(2025, 3, 31), "Hari Raya Idul Fitri"),
    (date(2025, 4, 1), "Hari kedua dari Hari Raya Idul Fitri"),
    (date(2025, 4, 2), "Cuti Bersama Hari Raya Idul Fitri"),
    (date(2025, 4, 3), "Cuti Bersama Hari Raya Idul Fitri"),
    (date(2025, 4, 4), "Cuti Bersama Hari Raya Idul Fitri"),
    (date(2025, 4, 7), "Cuti Bersama Hari Raya Idul Fitri"),
    (date(2025, 1, 27), "Isra Mikraj Nabi Muhammad"),
    (date(2025, 1, 28), "Cuti Bersama Tahun Baru Imlek"),
]


@pytest.mark.parametrize(("day", "name"), HOLIDAYS_2025)
def test_2025_holidays_and_cuti_bersama_are_days_off(day: date, name: str) -> None:
    assert day.weekday() < 5
    assert not CAL.is_working_day(day)
    assert CAL.working_minutes_on(day) == 0.0
    assert CAL.holiday_name(day) == name


def test_ordinary_monday_is_a_working_day() -> None:
    monday = date(2025, 1, 20)
    assert monday.weekday() == 0
    assert CAL.is_working_day(monday)
    assert CAL.holiday_name(monday) is None


def test_weekend_holiday_is_named_and_weekend_is_off() -> None:
    assert CAL.holiday_name(date(2025, 8, 17)) == "Hari Kemerdekaan Republik Indonesia"
    assert not CAL.is_working_day(date(2025, 1, 18))
    assert CAL.holiday_name(date(2025, 1, 18)) is None


def test_without_cuti_bersama_only_public_holidays_are_off() -> None:
    cal = WorkingCalendar(include_cuti_bersama=False)
    assert cal.is_working_day(date(2025, 4, 2))
    assert cal.holiday_name(date(2025, 4, 2)) is None
    assert not cal.is_working_day(date(2025, 3, 31))
    assert cal.add_working_minutes(dt("2025-03-27 15:00"), 120) == dt("2025-03-28 08:30")


def test_without_country_no_holidays() -> None:
    cal = WorkingCalendar(holidays_country=None)
    assert cal.is_working_day(date(2025, 3, 31))
    assert cal.holiday_name(date(2025, 3, 31)) is None


def test_extra_holiday_is_honoured() -> None:
    cal = WorkingCalendar(extra_holidays={date(2025, 1, 21)})
    assert not cal.is_working_day(date(2025, 1, 21))
    assert cal.holiday_name(date(2025, 1, 21)) == EXTRA_HOLIDAY_NAME
    assert cal.add_working_minutes(dt("2025-01-20 15:00"), 120) == dt("2025-01-22 08:30")
    assert CAL.add_working_minutes(dt("2025-01-20 15:00"), 120) == dt("2025-01-21 08:30")
    # an extra holiday that is already a holiday keeps the package's name
    cal = WorkingCalendar(extra_holidays={date(2025, 3, 31)})
    assert cal.holiday_name(date(2025, 3, 31)) == "Hari Raya Idul Fitri"


def test_extra_working_day_overrides_cuti_bersama_and_weekend() -> None:
    cal = WorkingCalendar(extra_working_days={date(2025, 4, 2), date(2025, 1, 25)})
    assert cal.is_working_day(date(2025, 4, 2))
    assert cal.holiday_name(date(2025, 4, 2)) is None
    assert cal.working_minutes_on(date(2025, 4, 2)) == 450.0
    # Saturday 25 January 2025 gets the Monday-Thursday hours
    assert cal.working_hours_on(date(2025, 1, 25)) == INDONESIA_WEEK_HOURS[0]
    assert cal.add_working_minutes(dt("2025-01-24 16:00"), 60) == dt("2025-01-25 08:00")
    assert cal.add_working_minutes(dt("2025-03-27 15:00"), 120) == dt("2025-04-02 08:30")


def test_extra_working_day_in_ramadan_uses_ramadan_hours() -> None:
    cal = WorkingCalendar.indonesia(ramadan=[RAMADAN_2025], extra_working_days={date(2025, 3, 28)})
    assert cal.working_hours_on(date(2025, 3, 28)) == INDONESIA_RAMADAN_WEEK_HOURS[4]


# --------------------------------------------------------------------------- adding minutes

ADD_CASES = [
    # weekend and outside-hours starts roll forward
    ("2025-01-18 10:00", 0, "2025-01-20 07:30"),
    ("2025-01-18 10:00", 60, "2025-01-20 08:30"),
    ("2025-01-20 06:00", 30, "2025-01-20 08:00"),
    ("2025-01-20 12:30", 30, "2025-01-20 13:30"),
    ("2025-01-20 12:00", 0, "2025-01-20 13:00"),
    ("2025-01-20 17:00", 0, "2025-01-21 07:30"),
    # Friday: inside hours 0 minutes stays; at closing it is the next working day (the
    # following Monday 27 Jan is Isra Mikraj, 28 Jan cuti bersama, 29 Jan Imlek)
    ("2025-01-24 15:30", 0, "2025-01-24 15:30"),
    ("2025-01-24 16:30", 0, "2025-01-30 07:30"),
    ("2025-01-24 11:00", 60, "2025-01-24 13:30"),
    # work ending exactly at the end of an interval ends there
    ("2025-01-20 07:30", 450, "2025-01-20 16:00"),
    ("2025-01-20 07:30", 270, "2025-01-20 12:00"),
    ("2025-01-20 15:00", 61, "2025-01-21 07:31"),
    ("2025-01-20 07:30", 2250, "2025-01-24 16:30"),
    ("2025-01-20 07:30", 0.5, "2025-01-20 07:30:30"),
    # across Nyepi and Idul Fitri with its cuti bersama: 28 Mar .. 7 Apr 2025 are off
    ("2025-03-27 15:00", 60, "2025-03-27 16:00"),
    ("2025-03-27 15:00", 120, "2025-04-08 08:30"),
    ("2025-03-27 15:00", 450, "2025-04-08 15:00"),
    # across the new year: 1 Jan 2026 is a holiday, 2 Jan 2026 a Friday
    ("2025-12-31 15:00", 120, "2026-01-02 08:30"),
]


@pytest.mark.parametrize(("start", "minutes", "expected"), ADD_CASES)
def test_add_working_minutes(start: str, minutes: float, expected: str) -> None:
    assert CAL.add_working_minutes(dt(start), minutes) == dt(expected)


@pytest.mark.parametrize(("start", "minutes", "expected"), ADD_CASES)
def test_add_working_minutes_many_matches_table(start: str, minutes: float, expected: str) -> None:
    got = CAL.add_working_minutes_many(dt(start), np.array([minutes]))
    assert got.dtype == np.dtype("datetime64[us]")
    assert got[0] == np.datetime64(dt(expected), "us")


@pytest.mark.parametrize(
    ("a", "b", "minutes"),
    [
        ("2025-03-27 08:00", "2025-04-08 08:00", 450.0),
        ("2025-04-08 08:00", "2025-03-27 08:00", -450.0),
        ("2025-01-18 00:00", "2025-01-19 23:59", 0.0),
        ("2025-01-13 00:00", "2025-01-20 00:00", 2250.0),
        ("2025-01-20 11:00", "2025-01-20 14:00", 120.0),
        ("2025-12-31 15:00", "2026-01-02 08:30", 120.0),
        ("2025-01-01 00:00", "2026-01-01 00:00", 237 * 450.0),
    ],
)
def test_working_minutes_between(a: str, b: str, minutes: float) -> None:
    assert CAL.working_minutes_between(dt(a), dt(b)) == minutes


def test_2025_has_237_working_days() -> None:
    days = [date(2025, 1, 1) + timedelta(days=i) for i in range(365)]
    working = [d for d in days if CAL.is_working_day(d)]
    weekdays = [d for d in days if d.weekday() < 5]
    # 261 weekdays less 24 weekday holidays and cuti bersama (Keppres 2/2025 as in holidays 0.109)
    assert len(weekdays) == 261
    assert len(working) == 237
    assert all(CAL.holiday_name(d) for d in weekdays if d not in working)


# --------------------------------------------------------------------------- adding days


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        ("2025-01-20 07:30", 5, "2025-01-24 16:30"),
        ("2025-01-20 07:30", 1, "2025-01-20 16:00"),
        ("2025-01-23 10:00", 1, "2025-01-24 10:00"),
        ("2025-01-24 10:00", 1, "2025-01-30 10:00"),
        ("2025-01-20 10:00", 0.5, "2025-01-20 14:45"),
        ("2025-01-18 10:00", 0, "2025-01-20 07:30"),
        ("2025-03-27 15:00", 1, "2025-04-08 15:00"),
    ],
)
def test_add_working_days(start: str, days: float, expected: str) -> None:
    assert CAL.add_working_days(dt(start), days) == dt(expected)


def test_add_working_days_counts_each_day_by_its_own_hours() -> None:
    # Friday 28 Feb 2025 10:00 is a third through a regular day; Monday 3 March is a Ramadan
    # day of 390 minutes from 08:00, a third of which is 130 minutes: 10:10
    assert CAL_RAMADAN.add_working_days(dt("2025-02-28 10:00"), 1) == dt("2025-03-03 10:10")
    assert CAL_RAMADAN.add_working_days(dt("2025-03-03 08:00"), 5) == dt("2025-03-07 15:30")


@FAST
@given(start=starts, quarters=st.integers(min_value=0, max_value=4 * 300))
def test_add_working_days_equals_minutes_when_days_are_equal(
    start: datetime, quarters: int
) -> None:
    days = quarters / 4
    assert CAL.add_working_days(start, days) == CAL.add_working_minutes(start, days * 450)


# --------------------------------------------------------------------------- properties


@FAST
@given(start=starts, minutes=st.integers(min_value=0, max_value=40_000))
def test_add_then_between_round_trip_exactly(start: datetime, minutes: int) -> None:
    end = CAL.add_working_minutes(start, minutes)
    assert CAL.working_minutes_between(start, end) == minutes


@FAST
@given(start=starts, minutes=st.floats(min_value=0, max_value=40_000, allow_nan=False))
def test_add_then_between_round_trip_to_the_microsecond(start: datetime, minutes: float) -> None:
    end = CAL.add_working_minutes(start, minutes)
    assert CAL.working_minutes_between(start, end) == pytest.approx(minutes, abs=1e-6 / 60)


@FAST
@given(start=starts, minutes=st.integers(min_value=0, max_value=20_000))
def test_add_agrees_with_day_by_day_model(start: datetime, minutes: int) -> None:
    end = CAL_RAMADAN.add_working_minutes(start, minutes)
    assert end == model_add(CAL_RAMADAN, start, minutes)
    assert CAL_RAMADAN.working_minutes_between(start, end) == model_between(CAL_RAMADAN, start, end)


@FAST
@given(start=starts, a=st.integers(0, 20_000), b=st.integers(0, 20_000))
def test_add_is_monotone_and_never_before_start(start: datetime, a: int, b: int) -> None:
    lo, hi = sorted((a, b))
    first, second = CAL.add_working_minutes(start, lo), CAL.add_working_minutes(start, hi)
    assert start <= first <= second


@FAST
@given(start=starts, a=st.integers(1, 20_000), b=st.integers(1, 20_000))
def test_positive_additions_compose(start: datetime, a: int, b: int) -> None:
    assert CAL.add_working_minutes(CAL.add_working_minutes(start, a), b) == (
        CAL.add_working_minutes(start, a + b)
    )


# --------------------------------------------------------------------------- vectorised


@pytest.mark.parametrize(
    "start", ["2025-01-18 10:00", "2025-03-27 15:00", "2025-12-31 16:00", "2025-01-20 12:17:03"]
)
def test_vectorised_equals_scalar_on_random_samples(start: str) -> None:
    rng = np.random.default_rng(20250120)
    samples = np.concatenate(
        [
            rng.exponential(2_000.0, 300),
            rng.uniform(0, 3 * 237 * 450.0, 100),  # up to about three years
            rng.integers(0, 20, 50) * 450.0,  # whole working days: ends on day ends
            np.array([0.0, 1e-9, 0.5, 270.0, 450.0]),
        ]
    )
    got = CAL_RAMADAN.add_working_minutes_many(dt(start), samples)
    expected = np.array(
        [CAL_RAMADAN.add_working_minutes(dt(start), float(m)) for m in samples],
        dtype="datetime64[us]",
    )
    np.testing.assert_array_equal(got, expected)


def test_vectorised_keeps_shape_and_accepts_lists() -> None:
    got = CAL.add_working_minutes_many(dt("2025-01-20 07:30"), [[0, 450], [451, 2250]])
    assert got.shape == (2, 2)
    assert got[1, 0] == np.datetime64("2025-01-21T07:31")
    assert CAL.add_working_minutes_many(dt("2025-01-20 07:30"), []).shape == (0,)


@pytest.mark.parametrize("bad", [-1.0, float("nan"), float("inf")])
def test_vectorised_rejects_bad_durations_naming_the_index(bad: float) -> None:
    with pytest.raises(ValueError, match=r"minutes\[2\]"):
        CAL.add_working_minutes_many(dt("2025-01-20 07:30"), [1.0, 2.0, bad])


# --------------------------------------------------------------------------- time zones


def test_time_zone_converts_aware_datetimes() -> None:
    cal = WorkingCalendar(tz="Asia/Jakarta")
    start = datetime(2025, 1, 20, 0, 30, tzinfo=UTC)  # 07:30 WIB
    end = cal.add_working_minutes(start, 60)
    assert end == datetime(2025, 1, 20, 8, 30, tzinfo=ZoneInfo("Asia/Jakarta"))
    assert end.astimezone(UTC) == datetime(2025, 1, 20, 1, 30, tzinfo=UTC)
    assert cal.working_minutes_between(start, end) == 60.0
    many = cal.add_working_minutes_many(start, [60.0])
    assert many[0] == np.datetime64("2025-01-20T08:30")  # wall-clock time in WIB


def test_naive_and_aware_mismatch_is_rejected() -> None:
    with pytest.raises(ValueError, match="naive but the calendar has tz='Asia/Jakarta'"):
        WorkingCalendar(tz="Asia/Jakarta").add_working_minutes(dt("2025-01-20 07:30"), 1)
    with pytest.raises(ValueError, match="timezone-aware but the calendar has tz=None"):
        CAL.add_working_minutes(datetime(2025, 1, 20, tzinfo=UTC), 1)


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"week_hours": INDONESIA_WEEK_HOURS[:6]}, "expected 7 days"),
        ({"week_hours": ((("09:00", "08:00"),),) + ((),) * 6}, r"week_hours\[0\] \(Monday\)"),
        (
            {"week_hours": ((("08:00", "12:00"), ("11:00", "13:00")),) + ((),) * 6},
            "interval 1: starts at 11:00:00, before the previous interval ends at 12:00:00",
        ),
        ({"week_hours": ((("8 am", "12:00"),),) + ((),) * 6}, "'8 am' is not a time"),
        ({"week_hours": ((),) * 7}, "no day of the week has working hours"),
        (
            {"extra_holidays": {date(2025, 1, 2)}, "extra_working_days": {date(2025, 1, 2)}},
            "both in extra_holidays and extra_working_days: 2025-01-02",
        ),
        (
            {"extra_working_days": {date(2025, 1, 25)}, "extra_working_day_hours": None},
            "2025-01-25 is a Saturday with no regular hours",
        ),
        ({"extra_holidays": {datetime(2025, 1, 2)}}, r"extra_holidays: expected a datetime\.date"),
        ({"holidays_country": "XX"}, "'XX' is not known"),
        ({"holidays_country": "DE"}, "set include_cuti_bersama=False"),
        ({"holidays_language": "xx"}, "holidays_language 'xx' is not available for 'ID'"),
        ({"tz": "Asia/Nowhere"}, "not a known time zone"),
        (
            {
                "special_hours": [
                    SpecialHours(
                        start=date(2025, 3, 1),
                        end=date(2025, 3, 30),
                        week_hours=INDONESIA_RAMADAN_WEEK_HOURS,
                        name="Ramadan",
                    ),
                    SpecialHours(
                        start=date(2025, 3, 30),
                        end=date(2025, 4, 5),
                        week_hours=INDONESIA_WEEK_HOURS,
                        name="Other",
                    ),
                ]
            },
            "Ramadan .* overlaps Other",
        ),
    ],
)
def test_bad_configuration_is_rejected_with_a_clear_message(
    kwargs: dict[str, object], message: str
) -> None:
    with pytest.raises((ValueError, TypeError), match=message):
        WorkingCalendar(**kwargs)  # type: ignore[arg-type]


def test_other_countries_work_without_cuti_bersama() -> None:
    cal = WorkingCalendar(holidays_country="DE", include_cuti_bersama=False)
    assert not cal.is_working_day(date(2025, 10, 3))


def test_special_hours_end_before_start_is_rejected() -> None:
    with pytest.raises(ValueError, match="end 2025-03-01 is before start 2025-03-30"):
        SpecialHours(start=date(2025, 3, 30), end=date(2025, 3, 1), week_hours=INDONESIA_WEEK_HOURS)


@pytest.mark.parametrize("bad", [-1, float("nan"), float("inf"), True, "5"])
def test_bad_durations_are_rejected(bad: object) -> None:
    with pytest.raises((ValueError, TypeError), match="minutes must be"):
        CAL.add_working_minutes(dt("2025-01-20 07:30"), bad)  # type: ignore[arg-type]
    with pytest.raises((ValueError, TypeError), match="days must be"):
        CAL.add_working_days(dt("2025-01-20 07:30"), bad)  # type: ignore[arg-type]


def test_dates_and_datetimes_are_not_confused() -> None:
    with pytest.raises(TypeError, match=r"expected a datetime\.date"):
        CAL.is_working_day(datetime(2025, 1, 20, 8))
    with pytest.raises(TypeError, match="start must be a datetime"):
        CAL.add_working_minutes(date(2025, 1, 20), 5)  # type: ignore[arg-type]


def test_hours_may_be_given_as_strings() -> None:
    cal = WorkingCalendar(week_hours=[[("07:30", "12:00"), ("13:00", "16:00")]] * 5 + [[], []])
    assert cal.working_hours_on(date(2025, 1, 24)) == INDONESIA_WEEK_HOURS[0]


# --------------------------------------------------------------------------- the value object


def test_calendar_is_frozen_hashable_and_compares_by_value() -> None:
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        CAL.tz = "Asia/Jakarta"  # type: ignore[misc]
    fresh = WorkingCalendar()
    assert fresh == CAL and hash(fresh) == hash(CAL)  # a warm cache does not change equality
    assert WorkingCalendar.indonesia() == fresh
    other = attrs.evolve(CAL, extra_holidays={date(2025, 1, 21)})
    assert other != CAL
    assert not other.is_working_day(date(2025, 1, 21))


def test_holidays_are_computed_once_per_year(monkeypatch: pytest.MonkeyPatch) -> None:
    import holidays

    cal = WorkingCalendar()
    calls: list[object] = []
    real = holidays.country_holidays

    def counting(*args: object, **kwargs: object) -> object:
        calls.append(kwargs.get("years"))
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(holidays, "country_holidays", counting)
    for _ in range(3):
        cal.add_working_minutes(dt("2025-03-27 15:00"), 450)
        cal.add_working_minutes_many(dt("2025-03-27 15:00"), [1.0, 450.0])
        cal.holiday_name(date(2025, 4, 2))
        cal.working_minutes_between(dt("2025-01-01 00:00"), dt("2025-12-31 00:00"))
    assert calls == [2025]


def test_importing_the_module_imports_neither_holidays_nor_numpy() -> None:
    code = (
        "import sys, sopflow.calendar\n"
        "assert 'holidays' not in sys.modules, 'holidays imported'\n"
        "assert 'numpy' not in sys.modules, 'numpy imported'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_durations_past_year_9999_fail_fast() -> None:
    with pytest.raises(OverflowError, match="beyond year 9999"):
        CAL.add_working_minutes(dt("2025-01-20 07:30"), 1e10)
    with pytest.raises(OverflowError, match="beyond year 9999"):
        CAL.add_working_minutes_many(dt("2025-01-20 07:30"), [1.0, 1e10])


def test_calendar_survives_pickling_with_a_warm_cache() -> None:
    import pickle

    cal = WorkingCalendar.indonesia(ramadan=[RAMADAN_2025])
    cal.add_working_minutes_many(dt("2025-03-27 15:00"), [450.0])
    copy = pickle.loads(pickle.dumps(cal))
    assert copy == cal
    # 27 March 2025 is a Ramadan Thursday, closing at 15:00: all 450 minutes fall on 8 April
    assert copy.add_working_minutes(dt("2025-03-27 15:00"), 450) == dt("2025-04-08 16:00")
