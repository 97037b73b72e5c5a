"""Timing helpers shared by the benchmarks: interleaved rounds, median and spread, ratios.

The machine the benchmarks run on is shared and noisy, so a benchmark never prints a lone
time: it runs sopflow and the floor (or peer) it is compared with in the same process,
alternating them round by round, and prints each one's median with its spread (fastest and
slowest round) and the ratio of the medians. Noise that hits one round hits both sides.
"""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable
from typing import Any

#: One BLAS/OpenMP thread on both sides (set before numpy is imported by the caller).
ONE_THREAD = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def one_thread() -> None:
    """Limit numeric libraries to one thread; call before importing numpy or scipy."""
    for key, value in ONE_THREAD.items():
        os.environ.setdefault(key, value)


#: A round of a quick function repeats it until the round takes about this long.
MIN_ROUND = 0.2


def calls_per_round(fns: dict[str, Callable[[], Any]]) -> int:
    """How many calls of each function make one round (the same number for all): one call
    each first (a warm-up), then enough that the slowest takes about :data:`MIN_ROUND`."""
    slowest = 0.0
    for fn in fns.values():
        start = time.perf_counter()
        fn()
        slowest = max(slowest, time.perf_counter() - start)
    return max(1, int(MIN_ROUND / max(slowest, 1e-9)))


def interleaved(fns: dict[str, Callable[[], Any]], rounds: int,
                number: int = 1) -> dict[str, list[float]]:
    """Run every function ``number`` times per round, in turn, and return their seconds per
    call, one entry per round."""
    times: dict[str, list[float]] = {name: [] for name in fns}
    for _ in range(rounds):
        for name, fn in fns.items():
            start = time.perf_counter()
            for _ in range(number):
                fn()
            times[name].append((time.perf_counter() - start) / number)
    return times


def describe(seconds: list[float]) -> str:
    """"0.123 s (0.118-0.140)": the median and the fastest and slowest rounds."""
    if statistics.median(seconds) < 0.01:
        ms = [x * 1000 for x in seconds]
        return f"{statistics.median(ms):.3f} ms ({min(ms):.3f}-{max(ms):.3f})"
    return f"{statistics.median(seconds):.3f} s ({min(seconds):.3f}-{max(seconds):.3f})"


def compare(title: str, fns: dict[str, Callable[[], Any]], rounds: int) -> float:
    """Print each side's median and spread and the first's ratio to the last (the floor);
    return that ratio. Quick functions are repeated within a round (see
    :func:`calls_per_round`); times are per call."""
    number = calls_per_round(fns)
    times = interleaved(fns, rounds, number)
    names = list(fns)
    floor = statistics.median(times[names[-1]])
    print(title)
    width = max(len(n) for n in names)
    for name in names:
        print(f"   {name:<{width}}  {describe(times[name])}")
    per_round = [a / b for a, b in zip(times[names[0]], times[names[-1]], strict=True)]
    ratio = statistics.median(times[names[0]]) / floor
    print(f"   ratio {names[0]} / {names[-1]}: {ratio:.2f}x (per round {min(per_round):.2f}-"
          f"{max(per_round):.2f}; {rounds} interleaved rounds of {number} call(s))")
    return ratio
