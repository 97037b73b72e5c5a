"""Many cases sharing limited people: a discrete-event simulation.

Cases arrive over time (a fixed schedule, or a Poisson process), each follows the procedure,
and each step needs its actor: an actor handles up to ``capacity`` tasks at once, the others
wait in first-come first-served order. A joint step (several actors) takes one unit of each of
its actors, acquired in lane order and held until the step is done; acquiring in one fixed
order means no two cases can each hold what the other waits for, so there is no deadlock.

What each case does (its path and every step's duration) does not depend on the waiting, so
the paths are drawn first with the vectorised Monte Carlo sampler; the event loop then only
replays them through the actors' queues. The loop is a small ``heapq`` event list rather than
SimPy: it needs no extra dependency, has no per-event generator or callback overhead (the
benchmark prints the ratio to a plain SimPy model of the same process), and its whole state
is a few lists a test can check. :func:`run_simpy` is that SimPy model, kept as a cross-check.

Before simulating, the offered load of each actor is computed (expected work arriving per
minute divided by capacity); at 1 or more the queue grows without bound, the lead time
measures only the length of the run, and an :class:`OverloadWarning` is issued.
"""

from __future__ import annotations

import heapq
import math
import warnings
from collections import deque
from collections.abc import Mapping
from typing import TYPE_CHECKING

import attrs

from sopflow.simulate.chain import Branches, Chain, build_chain
from sopflow.simulate.durations import DurationSpec, RangeShape
from sopflow.simulate.exact import analyse_chain
from sopflow.simulate.montecarlo import make_rng, run_paths
from sopflow.simulate.result import CasesResult, StepWait, to_minutes
from sopflow.waktu import WORKING_DAY_HOURS, WORKING_WEEK_DAYS

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    from sopflow.procedure import Procedure

__all__ = [
    "OverloadWarning",
    "Tasks",
    "make_tasks",
    "offered_load",
    "run_heap",
    "run_simpy",
    "simulate_cases",
]


class OverloadWarning(UserWarning):
    """An actor's offered load is 1 or more: the work cannot keep up with the arrivals."""


@attrs.frozen(kw_only=True, eq=False)
class Tasks:
    """The cases to replay, as plain lists (what both event engines read).

    Case c's tasks are ``offsets[c]:offsets[c + 1]`` of ``states``/``durations``; a task's
    actors are ``lanes[state]`` (indices into the capacity list, in lane order).
    """

    arrivals: list[float]
    offsets: list[int]
    states: list[int]
    durations: list[float]
    lanes: list[tuple[int, ...]]
    capacity: list[int]


@attrs.frozen(kw_only=True, eq=False)
class Replay:
    """What an engine returns: each case's finish, each task's wait, the area under the
    number-of-open-cases curve (for the time average)."""

    finishes: list[float]
    waits: list[float]
    area: float


