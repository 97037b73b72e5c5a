"""Working minutes -> calendar dates for Monte Carlo samples, against a numpy floor.

sopflow: ``WorkingCalendar.add_working_minutes_many`` (Indonesian civil-service calendar with
national holidays and cuti bersama, Ramadan hours in 2025). Floor: the same calendar's working
intervals, read once through the public ``working_hours_on`` before timing, as a flat table
of interval ends and cumulative working time; one ``numpy.searchsorted`` per call. Results are
checked equal. Both are timed in interleaved rounds (median, spread, ratio). The scalar
``add_working_minutes`` is timed per call as well.

Run: ``PYTHONPATH=src python benchmarks/bench_calendar.py [samples]``
"""

from __future__ import annotations

import sys
import time
from datetime import date, datetime, timedelta
from typing import Any

from timing import compare, one_thread

one_thread()

import numpy as np  # noqa: E402

from sopflow.calendar import WorkingCalendar  # noqa: E402

US_PER_MINUTE = 60_000_000


def interval_table(calendar: WorkingCalendar, start: datetime, minutes: float) -> Any:
    """Ends (microseconds since the epoch) and cumulative working microseconds from
    ``start`` of every working interval until ``minutes`` of work are covered."""
    epoch = datetime(1970, 1, 1)
    ends: list[int] = []
    cums: list[int] = []
    total, need, day = 0, int(minutes * US_PER_MINUTE) + 1, start.date()
    while total < need:
        for a, b in calendar.working_hours_on(day):
            lo, hi = datetime.combine(day, a), datetime.combine(day, b)
            if hi <= start:
                continue
            lo = max(lo, start)
            total += (hi - lo) // timedelta(microseconds=1)
            ends.append((hi - epoch) // timedelta(microseconds=1))
            cums.append(total)
        day += timedelta(days=1)
    return np.asarray(ends, dtype=np.int64), np.asarray(cums, dtype=np.int64)


def floor(minutes: Any, ends: Any, cums: Any) -> Any:
    work = np.rint(minutes * float(US_PER_MINUTE)).astype(np.int64)
    i = np.searchsorted(cums, work, side="left")
    return (ends[i] - (cums[i] - work)).astype("datetime64[us]")


def main(samples: int = 1_000_000, rounds: int = 5) -> None:
    start = datetime(2025, 1, 20, 7, 30)
    rng = np.random.default_rng(12345)
    # lognormal durations around 5 working days, a tail reaching some years
    minutes = rng.lognormal(mean=np.log(5 * 450), sigma=1.2, size=samples)
    print(f"samples: {samples:,}; max {minutes.max() / 450:,.0f} working days")
    calendar = WorkingCalendar.indonesia(ramadan=[(date(2025, 3, 1), date(2025, 3, 30))])
    t0 = time.perf_counter()
    ours = calendar.add_working_minutes_many(start, minutes)
    print(f"first call (builds the holiday tables): {time.perf_counter() - t0:.3f} s")
    t0 = time.perf_counter()
    ends, cums = interval_table(calendar, start, float(minutes.max()))
    print(f"floor's interval table ({ends.size:,} intervals, not timed below):"
          f" {time.perf_counter() - t0:.3f} s")
    same = int(np.sum(ours == floor(minutes, ends, cums)))
    print(f"same instants: {same:,} of {samples:,}")
    compare(f"add_working_minutes_many, {samples:,} durations",
            {"sopflow": lambda: calendar.add_working_minutes_many(start, minutes),
             "numpy searchsorted floor": lambda: floor(minutes, ends, cums)}, rounds)
    n = 20_000
    t0 = time.perf_counter()
    for m in minutes[:n].tolist():
        calendar.add_working_minutes(start, m)
    per_call = (time.perf_counter() - t0) / n
    print(f"add_working_minutes (scalar, one run of {n:,}): {per_call * 1e6:.1f} us per call")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)
