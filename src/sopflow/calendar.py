"""A working calendar: civil-service working hours, national holidays and cuti bersama.

The simulator measures work in *working minutes*; the executor needs the calendar date by
which an active step is due. Both convert between the two with one :class:`WorkingCalendar`.

Default hours (Indonesian civil service)
----------------------------------------
Perpres 21/2023 (Hari dan Jam Kerja Instansi Pemerintah dan Pegawai ASN) fixes five working
days a week, 37 h 30 min of work a week not counting breaks, a start at 07.30 local time, a
break of 60 minutes (90 minutes on Friday), and in Ramadan 32 h 30 min a week from 08.00 with a
30-minute break (60 minutes on Friday). It does not fix when the break is taken; the defaults
below use the times civil servants have long kept (and the MenPANRB Ramadan circulars gave):

====================  ==========================  ==========================
                      Monday - Thursday           Friday
====================  ==========================  ==========================
regular (7.5 h/day)   07.30-12.00, 13.00-16.00    07.30-11.30, 13.00-16.30
Ramadan (6.5 h/day)   08.00-12.00, 12.30-15.00    08.00-11.30, 12.30-15.30
====================  ==========================  ==========================

Ramadan dates change every year and are set by the government (sidang isbat), so they are not
guessed: pass them with ``WorkingCalendar.indonesia(ramadan=[(first_day, last_day)])``, or give
any other date range its own hours with :class:`SpecialHours`.

Holidays come from the ``holidays`` package: the "public" category (libur nasional) and, for
Indonesia, the "government" category, which holds the cuti bersama days.

Semantics (all times are local wall-clock times)
------------------------------------------------
* Working intervals are half-open, ``[start, end)``: 16.00 on a Monday is not a working moment.
* A start outside working hours (before 07.30, in the break, after hours, on a weekend or a
  holiday) is first moved to the next working moment.
* Adding 0 minutes returns that next working moment: 0 minutes from Friday 15.30 is Friday
  15.30, 0 minutes from Friday 16.30 is the next working day's 07.30.
* Adding a positive duration returns the *earliest* moment at which that much work is done, so
  work that ends exactly at the end of an interval ends there: 450 minutes from Monday 07.30
  end on Monday 16.00, not on Tuesday 07.30 (and 270 minutes end at 12.00, not at 13.00).
* Durations are rounded to whole microseconds (``datetime``'s resolution), the same way in the
  scalar and the vectorised functions, so both give identical results.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta, tzinfo
from numbers import Real
from typing import TYPE_CHECKING, Any

import attrs

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

__all__ = [
    "EXTRA_HOLIDAY_NAME",
    "INDONESIA_RAMADAN_WEEK_HOURS",
    "INDONESIA_WEEK_HOURS",
    "DayHours",
    "SpecialHours",
    "WeekHours",
    "WorkingCalendar",
]

Interval = tuple[time, time]
"""One working interval of a day, ``(start, end)``, end excluded."""
DayHours = tuple[Interval, ...]
"""The working intervals of one day, in order, not overlapping; empty for a day off."""
WeekHours = tuple[DayHours, ...]
"""Seven :data:`DayHours`, Monday (index 0) to Sunday (index 6)."""

_WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

_REGULAR_MON_THU: DayHours = ((time(7, 30), time(12, 0)), (time(13, 0), time(16, 0)))
_REGULAR_FRI: DayHours = ((time(7, 30), time(11, 30)), (time(13, 0), time(16, 30)))
_RAMADAN_MON_THU: DayHours = ((time(8, 0), time(12, 0)), (time(12, 30), time(15, 0)))
_RAMADAN_FRI: DayHours = ((time(8, 0), time(11, 30)), (time(12, 30), time(15, 30)))

INDONESIA_WEEK_HOURS: WeekHours = (*(_REGULAR_MON_THU,) * 4, _REGULAR_FRI, (), ())
"""Civil-service hours, 37.5 h a week (Perpres 21/2023); see the module docstring."""
INDONESIA_RAMADAN_WEEK_HOURS: WeekHours = (*(_RAMADAN_MON_THU,) * 4, _RAMADAN_FRI, (), ())
"""Civil-service hours in Ramadan, 32.5 h a week (Perpres 21/2023)."""

EXTRA_HOLIDAY_NAME = "Hari libur tambahan"
"""Name :meth:`WorkingCalendar.holiday_name` gives a user-added holiday the package lacks."""

_US_PER_MINUTE = 60_000_000
_US_PER_DAY = 86_400_000_000
_DATETIME_ORIGIN = datetime(1, 1, 1)  # microsecond count 0; date ordinal 1
_UNIX_EPOCH_US = (date(1970, 1, 1).toordinal() - 1) * _US_PER_DAY
_MAX_YEAR = date.max.year


# --------------------------------------------------------------------------- converters


def _to_time(value: object, where: str) -> time:
    if isinstance(value, time):
        if value.tzinfo is not None:
            raise ValueError(f"{where}: time {value} must be naive (local wall-clock time)")
        return value
    if isinstance(value, str):
        try:
            return time.fromisoformat(value)
        except ValueError:
            raise ValueError(f"{where}: {value!r} is not a time such as '07:30'") from None
    raise TypeError(f"{where}: expected a datetime.time or 'HH:MM', got {type(value).__name__}")


def _to_day_hours(value: Any, where: str) -> DayHours:
    """Normalise one day's intervals to a tuple of ``(time, time)`` and check their order."""
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        raise TypeError(f"{where}: expected a sequence of (start, end) pairs, got {value!r}")
    out: list[Interval] = []
    for i, pair in enumerate(value):
        here = f"{where} interval {i}"
        if isinstance(pair, str | bytes) or not isinstance(pair, Iterable):
            raise TypeError(f"{here}: expected a (start, end) pair, got {pair!r}")
        items = tuple(pair)
        if len(items) != 2:
            raise ValueError(f"{here}: expected a (start, end) pair, got {pair!r}")
        start, end = _to_time(items[0], here), _to_time(items[1], here)
        if start >= end:
            raise ValueError(f"{here}: start {start} is not before end {end}")
        if out and start < out[-1][1]:
            raise ValueError(
                f"{here}: starts at {start}, before the previous interval ends at {out[-1][1]}"
                " (intervals must be in order and must not overlap)"
            )
        out.append((start, end))
    return tuple(out)


