"""The official document as .docx: real Word tables, rows as tall as the PDF's, and checked in
LibreOffice (same pages, same words, the lanes' pictures on their rows)."""

from __future__ import annotations

import itertools
import subprocess
from pathlib import Path
from typing import Any

import docx
import pdfplumber
import pytest
from hypothesis import given, settings
from services import soffice_path
from sopfactory import new_sop, step_kwargs
from strategies import build, sop_specs

from sopflow import END, Procedure
from sopflow.cli import main
from sopflow.render import LayoutError, document_pages, render_document
from sopflow.render.docx import render_docx, table_geometry


def _procedure(rows: int = 14) -> Procedure:
    sop = new_sop("Pelayanan <Uji> & \"Coba\"", number="800/{PAGE}/2025")
    staf = sop.actor("Staf Pelaksana")
    kasi = sop.actor("Kepala Seksi")
    kepala = sop.actor("Kepala Bidang")
    for k in range(1, rows + 1):
        if k % 4 == 0:
            sop.decision(f"Apakah berkas {k} lengkap?", by=kasi, yes=f"s{k + 1}", no=f"s{k - 1}",
                         **step_kwargs(inputs=["Berkas", "Formulir"]))
        else:
            sop.step(f"Memproses berkas nomor {k} <b>tebal</b>", by=[staf, kepala] if k == 3
                     else staf if k % 2 else kepala, **step_kwargs(note="Catatan" if k == 2
                                                                    else ""))
    sop.step("Mengarsipkan berkas", by=staf, then=END, **step_kwargs())
    return sop.compile()


def _texts(cell_texts: list[str]) -> str:
    return "\n".join(cell_texts)


def test_docx_tables_hold_the_words_and_the_pdf_row_heights(tmp_path: Path) -> None:
    procedure = _procedure()
    pages = document_pages(procedure)
    flow = [p for p in pages if p.kind == "flowchart"]
    assert len(flow) >= 2  # the test needs a page break
    path = render_docx(procedure, tmp_path / "sop.docx")[0]
    document = docx.Document(str(path))
    assert len(document.tables) == 1 + len(flow)
    identity = document.tables[0]
    words = _texts([c.text for row in identity.rows for c in row.cells])
    assert "800/{PAGE}/2025" in words and "Pelayanan <Uji> & \"Coba\"" in words
    steps = procedure.definition.steps
    for table, page in zip(document.tables[1:], flow, strict=True):
        geo = table_geometry(page, 3)
        text = _texts([c.text for row in table.rows for c in row.cells])
        for row in page.rows:
            assert steps[row - 1].text in text  # editable text, as written
        heights = [r.height.pt for r in table.rows]  # type: ignore[union-attr]
        body = [b - a for a, b in zip(geo.body, geo.body[1:], strict=False)]
        header = [b - a for a, b in zip(geo.header, geo.header[1:], strict=False)]
        assert heights[:len(header)] == pytest.approx(header, abs=0.05)
        assert heights[len(header):len(header) + len(body)] == pytest.approx(body, abs=0.05)
        rules = {r._tr.trPr.find(
            "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}trHeight").get(
            "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}hRule")
            for r in table.rows}
        assert rules == {"exact"}
    pictures = document.inline_shapes
    assert len(pictures) == sum(len(table_geometry(p, 3).body) - 1
                                + (table_geometry(p, 3).bottom > table_geometry(p, 3).body[-1]
                                   + 0.5) for p in flow)


def _convert(sources: list[Path], out: Path) -> None:
    profile = out / "lo-profile"
    subprocess.run(
        [soffice_path(), f"-env:UserInstallation={profile.as_uri()}", "--headless",
         "--convert-to", "pdf", "--outdir", str(out), *map(str, sources)],
        check=True, capture_output=True, timeout=300,
    )


