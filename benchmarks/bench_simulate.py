"""Timing the simulator (plain Python; prints seconds, no assertions).

1. The reference SOP, 1,000,000 Monte Carlo replications (target: under 1 s).
2. A generated 1,000-step SOP with 100 correction loops, 100,000 replications (target: 10 s).
3. The many-cases model with 10,000 cases (Poisson arrivals): the heap-based engine and a
   plain SimPy model replaying the very same cases, timed in the same run, and their ratio.

Run: ``PYTHONPATH=src python benchmarks/bench_simulate.py``
"""

from __future__ import annotations

import runpy
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

import sopflow
from sopflow.simulate import Uniform
from sopflow.simulate.chain import build_chain
from sopflow.simulate.queueing import make_tasks, run_heap, run_simpy

ROOT = Path(__file__).resolve().parent.parent
T = TypeVar("T")
Branches = dict[str, dict[str | None, float]]


def reference() -> sopflow.Procedure:
    module = runpy.run_path(str(ROOT / "examples" / "pengumpulan_data_kinerja.py"))
    procedure: sopflow.Procedure = module["sop"].compile()
    return procedure


def big_sop(steps: int = 1000, lanes: int = 5) -> tuple[sopflow.Procedure, Branches]:
    """Every tenth row a check that sends the case back five rows with probability 0.2."""
    sop = sopflow.SOP(
        "SOP Besar", number="1/BENCH", created=date(2025, 1, 20), effective=date(2025, 1, 20),
        approved_by=sopflow.Signatory(position="Kepala"),
    )
    actors = [sop.actor(f"Pelaksana {k + 1}") for k in range(lanes)]
    branches: Branches = {}
    for i in range(1, steps + 1):
        by = actors[i % lanes]
        if i % 10 == 0:
            after = f"s{i + 1}" if i < steps else sopflow.END
            sop.decision(f"Apakah hasil {i} sesuai?", id=f"s{i}", by=by, yes=after,
                         no=f"s{i - 5}", time="5 menit", inputs=["Berkas"], output="Hasil")
            branches[f"s{i}"] = {"Ya": 0.8, "Tidak": 0.2}
        else:
            sop.step(f"Memproses bagian {i}", id=f"s{i}", by=by, time="10 - 30 menit",
                     inputs=["Berkas"], output="Hasil")
    return sop.compile(strict=False), branches


def timed(label: str, fn: Callable[[], T]) -> tuple[T, float]:
    start = time.perf_counter()
    value = fn()
    seconds = time.perf_counter() - start
    print(f"{label}: {seconds:.3f} s")
    return value, seconds


def main() -> None:
    procedure = reference()
    branches: Branches = {"s7": {"Ya": 0.7, "Tidak": 0.3}}
    durations: dict[str, Any] = {"s7": Uniform(low=100, high=140, unit="day")}
    rng = np.random.default_rng(1)
    sopflow.simulate_lead_time(procedure, replications=1000, rng=rng, branches=branches)  # warm
    result, _ = timed(
        "1. reference SOP, 1,000,000 replications",
        lambda: sopflow.simulate_lead_time(procedure, replications=1_000_000, rng=rng,
                                           branches=branches, durations=durations),
    )
    exact = sopflow.analyse(procedure, branches=branches, durations=durations)
    print(f"   mean {result.mean:.1f} min (exact {exact.mean:.1f}), p95 "
          f"{result.percentiles['p95']:.1f} min")

    big, big_branches = big_sop()
    result, _ = timed(
        "2. generated 1,000-step SOP with 100 loops, 100,000 replications",
        lambda: sopflow.simulate_lead_time(big, replications=100_000, rng=rng,
                                           branches=big_branches),
    )
    exact, _ = timed("   exact analysis of the same SOP",
                     lambda: sopflow.analyse(big, branches=big_branches))
    print(f"   mean {result.mean:.1f} min (exact {exact.mean:.1f}), {result.hops} hops")

    office = big_sop(steps=20, lanes=4)
    chain = build_chain(office[0], branches=office[1])
    work = sopflow.analyse(office[0], branches=office[1]).work
    rate = 0.85 / max(work.values())  # cases per minute: the busiest lane at 85% load
    arrivals = np.cumsum(rng.exponential(1 / rate, 10_000))
    tasks, _, _ = make_tasks(chain, arrivals, [1] * len(chain.actors), rng)
    print(f"3. many cases: 10,000 cases, {len(tasks.states):,} tasks, busiest lane at 85% load")
    heap, heap_s = timed("   heap-based engine (sopflow)", lambda: run_heap(tasks))
    try:
        import simpy  # noqa: F401
    except ImportError:
        print("   simpy not installed: no comparison")
    else:
        sim, simpy_s = timed("   plain SimPy model of the same cases", lambda: run_simpy(tasks))
        same = np.allclose(heap.finishes, sim.finishes, rtol=1e-12)
        print(f"   SimPy / heap time ratio: {simpy_s / heap_s:.1f}x (same results: {same})")
    timed("   simulate_cases end to end (sampling + engine + summary)",
          lambda: sopflow.simulate_cases(office[0], cases=10_000,
                                         arrivals_per_day=rate * 450, branches=office[1],
                                         rng=rng))


if __name__ == "__main__":
    main()
