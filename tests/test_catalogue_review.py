"""Review dates: the calendar-month arithmetic, the status, and the settings file."""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sopflow.catalogue.review import (
    CONFIG_NAME,
    ConfigError,
    ReviewSetting,
    ReviewStatus,
    add_months,
    load_config,
    review_of,
)


def _add_months_by_counting(day: date, months: int) -> date:
    """Oracle: step month by month, then clamp the day to the month's length."""
    year, month = day.year, day.month
    for _ in range(months):
        month += 1
        if month == 13:
            year, month = year + 1, 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@given(st.dates(date(1990, 1, 1), date(2090, 12, 31)), st.integers(0, 120))
def test_add_months_matches_counting(day: date, months: int) -> None:
    assert add_months(day, months) == _add_months_by_counting(day, months)


def test_add_months_clamps_to_month_end() -> None:
    assert add_months(date(2025, 1, 31), 1) == date(2025, 2, 28)
    assert add_months(date(2023, 2, 28), 12) == date(2024, 2, 28)
    assert add_months(date(2024, 2, 29), 12) == date(2025, 2, 28)


DATES = {"created": date(2024, 1, 10), "effective": date(2024, 2, 1), "revised": None}


@pytest.mark.parametrize(("today", "status", "left"), [
    (date(2024, 6, 1), ReviewStatus.CURRENT, 245),
    (date(2024, 12, 3), ReviewStatus.DUE_SOON, 60),   # the 60th day before: "segera"
    (date(2024, 12, 2), ReviewStatus.CURRENT, 61),
    (date(2025, 2, 1), ReviewStatus.DUE_SOON, 0),     # due today: not yet overdue
    (date(2025, 2, 2), ReviewStatus.OVERDUE, -1),
])
def test_status_from_the_latest_date(today: date, status: ReviewStatus, left: int) -> None:
    review = review_of(DATES, ReviewSetting(), today)
    assert (review.basis, review.basis_field, review.due) == (
        date(2024, 2, 1), "efektif", date(2025, 2, 1))
    assert (review.status, review.days_left) == (status, left)


def test_revision_and_recorded_evaluation_restart_the_cycle() -> None:
    revised = {**DATES, "revised": date(2024, 8, 1)}
    assert review_of(revised, ReviewSetting(), date(2025, 3, 1)).due == date(2025, 8, 1)
    setting = ReviewSetting(cycle_months=6, last_review=date(2025, 1, 15))
    review = review_of(revised, setting, date(2025, 3, 1))
    assert (review.basis_field, review.due) == ("evaluasi terakhir", date(2025, 7, 15))


def test_no_date_at_all_is_undated() -> None:
    review = review_of({}, ReviewSetting(), date(2025, 1, 1))
    assert review.status is ReviewStatus.UNDATED and review.due is None


@given(st.dates(date(2000, 1, 1), date(2040, 1, 1)), st.integers(1, 36), st.integers(0, 2000))
def test_status_agrees_with_due_date(basis: date, cycle: int, offset: int) -> None:
    today = basis + timedelta(days=offset)
    review = review_of({"effective": basis}, ReviewSetting(cycle_months=cycle), today)
    assert review.due == add_months(basis, cycle)
    assert (review.status is ReviewStatus.OVERDUE) == (today > review.due)
    assert review.days_left == (review.due - today).days


def test_settings_file(tmp_path: Path) -> None:
    (tmp_path / CONFIG_NAME).write_text(
        "[review]\ncycle_months = 24\nsoon_days = 30\n\n"
        "[[review.sop]]\nmatch = \"SOP Pelayanan Data\"\ncycle_months = 6\n"
        "last_review = 2026-03-02\n", encoding="utf-8")
    config = load_config(tmp_path)
    assert config.default == ReviewSetting(cycle_months=24, soon_days=30)
    setting, key = config.setting_for("pelayanan data", None)
    assert key == "SOP Pelayanan Data"
    assert setting == ReviewSetting(cycle_months=6, soon_days=30,
                                    last_review=date(2026, 3, 2))
    assert config.setting_for("Lain", "1/A") == (config.default, None)
    assert config.unmatched([("Lain", "1/A")]) == ["SOP Pelayanan Data"]


def test_no_settings_file_means_defaults(tmp_path: Path) -> None:
    assert load_config(tmp_path).default == ReviewSetting(cycle_months=12, soon_days=60)


@pytest.mark.parametrize(("text", "message"), [
    ("[review]\ncycle_months = 0\n", "review.cycle_months: expected a whole number"),
    ("[review]\ncycle_months = \"12\"\n", "review.cycle_months"),
    ("[review]\ncycle = 12\n", "unknown key 'cycle'"),
    ("[reviu]\n", "unknown section(s) reviu"),
    ("[[review.sop]]\ncycle_months = 6\n", "review.sop[0]: needs match"),
    ("[[review.sop]]\nmatch = \"A\"\nlast_review = \"kemarin\"\n",
     "review.sop[0].last_review: expected a date"),
    ("[review\n", "sopflow-catalogue.toml"),
])
def test_bad_settings_name_file_and_key(tmp_path: Path, text: str, message: str) -> None:
    (tmp_path / CONFIG_NAME).write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=r"sopflow-catalogue\.toml") as error:
        load_config(tmp_path)
    assert message in str(error.value)
