"""Exits and joint rows in the document: a step's exits leave from distinct vertices, each
label beside its own arrow; a diamond's question is drawn whole, at or above the table's text
floor, inside the diamond; joint rows are entered and left by the nearest boxes with a solid
hand-off arrow between them, or by the boxes the SOP names; an exit may ask for its side."""

from __future__ import annotations

import json
from typing import Any

import attrs
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from sopfactory import new_sop
from strategies import build, sop_specs
from test_render_graphs import reference_graph

from sopflow import END, SOP, compile_definition
from sopflow.dsl import DefinitionValueError
from sopflow.interchange.json_format import FORMAT, JSONFormatError, dumps, loads
from sopflow.model import SOPDefinition, StepKind
from sopflow.render import LayoutError, LayoutOptions, fonts
from sopflow.render.diamond import fit_diamond, half_width, lines_fit
from sopflow.render.geometry import Arrow, Page, Point, Shape
from sopflow.render.layout import layout_flowchart
from sopflow.render.table import FONT_FLOOR

_WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZWM/-",
                min_size=1, max_size=18)
_QUESTION = st.lists(_WORD, min_size=1, max_size=14).map(" ".join)


def _layout(sop: SOP | SOPDefinition, paper: str = "A4") -> list[Page]:
    definition = sop if isinstance(sop, SOPDefinition) else sop.definition()
    try:
        return layout_flowchart(compile_definition(definition, strict=False).graph,
                                LayoutOptions(paper=paper))
    except LayoutError as exc:  # a documented refusal (too many lanes, crowded page break)
        assume(False)
        raise AssertionError(exc) from None  # pragma: no cover


def _vertices(s: Shape) -> dict[str, Point]:
    r = s.rect
    return {"T": (r.cx, r.y), "B": (r.cx, r.bottom), "L": (r.x, r.cy), "R": (r.right, r.cy)}


def _at(p: Point, q: Point) -> bool:
    return abs(p[0] - q[0]) < 0.01 and abs(p[1] - q[1]) < 0.01


def _dist(rect: Any, arrow: Any) -> float:
    """Distance from ``rect`` to the nearest leg of ``arrow``."""
    best = float("inf")
    for a, b in arrow.segments():
        x0, x1 = sorted((a[0], b[0]))
        y0, y1 = sorted((a[1], b[1]))
        dx = max(x0 - rect.right, rect.x - x1, 0.0)
        dy = max(y0 - rect.bottom, rect.y - y1, 0.0)
        best = min(best, float((dx * dx + dy * dy) ** 0.5))
    return best


def _exits(pages: list[Page]) -> list[list[Arrow]]:
    """Per decision drawn, the arrows leaving it (two or more); every exit of a decision
    leaves from its own vertex of the diamond."""
    found = []
    for page in pages:
        for s in (s for s in page.shapes if s.kind == "decision"):
            box = s.rect.inflate(0.01)
            outs = [a for a in page.arrows if a.edge[0] == s.node != a.edge[1]
                    and box.x <= a.points[0][0] <= box.right
                    and box.y <= a.points[0][1] <= box.bottom]
            if len(outs) < 2:
                continue
            tails = [a.points[0] for a in outs]
            vertex = [next((k for k, v in _vertices(s).items() if _at(t, v)), None)
                      for t in tails]
            assert None not in vertex, (s.node, tails, s.rect)
            assert len(set(vertex)) == len(vertex), (s.node, vertex)
            found.append(outs)
    return found


def _ambiguous(outs: list[Arrow]) -> tuple[int, int]:
    """(labels, labels as near to another exit of their step as to their own arrow)."""
    labels = bad = 0
    for a in outs:
        if a.label is None:
            continue
        labels += 1
        own = _dist(a.label.rect, a)
        bad += any(own >= _dist(a.label.rect, b) for b in outs if b is not a)
    return labels, bad


def _check_exits(pages: list[Page]) -> int:
    found = _exits(pages)
    for outs in found:
        assert _ambiguous(outs)[1] == 0, [a.edge for a in outs]
    return len(found)


@settings(max_examples=40, deadline=None)
@given(spec=sop_specs(max_steps=8, max_lanes=4), paper=st.sampled_from(["A4", "Legal"]))
def test_exits_leave_from_distinct_vertices(spec: dict[str, Any], paper: str) -> None:
    assume(any(s["kind"] == "decision" for s in spec["steps"]))
    _exits(_layout(build(spec), paper))


def test_exit_labels_are_rarely_ambiguous_on_generated_sops() -> None:
    """A label nearer another exit of its step than its own arrow happens only where sibling
    arrows leave no room beside it (generated SOPs are denser in loops than real ones)."""
    from hypothesis import find
    from hypothesis.errors import NoSuchExample

    counts = [0, 0]

    def tally(spec: dict[str, Any]) -> bool:
        try:
            pages = layout_flowchart(build(spec).compile(strict=False).graph)
        except LayoutError:
            return False
        for outs in _exits(pages):
            labels, bad = _ambiguous(outs)
            counts[0] += labels
            counts[1] += bad
        return False

    with pytest.raises(NoSuchExample):
        find(sop_specs(max_steps=10, max_lanes=4), tally,
             settings=settings(max_examples=60, database=None, deadline=None,
                               derandomize=True))
    assert counts[0] >= 50
    assert counts[1] <= counts[0] * 0.03, counts


