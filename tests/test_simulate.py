"""Timing one case: durations from Waktu, branch probabilities, exact analysis, Monte Carlo."""

from __future__ import annotations

import json
import math
import runpy
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from sopfactory import new_sop, step_kwargs

import sopflow
from sopflow import END, analyse, simulate_lead_time
from sopflow.simulate import (
    PERT,
    Empirical,
    Exponential,
    Fixed,
    LogNormal,
    SimulationError,
    Triangular,
    Uniform,
)

ROOT = Path(__file__).resolve().parent.parent
DAY = 450.0  # working minutes in a 7.5-hour working day


def reference() -> sopflow.Procedure:
    module = runpy.run_path(str(ROOT / "examples" / "pengumpulan_data_kinerja.py"))
    procedure: sopflow.Procedure = module["sop"].compile()
    return procedure


def chain_sop(times: list[str]) -> sopflow.Procedure:
    sop = new_sop()
    staff = sop.actor("Staf")
    for i, t in enumerate(times):
        sop.step(f"Memproses berkas {i + 1}", by=staff, **step_kwargs(time=t))
    return sop.compile(strict=False)  # an unreadable Waktu may be overridden


def loop_sop() -> sopflow.Procedure:
    """Step "kerja" then decision "cek": Ya ends, Tidak goes back to "kerja"."""
    sop = new_sop()
    staff = sop.actor("Staf")
    kepala = sop.actor("Kepala")
    sop.step("Menyiapkan berkas", by=staff, **step_kwargs(time="10 menit"))
    sop.step("Memeriksa berkas", id="kerja", by=staff, **step_kwargs(time="30 menit"))
    sop.decision("Apakah berkas sudah lengkap?", id="cek", by=kepala, yes=END, no="kerja",
                 **step_kwargs(time="5 menit"))
    return sop.compile()


# ----------------------------------------------------------------------------- durations


@pytest.mark.parametrize(
    ("waktu", "minutes"),
    [
        ("15 menit", 15.0),
        ("2 jam", 120.0),
        ("2 hari kerja", 2 * DAY),
        ("2 minggu", 10 * DAY),  # calendar weeks: 5 working days each
        ("1 x 24 jam", 5 * DAY / 7),  # one calendar day at the weekly average rate
        ("1 bulan", 30 * 5 * DAY / 7),
    ],
)
def test_fixed_waktu_becomes_that_many_working_minutes(waktu: str, minutes: float) -> None:
    result = analyse(chain_sop([waktu]))
    assert result.mean == pytest.approx(minutes, rel=1e-12)
    assert result.variance == 0


def test_calendar_time_steps_are_named_in_a_warning() -> None:
    result = analyse(chain_sop(["15 menit", "2 minggu"]))
    (note,) = [w for w in result.warnings if "calendar" in w]
    assert "s2 ('2 minggu')" in note and "321.4 working minutes" in note


@pytest.mark.parametrize(
    ("shape", "mean", "variance"),
    [
        ("uniform", 15.0, 20.0**2 / 12),
        ("triangular", 15.0, 20.0**2 / 24),  # symmetric triangular: (b - a)^2 / 24
        ("pert", 15.0, 10.0 * 10.0 / 7),
    ],
)
def test_a_range_spreads_by_the_requested_shape(shape: Any, mean: float, variance: float) -> None:
    procedure = chain_sop(["5 - 25 menit"])
    exact = analyse(procedure, range_shape=shape)
    assert exact.mean == pytest.approx(mean)
    assert exact.variance == pytest.approx(variance)
    mc = simulate_lead_time(procedure, replications=200_000, rng=np.random.default_rng(1),
                            range_shape=shape)
    assert mc.lead_times.min() >= 5 and mc.lead_times.max() <= 25
    assert abs(mc.mean - mean) < 5 * mc.standard_error


@pytest.mark.parametrize(
    "override",
    [
        Fixed(value=2, unit="hour"),
        Uniform(low=1, high=3, unit="day"),
        Triangular(low=1, mode=2, high=6, unit="hour"),
        PERT(low=10, mode=20, high=60),
        LogNormal(mean=3, std=2, unit="day"),
        Exponential(mean=40),
        Empirical(samples=[10, 12, 30, 95]),
        "1 - 3 hari kerja",
    ],
)
def test_overrides_replace_the_waktu_and_sample_their_own_mean(override: Any) -> None:
    procedure = chain_sop(["kapan-kapan"])  # unreadable: only the override gives a time
    exact = analyse(procedure, durations={"s1": override})
    mc = simulate_lead_time(procedure, replications=200_000, rng=np.random.default_rng(7),
                            durations={"s1": override})
    assert abs(mc.mean - exact.mean) < 5 * max(mc.standard_error, 1e-12)
    if exact.variance > 0:
        assert mc.std == pytest.approx(exact.std, rel=0.05)