def run_heap(tasks: Tasks) -> Replay:
    """Replay ``tasks`` with a heap-based event loop (see the module docstring).

    There is one kind of event, "case c is free at time t" (it arrived, or its task is
    done): the case hands the units it held straight to the next in line, then it and every
    case so woken try to take the units of their next task, in lane order, queueing at the
    first actor with none free. Ties in time go by the order the events were made
    (arrivals first, in case order), so the replay is deterministic.
    """
    arrivals, offsets, states = tasks.arrivals, tasks.offsets, tasks.states
    durs, lanes, cap = tasks.durations, tasks.lanes, tasks.capacity
    n_cases = len(arrivals)
    free = list(cap)
    queues: list[deque[int]] = [deque() for _ in cap]
    pos = offsets[:-1].copy()  # current task of each case
    stop = offsets[1:]
    got = [0] * n_cases  # actors of the current task already held
    working = [False] * n_cases
    ready = [0.0] * n_cases
    finishes = [0.0] * n_cases
    waits = [0.0] * len(states)
    heap = [(t, c, c) for c, t in enumerate(arrivals)]  # (time, sequence, case)
    heapq.heapify(heap)
    pop, push = heapq.heappop, heapq.heappush
    seq = n_cases
    open_cases, area, last = 0, 0.0, arrivals[0] if arrivals else 0.0
    woken: list[int] = []
    while heap:
        now, _, c = pop(heap)
        area += open_cases * (now - last)
        last = now
        if working[c]:  # its task is done: pass each unit on or free it
            for a in lanes[states[pos[c]]]:
                queue = queues[a]
                if queue:
                    waiting = queue.popleft()
                    got[waiting] += 1
                    woken.append(waiting)
                else:
                    free[a] += 1
            working[c] = False
            got[c] = 0
            pos[c] += 1
        else:  # it arrives
            open_cases += 1
        if pos[c] == stop[c]:  # no task left (a case without steps is done on arrival)
            finishes[c] = now
            open_cases -= 1
        else:
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
            push(heap, (now + durs[task], seq, w))
        woken.clear()
    return Replay(finishes=finishes, waits=waits, area=area)


def run_simpy(tasks: Tasks) -> Replay:
    """The same replay as :func:`run_heap`, written as a plain SimPy model (needs ``simpy``;
    used by the tests and the benchmark as an independent check, not by the library)."""
    import simpy

    env = simpy.Environment(initial_time=min(tasks.arrivals, default=0.0))
    resources = [simpy.Resource(env, capacity=c) for c in tasks.capacity]
    finishes = [0.0] * len(tasks.arrivals)
    waits = [0.0] * len(tasks.states)
    area = [0.0, 0.0, 0.0]  # area, open cases, last change

    def count(delta: int) -> None:
        area[0] += area[1] * (env.now - area[2])
        area[1] += delta
        area[2] = env.now

    def case(c: int):  # type: ignore[no-untyped-def]
        yield env.timeout(tasks.arrivals[c] - env.now)
        count(+1)
        for task in range(tasks.offsets[c], tasks.offsets[c + 1]):
            ready = env.now
            held = []
            for a in tasks.lanes[tasks.states[task]]:
                request = resources[a].request()
                yield request
                held.append((a, request))
            waits[task] = env.now - ready
            yield env.timeout(tasks.durations[task])
            for a, request in held:
                resources[a].release(request)
        finishes[c] = env.now
        count(-1)

    for c in range(len(tasks.arrivals)):
        env.process(case(c))
    env.run()
    return Replay(finishes=finishes, waits=waits, area=area[0])


def make_tasks(
    chain: Chain,
    arrivals: npt.NDArray[np.float64],
    capacity: list[int],
    rng: np.random.Generator,
) -> tuple[Tasks, npt.NDArray[np.intp], npt.NDArray[np.float64]]:
    """Draw every case's path and durations (vectorised) and lay them out as :class:`Tasks`;
    also returns each task's state and duration as arrays."""
    import numpy as np

    n = int(arrivals.size)
    paths = run_paths(chain, n, rng, track_visits=False, record=True)
    assert paths.log is not None
    rep, state, dur = paths.log
    offsets = np.concatenate([[0], np.cumsum(np.bincount(rep, minlength=n))])
    actor_index = {a: i for i, a in enumerate(chain.actors)}
    lanes = [tuple(sorted(actor_index[a] for a in set(ls))) for ls in chain.lanes]
    tasks = Tasks(arrivals=arrivals.tolist(), offsets=offsets.tolist(), states=state.tolist(),
                  durations=dur.tolist(), lanes=lanes, capacity=list(capacity))
    return tasks, state, dur