def _to_week_hours(value: Any) -> WeekHours:
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        raise TypeError(f"week_hours: expected 7 days of intervals, got {value!r}")
    days = tuple(value)
    if len(days) != 7:
        raise ValueError(f"week_hours: expected 7 days (Monday..Sunday), got {len(days)}")
    return tuple(
        _to_day_hours(day, f"week_hours[{i}] ({_WEEKDAY_NAMES[i]})") for i, day in enumerate(days)
    )


def _to_optional_day_hours(value: Any) -> DayHours | None:
    return None if value is None else _to_day_hours(value, "extra_working_day_hours")


def _check_date(value: object, where: str) -> date:
    if isinstance(value, datetime) or not isinstance(value, date):
        raise TypeError(f"{where}: expected a datetime.date, got {value!r}")
    return value


def _to_date_set(value: Any, where: str) -> frozenset[date]:
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        raise TypeError(f"{where}: expected a collection of dates, got {value!r}")
    return frozenset(_check_date(d, where) for d in value)


def _to_extra_holidays(value: Any) -> frozenset[date]:
    return _to_date_set(value, "extra_holidays")


def _to_extra_working_days(value: Any) -> frozenset[date]:
    return _to_date_set(value, "extra_working_days")


def _to_special_hours(value: Any) -> tuple[SpecialHours, ...]:
    if isinstance(value, SpecialHours):
        value = (value,)
    items = tuple(value)
    for i, item in enumerate(items):
        if not isinstance(item, SpecialHours):
            raise TypeError(f"special_hours[{i}]: expected SpecialHours, got {item!r}")
    return tuple(sorted(items, key=lambda s: s.start))


def _time_us(t: time) -> int:
    return ((t.hour * 60 + t.minute) * 60 + t.second) * 1_000_000 + t.microsecond


def _check_amount(value: object, what: str) -> float:
    if type(value) is float or type(value) is int:  # the usual case, without the ABC check
        number = float(value)
        if not math.isfinite(number) or number < 0:
            raise ValueError(f"{what} must be finite and not negative, got {value!r}")
        return number
    if isinstance(value, bool) or not isinstance(value, Real):
        raise TypeError(f"{what} must be a number, got {value!r}")
    number = float(value)
    if not math.isfinite(number) or number < 0:
        raise ValueError(f"{what} must be finite and not negative, got {value!r}")
    return number


# --------------------------------------------------------------------------- value objects


