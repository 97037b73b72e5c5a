"""Signed-document details: PDF metadata, SVG font fallbacks, the TTE (electronic signature)
block with its QR code."""

from __future__ import annotations

import runpy
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sopflow.render import render_document

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def procedure() -> Any:
    return runpy.run_path(str(ROOT / "examples" / "pengumpulan_data_kinerja.py"))["sop"].compile()


def test_pdf_carries_title_subject_author_and_creator(procedure: Any, tmp_path: Path) -> None:
    from pypdf import PdfReader

    (path,) = render_document(procedure, tmp_path / "sop.pdf")
    info = PdfReader(path).metadata
    identity = procedure.definition.identity
    assert info is not None
    assert info.title == identity.name == "Pengumpulan Data Kinerja"
    assert info.subject == identity.number == "800/06/Sekr.7/BKD"
    assert info.author == ", ".join(identity.unit)
    assert "BADAN KEPEGAWAIAN DAERAH" in info.author
    assert info.creator == "sopflow"


def _svg_texts(svg: bytes) -> list[Any]:
    import xml.etree.ElementTree as ET

    return list(ET.fromstring(svg).iter("{http://www.w3.org/2000/svg}text"))


def test_svg_text_has_a_sans_fallback_and_a_bold_weight() -> None:
    from test_render_paint import _page

    from sopflow.render.geometry import Rect, TextBox
    from sopflow.render.paint import render_page

    tricky = 'a font-family="x" <b> & c'
    page = _page(1, tricky)
    page = attrs.evolve(page, texts=(*page.texts, TextBox(
        rect=Rect(x=50, y=90, w=200, h=12), lines=("Tebal",), size=8, bold=True)))
    texts = _svg_texts(render_page(page, "svg"))
    assert len(texts) == 5
    for text in texts:
        families = [f.strip().strip('"') for f in text.get("font-family", "").split(",")]
        assert families == ["Liberation Sans", "Arial", "Helvetica", "sans-serif"]
        assert text.get("font-weight") == ("bold" if text.text == "Tebal" else None)
    assert tricky in [t.text for t in texts]  # drawn literally, never read as markup


def test_every_document_svg_text_falls_back(procedure: Any, tmp_path: Path) -> None:
    svgs = render_document(procedure, tmp_path / "sop.svg")
    bold = 0
    for svg in svgs:
        for text in _svg_texts(svg.read_bytes()):
            assert text.get("font-family", "").endswith("sans-serif")
            bold += text.get("font-weight") == "bold"
    assert bold > 0  # the header row and the identity's field names are bold


def _bottom(page: Any) -> float:
    """The lowest point of the page's content other than the footer and the TTE block."""
    ys = [y for line in page.lines for _, y in line.points]
    ys += [t.rect.bottom for t in page.texts if t.role not in ("footer", "signature")]
    ys += [s.rect.bottom for s in page.all_shapes()]
    ys += [y for a in page.arrows for _, y in a.points]
    return max(ys)


@pytest.mark.parametrize("footer", ["", "Dicetak dari sopflow"])
def test_tte_block_is_on_every_page_clear_of_the_table(procedure: Any, footer: str) -> None:
    import segno

    from sopflow.render import document_pages
    from sopflow.render.signature import BSRE_FOOTNOTE

    plain = document_pages(procedure, footer=footer)
    url = "https://tte.example.go.id/verify?id=800/06"
    pages = document_pages(procedure, footer=footer, signature=url)
    rows = [r for p in plain for r in p.rows]
    assert [r for p in pages for r in p.rows] == rows  # every row still drawn, once
    assert len(pages) >= len(plain)
    symbol = segno.make(url, micro=False)
    expected = [[bool(m) for m in row] for row in symbol.matrix_iter(border=0)]
    for page in pages:
        assert page.marks
        assert _modules(page.marks) == expected
        note = [t for t in page.texts if t.role == "signature"]
        assert len(note) == 1 and " ".join(note[0].lines) == BSRE_FOOTNOTE
        block_top = min(r.y for r in (*page.marks, note[0].rect))
        assert _bottom(page) <= block_top - 2  # nothing of the table reaches into the band
        assert max(r.bottom for r in page.marks) <= page.height - 4
        qr_right = max(r.right for r in page.marks)
        assert note[0].rect.x >= qr_right
        for other in page.texts:
            if other is not note[0]:
                assert not other.rect.overlaps(note[0].rect)


def _modules(marks: tuple[Any, ...]) -> list[list[bool]]:
    """The module matrix the drawn rectangles cover (the QR as drawn, read back)."""
    x0, y0 = min(r.x for r in marks), min(r.y for r in marks)
    module = min(r.h for r in marks)
    n = round((max(r.bottom for r in marks) - y0) / module)
    grid = [[False] * n for _ in range(n)]
    for r in marks:
        row = round((r.y - y0) / module)
        first = round((r.x - x0) / module)
        for c in range(first, first + round(r.w / module)):
            assert not grid[row][c]  # runs never overlap
            grid[row][c] = True
    return grid


def test_tte_without_url_encodes_nomor_and_nama(procedure: Any) -> None:
    from sopflow.render import flowchart_pages
    from sopflow.render.signature import qr_matrix

    pages = flowchart_pages(procedure, signature="")
    assert _modules(pages[0].marks) == qr_matrix("800/06/Sekr.7/BKD Pengumpulan Data Kinerja")
    assert len(pages[0].marks) < 29 * 29 / 2  # runs merged, not one node per module


