"""Timing an SOP: how long one case takes, how sure that is, and who holds up many cases.

* :func:`analyse`: exact expected lead time, variance, end probabilities, visits per step and
  work per actor (an absorbing Markov chain; no sampling).
* :func:`simulate_lead_time`: Monte Carlo over many independent cases (numpy, vectorised),
  with percentiles, deadline probability and calendar dates.
* :func:`simulate_cases`: many cases competing for limited people (discrete-event), with
  waiting per step, utilisation and the bottleneck; :func:`offered_load` beforehand.

Durations come from each step's Waktu (see :mod:`sopflow.simulate.durations`) or from
overrides (:class:`Fixed`, :class:`Uniform`, :class:`Triangular`, :class:`PERT`,
:class:`LogNormal`, :class:`Exponential`, :class:`Empirical`). All times are working minutes;
the working calendar (:mod:`sopflow.calendar`) turns them into dates. See docs/simulation.md.

(The Monte Carlo function is not called ``simulate``: that name is this subpackage, and a
function of the same name on ``sopflow`` would be replaced by the subpackage on import.)
"""

from __future__ import annotations

from sopflow.simulate.chain import Branches, SimulationError
from sopflow.simulate.durations import (
    PERT,
    Distribution,
    DurationSpec,
    Empirical,
    Exponential,
    Fixed,
    LogNormal,
    RangeShape,
    Triangular,
    Uniform,
)
from sopflow.simulate.exact import analyse
from sopflow.simulate.montecarlo import simulate_lead_time
from sopflow.simulate.queueing import OverloadWarning, offered_load, simulate_cases
from sopflow.simulate.result import Analysis, CasesResult, SimulationResult, StepWait

__all__ = [
    "PERT",
    "Analysis",
    "Branches",
    "CasesResult",
    "Distribution",
    "DurationSpec",
    "Empirical",
    "Exponential",
    "Fixed",
    "LogNormal",
    "OverloadWarning",
    "RangeShape",
    "SimulationError",
    "SimulationResult",
    "StepWait",
    "Triangular",
    "Uniform",
    "analyse",
    "offered_load",
    "simulate_cases",
    "simulate_lead_time",
]
