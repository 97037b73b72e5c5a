"""Folders for validate, render and export; the site and review commands (exit codes, summary,
one broken file never stopping the rest)."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from sopfactory import write_catalogue

from sopflow.catalogue.batch import Task, run_batch
from sopflow.catalogue.commands import _bar
from sopflow.catalogue.discover import find_sop_files
from sopflow.cli import EXIT_ERRORS, EXIT_INTERNAL, EXIT_OK, EXIT_USAGE, main

GOOD = """\
from datetime import date
from sopflow import SOP, Signatory

sop = SOP("SOP Baik {n}", number="{n}/BAIK", created=date(2025, 1, 2),
          effective=date(2025, 1, 2), approved_by=Signatory(position="Kepala"),
          legal_basis=["Peraturan"], qualifications=["Teliti"], related=["SOP Baik 2"],
          equipment=["Komputer"], warning="Jika tidak dilaksanakan maka terlambat.",
          records="Disimpan")
staf = sop.actor("Staf")
sop.step("Menerima berkas", by=staf, inputs=["Berkas"], time="10 menit", output="Berkas")
sop.step("Mengarsipkan berkas", by=staf, inputs=["Berkas"], time="10 menit", output="Arsip")
"""
ERRORS = GOOD.replace('output="Arsip")', 'output="Arsip", then="tidak_ada")')


def tree(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return root


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    captured = capsys.readouterr()
    assert "Traceback" not in captured.out + captured.err
    return code, captured.out, captured.err


@pytest.fixture
def catalogue(tmp_path: Path) -> Path:
    return tree(tmp_path / "sop", {
        "a/baik1.py": GOOD.format(n=1),
        "a/b/baik2.py": GOOD.format(n=2),
        "rusak.py": GOOD.format(n=3) + "sop.step('x', by=staf\n",
        "salah.py": ERRORS.format(n=4),
        "helper.py": "X = 1\n",
        "a/impor.py": "from baik1 import sop  # counted in baik1.py, not here\n",
        "c/data.json": "{not json",
    })


def test_validate_folder_reports_every_file_and_a_summary(
        catalogue: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["validate", str(catalogue)], capsys)
    assert code == EXIT_USAGE  # worst: files that cannot be loaded
    assert "rusak.py:12: error: syntax error" in out
    assert "data.json:1: error:" in out
    assert "salah.py:" in out and "E0" in out
    assert out.count(": OK") == 2  # both good SOPs, the one imported by impor.py only once
    assert "3 SOP(s) in 5 file(s)" in out and "2 file(s) could not be loaded" in out
    assert "2 file(s) without an SOP of their own skipped" in out  # helper.py, impor.py
    assert "\r" not in err  # no progress bar when stderr is not a terminal


def test_validate_folder_exit_codes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = tree(tmp_path / "good", {"x.py": GOOD.format(n=1)})
    assert run(["validate", str(good)], capsys)[0] == EXIT_OK
    assert run(["validate", str(good), "--strict-warnings"], capsys)[0] == EXIT_ERRORS
    tree(good, {"y.py": ERRORS.format(n=2)})
    code, out, _ = run(["validate", str(good), "-q"], capsys)
    assert code == EXIT_ERRORS and ": OK" not in out
    assert "1 SOP(s) with errors" in out


def test_validate_folder_json(catalogue: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["validate", str(catalogue), "--format", "json"], capsys)
    data = json.loads(out)
    assert data["exit_code"] == code == EXIT_USAGE
    assert data["summary"]["sops"] == 3 and data["summary"]["load_errors"] == 2
    by_file = {Path(f["file"]).name: f for f in data["files"]}
    assert by_file["helper.py"]["skipped"] is True
    assert by_file["rusak.py"]["load_error"]["line"] == 12
    assert by_file["salah.py"]["sops"][0]["errors"] >= 1


def test_single_file_keeps_its_own_output(catalogue: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["validate", str(catalogue / "a" / "baik1.py")], capsys)
    assert code == EXIT_OK and "SOP(s) in" not in out


def test_render_folder_keeps_the_tree(catalogue: Path, tmp_path: Path,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    out_dir = tmp_path / "pdf"
    code, out, _ = run(["render", str(catalogue), "-o", str(out_dir)], capsys)
    assert code == EXIT_USAGE
    assert (out_dir / "a" / "baik1.pdf").read_bytes().startswith(b"%PDF")
    assert (out_dir / "a" / "b" / "baik2.pdf").exists()
    assert not (out_dir / "salah.pdf").exists()
    assert "not written: the SOP has validation errors" in out
    assert not [p for p in out_dir.rglob(".*")]  # no temp files left behind
    code, _, _ = run(["render", str(catalogue / "a"), "-o", str(tmp_path / "svg"),
                      "--format", "svg", "--view", "flowchart"], capsys)
    assert code == EXIT_OK and (tmp_path / "svg" / "b" / "baik2.svg").exists()


def test_render_folder_needs_a_folder_out(catalogue: Path, tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["render", str(catalogue), "-o", str(tmp_path / "x.pdf")], capsys)
    assert code == EXIT_USAGE and "--format" in err


def test_export_folder_refuses_to_overwrite(catalogue: Path, tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    good = catalogue / "a"
    out_dir = tmp_path / "json"
    assert run(["export", str(good), "--to", "json", "-o", str(out_dir)], capsys)[0] == EXIT_OK
    assert json.loads((out_dir / "b" / "baik2.json").read_text())["format"] == "sopflow/1"
    code, out, _ = run(["export", str(good), "--to", "json", "-o", str(out_dir)], capsys)
    assert code == EXIT_USAGE and "already exists" in out
    assert run(["export", str(good), "--to", "json", "-o", str(out_dir), "--force"],
               capsys)[0] == EXIT_OK
    code, _, err = run(["export", str(good), "--to", "bpmn"], capsys)
    assert code == EXIT_USAGE and "-o OUT" in err


def test_a_crashing_file_does_not_stop_the_others(tmp_path: Path) -> None:
    files = {f"s{k:02d}.py": GOOD.format(n=k) for k in range(12)}
    root = tree(tmp_path / "sop", {**files, "a_mati.py": "import os\nos._exit(9)\n"})
    result = run_batch(find_sop_files([str(root)]), Task(kind="validate"), workers=2)
    by_name = {Path(f.file.spec).name: f for f in result.files}
    assert by_name["a_mati.py"].crash and "died" in by_name["a_mati.py"].crash
    assert all(len(by_name[name].sops) == 1 for name in files)
    assert result.summary().exit_code == EXIT_INTERNAL


class FakeOut:
    def __init__(self) -> None:
        self.interactive = True
        self.lines: list[str] = []

    def print(self, text: str = "") -> None: ...
    def message(self, text: str) -> None: ...
    def clear_progress(self) -> None: ...

    def progress(self, text: str) -> None:
        self.lines.append(text)


def test_progress_bar_on_a_terminal_only() -> None:
    out = FakeOut()
    show = _bar(out, "validating")
    assert show is not None
    show(3, 12, "x.py")
    assert out.lines == ["validating [######..................] 3/12 x.py"]
    out.interactive = False
    assert _bar(out, "validating") is None


def test_site_command_and_its_target(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_catalogue(tmp_path / "sop", 4)
    out_dir = tmp_path / "situs"
    code, out, _ = run(["site", str(tmp_path / "sop"), "-o", str(out_dir), "--no-pdf"], capsys)
    assert code == EXIT_OK and "4 SOP(s) in 4 file(s)" in out and "8 Keterkaitan link(s)" in out
    assert (out_dir / "index.html").exists() and not list(out_dir.rglob("*.pdf"))
    # building again replaces the previous site; nothing is left beside it
    assert run(["site", str(tmp_path / "sop"), "-o", str(out_dir)], capsys)[0] == EXIT_OK
    assert len(list(out_dir.rglob("*.pdf"))) == 4
    assert sorted(p.name for p in tmp_path.iterdir()) == ["situs", "sop"]
    # a folder that is not a site is never replaced without --force
    other = tree(tmp_path / "lain", {"penting.txt": "jangan dihapus"})
    code, _, err = run(["site", str(tmp_path / "sop"), "-o", str(other)], capsys)
    assert code == EXIT_USAGE and "not a sopflow site" in err
    assert (other / "penting.txt").exists()
    code, _, err = run(["site", str(tmp_path / "nirwana"), "-o", str(tmp_path / "x")], capsys)
    assert code == EXIT_USAGE and "nirwana: no such file or folder" in err
    code, _, err = run(["site", str(tmp_path / "sop"), "-o", str(tmp_path / "x"), "-j", "0"],
                       capsys)
    assert code == EXIT_USAGE and "--jobs: must be at least 1" in err
    assert not (tmp_path / "x").exists()
    # the site's own JSON downloads are not read back as SOP sources
    code, out, _ = run(["validate", str(tmp_path)], capsys)
    assert "4 SOP(s) in 4 file(s)" in out


def test_review_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    tree(tmp_path, {"a.py": GOOD.format(n=1), "b.py": GOOD.format(n=2).replace(
        "effective=date(2025, 1, 2)", "effective=date(2026, 1, 2)"),
        "sopflow-catalogue.toml": "[[review.sop]]\nmatch = \"2/BAIK\"\ncycle_months = 6\n"})
    code, out, _ = run(["review", str(tmp_path), "--today", "2026-06-15"], capsys)
    assert code == EXIT_OK
    lines = out.splitlines()
    assert lines[0].startswith("terlambat     2026-01-02 1/BAIK")
    assert lines[1].startswith("segera        2026-07-02 2/BAIK")  # six-month setting
    code, out, _ = run(["review", str(tmp_path), "--today", "2026-06-15", "--format", "json",
                        "--all"], capsys)
    rows = json.loads(out)["sops"]
    assert [r["setting"] for r in rows] == [None, "2/BAIK"]
    with (tmp_path / "sopflow-catalogue.toml").open("a") as handle:
        handle.write("[[review.sop]]\nmatch = \"SOP Salah Ketik\"\n")
    code, _, err = run(["review", str(tmp_path)], capsys)
    assert code == EXIT_OK and "'SOP Salah Ketik' matches no SOP" in err
    (tmp_path / "sopflow-catalogue.toml").write_text("[review]\nsoon_days = -1\n")
    code, _, err = run(["review", str(tmp_path)], capsys)
    assert code == EXIT_USAGE and "soon_days" in err



def test_site_page_per_sop_of_a_file_with_several(tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    second = GOOD.format(n=2).replace("sop", "kedua").replace("from kedua", "from sop")
    tree(tmp_path / "sop", {"dua.py": GOOD.format(n=1) + second.split("\n", 3)[3],
                            "dua-kedua.py": GOOD.format(n=3)})
    code, out, _ = run(["site", str(tmp_path / "sop"), "-o", str(tmp_path / "situs"),
                        "--no-pdf"], capsys)
    assert code == EXIT_OK and "3 SOP(s) in 2 file(s)" in out
    pages = sorted(p.name for p in (tmp_path / "situs" / "sop").glob("*.html"))
    assert pages == ["dua--kedua.html", "dua--sop.html", "dua-kedua.html"]


FACTORY = """\
from datetime import date
from sopflow import SOP, Signatory


