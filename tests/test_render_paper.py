"""The official document stays on its paper and as short as the signed originals.

Properties over generated SOPs with real-length text (1-8 lanes, long Indonesian words,
slashes and hyphens): every page is exactly the paper's size and nothing is drawn past its
margins, or the table is refused with a message naming how many lanes fit; a word is broken
only after a hyphen, a slash or a URL's mark; and the four corpus SOPs take no more pages than
their signed originals on the same paper.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sopfactory import new_sop

from sopflow.render import document_pages
from sopflow.render.errors import TooManyLanesError
from sopflow.render.geometry import paper as paper_size
from sopflow.render.table import FONT_FLOOR, SOFT_BREAKS

#: Words as real SOPs print them: long compounds, slashes, hyphens, a URL.
WORDS = (
    "Melakukan", "verifikasi", "dokumen", "pengolahan", "data", "Penanggungjawab",
    "Kabupaten/Kota", "SUBBAG/SUBBID", "pra-pencacahan", "Kualifikasi", "transaksi",
    "laporan", "kinerja", "triwulanan", "https://bengkulu.bps.go.id/sop", "dan", "ke",
    "Pemeriksaan", "Administrasi", "Ketatausahaan", "berkas", "Rekanan/Vendor",
)
LANE_WORDS = ("Kepala", "Subbagian", "Umum", "Ketua", "Tim", "Statistik", "Pelaksana",
              "Penanggungjawab", "Koordinator", "Fungsi", "(Operator)")


def _phrase(draw: st.DrawFn, lo: int, hi: int, words: tuple[str, ...] = WORDS) -> str:
    return " ".join(draw(st.lists(st.sampled_from(words), min_size=lo, max_size=hi)))


@st.composite
def real_sops(draw: st.DrawFn) -> Any:
    """A linear SOP of 1-8 lanes with real-length text in every column."""
    sop = new_sop()
    n_lanes = draw(st.integers(1, 8))
    names = [f"{_phrase(draw, 1, 4, LANE_WORDS)} {k}" for k in range(n_lanes)]
    actors = [sop.actor(name) for name in names]
    for _ in range(draw(st.integers(1, 12))):
        sop.step(_phrase(draw, 2, 24), by=actors[draw(st.integers(0, n_lanes - 1))],
                 inputs=[_phrase(draw, 1, 5) for _ in range(draw(st.integers(0, 3)))],
                 time=draw(st.sampled_from(["15 menit", "Sesuai kebutuhan", "1 hari", ""])),
                 output=_phrase(draw, 0, 6), note=_phrase(draw, 0, 10))
    return sop.compile(strict=False)


def _source_words(procedure: Any) -> set[str]:
    words: set[str] = set()
    for step in procedure.definition.steps:
        for text in (step.text, *step.inputs, step.time, step.output, step.note):
            words.update(text.split())
    return words


def _whole_or_soft(token: str, words: set[str]) -> bool:
    """A drawn token is a whole word, or a piece of one cut after a soft break."""
    if token in words:
        return True
    for w in words:
        k = w.find(token)
        while k >= 0:
            starts = k == 0 or w[k - 1] in SOFT_BREAKS
            ends = k + len(token) == len(w) or token[-1] in SOFT_BREAKS
            if starts and ends:
                return True
            k = w.find(token, k + 1)
    return False


@settings(max_examples=20, deadline=None)
@given(procedure=real_sops(), paper=st.sampled_from(["A4", "Letter", "Legal", "F4"]))
def test_pages_are_the_paper_and_words_break_only_at_soft_marks(procedure: Any,
                                                                paper: str) -> None:
    width, height = paper_size(paper).landscape()
    try:
        pages = document_pages(procedure, paper=paper)
    except TooManyLanesError as exc:
        lanes = len(procedure.graph.graph["lanes"])
        assert exc.lanes == lanes and exc.fit is not None and exc.fit < lanes
        assert f"at most {exc.fit} lane(s) fit on {paper}" in str(exc)
        return
    words = _source_words(procedure)
    for page in pages:
        assert (page.width, page.height) == (width, height)
        xs = [x for line in page.lines for x, _ in line.points]
        xs += [t.rect.right for t in page.texts] + [s.rect.right for s in page.shapes]
        assert max(xs) <= width - 36 + 1e-6, f"drawn past the right margin on {paper}"
        for box in page.texts:
            assert box.size >= FONT_FLOOR - 1e-9 or box.role != "cell"
            if box.role != "cell" or page.kind != "flowchart":
                continue
            for line in box.lines:
                for token in line.split():
                    if token.rstrip(".").isdigit():
                        continue  # the row number and a list's numbers
                    assert _whole_or_soft(token, words), (token, box.lines)


#: The signed originals: paper and page count (shared/corpus/bps-NNN.pdf).
ORIGINALS = {"bps_040": ("A4", 2), "bps_050": ("Letter", 3), "bps_052": ("Letter", 2),
             "bps_346": ("Legal", 2)}


@pytest.mark.parametrize("name", sorted(ORIGINALS))
@pytest.mark.parametrize("below", [False, True])
def test_corpus_sops_are_no_longer_than_their_signed_originals(name: str, below: bool) -> None:
    import corpus_sops

    paper, signed = ORIGINALS[name]
    procedure = getattr(corpus_sops, name)().compile(strict=False)
    pages = document_pages(procedure, paper=paper, table_below_identity=below)
    assert len(pages) <= signed
    assert sum(p.kind == "identity" for p in pages) <= 1  # the identity part on one page
    rows = [r for p in pages for r in p.rows]
    assert rows == list(range(1, len(procedure.steps) + 1))
    width, height = paper_size(paper).landscape()
    assert all((p.width, p.height) == (width, height) for p in pages)


def test_table_below_identity_shares_the_identity_page() -> None:
    # a short SOP: identity block and the whole table on one page
    sop = new_sop()
    staf = sop.actor("Staf")
    for k in range(3):
        sop.step(f"Melakukan kegiatan {k}", by=staf, inputs=["Berkas"], time="15 menit",
                 output="Hasil")
    procedure = sop.compile(strict=False)
    apart = document_pages(procedure)
    shared = document_pages(procedure, table_below_identity=True)
    assert len(apart) == 2 and len(shared) == 1
    page = shared[0]
    texts = [line for t in page.texts for line in t.lines]
    assert "Nomor SOP" in texts and "Kegiatan" in texts and page.rows == (1, 2, 3)
    footers = [t for t in page.texts if t.role == "footer"]
    assert len(footers) <= 1
    # the table starts below the identity block's last rule
    identity_bottom = max(y for line in apart[0].lines for _, y in line.points)
    kegiatan = next(t for t in page.texts if t.lines == ("Kegiatan",))
    assert kegiatan.rect.y > identity_bottom


@pytest.mark.parametrize("paper", ["A4", "Letter", "Legal", "F4"])
def test_every_pdf_page_is_exactly_the_paper(paper: str, tmp_path: Any) -> None:
    import runpy
    from pathlib import Path

    import pdfplumber

    from sopflow.render import render_document

    root = Path(__file__).resolve().parent.parent
    sop = runpy.run_path(str(root / "examples" / "pengumpulan_data_kinerja.py"))["sop"]
    target = tmp_path / "sop.pdf"
    render_document(sop.compile(), target, paper=paper)
    width, height = paper_size(paper).landscape()
    with pdfplumber.open(target) as pdf:
        assert len(pdf.pages) >= 2
        for page in pdf.pages:
            assert page.width == pytest.approx(width, abs=0.01)
            assert page.height == pytest.approx(height, abs=0.01)
            # the table's rules are drawn at the margin, where the geometry puts them
            x0, top = page.bbox[0], page.bbox[1]
            if page.page_number > 1:
                assert min(c["x0"] for c in page.curves) - x0 == pytest.approx(36.0, abs=0.1)
                assert min(c["top"] for c in page.curves) - top == pytest.approx(46.0, abs=0.1)


@st.composite
def branching_sops(draw: st.DrawFn) -> Any:
    """SOPs with decisions whose "Tidak" loops back up to three rows, in 1-5 lanes."""
    from sopflow import NEXT

    sop = new_sop()
    n_lanes = draw(st.integers(1, 5))
    actors = [sop.actor(f"{_phrase(draw, 1, 3, LANE_WORDS)} {k}") for k in range(n_lanes)]
    refs: list[Any] = []
    n = draw(st.integers(2, 12))
    for i in range(n):
        by = actors[draw(st.integers(0, n_lanes - 1))]
        kw: dict[str, Any] = {"inputs": ["Berkas"], "time": "15 menit",
                              "output": _phrase(draw, 1, 4)}
        if refs and i + 1 < n and draw(st.booleans()):
            back = refs[-draw(st.integers(1, min(3, len(refs))))]
            label = draw(st.sampled_from(["Tidak", "Belum lengkap", "Belum valid"]))
            refs.append(sop.decision(_phrase(draw, 2, 10), by=by,
                                     exits=[("Ya", NEXT), (label, back)], **kw))
        else:
            refs.append(sop.step(_phrase(draw, 2, 14), by=by, **kw))
    return sop.compile(strict=False)


def _rule_rects(page: Any) -> list[Any]:
    from sopflow.render.geometry import Rect

    out = []
    for line in page.lines:
        (x0, y0), (x1, y1) = line.points[0], line.points[-1]
        out.append(Rect(x=min(x0, x1), y=min(y0, y1), w=abs(x1 - x0), h=abs(y1 - y0)))
    return out


def _gap(box: Any, arrow: Any) -> float:
    """Distance from a label's box to the nearest point of its arrow."""
    best = float("inf")
    for (x0, y0), (x1, y1) in arrow.segments():
        dx = max(box.x - max(x0, x1), min(x0, x1) - box.right, 0.0)
        dy = max(box.y - max(y0, y1), min(y0, y1) - box.bottom, 0.0)
        best = min(best, (dx * dx + dy * dy) ** 0.5)
    return best


