"""The simulator against hand-written floors, timed side by side in the same run.

Every section runs sopflow and its floor in interleaved rounds and prints each one's median
and spread (fastest-slowest round) and the ratio; see benchmarks/README.md.

1. Exact analysis (``analyse_chain`` on a built chain) of the generated looping SOP against
   a scipy sparse LU floor: the same transitions already as flat arrays, one ``splu`` and
   the three solves (mean, visits, variance), nothing else. Then ``analyse()`` end to end
   (chain built from the compiled SOP) at a large size, with the process's peak memory.
2. Monte Carlo (``simulate_lead_time``: chain, sampling and the result's visit tables)
   against a hand-written numpy floor that only samples lead times and ends with the same
   method (batches per step, straight runs summed locally): the reference SOP with every
   duration varying, 1,000,000 replications; the generated 1,000-step SOP with 100 loops,
   100,000 replications. One BLAS thread on both sides.
3. Queueing: the heap-based replay engine (``run_heap``) against a plain heapq loop of the
   same model (first come first served, multi-actor steps in lane order) replaying the very
   same cases, results checked equal; a plain SimPy model of the same cases as the peer.

Run: ``PYTHONPATH=src python benchmarks/bench_simulate.py`` (``--quick`` for a tenth of the
replications, ``--rounds N``, ``--exact-sizes 1000 10000``, ``--large 100000``).
"""

from __future__ import annotations

import argparse
import heapq
import resource
import subprocess
import sys
import time
from collections import deque
from pathlib import Path
from typing import Any

from timing import compare, one_thread

one_thread()

import numpy as np  # noqa: E402
from generated import REFERENCE_BRANCHES, REFERENCE_DURATIONS, looping_sop, reference  # noqa: E402

import sopflow  # noqa: E402
from sopflow.simulate.chain import Chain, build_chain  # noqa: E402
from sopflow.simulate.durations import Family  # noqa: E402
from sopflow.simulate.exact import analyse_chain  # noqa: E402
from sopflow.simulate.queueing import Replay, Tasks, make_tasks, run_heap, run_simpy  # noqa: E402

HERE = Path(__file__).resolve().parent


# -- 1. exact analysis ------------------------------------------------------------------------

def exact_floor(n: int, k: int, initial: int, edges: Any, mu: Any, var: Any) -> Any:
    """Mean, variance, visits and end probabilities with one sparse LU (scipy)."""
    from scipy.sparse import csc_matrix
    from scipy.sparse.linalg import splu

    src, tgt, prob = edges
    inner = tgt < n
    diag = np.arange(n)
    a = csc_matrix((np.concatenate([np.ones(n), -prob[inner]]),
                    (np.concatenate([diag, src[inner]]), np.concatenate([diag, tgt[inner]]))),
                   shape=(n, n))
    lu = splu(a)
    e = np.zeros(n)
    e[initial] = 1.0
    visits = lu.solve(e, trans="T")
    m = lu.solve(mu)
    after = np.concatenate([m, np.zeros(k)])[tgt]
    qm = np.bincount(src, weights=prob * after, minlength=n)
    v = lu.solve(var + np.bincount(src, weights=prob * (after - qm[src]) ** 2, minlength=n))
    outer = ~inner
    ends = np.bincount(tgt[outer] - n, weights=visits[src[outer]] * prob[outer], minlength=k)
    return m[initial], v[initial], visits, ends


def flat_edges(chain: Chain) -> Any:
    """Source, target, probability of every transition (set up before timing)."""
    src = [i for i, ts in enumerate(chain.targets) for _ in ts]
    tgt = [t for ts in chain.targets for t in ts]
    prob = [p for ps in chain.probs for p in ps]
    return np.asarray(src), np.asarray(tgt), np.asarray(prob, dtype=np.float64)


def bench_exact(steps: int, rounds: int) -> float:
    sop, branches = looping_sop(steps)
    chain = build_chain(sop.compile(), branches=branches)
    edges, mu, var = flat_edges(chain), chain.means(), chain.variances()
    ours = analyse_chain(chain)
    mean, variance, _, _ = exact_floor(chain.n, len(chain.ends), chain.initial, edges, mu, var)
    assert abs(ours.mean - mean) <= 1e-9 * mean and abs(ours.variance - variance) <= 1e-6 * variance
    return compare(
        f"1. exact analysis, generated {steps:,}-step SOP ({chain.n:,} states)",
        {"sopflow analyse_chain": lambda: analyse_chain(chain),
         "scipy splu floor": lambda: exact_floor(chain.n, len(chain.ends), chain.initial, edges,
                                                 mu, var)},
        rounds)


