"""Read the Waktu (time standard) column of an SOP AP into a value object.

Real SOPs write the time standard freely: "15 menit", "1-20 Hari Kerja", "1 (satu) hari",
"2x24 jam", "5 s.d. 10 menit", "setengah jam", "1 jam 30 menit", "3 working days".
`parse_waktu` reads such text into a range (low, high) in one unit, with a basis (working or
calendar time), and keeps the literal text. It never raises on text it cannot read: the result
is then not `readable`, so the validator can report it against its step.

Reading rules:
- detik/menit/jam are working time (effort inside working hours); "hari kerja" (or "hk") is
  working days, "hari kalender" calendar days; bare "hari" and English "day(s)" take the
  `bare_hari` argument and are flagged; minggu/pekan, bulan and tahun are calendar time;
  "N x 24 jam" is N*24 calendar hours.
- An upper bound ("maksimal 3 hari", "paling lama", "max 3 days") reads as the range 0..3: the
  step may take anything up to it. An approximation ("± 30 menit", "kurang lebih", "sekitar")
  reads as the value itself.
- Compounds ("1 jam 30 menit", "1 tahun 6 bulan") and ranges whose ends use different units
  ("30 menit - 1 jam") are converted to the smaller unit, only where the factor is fixed (60
  between hours, minutes and seconds, 7 days in a calendar week, 12 months in a year).
- "hr" is the Indonesian abbreviation of hari (as in "3 hr", "hr kerja"); "hrs" is the English
  hour.
- A dot or comma before exactly three digits ("1.000") may be a thousands separator or a
  decimal point, so such a number is unreadable; "1,5" and "1.5" are 1.5.

What signed SOPs print besides a duration is read too, and told apart by `Waktu.kind`:
- IMMEDIATE: "Segera", "Langsung", "Seketika", "Saat itu juga": done at once, read as 0 minutes.
- RATE: "2 menit/berkas", "5 menit per dokumen": a duration for one unit of work; read as that
  duration (the time for one "berkas"), with the unit of work kept in `per`.
- CADENCE: "Triwulanan", "Setiap bulan", "Seminggu sekali": how often the step happens, not
  how long it takes; no duration (`every` holds the period, e.g. (3, MONTH)).
- NO_STANDARD: "Sesuai kebutuhan", "Sesuai jadwal", "Menyesuaikan", "Sepanjang tahun": the SOP
  sets no time standard for the step; no duration.
A CADENCE or NO_STANDARD Waktu is not `readable` (there is no range), but it is `understood`:
the validator warns (W115) instead of refusing it, the simulator counts the step as taking no
time unless a duration is given, and the executor sets no due time.
"""

from __future__ import annotations

import enum
import math
import re
import types
from collections.abc import Sequence

import attrs

__all__ = [
    "MAX_WAKTU_DAYS",
    "WORKING_DAY_HOURS",
    "WORKING_DAY_MINUTES",
    "WORKING_WEEK_DAYS",
    "Basis",
    "TimeUnit",
    "Waktu",
    "WaktuKind",
    "parse_waktu",
]

#: The civil-service working day (Perpres 21/2023: 37.5 hours over five days) and week: the one
#: home of these numbers; the calendar, validation, runtime and simulation read them here.
WORKING_DAY_HOURS = 7.5
WORKING_WEEK_DAYS = 5
WORKING_DAY_MINUTES = WORKING_DAY_HOURS * 60

#: The longest Waktu sopflow schedules, in days (of its own basis: working days for working
#: time): 100 years. A longer one ("9999 tahun") is a typing mistake, and a due date that far
#: would run past the calendar's last year (9999); validation reports it (rule E015).
MAX_WAKTU_DAYS = 36_500


class TimeUnit(enum.Enum):
    """The unit a Waktu is expressed in, smallest first."""

    SECOND = "second"
    MINUTE = "minute"
    HOUR = "hour"
    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    YEAR = "year"


class Basis(enum.Enum):
    """Whether a Waktu counts working time only or elapsed calendar time."""

    WORKING = "working"  # counts only working time (working hours / working days)
    CALENDAR = "calendar"  # elapsed calendar time


class WaktuKind(enum.Enum):
    """What a Waktu text says: a duration, or one of the other things signed SOPs print."""

    DURATION = "duration"  # a time range ("15 menit", "1-3 hari kerja")
    IMMEDIATE = "immediate"  # "Segera": at once, 0 minutes
    RATE = "rate"  # "2 menit/berkas": a duration per unit of work
    CADENCE = "cadence"  # "Triwulanan": how often, not how long; no duration
    NO_STANDARD = "no-standard"  # "Sesuai kebutuhan": no time standard; no duration
    UNREADABLE = "unreadable"  # none of the above