def test_libreoffice_shows_the_same_pages_words_and_drawing(tmp_path: Path) -> None:
    procedure = _procedure()
    original = render_document(procedure, tmp_path / "original.pdf")[0]
    word = render_docx(procedure, tmp_path / "word.docx")[0]
    _convert([word], tmp_path)
    flow = [p for p in document_pages(procedure) if p.kind == "flowchart"]
    with pdfplumber.open(original) as a, pdfplumber.open(tmp_path / "word.pdf") as b:
        assert len(b.pages) == len(a.pages)
        first = b.pages[0].extract_text()
        assert "800/{PAGE}/2025" in first and "Pelayanan <Uji> & \"Coba\"" in first
        for page, layout in zip(b.pages[1:], flow, strict=True):
            text = " ".join(page.extract_text().split())
            assert f"- {layout.number} -" in text  # the page number field
            for row in layout.rows:
                words = " ".join(procedure.definition.steps[row - 1].text.split())
                assert words in text
            geo = table_geometry(layout, 3)
            lanes = geo.lanes
            images = sorted(page.images, key=lambda im: im["top"])
            assert images, "the lanes' drawing is missing"
            for im in images:  # every picture fills the lanes' columns exactly
                assert im["x0"] == pytest.approx(lanes[0], abs=0.6)
                assert im["x1"] == pytest.approx(lanes[1], abs=0.6)
            # stacked without gaps, each as tall as its row, starting where the body starts
            tops = [im["top"] for im in images]
            bottoms = [im["bottom"] for im in images]
            assert tops[0] == pytest.approx(geo.body[0], abs=1.5)
            assert tops[1:] == pytest.approx(bottoms[:-1], abs=0.1)
            heights = [b - a for a, b in zip(geo.body, geo.body[1:], strict=False)]
            assert [bt - tp for tp, bt in zip(tops, bottoms, strict=True)][:len(heights)] \
                == pytest.approx(heights, abs=0.1)


def test_cli_renders_docx_and_refuses_the_flowchart_view(tmp_path: Path) -> None:
    from sopflow.interchange.json_format import dumps

    source = tmp_path / "sop.json"
    source.write_text(dumps(_procedure(3).definition), encoding="utf-8")
    target = tmp_path / "out" / "sop.docx"
    assert main(["render", str(source), "-o", str(target)]) == 0
    assert docx.Document(str(target)).tables
    assert main(["render", str(source), "-o", str(tmp_path / "f.docx"),
                 "--view", "flowchart"]) == 2


def test_real_sops_keep_their_page_count_in_libreoffice(tmp_path: Path) -> None:
    from corpus_sops import bps_050, bps_052

    expected = {}
    sources = []
    variants = {"bps-050": (bps_050, {}), "bps-052": (bps_052, {}),
                "bps-050-footer": (bps_050, {"footer": "Ditandatangani secara elektronik"}),
                "bps-050-bare": (bps_050, {"repeat_header": False, "start_own_row": True})}
    for name, (make, options) in variants.items():
        procedure = make().compile(strict=False)
        expected[name] = len(document_pages(procedure, **options))
        sources.append(render_docx(procedure, tmp_path / f"{name}.docx", **options)[0])
    _convert(sources, tmp_path)
    for name, pages in expected.items():
        with pdfplumber.open(tmp_path / f"{name}.pdf") as pdf:
            assert len(pdf.pages) == pages, name


def test_pages_without_header_hold_only_body_rows(tmp_path: Path) -> None:
    procedure = _procedure()
    flow = [p for p in document_pages(procedure, repeat_header=False) if p.kind == "flowchart"]
    path = render_docx(procedure, tmp_path / "bare.docx", repeat_header=False)[0]
    tables = docx.Document(str(path)).tables[1:]
    assert "Kegiatan" in tables[0].rows[0].cells[1].text
    for table, page in zip(tables[1:], flow[1:], strict=True):
        geo = table_geometry(page, 3)
        assert not geo.header and "Kegiatan" not in table.rows[0].cells[1].text
        first = procedure.definition.steps[page.rows[0] - 1]
        assert table.rows[0].cells[1].text == first.text


@settings(max_examples=10)
@given(sop_specs(max_steps=14, max_lanes=4, dead_ends=False))
def test_random_sops_give_one_table_row_per_step_row(
        tmp_path_factory: pytest.TempPathFactory, spec: dict[str, Any]) -> None:
    procedure = build(spec).compile(strict=False)
    try:
        pages = document_pages(procedure)
    except LayoutError:
        return  # the PDF cannot be drawn either
    path = render_docx(procedure, tmp_path_factory.mktemp("d") / "r.docx", dpi=40)[0]
    tables = docx.Document(str(path)).tables[1:]
    flow = [p for p in pages if p.kind == "flowchart"]
    assert len(tables) == len(flow)
    seen = []
    n_lanes = spec["lanes"]
    for table, page in zip(tables, flow, strict=True):
        geo = table_geometry(page, n_lanes)
        head = len(geo.header) - 1 if geo.header else 0
        body = table.rows[head:head + len(geo.body) - 1]
        assert [r.height.pt for r in body] == pytest.approx(  # type: ignore[union-attr]
            [b - a for a, b in itertools.pairwise(geo.body)], abs=0.05)
        seen += [int(r.cells[0].text) for r in body if r.cells[0].text]
    assert seen == list(range(1, len(procedure.definition.steps) + 1))
