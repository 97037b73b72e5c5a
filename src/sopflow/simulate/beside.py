"""The exact figures beside the Monte Carlo ones, for ``sopflow simulate``.

The Monte Carlo estimates carry sampling error; the exact analysis of the same chain has
none, so printing both lets a reader see how close the sample is (and catches a model
mistake: they must agree within a few standard errors). Past :data:`EXACT_STEP_LIMIT`
steps, or when the factorisation does not fit in memory, the exact side is left out with
the reason, and the Monte Carlo figures stand alone.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import attrs

from sopflow.simulate.chain import Branches, Chain, build_chain
from sopflow.simulate.exact import analyse_chain
from sopflow.simulate.result import Analysis, SimulationResult, _table, format_minutes

if TYPE_CHECKING:
    from sopflow.procedure import Procedure

__all__ = ["EXACT_STEP_LIMIT", "ExactBeside", "exact_beside", "exact_for"]

#: Chains up to this many steps are analysed exactly beside the Monte Carlo (a generated
#: 1,000,000-step chain takes seconds; no real SOP comes near).
EXACT_STEP_LIMIT = 1_000_000


@attrs.frozen(kw_only=True, eq=False)
class ExactBeside:
    """The exact analysis of the simulated chain, or why there is none."""

    analysis: Analysis | None
    reason: str | None

    def lines(self, result: SimulationResult) -> list[str]:
        """A table: mean, standard deviation and each end's probability, Monte Carlo vs
        exact, with the Monte Carlo standard error for scale."""
        if self.analysis is None:
            return [f"Exact analysis: not computed: {self.reason}"]
        exact = self.analysis
        hours = result.working_day_hours

        def f(minutes: float) -> str:
            return format_minutes(minutes, hours)

        rows = [["mean", f(result.mean), f(exact.mean)],
                ["standard deviation", f(result.std), f(exact.std)]]
        rows += [[f"probability of {end}", f"{result.end_probability.get(end, 0.0):.4f}",
                  f"{p:.4f}"] for end, p in exact.end_probability.items()]
        error = f(result.standard_error)
        return [f"Exact analysis (no sampling) beside the Monte Carlo (its standard error of"
                f" the mean: {error}):",
                *_table(["", "Monte Carlo", "exact"], rows)]

    def to_dict(self) -> dict[str, Any]:
        """``{"mean", "std", "variance", "end_probability"}`` in working minutes, or
        ``{"unavailable": reason}``."""
        if self.analysis is None:
            return {"unavailable": self.reason}
        a = self.analysis
        return {"mean": a.mean, "std": a.std, "variance": a.variance,
                "end_probability": a.end_probability}


def exact_beside(chain: Chain, *, limit: int = EXACT_STEP_LIMIT) -> ExactBeside:
    """The exact analysis of ``chain`` if it is at most ``limit`` steps and fits in memory."""
    if chain.n > limit:
        return ExactBeside(analysis=None, reason=(
            f"the SOP has {chain.n:,} reachable steps, more than the exact method's limit"
            f" of {limit:,}; the Monte Carlo figures stand alone"))
    try:
        analysis = analyse_chain(chain)
    except MemoryError:
        return ExactBeside(analysis=None, reason=(
            f"the exact method's factorisation of {chain.n:,} steps does not fit in memory;"
            " the Monte Carlo figures stand alone"))
    if not math.isfinite(analysis.mean):  # pragma: no cover - analyse_chain checks this
        return ExactBeside(analysis=None, reason="the chain is numerically singular")
    return ExactBeside(analysis=analysis, reason=None)


def exact_for(procedure: Procedure, *, branches: Branches | None = None,
              limit: int | None = None) -> ExactBeside:
    """:func:`exact_beside` of ``procedure`` (default durations from each step's Waktu)."""
    chain = build_chain(procedure, branches=branches)
    return exact_beside(chain, limit=EXACT_STEP_LIMIT if limit is None else limit)
