"""Many cases sharing limited people: the event engine against theory, SimPy and one case."""

from __future__ import annotations

import json
import math
import warnings
from pathlib import Path

import numpy as np
import pytest
from sopfactory import new_sop, step_kwargs

import sopflow
from sopflow import END, OverloadWarning, analyse, offered_load, simulate_cases
from sopflow.simulate import Exponential, LogNormal, Uniform
from sopflow.simulate.chain import build_chain
from sopflow.simulate.queueing import make_tasks, run_heap, run_simpy

DAY = 450.0


def one_step_sop() -> sopflow.Procedure:
    sop = new_sop()
    staff = sop.actor("Staf")
    sop.step("Memproses permohonan", by=staff, **step_kwargs(time="1 jam"))
    return sop.compile()


def office_sop() -> sopflow.Procedure:
    """Three lanes, a correction loop, a joint step."""
    sop = new_sop()
    staf, kasubbag, kepala = sop.actor("Staf"), sop.actor("Kasubbag"), sop.actor("Kepala")
    sop.step("Menerima berkas", by=staf, **step_kwargs(time="10 - 20 menit"))
    sop.step("Memeriksa berkas", id="periksa", by=kasubbag, **step_kwargs(time="30 - 90 menit"))
    sop.decision("Apakah berkas lengkap?", id="cek", by=kasubbag, yes="bahas", no="perbaiki",
                 **step_kwargs(time="5 menit"))
    sop.step("Memperbaiki berkas", id="perbaiki", by=staf, then="periksa",
             **step_kwargs(time="1 - 2 jam"))
    sop.step("Membahas berkas", id="bahas", by=[kasubbag, kepala],
             **step_kwargs(time="20 - 40 menit"))
    sop.step("Menandatangani surat", by=kepala, then=END, **step_kwargs(time="15 menit"))
    return sop.compile()


BRANCHES = {"cek": {"Ya": 0.7, "Tidak": 0.3}}


def test_mm1_mean_time_in_system_matches_theory() -> None:
    # Poisson arrivals at half the service rate: W = 1 / (mu - lambda) = 120 minutes
    result = simulate_cases(one_step_sop(), cases=40_000, arrivals_per_day=DAY / 120,
                            durations={"s1": Exponential(mean=60)}, rng=1)
    assert result.offered_load == {"Staf": pytest.approx(0.5)}
    assert float(result.lead_times.mean()) == pytest.approx(120, rel=0.05)
    assert result.utilisation["Staf"] == pytest.approx(0.5, rel=0.03)
    assert result.waits["s1"].mean == pytest.approx(60, rel=0.08)  # Wq = rho / (mu - lambda)


def test_mm2_waiting_matches_erlang_c() -> None:
    # two servers, a = lambda / mu = 1: P(wait) = 1 / 3, Wq = P(wait) / (2 mu - lambda)
    result = simulate_cases(one_step_sop(), cases=40_000, arrivals_per_day=DAY / 60,
                            capacity=2, durations={"s1": Exponential(mean=60)}, rng=2)
    wq = (1 / 3) / (2 / 60 - 1 / 60)
    assert result.waits["s1"].mean == pytest.approx(wq, rel=0.08)
    assert result.offered_load["Staf"] == pytest.approx(0.5)


def test_littles_law_holds_in_steady_state() -> None:
    result = simulate_cases(office_sop(), cases=20_000, arrivals_per_day=DAY / 200,
                            branches=BRANCHES, capacity={"Kasubbag": 1}, rng=3)
    assert max(result.offered_load.values()) < 0.8
    arrivals, finishes = result.arrivals, result.finishes
    # over the whole run (the engine's own count of open cases, integrated over time)
    rate = result.cases / result.horizon
    assert result.mean_in_system == pytest.approx(rate * float(result.lead_times.mean()),
                                                  rel=1e-9)
    # in a window in the middle of the run, sampled at random times
    lo, hi = np.quantile(arrivals, [0.2, 0.8])
    times = np.random.default_rng(0).uniform(lo, hi, 20_000)
    in_system = (np.searchsorted(np.sort(arrivals), times, side="right")
                 - np.searchsorted(np.sort(finishes), times, side="right"))
    inside = (arrivals >= lo) & (arrivals < hi)
    lam = inside.sum() / (hi - lo)
    w = float((finishes - arrivals)[inside].mean())
    assert float(in_system.mean()) == pytest.approx(lam * w, rel=0.05)


def test_one_case_reproduces_the_single_case_result() -> None:
    procedure = office_sop()
    fixed = {s: Uniform(low=m, high=m) for s, m in
             analyse(procedure, branches=BRANCHES).step_mean.items()}
    certain = {"cek": {"Ya": 1.0, "Tidak": 0.0}}
    alone = simulate_cases(procedure, arrival_times=[0.0], durations=fixed, branches=certain,
                           rng=0)
    single = sopflow.simulate_lead_time(procedure, replications=10, durations=fixed,
                                        branches=certain, rng=0)
    assert alone.lead_times.tolist() == [single.lead_times[0]]
    assert all(w.max == 0 for w in alone.waits.values())
    # cases far apart never meet: no waiting, and their lead times are single cases
    apart = simulate_cases(procedure, arrival_times=np.arange(3000) * 1e6,
                           branches=BRANCHES, rng=4)
    exact = analyse(procedure, branches=BRANCHES)
    assert all(w.max == 0 for w in apart.waits.values())
    assert abs(float(apart.lead_times.mean()) - exact.mean) < 5 * exact.std / math.sqrt(3000)


