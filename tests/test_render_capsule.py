"""Start/end capsules are sized to their words: the word is drawn whole, at or above the
table's text floor, inside the capsule, and the capsule inside its lane cell."""

from __future__ import annotations

import math
from typing import Any

from hypothesis import assume, given, settings
from hypothesis import strategies as st
from strategies import build, sop_specs

from sopflow import Labels
from sopflow.render import LayoutError, LayoutOptions, fonts
from sopflow.render.capsule import capsule_lines, fit_capsule
from sopflow.render.layout import layout_flowchart
from sopflow.render.table import FONT_FLOOR

_WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZWM", min_size=1,
                max_size=16)
_LABEL = st.lists(_WORD, min_size=1, max_size=3).map(" ".join)


def _inside(x: float, y: float, r: Any) -> bool:
    """Whether (x, y) lies in the capsule drawn in ``r``: within its radius of its core
    segment (the line between the centres of its two rounded ends)."""
    rad = min(r.w, r.h) / 2
    if r.w >= r.h:
        ax, ay, bx, by = r.x + rad, r.y + r.h / 2, r.x + r.w - rad, r.y + r.h / 2
    else:
        ax, ay, bx, by = r.x + r.w / 2, r.y + rad, r.x + r.w / 2, r.y + r.h - rad
    px = min(max(x, min(ax, bx)), max(ax, bx))
    py = min(max(y, min(ay, by)), max(ay, by))
    return math.hypot(x - px, y - py) <= rad + 1e-6


def _check_terminators(pages: list[Any]) -> int:
    m = fonts.metrics()
    seen = 0
    for page in pages:
        for s in page.shapes:
            if s.kind != "terminator":
                continue
            seen += 1
            r, cell = s.rect, s.cell
            assert s.size >= FONT_FLOOR - 1e-9, (s.text, s.size)
            lines = capsule_lines(s.text, r.w, r.h, s.size)
            # nothing of the word is lost or changed by wrapping
            assert "".join(lines).replace(" ", "") == s.text.replace(" ", "")
            # every corner of every line's box (as painted, centred) lies inside the capsule
            lh = m.line_height(s.size)
            for k, line in enumerate(lines):
                half = m.width(line, s.size) * fonts.WRAP_RESERVE / 2
                y0 = r.y + r.h / 2 - len(lines) * lh / 2 + k * lh
                for x in (r.x + r.w / 2 - half, r.x + r.w / 2 + half):
                    for y in (y0, y0 + lh):
                        assert _inside(x, y, r), (s.text, line, s.size, r)
            assert cell is not None
            assert cell.x - 1e-6 <= r.x and r.right <= cell.x + cell.w + 1e-6, (s.text, r, cell)
    return seen


@settings(max_examples=40, deadline=None)
@given(spec=sop_specs(max_steps=6, max_lanes=4), start=_LABEL, end=_LABEL,
       names=st.lists(_LABEL, min_size=4, max_size=4),
       paper=st.sampled_from(["A4", "Legal"]))
def test_terminator_words_fit_their_capsules(spec: dict[str, Any], start: str, end: str,
                                             names: list[str], paper: str) -> None:
    assume(len(set(names[:spec["lanes"]])) == spec["lanes"])
    sop = build(spec, lane_names=names)
    sop.labels = Labels(start=start, end=end)
    proc = sop.compile(strict=False)
    try:
        pages = layout_flowchart(proc.graph, LayoutOptions(paper=paper))
    except LayoutError as exc:  # a documented refusal (too many lanes, crowded page break)
        assume(False)
        raise AssertionError(exc) from None  # pragma: no cover
    assert _check_terminators(pages) >= 1


def test_selesai_keeps_the_table_size_in_a_narrow_lane() -> None:
    # the narrowest lane (58 pt) holds "Selesai" whole at the table's 8 pt
    fit = fit_capsule("Selesai", 58.0, 8.0, FONT_FLOOR)
    assert fit.size == 8.0 and fit.lines == ("Selesai",)
    assert fonts.metrics().width("Selesai", 8.0) < fit.w <= 58.0


def test_a_long_word_shrinks_to_the_floor_then_wraps() -> None:
    m = fonts.metrics()
    # a lane just wide enough for the words at 7 pt (two 4 pt cell pads, 4 pt rounded ends)
    lane = m.width("Pengguna Layanan", 7.0) * fonts.WRAP_RESERVE + 16.5
    shrunk = fit_capsule("Pengguna Layanan", lane, 8.0, FONT_FLOOR)
    assert shrunk.size == 7.0 and shrunk.lines == ("Pengguna Layanan",)
    wrapped = fit_capsule("Selesai dan diarsipkan", 58.0, 8.0, FONT_FLOOR)
    assert wrapped.size == FONT_FLOOR and len(wrapped.lines) >= 2
    assert wrapped.h >= len(wrapped.lines) * m.line_height(FONT_FLOOR)


def test_bps_346_capsules_on_legal_keep_the_table_size() -> None:
    from corpus_sops import bps_346

    from sopflow.render import document_pages

    pages = document_pages(bps_346().compile(strict=False), paper="Legal")
    caps = [s for p in pages for s in p.shapes if s.kind == "terminator"]
    assert {s.text for s in caps} == {"Mulai", "Selesai"}
    assert all(s.size >= FONT_FLOOR for s in caps)
    assert _check_terminators(pages) == len(caps)
