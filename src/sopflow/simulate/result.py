"""Results a person can read: summary tables, ``to_dict()``/JSON, calendar dates and plots.

All durations inside are working minutes; tables show them as minutes, hours or working days
(a working day is ``working_day_hours``, 7.5 by default). Plots need matplotlib, the optional
extra ``sopflow[plot]``; it is imported only when a plot is asked for.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeAlias

import attrs

from sopflow.waktu import WORKING_DAY_HOURS, Basis, parse_waktu

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt
    from matplotlib.figure import Figure

    from sopflow.calendar import WorkingCalendar

__all__ = ["Analysis", "CasesResult", "SimulationResult", "StepWait", "Times", "format_minutes"]

Times: TypeAlias = float | str | None
"""A duration given by the user: working minutes, or a Waktu text ("130 hari kerja")."""

PERCENTILES = (50, 80, 95, 99)
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")


def format_minutes(minutes: float, working_day_hours: float = WORKING_DAY_HOURS) -> str:
    """A working duration in the unit that reads best: "12 min", "3.5 h", "121.1 working days"."""
    if not math.isfinite(minutes):
        return str(minutes)
    if abs(minutes) < 60:
        return f"{minutes:.1f} min"
    if abs(minutes) < working_day_hours * 60:
        return f"{minutes / 60:.2f} h"
    return f"{minutes / (working_day_hours * 60):.2f} working days"


def format_moment(moment: datetime) -> str:
    """"Monday 20 January 2025 at 08.00" (English names, independent of the machine's locale)."""
    return (f"{_WEEKDAYS[moment.weekday()]} {moment.day} {_MONTHS[moment.month - 1]}"
            f" {moment.year} at {moment:%H.%M}")


def to_minutes(value: float | str, working_day_hours: float, bare_hari: Basis,
               *, what: str) -> float:
    """A user's duration (working minutes, or a single-valued working-time Waktu text)."""
    if isinstance(value, str):
        waktu = parse_waktu(value, bare_hari=bare_hari)
        if not waktu.readable:
            raise ValueError(f"{what}: cannot read the Waktu {value!r}")
        if waktu.basis is not Basis.WORKING:
            raise ValueError(
                f"{what}: {value!r} counts calendar time; give working time (e.g. '20 hari"
                " kerja') or a date with probability_by(date, start=...)"
            )
        low, high = waktu.minutes(working_day_hours=working_day_hours)
        if low != high:
            raise ValueError(f"{what}: {value!r} is a range; give one value")
        return low
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError(f"{what} must be working minutes (a finite number) or a Waktu text,"
                         f" got {value!r}")
    return float(value)


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    line = "  ".join(f"{h:<{w}}" for h, w in zip(header, widths, strict=True))
    out = [line, "  ".join("-" * w for w in widths)]
    for r in rows:
        out.append("  ".join(f"{c:<{w}}" if i == 0 else f"{c:>{w}}"
                             for i, (c, w) in enumerate(zip(r, widths, strict=True))))
    return out


def _figure() -> Figure:
    try:
        from matplotlib.figure import Figure
    except ImportError:
        raise ImportError(
            "plots need matplotlib: pip install matplotlib (or the extra: pip install -e '.[plot]' "
            "in the sopflow folder)"
        ) from None
    return Figure(figsize=(8, 4.5), layout="constrained")


def _save(fig: Figure, path: str | Path) -> Path:
    target = Path(path)
    if target.suffix.lower() not in (".png", ".svg", ".pdf"):
        raise ValueError(f"plot path must end in .png, .svg or .pdf, got {str(path)!r}")
    fig.savefig(target, dpi=120)
    return target


def _histogram(values: npt.NDArray[np.float64], path: str | Path, *, title: str,
               deadline: float | None, working_day_hours: float) -> Path:
    import numpy as np

    day = working_day_hours * 60
    unit, scale = ("working days", day) if float(np.max(values)) >= day else ("minutes", 1.0)
    fig = _figure()
    ax = fig.add_subplot()
    data = values / scale
    lo, hi = float(data.min()), float(data.max())
    if hi - lo < 1e-9 * max(1.0, abs(hi)):
        ax.bar([lo], [1.0], width=max(abs(lo) * 0.02, 0.5), color="#4477aa")
    else:
        ax.hist(data, bins=60, density=True, color="#4477aa", alpha=0.85)
    for q, style in zip(PERCENTILES[::2], (":", "--"), strict=False):
        ax.axvline(float(np.percentile(data, q)), color="#444444", linestyle=style,
                   label=f"p{q}")
    if deadline is not None:
        within = float(np.mean(values <= deadline))
        ax.axvline(deadline / scale, color="#cc3311", linewidth=2,
                   label=f"deadline ({within:.0%} within)")
    ax.set_xlabel(f"lead time ({unit})")
    ax.set_ylabel("density")
    ax.set_title(title)
    ax.legend()
    return _save(fig, path)


def _bars(values: dict[str, float], path: str | Path, *, title: str, xlabel: str) -> Path:
    fig = _figure()
    ax = fig.add_subplot()
    names = list(values)[::-1]
    ax.barh(names, [values[n] for n in names], color="#228833")
    ax.set_xlabel(xlabel)
    ax.set_title(title)
    return _save(fig, path)


def _json_ready(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _json_ready(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_ready(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None if math.isnan(value) else ("inf" if value > 0 else "-inf")
    return value


class _JSON:
    working_day_hours: float

    def to_dict(self) -> dict[str, Any]:  # pragma: no cover - overridden
        raise NotImplementedError

    def _fmt(self, minutes: float) -> str:
        """Working minutes as people read them, with this result's working day."""
        return format_minutes(minutes, self.working_day_hours)

    def to_json(self, **kwargs: Any) -> str:
        """``to_dict()`` as JSON text (infinite values as "inf")."""
        return json.dumps(_json_ready(self.to_dict()), ensure_ascii=False, **kwargs)

    def _repr_html_(self) -> str:
        """In a notebook: the summary, as readable as in a terminal (escaped), and its plots
        inline when matplotlib is installed."""
        import html

        return f"<pre>{html.escape(self.summary())}</pre>" + "".join(self._inline_plots())

    def _inline_plots(self) -> list[str]:
        import base64
        import importlib.util
        import tempfile

        if importlib.util.find_spec("matplotlib") is None:
            return []
        images = []
        with tempfile.TemporaryDirectory(prefix="sopflow-plot-") as folder:
            for name in ("plot_lead_time", "plot_workload"):
                plot = getattr(self, name, None)
                if plot is None:
                    continue
                path = plot(Path(folder) / f"{name}.png")
                data = base64.b64encode(Path(path).read_bytes()).decode("ascii")
                images.append(f'<img alt="{name[5:].replace("_", " ")}" '
                              f'src="data:image/png;base64,{data}"/>')
        return images

    def summary(self) -> str:  # pragma: no cover - overridden
        raise NotImplementedError


@attrs.frozen(kw_only=True, eq=False)
class Analysis(_JSON):
    """Exact figures for one case (see :func:`sopflow.analyse`); times in working minutes."""

    name: str
    mean: float
    variance: float
    end_probability: dict[str, float]
    visits: dict[str, float]  # expected visits per step
    step_mean: dict[str, float]  # mean duration of one visit
    step_duration: dict[str, str]  # how each step's duration was read
    transitions: dict[str, dict[str, float]]  # decision -> target -> expected times taken
    work: dict[str, float]  # actor -> expected working minutes per case
    warnings: tuple[str, ...]
    working_day_hours: float

    @property
    def std(self) -> float:
        """Standard deviation of the lead time, in working minutes."""
        return math.sqrt(self.variance)

    def summary(self) -> str:
        """A readable table: lead time, visits per step, work per actor, ends, warnings."""
        f = self._fmt
        lines = [f"Exact analysis of SOP {self.name!r} (working time)",
                 f"  expected lead time {f(self.mean)} (std {f(self.std)})", ""]
        rows = [[s, f"{self.visits[s]:.4g}", f(self.step_mean[s]), self.step_duration[s]]
                for s in self.visits]
        lines += _table(["step", "exp. visits", "mean per visit", "duration"], rows)
        lines.append("")
        lines += _table(["actor", "expected work per case"],
                        [[a, f(w)] for a, w in self.work.items()])
        lines.append("")
        lines += _table(["end", "probability"],
                        [[e, f"{p:.4f}"] for e, p in self.end_probability.items()])
        lines += [f"warning: {w}" for w in self.warnings]
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """The analysis as JSON-ready data (minutes are working minutes)."""
        return {
            "sop": self.name, "unit": "working minutes", "mean": self.mean,
            "variance": self.variance, "std": self.std,
            "end_probability": self.end_probability, "visits": self.visits,
            "step_mean": self.step_mean, "step_duration": self.step_duration,
            "transitions": self.transitions, "work": self.work,
            "warnings": list(self.warnings), "working_day_hours": self.working_day_hours,
        }

    def plot_workload(self, path: str | Path) -> Path:
        """Bar chart of the expected work per actor for one case (working days)."""
        day = self.working_day_hours * 60
        return _bars({a: w / day for a, w in self.work.items()}, path,
                     title=f"{self.name}: expected work per case",
                     xlabel="working days per case")


@attrs.frozen(kw_only=True, eq=False)
class SimulationResult(_JSON):
    """Monte Carlo result for one case (see :func:`sopflow.simulate_lead_time`); working minutes."""

    name: str
    replications: int
    lead_times: npt.NDArray[np.float64] = attrs.field(repr=False)
    end_probability: dict[str, float]
    visits_mean: dict[str, float]
    visits_distribution: dict[str, dict[int, float]] | None  # step -> visits -> share
    work: dict[str, float]  # actor -> mean working minutes per case
    deadline: float | None
    warnings: tuple[str, ...]
    working_day_hours: float
    hops: int  # batches the sampler processed (its Python-level work; see montecarlo.py)
    states: tuple[str, ...]

    @property
    def mean(self) -> float:
        """Mean lead time over the replications, in working minutes."""
        return float(self.lead_times.mean())

    @property
    def std(self) -> float:
        """Sample standard deviation of the lead time, in working minutes."""
        return float(self.lead_times.std(ddof=1)) if self.replications > 1 else 0.0

    @property
    def standard_error(self) -> float:
        """Standard error of :attr:`mean`: how far the estimate may be from the true mean."""
        return self.std / math.sqrt(self.replications)

    def percentile(self, q: float | Sequence[float]) -> Any:
        """Lead-time percentile(s), ``q`` in 0..100."""
        import numpy as np

        out = np.asarray(np.percentile(self.lead_times, q))
        return float(out) if out.ndim == 0 else [float(x) for x in out.tolist()]

    @property
    def percentiles(self) -> dict[str, float]:
        """p50, p80, p95 and p99 of the lead time."""
        return {f"p{q}": v for q, v in zip(PERCENTILES, self.percentile(PERCENTILES),
                                           strict=True)}

    def probability_within(self, deadline: float | str) -> float:
        """Share of cases finished within ``deadline`` (working minutes or Waktu text)."""
        import numpy as np

        limit = to_minutes(deadline, self.working_day_hours, Basis.WORKING, what="deadline")
        return float(np.mean(self.lead_times <= limit))

    def finish_dates(self, start: datetime, *, calendar: WorkingCalendar | None = None,
                     probabilities: Sequence[float] = (0.5, 0.8, 0.95, 0.99),
                     ) -> dict[float, datetime]:
        """For each probability p, the date by which a case started at ``start`` is finished
        with probability p (its lead-time percentile laid on the working calendar; default:
        ``WorkingCalendar.indonesia()``)."""
        import numpy as np

        cal = _calendar(calendar)
        for p in probabilities:
            if not 0 < p <= 1:
                raise ValueError(f"probabilities must be in (0, 1], got {p!r}")
        minutes = np.atleast_1d(np.percentile(self.lead_times, [100 * p for p in probabilities]))
        return {p: cal.add_working_minutes(start, float(m))
                for p, m in zip(probabilities, minutes.tolist(), strict=True)}

    def describe_finish(self, start: datetime, *, probability: float = 0.95,
                        calendar: WorkingCalendar | None = None) -> str:
        """"Started Monday 20 January 2025 at 08.00, finishes by ... with 95% probability"."""
        by = self.finish_dates(start, calendar=calendar, probabilities=[probability])
        return (f"Started {format_moment(start)}, finishes by"
                f" {format_moment(by[probability])} with {probability:.0%} probability.")

    def probability_by(self, deadline: datetime, *, start: datetime,
                       calendar: WorkingCalendar | None = None) -> float:
        """Probability that a case started at ``start`` is finished by the date ``deadline``."""
        import numpy as np

        limit = _calendar(calendar).working_minutes_between(start, deadline)
        return float(np.mean(self.lead_times <= limit))

    def summary(self) -> str:
        """A readable table: lead time, percentiles, visits, work per actor, ends, warnings."""
        f = self._fmt
        lines = [
            f"Monte Carlo of SOP {self.name!r}: {self.replications:,} cases (working time)",
            f"  mean {f(self.mean)} (std {f(self.std)}, standard error"
            f" {f(self.standard_error)})",
            "  " + ", ".join(f"{k} {f(v)}" for k, v in self.percentiles.items()),
        ]
        if self.deadline is not None:
            within = float((self.lead_times <= self.deadline).mean())
            lines.append(f"  within deadline {f(self.deadline)}: {within:.2%}")
        lines.append("")
        rows = []
        for s in self.states:
            dist = (self.visits_distribution or {}).get(s)
            shown = ", ".join(f"{k}x {v:.1%}" for k, v in sorted(dist.items())[:4]) if dist \
                else "-"
            rows.append([s, f"{self.visits_mean[s]:.4g}", shown])
        lines += _table(["step", "mean visits", "visits distribution"], rows)
        lines.append("")
        lines += _table(["actor", "mean work per case"], [[a, f(w)] for a, w in self.work.items()])
        lines.append("")
        lines += _table(["end", "share"],
                        [[e, f"{p:.4f}"] for e, p in self.end_probability.items()])
        lines += [f"warning: {w}" for w in self.warnings]
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """The result as JSON-ready data (minutes are working minutes)."""
        within = None if self.deadline is None else float(
            (self.lead_times <= self.deadline).mean())
        return {
            "sop": self.name, "unit": "working minutes", "replications": self.replications,
            "mean": self.mean, "std": self.std, "standard_error": self.standard_error,
            "percentiles": self.percentiles, "min": float(self.lead_times.min()),
            "max": float(self.lead_times.max()), "deadline": self.deadline,
            "probability_within_deadline": within, "end_probability": self.end_probability,
            "visits_mean": self.visits_mean,
            "visits_distribution": self.visits_distribution, "work": self.work,
            "warnings": list(self.warnings), "working_day_hours": self.working_day_hours,
        }

    def plot_lead_time(self, path: str | Path, *, deadline: float | str | None = None) -> Path:
        """Histogram of the lead time with p50/p95 and the deadline marked (PNG/SVG/PDF)."""
        limit = self.deadline if deadline is None else to_minutes(
            deadline, self.working_day_hours, Basis.WORKING, what="deadline")
        return _histogram(self.lead_times, path, title=f"{self.name}: lead time of one case",
                          deadline=limit, working_day_hours=self.working_day_hours)

    def plot_workload(self, path: str | Path) -> Path:
        """Bar chart of the mean work per actor per case (working days)."""
        day = self.working_day_hours * 60
        return _bars({a: w / day for a, w in self.work.items()}, path,
                     title=f"{self.name}: work per case", xlabel="working days per case")


def _calendar(calendar: WorkingCalendar | None) -> WorkingCalendar:
    from sopflow.calendar import WorkingCalendar

    return WorkingCalendar.indonesia() if calendar is None else calendar


@attrs.frozen(kw_only=True)
class StepWait:
    """Waiting before one step (for free people), over all its visits."""

    visits: int
    mean: float
    p95: float
    max: float


@attrs.frozen(kw_only=True, eq=False)
class CasesResult(_JSON):
    """Many cases sharing limited people (see :func:`sopflow.simulate_cases`)."""

    name: str
    arrivals: npt.NDArray[np.float64] = attrs.field(repr=False)
    finishes: npt.NDArray[np.float64] = attrs.field(repr=False)
    waits: dict[str, StepWait]
    busy: dict[str, float]  # actor -> busy unit-minutes
    capacity: dict[str, int]
    offered_load: dict[str, float]
    mean_in_system: float  # time-average number of open cases (the engine's own count)
    warnings: tuple[str, ...]
    working_day_hours: float

    @property
    def cases(self) -> int:
        """How many cases were simulated."""
        return int(self.arrivals.shape[0])

    @property
    def lead_times(self) -> npt.NDArray[np.float64]:
        """Each case's lead time (finish minus arrival), in working minutes."""
        return self.finishes - self.arrivals

    @property
    def horizon(self) -> float:
        """From the first arrival to the last finish (working minutes)."""
        return float(self.finishes.max() - self.arrivals.min())

    @property
    def utilisation(self) -> dict[str, float]:
        """Busy share of each actor's capacity over :attr:`horizon`."""
        h = self.horizon
        return {a: (b / (self.capacity[a] * h) if h > 0 else 0.0) for a, b in self.busy.items()}

    @property
    def bottleneck(self) -> str | None:
        """The actor with the highest utilisation (ties: highest offered load)."""
        util = self.utilisation
        if not util:
            return None
        return max(util, key=lambda a: (round(util[a], 9), self.offered_load.get(a, 0.0)))

    @property
    def percentiles(self) -> dict[str, float]:
        """Lead-time percentiles (p50, p80, p95, p99), in working minutes."""
        import numpy as np

        values = np.percentile(self.lead_times, PERCENTILES)
        return {f"p{q}": float(v) for q, v in zip(PERCENTILES, values, strict=True)}

    def summary(self) -> str:
        """A readable table: lead time, waiting per step, utilisation per actor, bottleneck."""
        f = self._fmt
        lead = self.lead_times
        lines = [
            f"{self.cases:,} cases of SOP {self.name!r} over {f(self.horizon)} (working time)",
            f"  lead time mean {f(float(lead.mean()))}; "
            + ", ".join(f"{k} {f(v)}" for k, v in self.percentiles.items()),
            f"  bottleneck: {self.bottleneck}", "",
        ]
        util = self.utilisation
        lines += _table(["actor", "capacity", "offered load", "utilisation"],
                        [[a, str(self.capacity[a]), f"{self.offered_load.get(a, 0.0):.3f}",
                          f"{util[a]:.1%}"] for a in self.busy])
        lines.append("")
        lines += _table(["step", "visits", "mean wait", "p95 wait", "max wait"],
                        [[s, str(w.visits), f(w.mean), f(w.p95), f(w.max)]
                         for s, w in self.waits.items()])
        lines += [f"warning: {w}" for w in self.warnings]
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """The result as JSON-ready data (minutes are working minutes)."""
        lead = self.lead_times
        return {
            "sop": self.name, "unit": "working minutes", "cases": self.cases,
            "horizon": self.horizon, "lead_time_mean": float(lead.mean()),
            "lead_time_percentiles": self.percentiles,
            "waits": {s: attrs.asdict(w) for s, w in self.waits.items()},
            "utilisation": self.utilisation, "offered_load": self.offered_load,
            "capacity": self.capacity, "bottleneck": self.bottleneck,
            "mean_in_system": self.mean_in_system, "warnings": list(self.warnings),
            "working_day_hours": self.working_day_hours,
        }

    def plot_lead_time(self, path: str | Path, *, deadline: float | str | None = None) -> Path:
        """Histogram of the cases' lead times, waiting included."""
        limit = None if deadline is None else to_minutes(
            deadline, self.working_day_hours, Basis.WORKING, what="deadline")
        return _histogram(self.lead_times, path,
                          title=f"{self.name}: lead time of {self.cases:,} cases",
                          deadline=limit, working_day_hours=self.working_day_hours)

    def plot_workload(self, path: str | Path) -> Path:
        """Offered load and measured utilisation per actor, with 100% marked: utilisation
        alone never passes 100%, the offered load shows by how much the work overflows."""
        fig = _figure()
        ax = fig.add_subplot()
        names = list(self.busy)[::-1]
        util = self.utilisation
        load = [100 * self.offered_load.get(a, 0.0) for a in names]
        finite = [v for v in load if math.isfinite(v)]
        top = max([100.0, *(100 * util[a] for a in names), *finite]) * 1.15
        rows = range(len(names))
        shown = [min(v, top) for v in load]
        ax.barh([r + 0.2 for r in rows], shown, height=0.4, color="#ee7733",
                label="offered load")
        ax.barh([r - 0.2 for r in rows], [100 * util[a] for a in names], height=0.4,
                color="#228833", label="utilisation (measured)")
        for r, v in zip(rows, load, strict=True):
            ax.text(min(v, top), r + 0.2, f" {v:.0f}%" if math.isfinite(v) else " inf",
                    va="center", fontsize=8)
        ax.set_yticks(list(rows), names)
        ax.axvline(100.0, color="#cc3311", linestyle="--")
        ax.set_xlim(0, top * 1.1)
        ax.set_xlabel("% of capacity")
        ax.set_title(f"{self.name}: load on each actor")
        ax.legend(loc="lower right")
        return _save(fig, path)
