"""`sopflow import`: the four corpus PDFs, hostile inputs, and a render -> import round trip."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

pytest.importorskip("pypdfium2")
pytest.importorskip("scipy")

from sopflow.cli import main
from sopflow.importers import PdfImportError, import_file
from sopflow.importers.pdf import import_pdf
from sopflow.interchange.json_format import load


def _corpus_dir() -> Path | None:
    here = Path(__file__).resolve()
    candidates = [parent / "shared" / "corpus" for parent in here.parents]
    if env := os.environ.get("SOPFLOW_CORPUS"):
        candidates.insert(0, Path(env))
    return next((c for c in candidates if (c / "bps-040.pdf").is_file()), None)


CORPUS = _corpus_dir()
needs_corpus = pytest.mark.skipif(CORPUS is None, reason="shared/corpus not found")
NAMES = ["bps-040", "bps-050", "bps-052", "bps-346"]


@needs_corpus
@pytest.mark.parametrize("name", NAMES)
def test_corpus_rows_lanes_and_texts(name: str) -> None:
    assert CORPUS is not None
    truth = json.loads((CORPUS / f"{name}.json").read_text(encoding="utf-8"))
    result = import_pdf(CORPUS / f"{name}.pdf")
    got = result.definition
    assert [a.name for a in got.actors] == truth["lanes"]
    assert len(got.steps) == len(truth["rows"])
    squash = lambda t: "".join(t.split())  # noqa: E731
    for row, step in zip(truth["rows"], got.steps, strict=True):
        assert squash(step.text) == squash(row["text"]), row["n"]
        assert squash(step.time) == squash(row["waktu"]), row["n"]
    assert got.identity.number == truth["identity"]["nomor"]
    assert got.identity.name == truth["identity"]["nama"]
    assert all(m.region is None or m.region.page >= 1 for m in result.arrows)


@needs_corpus
def test_cli_writes_draft_review_and_pictures(tmp_path: Path) -> None:
    assert CORPUS is not None
    out = tmp_path / "d" / "bps-052.py"
    assert main(["import", str(CORPUS / "bps-052.pdf"), "-o", str(out)]) == 0
    assert out.is_file()
    assert (tmp_path / "d" / "bps-052.review.txt").read_text().startswith("Import of")
    review = json.loads((tmp_path / "d" / "bps-052.review.json").read_text())
    assert review["rows"] == 6 and review["arrows"]["read"] >= 1
    assert (tmp_path / "d" / "bps-052-page-2.png").stat().st_size > 1000
    assert "# READ" in out.read_text() or "# INFERRED" in out.read_text()
    compile(out.read_text(), str(out), "exec")
    assert main(["import", str(CORPUS / "bps-346.pdf"), "-o", str(tmp_path / "a.json")]) == 0
    load(tmp_path / "a.json")


def test_not_a_pdf_is_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "x.pdf"
    bad.write_text("hello")
    assert main(["import", str(bad), "-o", str(tmp_path / "x.json")]) == 2
    assert "not a PDF" in capsys.readouterr().err
    assert not (tmp_path / "x.json").exists()


def test_missing_file_and_unknown_suffix(tmp_path: Path) -> None:
    with pytest.raises(PdfImportError, match="no such file"):
        import_pdf(tmp_path / "none.pdf")
    with pytest.raises(ValueError, match="cannot import"):
        import_file(tmp_path / "x.docx", tmp_path / "x.json")


@needs_corpus
def test_truncated_pdf_is_a_clear_error(tmp_path: Path) -> None:
    assert CORPUS is not None
    data = (CORPUS / "bps-052.pdf").read_bytes()
    cut = tmp_path / "cut.pdf"
    cut.write_bytes(data[: len(data) // 3])
    with pytest.raises(PdfImportError):
        import_pdf(cut)


def test_encrypted_pdf_is_refused(tmp_path: Path) -> None:
    pypdf = pytest.importorskip("pypdf")
    writer = pypdf.PdfWriter()
    writer.add_blank_page(width=600, height=400)
    writer.encrypt("secret")
    path = tmp_path / "locked.pdf"
    with path.open("wb") as handle:
        writer.write(handle)
    with pytest.raises(PdfImportError, match="encrypted"):
        import_pdf(path)


def test_empty_page_is_not_an_sop(tmp_path: Path) -> None:
    pypdf = pytest.importorskip("pypdf")
    writer = pypdf.PdfWriter()
    writer.add_blank_page(width=600, height=400)
    path = tmp_path / "blank.pdf"
    with path.open("wb") as handle:
        writer.write(handle)
    with pytest.raises(PdfImportError, match="does not look like an SOP"):
        import_pdf(path)
    assert main(["import", str(path), "-o", str(tmp_path / "b.json")]) == 2


def test_round_trip_of_a_rendered_sop(tmp_path: Path) -> None:
    pytest.importorskip("pygraphviz")
    from sopflow.loader import load_sops
    from sopflow.render import render_document

    root = Path(__file__).resolve().parent.parent
    (item,) = load_sops(str(root / "examples" / "izin_cuti.py"))
    pdf = tmp_path / "izin.pdf"
    render_document(item.definition.__class__ and _compile(item.definition), pdf)
    result = import_pdf(pdf)
    want = item.definition
    assert [a.name for a in result.definition.actors] == [a.name for a in want.actors]
    assert len(result.definition.steps) == len(want.steps)
    squash = lambda t: "".join(t.split())  # noqa: E731
    assert [squash(s.text) for s in result.definition.steps] == [
        squash(s.text) for s in want.steps]


def _compile(definition: object) -> object:
    from sopflow.procedure import compile_definition

    return compile_definition(definition)  # type: ignore[arg-type]