@attrs.frozen(kw_only=True)
class SpecialHours:
    """Other working hours for the dates ``start`` to ``end`` (both included), e.g. Ramadan."""

    start: date = attrs.field(validator=lambda _i, _a, v: _check_date(v, "SpecialHours.start"))
    end: date = attrs.field(validator=lambda _i, _a, v: _check_date(v, "SpecialHours.end"))
    week_hours: WeekHours = attrs.field(converter=_to_week_hours)
    name: str = ""

    def __attrs_post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(
                f"SpecialHours {self.name!r}: end {self.end} is before start {self.start}"
            )

    def covers(self, d: date) -> bool:
        """Whether ``d`` lies in this period."""
        return self.start <= d <= self.end


class _YearTable:
    """Working intervals of one year as microsecond counts, for bisection.

    ``starts``/``ends`` are absolute (microseconds since 0001-01-01 00:00 local time);
    ``cum_ends[j]`` is the working time from the start of the year to the end of interval j.
    Per working day (a day with hours): its ordinal, working time before it, and its total.
    """

    __slots__ = (
        "cum_ends",
        "day_cum",
        "day_ords",
        "day_totals",
        "ends",
        "np_arrays",
        "starts",
        "total",
        "year",
    )

    def __init__(self, year: int) -> None:
        self.year = year
        self.starts: list[int] = []
        self.ends: list[int] = []
        self.cum_ends: list[int] = []
        self.total = 0
        self.day_ords: list[int] = []
        self.day_cum: list[int] = []
        self.day_totals: list[int] = []
        self.np_arrays: tuple[Any, Any] | None = None  # (ends, cum_ends) as int64, on demand

    def add_day(self, d: date, hours: DayHours) -> None:
        if not hours:
            return
        base = (d.toordinal() - 1) * _US_PER_DAY
        before = self.total
        for start, end in hours:
            a, b = base + _time_us(start), base + _time_us(end)
            self.total += b - a
            self.starts.append(a)
            self.ends.append(b)
            self.cum_ends.append(self.total)
        self.day_ords.append(d.toordinal())
        self.day_cum.append(before)
        self.day_totals.append(self.total - before)

    def position(self, t: int) -> int:
        """Working time from the start of the year to the absolute moment ``t`` in it."""
        j = bisect.bisect_right(self.ends, t)
        if j == len(self.ends):
            return self.total
        return self.cum_ends[j] - (self.ends[j] - max(t, self.starts[j]))

    def moment(self, w: int) -> int:
        """Earliest absolute moment by which ``w`` (0 < w <= total) working time is done."""
        j = bisect.bisect_left(self.cum_ends, w)
        return self.ends[j] - (self.cum_ends[j] - w)


class _Cache:
    """Per-calendar memo of holiday names and year tables (computed once, never changed)."""

    __slots__ = ("holiday_names", "language", "years", "zone")

    def __init__(self) -> None:
        self.language: str | None = None  # holiday-name language, resolved at construction
        self.holiday_names: dict[int, dict[date, str]] = {}
        self.years: dict[int, _YearTable] = {}
        self.zone: tzinfo | None = None