def _default_kind(waktu: Waktu) -> WaktuKind:
    return WaktuKind.DURATION if waktu.low is not None else WaktuKind.UNREADABLE


# Seconds in one unit of calendar time (seconds keep the conversions exact in floats).
_CALENDAR_SECONDS = types.MappingProxyType(
    dict(zip(TimeUnit, (1, 60, 3600, 86400, 7 * 86400, 30 * 86400, 365 * 86400), strict=True))
)


@attrs.frozen(kw_only=True)
class Waktu:
    """A time standard: the literal text and, when it can be read, a range in one unit."""

    text: str  # the literal text as written, always kept
    low: float | None  # minimum, in `unit`; None when the text cannot be read
    high: float | None  # maximum, in `unit` (== low for a single value)
    unit: TimeUnit | None
    basis: Basis | None
    bare_hari: bool = False  # the text used bare "hari" (no "kerja"/"kalender")
    kind: WaktuKind = attrs.field(default=attrs.Factory(_default_kind, takes_self=True))
    per: str | None = None  # RATE: the unit of work the duration is for ("berkas")
    every: tuple[float, TimeUnit] | None = None  # CADENCE: the period, e.g. (3, MONTH)

    def __attrs_post_init__(self) -> None:
        if all(v is None for v in (self.low, self.high, self.unit, self.basis)):
            return
        if self.low is None or self.high is None or self.unit is None or self.basis is None:
            raise ValueError(
                f"Waktu {self.text!r}: low, high, unit and basis must all be set or all be None"
            )
        if not (0 <= self.low <= self.high and math.isfinite(self.high)):
            raise ValueError(
                f"Waktu {self.text!r}: need finite 0 <= low <= high, got {self.low}..{self.high}"
            )

    @property
    def readable(self) -> bool:
        """True when the text was read into a range (a duration, at once, or a rate)."""
        return self.low is not None

    @property
    def understood(self) -> bool:
        """True unless the text is none of the kinds sopflow knows (only then is it an error)."""
        return self.kind is not WaktuKind.UNREADABLE

    def minutes(self, *, working_day_hours: float = WORKING_DAY_HOURS) -> tuple[float, float]:
        """(low, high) in minutes of its own basis. WORKING: a day = working_day_hours*60
        working minutes, a week = 5 working days. CALENDAR: day 1440, week 7 days, month 30 days,
        year 365 days. Raises ValueError (naming the text) if not readable."""
        if self.low is None or self.high is None or self.unit is None or self.basis is None:
            raise ValueError(f"Waktu {self.text!r} cannot be read, so it has no duration")
        if not (0 < working_day_hours <= 24):
            raise ValueError(f"working_day_hours must be in (0, 24], got {working_day_hours}")
        seconds = float(_CALENDAR_SECONDS[self.unit])
        if self.basis is Basis.WORKING:
            if self.unit is TimeUnit.DAY:
                seconds = working_day_hours * 3600
            elif self.unit is TimeUnit.WEEK:
                seconds = WORKING_WEEK_DAYS * working_day_hours * 3600
            elif self.unit in (TimeUnit.MONTH, TimeUnit.YEAR):
                raise ValueError(
                    f"Waktu {self.text!r}: a working {self.unit.value} has no fixed length"
                )
        return (self.low * seconds / 60, self.high * seconds / 60)

    @property
    def too_long(self) -> bool:
        """True when the upper end is longer than :data:`MAX_WAKTU_DAYS` days."""
        if self.high is None or self.unit is None:
            return False
        return self.high * _CALENDAR_SECONDS[self.unit] > MAX_WAKTU_DAYS * 86_400

    def __str__(self) -> str:
        return self.text


# ---------------------------------------------------------------------------------------------
# Vocabulary. A phrase is a tuple of tokens; spellings are separated by "|".


@attrs.frozen
class _UnitSpec:
    unit: TimeUnit
    basis: Basis | None  # None: bare "hari", the caller decides
    multiplier: int = 1  # "x 24 jam" is 24 hours per count


