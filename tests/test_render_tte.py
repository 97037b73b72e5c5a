"""Signed-document details: PDF metadata, SVG font fallbacks, the TTE (electronic signature)
block with its QR code."""

from __future__ import annotations

import runpy
from pathlib import Path
from typing import Any

import attrs
import pytest

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
