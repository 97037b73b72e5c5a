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

__all__ = ["Paths", "make_rng", "run_paths", "simulate_chain", "simulate_lead_time"]

#: Cap on visits-per-step counts kept per replication (replications x looping steps).
VISIT_TABLE_LIMIT = 20_000_000


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
    max_hops: int = 1_000_000,
) -> Paths:
    """Simulate ``replications`` independent cases of ``chain`` (see the module docstring)."""
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
    while idx.size:
        hops += 1
        if hops > max_hops:
            raise SimulationError(
                f"SOP {chain.name!r}: a replication is still running after {max_hops} steps;"
                " a loop almost never exits (check the branch probabilities) or raise max_hops"
            )
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
                          bare_hari=procedure.definition.bare_hari_basis)


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
