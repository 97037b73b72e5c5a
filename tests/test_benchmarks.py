"""Every SOP the benchmarks time passes validation (a benchmark of an SOP that ``sopflow
render`` or ``sop.compile()`` refuses measures nothing a user would run), and the floors
they compare with compute the same thing as sopflow."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))

import generated  # noqa: E402


def sops() -> list[tuple[str, Any]]:
    return [
        ("reference (bench_simulate, bench_render)", generated.reference()),
        ("looping_sop 1,000 (bench_simulate)", generated.looping_sop(1000)[0]),
        ("looping_sop 20 x 4 lanes (bench_simulate queueing)", generated.looping_sop(20, 4)[0]),
        ("core_sop (bench_core)", generated.core_sop(1000)),
        ("render_sop (bench_render)", generated.render_sop()),
        ("swimlane_sop (bench_swimlane)", generated.swimlane_sop()),
    ]


@pytest.mark.parametrize(("name", "sop"), sops(), ids=[n for n, _ in sops()])
def test_every_benchmark_sop_validates(name: str, sop: Any) -> None:
    procedure = sop.compile()  # strict: raises on any error
    assert procedure.report.ok, f"{name}: {procedure.report}"


def test_generated_sops_validate_without_any_finding() -> None:
    for sop in (generated.looping_sop(200)[0], generated.core_sop(200), generated.render_sop()):
        assert not sop.compile().report.findings


def test_reference_durations_vary_every_step() -> None:
    from sopflow.simulate.chain import build_chain

    chain = build_chain(generated.reference().compile(), branches=generated.REFERENCE_BRANCHES,
                        durations=generated.REFERENCE_DURATIONS)
    assert all(d.variance > 0 for d in chain.dists)


def test_the_floors_compute_what_sopflow_computes() -> None:
    import bench_simulate as bench

    from sopflow.simulate.chain import build_chain
    from sopflow.simulate.exact import analyse_chain
    from sopflow.simulate.queueing import make_tasks, run_heap

    sop, branches = generated.looping_sop(100)
    chain = build_chain(sop.compile(), branches=branches)
    exact = analyse_chain(chain)
    mean, variance, visits, ends = bench.exact_floor(
        chain.n, len(chain.ends), chain.initial, bench.flat_edges(chain), chain.means(),
        chain.variances())
    assert mean == pytest.approx(exact.mean, rel=1e-12)
    assert variance == pytest.approx(exact.variance, rel=1e-9)
    assert list(visits) == pytest.approx(list(exact.visits.values()), rel=1e-12)
    assert list(ends) == pytest.approx(list(exact.end_probability.values()), rel=1e-12)
    lead, end = bench.monte_carlo_floor(bench.FloorModel(chain), 20_000,
                                        np.random.default_rng(3))
    assert abs(lead.mean() - exact.mean) < 5 * exact.std / np.sqrt(lead.size)
    assert np.all(end == 0)
    rng = np.random.default_rng(4)
    tasks, _, _ = make_tasks(chain, np.cumsum(rng.exponential(30.0, 300)),
                             [1] * len(chain.actors), rng)
    ours, floor = run_heap(tasks), bench.heapq_floor(tasks)
    assert ours.finishes == floor.finishes and ours.waits == floor.waits
    assert ours.area == pytest.approx(floor.area, rel=1e-12)


def test_the_calendar_floor_gives_the_same_instants() -> None:
    from datetime import datetime

    import bench_calendar as bench

    from sopflow.calendar import WorkingCalendar

    calendar = WorkingCalendar.indonesia()
    start = datetime(2025, 1, 20, 7, 30)
    minutes = np.random.default_rng(5).lognormal(np.log(2250), 1.0, 2000)
    ends, cums = bench.interval_table(calendar, start, float(minutes.max()))
    assert np.array_equal(calendar.add_working_minutes_many(start, minutes),
                          bench.floor(minutes, ends, cums))