def _capacities(chain: Chain, capacity: int | Mapping[str, int]) -> list[int]:
    def check(name: str, value: object) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f"capacity of {name!r} must be a positive int, got {value!r}")
        return value

    if isinstance(capacity, int):
        return [check(a, capacity) for a in chain.actors]
    unknown = [a for a in capacity if a not in chain.actors]
    if unknown:
        import difflib

        close = difflib.get_close_matches(unknown[0], list(chain.actors), n=1, cutoff=0.6)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        raise ValueError(f"capacity: unknown actor {unknown[0]!r}{hint}"
                         f" (actors: {list(chain.actors)})")
    return [check(a, capacity.get(a, 1)) for a in chain.actors]


def _arrival_times(
    cases: int | None,
    arrivals_per_day: float | None,
    arrival_times: npt.ArrayLike | None,
    period: float | None,
    working_day_hours: float,
    rng: np.random.Generator,
) -> tuple[npt.NDArray[np.float64], float]:
    """The arrival times (working minutes) and the arrival rate (cases per minute)."""
    import numpy as np

    if (arrivals_per_day is None) == (arrival_times is None):
        raise ValueError("give exactly one of arrivals_per_day (Poisson) and arrival_times")
    if arrival_times is not None:
        times = np.sort(np.asarray(arrival_times, dtype=np.float64))
        if times.ndim != 1 or times.size == 0 or not np.all(np.isfinite(times)) or times[0] < 0:
            raise ValueError("arrival_times must be a non-empty flat list of finite minutes >= 0")
        if cases is not None and cases != times.size:
            raise ValueError(f"cases={cases} but {times.size} arrival_times given")
        span = float(times[-1] - times[0])
        if period is not None:
            if not (math.isfinite(period) and period > span):
                raise ValueError(f"period must be longer than the schedule ({span} minutes),"
                                 f" got {period!r}")
            rate = times.size / period
        elif times.size == 1:
            rate = 0.0
        else:
            rate = (times.size - 1) / span if span > 0 else math.inf
        return times, rate
    assert arrivals_per_day is not None
    if period is not None:
        raise ValueError("period goes with arrival_times (a schedule that recurs), not with"
                         " Poisson arrivals")
    if not (isinstance(arrivals_per_day, int | float) and math.isfinite(arrivals_per_day)
            and arrivals_per_day > 0):
        raise ValueError(f"arrivals_per_day must be a positive number, got {arrivals_per_day!r}")
    if not (isinstance(cases, int) and cases >= 1):
        raise ValueError(f"cases must be a positive int with Poisson arrivals, got {cases!r}")
    rate = arrivals_per_day / (working_day_hours * 60)
    return np.cumsum(rng.exponential(1 / rate, cases)), rate


def _loads(chain: Chain, rate: float, caps: list[int]) -> dict[str, float]:
    work = analyse_chain(chain).work
    return {a: (rate * work[a] / c if work[a] > 0 else 0.0)
            for a, c in zip(chain.actors, caps, strict=True)}


def offered_load(
    procedure: Procedure,
    *,
    arrivals_per_day: float,
    capacity: int | Mapping[str, int] = 1,
    branches: Branches | None = None,
    durations: Mapping[str, DurationSpec] | None = None,
    range_shape: RangeShape = "uniform",
    working_day_hours: float = WORKING_DAY_HOURS,
    working_days_per_week: float = WORKING_WEEK_DAYS,
) -> dict[str, float]:
    """Offered load of each actor: cases per working day x expected work per case (exact)
    / working minutes per day / capacity. At 1 or more the actor cannot keep up."""
    if not (isinstance(arrivals_per_day, int | float) and math.isfinite(arrivals_per_day)
            and arrivals_per_day >= 0):
        raise ValueError(f"arrivals_per_day must be a number >= 0, got {arrivals_per_day!r}")
    chain = build_chain(procedure, branches=branches, durations=durations,
                        range_shape=range_shape, working_day_hours=working_day_hours,
                        working_days_per_week=working_days_per_week)
    return _loads(chain, arrivals_per_day / (working_day_hours * 60),
                  _capacities(chain, capacity))