def _labels(pages: Any) -> Any:
    for page in pages:
        labels = [a for a in page.arrows if a.label is not None]
        for k, a in enumerate(labels):
            yield page, a, labels[k + 1:]


@settings(max_examples=20, deadline=None)
@given(procedure=branching_sops())
def test_exit_labels_are_clear_of_each_other(procedure: Any) -> None:
    # never on another label; beside its own arrow (within 48 pt: beside the leg, or across
    # its diamond when the lane is narrow) unless the page is too crowded near it: the seeded
    # test below bounds how often
    for _, a, later in _labels(document_pages(procedure, paper="A4")):
        box = a.label.rect
        assert not any(box.overlaps(b.label.rect) for b in later)


def test_exit_labels_are_clear_of_the_table_rules_and_beside_their_arrow() -> None:
    # over 40 seeded branching SOPs, labels cross a rule at most once in a hundred and lie
    # more than 48 pt from their arrow at most once in fifty (only when no free spot is left
    # within reach of the arrow)
    import random

    from sopflow import NEXT

    crossed = far = total = 0
    rng = random.Random(12)
    for _ in range(40):
        sop = new_sop()
        actors = [sop.actor(f"Pelaksana {k}") for k in range(rng.randint(1, 5))]
        refs: list[Any] = []
        n = rng.randint(3, 12)
        for i in range(n):
            by = rng.choice(actors)
            words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(2, 12)))
            kw: dict[str, Any] = {"inputs": ["Berkas"], "time": "15 menit", "output": "Hasil"}
            if refs and i + 1 < n and rng.random() < 0.5:
                back = refs[-rng.randint(1, min(3, len(refs)))]
                label = rng.choice(["Tidak", "Belum lengkap", "Belum valid"])
                refs.append(sop.decision(words, by=by, exits=[("Ya", NEXT), (label, back)],
                                         **kw))
            else:
                refs.append(sop.step(words, by=by, **kw))
        for page, a, _ in _labels(document_pages(sop.compile(strict=False), paper="A4")):
            total += 1
            crossed += any(a.label.rect.overlaps(r) for r in _rule_rects(page))
            far += _gap(a.label.rect, a) > 48.0
    assert total > 100 and crossed <= total // 100, (crossed, total)
    assert far <= total // 50, (far, total)