_W, _C = Basis.WORKING, Basis.CALENDAR
_UNIT_TABLE: tuple[tuple[str, TimeUnit, Basis | None, int], ...] = (
    ("detik|dtk|second|seconds|sec|secs", TimeUnit.SECOND, _W, 1),
    ("menit|mnt|min|mins|minute|minutes", TimeUnit.MINUTE, _W, 1),
    ("jam|jam kerja|hour|hours|hrs", TimeUnit.HOUR, _W, 1),
    ("x 24 jam", TimeUnit.HOUR, _C, 24),
    ("hari kerja|hr kerja|hk|working day|working days|workday|workdays", TimeUnit.DAY, _W, 1),
    ("business day|business days", TimeUnit.DAY, _W, 1),
    ("hari kalender|hr kalender|calendar day|calendar days", TimeUnit.DAY, _C, 1),
    ("hari|hr|day|days", TimeUnit.DAY, None, 1),
    ("minggu|pekan|week|weeks|wk|wks", TimeUnit.WEEK, _C, 1),
    ("bulan|bln|month|months", TimeUnit.MONTH, _C, 1),
    ("tahun|thn|year|years|yr|yrs", TimeUnit.YEAR, _C, 1),
)
_UNITS = types.MappingProxyType(
    {
        tuple(spelling.split()): _UnitSpec(unit, basis, multiplier)
        for spellings, unit, basis, multiplier in _UNIT_TABLE
        for spelling in spellings.split("|")
    }
)
_LONGEST_UNIT = max(len(phrase) for phrase in _UNITS)


def _phrases(spellings: str) -> tuple[tuple[str, ...], ...]:
    """Phrases longest first, so "sampai dengan" is tried before "sampai"."""
    return tuple(sorted((tuple(s.split()) for s in spellings.split("|")), key=len, reverse=True))


_UPPER_BOUND = _phrases(
    "maksimal|maksimum|maks|max|maximum|paling lama|paling lambat|selambat - lambatnya"
    "|selambatnya|tidak lebih dari|at most|up to|no more than"
)
_ABOUT = _phrases(
    "±|kurang lebih|lebih kurang|kurang - lebih|sekitar|kira - kira|about|approx"
    "|approximately|around"
)
_RANGE_SEPARATORS = _phrases("-|sd|sampai|sampai dengan|hingga|to|until")

# Numbers in words. A number is a sequence of pieces, each (value, top slot, bottom slot):
# "seratus dua puluh satu" is 100 (slots 100..100), 20 (10..10), 1 (1..1). Each piece must
# start below where the previous one ended, which rejects "sepuluh dua" or "dua puluh sebelas".
_DIGIT_WORDS = ("satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan")
_SE_WORDS = types.MappingProxyType(
    {
        "sepuluh": (10.0, 10.0, 1.0),
        "sebelas": (11.0, 10.0, 1.0),
        "seratus": (100.0, 100.0, 100.0),
        "setengah": (0.5, 0.1, 0.1),  # also after a whole number: "satu setengah" is 1.5
        "seperempat": (0.25, 0.1, 0.1),
    }
)
_SCALE_WORDS = frozenset({"belas", "puluh", "ratus"})
_NUMBER_WORDS = frozenset(_DIGIT_WORDS) | frozenset(_SE_WORDS) | _SCALE_WORDS


def _words_value(words: Sequence[str]) -> float | None:
    total, floor, i = 0.0, math.inf, 0
    while i < len(words):
        word, following = words[i], words[i + 1] if i + 1 < len(words) else ""
        if word in _SE_WORDS:
            value, top, bottom = _SE_WORDS[word]
            i += 1
        elif word in _DIGIT_WORDS and following in _SCALE_WORDS:
            digit = _DIGIT_WORDS.index(word) + 1
            if digit == 1:  # the language says "sebelas", "sepuluh", "seratus"
                return None
            value, top, bottom = {
                "belas": (10.0 + digit, 10.0, 1.0),
                "puluh": (10.0 * digit, 10.0, 10.0),
                "ratus": (100.0 * digit, 100.0, 100.0),
            }[following]
            i += 2
        elif word in _DIGIT_WORDS:
            value, top, bottom = _DIGIT_WORDS.index(word) + 1.0, 1.0, 1.0
            i += 1
        else:  # a scale word without its digit: "puluh"
            return None
        if top >= floor:
            return None
        total, floor = total + value, bottom
    return total


