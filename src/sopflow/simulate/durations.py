"""Step durations: each step's Waktu, or a user's override, as a probability distribution.

Every duration the simulator handles is in **working minutes**: minutes of work inside working
hours (a working day is ``working_day_hours`` hours, 7.5 by default; a working week is five
working days). The working calendar turns working minutes into dates afterwards.

How a Waktu becomes a distribution
----------------------------------
* A single value ("15 menit", "2 hari kerja") is that value, fixed.
* A range ("1 - 20 hari kerja", "maksimal 3 hari") is uniform between its ends by default;
  ``range_shape="triangular"`` or ``"pert"`` gives a triangular or PERT (beta) distribution
  whose most likely value is the middle of the range. For another mode, override the step.
* A CALENDAR-basis Waktu ("2 minggu", "1 x 24 jam", "1 bulan", "3 hari kalender") counts
  elapsed time, weekends included. It is converted into working minutes at the working
  week's average rate: ``working_days_per_week * working_day_hours`` hours of work per 7
  calendar days, so one calendar day is 5 * 450 / 7 = 321.4 working minutes, "2 minggu" is 10
  working days and "1 bulan" (30 days) is 21.4 working days. Holidays inside the span are not
  removed: this is an average. The result lists each step converted this way.
* A Waktu that cannot be read ("sesuai jadwal", "-") is an error naming the step, unless the
  step has an override.

Overrides (``durations={"s7": ...}``) are one of the distribution classes below, with values in
``unit`` ("minute", "hour", "day" or "week", all working time), or a Waktu text such as
``"60 - 120 hari kerja"``, read like a step's own Waktu.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Iterable
from typing import TYPE_CHECKING, Literal, TypeAlias

import attrs

from sopflow.waktu import WORKING_DAY_HOURS, Basis, Waktu, WaktuKind

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

__all__ = [
    "PERT",
    "Distribution",
    "DurationSpec",
    "Empirical",
    "Exponential",
    "Fixed",
    "LogNormal",
    "RangeShape",
    "Triangular",
    "Uniform",
    "Unit",
]

Unit: TypeAlias = Literal["minute", "hour", "day", "week"]
"""Units of working time an override may use."""
RangeShape: TypeAlias = Literal["uniform", "triangular", "pert"]
"""How a Waktu range ("1 - 20 hari kerja") is spread between its ends."""


def _unit_minutes(unit: str, working_day_hours: float) -> float:
    if unit == "minute":
        return 1.0
    if unit == "hour":
        return 60.0
    if unit == "day":
        return working_day_hours * 60.0
    if unit == "week":
        return 5 * working_day_hours * 60.0
    raise ValueError(f"unit must be 'minute', 'hour', 'day' or 'week' (working time), got {unit!r}")


def _check_unit(instance: object, attribute: attrs.Attribute[str], value: str) -> None:
    _unit_minutes(value, WORKING_DAY_HOURS)


def _finite_non_negative(name: str, value: float) -> None:
    if not (isinstance(value, int | float) and math.isfinite(value) and value >= 0):
        raise ValueError(f"{name} must be a finite number >= 0, got {value!r}")


class Family(enum.IntEnum):
    """How a resolved distribution is sampled (internal code used by the vectorised sampler)."""

    FIXED = 0
    UNIFORM = 1
    TRIANGULAR = 2
    PERT = 3
    LOGNORMAL = 4
    EXPONENTIAL = 5
    EMPIRICAL = 6


@attrs.frozen(kw_only=True, eq=False)
class Resolved:
    """A distribution in working minutes: family, parameters, exact mean and variance.

    ``a, b, c`` mean: FIXED (value, -, -); UNIFORM (low, high, -); TRIANGULAR (low, high, mode);
    PERT (low, high, alpha) with beta = 6 - alpha; LOGNORMAL (mu, sigma, -) of the log;
    EXPONENTIAL (mean, -, -); EMPIRICAL (-, -, -) with ``samples``.
    """

    family: Family
    a: float = 0.0
    b: float = 0.0
    c: float = 0.0
    mean: float
    variance: float
    samples: npt.NDArray[np.float64] | None = None
    describe: str


@attrs.frozen(kw_only=True)
class Fixed:
    """Always the same duration."""

    value: float
    unit: Unit = attrs.field(default="minute", validator=_check_unit)

    def resolve(self, working_day_hours: float) -> Resolved:
        _finite_non_negative("Fixed value", self.value)
        v = self.value * _unit_minutes(self.unit, working_day_hours)
        return Resolved(family=Family.FIXED, a=v, mean=v, variance=0.0,
                        describe=f"fixed {self.value:g} {self.unit}")


@attrs.frozen(kw_only=True)
class Uniform:
    """Any duration between ``low`` and ``high``, equally likely."""

    low: float
    high: float
    unit: Unit = attrs.field(default="minute", validator=_check_unit)

    def resolve(self, working_day_hours: float) -> Resolved:
        _finite_non_negative("Uniform low", self.low)
        _finite_non_negative("Uniform high", self.high)
        if self.low > self.high:
            raise ValueError(f"Uniform needs low <= high, got {self.low} > {self.high}")
        k = _unit_minutes(self.unit, working_day_hours)
        lo, hi = self.low * k, self.high * k
        if lo == hi:
            return Resolved(family=Family.FIXED, a=lo, mean=lo, variance=0.0,
                            describe=f"fixed {self.low:g} {self.unit}")
        return Resolved(family=Family.UNIFORM, a=lo, b=hi, mean=(lo + hi) / 2,
                        variance=(hi - lo) ** 2 / 12,
                        describe=f"uniform {self.low:g}-{self.high:g} {self.unit}")


def _check_three_point(name: str, low: float, mode: float, high: float) -> None:
    for what, v in (("low", low), ("mode", mode), ("high", high)):
        _finite_non_negative(f"{name} {what}", v)
    if not low <= mode <= high:
        raise ValueError(f"{name} needs low <= mode <= high, got {low}, {mode}, {high}")


@attrs.frozen(kw_only=True)
class Triangular:
    """Between ``low`` and ``high``, most often near ``mode``."""

    low: float
    mode: float
    high: float
    unit: Unit = attrs.field(default="minute", validator=_check_unit)

    def resolve(self, working_day_hours: float) -> Resolved:
        _check_three_point("Triangular", self.low, self.mode, self.high)
        k = _unit_minutes(self.unit, working_day_hours)
        a, m, b = self.low * k, self.mode * k, self.high * k
        text = f"triangular {self.low:g}/{self.mode:g}/{self.high:g} {self.unit}"
        if a == b:
            return Resolved(family=Family.FIXED, a=a, mean=a, variance=0.0, describe=text)
        return Resolved(family=Family.TRIANGULAR, a=a, b=b, c=m, mean=(a + m + b) / 3,
                        variance=(a * a + b * b + m * m - a * b - a * m - b * m) / 18,
                        describe=text)


@attrs.frozen(kw_only=True)
class PERT:
    """The PERT (beta) distribution of the three-point estimate low / mode / high:
    mean (low + 4 mode + high) / 6, smoother than the triangular near the ends."""

    low: float
    mode: float
    high: float
    unit: Unit = attrs.field(default="minute", validator=_check_unit)

    def resolve(self, working_day_hours: float) -> Resolved:
        _check_three_point("PERT", self.low, self.mode, self.high)
        k = _unit_minutes(self.unit, working_day_hours)
        a, m, b = self.low * k, self.mode * k, self.high * k
        text = f"PERT {self.low:g}/{self.mode:g}/{self.high:g} {self.unit}"
        if a == b:
            return Resolved(family=Family.FIXED, a=a, mean=a, variance=0.0, describe=text)
        alpha = 1 + 4 * (m - a) / (b - a)
        mean = (a + 4 * m + b) / 6
        return Resolved(family=Family.PERT, a=a, b=b, c=alpha, mean=mean,
                        variance=(mean - a) * (b - mean) / 7, describe=text)


@attrs.frozen(kw_only=True)
class LogNormal:
    """A right-skewed duration given by its ``mean`` and standard deviation ``std``: most
    cases quick, a few very slow (how waiting for documents usually looks)."""

    mean: float
    std: float
    unit: Unit = attrs.field(default="minute", validator=_check_unit)

    def resolve(self, working_day_hours: float) -> Resolved:
        _finite_non_negative("LogNormal std", self.std)
        if not (math.isfinite(self.mean) and self.mean > 0):
            raise ValueError(f"LogNormal mean must be a finite number > 0, got {self.mean!r}")
        k = _unit_minutes(self.unit, working_day_hours)
        mean, std = self.mean * k, self.std * k
        text = f"lognormal mean {self.mean:g} std {self.std:g} {self.unit}"
        if std == 0:
            return Resolved(family=Family.FIXED, a=mean, mean=mean, variance=0.0, describe=text)
        sigma2 = math.log1p((std / mean) ** 2)
        return Resolved(family=Family.LOGNORMAL, a=math.log(mean) - sigma2 / 2,
                        b=math.sqrt(sigma2), mean=mean, variance=std * std, describe=text)


@attrs.frozen(kw_only=True)
class Exponential:
    """Memoryless duration with the given ``mean`` (the textbook queueing service time)."""

    mean: float
    unit: Unit = attrs.field(default="minute", validator=_check_unit)

    def resolve(self, working_day_hours: float) -> Resolved:
        if not (math.isfinite(self.mean) and self.mean > 0):
            raise ValueError(f"Exponential mean must be a finite number > 0, got {self.mean!r}")
        m = self.mean * _unit_minutes(self.unit, working_day_hours)
        return Resolved(family=Family.EXPONENTIAL, a=m, mean=m, variance=m * m,
                        describe=f"exponential mean {self.mean:g} {self.unit}")


def _float_tuple(values: Iterable[float]) -> tuple[float, ...]:
    return tuple(float(x) for x in values)


@attrs.frozen(kw_only=True)
class Empirical:
    """Durations observed in real runs; each simulated visit draws one of them at random."""

    samples: tuple[float, ...] = attrs.field(converter=_float_tuple)
    unit: Unit = attrs.field(default="minute", validator=_check_unit)

    def resolve(self, working_day_hours: float) -> Resolved:
        import numpy as np

        if not self.samples:
            raise ValueError("Empirical needs at least one sample")
        for v in self.samples:
            _finite_non_negative("Empirical sample", v)
        values = np.asarray(self.samples, dtype=np.float64) * _unit_minutes(
            self.unit, working_day_hours
        )
        text = f"empirical ({len(self.samples)} samples, {self.unit})"
        if float(values.min()) == float(values.max()):
            v = float(values[0])
            return Resolved(family=Family.FIXED, a=v, mean=v, variance=0.0, describe=text)
        values.setflags(write=False)
        return Resolved(family=Family.EMPIRICAL, mean=float(values.mean()),
                        variance=float(values.var()), samples=values, describe=text)


Distribution: TypeAlias = Fixed | Uniform | Triangular | PERT | LogNormal | Exponential | Empirical
"""Any of the duration distributions a step can be given."""
DurationSpec: TypeAlias = Distribution | str
"""An override: a distribution, or a Waktu text read like the step's own."""


