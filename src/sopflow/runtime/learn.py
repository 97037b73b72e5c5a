"""Learn from runs: each step's duration distribution and each decision's branch odds, fitted
from the event log, fed to the simulator ("as written" against "as run").

The SOP document guesses (its Waktu, and nothing about how often a decision goes which way);
the event log knows. :func:`learn` reads the log once (streamed) and fits, per step, the
working minutes from activation to completion; per decision, how often each exit was taken.
:func:`compare` runs the simulator's exact analysis twice, on the Waktu as written and on what
was learned, and puts the lead times side by side.

Fitting uses scipy (BSD) when installed: log-normal and exponential, each judged by the
Kolmogorov-Smirnov test; when neither fits (p < 0.05) the observed durations themselves are
used (:class:`~sopflow.simulate.Empirical`). A step with fewer than ``min_observations``
completions keeps its Waktu.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

import attrs

from sopflow.runtime.state import EventKind

if TYPE_CHECKING:
    from sopflow.runtime.executor import Executor
    from sopflow.simulate import Analysis, Distribution

__all__ = [
    "AsRunComparison", "BranchFit", "Learned", "StepFit", "compare", "compare_store", "learn",
]

#: Below this KS p-value a fitted family is rejected and the observed durations are used.
REJECT_BELOW = 0.05


@attrs.frozen(kw_only=True)
class StepFit:
    """A step's observed durations (working minutes, activation to completion) and the
    distribution fitted to them."""

    step_id: str
    n: int  # completed visits observed
    mean: float | None
    median: float | None
    p90: float | None
    family: str  # "lognormal", "exponential", "empirical", "fixed", or "none" (too few)
    distribution: Distribution | None  # what the simulator gets (None: keep the Waktu)
    ks_statistic: float | None  # Kolmogorov-Smirnov distance of the fitted family
    ks_pvalue: float | None  # its p-value (high: the family fits)
    note: str = ""


@attrs.frozen(kw_only=True)
class BranchFit:
    """How often each exit of a decision was taken."""

    step_id: str
    n: int
    counts: Mapping[str, int]
    probabilities: Mapping[str, float]
    intervals: Mapping[str, tuple[float, float]]  # 95 % Wilson interval per exit


@attrs.frozen(kw_only=True)
class Learned:
    """What the event log says about the SOP (current revision's step ids)."""

    procedure: str
    instances: int
    steps: Mapping[str, StepFit]
    branches: Mapping[str, BranchFit]

    def durations(self) -> dict[str, Distribution]:
        """Per-step distributions for the simulator (only steps with enough data)."""
        return {s: f.distribution for s, f in self.steps.items() if f.distribution is not None}

    def branch_odds(self, min_observations: int = 1) -> dict[str, dict[str, float]]:
        """Per-decision exit probabilities for the simulator."""
        return {s: dict(b.probabilities) for s, b in self.branches.items()
                if b.n >= min_observations}

    def text(self) -> str:
        """A readable table of the fits."""
        lines = [f"Learned from {self.instances} instance(s) of {self.procedure!r}"]
        for f in self.steps.values():
            if f.n == 0:
                lines.append(f"  {f.step_id}: no completions")
                continue
            fit = "" if f.ks_pvalue is None else (
                f", KS D={f.ks_statistic:.3f} p={f.ks_pvalue:.3f}")
            lines.append(f"  {f.step_id}: n={f.n}, mean {f.mean:.1f} min, median "
                         f"{f.median:.1f}, p90 {f.p90:.1f} -> {f.family}{fit}"
                         + (f" ({f.note})" if f.note else ""))
        for b in self.branches.values():
            odds = ", ".join(f"{label} {p:.0%} [{b.intervals[label][0]:.0%}-"
                             f"{b.intervals[label][1]:.0%}]" for label, p in
                             b.probabilities.items())
            lines.append(f"  {b.step_id} (decision): n={b.n}: {odds}")
        return "\n".join(lines)


@attrs.frozen(kw_only=True)
class AsRunComparison:
    """Lead time of one case: the SOP as written against the SOP as run."""

    learned: Learned
    as_written: Analysis
    as_run: Analysis

    def text(self) -> str:
        """Side by side, in working minutes and days (7.5 working hours a day)."""
        w, r = self.as_written, self.as_run

        def fmt(minutes: float) -> str:
            return f"{minutes:,.0f} min ({minutes / 450:.1f} hari kerja)"

        lines = [f"Lead time of {w.name!r}: as written (Waktu, even odds) vs as run "
                 f"({self.learned.instances} instances)",
                 f"  {'':<14}{'as written':>34}{'as run':>34}",
                 f"  {'mean':<14}{fmt(w.mean):>34}{fmt(r.mean):>34}",
                 f"  {'std':<14}{fmt(w.std):>34}{fmt(r.std):>34}"]
        for step in w.step_mean:
            lines.append(f"  {step:<14}{fmt(w.step_mean[step]):>34}"
                         f"{fmt(r.step_mean.get(step, float('nan'))):>34}")
        return "\n".join([*lines, "", self.learned.text()])

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: both analyses (working minutes) and the fits."""
        fits = {s: {"n": f.n, "mean": f.mean, "median": f.median, "p90": f.p90,
                    "family": f.family, "ks_statistic": f.ks_statistic,
                    "ks_pvalue": f.ks_pvalue, "note": f.note}
                for s, f in self.learned.steps.items()}
        branches = {s: {"n": b.n, "counts": dict(b.counts),
                        "probabilities": dict(b.probabilities),
                        "intervals": {k: list(v) for k, v in b.intervals.items()}}
                    for s, b in self.learned.branches.items()}
        return {"sop": self.as_written.name, "instances": self.learned.instances,
                "as_written": self.as_written.to_dict(), "as_run": self.as_run.to_dict(),
                "steps": fits, "branches": branches}


def _durations(executor: Executor) -> tuple[int, dict[str, list[float]], dict[str, Counter[str]]]:
    """(instances seen, step -> working minutes per completed visit, decision -> answers)."""
    calendar = executor.calendar
    known = set(executor.step_ids())
    durations: dict[str, list[float]] = {s: [] for s in known}
    answers: dict[str, Counter[str]] = {}
    activated: dict[tuple[str, str, int], datetime] = {}
    seen: set[str] = set()
    for e in executor.events():
        seen.add(e.instance_id)
        if e.step_id is None or e.visit is None or e.step_id not in known:
            continue
        key = (e.instance_id, e.step_id, e.visit)
        if e.kind is EventKind.STEP_ACTIVATED:
            activated[key] = e.timestamp
        elif e.kind is EventKind.STEP_COMPLETED:
            start = activated.pop(key, None)
            if start is not None:
                durations[e.step_id].append(calendar.working_minutes_between(start, e.timestamp))
            if e.answer is not None:
                answers.setdefault(e.step_id, Counter())[e.answer] += 1
    return len(seen), durations, answers


def _quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    position = q * (len(ordered) - 1)
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def _fit(step_id: str, values: list[float], min_observations: int) -> StepFit:
    from sopflow.simulate import Empirical, Exponential, Fixed, LogNormal

    n = len(values)
    if n == 0:
        return StepFit(step_id=step_id, n=0, mean=None, median=None, p90=None, family="none",
                       distribution=None, ks_statistic=None, ks_pvalue=None)
    mean = sum(values) / n
    base: dict[str, Any] = dict(step_id=step_id, n=n, mean=mean, median=_quantile(values, 0.5),
                                p90=_quantile(values, 0.9))
    if n < min_observations:
        return StepFit(**base, family="none", distribution=None, ks_statistic=None,
                       ks_pvalue=None, note=f"fewer than {min_observations} observations: "
                       "the Waktu is kept")
    if min(values) == max(values):
        return StepFit(**base, family="fixed", distribution=Fixed(value=values[0]),
                       ks_statistic=0.0, ks_pvalue=1.0)
    candidates: list[tuple[float, float, str, Distribution]] = []
    try:
        from scipy import stats
    except ImportError:
        return StepFit(**base, family="empirical", distribution=Empirical(samples=values),
                       ks_statistic=None, ks_pvalue=None,
                       note="scipy not installed: the observed durations are used as they are")
    if min(values) > 0:
        shape, _, scale = stats.lognorm.fit(values, floc=0)
        d, p = stats.kstest(values, "lognorm", args=(shape, 0, scale))
        m = scale * math.exp(shape * shape / 2)
        candidates.append((float(p), float(d), "lognormal",
                           LogNormal(mean=m, std=m * math.sqrt(math.expm1(shape * shape)))))
    if mean > 0:
        d, p = stats.kstest(values, "expon", args=(0, mean))
        candidates.append((float(p), float(d), "exponential", Exponential(mean=mean)))
    if not candidates:
        return StepFit(**base, family="empirical", distribution=Empirical(samples=values),
                       ks_statistic=None, ks_pvalue=None)
    p, d, family, distribution = max(candidates, key=lambda c: c[0])
    if p < REJECT_BELOW:
        return StepFit(**base, family="empirical", distribution=Empirical(samples=values),
                       ks_statistic=d, ks_pvalue=p,
                       note=f"best family {family} rejected (KS p < {REJECT_BELOW})")
    return StepFit(**base, family=family, distribution=distribution, ks_statistic=d,
                   ks_pvalue=p)


def _wilson(k: int, n: int, z: float = 1.959964) -> tuple[float, float]:
    if n == 0:
        return (0.0, 1.0)
    phat = k / n
    denominator = 1 + z * z / n
    centre = (phat + z * z / (2 * n)) / denominator
    half = z * math.sqrt(phat * (1 - phat) / n + z * z / (4 * n * n)) / denominator
    return (max(0.0, centre - half), min(1.0, centre + half))


def learn(executor: Executor, *, min_observations: int = 5) -> Learned:
    """Fit durations and branch odds from every instance of the executor's SOP in its store
    (any revision; steps are matched by id in the current revision)."""
    if min_observations < 1:
        raise ValueError(f"min_observations must be at least 1, got {min_observations}")
    instances, durations, answers = _durations(executor)
    steps = {s: _fit(s, durations[s], min_observations) for s in executor.step_ids()}
    branches = {}
    for step_id in executor.step_ids():
        labels = executor.answers(step_id)
        if not labels:
            continue
        counts = answers.get(step_id, Counter())
        n = sum(counts[label] for label in labels)
        branches[step_id] = BranchFit(
            step_id=step_id, n=n, counts={label: counts[label] for label in labels},
            probabilities={label: (counts[label] / n if n else 1 / len(labels))
                           for label in labels},
            intervals={label: _wilson(counts[label], n) for label in labels},
        )
    return Learned(procedure=executor.procedure.name, instances=instances, steps=steps,
                   branches=branches)


def compare(
    executor: Executor, learned: Learned | None = None, *, min_observations: int = 5
) -> AsRunComparison:
    """The simulator's exact lead time of one case, as written and as run, side by side.

    "As written" reads each step's Waktu with even odds at decisions; "as run" uses the
    fitted durations (steps with too few observations keep their Waktu) and the observed
    branch odds (decisions never answered keep even odds).
    """
    from sopflow.simulate import analyse

    if learned is None:
        learned = learn(executor, min_observations=min_observations)
    procedure = executor.procedure
    as_written = analyse(procedure)
    odds = learned.branch_odds(min_observations=1)
    as_run = analyse(procedure, durations=learned.durations(), branches=odds or None)
    return AsRunComparison(learned=learned, as_written=as_written, as_run=as_run)


def compare_store(procedure: Any, url: str, *, min_observations: int = 5) -> AsRunComparison:
    """:func:`compare` for the instances of ``procedure`` in the store at ``url`` (see
    :func:`~sopflow.runtime.open_store`); a SQLite file that does not exist is an error, not
    a new empty store."""
    from pathlib import Path

    from sopflow.runtime.executor import Executor
    from sopflow.runtime.open import open_store

    if url.startswith("sqlite:///"):
        path = Path(url[len("sqlite:///"):].partition("?")[0])
        if not path.is_file():
            raise ValueError(f"{path}: no such store file")
    store = open_store(url)
    try:
        return compare(Executor(procedure, store=store), min_observations=min_observations)
    finally:
        store.close()
