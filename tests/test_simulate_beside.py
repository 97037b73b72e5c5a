"""``sopflow simulate`` prints the exact figures beside the Monte Carlo ones."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sopflow.cli import EXIT_OK, main
from sopflow.simulate import beside

EXAMPLE = str(Path(__file__).resolve().parent.parent / "examples" / "pengumpulan_data_kinerja.py")
BASE = ["simulate", EXAMPLE, "-n", "4000", "--seed", "5", "--branch", "s7:Ya=0.7",
        "--branch", "s7:Tidak=0.3"]


def test_text_output_shows_exact_mean_std_and_end_probabilities(
        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(BASE) == EXIT_OK
    out = capsys.readouterr().out
    table = out.split("Exact analysis (no sampling) beside the Monte Carlo")[1]
    rows = {line.split("  ")[0]: line for line in table.splitlines()[3:] if line.strip()}
    assert set(rows) == {"mean", "standard deviation", "probability of end:final"}
    # the reference SOP always ends at 'final': both columns say 1.0000
    assert rows["probability of end:final"].split()[-2:] == ["1.0000", "1.0000"]


def test_json_carries_the_exact_figures_and_they_agree_with_the_sample(
        capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*BASE, "--format", "json"]) == EXIT_OK
    data = json.loads(capsys.readouterr().out)
    exact = data["exact"]
    assert set(exact) == {"mean", "std", "variance", "end_probability"}
    assert exact["std"] == pytest.approx(exact["variance"] ** 0.5)
    assert abs(data["mean"] - exact["mean"]) < 5 * data["standard_error"]
    assert exact["end_probability"] == {"end:final": pytest.approx(1.0)}
    # the fixed path plus 60 minutes ('sosialisasi') three times in ten
    assert exact["mean"] == pytest.approx(107 + 123 * 450 + 0.3 * 60, rel=1e-12)


def test_too_large_for_the_exact_method_is_said_and_monte_carlo_stands_alone(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(beside, "EXACT_STEP_LIMIT", 5)
    assert main(BASE) == EXIT_OK
    out = capsys.readouterr().out
    assert "Exact analysis: not computed: the SOP has 9 reachable steps, more than the exact" \
        " method's limit of 5" in out
    assert "Monte Carlo of SOP" in out
    assert main([*BASE, "--format", "json"]) == EXIT_OK
    data = json.loads(capsys.readouterr().out)
    assert "limit of 5" in data["exact"]["unavailable"]