def calendar_factor(working_day_hours: float, working_days_per_week: float) -> float:
    """Working minutes per calendar minute: the working week's share of the calendar week."""
    return working_days_per_week * working_day_hours * 60 / (7 * 1440)


def from_waktu(
    waktu: Waktu,
    *,
    where: str,
    range_shape: RangeShape,
    working_day_hours: float,
    working_days_per_week: float,
) -> Resolved:
    """The distribution of a readable Waktu, in working minutes (see the module docstring).

    ``where`` names the step for error messages. Raises ValueError if the text cannot be read.
    """
    if waktu.kind in (WaktuKind.NO_STANDARD, WaktuKind.CADENCE):
        return Resolved(family=Family.FIXED, a=0.0, mean=0.0, variance=0.0,
                        describe=f"{waktu.text!r} (no duration: counted as 0)")
    if not waktu.readable or waktu.basis is None:
        raise ValueError(
            f"{where}: the Waktu {waktu.text!r} cannot be read, so the step has no duration;"
            " give one with durations={...}"
        )
    if waktu.basis is Basis.WORKING:
        try:
            lo, hi = waktu.minutes(working_day_hours=working_day_hours)
        except ValueError as error:
            raise ValueError(f"{where}: {error}; give a duration with durations={{...}}") from None
        basis_note = ""
    else:
        lo, hi = waktu.minutes()
        k = calendar_factor(working_day_hours, working_days_per_week)
        lo, hi = lo * k, hi * k
        basis_note = " (calendar time)"
    text = f"{waktu.text!r}{basis_note}"
    if lo == hi:
        return Resolved(family=Family.FIXED, a=lo, mean=lo, variance=0.0, describe=text)
    if range_shape == "uniform":
        return Resolved(family=Family.UNIFORM, a=lo, b=hi, mean=(lo + hi) / 2,
                        variance=(hi - lo) ** 2 / 12, describe=f"{text} uniform")
    mode = (lo + hi) / 2
    if range_shape == "triangular":
        return attrs.evolve(Triangular(low=lo, mode=mode, high=hi).resolve(working_day_hours),
                            describe=f"{text} triangular")
    if range_shape == "pert":
        return attrs.evolve(PERT(low=lo, mode=mode, high=hi).resolve(working_day_hours),
                            describe=f"{text} PERT")
    raise ValueError(f"range_shape must be 'uniform', 'triangular' or 'pert', got {range_shape!r}")


