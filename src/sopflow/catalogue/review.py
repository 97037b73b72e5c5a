"""When each SOP is due for its evaluation (monitoring and evaluation, Permenpan RB 35/2012).

The guideline asks for monitoring of each SOP AP every six months and an evaluation at least
once a year. sopflow's default is that cycle: an SOP is due for evaluation
:data:`DEFAULT_CYCLE_MONTHS` (12) months after its latest date (Tanggal Revisi, Tanggal
Efektif, Tanggal Pembuatan, or the last evaluation recorded in the catalogue's settings), is
"due soon" within :data:`DEFAULT_SOON_DAYS` (60) days of that, and overdue after it.

Per-SOP settings live beside the SOP files, in ``sopflow-catalogue.toml`` at the catalogue's
root, so the SOP model does not change::

    [review]
    cycle_months = 12        # default cycle for every SOP
    soon_days = 60           # how early "due soon" starts

    [[review.sop]]
    match = "800/01/UMUM"    # the SOP's Nomor or its name
    cycle_months = 6         # this SOP: every six months
    last_review = 2026-03-02 # evaluated on this day

Bad settings are reported with the file and key; they never pass silently.
"""

from __future__ import annotations

import calendar
import enum
import tomllib
from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import attrs

from sopflow.catalogue.links import match_key, number_key

__all__ = [
    "CONFIG_NAME",
    "DEFAULT_CYCLE_MONTHS",
    "DEFAULT_SOON_DAYS",
    "CatalogueConfig",
    "ConfigError",
    "Review",
    "ReviewSetting",
    "ReviewStatus",
    "add_months",
    "config_for",
    "load_config",
    "review_of",
]

CONFIG_NAME = "sopflow-catalogue.toml"
DEFAULT_CYCLE_MONTHS = 12
DEFAULT_SOON_DAYS = 60


class ConfigError(ValueError):
    """A bad ``sopflow-catalogue.toml``: which file, which key, what is wrong."""


class ReviewStatus(enum.Enum):
    """Where an SOP stands; the values are the site's Indonesian words."""

    OVERDUE = "terlambat"
    DUE_SOON = "segera"
    CURRENT = "berlaku"
    UNDATED = "tanpa tanggal"

    @property
    def label(self) -> str:
        return {"terlambat": "Terlambat dievaluasi", "segera": "Segera dievaluasi",
                "berlaku": "Berlaku", "tanpa tanggal": "Tanpa tanggal"}[self.value]


@attrs.frozen(kw_only=True)
class ReviewSetting:
    """The cycle for one SOP (or the default), and its last evaluation when recorded."""

    cycle_months: int = DEFAULT_CYCLE_MONTHS
    soon_days: int = DEFAULT_SOON_DAYS
    last_review: date | None = None


@attrs.frozen(kw_only=True)
class CatalogueConfig:
    """The catalogue's settings: the default review cycle and per-SOP settings by key."""

    default: ReviewSetting = ReviewSetting()
    per_sop: tuple[tuple[str, ReviewSetting], ...] = ()
    source: str | None = None

    def setting_for(self, name: str, number: str | None) -> tuple[ReviewSetting, str | None]:
        """The setting of the SOP with this name and Nomor, and the key that matched it."""
        for key, setting in self.per_sop:
            if (number and number_key(key) == number_key(number)) or \
                    match_key(key) == match_key(name):
                return setting, key
        return self.default, None

    def unmatched(self, sops: Sequence[tuple[str, str | None]]) -> list[str]:
        """Per-SOP keys that match none of ``sops`` (name, Nomor): probably a typo."""
        names = {match_key(n) for n, _ in sops}
        numbers = {number_key(k) for _, k in sops if k}
        return [key for key, _ in self.per_sop
                if match_key(key) not in names and number_key(key) not in numbers]


@attrs.frozen(kw_only=True)
class Review:
    """One SOP's evaluation date: from which date, which cycle, when due, and its status."""

    basis: date | None
    basis_field: str | None  # "revisi", "efektif", "pembuatan" or "evaluasi terakhir"
    cycle_months: int
    due: date | None
    status: ReviewStatus
    days_left: int | None

    def to_dict(self) -> dict[str, Any]:
        return {"basis": self.basis.isoformat() if self.basis else None,
                "basis_field": self.basis_field, "cycle_months": self.cycle_months,
                "due": self.due.isoformat() if self.due else None,
                "status": self.status.value, "days_left": self.days_left}


