"""Signed-document details: PDF metadata, SVG font fallbacks, the TTE (electronic signature)
block with its QR code."""

from __future__ import annotations

import runpy
from pathlib import Path
from typing import Any

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