def resolve_spec(spec: object, *, where: str, working_day_hours: float) -> Resolved:
    """An override that is a distribution object (strings are read by the caller)."""
    if isinstance(spec, Fixed | Uniform | Triangular | PERT | LogNormal | Exponential | Empirical):
        try:
            return spec.resolve(working_day_hours)
        except ValueError as error:
            raise ValueError(f"{where}: {error}") from None
    raise TypeError(
        f"{where}: a duration must be Fixed, Uniform, Triangular, PERT, LogNormal, Exponential,"
        f" Empirical or a Waktu text, got {type(spec).__name__}: {spec!r}"
    )


def draw(rng: np.random.Generator, dist: Resolved, m: int) -> npt.NDArray[np.float64] | float:
    """``m`` independent durations of one distribution (one numpy call, scalar parameters);
    a fixed duration is returned as the plain number, which the caller broadcasts."""
    a, b, c = dist.a, dist.b, dist.c
    family = dist.family
    if family is Family.FIXED:
        return a
    if family is Family.UNIFORM:
        out: npt.NDArray[np.float64] = rng.random(m)
        out *= b - a
        out += a
        return out
    if family is Family.TRIANGULAR:
        return rng.triangular(a, c, b, m)
    if family is Family.PERT:
        out = rng.beta(c, 6.0 - c, m)
        out *= b - a
        out += a
        return out
    if family is Family.LOGNORMAL:
        return rng.lognormal(a, b, m)
    if family is Family.EXPONENTIAL:
        return rng.exponential(a, m)
    assert dist.samples is not None
    picked: npt.NDArray[np.float64] = dist.samples[rng.integers(0, dist.samples.size, m)]
    return picked