def add_months(day: date, months: int) -> date:
    """``day`` plus whole calendar months (31 January + 1 month = 28/29 February)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def review_of(dates: Mapping[str, date | None], setting: ReviewSetting, today: date) -> Review:
    """The review of an SOP with these dates (keys ``created``, ``revised``, ``effective``)."""
    candidates = [(setting.last_review, "evaluasi terakhir"), (dates.get("revised"), "revisi"),
                  (dates.get("effective"), "efektif"), (dates.get("created"), "pembuatan")]
    known = [(d, field) for d, field in candidates if d is not None]
    if not known:
        return Review(basis=None, basis_field=None, cycle_months=setting.cycle_months,
                      due=None, status=ReviewStatus.UNDATED, days_left=None)
    basis, field = max(known, key=lambda item: item[0])  # the first of equal dates wins
    due = add_months(basis, setting.cycle_months)
    left = (due - today).days
    if left < 0:
        status = ReviewStatus.OVERDUE
    elif left <= setting.soon_days:
        status = ReviewStatus.DUE_SOON
    else:
        status = ReviewStatus.CURRENT
    return Review(basis=basis, basis_field=field, cycle_months=setting.cycle_months, due=due,
                  status=status, days_left=left)


# -- the settings file ---------------------------------------------------------------------

_KEYS = {"cycle_months", "soon_days", "last_review"}


def _setting(data: Mapping[str, Any], base: ReviewSetting, where: str) -> ReviewSetting:
    values: dict[str, Any] = {}
    for key, value in data.items():
        if key == "match":
            continue
        if key not in _KEYS:
            raise ConfigError(f"{where}: unknown key {key!r} (known: "
                              f"{', '.join(sorted(_KEYS))})")
        if key == "last_review":
            if type(value) is not date:
                raise ConfigError(f"{where}.last_review: expected a date such as 2026-03-02, "
                                  f"got {value!r}")
        elif type(value) is not int or not 1 <= value <= (120 if key == "cycle_months"
                                                           else 3650):
            raise ConfigError(f"{where}.{key}: expected a whole number "
                              f"{'of months (1-120)' if key == 'cycle_months' else '(1-3650)'},"
                              f" got {value!r}")
        values[key] = value
    return attrs.evolve(base, **values)


def _parse(data: Mapping[str, Any], name: str) -> CatalogueConfig:
    unknown = set(data) - {"review"}
    if unknown:
        raise ConfigError(f"{name}: unknown section(s) {', '.join(sorted(unknown))}; "
                          "known: review")
    review = data.get("review", {})
    if not isinstance(review, dict):
        raise ConfigError(f"{name}: [review] must be a table")
    default = _setting({k: v for k, v in review.items() if k != "sop"}, ReviewSetting(),
                       f"{name}: review")
    entries = review.get("sop", [])
    if not isinstance(entries, list):
        raise ConfigError(f"{name}: review.sop must be written [[review.sop]]")
    per_sop = []
    for k, entry in enumerate(entries):
        where = f"{name}: review.sop[{k}]"
        match = entry.get("match") if isinstance(entry, dict) else None
        if not isinstance(match, str) or not match_key(match):
            raise ConfigError(f"{where}: needs match = \"<Nomor or Nama SOP>\"")
        per_sop.append((match, _setting(entry, attrs.evolve(default, last_review=None),
                                        where)))
    return CatalogueConfig(default=default, per_sop=tuple(per_sop), source=name)


def load_config(folder: str | Path) -> CatalogueConfig:
    """The settings in ``folder/sopflow-catalogue.toml``, or the defaults when it is absent."""
    path = Path(folder) / CONFIG_NAME
    if not path.is_file():
        return CatalogueConfig()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: {error}") from None
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: cannot read: {error}") from None
    return _parse(data, str(path))


def config_for(paths: Sequence[str]) -> CatalogueConfig:
    """The settings of a catalogue given as paths: those of the first folder among them."""
    for path in paths:
        if Path(path).is_dir():
            return load_config(path)
    return CatalogueConfig()
