"""Monte Carlo timing: many independent cases, vectorised across replications with numpy.

What a case does next never depends on how long its steps took, so the cases are moved in
batches, step by step rather than hop by hop: a batch is the array of replications standing
at one step. Processing it draws all their durations in one numpy call with the step's own
(scalar) parameters, adds them to each replication's running total, and splits the batch
among the step's exits with one uniform draw. A run of steps that can only be entered from
the step before (the usual straight line of an SOP) is walked with the same batch, summing
the durations locally and touching the per-replication totals once at the end of the run.
Batches waiting at a step are merged and the lowest step (row order) goes first, so a
correction loop sends its returning cases round as one batch per lap. The Python loop runs
once per batch, never once per replication.

Guard: a loop that almost never exits would keep batches going round for ever. Each step in
a loop counts the batches (laps) processed there; past ``max_hops`` laps the run stops with
:class:`SimulationError` naming the loop. No single case can visit the step more often than
there were laps, so a case is never cut short below that bound.
"""

from __future__ import annotations

import heapq
from collections.abc import Mapping
from typing import TYPE_CHECKING

import attrs

from sopflow.simulate.chain import Branches, Chain, SimulationError, build_chain
from sopflow.simulate.durations import DurationSpec, RangeShape, draw
from sopflow.simulate.result import SimulationResult, Times, to_minutes
from sopflow.waktu import WORKING_DAY_HOURS, WORKING_WEEK_DAYS

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    from sopflow.procedure import Procedure

