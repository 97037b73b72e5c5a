"""The dense exact analysis sopflow used before the sparse one: kept as a test oracle.

It builds the n x n matrices and solves them with ``numpy.linalg.solve`` (three separate
factorisations): slow and memory-hungry past a few thousand steps, but short enough to check
by eye, so the sparse :func:`sopflow.simulate.exact.analyse_chain` is compared with it.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from sopflow.simulate.chain import Chain


def dense_matrices(chain: Chain) -> tuple[Any, Any]:
    """Q (state -> state) and R (state -> end), dense."""
    n, m = chain.n, len(chain.ends)
    q = np.zeros((n, n))
    r = np.zeros((n, m))
    for i, (ts, ps) in enumerate(zip(chain.targets, chain.probs, strict=True)):
        for t, p in zip(ts, ps, strict=True):
            if t < n:
                q[i, t] += p
            else:
                r[i, t - n] += p
    return q, r


def dense_analysis(chain: Chain) -> dict[str, Any]:
    """Mean, variance, visits, end probabilities, work per actor and exit visits."""
    n = chain.n
    q, r = dense_matrices(chain)
    a = np.eye(n) - q
    start = np.zeros(n)
    start[chain.initial] = 1.0
    mu, sigma2 = chain.means(), chain.variances()
    visits = np.linalg.solve(a.T, start)
    m = np.linalg.solve(a, mu)
    full_m = np.concatenate([m, np.zeros(len(chain.ends))])
    qm = q @ m
    spread = np.zeros(n)
    for i, (ts, ps) in enumerate(zip(chain.targets, chain.probs, strict=True)):
        spread[i] = sum(p * (full_m[t] - qm[i]) ** 2 for t, p in zip(ts, ps, strict=True))
    v = np.linalg.solve(a, sigma2 + spread)
    end_p = visits @ r
    work = dict.fromkeys(chain.actors, 0.0)
    for i, lanes in enumerate(chain.lanes):
        for actor in lanes:
            work[actor] += float(visits[i] * mu[i])
    exits: dict[str, dict[str, float]] = {}
    for i, (ts, ps) in enumerate(zip(chain.targets, chain.probs, strict=True)):
        if len(ts) > 1:
            names = [chain.states[t] if t < n else chain.ends[t - n] for t in ts]
            exits[chain.states[i]] = {
                name: float(visits[i] * p) for name, p in zip(names, ps, strict=True)
            }
    return {
        "mean": float(m[chain.initial]),
        "variance": max(float(v[chain.initial]), 0.0),
        "end_probability": {e: float(p) for e, p in zip(chain.ends, end_p, strict=True)},
        "visits": {s: float(x) for s, x in zip(chain.states, visits, strict=True)},
        "work": work,
        "transitions": exits,
    }