def _digits_value(token: str) -> float | None:
    whole, _, fraction = token.replace(",", ".").partition(".")
    if len(fraction) == 3:  # "1.000": thousands separator or decimal point? Do not guess.
        return None
    value = float(f"{whole}.{fraction}" if fraction else whole)
    return value if math.isfinite(value) else None  # 400 digits overflow to inf


def _tokenize(text: str) -> list[str]:
    s = text.casefold()
    s = re.sub("[\u2010-\u2015\u2212]", "-", s)  # hyphens, en/em dashes, minus sign -> "-"
    # "s.d.", "s/d", "s.d" (sampai dengan) -> "sd", before dots are dropped below
    s = re.sub(r"(?<![a-z])s\s*[./]\s*d(?![a-z])\.?", " sd ", s)
    # "sehari", "seminggu", "sebulan": "se-" + unit means one unit
    s = re.sub(r"(?<![a-z])se(detik|menit|jam|hari|minggu|pekan|bulan|tahun)(?![a-z])", r"1 \1", s)
    s = re.sub(r"[.,](?!\d)", " ", s)  # full stops and abbreviation dots; keeps "1,5" and "1.5"
    return re.findall(
        r"""\d+(?:[.,]\d+)?         # a number with an optional decimal part
          | [a-z]+                # a word ("selambat-lambatnya" is three tokens)
          | \S                    # any other character stands alone (-, parentheses, ±, ...)
        """,
        s,
        re.VERBOSE | re.ASCII,  # ASCII digits only: float() rejects "²"
    )


@attrs.define
class _Reader:
    """A cursor over one text's tokens. Each reading method either consumes what it read and
    returns it, or leaves the cursor where it was and returns None (or False)."""

    tokens: list[str]
    pos: int = 0

    def _ahead(self, n: int) -> tuple[str, ...]:
        return tuple(self.tokens[self.pos : self.pos + n])

    def at_end(self) -> bool:
        return self.pos == len(self.tokens)

    def take(self, phrases: Sequence[tuple[str, ...]]) -> bool:
        for phrase in phrases:
            if self._ahead(len(phrase)) == phrase:
                self.pos += len(phrase)
                return True
        return False

    def unit(self) -> _UnitSpec | None:
        for n in range(_LONGEST_UNIT, 0, -1):  # longest first: "hari kerja" before "hari"
            phrase = self._ahead(n)
            if len(phrase) == n and (spec := _UNITS.get(phrase)) is not None:
                self.pos += n
                return spec
        return None

    def _numeral(self) -> float | None:
        if self._ahead(1) and self.tokens[self.pos][0] in "0123456789":
            self.pos += 1
            return _digits_value(self.tokens[self.pos - 1])
        words = []
        while self._ahead(1) and self.tokens[self.pos] in _NUMBER_WORDS:
            words.append(self.tokens[self.pos])
            self.pos += 1
        return _words_value(words) if words else None

    def number(self) -> float | None:
        """A numeral, optionally glossed in parentheses that must agree: "1 (satu)"."""
        start = self.pos
        value = self._numeral()
        if value is not None and self.take((("(",),)):
            gloss = self._numeral()
            if gloss != value or not self.take(((")",),)):
                value = None
        if value is None:
            self.pos = start
        return value

    def terms(self) -> list[tuple[float, _UnitSpec | None]]:
        """Number-unit pairs ("1 jam 30 menit"); a final number may lack its unit ("5-")."""
        found: list[tuple[float, _UnitSpec | None]] = []
        while (value := self.number()) is not None:
            spec = self.unit()
            found.append((value, spec))
            if spec is None:
                break
        return found


@attrs.frozen
class _Amount:
    value: float
    unit: TimeUnit
    basis: Basis
    bare: bool


# Each unit that splits into a fixed number of smaller ones (weeks here are always calendar).
_SUBDIVISION = types.MappingProxyType(
    {
        TimeUnit.HOUR: (TimeUnit.MINUTE, 60),
        TimeUnit.MINUTE: (TimeUnit.SECOND, 60),
        TimeUnit.WEEK: (TimeUnit.DAY, 7),
        TimeUnit.YEAR: (TimeUnit.MONTH, 12),
    }
)
_SIZE_RANK = types.MappingProxyType({unit: rank for rank, unit in enumerate(TimeUnit)})