__all__ = [
    "MAX_EXPECTED_HOPS",
    "MAX_LAPS",
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
#: the chain's fundamental matrix, one sparse solve) must stay under this ...
MAX_EXPECTED_HOPS = 2_000
#: ... then, while running, no step in a loop may be passed by more batches than this (see
#: the module docstring) ...
MAX_LAPS = 1_000_000
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
    visits: npt.NDArray[np.uint16] | None  # looping state x replication visit counts, if kept
    looping: tuple[int, ...]  # states that can be visited more than once
    hops: int  # batches processed (the sampler's Python-level work)
    # Every visit in order (only when recorded): replication, state, duration.
    log: tuple[npt.NDArray[np.intp], npt.NDArray[np.intp], npt.NDArray[np.float64]] | None


def run_paths(
    chain: Chain,
    replications: int,
    rng: np.random.Generator,
    *,
    track_visits: bool | None = None,
    record: bool = False,
    max_hops: int = MAX_LAPS,
    max_seconds: float | None = MAX_SECONDS,
) -> Paths:
    """Simulate ``replications`` independent cases of ``chain`` (see the module docstring).

    ``max_hops``: the most laps through any one step in a loop, and ``max_seconds`` the
    longest the run may take, before it stops with :class:`SimulationError` naming the loop
    (a loop that almost never exits)."""
    import time

    if not (isinstance(replications, int) and replications >= 1):
        raise ValueError(f"replications must be a positive int, got {replications!r}")
    walk = _Walk(chain, replications, rng, track_visits=track_visits, record=record,
                 max_laps=max_hops)
    walk.deadline = None if max_seconds is None else time.monotonic() + max_seconds
    walk.max_seconds = max_seconds
    walk.run()
    return walk.paths()


class _Walk:
    """The state of one :func:`run_paths` call: per-replication totals and the batches
    waiting at each step (a heap of step indices, lowest row first)."""

    def __init__(self, chain: Chain, replications: int, rng: np.random.Generator, *,
                 track_visits: bool | None, record: bool, max_laps: int) -> None:
        import numpy as np

        n = chain.n
        self.chain, self.rng, self.n, self.max_laps = chain, rng, n, max_laps
        self.replications = replications
        cyclic = chain.on_cycle()
        self.looping = tuple(i for i in range(n) if cyclic[i])
        if track_visits is None:
            track_visits = replications * len(self.looping) <= VISIT_TABLE_LIMIT
        self.column = [-1] * n
        for col, i in enumerate(self.looping):
            self.column[i] = col
        self.visits = (np.zeros((len(self.looping), replications), dtype=np.uint16)
                       if track_visits else None)
        self.laps = [0] * n
        # Walk straight on from s to t when t is s's only successor and s is t's only
        # predecessor: the batch stays whole, no merging needed.
        indegree = [0] * n
        for ts in chain.targets:
            for t in ts:
                if t < n:
                    indegree[t] += 1
        self.carry = [ts[0] if len(ts) == 1 and ts[0] < n and ts[0] != i
                      and indegree[ts[0]] == 1 else -1
                      for i, ts in enumerate(chain.targets)]
        # exit boundaries of each decision (the last, 1, is implied)
        self.cum = [np.cumsum(ps)[:-1] if len(ps) > 1 else None for ps in chain.probs]
        self.total = np.zeros(replications, dtype=np.float64)
        self.end = np.full(replications, -1, dtype=np.intp)
        self.visit_count = [0] * n
        self.work_sum = [0.0] * n
        self.pending: dict[int, list[npt.NDArray[np.intp]]] = {}
        self.heap: list[int] = []
        self.record = record
        self.log: list[tuple[npt.NDArray[np.intp], int, npt.NDArray[np.float64] | float]] = []
        self.batches = 0
        self.deadline: float | None = None  # time.monotonic() past which the run stops
        self.max_seconds: float | None = None

    def run(self) -> None:
        import numpy as np

        self._push(self.chain.initial, np.arange(self.replications, dtype=np.intp))
        while self.heap:
            s = heapq.heappop(self.heap)
            waiting = self.pending.pop(s)
            idx = waiting[0] if len(waiting) == 1 else np.concatenate(waiting)
            self.batches += 1
            if self.deadline is not None and self.batches % 64 == 1:  # the first, then every 64th
                self._check_time(s, idx.size)
            self._walk(s, idx)

    def _check_time(self, s: int, running: int) -> None:
        import time

        if self.deadline is not None and time.monotonic() > self.deadline:
            raise SimulationError(_endless(self.chain, s, self.laps[s], running,
                                           when=f"after {self.max_seconds:g} seconds "
                                                "(max_seconds)"))

    def _push(self, s: int, idx: npt.NDArray[np.intp]) -> None:
        waiting = self.pending.get(s)
        if waiting is None:
            self.pending[s] = [idx]
            heapq.heappush(self.heap, s)
        else:
            waiting.append(idx)

    def _walk(self, s: int, idx: npt.NDArray[np.intp]) -> None:
        """Take the batch ``idx`` through step ``s`` and the straight run after it."""
        m = idx.size
        acc: npt.NDArray[np.float64] | float = 0.0
        dists, column, carry = self.chain.dists, self.column, self.carry
        while True:
            d = draw(self.rng, dists[s], m)
            if isinstance(acc, float):
                acc = acc + d  # a new array (or still a number): ours to add into
            else:
                acc += d
            self.visit_count[s] += m
            self.work_sum[s] += d * m if isinstance(d, float) else float(d.sum())
            if column[s] >= 0:
                self._lap(s, idx)
            if self.record:
                self.log.append((idx, s, d))
            if carry[s] < 0:
                break
            s = carry[s]
        self.total[idx] += acc
        self._split(s, idx)

    def _lap(self, s: int, idx: npt.NDArray[np.intp]) -> None:
        """One more batch through looping step ``s``: count it (the guard) and the visits."""
        self.laps[s] += 1
        if self.laps[s] > self.max_laps:
            raise SimulationError(_endless(self.chain, s, self.max_laps, idx.size))
        if self.visits is not None:
            row = self.visits[self.column[s]]
            row[idx] += 1

    def _split(self, s: int, idx: npt.NDArray[np.intp]) -> None:
        """Send each replication of the batch at ``s`` to its next step or end."""
        import numpy as np

        targets, cum, n = self.chain.targets[s], self.cum[s], self.n
        if len(targets) == 1:
            parts = [(targets[0], idx)]
        else:
            u = self.rng.random(idx.size)
            assert cum is not None
            if len(targets) == 2:
                first = u < cum[0]
                parts = [(targets[0], idx[first]), (targets[1], idx[~first])]
            else:
                k = np.searchsorted(cum, u, side="right")
                parts = [(t, idx[k == j]) for j, t in enumerate(targets)]
        for t, sub in parts:
            if not sub.size:
                continue
            if t >= n:
                self.end[sub] = t - n
            else:
                self._push(t, sub)

    def paths(self) -> Paths:
        import numpy as np

        log = None
        if self.record:
            log = self._log()
        return Paths(lead=self.total, end=self.end,
                     visit_count=np.asarray(self.visit_count, dtype=np.int64),
                     work_sum=np.asarray(self.work_sum, dtype=np.float64),
                     visits=self.visits, looping=self.looping, hops=self.batches, log=log)

    def _log(self) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp], npt.NDArray[np.float64]]:
        import numpy as np

        if not self.log:  # pragma: no cover - every run visits the first step
            empty = np.zeros(0, dtype=np.intp)
            return empty, empty, np.zeros(0)
        r_all = np.concatenate([idx for idx, _, _ in self.log])
        s_all = np.concatenate([np.full(idx.size, s, dtype=np.intp) for idx, s, _ in self.log])
        d_all = np.concatenate([np.broadcast_to(np.asarray(d, dtype=np.float64), idx.shape)
                                for idx, _, d in self.log])
        order = np.argsort(r_all, kind="stable")  # per replication, visits stay in order
        return r_all[order], s_all[order], d_all[order]