@attrs.frozen(kw_only=True)
class WorkingCalendar:
    """When work happens: weekly hours, special periods, holidays and user exceptions.

    Which hours a date gets, in order of precedence:

    1. a date in ``extra_holidays`` has none;
    2. a date in ``extra_working_days`` has its weekday's hours (from ``special_hours`` if a
       period covers it, else ``week_hours``), or ``extra_working_day_hours`` when that weekday
       has none (a Saturday made a working day);
    3. a public holiday (and, with ``include_cuti_bersama``, a cuti bersama day) of
       ``holidays_country`` has none;
    4. otherwise the weekday's hours from the covering ``special_hours`` period or
       ``week_hours``.

    ``tz`` (an IANA name such as ``"Asia/Jakarta"``): when set, every datetime passed in must be
    timezone-aware; it is converted to ``tz`` and results come back aware in ``tz``. When None,
    datetimes must be naive and are read as local wall-clock time.

    The calendar is immutable and hashable; holiday sets and per-year tables are computed on
    first use and kept in a private per-instance cache.
    """

    week_hours: WeekHours = attrs.field(default=INDONESIA_WEEK_HOURS, converter=_to_week_hours)
    special_hours: tuple[SpecialHours, ...] = attrs.field(default=(), converter=_to_special_hours)
    holidays_country: str | None = "ID"
    holidays_language: str | None = None
    """Language of holiday names; None means the country's own language (Indonesian for "ID"),
    never the machine's locale."""
    include_cuti_bersama: bool = True
    extra_holidays: frozenset[date] = attrs.field(default=frozenset(), converter=_to_extra_holidays)
    extra_working_days: frozenset[date] = attrs.field(
        default=frozenset(), converter=_to_extra_working_days
    )
    extra_working_day_hours: DayHours | None = attrs.field(
        default=_REGULAR_MON_THU, converter=_to_optional_day_hours
    )
    tz: str | None = None
    _cache: _Cache = attrs.field(
        init=False, factory=_Cache, eq=False, hash=False, repr=False, order=False
    )

    def __attrs_post_init__(self) -> None:
        if not any(self.week_hours):
            raise ValueError("week_hours: no day of the week has working hours")
        for earlier, later in zip(self.special_hours, self.special_hours[1:], strict=False):
            if later.start <= earlier.end:
                raise ValueError(
                    f"special_hours: {earlier.name or earlier.start} ({earlier.start}.."
                    f"{earlier.end}) overlaps {later.name or later.start} ({later.start}.."
                    f"{later.end})"
                )
        both = sorted(self.extra_holidays & self.extra_working_days)
        if both:
            listed = ", ".join(d.isoformat() for d in both)
            raise ValueError(f"dates both in extra_holidays and extra_working_days: {listed}")
        if self.extra_working_day_hours is None:
            for d in sorted(self.extra_working_days):
                if not self._week_for(d)[d.weekday()]:
                    raise ValueError(
                        f"extra_working_days: {d.isoformat()} is a {_WEEKDAY_NAMES[d.weekday()]}"
                        " with no regular hours; set extra_working_day_hours"
                    )
        if self.holidays_country is not None:
            self._check_holidays_options(self.holidays_country)
        if self.tz is not None:
            self._zone()

    # ------------------------------------------------------------------ construction helpers

    @classmethod
    def indonesia(
        cls, *, ramadan: Iterable[tuple[date, date]] = (), **overrides: Any
    ) -> WorkingCalendar:
        """The Indonesian civil-service calendar (Perpres 21/2023) with national holidays and
        cuti bersama; ``ramadan`` lists (first day, last day) ranges that get Ramadan hours
        (32.5 h a week). Any field can be overridden by keyword."""
        periods = [
            SpecialHours(
                start=start, end=end, week_hours=INDONESIA_RAMADAN_WEEK_HOURS, name="Ramadan"
            )
            for start, end in ramadan
        ]
        if periods:
            overrides["special_hours"] = (*overrides.get("special_hours", ()), *periods)
        values: dict[str, Any] = {
            "week_hours": INDONESIA_WEEK_HOURS,
            "holidays_country": "ID",
            "include_cuti_bersama": True,
            "extra_working_day_hours": _REGULAR_MON_THU,
        }
        values.update(overrides)
        return cls(**values)

    def _categories(self) -> tuple[str, ...]:
        return ("public", "government") if self.include_cuti_bersama else ("public",)

    def _check_holidays_options(self, country: str) -> None:
        import holidays

        supported = holidays.list_supported_countries(include_aliases=False)
        if country not in supported:
            raise ValueError(f"holidays_country: {country!r} is not known to the holidays package")
        entity = holidays.country_holidays(country, years=())
        missing = [c for c in self._categories() if c not in entity.supported_categories]
        if missing:
            hint = "; set include_cuti_bersama=False" if "government" in missing else ""
            raise ValueError(
                f"holidays_country {country!r} has no holiday category {', '.join(missing)!s}"
                f" (cuti bersama are the 'government' category){hint}"
            )
        if self.holidays_language is not None:
            languages = holidays.list_localized_countries().get(country, [])
            if self.holidays_language not in languages:
                raise ValueError(
                    f"holidays_language {self.holidays_language!r} is not available for"
                    f" {country!r}; available: {', '.join(languages) or 'none'}"
                )
            self._cache.language = self.holidays_language
        else:  # given None, the package would follow the machine's locale
            self._cache.language = entity.default_language

    def _zone(self) -> tzinfo:
        zone = self._cache.zone
        if zone is None:
            from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

            assert self.tz is not None
            try:
                zone = ZoneInfo(self.tz)
            except (ZoneInfoNotFoundError, ValueError):
                raise ValueError(f"tz: {self.tz!r} is not a known time zone") from None
            self._cache.zone = zone
        return zone

    # ------------------------------------------------------------------ days

    def _week_for(self, d: date) -> WeekHours:
        for period in self.special_hours:
            if period.start > d:
                break
            if d <= period.end:
                return period.week_hours
        return self.week_hours

    def _holiday_names(self, year: int) -> dict[date, str]:
        names = self._cache.holiday_names.get(year)
        if names is None:
            names = {}
            if self.holidays_country is not None:
                import holidays

                found = holidays.country_holidays(
                    self.holidays_country,
                    years=year,
                    categories=self._categories(),
                    language=self._cache.language,
                )
                names = {d: str(name) for d, name in found.items() if d.year == year}
            self._cache.holiday_names[year] = names
        return names

    def _hours(self, d: date) -> DayHours:
        if d in self.extra_holidays:
            return ()
        regular = self._week_for(d)[d.weekday()]
        if d in self.extra_working_days:
            if regular:
                return regular
            assert self.extra_working_day_hours is not None  # checked at construction
            return self.extra_working_day_hours
        if d in self._holiday_names(d.year):
            return ()
        return regular

    def working_hours_on(self, d: date) -> DayHours:
        """The working intervals of date ``d`` (empty on a day off)."""
        return self._hours(_check_date(d, "d"))

    def is_working_day(self, d: date) -> bool:
        """Whether date ``d`` has any working hours."""
        return bool(self.working_hours_on(d))

    def working_minutes_on(self, d: date) -> float:
        """Working minutes on date ``d`` (450 on a regular civil-service day)."""
        total = sum(_time_us(b) - _time_us(a) for a, b in self.working_hours_on(d))
        return total / _US_PER_MINUTE

    def holiday_name(self, d: date) -> str | None:
        """Why ``d`` is a holiday: the package's name (e.g. "Cuti Bersama Hari Raya Idul
        Fitri"), :data:`EXTRA_HOLIDAY_NAME` for a user-added one, or None. Holidays on a
        weekend are named too; a date in ``extra_working_days`` is not a holiday."""
        _check_date(d, "d")
        if d in self.extra_working_days:
            return None
        name = self._holiday_names(d.year).get(d)
        if name is None and d in self.extra_holidays:
            return EXTRA_HOLIDAY_NAME
        return name

    # ------------------------------------------------------------------ tables

    def _year(self, year: int) -> _YearTable:
        table = self._cache.years.get(year)
        if table is None:
            if not 1 <= year <= _MAX_YEAR:
                raise OverflowError(f"the calendar cannot go beyond year {_MAX_YEAR}")
            table = _YearTable(year)
            d = date(year, 1, 1)
            one = timedelta(days=1)
            while d.year == year:
                table.add_day(d, self._hours(d))
                if d.month == 12 and d.day == 31:
                    break
                d += one
            self._cache.years[year] = table
        return table

    @staticmethod
    def _year_of(t: int) -> int:
        return date.fromordinal(t // _US_PER_DAY + 1).year

    def _next_working_moment_us(self, t: int) -> int:
        year = self._year_of(t)
        while True:
            table = self._year(year)
            j = bisect.bisect_right(table.ends, t)
            if j < len(table.ends):
                return max(t, table.starts[j])
            year += 1

    @staticmethod
    def _check_reach(year: int, w: int) -> None:
        """Fail fast instead of building tables for thousands of years: a year holds at most
        366 days of work, so ``w`` working time from ``year`` ends no sooner than this."""
        if year + w // (366 * _US_PER_DAY) > _MAX_YEAR:
            raise OverflowError(f"the calendar cannot go beyond year {_MAX_YEAR}")

    def _locate(self, year: int, w: int) -> int:
        """Moment at which ``w`` (> 0) working time has passed since the start of ``year``."""
        self._check_reach(year, w)
        table = self._year(year)
        while w > table.total:
            w -= table.total
            year += 1
            table = self._year(year)
        return table.moment(w)

    # ------------------------------------------------------------------ datetimes

    def _to_us(self, dt: datetime, what: str) -> int:
        if not isinstance(dt, datetime):
            raise TypeError(f"{what} must be a datetime, got {dt!r}")
        aware = dt.tzinfo is not None and dt.utcoffset() is not None
        if self.tz is None:
            if aware:
                raise ValueError(
                    f"{what} {dt.isoformat()} is timezone-aware but the calendar has tz=None;"
                    " pass a naive local time or set tz"
                )
        else:
            if not aware:
                raise ValueError(
                    f"{what} {dt.isoformat()} is naive but the calendar has tz={self.tz!r};"
                    " pass a timezone-aware datetime"
                )
            dt = dt.astimezone(self._zone())
        return (dt.replace(tzinfo=None) - _DATETIME_ORIGIN) // timedelta(microseconds=1)

    def _from_us(self, t: int) -> datetime:
        try:
            result = _DATETIME_ORIGIN + timedelta(microseconds=t)
        except OverflowError:
            raise OverflowError(f"the calendar cannot go beyond year {_MAX_YEAR}") from None
        return result if self.tz is None else result.replace(tzinfo=self._zone())

    def next_working_moment(self, moment: datetime) -> datetime:
        """``moment`` itself if work happens then, else the start of the next working interval."""
        return self._from_us(self._next_working_moment_us(self._to_us(moment, "moment")))

    def add_working_minutes(self, start: datetime, minutes: float) -> datetime:
        """The earliest moment by which ``minutes`` of work started at ``start`` are done.

        See the module docstring for the rules at the edges of working hours.
        """
        amount = _check_amount(minutes, "minutes")
        t = self._to_us(start, "start")
        work = round(amount * _US_PER_MINUTE)
        if work == 0:
            return self._from_us(self._next_working_moment_us(t))
        year = self._year_of(t)
        return self._from_us(self._locate(year, self._year(year).position(t) + work))

    def working_minutes_between(self, a: datetime, b: datetime) -> float:
        """Working minutes from ``a`` to ``b``; negative when ``b`` is before ``a``."""
        ta, tb = self._to_us(a, "a"), self._to_us(b, "b")
        if tb < ta:
            return -self._between_us(tb, ta) / _US_PER_MINUTE
        return self._between_us(ta, tb) / _US_PER_MINUTE

    def _between_us(self, ta: int, tb: int) -> int:
        ya, yb = self._year_of(ta), self._year_of(tb)
        full_years = sum(self._year(y).total for y in range(ya, yb))
        return full_years + self._year(yb).position(tb) - self._year(ya).position(ta)

    def add_working_days(self, start: datetime, days: float) -> datetime:
        """Move ``days`` working days on from ``start``, each day counted by its own hours.

        The start (moved to the next working moment) sits a fraction p of the way through its
        working day; the result sits at the same fraction p of the working day ``days`` later,
        so 1 working day from Thursday 10.00 is Friday 10.00 even when Friday's hours differ.
        A fractional ``days`` takes that fraction of the target day's working time. As with
        minutes, a result at the very end of a working day stays on that day: 1 working day
        from Monday 07.30 is Monday 16.00. On a calendar whose working days all have the same
        length L, this equals ``add_working_minutes(start, days * L)``.
        """
        from fractions import Fraction  # exact day fractions; imported only when needed

        amount = _check_amount(days, "days")
        t = self._next_working_moment_us(self._to_us(start, "start"))
        if amount == 0:
            return self._from_us(t)
        table = self._year(self._year_of(t))
        i = bisect.bisect_left(table.day_ords, t // _US_PER_DAY + 1)
        done = table.position(t) - table.day_cum[i]
        target = Fraction(done, table.day_totals[i]) + Fraction(amount)
        whole = math.ceil(target) - 1  # target lies in (whole, whole + 1]
        fraction = target - whole
        i += whole
        while i >= len(table.day_ords):
            i -= len(table.day_ords)
            table = self._year(table.year + 1)
        w = table.day_cum[i] + round(fraction * table.day_totals[i])
        if whole == 0 and w <= table.day_cum[i] + done:
            return self._from_us(t)  # less than a microsecond of work: nothing to add
        return self._from_us(self._moment_at(table.year, w))

    def _moment_at(self, year: int, w: int) -> int:
        """Earliest moment by which ``w`` (>= 0) working time of ``year`` is done; for 0 that
        is the end of the last working interval before the year, as for any other end."""
        while w == 0:
            year -= 1
            w = self._year(year).total
        return self._year(year).moment(w)

    # ------------------------------------------------------------------ vectorised

    def add_working_minutes_many(
        self, start: datetime, minutes: npt.ArrayLike
    ) -> npt.NDArray[np.datetime64]:
        """:meth:`add_working_minutes` for an array of durations from one start, vectorised.

        Returns ``datetime64[us]`` of the same shape, in local wall-clock time (numpy has no
        time zones: with ``tz`` set the values are wall-clock times in ``tz``). Element for
        element equal to the scalar method.
        """
        import numpy as np

        amounts = np.asarray(minutes, dtype=np.float64)
        bad = ~np.isfinite(amounts) | (amounts < 0)
        if bad.any():
            index = tuple(int(i) for i in np.argwhere(bad)[0])
            raise ValueError(
                f"minutes must be finite and not negative; minutes{list(index)} is"
                f" {amounts[index]!r}"
            )
        t = self._to_us(start, "start")
        year = self._year_of(t)
        work = np.rint(amounts * float(_US_PER_MINUTE)).astype(np.int64)
        result = np.full(amounts.shape, self._next_working_moment_us(t), dtype=np.int64)
        positive = work > 0
        if positive.any():
            targets = work[positive] + self._year(year).position(t)
            most = int(targets.max())
            self._check_reach(year, most)
            ends: list[npt.NDArray[np.int64]] = []
            cums: list[npt.NDArray[np.int64]] = []
            covered = 0
            while True:
                table = self._year(year)
                year_ends, year_cums = self._np_arrays(table)
                ends.append(year_ends)
                cums.append(year_cums + covered)
                covered += table.total
                if covered >= most:
                    break
                year += 1
            all_ends, all_cums = np.concatenate(ends), np.concatenate(cums)
            j = np.searchsorted(all_cums, targets, side="left")
            result[positive] = all_ends[j] - (all_cums[j] - targets)
        return (result - _UNIX_EPOCH_US).astype("datetime64[us]")

    @staticmethod
    def _np_arrays(table: _YearTable) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
        import numpy as np

        if table.np_arrays is None:
            table.np_arrays = (
                np.asarray(table.ends, dtype=np.int64),
                np.asarray(table.cum_ends, dtype=np.int64),
            )
        ends, cums = table.np_arrays
        return ends, cums

    # ------------------------------------------------------------------ vectorised, elementwise

    def working_minutes_between_each(
        self, a: npt.ArrayLike, b: npt.ArrayLike
    ) -> npt.NDArray[np.float64]:
        """:meth:`working_minutes_between` element for element of two ``datetime64`` arrays
        (local wall-clock times, as :meth:`add_working_minutes_many` returns them): one pass
        of binary searches over the working intervals of the years they span, each pair O(1)
        after that. Equal to the scalar method to the last bit."""
        import numpy as np

        ta, tb = _local_us(a), _local_us(b)
        if ta.size == 0:
            return np.zeros(ta.shape, dtype=np.float64)
        span = _Span(self, int(min(ta.min(), tb.min())), int(max(ta.max(), tb.max())))
        work = span.position(tb) - span.position(ta)
        minutes: npt.NDArray[np.float64] = work / float(_US_PER_MINUTE)  # as int / int does
        return minutes

    def add_working_minutes_each(
        self, starts: npt.ArrayLike, minutes: npt.ArrayLike
    ) -> npt.NDArray[np.datetime64]:
        """:meth:`add_working_minutes` element for element (``starts`` as ``datetime64``
        local wall-clock times, ``minutes`` broadcast against them); equal to the scalar
        method. OverflowError past the calendar's last year, as the scalar method."""
        import numpy as np

        t = _local_us(starts)
        amounts = np.broadcast_to(np.asarray(minutes, dtype=np.float64), t.shape)
        if (~np.isfinite(amounts) | (amounts < 0)).any():
            raise ValueError("minutes must be finite and not negative")
        if t.size == 0:
            return _datetime64(t)
        work = np.rint(amounts * float(_US_PER_MINUTE)).astype(np.int64)
        span = _Span(self, int(t.min()), int(t.max()))
        targets = span.position(t) + work
        span = span.reaching(int(targets.max()))
        result = np.where(work == 0, span.next_working(t), span.moment(np.maximum(targets, 1)))
        return _datetime64(result)

    def add_working_days_each(
        self, starts: npt.ArrayLike, days: float
    ) -> npt.NDArray[np.datetime64]:
        """:meth:`add_working_days` for many starts and one number of ``days`` (a step's
        Waktu), equal to the scalar method: the same exact fractions, in integers."""
        from fractions import Fraction

        import numpy as np

        amount = Fraction(_check_amount(days, "days"))
        t = _local_us(starts)
        if t.size == 0:
            return _datetime64(t)
        span = _Span(self, int(t.min()), int(t.max()))
        t = span.next_working(t)
        if amount == 0:
            return _datetime64(t)
        i = np.searchsorted(span.day_ords, t // _US_PER_DAY + 1, side="left")
        # done / total + p / q, as one fraction num / den (Python ints: no overflow)
        done = (span.position(t) - span.day_cum[i]).astype(object)
        total = span.day_totals[i].astype(object)
        p, q = amount.numerator, amount.denominator
        num, den = done * q + total * p, total * q
        whole = -(-num // den) - 1  # the target lies in (whole, whole + 1]
        rest = num - whole * den  # the fraction of day i + whole is rest / den
        index = i + whole.astype(np.int64)
        span = span.covering_day(int(index.max()))
        scaled = rest * span.day_totals[index].astype(object)
        w = span.day_cum[index] + _round_half_even(scaled, den).astype(np.int64)
        unmoved = (whole == 0) & (w <= span.day_cum[i] + done.astype(np.int64))
        result = np.where(unmoved, t, span.moment(np.maximum(w, 1)))
        return _datetime64(result)


def _datetime64(local_us: Any) -> npt.NDArray[np.datetime64]:
    """Microseconds since 0001-01-01 back to ``datetime64[us]``."""
    values: npt.NDArray[np.datetime64] = (local_us - _UNIX_EPOCH_US).astype("datetime64[us]")
    return values


def _round_half_even(num: Any, den: Any) -> Any:
    """``round(Fraction(num, den))`` element for element of object arrays of ints (> 0 den)."""
    import numpy as np

    floor, rest = num // den, num % den
    up = (rest * 2 > den) | ((rest * 2 == den) & (floor % 2 == 1))
    return floor + np.asarray(up, dtype=object).astype(int)


def _local_us(values: npt.ArrayLike) -> npt.NDArray[np.int64]:
    """``datetime64`` values as microseconds since 0001-01-01 00:00 (the tables' clock)."""
    import numpy as np

    array = np.asarray(values)
    if array.dtype.kind != "M":
        raise TypeError(f"expected datetime64 values, got dtype {array.dtype}")
    return array.astype("datetime64[us]").astype(np.int64) + _UNIX_EPOCH_US


class _Span:
    """The working intervals and working days of consecutive years, concatenated into numpy
    arrays with running totals across the years, so many instants are placed at once: the
    working time from the span's start to an instant, and back (``_YearTable`` for a run of
    years)."""

    def __init__(self, calendar: WorkingCalendar, first_us: int, last_us: int) -> None:
        # a year before the first instant too: a working-day count may end just before it
        first = max(1, WorkingCalendar._year_of(first_us) - 1)
        self._fill(calendar, first, WorkingCalendar._year_of(last_us))

    def _fill(self, calendar: WorkingCalendar, first: int, last: int) -> None:
        import numpy as np

        self.calendar, self.first, self.last = calendar, first, last
        starts: list[int] = []
        ends: list[int] = []
        cums: list[int] = []
        ords: list[int] = []
        day_cum: list[int] = []
        totals: list[int] = []
        covered = 0
        for year in range(first, last + 1):
            table = calendar._year(year)
            starts.extend(table.starts)
            ends.extend(table.ends)
            cums.extend(c + covered for c in table.cum_ends)
            ords.extend(table.day_ords)
            day_cum.extend(c + covered for c in table.day_cum)
            totals.extend(table.day_totals)
            covered += table.total
        self.total = covered
        self.starts = np.asarray(starts, dtype=np.int64)
        self.ends = np.asarray(ends, dtype=np.int64)
        self.cum = np.asarray(cums, dtype=np.int64)
        self.day_ords = np.asarray(ords, dtype=np.int64)
        self.day_cum = np.asarray(day_cum, dtype=np.int64)
        self.day_totals = np.asarray(totals, dtype=np.int64)

    def _longer(self) -> _Span:
        """The span with the next year added (its running totals unchanged)."""
        if self.last >= _MAX_YEAR:
            raise OverflowError(f"the calendar cannot go beyond year {_MAX_YEAR}")
        span = _Span.__new__(_Span)
        span._fill(self.calendar, self.first, self.last + 1)
        return span

    def reaching(self, work: int) -> _Span:
        """This span, or a longer one, whose working time reaches ``work``."""
        WorkingCalendar._check_reach(self.first, work)
        span = self
        while span.total < work:
            span = span._longer()
        return span

    def covering_day(self, index: int) -> _Span:
        """This span, or a longer one, holding working day number ``index``."""
        span = self
        while index >= len(span.day_ords):
            span = span._longer()
        return span

    def position(self, t: Any) -> Any:
        """Working time from the span's start to each instant of ``t``."""
        import numpy as np

        j = np.searchsorted(self.ends, t, side="right")
        inside = np.minimum(j, len(self.ends) - 1)
        placed = self.cum[inside] - (self.ends[inside] - np.maximum(t, self.starts[inside]))
        return np.where(j == len(self.ends), self.total, placed)

    def next_working(self, t: Any) -> Any:
        """Each instant itself if work happens then, else the next interval's start."""
        import numpy as np

        j = np.searchsorted(self.ends, t, side="right")
        if (j == len(self.ends)).any():  # after the span's last interval: look further
            return self.reaching(self.total + 1).next_working(t)
        return np.maximum(t, self.starts[j])

    def moment(self, w: Any) -> Any:
        """Earliest instant by which each working time ``w`` (0 < w <= total) is done."""
        import numpy as np

        j = np.searchsorted(self.cum, w, side="left")
        return self.ends[j] - (self.cum[j] - w)