def _in_common_unit(a: _Amount, b: _Amount) -> tuple[float, float, TimeUnit] | None:
    """Both values in the smaller of the two units, if they share a basis and a fixed factor."""
    if a.basis is not b.basis:
        return None
    small, large = sorted((a, b), key=lambda x: _SIZE_RANK[x.unit])
    unit, factor = large.unit, 1
    while unit is not small.unit:
        if unit not in _SUBDIVISION:
            return None
        unit, step = _SUBDIVISION[unit]
        factor *= step
    big = large.value * factor
    return (a.value, big, unit) if a is small else (big, b.value, unit)


def _combine(terms: list[tuple[float, _UnitSpec | None]], bare_hari: Basis) -> _Amount | None:
    """Add up the terms of a compound, largest unit first, into the smallest unit."""
    total: _Amount | None = None
    for value, spec in terms:
        if spec is None:
            return None
        part = _Amount(
            value * spec.multiplier, spec.unit, spec.basis or bare_hari, spec.basis is None
        )
        if total is not None:
            common = _in_common_unit(total, part)
            if common is None or _SIZE_RANK[part.unit] >= _SIZE_RANK[total.unit]:
                return None
            part = _Amount(common[0] + common[1], common[2], part.basis, total.bare or part.bare)
        total = part
    return total


def parse_waktu(text: str, *, bare_hari: Basis = Basis.WORKING) -> Waktu:
    """Never raises on bad text: unreadable text gives low=high=unit=basis=None and the kind
    UNREADABLE. Besides durations it reads the other things signed SOPs print (see `WaktuKind`).
    """
    if not isinstance(text, str):
        raise TypeError(f"Waktu text must be a str, got {type(text).__name__}: {text!r}")
    if not isinstance(bare_hari, Basis):
        raise TypeError(f"bare_hari must be a Basis, got {bare_hari!r}")
    tokens = _tokenize(text)
    duration = _duration(text, tokens, bare_hari)
    if duration.readable:
        return duration
    return (
        _rate(text, bare_hari)
        or _immediate(text, tokens)
        or _cadence(text, tokens)
        or _no_standard(text, tokens)
        or duration
    )


def _duration(text: str, tokens: list[str], bare_hari: Basis) -> Waktu:
    unreadable = Waktu(text=text, low=None, high=None, unit=None, basis=None)
    reader = _Reader(tokens)
    upper_bound = reader.take(_UPPER_BOUND)
    if not upper_bound:
        reader.take(_ABOUT)
    left = reader.terms()
    right = reader.terms() if reader.take(_RANGE_SEPARATORS) else None
    if not reader.at_end() or not left or (right is not None and (upper_bound or not right)):
        return unreadable
    if right is not None and len(left) == 1 and left[0][1] is None:
        left = [(left[0][0], right[0][1])]  # "5-10 menit": the left end takes the right's unit
    low = _combine(left, bare_hari)
    high = _combine(right, bare_hari) if right is not None else low
    if low is None or high is None:
        return unreadable
    common = _in_common_unit(low, high)
    if common is None or common[0] > common[1]:
        return unreadable
    return Waktu(
        text=text,
        low=0.0 if upper_bound else common[0],
        high=common[1],
        unit=common[2],
        basis=low.basis,
        bare_hari=low.bare or high.bare,
    )


# ---------------------------------------------------------------------------------------------
# What signed SOPs print instead of a duration. Phrases are token tuples (see _tokenize).

_IMMEDIATE = frozenset(_phrases(
    "segera|langsung|seketika|saat itu juga|pada saat itu juga|pada saat itu|saat itu"
    "|real time|realtime|at once|immediately"
))
_NO_STANDARD = frozenset(_phrases(
    "menyesuaikan|tentatif|kondisional|situasional|insidental|insidentil|fleksibel"
    "|sepanjang tahun|sepanjang waktu|setiap saat|kapan saja|bervariasi|variatif"
    "|as needed|as required|on demand|when needed|ad hoc"
))
# "sesuai ..." / "disesuaikan ..." / "tergantung ...": sesuai kebutuhan, sesuai jadwal, ...
_NO_STANDARD_LEADS = frozenset({"sesuai", "disesuaikan", "tergantung", "bergantung"})
_PERIOD_WORDS = types.MappingProxyType({
    "hari": (1.0, TimeUnit.DAY), "minggu": (1.0, TimeUnit.WEEK), "pekan": (1.0, TimeUnit.WEEK),
    "bulan": (1.0, TimeUnit.MONTH), "triwulan": (3.0, TimeUnit.MONTH),
    "caturwulan": (4.0, TimeUnit.MONTH), "semester": (6.0, TimeUnit.MONTH),
    "tahun": (1.0, TimeUnit.YEAR), "day": (1.0, TimeUnit.DAY), "week": (1.0, TimeUnit.WEEK),
    "month": (1.0, TimeUnit.MONTH), "quarter": (3.0, TimeUnit.MONTH),
    "year": (1.0, TimeUnit.YEAR),
})
_PERIOD_ADJECTIVES = types.MappingProxyType({
    "harian": "hari", "mingguan": "minggu", "bulanan": "bulan", "triwulanan": "triwulan",
    "caturwulanan": "caturwulan", "semesteran": "semester", "tahunan": "tahun",
    "daily": "day", "weekly": "week", "monthly": "month", "quarterly": "quarter",
    "yearly": "year", "annually": "year",
})
_EVERY = frozenset(_phrases("setiap|tiap|tiap - tiap|per|sekali|satu kali|1 kali|every|once a"))
_ONCE = frozenset(_phrases("sekali|satu kali|1 kali|once"))
_RATE_MARK = re.compile(r"\s*/\s*|\s+(?:per|setiap|tiap|untuk)\s+", re.IGNORECASE)


