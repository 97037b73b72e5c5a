"""Learning from runs: durations and branch odds fitted from the event log against the
process that generated the runs, and "as written" vs "as run" in the API and the CLI."""

from __future__ import annotations

import json
import random
from datetime import timedelta
from pathlib import Path

import pytest
from test_runtime import MONDAY, ROOT, reference_procedure

from sopflow.cli import main
from sopflow.runtime import Executor, FakeClock, MemoryStore, SQLiteStore
from sopflow.runtime.learn import compare, learn

TRUE_YA = 0.8


def generate(ex: Executor, instances: int, seed: int) -> list[float]:
    """Runs inside one working morning each: step durations log-normal (median e^2.5 = 12
    minutes), decision s7 answered "Ya" with probability 0.8. Returns each instance's total
    working minutes (the true lead times)."""
    rng = random.Random(seed)
    totals = []
    for n in range(instances):
        when = MONDAY  # every instance starts Monday 08:00; its steps end before noon
        instance = ex.start(f"i{n}", at=when)
        total = 0.0
        while instance.active:
            step = instance.active[0].step_id
            minutes = rng.lognormvariate(2.5, 0.5)
            total += minutes
            when += timedelta(minutes=minutes)
            labels = ex.answers(step)
            answer = None
            if labels:
                answer = "Ya" if rng.random() < TRUE_YA else "Tidak"
            instance = ex.complete(instance.id, step, by="P", answer=answer, at=when)
        totals.append(total)
    return totals


def test_learn_recovers_durations_and_odds_and_the_lead_time() -> None:
    ex = Executor(reference_procedure(), store=MemoryStore(), clock=FakeClock(MONDAY))
    totals = generate(ex, 400, seed=3)
    learned = learn(ex)
    assert learned.instances == 400
    s1 = learned.steps["s1"]
    assert s1.n == 400 and s1.family == "lognormal"
    assert s1.ks_pvalue is not None and s1.ks_pvalue > 0.01
    assert s1.median == pytest.approx(12.18, rel=0.15)  # e^2.5
    assert s1.mean == pytest.approx(12.18 * 1.1331, rel=0.15)  # e^(2.5 + 0.125)
    branch = learned.branches["s7"]
    assert branch.n == 400 and sum(branch.counts.values()) == 400
    low, high = branch.intervals["Ya"]
    assert low < TRUE_YA < high
    assert branch.probabilities["Ya"] + branch.probabilities["Tidak"] == pytest.approx(1)
    # the step taken only on "Tidak" has fewer observations, but enough
    assert learned.steps["sosialisasi"].n == branch.counts["Tidak"]
    comparison = compare(ex, learned)
    observed = sum(totals) / len(totals)
    assert comparison.as_run.mean == pytest.approx(observed, rel=0.1)
    assert comparison.as_written.mean > 100 * comparison.as_run.mean  # "120 hari" on paper
    text = comparison.text()
    assert "as written" in text and "as run" in text and "s7 (decision)" in text


def test_too_few_observations_keep_the_waktu_and_a_poor_fit_falls_back() -> None:
    ex = Executor(reference_procedure(), store=MemoryStore(), clock=FakeClock(MONDAY))
    generate(ex, 3, seed=1)
    learned = learn(ex, min_observations=5)
    assert learned.steps["s1"].family == "none" and learned.steps["s1"].distribution is None
    assert learned.durations() == {}
    comparison = compare(ex, learned)
    assert comparison.as_run.step_mean["s6"] == comparison.as_written.step_mean["s6"]
    # two clusters (5 and 200 minutes): neither log-normal nor exponential -> the data itself
    ex = Executor(reference_procedure(), store=MemoryStore(), clock=FakeClock(MONDAY))
    for n in range(200):
        when = MONDAY
        instance = ex.start(f"b{n}", at=when)
        while instance.active:
            step = instance.active[0].step_id
            when += timedelta(minutes=5 if n % 2 else 200)
            instance = ex.complete(instance.id, step, by="P", at=when,
                                   answer="Ya" if ex.answers(step) else None)
    fit = learn(ex).steps["s1"]
    assert fit.family == "empirical" and fit.ks_pvalue is not None and fit.ks_pvalue < 0.05
    with pytest.raises(ValueError, match="min_observations"):
        learn(ex, min_observations=0)


def test_asrun_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "runs.db"
    with SQLiteStore(path) as store:
        generate(Executor(reference_procedure(), store=store, clock=FakeClock(MONDAY)), 60,
                 seed=5)
    sop = str(ROOT / "examples" / "pengumpulan_data_kinerja.py")
    assert main(["asrun", sop, "--store", f"sqlite:///{path}"]) == 0
    shown = capsys.readouterr().out
    assert "as written" in shown and "as run" in shown and "lognormal" in shown
    assert main(["asrun", sop, "--store", f"sqlite:///{path}", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["instances"] == 60 and data["steps"]["s1"]["n"] == 60
    assert data["as_run"]["mean"] < data["as_written"]["mean"]
    assert main(["asrun", sop, "--store", f"sqlite:///{tmp_path / 'none.db'}"]) == 2
    assert "no such store file" in capsys.readouterr().err
    assert not (tmp_path / "none.db").exists()
    assert main(["asrun", sop, "--store", "mysql://x"]) == 2
    other = tmp_path / "other.db"
    other.write_text("not a database " * 50)
    assert main(["asrun", sop, "--store", f"sqlite:///{other}"]) == 2