def test_heap_engine_and_simpy_model_agree() -> None:
    pytest.importorskip("simpy")
    procedure = office_sop()
    chain = build_chain(procedure, branches=BRANCHES,
                        durations={"s1": LogNormal(mean=15, std=5)})
    rng = np.random.default_rng(5)
    arrivals = np.cumsum(rng.exponential(150, 2_000))
    tasks, _, _ = make_tasks(chain, arrivals, [1, 1, 2], rng)
    heap, sim = run_heap(tasks), run_simpy(tasks)
    assert np.allclose(heap.finishes, sim.finishes, rtol=1e-12)
    assert np.allclose(heap.waits, sim.waits, rtol=1e-12, atol=1e-9)
    assert heap.area == pytest.approx(sim.area, rel=1e-9)
    assert max(heap.waits) > 0  # the cases did compete


def test_a_joint_step_holds_all_its_actors() -> None:
    sop = new_sop()
    a, b = sop.actor("Staf"), sop.actor("Kepala")
    sop.step("Membahas berkas", by=[a, b], **step_kwargs(time="1 jam"))
    sop.step("Menandatangani", by=b, **step_kwargs(time="1 jam"))
    with pytest.warns(OverloadWarning, match="arrive at once"):
        result = simulate_cases(sop.compile(), arrival_times=[0, 0], rng=0)
    # case 1: meeting 0-60, signing 60-120; case 2: meeting needs Kepala, free at 120
    assert sorted(result.lead_times.tolist()) == [120.0, 240.0]
    assert result.busy == {"Staf": 120.0, "Kepala": 240.0}
    assert result.bottleneck == "Kepala"


def test_offered_load_warns_before_simulating_when_work_cannot_keep_up() -> None:
    procedure = office_sop()
    work = analyse(procedure, branches=BRANCHES).work
    loads = offered_load(procedure, arrivals_per_day=5, branches=BRANCHES)
    assert loads["Kasubbag"] == pytest.approx(5 * work["Kasubbag"] / DAY)
    assert loads["Kasubbag"] > 1 > loads["Staf"]
    with pytest.warns(OverloadWarning, match=r"'Kasubbag' is 1\.\d+ \(>= 1\)") as caught:
        result = simulate_cases(procedure, cases=200, arrivals_per_day=5, branches=BRANCHES,
                                rng=0)
    assert len(caught) == 1
    assert any("Kasubbag" in w for w in result.warnings)
    assert result.bottleneck == "Kasubbag"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        simulate_cases(procedure, cases=200, arrivals_per_day=5, branches=BRANCHES,
                       capacity={"Kasubbag": 2}, rng=0)


def test_reference_sop_lane_cannot_keep_up_with_quarterly_reports() -> None:
    from runpy import run_path

    root = Path(__file__).resolve().parent.parent
    procedure = run_path(str(root / "examples" / "pengumpulan_data_kinerja.py"))["sop"].compile()
    branches = {"s7": {"Ya": 0.7, "Tidak": 0.3}}
    # 30 reports a quarter (65 working days): JF Perencana has 121 working days per report
    loads = offered_load(procedure, arrivals_per_day=30 / 65, branches=branches)
    assert loads["JF Perencana"] == pytest.approx(30 / 65 * (121 + 2 / DAY), rel=1e-9)
    with pytest.warns(OverloadWarning, match="JF Perencana"):
        simulate_cases(procedure, arrival_times=np.linspace(0, 9 * DAY, 30),
                       period="65 hari kerja", branches=branches, rng=0)
    with pytest.warns(OverloadWarning, match="arrive at once"):
        simulate_cases(procedure, arrival_times=[0.0] * 5, branches=branches, rng=0)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({}, "exactly one of arrivals_per_day"),
        ({"arrivals_per_day": 2, "arrival_times": [0]}, "exactly one of arrivals_per_day"),
        ({"arrivals_per_day": 2}, "cases must be a positive int"),
        ({"arrivals_per_day": -1, "cases": 3}, "arrivals_per_day must be a positive number"),
        ({"arrival_times": [], "cases": None}, "non-empty"),
        ({"arrival_times": [0, 1], "cases": 3}, "cases=3 but 2 arrival_times"),
        ({"arrival_times": [0], "capacity": {"Staff": 2}}, "unknown actor 'Staff'; did you mean"),
        ({"arrival_times": [0], "capacity": 0}, "capacity of 'Staf' must be a positive int"),
        ({"arrival_times": [0, 500], "period": 100}, "period must be longer than the schedule"),
        ({"arrivals_per_day": 1, "cases": 3, "period": 100}, "period goes with arrival_times"),
    ],
)
def test_bad_arguments_are_clear_errors(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        simulate_cases(one_step_sop(), rng=0, **kwargs)  # type: ignore[arg-type]


def test_cases_result_summary_json_and_plots(tmp_path: Path) -> None:
    result = simulate_cases(office_sop(), cases=500, arrivals_per_day=2, branches=BRANCHES,
                            rng=6)
    data = json.loads(result.to_json())
    assert data["cases"] == 500 and data["bottleneck"] == result.bottleneck
    assert set(data["waits"]) == {s for s in result.waits}
    text = result.summary()
    assert "bottleneck" in text and "Kasubbag" in text and "offered load" in text
    pytest.importorskip("matplotlib")
    for path in (result.plot_lead_time(tmp_path / "lead.png", deadline="3 hari kerja"),
                 result.plot_workload(tmp_path / "util.svg")):
        assert path.stat().st_size > 1000
