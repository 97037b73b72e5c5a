"""The one-call document API: identity page, flowchart pages, formats, options, dot view."""

from __future__ import annotations

import runpy
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sopfactory import new_sop, step_kwargs

import sopflow.render as render
from sopflow.render import format_date, procedure_svg, render_document, render_flowchart
from sopflow.render.geometry import Rect

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def procedure() -> Any:
    return runpy.run_path(str(ROOT / "examples" / "pengumpulan_data_kinerja.py"))["sop"].compile()


def _pdf_text(path: Path) -> list[str]:
    from pypdf import PdfReader

    return [p.extract_text() for p in PdfReader(path).pages]


@pytest.mark.parametrize(
    ("value", "text"),
    [(date(2025, 1, 20), "20 Januari 2025"), (date(2024, 12, 3), "3 Desember 2024"),
     (date(2025, 5, 31), "31 Mei 2025"), (None, "-")],
)
def test_dates_are_written_the_indonesian_way(value: date | None, text: str) -> None:
    assert format_date(value) == text


def test_reference_document_as_pdf(procedure: Any, tmp_path: Path) -> None:
    (path,) = render_document(procedure, tmp_path / "sop.pdf")
    pages = _pdf_text(path)
    expected = len(render.document_pages(procedure))
    assert len(pages) == expected >= 2
    first = " ".join(pages[0].split())
    for words in ("Nomor SOP", "800/06/Sekr.7/BKD", "20 Januari 2025", "Pengumpulan Data Kinerja",
                  "Dasar Hukum", "BADAN KEPEGAWAIAN DAERAH"):
        assert words in first
    table = " ".join(" ".join(p.split()) for p in pages[1:])
    for words in ("Pelaksana", "Mutu Baku", "Mulai", "Selesai", "Sekretaris", "15 menit"):
        assert words in table


def test_png_and_svg_pages_with_options(procedure: Any, tmp_path: Path) -> None:
    pngs = render_document(procedure, tmp_path / "sop.png", dpi=60, paper="F4",
                           repeat_header=False, page_numbers=False)
    assert [p.name for p in pngs][:2] == ["sop-1.png", "sop-2.png"]
    svgs = render_document(procedure, tmp_path / "sop.svg", footer="Dokumen elektronik")
    for svg in svgs:
        root = ET.fromstring(svg.read_text())
        words = " ".join("".join(t.itertext()) for t in root.iter("{http://www.w3.org/2000/svg}text"))
        assert "Dokumen elektronik" in words


def test_page_numbers_continue_after_the_identity_page(procedure: Any) -> None:
    pages = render.document_pages(procedure)
    assert [p.number for p in pages] == list(range(1, len(pages) + 1))
    assert pages[0].kind == "identity" and pages[1].kind == "flowchart"
    numbers = [t.lines[0] for t in pages[1].texts if t.role == "page-number"]
    assert numbers == [f"- {pages[1].number} -"]


def test_identity_page_paginates_instead_of_clipping(tmp_path: Path) -> None:
    basis = [f"Peraturan Nomor {i} Tahun 2020 tentang Tata Cara Pelaksanaan Kegiatan Nomor {i} "
             "di Lingkungan Pemerintah Provinsi" for i in range(1, 41)]
    sop = new_sop("SOP Panjang", legal_basis=basis)
    a = sop.actor("Petugas")
    sop.step("Menerima berkas", by=a, **step_kwargs())
    proc = sop.compile(strict=False)
    pages = render.document_pages(proc)
    identity = [p for p in pages if p.kind == "identity"]
    assert len(identity) >= 2
    words = " ".join(line for p in identity for t in p.texts for line in t.lines)
    for i in (1, 20, 40):
        assert f"Kegiatan Nomor {i} " in words + " "
    assert "Dasar Hukum (lanjutan):" in words
    for p in identity:
        area = Rect(x=0, y=0, w=p.width, h=p.height)
        assert all(area.contains(t.rect) for t in p.texts)
    (pdf,) = render_document(proc, tmp_path / "long.pdf")
    assert len(_pdf_text(pdf)) == len(pages)


def test_logo_is_drawn_on_the_identity_page(procedure: Any, tmp_path: Path) -> None:
    logo = tmp_path / "logo.png"
    render_flowchart(procedure, logo, dpi=20)  # any PNG will do as a logo
    pages = render.document_pages(procedure, logo=str(logo))
    assert pages[0].images and pages[0].images[0].path == str(logo)
    png = render_document(procedure, tmp_path / "with-logo.png", dpi=40, logo=str(logo))[0]
    assert png.stat().st_size > 0
    with pytest.raises(FileNotFoundError, match="logo image not found"):
        render_document(procedure, tmp_path / "x.pdf", logo=str(tmp_path / "missing.png"))