EXACT_CHILD = r"""
import resource, sys, time
sys.path.insert(0, sys.argv[2])
from generated import looping_sop
import sopflow
import scipy.sparse.linalg  # imported before timing: a one-off cost of a fresh process
sop, branches = looping_sop(int(sys.argv[1]))
procedure = sop.compile()
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
t0 = time.perf_counter()
result = sopflow.analyse(procedure, branches=branches)
seconds = time.perf_counter() - t0
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(f"{seconds:.3f} {before:.0f} {after:.0f} {result.mean:.1f}")
"""


def bench_exact_large(steps: int) -> None:
    out = subprocess.run([sys.executable, "-c", EXACT_CHILD, str(steps), str(HERE)],
                         capture_output=True, text=True, check=True).stdout.split()
    seconds, before, after = float(out[0]), float(out[1]), float(out[2])
    print(f"   analyse() end to end (chain built from the compiled SOP) at {steps:,} steps, fresh"
          f" process, one run: {seconds:.2f} s; peak RSS {after:.0f} MB ({before:.0f} MB"
          " before it, with the SOP compiled)")


# -- 2. Monte Carlo ---------------------------------------------------------------------------

class FloorModel:
    """The chain as the plain lists the floor reads (built before timing)."""

    def __init__(self, chain: Chain) -> None:
        for d in chain.dists:
            assert d.family in (Family.UNIFORM, Family.FIXED), d.describe
        self.n, self.initial = chain.n, chain.initial
        self.low = [d.a for d in chain.dists]
        self.width = [d.b - d.a if d.family is Family.UNIFORM else 0.0 for d in chain.dists]
        self.succ = [list(t) for t in chain.targets]
        self.cut = [p[0] for p in chain.probs]  # two exits at most in these SOPs
        indegree = [0] * chain.n
        for ts in chain.targets:
            for t in ts:
                if t < chain.n:
                    indegree[t] += 1
        self.carry = [ts[0] if len(ts) == 1 and ts[0] < chain.n and indegree[ts[0]] == 1
                      else -1 for ts in chain.targets]


def monte_carlo_floor(model: FloorModel, replications: int, rng: Any) -> Any:
    """Lead time and end of each replication: batches per step, lowest step first."""
    total = np.zeros(replications)
    end = np.empty(replications, dtype=np.intp)
    pending = {model.initial: [np.arange(replications)]}
    heap = [model.initial]
    low, width, succ, cut, carry, n = (model.low, model.width, model.succ, model.cut,
                                       model.carry, model.n)
    while heap:
        s = heapq.heappop(heap)
        parts = pending.pop(s)
        idx = parts[0] if len(parts) == 1 else np.concatenate(parts)
        acc = rng.random(idx.size) * width[s] + low[s]
        while carry[s] >= 0:
            s = carry[s]
            acc += rng.random(idx.size) * width[s] + low[s]
        total[idx] += acc
        ts = succ[s]
        if len(ts) == 1:
            groups = [(ts[0], idx)]
        else:
            first = rng.random(idx.size) < cut[s]
            groups = [(ts[0], idx[first]), (ts[1], idx[~first])]
        for t, sub in groups:
            if not sub.size:
                continue
            if t >= n:
                end[sub] = t - n
            elif t in pending:
                pending[t].append(sub)
            else:
                pending[t] = [sub]
                heapq.heappush(heap, t)
    return total, end


def bench_monte_carlo(title: str, procedure: Any, branches: Any, durations: Any,
                      replications: int, rounds: int) -> float:
    chain = build_chain(procedure, branches=branches, durations=durations)
    model = FloorModel(chain)
    rng = np.random.default_rng(1)
    exact = analyse_chain(chain)
    ours = sopflow.simulate_lead_time(procedure, replications=replications, rng=rng,
                                      branches=branches, durations=durations)
    floor_lead, _ = monte_carlo_floor(model, replications, rng)
    se = exact.std / replications ** 0.5
    for mean in (ours.mean, float(floor_lead.mean())):
        assert abs(mean - exact.mean) < 6 * se, (mean, exact.mean, se)
    ratio = compare(
        title,
        {"sopflow simulate_lead_time": lambda: sopflow.simulate_lead_time(
            procedure, replications=replications, rng=rng, branches=branches,
            durations=durations),
         "numpy floor": lambda: monte_carlo_floor(model, replications, rng)},
        rounds)
    print(f"   mean {ours.mean:.1f} min, floor {floor_lead.mean():.1f}, exact {exact.mean:.1f}"
          f" (standard error {se:.2f})")
    return ratio


# -- 3. queueing ------------------------------------------------------------------------------

