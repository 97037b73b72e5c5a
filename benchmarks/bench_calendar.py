"""Benchmark: working minutes -> calendar dates for Monte Carlo samples.

Run: PYTHONPATH=src python benchmarks/bench_calendar.py [samples]
Prints seconds for WorkingCalendar.add_working_minutes_many on 1,000,000 durations (first call
includes building the holiday tables; later calls reuse them), and the scalar method per call.
"""

from __future__ import annotations

import sys
import time
from datetime import date, datetime

import numpy as np

from sopflow.calendar import WorkingCalendar


def main(samples: int = 1_000_000) -> None:
    start = datetime(2025, 1, 20, 7, 30)
    rng = np.random.default_rng(12345)
    # lognormal durations around 5 working days, a tail reaching about two years
    minutes = rng.lognormal(mean=np.log(5 * 450), sigma=1.2, size=samples)
    print(f"samples: {samples:,}; max {minutes.max() / 450:,.0f} working days")

    calendar = WorkingCalendar.indonesia(ramadan=[(date(2025, 3, 1), date(2025, 3, 30))])
    t0 = time.perf_counter()
    calendar.add_working_minutes_many(start, minutes)
    print(f"add_working_minutes_many, cold (tables built): {time.perf_counter() - t0:.3f} s")

    runs = []
    for _ in range(5):
        t0 = time.perf_counter()
        calendar.add_working_minutes_many(start, minutes)
        runs.append(time.perf_counter() - t0)
    print(f"add_working_minutes_many, warm: best {min(runs):.3f} s, median {sorted(runs)[2]:.3f} s")

    n = 20_000
    t0 = time.perf_counter()
    for m in minutes[:n].tolist():
        calendar.add_working_minutes(start, m)
    per_call = (time.perf_counter() - t0) / n
    print(f"add_working_minutes (scalar): {per_call * 1e6:.1f} us per call")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)