def buat(nama, nomor):
    sop = SOP(nama, number=nomor, created=date(2025, 1, 2), effective=date(2025, 1, 2),
              approved_by=Signatory(position="Kepala"))
    staf = sop.actor("Staf")
    sop.step("Menerima berkas", by=staf, inputs=["Berkas"], time="10 menit", output="Berkas")
    return sop
"""


def test_sops_made_by_a_helper_module_count_once_where_they_are_bound(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """An SOP made by a function in another file belongs to the file that binds it to a
    variable; a third file importing that variable does not count it again."""
    root = tree(tmp_path / "sop", {
        "pabrik.py": FACTORY,
        "daftar.py": "from pabrik import buat\n\nsatu = buat('SOP Satu', '1/A')\n"
                     "dua = buat('SOP Dua', '2/A')\n",
        "lagi.py": "from daftar import satu\n",
    })
    result = run_batch(find_sop_files([str(root)]), Task(kind="validate"), workers=2)
    counted = {Path(f.file.spec).name: [s.name for s in f.sops] for f in result.files}
    assert counted == {"daftar.py": ["SOP Satu", "SOP Dua"], "lagi.py": [], "pabrik.py": []}
    code, out, _ = run(["validate", str(root)], capsys)
    assert code == EXIT_OK and "2 SOP(s) in 1 file(s)" in out