def test_reference_decisions_leave_from_distinct_vertices() -> None:
    pages = layout_flowchart(reference_graph(), LayoutOptions(paper="Legal"))
    assert _check_exits(pages) >= 1


# --------------------------------------------------------------------------- diamonds
def _check_diamonds(pages: list[Page], questions: set[str]) -> int:
    m = fonts.metrics()
    seen = 0
    for page in pages:
        for s in (s for s in page.shapes if s.kind == "decision" and s.text):
            seen += 1
            r, cell = s.rect, s.cell
            assert s.size >= FONT_FLOOR - 1e-9, (s.text, s.size)
            lines = s.lines or (s.text,)
            assert s.text in questions
            assert " ".join(lines).split() == s.text.split() or \
                "".join(lines).replace(" ", "") == s.text.replace(" ", "")
            lh = m.line_height(s.size)
            for k, line in enumerate(lines):
                half = m.width(line, s.size) * fonts.WRAP_RESERVE / 2
                for y in (r.cy - len(lines) * lh / 2 + k * lh,
                          r.cy - len(lines) * lh / 2 + (k + 1) * lh):
                    assert half <= half_width(r.w, r.h, y - r.cy) + 1e-6, (s.text, line, r)
            assert cell is not None
            assert cell.x - 1e-6 <= r.x and r.right <= cell.x + cell.w + 1e-6, (s.text, r, cell)
            assert cell.y - 1e-6 <= r.y and r.bottom <= cell.y + cell.h + 1e-6
    return seen


@settings(max_examples=30, deadline=None)
@given(spec=sop_specs(max_steps=6, max_lanes=4), questions=st.lists(_QUESTION, min_size=6,
                                                                   max_size=6),
       paper=st.sampled_from(["A4", "Legal"]))
def test_diamond_questions_fit_inside_at_the_floor(spec: dict[str, Any], questions: list[str],
                                                  paper: str) -> None:
    assume(any(s["kind"] == "decision" for s in spec["steps"]))
    definition = build(spec).definition()
    steps = tuple(attrs.evolve(s, question=questions[k % len(questions)])
                  if s.kind is StepKind.DECISION else s for k, s in enumerate(definition.steps))
    pages = _layout(attrs.evolve(definition, steps=steps), paper)
    assert _check_diamonds(pages, set(questions)) >= 1


@settings(max_examples=200, deadline=None)
@given(text=_QUESTION, room=st.floats(30.0, 200.0), size=st.sampled_from([6.5, 7.0, 8.0]))
def test_fit_diamond_keeps_every_line_inside(text: str, room: float, size: float) -> None:
    fit = fit_diamond(text, room, size, FONT_FLOOR)
    assert fit.size >= min(size, FONT_FLOOR) - 1e-9
    assert lines_fit(fit.lines, fit.w, fit.h, fit.size)
    assert fit.w <= room + 1e-6
    assert "".join(fit.lines).replace(" ", "") == text.replace(" ", "")


def test_a_long_question_wraps_in_a_taller_diamond_not_a_tiny_font() -> None:
    q = "Apakah berkas permohonan dan seluruh lampiran sudah lengkap dan sesuai ketentuan?"
    fit = fit_diamond(q, 60.0, 7.0, FONT_FLOOR)
    assert fit.size == FONT_FLOOR and len(fit.lines) > 1 and fit.h > 28.0
    assert fit_diamond("Sesuai?", 60.0, 7.0, FONT_FLOOR).lines == ("Sesuai?",)
    assert fit_diamond("Sesuai?", 60.0, 7.0, FONT_FLOOR).size == 7.0


# --------------------------------------------------------------------------- joint rows
def _boxes(pages: list[Page], node: str) -> dict[int, Shape]:
    return {s.lane: s for p in pages for s in p.shapes if s.node == node}


def _arrow(pages: list[Page], edge: tuple[str, str]) -> Any:
    return next(a for p in pages for a in p.arrows if a.edge == edge)


def test_reference_joint_row_is_entered_and_left_by_the_nearest_boxes() -> None:
    pages = layout_flowchart(reference_graph(), LayoutOptions(paper="Legal"))
    boxes = _boxes(pages, "s7")  # joint row of lanes 3 (primary), 0, 1, 2
    into, out = _arrow(pages, ("s6", "s7")), _arrow(pages, ("s7", "s8"))
    # s6 is in lane 3, s8 in lane 0: no detour across the other lanes
    assert _at(into.points[-1], _vertices(boxes[3])["T"])
    assert _at(out.points[0], _vertices(boxes[0])["B"])
    handoffs = [a for p in pages for a in p.arrows if a.edge == ("s7", "s7")]
    assert len(handoffs) == 3  # lane 3 -> 2 -> 1 -> 0, each a solid arrow pointing left
    for a in handoffs:
        (x0, y0), (x1, y1) = a.points
        assert y0 == y1 == boxes[0].rect.cy and x1 < x0
    assert not [ln for p in pages for ln in p.lines if ln.role == "joint"]


