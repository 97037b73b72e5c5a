"""Random SOPs (hypothesis): Monte Carlo agrees with the exact analysis."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from strategies import build, sop_specs

from sopflow import analyse, simulate_lead_time
from sopflow.simulate import PERT, Empirical, Exponential, Fixed, LogNormal, Triangular, Uniform

N = 20_000
_minutes = st.integers(0, 240).map(float)


@st.composite
def durations(draw: st.DrawFn) -> Any:
    kind = draw(st.sampled_from(["text", "fixed", "uniform", "triangular", "pert", "lognormal",
                                 "exponential", "empirical"]))
    if kind == "text":
        low, high = sorted((draw(st.integers(1, 60)), draw(st.integers(1, 60))))
        unit = draw(st.sampled_from(["menit", "jam", "hari kerja"]))
        return f"{low} - {high} {unit}" if low != high else f"{low} {unit}"
    if kind == "fixed":
        return Fixed(value=draw(_minutes))
    if kind in ("uniform", "triangular", "pert"):
        a, m, b = sorted(draw(st.lists(_minutes, min_size=3, max_size=3)))
        if kind == "uniform":
            return Uniform(low=a, high=b)
        return (Triangular if kind == "triangular" else PERT)(low=a, mode=m, high=b)
    if kind == "lognormal":
        # std at most twice the mean: heavier tails make the sample mean converge too
        # slowly for a five-standard-error check at this replication count (a lognormal of
        # mean 1 and std 14 misses it on most seeds).
        mean = draw(st.integers(1, 240))
        return LogNormal(mean=mean, std=draw(st.integers(0, 2 * mean)))
    if kind == "exponential":
        return Exponential(mean=draw(st.integers(1, 240)))
    return Empirical(samples=draw(st.lists(_minutes, min_size=1, max_size=6)))


@st.composite
def timed_sops(draw: st.DrawFn) -> tuple[Any, dict[str, Any], dict[str, Any]]:
    """A random SOP whose report has no error (about one in six generated), with a random
    duration per step and, for some decisions, random branch probabilities (each exit at
    least 5%, so the structure keeps its ends)."""
    procedure = build(draw(sop_specs(max_steps=10, dead_ends=False))).compile(strict=False)
    assume(procedure.report.ok)
    steps = procedure.definition.steps
    times = {s.id: draw(durations()) for s in steps}
    branches = {}
    for s in steps:
        labels = [e.label for e in s.exits]
        if s.exits and s.kind.value == "decision" and draw(st.booleans()):
            weights = [draw(st.integers(1, 19)) for _ in labels]
            branches[s.id] = {lab: w / sum(weights) for lab, w in zip(labels, weights,
                                                                       strict=True)}
    return procedure, times, branches


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.filter_too_much])
@given(timed_sops(), st.integers(0, 2**32 - 1))
def test_monte_carlo_agrees_with_the_exact_analysis(case: Any, seed: int) -> None:
    procedure, times, branches = case
    exact = analyse(procedure, durations=times, branches=branches)
    assume(sum(exact.visits.values()) < 200)  # keep each example quick
    mc = simulate_lead_time(procedure, replications=N, rng=np.random.default_rng(seed),
                            durations=times, branches=branches)
    # the mean within five standard errors (of the exact standard deviation)
    se = exact.std / math.sqrt(N)
    assert abs(mc.mean - exact.mean) <= 5 * se + 1e-9 * max(1.0, exact.mean)
    # visits per step and the probability of each end, within five binomial/visit errors
    for step, visits in exact.visits.items():
        spread = mc.visits_distribution
        assert spread is not None
        counts = np.asarray(list(spread[step].keys()), dtype=float)
        shares = np.asarray(list(spread[step].values()))
        sd = math.sqrt(max(float(shares @ (counts - visits) ** 2), 0.0))
        assert abs(mc.visits_mean[step] - visits) <= 6 * sd / math.sqrt(N) + 1e-9
    for end, p in exact.end_probability.items():
        binomial = math.sqrt(max(p * (1 - p), 0.0) / N)
        assert abs(mc.end_probability.get(end, 0.0) - p) <= 5 * binomial + 1e-9
    # the spread: sample variance within six of its own standard errors
    x = mc.lead_times - mc.mean
    m4 = float(np.mean(x**4))
    var = float(np.mean(x**2))
    se_var = math.sqrt(max(m4 - var**2, 0.0) / N)
    assert abs(var - exact.variance) <= 6 * se_var + 1e-9 * max(1.0, exact.variance)
    # the work per actor adds up to the work per step
    assert math.isclose(sum(exact.work.values()),
                        sum(exact.visits[s] * exact.step_mean[s] *
                            len(procedure.graph.nodes[s]["lanes"]) for s in exact.visits),
                        rel_tol=1e-9, abs_tol=1e-9)


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.filter_too_much])
@given(timed_sops())
def test_fixed_durations_and_certain_branches_give_one_exact_path(case: Any) -> None:
    procedure, _, _ = case
    steps = procedure.definition.steps
    times = {s.id: Fixed(value=float(i + 1) * 7) for i, s in enumerate(steps)}
    # take the first exit that reaches an end without coming back: the path is then fixed;
    # choose each decision's exit by walking from the start, avoiding revisits
    exact0 = analyse(procedure, durations=times)
    assume(sum(exact0.visits.values()) < 200)
    graph = procedure.graph
    first = next(iter(graph.succ["start"]))
    branches: dict[str, dict[str | None, float]] = {}
    node, seen, total = first, set(), 0.0
    while not node.startswith("end:"):
        assume(node not in seen)
        seen.add(node)
        total += times[node].value
        succ = list(graph.succ[node])
        if graph.nodes[node]["kind"] == "decision":
            ends = [t for t in succ if t.startswith("end:")]
            fresh = [t for t in succ if t not in seen and t != "start"]
            target = ends[0] if ends else (fresh[0] if fresh else succ[0])
            labels = {lab: (1.0 if t == target else 0.0)
                      for t in succ for lab in graph.succ[node][t]["labels"]}
            chosen = [lab for lab, p in labels.items() if p]
            labels = {lab: (1.0 if lab == chosen[0] else 0.0) for lab in labels}
            branches[node] = labels
            node = first if target == "start" else target  # an exit to Mulai restarts
        else:
            node = first if succ[0] == "start" else succ[0]
    mc = simulate_lead_time(procedure, replications=50, rng=0, durations=times,
                            branches=branches)
    assert np.all(mc.lead_times == total)
    exact = analyse(procedure, durations=times, branches=branches)
    assert math.isclose(exact.mean, total, rel_tol=1e-9)
    assert exact.variance <= 1e-6 * max(1.0, total) ** 2