def test_flowchart_view_and_notebook_svg_are_the_swimlane(procedure: Any,
                                                           tmp_path: Path) -> None:
    (svg,) = render_flowchart(procedure, tmp_path / "flow.svg")
    root = ET.fromstring(svg.read_text())
    drawn = {"".join(t.itertext()) for t in root.iter("{http://www.w3.org/2000/svg}text")}
    assert {"Sekretaris", "JF Perencana", "Mulai", "Selesai", "Kegiatan"} <= drawn
    text = procedure_svg(procedure)
    assert text.lstrip().startswith("<?xml") and "Sekretaris" in text
    assert text == svg.read_text()
    ET.fromstring(text)


def test_the_earlier_dot_graph_is_still_there(procedure: Any) -> None:
    from sopflow.render.flowchart import flowchart_graph

    g = flowchart_graph(procedure.graph)
    assert {"cluster_0", "cluster_3"} <= {sg.name for sg in g.subgraphs()}


def test_bad_arguments_are_clear_errors(procedure: Any, tmp_path: Path) -> None:
    sop = new_sop()
    with pytest.raises(TypeError, match=r"call \.compile\(\) on the SOP first"):
        render_document(sop, tmp_path / "x.pdf")
    with pytest.raises(TypeError, match="unknown layout option"):
        render_document(procedure, tmp_path / "x.pdf", colour="red")
    with pytest.raises(ValueError, match="cannot tell the output format"):
        render_flowchart(procedure, tmp_path / "x.bmp")


def test_table_only_has_no_identity_page(procedure: Any, tmp_path: Path) -> None:
    (pdf,) = render.render_table(procedure, tmp_path / "table.pdf")
    pages = _pdf_text(pdf)
    assert len(pages) == len(render.flowchart_pages(procedure))
    assert all("Nomor SOP" not in p for p in pages) and "Kegiatan" in pages[0]


def test_importing_render_loads_no_heavy_library() -> None:
    import subprocess
    import sys

    code = (
        "import sys, sopflow.render\n"
        "heavy = [m for m in ('pygraphviz', 'fontTools', 'pypdf') if m in sys.modules]\n"
        "print(heavy)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, env={"PYTHONPATH": str(ROOT / "src")})
    assert done.stdout.strip() == "[]"


def test_a_procedure_shows_itself_as_svg_in_jupyter() -> None:
    import runpy
    import xml.etree.ElementTree as ET

    sop = runpy.run_path(str(ROOT / "examples" / "pengumpulan_data_kinerja.py"))["sop"]
    svg = sop.compile()._repr_svg_()
    root = ET.fromstring(svg)
    assert root.tag.endswith("svg")
    assert "Sekretaris" in svg and "Mulai" in svg
    assert sop._repr_svg_() == svg  # the SOP under construction shows the same picture


def test_a_field_moved_whole_to_the_next_page_is_not_called_a_continuation() -> None:
    # bps-050's long Dasar Hukum fills page 1, so its Peringatan/Pencatatan row starts on
    # page 2: headed "Peringatan:", not "Peringatan (lanjutan):", since nothing came before.
    # (at the default size: the identity layout sets the text smaller to keep it on one page)
    from corpus_sops import bps_050

    from sopflow.render.identity import _identity_at

    pages = _identity_at(bps_050().compile(strict=False).definition, render.LayoutOptions())
    assert len(pages) == 2
    seen: set[str] = set()
    for page in pages:
        heads = [t.lines[0] for t in page.texts if t.lines and t.lines[0].endswith(":")]
        for head in heads:
            if head.endswith(" (lanjutan):"):
                assert head.removesuffix(" (lanjutan):") in seen, head
            seen.add(head.removesuffix(" (lanjutan):").removesuffix(":"))
    assert "Peringatan" in seen


def test_the_identity_part_shrinks_onto_one_page_when_it_can() -> None:
    # bps-050's signed original prints its identity on one page; so does sopflow, with text
    # set smaller (never below IDENTITY_FLOOR), and no heading without text under it.
    from corpus_sops import bps_050

    from sopflow.render.identity import IDENTITY_FLOOR

    pages = [p for p in render.document_pages(bps_050().compile(strict=False), paper="Letter")
             if p.kind == "identity"]
    assert len(pages) == 1
    sizes = {t.size for t in pages[0].texts}
    assert min(sizes) >= IDENTITY_FLOOR and max(sizes) < 10
    heads = [t for t in pages[0].texts if t.lines and t.lines[0].endswith(":")]
    assert all(t.lines for t in heads)


def test_dot_view_keeps_the_declared_lane_order_for_the_reference(procedure: Any) -> None:
    from sopflow.render.flowchart import flowchart_graph

    graph = procedure.graph
    g = flowchart_graph(graph)
    g.layout(prog="dot")
    centres = []
    for lane in graph.graph["lanes"]:
        xs = [float(g.get_node(n).attr["pos"].split(",")[0])
              for n, d in graph.nodes(data=True) if d["lane"] == lane]
        centres.append(sum(xs) / len(xs))
    assert centres == sorted(centres)