def _joint_sop(enter: str | None = None, leave: str | None = None) -> SOP:
    sop = new_sop("SOP Bersama")
    a, b, c = sop.actor("Staf"), sop.actor("Kasubbag"), sop.actor("Kepala")
    sop.step("Menerima berkas", by=a)
    sop.step("Membahas berkas bersama", by=[a, b, c], enter=enter, leave=leave)
    sop.step("Menandatangani", by=c, then=END)
    return sop


def test_joint_row_default_and_chosen_boxes() -> None:
    pages = _layout(_joint_sop())
    boxes = _boxes(pages, "s2")
    assert _at(_arrow(pages, ("s1", "s2")).points[-1], _vertices(boxes[0])["T"])
    assert _at(_arrow(pages, ("s2", "s3")).points[0], _vertices(boxes[2])["B"])
    hand = [a for p in pages for a in p.arrows if a.edge == ("s2", "s2")]
    assert [a.points[0][0] < a.points[-1][0] for a in hand] == [True, True]
    pages = _layout(_joint_sop(enter="Kasubbag", leave="Kasubbag"))
    boxes = _boxes(pages, "s2")
    assert _at(_arrow(pages, ("s1", "s2")).points[-1], _vertices(boxes[1])["T"])
    assert _at(_arrow(pages, ("s2", "s3")).points[0], _vertices(boxes[1])["B"])
    assert not [a for p in pages for a in p.arrows if a.edge == ("s2", "s2")]
    assert len([ln for p in pages for ln in p.lines if ln.role == "joint"]) == 2


# --------------------------------------------------------------------------- side hints
def test_exit_side_hints_are_followed() -> None:
    sop = new_sop("SOP Arah")
    a = sop.actor("Staf")
    sop.step("Menerima", by=a)
    sop.decision("Memeriksa", question="Lengkap?", by=a, yes="s3", no="s1",
                 sides={"Tidak": "right", "Ya": "left"})
    sop.step("Memproses", by=a, then="s4", side="left")
    sop.step("Mengarsipkan", by=sop.actor("Arsiparis"), then=END, side="right")
    pages = _layout(sop)
    diamond = _boxes(pages, "s2")[0]
    assert _at(_arrow(pages, ("s2", "s1")).points[0], _vertices(diamond)["R"])
    assert _at(_arrow(pages, ("s2", "s3")).points[0], _vertices(diamond)["L"])
    box = _boxes(pages, "s3")[0]
    assert _at(_arrow(pages, ("s3", "s4")).points[0], (box.rect.x, box.rect.cy))
    # "Selesai" is drawn under its step: a hint on an exit to it is not followed
    box = _boxes(pages, "s4")[1]
    assert _at(_arrow(pages, ("s4", "end:s4")).points[0], (box.rect.cx, box.rect.bottom))


def test_bad_hints_are_refused_where_written() -> None:
    sop = new_sop("SOP Salah")
    a = sop.actor("Staf")
    b = sop.actor("Kepala")
    with pytest.raises(DefinitionValueError, match=r"test_render_exits\.py:\d+: side= must be "
                                                   r"one of left, right, bottom, got 'up'"):
        sop.step("Menerima", by=a, side="up")
    with pytest.raises(DefinitionValueError, match="sides= names 'Mungkin'"):
        sop.decision("Memeriksa", by=a, yes=END, no=END, sides={"Mungkin": "left"})
    with pytest.raises(DefinitionValueError, match=r"enter= must be one of the step's actors "
                                                   r"\(Staf\), got 'Kepala'"):
        sop.step("Menerima", by=a, enter=b)


def test_json_round_trip_and_errors() -> None:
    definition = _joint_sop(enter="Staf", leave="Kepala").definition()
    again = loads(dumps(definition))
    assert again == definition and again.steps[1].enter == "Staf"
    document: dict[str, Any] = {
        "format": FORMAT, "identity": {"name": "SOP Uji"}, "actors": [{"name": "Staf"}],
        "steps": [{"id": "s1", "kind": "process", "text": "Memeriksa", "actors": ["Staf"],
                   "enter": "Kepala", "exits": [{"target": "@end", "side": "left"}]}],
    }
    with pytest.raises(JSONFormatError) as caught:
        loads(json.dumps(document, indent=2), file="sop.json")
    assert caught.value.path == "$.steps[0].enter"
    assert "must name one of the step's actors ['Staf'], got 'Kepala'" in caught.value.message
    assert str(caught.value).startswith("sop.json:")
    del document["steps"][0]["enter"]
    assert loads(json.dumps(document)).steps[0].exits[0].side == "left"