def simulate_cases(
    procedure: Procedure,
    *,
    cases: int | None = None,
    arrivals_per_day: float | None = None,
    arrival_times: npt.ArrayLike | None = None,
    period: float | str | None = None,
    capacity: int | Mapping[str, int] = 1,
    rng: np.random.Generator | int | None = None,
    branches: Branches | None = None,
    durations: Mapping[str, DurationSpec] | None = None,
    range_shape: RangeShape = "uniform",
    working_day_hours: float = WORKING_DAY_HOURS,
    working_days_per_week: float = WORKING_WEEK_DAYS,
) -> CasesResult:
    """Simulate many cases of ``procedure`` competing for limited people.

    Arrivals: ``arrivals_per_day`` (a Poisson process, with ``cases`` cases) or
    ``arrival_times`` (working minutes from time 0, a fixed schedule); ``period`` (working
    minutes or a Waktu text, e.g. "65 hari kerja" for a quarter) says how often that schedule
    recurs, which sets the arrival rate of the offered load (without it: the rate over the
    schedule itself, infinite for a batch arriving at once). ``capacity``: tasks
    each actor handles at once (one int for all, or per actor name; 1 by default). The
    offered load per actor is computed first; an :class:`OverloadWarning` is issued for each
    actor at 1 or more. Other arguments as for :func:`~sopflow.simulate_lead_time`.
    """
    import numpy as np

    chain = build_chain(procedure, branches=branches, durations=durations,
                        range_shape=range_shape, working_day_hours=working_day_hours,
                        working_days_per_week=working_days_per_week)
    caps = _capacities(chain, capacity)
    generator = make_rng(rng)
    every = None if period is None else to_minutes(
        period, working_day_hours, procedure.definition.bare_hari_basis, what="period")
    times, rate = _arrival_times(cases, arrivals_per_day, arrival_times, every,
                                 working_day_hours, generator)
    loads = _loads(chain, rate, caps)
    notes = list(chain.warnings)
    if rate == math.inf:
        message = (
            f"all {times.size} cases arrive at once, so the offered load is infinite and the"
            " lead times show how long the batch takes to drain; give period= (how often the"
            " batch recurs) to compare the work with the time available"
        )
        warnings.warn(message, OverloadWarning, stacklevel=2)
        notes.append(message)
    for actor, load in loads.items():
        if rate == math.inf:
            break
        if load >= 1:
            message = (
                f"offered load of {actor!r} is {load:.3g} (>= 1): cases arrive faster than"
                f" {actor!r} can finish them, so its queue grows for as long as cases arrive"
                " and the lead times measure the length of the run, not a steady state"
            )
            warnings.warn(message, OverloadWarning, stacklevel=2)
            notes.append(message)
    tasks, state, dur = make_tasks(chain, times, caps, generator)
    replay = run_heap(tasks)
    finishes = np.asarray(replay.finishes)
    waits = np.asarray(replay.waits)
    step_waits: dict[str, StepWait] = {}
    for i, s in enumerate(chain.states):
        w = waits[state == i]
        if w.size:
            step_waits[s] = StepWait(visits=int(w.size), mean=float(w.mean()),
                                     p95=float(np.percentile(w, 95)), max=float(w.max()))
    per_state = np.bincount(state, weights=dur, minlength=chain.n)
    busy = dict.fromkeys(chain.actors, 0.0)
    for i, ls in enumerate(tasks.lanes):
        for a in ls:
            busy[chain.actors[a]] += float(per_state[i])
    horizon = float(finishes.max() - times.min())
    return CasesResult(
        name=chain.name,
        arrivals=times,
        finishes=finishes,
        waits=step_waits,
        busy=busy,
        capacity=dict(zip(chain.actors, caps, strict=True)),
        offered_load=loads,
        mean_in_system=replay.area / horizon if horizon > 0 else float(times.size),
        warnings=tuple(notes),
        working_day_hours=working_day_hours,
    )
