"""Regressions found by feeding odd and broken SOP files to the ``sopflow`` command.

Each case once crashed (exit 4, "internal error"), was silently accepted and failed later, or
gave a vague message. Every case must now exit with the documented code and a message that
names the argument and the line where it was written.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from sopflow.cli import EXIT_OK, EXIT_USAGE, main

HEADER = """\
from datetime import date, datetime
from sopflow import END, SOP, Labels, Signatory

sop = SOP("SOP Uji", number="1/UJI", created=date(2025, 1, 2), effective=date(2025, 1, 2),
          approved_by=Signatory(position="Kepala"))
staf = sop.actor("Staf")
"""
LINE = 7  # the first line after HEADER

# (case, the line after HEADER, what the message must say)
WRONG_TYPES: list[tuple[str, str, str]] = [
    ("output-int", "sop.step('Memeriksa', by=staf, output=15)", "output= must be a string"),
    ("note-list", "sop.step('Memeriksa', by=staf, note=['x'])", "note= must be a string"),
    ("decision-note-int", "sop.decision('Apakah lengkap?', by=staf, yes=END, no=END, note=1)",
     "note= must be a string"),
    ("question-int", "sop.decision('Apakah lengkap?', by=staf, yes=END, no=END, question=5)",
     "question= must be a string or None"),
    ("inputs-int", "sop.step('Memeriksa', by=staf, inputs=5)",
     "inputs= must be a string or a list of strings, got 5"),
    ("inputs-mixed", "sop.step('Memeriksa', by=staf, inputs=['a', 3])",
     "inputs= must be a string or a list of strings"),
    ("actor-note-int", "sop.actor('Kepala', note=5)", "note= must be a string"),
    ("date-as-text", "x = SOP('X', created='2025-01-02')",
     "created= must be a date such as date(2025, 1, 20) or None, got '2025-01-02'"),
    ("datetime-not-date", "x = SOP('X', effective=datetime(2025, 1, 2, 8, 0))",
     "effective= must be a date"),
    ("approved-by-int", "x = SOP('X', approved_by=5)", "approved_by= must be Signatory"),
    ("signatory-nip-int", "x = SOP('X', approved_by=Signatory(position='A', nip=1965))",
     "Signatory.nip must be a string or None, got 1965"),
    ("labels-str", "x = SOP('X', labels='Ya')", "labels= must be Labels or None"),
    ("warning-list", "x = SOP('X', warning=['a'])", "warning= must be a string"),
    ("number-int", "x = SOP('X', number=800)", "number= must be a string or None"),
    ("unit-int", "x = SOP('X', unit=5)", "unit= must be a string or a list of strings"),
    ("bare-hari-bogus", "x = SOP('X', bare_hari='bogus')",
     "bare_hari= must be one of 'working', 'calendar', got 'bogus'"),
]


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


@pytest.mark.parametrize(("case", "line", "expected"), WRONG_TYPES,
                         ids=[c[0] for c in WRONG_TYPES])
@pytest.mark.parametrize("command", ["validate", "export", "simulate"])
def test_wrong_argument_types_are_input_errors_at_their_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str],
    command: str, case: str, line: str, expected: str,
) -> None:
    path = _write(tmp_path, "bad.py", HEADER + line + "\n")
    argv = {"validate": ["validate", str(path)],
            "export": ["export", str(path), "--to", "json"],
            "simulate": ["simulate", str(path), "-n", "10"]}[command]
    code = main(argv)
    captured = capsys.readouterr()
    text = captured.out + captured.err
    assert code == EXIT_USAGE, text
    assert "internal error" not in text and "Traceback" not in text
    assert f"{path}:{LINE}" in text and expected in text, text


def test_a_huge_waktu_is_quoted_shortly(tmp_path: Path,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    path = _write(tmp_path, "long.py",
                  HEADER + "sop.step('Memeriksa', by=staf, time='15 menit' * 1000)\n")
    main(["validate", str(path)])
    out = capsys.readouterr().out
    finding = next(line for line in out.splitlines() if "E010" in line)
    assert len(finding) < 350 and "15 menit15 menit" in finding and "..." in finding


def test_json_with_a_byte_order_mark_loads(tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    source = _write(tmp_path, "ok.py",
                    HEADER + "sop.step('Memeriksa berkas', by=staf, inputs=['A'], "
                    "time='5 menit', output='B')\n")
    assert main(["export", str(source), "--to", "json", "-o", str(tmp_path / "a.json")]) == 0
    text = (tmp_path / "a.json").read_text(encoding="utf-8")
    (tmp_path / "bom.json").write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    assert main(["validate", str(tmp_path / "bom.json")]) == EXIT_OK
    assert "SOP 'SOP Uji'" in capsys.readouterr().out


@pytest.mark.parametrize(("argv", "expected"), [
    (["--seed", "-5"], "argument --seed: must be at least 0, got -5"),
    (["--seed", "x"], "argument --seed: expected a whole number"),
    (["-n", str(10**14)], "not enough memory"),
])
def test_simulate_bad_numbers_are_usage_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str], expected: str
) -> None:
    path = _write(tmp_path, "ok.py",
                  HEADER + "sop.step('Memeriksa berkas', by=staf, time='5 menit')\n")
    code = main(["simulate", str(path), *argv])
    err = capsys.readouterr().err
    assert code == EXIT_USAGE
    assert expected in err and "internal error" not in err


def test_a_file_with_a_dataclass_loads_as_it_runs_with_python(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # dataclasses look the defining module up in sys.modules (here: a ClassVar annotation
    # under postponed evaluation); the file once failed with "AttributeError: 'NoneType'".
    path = _write(tmp_path, "rows.py", """\
        from __future__ import annotations
        import sys
        import typing
        from dataclasses import dataclass
        from datetime import date
        from sopflow import SOP, Signatory

        @dataclass
        class Row:
            text: str
            kind: typing.ClassVar[str] = "process"

        sop = SOP("SOP Uji", number="1/UJI", created=date(2025, 1, 2),
                  effective=date(2025, 1, 2), approved_by=Signatory(position="Kepala"))
        staf = sop.actor("Staf")
        sop.step(Row("Memeriksa berkas").text, by=staf, time="5 menit", inputs=["A"],
                 output="B")
        """)
    assert main(["validate", str(path), str(path)]) == EXIT_OK
    out = capsys.readouterr().out
    assert out.count("0 error(s)") == 2
    import sys

    assert "__sopflow_file__" not in sys.modules  # nothing left behind
