"""The ``sopflow`` command: exit codes, messages with file:line, never a traceback."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import textwrap
import types
from pathlib import Path
from typing import Any

import pytest

from sopflow import __version__
from sopflow.cli import (
    EXIT_ERRORS,
    EXIT_OK,
    EXIT_UNAVAILABLE,
    EXIT_USAGE,
    build_parser,
    main,
)

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"

HEADER = """\
from datetime import date
from sopflow import END, SOP, Signatory

sop = SOP("SOP Uji", number="1/UJI", created=date(2025, 1, 2), effective=date(2025, 1, 2),
          approved_by=Signatory(position="Kepala"))
staf = sop.actor("Staf")
"""


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    captured = capsys.readouterr()
    assert "Traceback" not in captured.out + captured.err
    return code, captured.out, captured.err


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return name


# -- a corpus of broken files: (file name, content, exit code, expected text) -----------------

BROKEN: list[tuple[str, str, str, int, list[str]]] = [
    ("syntax-error", "bad.py", HEADER + "sop.step('Memeriksa', by=staf\n", EXIT_USAGE,
     ["bad.py:7: error: syntax error"]),
    ("name-error", "bad.py", HEADER + "sop.step('Memeriksa berkas', by=pegawai)\n", EXIT_USAGE,
     ["bad.py:7: error:", "NameError", "pegawai"]),
    ("dsl-type-error", "bad.py", HEADER + "\n\nsop.step(123, by=staf)\n", EXIT_USAGE,
     ["bad.py:9: error:", "TypeError", "Kegiatan text must be a string"]),
    ("error-in-helper", "bad.py", HEADER + "def langkah():\n    return 1 / 0\n\nlangkah()\n",
     EXIT_USAGE, ["bad.py:8: error:", "ZeroDivisionError"]),
    ("exit-in-file", "bad.py", HEADER + "raise SystemExit(3)\n", EXIT_USAGE,
     ["bad.py:7: error:", "exit(3)"]),
    ("unknown-step", "bad.py",
     HEADER + "sop.step('Memeriksa berkas', by=staf, then='kirm')\n"
     "sop.step('Mengirim berkas', id='kirim', by=staf)\n",
     EXIT_ERRORS, ["bad.py:7: error E003", "'kirm'", "did you mean 'kirim'?"]),
    ("unknown-actor", "bad.py", HEADER + "sop.step('Memeriksa berkas', by='Stav')\n",
     EXIT_ERRORS, ["bad.py:7: error E004", "'Stav'", "did you mean 'Staf'?"]),
    ("no-sop", "empty.py", "x = 1\n", EXIT_USAGE, ["empty.py: error: the file defines no SOP"]),
    ("bad-json", "bad.json", '{"format": "sopflow/1",\n  "identity": }\n', EXIT_USAGE,
     ["bad.json:2: error: not valid JSON"]),
    ("json-version", "old.json", '{"format": "sopflow/99", "identity": {}}', EXIT_USAGE,
     ["old.json: error: $.format: unsupported format version 'sopflow/99'"]),
    ("json-not-sopflow", "other.json", '[1, 2, 3]', EXIT_USAGE,
     ["other.json: error: expected an object with \"format\""]),
    ("json-wrong-schema", "wrong.json", """\
     {"format": "sopflow/1",
      "identity": {"name": "SOP Uji"},
      "actors": [{"name": "Staf"}],
      "steps": [
        {"id": "s1", "kind": "process", "text": "Memeriksa", "actors": ["Staf"]},
        {"id": "s2", "kind": "loop", "text": "Mengirim", "actors": ["Staf"]}
      ]}
     """, EXIT_USAGE,
     ["wrong.json:6: error: $.steps[1].kind: expected one of ['process', 'decision'], "
      "got 'loop'"]),
    ("json-unknown-key", "typo.json", """\
     {"format": "sopflow/1", "identity": {"name": "SOP Uji", "nomor": "1"},
      "actors": [], "steps": []}
     """, EXIT_USAGE, ["$.identity.nomor: unknown key 'nomor'"]),
    ("unknown-suffix", "sop.txt", "sop = 1\n", EXIT_USAGE, ["unknown file type"]),
]


@pytest.mark.parametrize(("case", "name", "content", "code", "expected"), BROKEN,
                         ids=[b[0] for b in BROKEN])
def test_broken_files_give_exit_code_and_located_message(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
    case: str, name: str, content: str, code: int, expected: list[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path, name, content)
    got, out, err = run(["validate", name], capsys)
    assert got == code, out + err
    for text in expected:
        assert text in out, (text, out)


def test_missing_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    missing = str(tmp_path / "nope.py")
    code, out, _ = run(["validate", missing], capsys)
    assert code == EXIT_USAGE
    assert f"{missing}: error: no such file" in out


def test_broken_files_fail_every_command_the_same_way(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "bad.py", HEADER + "sop.step('Memeriksa', by=staf\n")
    for argv in (["export", "bad.py", "--to", "json"], ["render", "bad.py", "-o", "x.pdf"],
                 ["simulate", "bad.py"]):
        code, out, err = run(argv, capsys)
        assert code == EXIT_USAGE
        assert "bad.py:7: syntax error" in err
        assert out == ""


def test_select_sop_by_name_and_did_you_mean(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    two = HEADER + "sop.step('Memeriksa berkas', by=staf, inputs=['A'], time='5 menit', " \
        "output='B')\nsop_lain = sop\ncuti = SOP('Cuti')\n"
    write(tmp_path, "two.py", two)
    code, out, _ = run(["validate", "two.py:cuti"], capsys)
    assert code == EXIT_ERRORS  # "Cuti" has no steps and no identity
    assert "two.py:cuti: SOP 'Cuti'" in out and "SOP Uji" not in out
    code, _, err = run(["export", "two.py", "--to", "json"], capsys)
    assert code == EXIT_USAGE
    assert "defines 2 SOPs; choose one: two.py:sop, two.py:cuti" in err
    code, out, _ = run(["validate", "two.py:cut"], capsys)
    assert code == EXIT_USAGE
    assert "no SOP named 'cut'" in out and "did you mean 'cuti'?" in out


def test_validate_examples_pass_and_json_format_lists_findings(
    capsys: pytest.CaptureFixture[str],
) -> None:
    files = [str(EXAMPLES / "pengumpulan_data_kinerja.py"), str(EXAMPLES / "izin_cuti.py")]
    code, out, _ = run(["validate", *files], capsys)
    assert code == EXIT_OK
    assert "0 error(s)" in out and "W103" in out
    code, out, _ = run(["validate", "--format", "json", *files], capsys)
    data = json.loads(out)
    assert code == EXIT_OK and data["ok"] is True and data["exit_code"] == 0
    assert [f["file"] for f in data["files"]] == files
    warnings = data["files"][1]["sops"][0]["findings"]
    assert [f["code"] for f in warnings] == ["W103"]
    assert warnings[0]["file"].endswith("izin_cuti.py") and warnings[0]["line"] > 0
    code, _, _ = run(["validate", "--strict-warnings", *files], capsys)
    assert code == EXIT_ERRORS


def test_validate_reports_the_worst_exit_code_of_several_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    unknown = tmp_path / "unknown.py"
    unknown.write_text(HEADER + "sop.step('Memeriksa', by='Nobody')\n", encoding="utf-8")
    good = str(EXAMPLES / "izin_cuti.py")
    code, out, _ = run(["validate", good, str(unknown)], capsys)
    assert code == EXIT_ERRORS
    code, out, _ = run(["validate", str(unknown), str(tmp_path / "missing.py"), good], capsys)
    assert code == EXIT_USAGE
    assert "E004" in out and "no such file" in out and "Pelayanan Permohonan" in out


def test_validate_json_reports_load_errors(tmp_path: Path,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("import nonexistent_module_xyz\n", encoding="utf-8")
    code, out, _ = run(["validate", "--format", "json", str(bad)], capsys)
    data = json.loads(out)
    assert code == EXIT_USAGE and data["ok"] is False
    error = data["files"][0]["load_error"]
    assert error["line"] == 1 and "nonexistent_module_xyz" in error["message"]


def test_what_the_user_file_prints_does_not_spoil_json_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    noisy = tmp_path / "noisy.py"
    noisy.write_text("print('hello')\n" + HEADER + "sop.step('Memeriksa berkas', by=staf)\n",
                     encoding="utf-8")
    _, out, err = run(["validate", "--format", "json", str(noisy)], capsys)
    assert json.loads(out)["files"][0]["sops"][0]["sop"] == "SOP Uji"
    assert "hello" in err


def test_export_formats(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    example = str(EXAMPLES / "izin_cuti.py")
    code, out, _ = run(["export", example, "--to", "json"], capsys)
    assert code == EXIT_OK and json.loads(out)["format"] == "sopflow/1"
    code, out, _ = run(["export", example, "--to", "dot"], capsys)
    assert code == EXIT_OK and out.startswith("digraph")
    target = tmp_path / "cuti.bpmn"
    code, out, err = run(["export", example, "--to", "bpmn", "-o", str(target)], capsys)
    assert code == EXIT_OK and out == "" and f"wrote {target}" in err
    assert "<bpmn:laneSet" in target.read_text(encoding="utf-8")
    code, _, err = run(["export", example, "--to", "bpmn", "-o", str(target)], capsys)
    assert code == EXIT_USAGE and "already exists" in err
    code, _, _ = run(["export", example, "--to", "bpmn", "-o", str(target), "--force"], capsys)
    assert code == EXIT_OK


def test_export_json_round_trips_through_the_command(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    example = str(EXAMPLES / "izin_cuti.py")
    first = tmp_path / "a.json"
    second = tmp_path / "b.json"
    assert run(["export", example, "--to", "json", "-o", str(first)], capsys)[0] == EXIT_OK
    assert run(["export", str(first), "--to", "json", "-o", str(second)], capsys)[0] == EXIT_OK
    assert first.read_text(encoding="utf-8") == second.read_text(encoding="utf-8")
    code, out, _ = run(["validate", str(first)], capsys)
    # Findings of a JSON definition point into the JSON file.
    assert code == EXIT_OK and f"{first}:" in out and "W103" in out


def test_export_bpmn_refuses_an_sop_with_errors(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text(HEADER + "sop.step('Memeriksa', by=staf, then='nope')\n", encoding="utf-8")
    code, out, err = run(["export", str(bad), "--to", "bpmn"], capsys)
    assert code == EXIT_ERRORS and out == ""
    assert f"{bad}:7: error E003" in err and "not done" in err
    code, out, _ = run(["export", str(bad), "--to", "dot"], capsys)
    assert code == EXIT_OK and "digraph" in out


def test_new_writes_a_valid_commented_sop_and_refuses_to_overwrite(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    code, _, err = run(["new", "Pengajuan Cuti Pegawai"], capsys)
    assert code == EXIT_OK and "wrote pengajuan_cuti_pegawai.py" in err
    text = (tmp_path / "pengajuan_cuti_pegawai.py").read_text(encoding="utf-8")
    assert '"Pengajuan Cuti Pegawai"' in text and "# Nomor SOP" in text
    code, out, _ = run(["validate", "--strict-warnings", "pengajuan_cuti_pegawai.py"], capsys)
    assert code == EXIT_OK, out  # no error and no warning: a clean start
    code, _, err = run(["new", "Pengajuan Cuti Pegawai"], capsys)
    assert code == EXIT_USAGE and "already exists" in err
    assert (tmp_path / "pengajuan_cuti_pegawai.py").read_text(encoding="utf-8") == text
    code, _, _ = run(["new", "lain.py"], capsys)
    assert code == EXIT_OK and '"Lain"' in (tmp_path / "lain.py").read_text(encoding="utf-8")
    code, _, err = run(["new", "Cuti", "-o", "cuti.txt"], capsys)
    assert code == EXIT_USAGE and "must end in .py" in err
    code, _, err = run(["new", "!!!"], capsys)
    assert code == EXIT_USAGE and "cannot make a file name" in err


def test_new_file_runs_as_a_script(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    assert run(["new", "Surat Masuk"], capsys)[0] == EXIT_OK
    env = {"PYTHONPATH": str(ROOT / "src")}
    done = subprocess.run([sys.executable, "surat_masuk.py"], capture_output=True, text=True,
                          env=env, check=True)
    assert "SOP 'Surat Masuk'" in done.stdout


def test_render_delegates_to_the_render_module(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    calls: list[tuple[str, Any, str, dict[str, Any]]] = []
    fake = types.ModuleType("sopflow.render")
    fake.render_document = lambda p, out, **kw: calls.append(("document", p, out, kw))  # type: ignore[attr-defined]
    fake.render_flowchart = lambda p, out, **kw: calls.append(("flowchart", p, out, kw))  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "sopflow.render", fake)
    example = str(EXAMPLES / "izin_cuti.py")
    out_file = str(tmp_path / "cuti.pdf")
    code, _, err = run(["render", example, "-o", out_file, "--paper", "F4", "--dpi", "200"],
                       capsys)
    assert code == EXIT_OK and f"wrote {out_file}" in err
    kind, procedure, out, kwargs = calls[-1]
    assert (kind, out, kwargs) == ("document", out_file, {"paper": "F4", "dpi": 200})
    assert procedure.name == "Pelayanan Permohonan Izin Cuti Pegawai"
    code, _, _ = run(["render", example, "-o", "x.svg", "--view", "flowchart"], capsys)
    assert code == EXIT_OK and calls[-1][0] == "flowchart"
    code, _, err = run(["render", example, "-o", "x.odt"], capsys)
    assert code == EXIT_USAGE and "unknown output format '.odt'" in err
    monkeypatch.setitem(sys.modules, "sopflow.render.docx", None)  # the office extra missing
    code, _, err = run(["render", example, "-o", "x.docx"], capsys)
    assert code == EXIT_UNAVAILABLE and "Word output is not available" in err, err


def test_render_and_simulate_say_clearly_when_unavailable(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "sopflow.render", None)  # import raises ImportError
    monkeypatch.setitem(sys.modules, "sopflow.simulate", None)
    example = str(EXAMPLES / "izin_cuti.py")
    code, _, err = run(["render", example, "-o", "x.pdf"], capsys)
    assert code == EXIT_UNAVAILABLE and "rendering is not available" in err
    code, _, err = run(["simulate", example], capsys)
    assert code == EXIT_UNAVAILABLE and "simulation is not available" in err


def test_render_errors_from_the_library_are_input_errors(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken(*_args: Any, **_kwargs: Any) -> None:
        raise ValueError("paper F4 too small for 40 lanes")

    fake = types.ModuleType("sopflow.render")
    fake.render_document = broken  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "sopflow.render", fake)
    code, _, err = run(["render", str(EXAMPLES / "izin_cuti.py"), "-o", "x.pdf"], capsys)
    assert code == EXIT_USAGE and "rendering: paper F4 too small" in err


def test_simulate_runs_the_monte_carlo_and_shows_progress_only_on_a_terminal(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    example = str(EXAMPLES / "izin_cuti.py")
    argv = ["simulate", example, "-n", "1000", "--seed", "7", "--start", "2025-01-20T08:00",
            "--deadline", "3 hari kerja"]
    code, out, err = run(argv, capsys)
    assert code == EXIT_OK
    assert "Monte Carlo of SOP" in out and "1,000 cases" in out
    assert "within deadline 3.00 working days" in out
    assert "Started Monday 20 January 2025 at 08.00, finishes by" in out
    assert "\r" not in err and "simulating" not in err  # stderr is not a terminal here
    # The same seed gives the same figures.
    assert run(argv, capsys)[1] == out

    code, _, err = run(["simulate", example, "--deadline", "kapan-kapan"], capsys)
    assert code == EXIT_USAGE and "'kapan-kapan' cannot be read" in err

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    assert main([*argv, "--format", "json"]) == EXIT_OK
    assert "simulating" in terminal.getvalue()
    data = json.loads(capsys.readouterr().out)
    assert data["replications"] == 1000 and "finishes by" in data["finish"]


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == EXIT_USAGE
    assert main(["export", "x.py"]) == EXIT_USAGE  # --to is required
    assert main(["simulate", "x.py", "-n", "0"]) == EXIT_USAGE
    assert main(["simulate", "x.py", "--start", "20/01/2025"]) == EXIT_USAGE
    assert main(["frobnicate"]) == EXIT_USAGE
    err = capsys.readouterr().err
    assert "Traceback" not in err and "must be at least 1" in err


def test_version_and_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == EXIT_OK
    assert capsys.readouterr().out.strip() == f"sopflow {__version__}"
    assert main(["--help"]) == EXIT_OK
    top = capsys.readouterr().out
    for name in ("validate", "render", "simulate", "export", "new", "exit codes"):
        assert name in top
    parser = build_parser()
    subparsers = next(a for a in parser._actions if a.dest == "command")
    for name, sub in subparsers.choices.items():  # type: ignore[union-attr]
        assert main([name, "--help"]) == EXIT_OK
        text = capsys.readouterr().out
        for action in sub._actions:
            for option in action.option_strings:
                assert option in text, (name, option)
            assert action.help, (name, action.dest)  # every option is explained


def test_installed_entry_point_and_module_run(tmp_path: Path) -> None:
    env = {"PYTHONPATH": str(ROOT / "src")}
    done = subprocess.run([sys.executable, "-m", "sopflow", "validate", str(tmp_path / "x.py")],
                          capture_output=True, text=True, env=env)
    assert done.returncode == EXIT_USAGE
    assert "no such file" in done.stdout and "Traceback" not in done.stderr


def test_simulate_takes_branch_probabilities(capsys: pytest.CaptureFixture[str]) -> None:
    example = str(ROOT / "examples" / "pengumpulan_data_kinerja.py")
    base = ["simulate", example, "-n", "2000", "--seed", "3", "--format", "json"]
    code, out, _ = run([*base, "--branch", "s7:Ya=1", "--branch", "s7:Tidak=0"], capsys)
    assert code == EXIT_OK
    data = json.loads(out)
    # "Ya" always: step 8 ('sosialisasi') is never visited, and no default-branch warning.
    assert data["visits_mean"].get("sosialisasi", 0) == 0
    # Then every case takes exactly the Ya path: 15 + 30 + 2 + 30 + 30 menit, 2 hari and
    # 120 hari and 1 hari (working days of 450 minutes) = 107 + 123 * 450 working minutes.
    assert data["mean"] == data["max"] == 107 + 123 * 450
    assert not any("no branch probabilities" in w for w in data["warnings"])
    code, _, err = run([*base, "--branch", "s7:Yaa=1"], capsys)
    assert code == EXIT_USAGE and "did you mean 'Ya'?" in err
    code, _, err = run([*base, "--branch", "oops"], capsys)
    assert code == EXIT_USAGE and "write STEP:LABEL=PROBABILITY" in err


def test_render_for_real_into_a_folder_that_does_not_exist_yet(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    example = str(ROOT / "examples" / "pengumpulan_data_kinerja.py")
    pdf = tmp_path / "new" / "folder" / "pdk.pdf"
    code, _, err = run(["render", example, "-o", str(pdf)], capsys)
    assert code == EXIT_OK and f"wrote {pdf}" in err
    from pypdf import PdfReader

    assert len(PdfReader(pdf).pages) == 2  # the identity page and the flowchart table
    code, _, err = run(["render", example, "-o", str(tmp_path / "png" / "pdk.png")], capsys)
    assert code == EXIT_OK
    assert sorted(p.name for p in (tmp_path / "png").iterdir()) == ["pdk-1.png", "pdk-2.png"]
    svg = tmp_path / "svg" / "flow.svg"
    code, _, _ = run(["render", example, "-o", str(svg), "--view", "flowchart"], capsys)
    assert code == EXIT_OK and "<svg" in svg.read_text(encoding="utf-8")


def test_render_draws_an_sop_with_content_errors_and_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Real SOPs: free-text Waktu (E010) and a missing identity field are drawn as written.
    text = HEADER.replace('number="1/UJI", ', "") + (
        "sop.step('Memeriksa berkas', by=staf, time='kapan-kapan')\n"
        "sop.step('Mengarsipkan berkas', by=staf, time='Sesuai kebutuhan')\n")
    path = str(tmp_path / write(tmp_path, "real.py", text))
    svg = tmp_path / "out.svg"
    code, _, err = run(["render", path, "-o", str(svg)], capsys)
    assert code == EXIT_ERRORS
    assert "E010" in err and "W115" in err and "drawn as written" in err
    assert (tmp_path / "out-2.svg").exists()
    strict = tmp_path / "strict.svg"
    code, _, err = run(["render", path, "-o", str(strict), "--strict"], capsys)
    assert code == EXIT_ERRORS and "not done" in err
    assert not list(tmp_path.glob("strict*"))


def test_render_refuses_what_cannot_be_drawn_faithfully(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = HEADER + "sop.step('Memeriksa berkas', by=staf, then='s9')\n"  # E003: no arrow
    path = str(tmp_path / write(tmp_path, "broken.py", text))
    code, _, err = run(["render", path, "-o", str(tmp_path / "x.pdf")], capsys)
    assert code == EXIT_ERRORS and "not drawn: E003" in err
    assert not (tmp_path / "x.pdf").exists()


def test_render_flags_set_the_agency_conventions(tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    text = HEADER + "sop.step('Memeriksa berkas', by=staf, inputs=['Berkas'], time='5 menit'," \
                    " output='Berkas diperiksa')\n"
    path = str(tmp_path / write(tmp_path, "sop.py", text))
    pdf = tmp_path / "out.pdf"
    code, _, err = run(["render", path, "-o", str(pdf), "--paper", "Legal", "--empty-cell", "-",
                        "--footer", "Dokumen ini telah ditandatangani", "--header", "first"],
                       capsys)
    assert code == EXIT_OK, err
    from pypdf import PdfReader

    reader = PdfReader(pdf)
    assert round(float(reader.pages[0].mediabox.width)) in (1008, 1009)
    assert "Dokumen ini telah ditandatangani" in reader.pages[1].extract_text()