def test_empirical_draws_only_observed_values() -> None:
    procedure = chain_sop(["15 menit"])
    mc = simulate_lead_time(procedure, replications=10_000, rng=3,
                            durations={"s1": Empirical(samples=[1, 2, 40])})
    assert set(np.unique(mc.lead_times)) == {1.0, 2.0, 40.0}


def test_an_unreadable_waktu_is_an_error_naming_the_step() -> None:
    procedure = chain_sop(["15 menit", "kapan-kapan"])
    with pytest.raises(SimulationError, match=r"step 2 's2'.*'kapan-kapan' cannot be read"):
        analyse(procedure)
    with pytest.raises(SimulationError, match=r"step 2 's2'"):
        simulate_lead_time(procedure, replications=10, rng=0)


@pytest.mark.parametrize(
    ("durations", "message"),
    [
        ({"s11": "5 menit"}, r"unknown step 's11'; did you mean 's1'"),
        ({"s1": Triangular(low=5, mode=1, high=9)}, r"'s1'.*low <= mode <= high"),
        ({"s1": "kapan-kapan"}, r"cannot read the Waktu 'kapan-kapan'"),
        ({"s1": Empirical(samples=[])}, r"at least one sample"),
    ],
)
def test_bad_overrides_are_clear_errors(durations: Any, message: str) -> None:
    with pytest.raises(SimulationError, match=message):
        analyse(chain_sop(["15 menit"]), durations=durations)


def test_an_unknown_unit_is_refused() -> None:
    with pytest.raises(ValueError, match="unit must be"):
        Fixed(value=1, unit="fortnight")  # type: ignore[arg-type]


# ----------------------------------------------------------------------------- branches


def test_missing_branch_probabilities_default_to_equal_and_warn() -> None:
    result = analyse(loop_sop())
    (note,) = result.warnings
    assert "'cek'" in note and "Ya 0.5" in note and "Tidak 0.5" in note
    assert result.visits["kerja"] == pytest.approx(2.0)
    assert analyse(loop_sop(), branches={"cek": {"Ya": 0.5, "Tidak": 0.5}}).warnings == ()


@pytest.mark.parametrize(
    ("branches", "message"),
    [
        ({"cek": {"Ya": 0.7}}, r"no probability for exit\(s\) \['Tidak'\]"),
        ({"cek": {"Yaa": 0.5, "Tidak": 0.5}}, r"unknown exit label\(s\) \['Yaa'\]; did you mean"),
        ({"cek": {"Ya": 0.7, "Tidak": 0.2}}, r"sum to 0.9, not 1"),
        ({"cek": {"Ya": 1.5, "Tidak": -0.5}}, r"need a number in \[0, 1\]"),
        ({"kerja": {"Ya": 1.0}}, r"'kerja'.*is not a decision"),
        ({"cekk": {"Ya": 1.0}}, r"unknown step 'cekk'; did you mean 'cek'"),
    ],
)
def test_bad_branch_probabilities_are_clear_errors(branches: Any, message: str) -> None:
    with pytest.raises(SimulationError, match=message):
        analyse(loop_sop(), branches=branches)


def test_a_loop_that_cannot_be_left_is_an_error_naming_its_steps() -> None:
    with pytest.raises(SimulationError, match=r"loop with no way out.*'kerja'.*'cek'"):
        analyse(loop_sop(), branches={"cek": {"Ya": 0.0, "Tidak": 1.0}})
    with pytest.raises(SimulationError, match="loop with no way out"):
        simulate_lead_time(loop_sop(), rng=0, branches={"cek": {"Ya": 0.0, "Tidak": 1.0}})


@pytest.mark.parametrize("p", [0.1, 0.25, 0.5, 0.9])
def test_a_loop_with_exit_probability_p_visits_its_body_1_over_p_times(p: float) -> None:
    branches = {"cek": {"Ya": p, "Tidak": 1 - p}}
    exact = analyse(loop_sop(), branches=branches)
    assert exact.visits["kerja"] == pytest.approx(1 / p, rel=1e-12)
    assert exact.mean == pytest.approx(10 + 35 / p, rel=1e-12)
    # the number of visits is geometric: variance (1 - p) / p^2, times 35^2 minutes
    assert exact.variance == pytest.approx(35**2 * (1 - p) / p**2, rel=1e-9)
    n = 100_000
    mc = simulate_lead_time(loop_sop(), replications=n, rng=np.random.default_rng(11),
                            branches=branches)
    se = math.sqrt((1 - p) / p**2 / n)
    assert abs(mc.visits_mean["kerja"] - 1 / p) < 5 * se
    assert mc.visits_distribution is not None
    for k in (1, 2, 3):
        share = (1 - p) ** (k - 1) * p
        got = mc.visits_distribution["kerja"].get(k, 0.0)
        assert abs(got - share) < 5 * math.sqrt(share * (1 - share) / n) + 1e-12