def test_tte_from_the_document_section(procedure: Any, tmp_path: Path) -> None:
    from sopflow.document import DocumentStyle
    from sopflow.render.document import style_options

    assert style_options(DocumentStyle(tte=True)) == {"signature": ""}
    assert style_options(DocumentStyle(tte=True, verification_url="https://x.go.id/v")) == {
        "signature": "https://x.go.id/v"}
    assert style_options(DocumentStyle(verification_url="https://x.go.id/v")) == {}
    with pytest.raises(TypeError, match="tte"):
        DocumentStyle(tte="yes")  # type: ignore[arg-type]
    (path,) = render_document(procedure, tmp_path / "sop.pdf", signature="")
    from pypdf import PdfReader

    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(path).pages)
    assert text.count("Balai Sertifikasi Elektronik (BSrE), BSSN") == len(PdfReader(path).pages)


def test_tte_settings_round_trip_through_json_and_the_schema(procedure: Any) -> None:
    import json

    import jsonschema

    from sopflow.document import DocumentStyle
    from sopflow.interchange.json_format import dumps, loads, schema

    style = DocumentStyle(tte=True, verification_url="https://x.go.id/v?a=1&b=<2>")
    definition = attrs.evolve(procedure.definition, document=style)
    text = dumps(definition)
    jsonschema.validate(json.loads(text), schema())
    assert loads(text).document == style
    bad = json.loads(text)
    bad["document"]["tte"] = "ya"
    with pytest.raises(ValueError, match=r"\$\.document\.tte"):
        loads(json.dumps(bad))


def test_cli_tte_flag_draws_the_block(procedure: Any, tmp_path: Path,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    from pypdf import PdfReader

    from sopflow.cli import main
    from sopflow.document import DocumentStyle
    from sopflow.interchange.json_format import dumps

    source = tmp_path / "sop.json"
    style = DocumentStyle(verification_url="https://x.go.id/v")
    source.write_text(dumps(attrs.evolve(procedure.definition, document=style)),
                      encoding="utf-8")
    for flags in ([], ["--tte"], ["--tte", "https://y.go.id/v"]):
        out = tmp_path / f"out{len(flags)}.pdf"
        assert main(["render", str(source), "-o", str(out), *flags]) in (0, 1)
        text = " ".join(p.extract_text() for p in PdfReader(out).pages)
        assert ("BSSN" in text) == bool(flags)
    capsys.readouterr()


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


@pytest.mark.parametrize("dpi", [60, 150])
def test_png_is_the_pdf_rasterised_by_pdfium_else_graphviz(
        dpi: int, monkeypatch: pytest.MonkeyPatch) -> None:
    import io
    import sys

    import pypdfium2 as pdfium
    from PIL import Image, ImageChops
    from test_render_paint import _page

    from sopflow.render.geometry import paper
    from sopflow.render.paint import render_page

    page = _page(1, "Kualifikasi transaksi kerja")
    w, h = paper("A4").landscape()
    data = render_page(page, "png", dpi=dpi)
    assert _png_size(data) == pytest.approx((w * dpi / 72, h * dpi / 72), abs=2)
    pdf = pdfium.PdfDocument(render_page(page, "pdf"))
    direct = pdf[0].render(scale=dpi / 72).to_pil().convert("RGB")
    pdf.close()
    ours = Image.open(io.BytesIO(data)).convert("RGB")
    assert ImageChops.difference(ours, direct).getbbox() is None  # PDFium's pixels, exactly
    monkeypatch.setitem(sys.modules, "pypdfium2", None)  # not installed: Graphviz's PNG
    fallback = render_page(page, "png", dpi=dpi)
    assert _png_size(fallback) == pytest.approx((w * dpi / 72, h * dpi / 72), abs=2)
    assert fallback != data


@given(st.lists(st.lists(st.booleans(), min_size=7, max_size=7), min_size=7, max_size=7)
       .filter(lambda m: any(map(any, m)) and m[0][0] and m[-1][0]))
def test_runs_cover_exactly_the_dark_modules(matrix: list[list[bool]]) -> None:
    from sopflow.render.signature import qr_runs

    runs = qr_runs(matrix, 10.0, 20.0, 1.5)
    assert sum(row.count(True) for row in matrix) == round(sum(r.w for r in runs) / 1.5)
    assert len(runs) <= sum(row.count(True) for row in matrix)
    grid = _modules(runs)
    assert [row[:len(grid[0])] for row in grid] == [row[:len(grid[0])] for row in matrix]


def test_cli_tte_url_wins_over_the_file_then_nomor_and_nama(procedure: Any) -> None:
    import argparse

    from sopflow.cli import _tte_flag
    from sopflow.document import DocumentStyle

    with_url = attrs.evolve(procedure, definition=attrs.evolve(
        procedure.definition, document=DocumentStyle(verification_url="https://f.go.id")))
    flag = argparse.Namespace
    assert _tte_flag(flag(tte=None), with_url) == {}
    assert _tte_flag(flag(tte=""), with_url) == {"signature": "https://f.go.id"}
    assert _tte_flag(flag(tte="https://c.go.id"), with_url) == {"signature": "https://c.go.id"}
    assert _tte_flag(flag(tte=""), procedure) == {"signature": ""}
