"""The command behaves as command-line tools do: '-' for standard input and output, a
project configuration, colour on a terminal only, shell completion, exit codes that survive
a broken pipe."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from sopflow.cli import main
from sopflow.cli_support import colour_enabled, paint
from sopflow.config import ConfigError, load_config

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "izin_cuti.py"


def run(args: list[str], stdin: str = "", cwd: Path | None = None,
        env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "PYTHONPATH": str(ROOT / "src"), **(env or {})}
    environment.pop("NO_COLOR", None) if env is None or "NO_COLOR" not in env else None
    return subprocess.run([sys.executable, "-m", "sopflow", *args], input=stdin, text=True,
                          capture_output=True, cwd=cwd, env=environment, timeout=120,
                          check=False)


def test_dash_reads_json_and_python_from_stdin(tmp_path: Path) -> None:
    exported = run(["export", str(EXAMPLE), "--to", "json", "-o", "-"])
    assert exported.returncode == 0 and exported.stdout.startswith("{")
    done = run(["validate", "-"], stdin=exported.stdout, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "<stdin>:" in done.stdout and "W103" in done.stdout
    done = run(["validate", "-"], stdin=EXAMPLE.read_text(encoding="utf-8"), cwd=tmp_path)
    assert done.returncode == 0 and "W103" in done.stdout
    broken = run(["validate", "-"], stdin='{"format": "sopflow/1"', cwd=tmp_path)
    assert broken.returncode == 2 and "<stdin>" in broken.stdout + broken.stderr
    assert "Traceback" not in broken.stderr


def test_configuration_ignores_accepts_and_sets_defaults(tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str],
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("LANG", raising=False)
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    assert main(["validate", "--strict-warnings", str(EXAMPLE)]) == 1
    capsys.readouterr()
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\n\n[tool.sopflow]\nlang = "id"\nstrict-warnings = true\n\n'
        '[tool.sopflow.accept]\nW103 = "dua pejabat menandatangani bersama"\n',
        encoding="utf-8")
    (tmp_path / "sub").mkdir()
    monkeypatch.chdir(tmp_path / "sub")  # found in a folder above
    assert main(["validate", str(EXAMPLE)]) == 0
    out = capsys.readouterr().out
    assert "diterima W103 [joint-activity]" in out
    assert "(diterima: dua pejabat menandatangani bersama)" in out and "1 diterima" in out
    (tmp_path / "sub" / "sopflow.toml").write_text('ignore = ["W103"]\n', encoding="utf-8")
    assert main(["validate", "--strict-warnings", str(EXAMPLE)]) == 0
    assert "W103" not in capsys.readouterr().out  # the nearest file wins: W103 left out
    (tmp_path / "sub" / "sopflow.toml").write_text('ignore = ["W103"]\nlangs = "id"\n',
                                                   encoding="utf-8")
    assert main(["validate", str(EXAMPLE)]) == 2
    err = capsys.readouterr().err
    assert "unknown key 'langs'; did you mean 'lang'?" in err and "strict-warnings" in err


def test_configuration_errors_name_file_and_key(tmp_path: Path) -> None:
    bad = tmp_path / "sopflow.toml"
    for text, expected in (
        ("ignore = 'W103'", "ignore must be a list"),
        ("ignore = ['E002']", "E002 is an error"),
        ("[accept]\nW103 = ''", "W103 needs a reason"),
        ("lang = 'fr'", "lang must be one of en, id"),
        ("strict-warnings = 'yes'", "strict-warnings must be true or false"),
        ("ignore = [", "not valid TOML"),
    ):
        bad.write_text(text, encoding="utf-8")
        with pytest.raises(ConfigError, match=expected) as caught:
            load_config(bad)
        assert str(bad) in str(caught.value)


def test_colour_only_on_a_terminal_and_never_with_no_color() -> None:
    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    assert colour_enabled(Tty(), {}) and not colour_enabled(io.StringIO(), {})
    assert not colour_enabled(Tty(), {"NO_COLOR": "1"})
    assert not colour_enabled(Tty(), {"TERM": "dumb"})
    assert paint("error", "error", True) == "\x1b[31merror\x1b[0m"
    assert paint("error", "error", False) == "error"
    piped = run(["validate", str(EXAMPLE)])
    assert "\x1b[" not in piped.stdout


def test_completion_scripts() -> None:
    done = run(["completion", "bash"])
    assert done.returncode == 0
    script = done.stdout
    for word in ("validate", "render", "export", "--strict-warnings", "--to",
                 "json bpmn dot xlsx csv", "complete -o filenames -F _sopflow sopflow"):
        assert word in script, word
    if shutil.which("bash"):  # the script is valid bash and completes a subcommand
        probe = (script + '\nCOMP_WORDS=(sopflow val); COMP_CWORD=1; _sopflow; '
                 'echo "${COMPREPLY[@]}"\nCOMP_WORDS=(sopflow export x --to ""); COMP_CWORD=4;'
                 ' _sopflow; echo "${COMPREPLY[@]}"\n')
        out = subprocess.run(["bash", "-c", probe], capture_output=True, text=True,
                             check=True).stdout.splitlines()
        assert out == ["validate", "json bpmn dot xlsx csv"]
    assert run(["completion", "zsh"]).stdout.startswith("autoload -U +X bashcompinit")


def test_broken_pipe_keeps_the_exit_code(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    lines = ["from sopflow import SOP", "sops = []"]
    for k in range(300):  # enough output to fill the pipe after the reader leaves
        lines.append(f"s{k} = SOP('Rusak {k}')")
        lines.append(f"s{k}.step('Langkah', by=s{k}.actor('A'), then='nowhere')")
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    script = (f"{sys.executable} -m sopflow validate {bad} | head -1 >/dev/null; "
              "echo ${PIPESTATUS[0]}")
    done = subprocess.run(["bash", "-c", script], capture_output=True, text=True, env=env,
                          timeout=120, check=False)
    assert done.stdout.strip() == "1", done.stdout + done.stderr
    assert "Traceback" not in done.stderr and "BrokenPipeError" not in done.stderr


def test_configured_paper_and_bare_hari(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    sop = tmp_path / "hari.py"
    sop.write_text(
        "from sopflow import SOP\n"
        "from datetime import date\n"
        "sop = SOP('Hari', number='1', created=date(2025, 1, 1), effective=date(2025, 1, 1),"
        " approved_by='Kepala')\n"
        "sop.step('Memeriksa berkas', by=sop.actor('Staf'), time='2 hari')\n",
        encoding="utf-8")
    assert main(["validate", str(sop)]) == 0
    assert "W105" in capsys.readouterr().out
    (tmp_path / "sopflow.toml").write_text('bare-hari = "calendar"\npaper = "F4"\n',
                                           encoding="utf-8")
    assert main(["validate", str(sop)]) == 0
    assert "W105" not in capsys.readouterr().out  # the project says how it reads "hari"
    config = load_config(tmp_path / "sopflow.toml")
    assert config.paper == "F4"
    (tmp_path / "sopflow.toml").write_text('paper = "A5"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="paper must be one of A4, F4, Letter, Legal"):
        load_config(tmp_path / "sopflow.toml")


def test_render_uses_the_configured_paper(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("pygraphviz")
    import pypdfium2

    monkeypatch.chdir(tmp_path)
    (tmp_path / "sopflow.toml").write_text('paper = "F4"\n', encoding="utf-8")
    assert main(["render", str(EXAMPLE), "-o", "cuti.pdf"]) == 0
    width, height = pypdfium2.PdfDocument(str(tmp_path / "cuti.pdf"))[0].get_size()
    # F4 (215 x 330 mm) landscape: the PDF page is exactly the paper (issue 12)
    assert (width, height) == pytest.approx((330 * 72 / 25.4, 215 * 72 / 25.4), abs=0.01)
    assert main(["render", str(EXAMPLE), "-o", "cuti-a4.pdf", "--paper", "A4"]) == 0
    width, _ = pypdfium2.PdfDocument(str(tmp_path / "cuti-a4.pdf"))[0].get_size()
    assert width == pytest.approx(297 * 72 / 25.4, abs=0.01)  # A4 (297 mm) landscape