def _endless(chain: Chain, s: int, laps: int, running: int, *, when: str = "") -> str:
    """The guard's message: the loop through step ``s`` and what to do about it."""
    steps, more = _loop_steps(chain, s)
    stopped = when or f"after {laps:,} laps"
    return (f"SOP {chain.name!r}: {running:,} case(s) still going round the loop through step"
            f" {chain.states[s]!r} {stopped} (loop steps: {steps}{more}); the loop"
            " almost never exits: check the branch probabilities of its decisions, or raise"
            " max_hops / max_seconds (see docs/security.md)")


def _loop_steps(chain: Chain, s: int) -> tuple[str, str]:
    """The steps of the strongly connected part holding ``s``, named (at most 8)."""
    import networkx as nx

    g: nx.DiGraph[int] = nx.DiGraph()
    g.add_nodes_from(range(chain.n))
    for i, ts in enumerate(chain.targets):
        g.add_edges_from((i, t) for t in ts if t < chain.n)
    loop = next(c for c in nx.strongly_connected_components(g) if s in c)
    steps = ", ".join(repr(chain.states[i]) for i in sorted(loop)[:8])
    more = f" and {len(loop) - 8} more" if len(loop) > 8 else ""
    return steps, more


def check_expected_hops(chain: Chain, limit: int = MAX_EXPECTED_HOPS) -> None:
    """Refuse, before simulating, a chain whose mean case visits more than ``limit`` steps
    (exact: one sparse solve, see :mod:`sopflow.simulate.exact`)."""
    import numpy as np

    from sopflow.simulate.exact import expected_visits

    visits = expected_visits(chain)
    total = float(visits.sum())
    if not total > limit:  # also lets NaN through to the run's own budget
        return
    steps, more = _loop_steps(chain, int(np.argmax(visits)))
    raise SimulationError(
        f"SOP {chain.name!r}: one case would visit {total:,.0f} steps on average (limit "
        f"{limit:,}), going round the loop through step(s) {steps}{more}, which almost never "
        "exits: check the branch probabilities of its decisions (e.g. --branch STEP:LABEL=P);"
        " the budgets are MAX_EXPECTED_HOPS, MAX_LAPS and MAX_SECONDS in "
        "sopflow.simulate.montecarlo (see docs/security.md)"
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
    working_day_hours: float = WORKING_DAY_HOURS,
    working_days_per_week: float = WORKING_WEEK_DAYS,
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
            bins = np.bincount(paths.visits[col])
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