def _plain(tokens: Sequence[str]) -> tuple[str, ...]:
    """Tokens without brackets, colons and similar marks that do not change the meaning."""
    return tuple(t for t in tokens if t not in {"(", ")", ":", ";", "*", "!"})


def _immediate(text: str, tokens: list[str]) -> Waktu | None:
    if _plain(tokens) not in _IMMEDIATE:
        return None
    return Waktu(text=text, low=0.0, high=0.0, unit=TimeUnit.MINUTE, basis=Basis.WORKING,
                 kind=WaktuKind.IMMEDIATE)


def _no_standard(text: str, tokens: list[str]) -> Waktu | None:
    words = _plain(tokens)
    known = words in _NO_STANDARD or (len(words) >= 2 and words[0] in _NO_STANDARD_LEADS
                                      and all(w.isalpha() for w in words))
    if not known:
        return None
    return Waktu(text=text, low=None, high=None, unit=None, basis=None,
                 kind=WaktuKind.NO_STANDARD)


def _period(words: tuple[str, ...]) -> tuple[float, TimeUnit] | None:
    """"triwulanan", "setiap bulan", "tiap 3 bulan", "1 bulan sekali", "per semester"."""
    if len(words) == 1 and words[0] in _PERIOD_ADJECTIVES:
        return _PERIOD_WORDS[_PERIOD_ADJECTIVES[words[0]]]
    for phrase in _ONCE:  # "1 bulan sekali" (tokenized from "sebulan sekali")
        n = len(phrase)
        if len(words) > n and words[-n:] == phrase:
            return _counted_period(words[:-n])
    for phrase in _EVERY:  # "setiap bulan", "tiap 3 bulan"
        n = len(phrase)
        if len(words) > n and words[:n] == phrase:
            return _counted_period(words[n:])
    return None


def _counted_period(words: tuple[str, ...]) -> tuple[float, TimeUnit] | None:
    if len(words) == 1 and words[0] in _PERIOD_WORDS:
        return _PERIOD_WORDS[words[0]]
    if len(words) == 2 and words[1] in _PERIOD_WORDS:
        count = _Reader(list(words[:1])).number()
        if count is not None and count > 0:
            size, unit = _PERIOD_WORDS[words[1]]
            return (count * size, unit)
    return None


def _cadence(text: str, tokens: list[str]) -> Waktu | None:
    every = _period(_plain(tokens))
    if every is None:
        return None
    return Waktu(text=text, low=None, high=None, unit=None, basis=None,
                 kind=WaktuKind.CADENCE, every=every)


def _rate(text: str, bare_hari: Basis) -> Waktu | None:
    """"2 menit/berkas", "5 menit per dokumen": a duration, then what it is for."""
    mark = _RATE_MARK.search(text)
    if mark is None:
        return None
    per = text[mark.end():].strip(" .")
    per_tokens = _plain(_tokenize(per))
    if not per_tokens or not any(c.isalpha() for c in per):
        return None
    if _Reader(list(per_tokens)).unit() is not None or _period(("setiap", *per_tokens)):
        return None  # "1 jam/hari" is a time per day, not per piece of work
    head = text[:mark.start()]
    head_waktu = _duration(text, _tokenize(head), bare_hari)
    if not head_waktu.readable:
        return None
    return attrs.evolve(head_waktu, kind=WaktuKind.RATE, per=per)
