"""The sparse exact analysis against the dense one it replaced (tests/dense_oracle.py)."""

from __future__ import annotations

import math
from typing import Any

from dense_oracle import dense_analysis
from hypothesis import HealthCheck, given, settings
from test_simulate_properties import timed_sops

from sopflow.simulate.chain import build_chain
from sopflow.simulate.exact import analyse_chain

TOLERANCE = 1e-9


def close(a: float, b: float, scale: float = 1.0) -> bool:
    return math.isclose(a, b, rel_tol=TOLERANCE, abs_tol=TOLERANCE * max(1.0, scale))


def assert_same(chain: Any) -> None:
    sparse = analyse_chain(chain)
    dense = dense_analysis(chain)
    assert close(sparse.mean, dense["mean"])
    # the variance is a difference of large terms: compare it on the scale of mean^2
    assert close(sparse.variance, dense["variance"], scale=dense["mean"] ** 2)
    assert sparse.visits.keys() == dense["visits"].keys()
    for step, x in dense["visits"].items():
        assert close(sparse.visits[step], x), step
    assert sparse.end_probability.keys() == dense["end_probability"].keys()
    for end, p in dense["end_probability"].items():
        assert close(sparse.end_probability[end], p), end
    for actor, w in dense["work"].items():
        assert close(sparse.work[actor], w, scale=dense["mean"]), actor
    assert sparse.transitions.keys() == dense["transitions"].keys()
    for step, exits in dense["transitions"].items():
        assert sparse.transitions[step].keys() == exits.keys()
        for name, x in exits.items():
            assert close(sparse.transitions[step][name], x), (step, name)


@settings(max_examples=80, deadline=None,
          suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow])
@given(timed_sops())
def test_sparse_analysis_matches_the_dense_oracle(case: Any) -> None:
    procedure, times, branches = case
    assert_same(build_chain(procedure, durations=times, branches=branches))


def test_sparse_analysis_matches_on_a_long_sop_with_nested_loops() -> None:
    """400 steps: every 10th a check going back 5 rows, every 50th back 30 rows (loops
    inside loops), the last one back to the start; random probabilities."""
    import random

    from sopfactory import new_sop

    from sopflow import END, START

    pick = random.Random(7)
    sop = new_sop()
    actors = [sop.actor(f"Pelaksana {k}") for k in range(3)]
    branches: dict[str, Any] = {}
    steps = 400
    for i in range(1, steps + 1):
        kw = dict(by=actors[i % 3], inputs=["Berkas"], output="Hasil",
                  time=f"{i % 9 + 1} - {i % 9 + 5} menit")
        if i % 10 == 0:
            back = START if i == steps else f"s{i - (30 if i % 50 == 0 else 5)}"
            sop.decision(f"Apakah langkah {i} sesuai?", id=f"s{i}", yes=END if i == steps
                         else f"s{i + 1}", no=back, **kw)
            p = pick.uniform(0.05, 0.6)
            branches[f"s{i}"] = {"Ya": 1 - p, "Tidak": p}
        else:
            sop.step(f"Memproses langkah {i}", id=f"s{i}", **kw)
    assert_same(build_chain(sop.compile(strict=False), branches=branches))


def test_a_loop_that_almost_never_exits_stops_with_a_message_naming_it() -> None:
    import numpy as np
    import pytest
    from sopfactory import new_sop

    from sopflow import END
    from sopflow.simulate.chain import SimulationError
    from sopflow.simulate.montecarlo import run_paths

    sop = new_sop()
    actor = sop.actor("Pelaksana")
    kw = dict(by=actor, inputs=["Berkas"], time="15 menit", output="Hasil")
    sop.step("Menerima berkas", id="terima", **kw)
    sop.step("Memeriksa berkas", id="periksa", **kw)
    sop.decision("Apakah berkas lengkap?", id="cek", yes=END, no="periksa", **kw)
    chain = build_chain(sop.compile(strict=False),
                        branches={"cek": {"Ya": 1e-9, "Tidak": 1 - 1e-9}})
    with pytest.raises(SimulationError) as caught:
        run_paths(chain, 100, np.random.default_rng(0), max_hops=500)
    message = str(caught.value)
    assert "after 500 laps" in message and "'periksa'" in message and "'cek'" in message
    assert "'terima'" not in message.split("loop steps:")[1]
    # below the bound the same chain runs (a loop that does exit)
    paths = run_paths(build_chain(sop.compile(strict=False),
                                  branches={"cek": {"Ya": 0.5, "Tidak": 0.5}}),
                      100, np.random.default_rng(0), max_hops=500)
    assert np.all(paths.end == 0)