def deterministic_sop() -> tuple[sopflow.Procedure, dict[str, dict[str | None, float]]]:
    sop = new_sop()
    a, b = sop.actor("Staf"), sop.actor("Kepala")
    sop.step("Menerima berkas", by=a, **step_kwargs(time="17 menit"))
    sop.decision("Apakah berkas lengkap?", id="d1", by=b, yes="proses", no="tolak",
                 **step_kwargs(time="3 menit"))
    sop.step("Mengembalikan berkas", id="tolak", by=a, then=END,
             **step_kwargs(time="1 hari kerja"))
    sop.step("Memproses berkas", id="proses", by=a, **step_kwargs(time="2 jam 15 menit"))
    sop.decision("Apakah hasil sesuai?", id="d2", by=b, yes=END, no="proses",
                 **step_kwargs(time="45 menit"))
    return sop.compile(), {"d1": {"Ya": 1.0, "Tidak": 0.0}, "d2": {"Ya": 1.0, "Tidak": 0.0}}


def test_a_deterministic_sop_takes_exactly_its_path() -> None:
    procedure, branches = deterministic_sop()
    # walk the path by hand: the exits taken with probability 1
    graph, node, path_minutes = procedure.graph, "s1", 0.0
    while not node.startswith("end:"):
        low, high = graph.nodes[node]["waktu"].minutes()
        assert low == high
        path_minutes += low
        exits = {e["label"]: t for t, e in graph.succ[node].items()}
        node = exits.get("Ya", next(iter(graph.succ[node])))
    assert path_minutes == 17 + 3 + 135 + 45
    mc = simulate_lead_time(procedure, replications=1_000, rng=0, branches=branches)
    assert np.all(mc.lead_times == path_minutes)
    assert mc.std == 0
    exact = analyse(procedure, branches=branches)
    assert exact.mean == pytest.approx(path_minutes, rel=1e-12)
    assert exact.variance == pytest.approx(0.0, abs=1e-9)
    assert exact.end_probability == {"end:d2": pytest.approx(1.0)}


def test_expected_work_is_counted_for_every_actor_of_a_joint_step() -> None:
    sop = new_sop()
    a, b = sop.actor("Staf"), sop.actor("Kepala")
    sop.step("Menyiapkan berkas", by=a, **step_kwargs(time="10 menit"))
    sop.step("Membahas berkas bersama", by=[a, b], **step_kwargs(time="1 jam"))
    result = analyse(sop.compile())
    assert result.work == {"Staf": pytest.approx(70.0), "Kepala": pytest.approx(60.0)}
    assert result.mean == pytest.approx(70.0)


def test_end_probabilities_follow_the_branches() -> None:
    procedure, _ = deterministic_sop()
    branches = {"d1": {"Ya": 0.8, "Tidak": 0.2}, "d2": {"Ya": 0.6, "Tidak": 0.4}}
    exact = analyse(procedure, branches=branches)
    assert exact.end_probability == {"end:tolak": pytest.approx(0.2),
                                     "end:d2": pytest.approx(0.8)}
    assert exact.visits["proses"] == pytest.approx(0.8 / 0.6)
    mc = simulate_lead_time(procedure, replications=100_000, rng=5, branches=branches)
    assert abs(mc.end_probability["end:tolak"] - 0.2) < 5 * math.sqrt(0.16 / 100_000)


def test_the_same_generator_seed_gives_the_same_result() -> None:
    procedure = chain_sop(["5 - 25 menit", "1 - 2 jam"])
    one = simulate_lead_time(procedure, replications=1000, rng=np.random.default_rng(42))
    two = simulate_lead_time(procedure, replications=1000, rng=np.random.default_rng(42))
    three = simulate_lead_time(procedure, replications=1000, rng=np.random.default_rng(43))
    assert np.array_equal(one.lead_times, two.lead_times)
    assert not np.array_equal(one.lead_times, three.lead_times)
    with pytest.raises(TypeError, match="rng must be"):
        simulate_lead_time(procedure, rng="42")  # type: ignore[arg-type]


# ----------------------------------------------------------------------------- results


def test_percentiles_and_deadline_probability() -> None:
    procedure = chain_sop(["0 - 100 menit"])
    mc = simulate_lead_time(procedure, replications=200_000, rng=9, deadline=80)
    for name, q in (("p50", 50), ("p80", 80), ("p95", 95), ("p99", 99)):
        assert mc.percentiles[name] == pytest.approx(q, abs=0.5)
    assert mc.probability_within(80) == pytest.approx(0.8, abs=0.005)
    assert mc.probability_within("1 jam") == pytest.approx(0.6, abs=0.005)
    assert mc.to_dict()["probability_within_deadline"] == pytest.approx(0.8, abs=0.005)
    with pytest.raises(ValueError, match="calendar time"):
        mc.probability_within("1 minggu")


