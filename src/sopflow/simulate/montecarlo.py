"""Monte Carlo timing: many independent cases, vectorised across replications with numpy.

All replications advance together one "hop" (one step visit) at a time: an array holds each
running replication's current step; one vectorised draw gives all their durations (one numpy
call per distribution family present), one draw picks all their next steps, and replications
that reached an end drop out. The Python loop runs once per hop, never once per replication.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

import attrs

from sopflow.simulate.chain import Branches, Chain, SimulationError, build_chain
from sopflow.simulate.durations import DurationSpec, RangeShape, sample
from sopflow.simulate.result import SimulationResult, Times, to_minutes

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    from sopflow.procedure import Procedure

__all__ = [
    "MAX_EXPECTED_HOPS",
    "MAX_HOPS",
    "MAX_SECONDS",
    "Paths",
    "check_expected_hops",
    "make_rng",
    "run_paths",
    "simulate_chain",
    "simulate_lead_time",
]

#: Cap on visits-per-step counts kept per replication (replications x looping steps).
VISIT_TABLE_LIMIT = 20_000_000
#: Budget of one simulation. A valid SOP whose loop almost never exits ("Tidak" with
#: probability 0.99999) would run for hours; instead it stops with a :class:`SimulationError`
#: naming the loop. Checked first, exactly: the mean number of steps one case visits (from
#: the chain's transition matrix) must stay under this ...
MAX_EXPECTED_HOPS = 2_000
#: ... then, while running, no replication may visit more steps than this (the unlucky tail;
#: it also keeps the 16-bit per-replication visit counts from wrapping) ...
MAX_HOPS = 60_000
#: ... and the whole run may take at most this many seconds.
MAX_SECONDS = 120.0


def make_rng(rng: np.random.Generator | int | None) -> np.random.Generator:
    """The generator to draw from: a Generator as given, an int as a seed, None: fresh."""
    import numpy as np

    if isinstance(rng, np.random.Generator):
        return rng
    if rng is None or (isinstance(rng, int) and not isinstance(rng, bool)):
        return np.random.default_rng(rng)
    raise TypeError(f"rng must be a numpy.random.Generator, an int seed or None, got {rng!r}")


@attrs.frozen(kw_only=True, eq=False)
class Paths:
    """What :func:`run_paths` produced; arrays are indexed by replication or by state."""

    lead: npt.NDArray[np.float64]  # total working minutes per replication
    end: npt.NDArray[np.intp]  # index of the end reached
    visit_count: npt.NDArray[np.int64]  # total visits per state over all replications
    work_sum: npt.NDArray[np.float64]  # total minutes spent per state
    visits: npt.NDArray[np.uint16] | None  # per replication x looping state, if kept
    looping: tuple[int, ...]  # states that can be visited more than once
    hops: int
    # Every visit in order (only when recorded): replication, state, duration.
    log: tuple[npt.NDArray[np.intp], npt.NDArray[np.intp], npt.NDArray[np.float64]] | None


def run_paths(
    chain: Chain,
    replications: int,
    rng: np.random.Generator,
    *,
    track_visits: bool | None = None,
    record: bool = False,
    max_hops: int = MAX_HOPS,
    max_seconds: float | None = MAX_SECONDS,
) -> Paths:
    """Simulate ``replications`` independent cases of ``chain`` (see the module docstring).

    Stops with a :class:`SimulationError` naming the loop when a replication needs more than
    ``max_hops`` step visits or the whole run more than ``max_seconds`` seconds.
    """
    import time

    import numpy as np

    if not (isinstance(replications, int) and replications >= 1):
        raise ValueError(f"replications must be a positive int, got {replications!r}")
    n = chain.n
    cyclic = chain.on_cycle()
    looping = tuple(i for i in range(n) if cyclic[i])
    if track_visits is None:
        track_visits = replications * len(looping) <= VISIT_TABLE_LIMIT
    column = np.full(n, -1, dtype=np.intp)
    column[list(looping)] = np.arange(len(looping))
    visits = np.zeros((replications, len(looping)), dtype=np.uint16) if track_visits else None

    # Successor tables: one deterministic successor, or a padded cumulative row per state.
    degree = max(len(t) for t in chain.targets)
    succ = np.full((n, degree), -1, dtype=np.intp)
    cum = np.full((n, degree), 2.0)  # padding never chosen (u < 1)
    for i, (ts, ps) in enumerate(zip(chain.targets, chain.probs, strict=True)):
        succ[i, : len(ts)] = ts
        c = np.cumsum(ps)
        c[-1] = 1.0
        cum[i, : len(ts)] = c
    single = np.asarray([len(t) == 1 for t in chain.targets])
    first_succ = succ[:, 0].copy()

    lead = np.empty(replications, dtype=np.float64)
    end = np.empty(replications, dtype=np.intp)
    visit_count = np.zeros(n, dtype=np.int64)
    work_sum = np.zeros(n, dtype=np.float64)
    idx = np.arange(replications, dtype=np.intp)
    state = np.full(replications, chain.initial, dtype=np.intp)
    total = np.zeros(replications, dtype=np.float64)
    log_r: list[npt.NDArray[np.intp]] = []
    log_s: list[npt.NDArray[np.intp]] = []
    log_d: list[npt.NDArray[np.float64]] = []
    hops = 0
    deadline = None if max_seconds is None else time.monotonic() + max_seconds
    while idx.size:
        hops += 1
        if hops > max_hops:
            raise _over_budget(chain, state, f"after {max_hops:,} steps (max_hops)")
        if deadline is not None and hops % 64 == 0 and time.monotonic() > deadline:
            raise _over_budget(chain, state, f"after {max_seconds:g} seconds (max_seconds)")
        d = sample(rng, state, chain.table)
        total += d
        visit_count += np.bincount(state, minlength=n)
        work_sum += np.bincount(state, weights=d, minlength=n)
        if visits is not None and looping:
            col = column[state]
            on = col >= 0
            visits[idx[on], col[on]] += 1
        if record:
            log_r.append(idx)
            log_s.append(state)
            log_d.append(d)
        nxt = first_succ[state]
        branch = ~single[state]
        if branch.any():
            sb = state[branch]
            u = rng.random(sb.shape[0])
            k = (cum[sb] <= u[:, None]).sum(axis=1)
            nxt[branch] = succ[sb, k]
        done = nxt >= n
        if done.any():
            finished = idx[done]
            lead[finished] = total[done]
            end[finished] = nxt[done] - n
            keep = ~done
            idx, state, total = idx[keep], nxt[keep], total[keep]
        else:
            state = nxt
    log = None
    if record:
        r_all, s_all, d_all = np.concatenate(log_r), np.concatenate(log_s), np.concatenate(log_d)
        order = np.argsort(r_all, kind="stable")  # per replication, visits stay in order
        log = (r_all[order], s_all[order], d_all[order])
    return Paths(lead=lead, end=end, visit_count=visit_count, work_sum=work_sum, visits=visits,
                 looping=looping, hops=hops, log=log)


def _over_budget(chain: Chain, state: npt.NDArray[np.intp], when: str) -> SimulationError:
    """The error for a run stopped by its budget, naming the steps the unfinished
    replications are going round (the loop that almost never exits)."""
    import numpy as np

    counts = np.bincount(state, minlength=chain.n)
    return SimulationError(
        f"SOP {chain.name!r}: stopped {when} with {state.size:,} replication(s) still going "
        f"round {_loop_of(chain, int(np.argmax(counts)))}, which almost never exits. {_ADVICE}"
    )


_ADVICE = ("Check the branch probabilities of its decision (e.g. --branch STEP:LABEL=P); the "
           "budgets are MAX_EXPECTED_HOPS, MAX_HOPS and MAX_SECONDS in "
           "sopflow.simulate.montecarlo (see docs/security.md)")


def _loop_of(chain: Chain, state: int) -> str:
    """``the loop through steps 's3' -> 's4'``: the strongly connected part holding ``state``."""
    import networkx as nx

    g: nx.DiGraph[int] = nx.DiGraph()
    g.add_nodes_from(range(chain.n))
    for i, ts in enumerate(chain.targets):
        g.add_edges_from((i, t) for t in ts if t < chain.n)
    part = next(c for c in nx.strongly_connected_components(g) if state in c)
    names = [repr(chain.states[i]) for i in sorted(part)]
    shown = ", ".join(names[:8]) + (f" and {len(names) - 8} more" if len(names) > 8 else "")
    return f"the loop through step(s) {shown}"


def check_expected_hops(chain: Chain, limit: int = MAX_EXPECTED_HOPS) -> None:
    """Refuse, before simulating, a chain whose mean case visits more than ``limit`` steps."""
    import numpy as np

    q, _ = chain.matrices()
    start = np.zeros(chain.n)
    start[chain.initial] = 1.0
    try:
        visits = np.linalg.solve(np.eye(chain.n) - q.T, start)
    except np.linalg.LinAlgError:
        return  # a loop with no way out is refused by build_chain; nothing to add here
    total = float(visits.sum())
    if not total > limit:  # also lets NaN through to the run's own budget
        return
    raise SimulationError(
        f"SOP {chain.name!r}: one case would visit {total:,.0f} steps on average (limit "
        f"{limit:,}), going round {_loop_of(chain, int(np.argmax(visits)))}, which almost "
        f"never exits. {_ADVICE}"
    )


def simulate_lead_time(
    procedure: Procedure,
    *,
    replications: int = 100_000,
    rng: np.random.Generator | int | None = None,
    branches: Branches | None = None,
    durations: Mapping[str, DurationSpec] | None = None,
    range_shape: RangeShape = "uniform",
    deadline: Times = None,
    working_day_hours: float = 7.5,
    working_days_per_week: float = 5.0,
    track_visits: bool | None = None,
) -> SimulationResult:
    """Monte Carlo lead time of ``procedure``: ``replications`` independent cases.

    ``rng``: a ``numpy.random.Generator`` (or an int seed) so results can be reproduced.
    ``deadline``: working minutes or a Waktu text ("130 hari kerja"); the result then reports
    the probability of finishing within it. ``track_visits``: keep each replication's visit
    counts of the steps in loops (for the visits distribution); by default only when that
    table stays under 20 million entries. Other arguments as for :func:`~sopflow.analyse`.
    """
    chain = build_chain(procedure, branches=branches, durations=durations,
                        range_shape=range_shape, working_day_hours=working_day_hours,
                        working_days_per_week=working_days_per_week)
    return simulate_chain(chain, replications=replications, rng=make_rng(rng),
                          deadline=deadline, track_visits=track_visits,
                          bare_hari=procedure.definition.bare_hari)


def simulate_chain(
    chain: Chain,
    *,
    replications: int,
    rng: np.random.Generator,
    deadline: Times = None,
    track_visits: bool | None = None,
    bare_hari: object = None,
) -> SimulationResult:
    """:func:`simulate_lead_time` for an already built chain."""
    import numpy as np

    from sopflow.waktu import Basis

    limit = None
    if deadline is not None:
        limit = to_minutes(deadline, chain.working_day_hours,
                           bare_hari if isinstance(bare_hari, Basis) else Basis.WORKING,
                           what="deadline")
    check_expected_hops(chain)
    paths = run_paths(chain, replications, rng, track_visits=track_visits)
    n = chain.n
    visit_hist: dict[str, dict[int, float]] | None = {}
    assert visit_hist is not None
    counts = paths.visit_count.astype(np.float64)
    looping = set(paths.looping)
    for i, s in enumerate(chain.states):
        if i not in looping:  # visited at most once: a yes/no distribution
            p = counts[i] / replications
            visit_hist[s] = {k: v for k, v in ((0, 1.0 - p), (1, p)) if v > 0}
    if paths.visits is not None:
        for col, i in enumerate(paths.looping):
            bins = np.bincount(paths.visits[:, col])
            visit_hist[chain.states[i]] = {
                k: float(c) / replications for k, c in enumerate(bins) if c
            }
    else:
        visit_hist = None
    work = dict.fromkeys(chain.actors, 0.0)
    for i, lanes in enumerate(chain.lanes):
        for actor in lanes:
            work[actor] += float(paths.work_sum[i]) / replications
    end_counts = np.bincount(paths.end, minlength=len(chain.ends))
    return SimulationResult(
        name=chain.name,
        replications=replications,
        lead_times=paths.lead,
        end_probability={e: float(c) / replications for e, c in zip(chain.ends, end_counts,
                                                                     strict=True)},
        visits_mean={s: float(counts[i]) / replications for i, s in enumerate(chain.states)},
        visits_distribution=visit_hist,
        work=work,
        deadline=limit,
        warnings=chain.warnings,
        working_day_hours=chain.working_day_hours,
        hops=paths.hops,
        states=chain.states[:n],
    )