def heapq_floor(tasks: Tasks) -> Replay:
    """The same replay as run_heap, as one plain loop: an event is "case c is free at t"."""
    arrivals, offsets, states = tasks.arrivals, tasks.offsets, tasks.states
    durs, lanes, cap = tasks.durations, tasks.lanes, tasks.capacity
    n_cases = len(arrivals)
    free = list(cap)
    queues: list[deque[int]] = [deque() for _ in cap]
    pos = offsets[:-1].copy()
    stop = offsets[1:]
    got = [0] * n_cases
    working = [False] * n_cases
    ready = [0.0] * n_cases
    finishes = [0.0] * n_cases
    waits = [0.0] * len(states)
    heap = [(t, c, c) for c, t in enumerate(arrivals)]
    heapq.heapify(heap)
    seq = n_cases
    open_cases, area, last = 0, 0.0, arrivals[0] if arrivals else 0.0
    woken: list[int] = []
    while heap:
        now, _, c = heapq.heappop(heap)
        area += open_cases * (now - last)
        last = now
        if working[c]:
            for a in lanes[states[pos[c]]]:
                if queues[a]:
                    w = queues[a].popleft()
                    got[w] += 1
                    woken.append(w)
                else:
                    free[a] += 1
            pos[c] += 1
            got[c] = 0
            working[c] = False
            if pos[c] == stop[c]:
                finishes[c] = now
                open_cases -= 1
                c = -1
        else:
            open_cases += 1
        if c >= 0:
            ready[c] = now
            woken.insert(0, c)
        for w in woken:
            task = pos[w]
            acts = lanes[states[task]]
            k = got[w]
            while k < len(acts) and free[acts[k]]:
                free[acts[k]] -= 1
                k += 1
            got[w] = k
            if k < len(acts):
                queues[acts[k]].append(w)
                continue
            waits[task] = now - ready[w]
            working[w] = True
            seq += 1
            heapq.heappush(heap, (now + durs[task], seq, w))
        woken.clear()
    return Replay(finishes=finishes, waits=waits, area=area)


def bench_queueing(cases: int, rounds: int) -> float:
    sop, branches = looping_sop(20, lanes=4)
    procedure = sop.compile()
    chain = build_chain(procedure, branches=branches)
    work = analyse_chain(chain).work
    rng = np.random.default_rng(2)
    rate = 0.85 / max(work.values())  # cases per minute: the busiest lane at 85% load
    arrivals = np.cumsum(rng.exponential(1 / rate, cases))
    tasks, _, _ = make_tasks(chain, arrivals, [1] * len(chain.actors), rng)
    ours, floor = run_heap(tasks), heapq_floor(tasks)
    assert ours.finishes == floor.finishes and ours.waits == floor.waits
    ratio = compare(
        f"3. queueing: {cases:,} cases, {len(tasks.states):,} tasks, busiest lane at 85% load",
        {"sopflow run_heap": lambda: run_heap(tasks),
         "plain heapq loop": lambda: heapq_floor(tasks)},
        rounds)
    try:
        import simpy  # noqa: F401
    except ImportError:
        print("   simpy not installed: no peer comparison")
        return ratio
    start = time.perf_counter()
    peer = run_simpy(tasks)
    simpy_s = time.perf_counter() - start
    assert np.allclose(peer.finishes, ours.finishes, rtol=1e-12)
    print(f"   peer: plain SimPy model of the same cases, one run: {simpy_s:.3f} s"
          f" (same finishes)")
    return ratio


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="a tenth of the replications and cases (a quick look)")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--exact-sizes", type=int, nargs="*", default=[1000, 10_000],
                        help="steps of the SOPs for the exact analysis against its floor")
    parser.add_argument("--large", type=int, default=100_000,
                        help="steps for the end-to-end exact analysis (0: skip)")
    args = parser.parse_args()
    tenth = 10 if args.quick else 1
    r = args.rounds
    print(f"python {sys.version.split()[0]}, numpy {np.__version__}; one BLAS thread;"
          f" peak RSS so far {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024} MB")
    ratios = {}
    for steps in args.exact_sizes:
        ratios[f"exact {steps:,} steps"] = bench_exact(steps, r)
    if args.large:
        bench_exact_large(args.large)
    procedure = reference().compile()
    reps = 1_000_000 // tenth
    ratios["Monte Carlo reference"] = bench_monte_carlo(
        f"2. Monte Carlo, reference SOP, every duration varying, {reps:,} replications",
        procedure, REFERENCE_BRANCHES, REFERENCE_DURATIONS, reps, r)
    big, branches = looping_sop(1000)
    reps = 100_000 // tenth
    ratios["Monte Carlo 1,000 steps"] = bench_monte_carlo(
        f"   Monte Carlo, generated 1,000-step SOP with 100 loops, {reps:,} replications",
        big.compile(), branches, None, reps, r)
    ratios["queueing"] = bench_queueing(10_000 // tenth, r)
    print("summary (sopflow / floor, medians):")
    for name, ratio in ratios.items():
        print(f"   {name:<26} {ratio:5.2f}x")


if __name__ == "__main__":
    main()