def test_reference_sop_summary_and_json() -> None:
    exact = analyse(reference(), branches={"s7": {"Ya": 0.7, "Tidak": 0.3}})
    # 15 + 30 + 2 + 30 + 30 min, 2 + 120 + 1 working days, 60 min on the "Tidak" branch
    assert exact.mean == pytest.approx(107 + 123 * DAY + 0.3 * 60)
    assert exact.work["JF Perencana"] == pytest.approx(2 + 121 * DAY)
    text = exact.summary()
    assert "JF Perencana" in text and "123.28 working days" in text
    data = json.loads(exact.to_json())
    assert data["mean"] == pytest.approx(exact.mean) and data["unit"] == "working minutes"
    mc = simulate_lead_time(reference(), replications=10_000, rng=1,
                            branches={"s7": {"Ya": 0.7, "Tidak": 0.3}}, deadline="124 hari kerja")
    data = json.loads(mc.to_json())
    assert set(data["percentiles"]) == {"p50", "p80", "p95", "p99"}
    assert data["probability_within_deadline"] == 1.0
    assert "Monte Carlo" in mc.summary() and "sosialisasi" in mc.summary()


def test_finish_dates_follow_the_working_calendar() -> None:
    procedure = chain_sop(["2 hari kerja"])
    mc = simulate_lead_time(procedure, replications=100, rng=0)
    start = datetime(2025, 1, 20, 7, 30)  # a Monday
    assert mc.describe_finish(start) == (
        "Started Monday 20 January 2025 at 07.30, finishes by Tuesday 21 January 2025 at"
        " 16.00 with 95% probability."
    )
    # six working days: Monday 27 January (Isra Mi'raj), 28 January (cuti bersama) and
    # 29 January (Imlek) 2025 are not working days, so the sixth day is Thursday 30 January
    six = simulate_lead_time(chain_sop(["6 hari kerja"]), replications=10, rng=0)
    assert six.finish_dates(start, probabilities=[0.5])[0.5] == datetime(2025, 1, 30, 16, 0)
    assert six.probability_by(datetime(2025, 1, 30, 15, 0), start=start) == 0.0
    assert six.probability_by(datetime(2025, 1, 30, 16, 0), start=start) == 1.0


def test_plots_are_written(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    mc = simulate_lead_time(loop_sop(), replications=5_000, rng=2, deadline=120)
    for path in (mc.plot_lead_time(tmp_path / "lead.png"), mc.plot_workload(tmp_path / "w.svg"),
                 analyse(loop_sop()).plot_workload(tmp_path / "a.png")):
        assert path.exists() and path.stat().st_size > 1000
    with pytest.raises(ValueError, match=r"\.png, \.svg or \.pdf"):
        mc.plot_lead_time(tmp_path / "lead.txt")


def test_plots_without_matplotlib_say_how_to_install_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    mc = simulate_lead_time(loop_sop(), replications=100, rng=2)
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)
    with pytest.raises(ImportError, match=r"pip install matplotlib"):
        mc.plot_lead_time(tmp_path / "lead.png")


def test_the_reference_example_writes_its_plots(tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    module = runpy.run_path(str(ROOT / "examples" / "simulate_reference.py"))
    text = module["main"](tmp_path, replications=20_000)
    assert "finishes by" in text
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(module["PLOTS"])


def test_the_documentation_code_runs(monkeypatch: pytest.MonkeyPatch,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    text = (ROOT / "docs" / "simulation.md").read_text(encoding="utf-8")
    blocks = [b.split("```", 1)[0] for b in text.split("```python\n")[1:]]
    assert blocks
    monkeypatch.chdir(ROOT)
    for block in blocks:
        exec(compile(block, "docs/simulation.md", "exec"), {})
    assert "finishes by" in capsys.readouterr().out


@pytest.mark.parametrize("text", ["Sesuai kebutuhan", "Triwulanan"])
def test_a_waktu_without_duration_counts_as_no_time_with_a_warning(text: str) -> None:
    procedure = chain_sop(["15 menit", text, "30 menit"])
    exact = analyse(procedure)
    assert exact.mean == pytest.approx(45.0)
    assert any("no duration" in w and repr(text) in w for w in exact.warnings)
    mc = simulate_lead_time(procedure, replications=100, rng=0)
    assert mc.mean == pytest.approx(45.0)
    given = analyse(procedure, durations={"s2": "1 jam"})
    assert given.mean == pytest.approx(105.0)
    assert not any("no duration" in w for w in given.warnings)


def test_segera_is_zero_and_a_rate_is_one_unit_of_work() -> None:
    assert analyse(chain_sop(["Segera", "2 menit/berkas"])).mean == pytest.approx(2.0)
