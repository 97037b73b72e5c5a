"""Tests for reading the Waktu (time standard) column: sopflow.waktu."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sopflow.waktu import Basis, TimeUnit, Waktu, WaktuKind, parse_waktu

S, MIN, H, D = TimeUnit.SECOND, TimeUnit.MINUTE, TimeUnit.HOUR, TimeUnit.DAY
WK, MO, Y = TimeUnit.WEEK, TimeUnit.MONTH, TimeUnit.YEAR
W, C = Basis.WORKING, Basis.CALENDAR

_ONES = ["satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan"]
EN_DASH, EM_DASH, MINUS = "\u2013", "\u2014", "\u2212"


def indonesian_words(n: int) -> str:
    """Spell 1..999 in Indonesian words, the way SOPs write them ("seratus dua puluh")."""
    assert 1 <= n <= 999
    hundreds, rest = divmod(n, 100)
    tens, ones = divmod(rest, 10)
    parts = []
    if hundreds == 1:
        parts.append("seratus")
    elif hundreds:
        parts += [_ONES[hundreds - 1], "ratus"]
    if rest == 10:
        parts.append("sepuluh")
    elif rest == 11:
        parts.append("sebelas")
    elif tens == 1:
        parts += [_ONES[ones - 1], "belas"]
    else:
        if tens:
            parts += [_ONES[tens - 1], "puluh"]
        if ones:
            parts.append(_ONES[ones - 1])
    return " ".join(parts)


@pytest.mark.parametrize(
    ("n", "words"),
    [
        (1, "satu"),
        (10, "sepuluh"),
        (11, "sebelas"),
        (12, "dua belas"),
        (19, "sembilan belas"),
        (20, "dua puluh"),
        (21, "dua puluh satu"),
        (100, "seratus"),
        (101, "seratus satu"),
        (110, "seratus sepuluh"),
        (111, "seratus sebelas"),
        (120, "seratus dua puluh"),
        (215, "dua ratus lima belas"),
        (999, "sembilan ratus sembilan puluh sembilan"),
    ],
)
def test_word_helper_spells_like_indonesian(n: int, words: str) -> None:
    # The round-trip test below trusts this helper, so pin it to known spellings first.
    assert indonesian_words(n) == words


# (text, low, high, unit, basis, bare_hari)
READABLE = [
    ("15 menit", 15, 15, MIN, W, False),
    ("2 Jam", 2, 2, H, W, False),
    ("2 hari", 2, 2, D, W, True),
    ("5 Hari Kerja", 5, 5, D, W, False),
    ("3 hari kalender", 3, 3, D, C, False),
    ("1 minggu", 1, 1, WK, C, False),
    ("2 pekan", 2, 2, WK, C, False),
    ("3 bulan", 3, 3, MO, C, False),
    ("1 tahun", 1, 1, Y, C, False),
    ("30 detik", 30, 30, S, W, False),
    ("0 menit", 0, 0, MIN, W, False),
    ("  10   Hari   Kerja.  ", 10, 10, D, W, False),
    ("5 menit.", 5, 5, MIN, W, False),
    # ranges
    ("5-10 menit", 5, 10, MIN, W, False),
    (f"1 {EN_DASH} 20 Hari Kerja", 1, 20, D, W, False),
    (f"1 {EM_DASH} 20 hari kerja", 1, 20, D, W, False),
    ("1-2 hari", 1, 2, D, W, True),
    ("5 s.d. 10 menit", 5, 10, MIN, W, False),
    ("5 s.d.10 menit", 5, 10, MIN, W, False),
    ("5 s/d 10 menit", 5, 10, MIN, W, False),
    ("5 sampai 10 menit", 5, 10, MIN, W, False),
    ("5 sampai dengan 10 menit", 5, 10, MIN, W, False),
    ("5 hingga 10 menit", 5, 10, MIN, W, False),
    ("5 menit - 10 menit", 5, 10, MIN, W, False),
    ("30 menit - 1 jam", 30, 60, MIN, W, False),
    ("7-7 hari kerja", 7, 7, D, W, False),
    # numbers in words
    ("satu hari", 1, 1, D, W, True),
    ("dua puluh menit", 20, 20, MIN, W, False),
    ("seratus dua puluh hari", 120, 120, D, W, True),
    ("sebelas hari kerja", 11, 11, D, W, False),
    ("dua belas jam", 12, 12, H, W, False),
    ("setengah jam", 0.5, 0.5, H, W, False),
    ("satu setengah jam", 1.5, 1.5, H, W, False),
    ("seperempat jam", 0.25, 0.25, H, W, False),
    ("enam bulan", 6, 6, MO, C, False),
    ("lima sampai sepuluh menit", 5, 10, MIN, W, False),
    ("sehari", 1, 1, D, W, True),
    ("seminggu", 1, 1, WK, C, False),
    ("1 (satu) hari", 1, 1, D, W, True),
    ("14 (empat belas) hari kerja", 14, 14, D, W, False),
    ("satu (1) bulan", 1, 1, MO, C, False),
    # decimals
    ("1,5 jam", 1.5, 1.5, H, W, False),
    ("1.5 jam", 1.5, 1.5, H, W, False),
    ("0,5 hari kerja", 0.5, 0.5, D, W, False),
    # N x 24 jam: calendar hours
    ("1 x 24 jam", 24, 24, H, C, False),
    ("2x24 jam", 48, 48, H, C, False),
    ("1 X 24 Jam", 24, 24, H, C, False),
    ("3x24jam", 72, 72, H, C, False),
    ("1-2 x 24 jam", 24, 48, H, C, False),
    # compounds, converted to the smaller unit
    ("1 jam 30 menit", 90, 90, MIN, W, False),
    ("2 jam 15 menit 30 detik", 8130, 8130, S, W, False),
    ("1 tahun 6 bulan", 18, 18, MO, C, False),
    ("1 minggu 2 hari kalender", 9, 9, D, C, False),
    ("1 jam - 1 jam 30 menit", 60, 90, MIN, W, False),
    # English and abbreviations
    ("15menit", 15, 15, MIN, W, False),
    ("15 minutes", 15, 15, MIN, W, False),
    ("2 hours", 2, 2, H, W, False),
    ("3 working days", 3, 3, D, W, False),
    ("3 business days", 3, 3, D, W, False),
    ("2 calendar days", 2, 2, D, C, False),
    ("4 days", 4, 4, D, W, True),
    ("1 week", 1, 1, WK, C, False),
    ("2 months", 2, 2, MO, C, False),
    ("1 year", 1, 1, Y, C, False),
    ("10 mnt", 10, 10, MIN, W, False),
    ("10 mnt.", 10, 10, MIN, W, False),
    ("45 dtk", 45, 45, S, W, False),
    ("3 hr", 3, 3, D, W, True),  # Indonesian: hr = hari
    ("3 hrs", 3, 3, H, W, False),
    ("3 hr kerja", 3, 3, D, W, False),
    ("5 min", 5, 5, MIN, W, False),
    ("3 HK", 3, 3, D, W, False),
    ("5 to 10 minutes", 5, 10, MIN, W, False),
    # an upper bound is the range 0..bound; an approximation is the value
    ("maksimal 3 hari", 0, 3, D, W, True),
    ("paling lama 3 hari", 0, 3, D, W, True),
    ("Paling lambat 5 hari kerja", 0, 5, D, W, False),
    ("selambat-lambatnya 7 hari kerja", 0, 7, D, W, False),
    ("max 3 days", 0, 3, D, W, True),
    ("maks. 30 menit", 0, 30, MIN, W, False),
    ("± 30 menit", 30, 30, MIN, W, False),
    ("kurang lebih 2 jam", 2, 2, H, W, False),
    ("sekitar 1-2 minggu", 1, 2, WK, C, False),
]


@pytest.mark.parametrize(("text", "low", "high", "unit", "basis", "bare"), READABLE)
def test_reads_real_forms(
    text: str, low: float, high: float, unit: TimeUnit, basis: Basis, bare: bool
) -> None:
    w = parse_waktu(text)
    assert (w.low, w.high, w.unit, w.basis, w.bare_hari) == (low, high, unit, basis, bare)
    assert w.readable
    assert w.text == str(w) == text  # the literal text is kept, spaces and all


UNREADABLE = [
    "",
    "   ",
    "-",
    EN_DASH,
    "tergantung",
    "sesuai",
    "kapan-kapan",
    "setiap",
    "per berkas",
    "1 jam/hari",  # a time per day is neither a rate nor a cadence
    "5",
    "lima",
    "menit",
    "hari kerja",
    "10-5 menit",  # low > high
    "1 jam - 30 menit",  # low > high after conversion
    "-5 menit",
    f"{MINUS}5 menit",  # negative
    "9" * 400 + " menit",  # overflows to infinity
    "\u00b2 menit",
    "\u0663 menit",  # only ASCII digits: superscript 2, Arabic-Indic 3
    "1 (dua) hari",  # digit and words disagree
    "1 (satu hari",
    "(satu) hari",
    "1.000 menit",
    "1,000 menit",  # thousands separator or decimal? not guessed
    ".5 jam",
    "1/2 jam",
    "1:30 jam",
    "satu puluh menit",
    "sepuluh dua menit",
    "dua puluh sebelas menit",
    "puluh menit",
    "setengah setengah jam",
    "seratus seratus hari",
    "5 menit 1 jam",  # compound must go from large to small units
    "1 jam 30",  # a compound's last number needs a unit
    "1 jam 2 jam",
    "1 hari 2 jam",  # a working day has no fixed number of hours
    "1 bulan 3 hari",  # nor has a month a fixed number of days here
    "1 minggu 2 hari",  # bare hari is working time, a week is calendar time
    "1 hari kerja - 1 minggu",  # working and calendar time do not mix
    "2 x 8 jam",  # only "x 24 jam" has a meaning
    "5 menit - 10",
    "maksimal 3",
    "maksimal 2-3 hari",
    "minimal 3 hari",  # a lower bound alone is not a time standard
    "1 atau 2 hari",
]


@pytest.mark.parametrize("text", UNREADABLE)
def test_unreadable_text_gives_an_empty_waktu(text: str) -> None:
    w = parse_waktu(text)
    assert not w.readable
    assert (w.low, w.high, w.unit, w.basis, w.bare_hari) == (None, None, None, None, False)
    assert w.text == text


@pytest.mark.parametrize("text", UNREADABLE)
def test_unreadable_text_is_of_the_unreadable_kind(text: str) -> None:
    w = parse_waktu(text)
    assert w.kind is WaktuKind.UNREADABLE and not w.understood
    assert (w.per, w.every) == (None, None)


# What signed SOPs print instead of a duration (openSOP, the BPS Provinsi Bengkulu family).
NO_STANDARD = ["Sesuai kebutuhan", "sesuai jadwal", "Sesuai Jadwal", "Menyesuaikan",
               "Sepanjang tahun", "Tentatif", "Sesuai permintaan pengguna", "(sesuai kebutuhan)"]
CADENCES = [
    ("Triwulanan", (3, MO)), ("Setiap bulan", (1, MO)), ("Bulanan", (1, MO)),
    ("Per Triwulan", (3, MO)), ("setiap triwulan", (3, MO)), ("Semesteran", (6, MO)),
    ("Tahunan", (1, Y)), ("Setiap tahun", (1, Y)), ("Mingguan", (1, WK)),
    ("Seminggu sekali", (1, WK)), ("sebulan sekali", (1, MO)), ("tiap 3 bulan", (3, MO)),
    ("setiap dua minggu", (2, WK)), ("Harian", (1, D)),
]
RATES = [
    ("2 menit/berkas", 2, 2, MIN, "berkas"), ("5 menit per dokumen", 5, 5, MIN, "dokumen"),
    ("3 hari per berkas", 3, 3, D, "berkas"), ("5 menit / dokumen", 5, 5, MIN, "dokumen"),
    ("10-15 menit per responden", 10, 15, MIN, "responden"),
    ("1 jam/10 berkas", 1, 1, H, "10 berkas"), ("2 menit setiap berkas", 2, 2, MIN, "berkas"),
]


@pytest.mark.parametrize("text", NO_STANDARD)
def test_no_time_standard_is_understood_but_has_no_duration(text: str) -> None:
    w = parse_waktu(text)
    assert w.kind is WaktuKind.NO_STANDARD and w.understood and not w.readable
    assert w.text == text


@pytest.mark.parametrize(("text", "every"), CADENCES)
def test_cadence_keeps_its_period_and_has_no_duration(text: str,
                                                      every: tuple[float, TimeUnit]) -> None:
    w = parse_waktu(text)
    assert (w.kind, w.every) == (WaktuKind.CADENCE, every)
    assert w.understood and not w.readable


@pytest.mark.parametrize(("text", "low", "high", "unit", "per"), RATES)
def test_rate_is_the_duration_of_one_unit_of_work(text: str, low: float, high: float,
                                                   unit: TimeUnit, per: str) -> None:
    w = parse_waktu(text)
    assert (w.kind, w.low, w.high, w.unit, w.per) == (WaktuKind.RATE, low, high, unit, per)
    assert w.readable


@pytest.mark.parametrize("text", ["Segera", "segera", "Langsung", "Seketika", "Saat itu juga"])
def test_immediate_is_zero_minutes(text: str) -> None:
    w = parse_waktu(text)
    assert (w.kind, w.low, w.high, w.unit, w.basis) == (WaktuKind.IMMEDIATE, 0, 0, MIN, W)
    assert w.minutes() == (0.0, 0.0)


def test_a_plain_duration_is_of_the_duration_kind() -> None:
    assert parse_waktu("1-3 hari kerja").kind is WaktuKind.DURATION


def test_bare_hari_basis_is_configurable() -> None:
    assert parse_waktu("3 hari", bare_hari=C).basis is C
    assert parse_waktu("3 hari", bare_hari=C).bare_hari
    assert parse_waktu("1 minggu 2 hari", bare_hari=C).low == 9
    # explicit "kerja"/"kalender" ignore the argument and are not flagged
    assert parse_waktu("3 hari kerja", bare_hari=C).basis is W
    assert parse_waktu("3 hari kalender", bare_hari=W).basis is C
    assert not parse_waktu("3 hari kerja", bare_hari=C).bare_hari


def test_bad_arguments_raise_type_error() -> None:
    with pytest.raises(TypeError, match="must be a str"):
        parse_waktu(None)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="bare_hari must be a Basis"):
        parse_waktu("3 hari", bare_hari="working")  # type: ignore[arg-type]


def test_numbers_in_words_round_trip() -> None:
    wrong = [
        n
        for n in range(1, 1000)
        if parse_waktu(f"{indonesian_words(n)} menit").low != n
        or parse_waktu(f"{n} ({indonesian_words(n)}) hari kerja").low != n
    ]
    assert wrong == []


# ----------------------------------------------------------------------------------------------
# Property: formatting a value in any spelling and parsing it gives the value back exactly.

# (template for the amount, unit, basis, value per count, bare hari). Glued spellings ("15menit",
# "2x24") are in the table above: glued to a number in words they make one unknown word.
UNIT_SPELLINGS = [
    ("{} detik", S, W, 1, False),
    ("{} dtk", S, W, 1, False),
    ("{} seconds", S, W, 1, False),
    ("{} menit", MIN, W, 1, False),
    ("{} mnt", MIN, W, 1, False),
    ("{} min", MIN, W, 1, False),
    ("{} minutes", MIN, W, 1, False),
    ("{} jam", H, W, 1, False),
    ("{} hours", H, W, 1, False),
    ("{} hrs", H, W, 1, False),
    ("{} hr", D, W, 1, True),
    ("{} x 24 jam", H, C, 24, False),
    ("{} X 24 jam", H, C, 24, False),
    ("{} hari kerja", D, W, 1, False),
    ("{} hk", D, W, 1, False),
    ("{} working days", D, W, 1, False),
    ("{} business days", D, W, 1, False),
    ("{} hari kalender", D, C, 1, False),
    ("{} calendar days", D, C, 1, False),
    ("{} hari", D, W, 1, True),
    ("{} days", D, W, 1, True),
    ("{} minggu", WK, C, 1, False),
    ("{} pekan", WK, C, 1, False),
    ("{} weeks", WK, C, 1, False),
    ("{} bulan", MO, C, 1, False),
    ("{} bln", MO, C, 1, False),
    ("{} months", MO, C, 1, False),
    ("{} tahun", Y, C, 1, False),
    ("{} thn", Y, C, 1, False),
    ("{} years", Y, C, 1, False),
]
SEPARATORS = [
    "-",
    " - ",
    f" {EN_DASH} ",
    EM_DASH,
    " s.d. ",
    " s/d ",
    " sd ",
    " sampai ",
    " sampai dengan ",
    " hingga ",
    " to ",
]


@st.composite
def spelled(draw: st.DrawFn, n: int) -> str:
    """n in digits, in words, or in digits glossed with words."""
    if n == 0:
        return "0"
    style = draw(st.sampled_from(["digits", "words", "gloss"] if n < 1000 else ["digits"]))
    if style == "digits":
        return str(n)
    if style == "words":
        return indonesian_words(n)
    return f"{n} ({indonesian_words(n)})"


def restyle(draw: st.DrawFn, text: str) -> str:
    """Random letter case, extra spaces and a trailing full stop, as real SOPs have them."""
    text = draw(st.sampled_from([str.lower, str.upper, str.title]))(text)
    text = text.replace(" ", draw(st.sampled_from([" ", "  ", "   "])))
    return draw(st.sampled_from(["", " ", "  "])) + text + draw(st.sampled_from(["", ".", " "]))


@settings(max_examples=100, deadline=None)
@given(data=st.data(), n=st.integers(0, 10**6), spelling=st.sampled_from(UNIT_SPELLINGS))
def test_single_value_round_trips(
    data: st.DataObject, n: int, spelling: tuple[str, TimeUnit, Basis, int, bool]
) -> None:
    template, unit, basis, per_count, bare = spelling
    text = restyle(data.draw, template.format(data.draw(spelled(n))))
    w = parse_waktu(text)
    assert (w.low, w.high, w.unit, w.basis, w.bare_hari) == (
        n * per_count,
        n * per_count,
        unit,
        basis,
        bare,
    )


@settings(max_examples=100, deadline=None)
@given(
    data=st.data(),
    ends=st.lists(st.integers(0, 999), min_size=2, max_size=2).map(sorted),
    spelling=st.sampled_from(UNIT_SPELLINGS),
    separator=st.sampled_from(SEPARATORS),
)
def test_range_round_trips(
    data: st.DataObject,
    ends: list[int],
    spelling: tuple[str, TimeUnit, Basis, int, bool],
    separator: str,
) -> None:
    a, b = ends
    template, unit, basis, per_count, bare = spelling
    amount = data.draw(spelled(a)) + separator + data.draw(spelled(b))
    text = restyle(data.draw, template.format(amount))
    w = parse_waktu(text)
    assert (w.low, w.high, w.unit, w.basis, w.bare_hari) == (
        a * per_count,
        b * per_count,
        unit,
        basis,
        bare,
    )
    assert not parse_waktu(template.format(f"{b + 1}{separator}{a}")).readable


@settings(max_examples=100, deadline=None)
@given(
    text=st.text(st.characters(codec="utf-8"), max_size=30)
    | st.lists(
        st.sampled_from(
            [
                "1",
                "2,5",
                "satu",
                "-",
                "jam",
                "menit",
                "hari",
                "kerja",
                "x",
                "24",
                "(",
                ")",
                "s.d.",
                "maksimal",
                "dua",
                "puluh",
                "/",
                "per",
                "setiap",
                "berkas",
                "bulan",
                "sekali",
                "sesuai",
                "segera",
                "triwulanan",
            ]
        ),
        max_size=6,
    ).map(" ".join)
)
def test_any_text_gives_a_consistent_waktu(text: str) -> None:
    w = parse_waktu(text)  # never raises
    assert w.text == text
    if w.readable:
        assert w.low is not None and w.high is not None
        assert 0 <= w.low <= w.high
        assert w.unit is not None and w.basis is not None
        assert w.kind in (WaktuKind.DURATION, WaktuKind.IMMEDIATE, WaktuKind.RATE)
    else:
        assert (w.high, w.unit, w.basis) == (None, None, None)
        assert w.kind in (WaktuKind.CADENCE, WaktuKind.NO_STANDARD, WaktuKind.UNREADABLE)
    assert (w.per is not None) == (w.kind is WaktuKind.RATE)
    assert (w.every is not None) == (w.kind is WaktuKind.CADENCE)


# ----------------------------------------------------------------------------------------------
# minutes()


@pytest.mark.parametrize(
    ("text", "hours", "expected"),
    [
        ("30 detik", 7.5, (0.5, 0.5)),
        ("15 menit", 7.5, (15, 15)),
        ("1,5 jam", 7.5, (90, 90)),
        ("1 jam 30 menit", 7.5, (90, 90)),
        ("2 hari kerja", 7.5, (900, 900)),
        ("2 hari kerja", 8, (960, 960)),
        ("1-3 hari", 7.5, (450, 1350)),
        ("setengah hari kerja", 7.5, (225, 225)),
        ("1 x 24 jam", 7.5, (1440, 1440)),
        ("2 hari kalender", 7.5, (2880, 2880)),
        ("1 minggu", 7.5, (10080, 10080)),
        ("2 bulan", 7.5, (86400, 86400)),
        ("1 tahun", 7.5, (525600, 525600)),
        ("maksimal 3 hari kalender", 7.5, (0, 4320)),
    ],
)
def test_minutes(text: str, hours: float, expected: tuple[float, float]) -> None:
    assert parse_waktu(text).minutes(working_day_hours=hours) == expected


def test_bare_hari_minutes_follow_the_chosen_basis() -> None:
    assert parse_waktu("1 hari").minutes() == (450, 450)
    assert parse_waktu("1 hari", bare_hari=C).minutes() == (1440, 1440)


def test_working_week_is_five_working_days() -> None:
    w = Waktu(text="1 minggu kerja", low=1, high=2, unit=WK, basis=W)
    assert w.minutes() == (2250, 4500)
    assert w.minutes(working_day_hours=6.5) == (1950, 3900)  # Ramadan: 32.5 hours a week


def test_minutes_of_unreadable_waktu_names_the_text() -> None:
    with pytest.raises(ValueError, match="'sesuai jadwal' cannot be read"):
        parse_waktu("sesuai jadwal").minutes()


def test_working_month_has_no_length() -> None:
    w = Waktu(text="1 bulan kerja", low=1, high=1, unit=MO, basis=W)
    with pytest.raises(ValueError, match=r"'1 bulan kerja'.*working month"):
        w.minutes()


@pytest.mark.parametrize("hours", [0, -1, 25, float("nan"), float("inf")])
def test_working_day_hours_must_fit_in_a_day(hours: float) -> None:
    with pytest.raises(ValueError, match=r"working_day_hours must be in \(0, 24\]"):
        parse_waktu("1 hari").minutes(working_day_hours=hours)


def test_waktu_rejects_half_filled_or_inverted_values() -> None:
    with pytest.raises(ValueError, match=r"'x'.*all be set or all be None"):
        Waktu(text="x", low=1, high=None, unit=MIN, basis=W)
    with pytest.raises(ValueError, match=r"'x'.*0 <= low <= high"):
        Waktu(text="x", low=5, high=1, unit=MIN, basis=W)
    with pytest.raises(ValueError, match="0 <= low <= high"):
        Waktu(text="x", low=-1, high=1, unit=MIN, basis=W)
    with pytest.raises(ValueError, match="finite"):
        Waktu(text="x", low=1, high=float("inf"), unit=MIN, basis=W)


def test_waktu_is_frozen_and_str_is_the_text() -> None:
    w = parse_waktu("5 Hari Kerja")
    assert str(w) == "5 Hari Kerja"
    with pytest.raises(AttributeError):
        w.low = 3  # type: ignore[misc]
