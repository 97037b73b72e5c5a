"""The swimlane view (sopflow.render.swimlane): checked on the geometry it produces.

Properties over random SOPs (tests/strategies.py): lanes in the declared order, side by side,
each the table's full height with its title at the top; every shape inside its own lane below
the title; no arrow segment through a lane title, a label or any other text; and the SOP's
text drawn literally (markup in names as typed) in the SVG, with a sans-serif fallback.
"""

from __future__ import annotations

import itertools
import runpy
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from hostile import squeeze
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from strategies import build, sop_specs
from test_render_layout import check_pages, long_specs

from sopflow.render import LayoutError, fonts
from sopflow.render.geometry import Point, Rect
from sopflow.render.swimlane import (
    Swimlane,
    SwimlaneOptions,
    render_swimlane,
    swimlane_layout,
    swimlane_svg,
)

ROOT = Path(__file__).resolve().parents[1]
SVG = "{http://www.w3.org/2000/svg}"
TOL = 1e-6


def _seg(a: Point, b: Point) -> Rect:
    return Rect(x=min(a[0], b[0]), y=min(a[1], b[1]), w=abs(a[0] - b[0]), h=abs(a[1] - b[1]))


def _crosses(a: Point, b: Point, box: Rect) -> bool:
    """True if the segment a-b runs through the box's interior (touching an edge is not)."""
    return _seg(a, b).overlaps(box, tol=TOL)


def check_swimlane(view: Swimlane, graph: Any) -> None:
    """Every rule of the swimlane view (and every drawing rule of a document page)."""
    page = view.page
    lanes = view.lanes
    declared = [str(a) for a in graph.graph["lanes"]]
    # lanes in declared order, side by side, all the same full height
    assert [lane.name for lane in lanes] == declared
    assert [lane.index for lane in lanes] == list(range(len(declared)))
    for left, right in itertools.pairwise(lanes):
        assert left.rect.right == pytest.approx(right.rect.x)
    top, bottom = lanes[0].rect.y, lanes[0].rect.bottom
    for lane in lanes:
        assert (lane.rect.y, lane.rect.bottom) == pytest.approx((top, bottom))
        assert lane.title.y == pytest.approx(top) and lane.title.bottom < bottom
        assert (lane.title.x, lane.title.w) == pytest.approx((lane.rect.x, lane.rect.w))
    # each lane edge is drawn as one rule from the top of the titles to the table's bottom
    verticals = {(ln.points[0][0], *sorted((ln.points[0][1], ln.points[-1][1])))
                 for ln in page.lines if len(ln.points) == 2
                 and ln.points[0][0] == ln.points[1][0]}
    for lane in lanes:
        for x in (lane.rect.x, lane.rect.right):
            assert any(abs(vx - x) < TOL and y0 <= top + TOL and y1 >= bottom - TOL
                       for vx, y0, y1 in verticals), f"lane edge x={x} is not full height"
    # each title is written in its own title cell, whole
    for lane in lanes:
        boxes = [t for t in page.texts if t.role == "header" and lane.title.contains(t.rect)
                 and t.rect.x >= lane.rect.x - TOL]
        assert len(boxes) == 1, f"lane {lane.name!r} has {len(boxes)} title boxes"
        assert squeeze("".join(boxes[0].lines)) == squeeze(fonts.metrics(True).drawable(
            lane.name)[0])
    # every shape lies inside its lane, below the titles, and in a lane its node names
    index = {name: k for k, name in enumerate(declared)}
    for shape in page.all_shapes():
        lane = lanes[shape.lane]
        assert lane.rect.contains(shape.rect), f"shape of {shape.node} leaves its lane"
        assert shape.rect.y >= lane.title.bottom - TOL, f"shape of {shape.node} on a title"
        if shape.node is not None:
            d = graph.nodes[shape.node]
            names = d.get("lanes") or (d["lane"],)
            assert shape.lane in {index[n] for n in names}
    # no arrow segment through a lane title, a label or any other text; all inside the lanes
    labels = [a.label.rect for a in page.arrows if a.label is not None]
    texts = [t.rect for t in page.texts if any(t.lines)]
    for arrow in page.arrows:
        for a, b in arrow.segments():
            for lane in lanes:
                assert not _crosses(a, b, lane.title), f"{arrow.edge} crosses a lane title"
            for box in labels:
                assert not _crosses(a, b, box), f"{arrow.edge} crosses a label"
            for box in texts:
                assert not _crosses(a, b, box), f"{arrow.edge} crosses text"
            for x, y in (a, b):
                assert lanes[0].rect.x <= x <= lanes[-1].rect.right
                assert lanes[0].title.bottom <= y <= bottom
    for box in labels:
        assert any(lane.rect.contains(box) for lane in lanes) or (
            lanes[0].rect.x <= box.x and box.right <= lanes[-1].rect.right
            and box.bottom <= bottom), "a label leaves the lanes"
    # and every rule of a document page: shapes in cells, arrows clear of shapes, ...
    check_pages([page], graph, (page.width, page.height), allow_compromises=True)


def _view_or_skip(graph: Any, options: SwimlaneOptions | None = None) -> Swimlane:
    try:
        return swimlane_layout(graph, options)
    except LayoutError as exc:  # a row no room can cure (documented limits of the engine)
        assume(False)
        raise AssertionError from exc  # pragma: no cover


# --------------------------------------------------------------------------- properties
@settings(max_examples=30, deadline=None)
@given(spec=sop_specs(max_steps=14, max_lanes=6), text_width=st.sampled_from([190.0, 0.0]))
def test_random_sops_draw_as_full_height_lanes(spec: dict[str, Any], text_width: float) -> None:
    proc = build(spec).compile(strict=False)
    view = _view_or_skip(proc.graph, SwimlaneOptions(text_width=text_width))
    check_swimlane(view, proc.graph)


@settings(max_examples=10, deadline=None)
@given(spec=long_specs())
def test_long_random_sops_stay_on_one_clean_page(spec: dict[str, Any]) -> None:
    proc = build(spec).compile(strict=False)
    view = _view_or_skip(proc.graph)
    check_swimlane(view, proc.graph)
    assert not view.page.connectors  # one page: no off-page connector


_MARKUP = st.text(alphabet=st.sampled_from(list("<>&;\"'\\/{}[]|%#=") + list("abNnGé ")),
                  min_size=1, max_size=14).map(lambda s: " ".join(s.split())).filter(bool)


def _svg_texts(svg: str) -> list[str]:
    root = ET.fromstring(svg)
    for element in root.iter():
        assert element.tag not in (f"{SVG}image", f"{SVG}a"), "markup became an element"
    out = []
    for t in root.iter(f"{SVG}text"):
        assert "sans-serif" in t.attrib["font-family"], "no sans-serif fallback"
        out.append("".join(t.itertext()))
    return out


@settings(max_examples=20, deadline=None)
@given(spec=sop_specs(max_steps=5, max_lanes=3), names=st.lists(_MARKUP, min_size=3,
                                                                 max_size=3, unique=True))
def test_markup_in_names_is_drawn_as_typed(spec: dict[str, Any], names: list[str]) -> None:
    sop = build(spec, lane_names=names)
    proc = sop.compile(strict=False)
    view = _view_or_skip(proc.graph)
    check_swimlane(view, proc.graph)
    drawn = _svg_texts(swimlane_svg(proc))
    # every line the geometry writes is one SVG text, character for character
    for box in view.page.texts:
        for line in box.lines:
            if line.strip():
                assert fonts.metrics(box.bold).drawable(line)[0] in drawn, line
    for name in names[:spec["lanes"]]:
        assert squeeze(name) in squeeze("".join(drawn))


# --------------------------------------------------------------------------- examples
@pytest.fixture(scope="module")
def reference() -> Any:
    return runpy.run_path(str(ROOT / "examples" / "pengumpulan_data_kinerja.py"))["sop"].compile()


def test_the_reference_sop(reference: Any, tmp_path: Path) -> None:
    view = swimlane_layout(reference.graph)
    check_swimlane(view, reference.graph)
    assert view.page.compromises == 0
    assert view.title is not None and view.title.lines == ("Pengumpulan Data Kinerja",)
    labels = {" ".join(a.label.lines) for a in view.page.arrows if a.label is not None}
    assert labels == {"Ya", "Tidak"}
    for name in ("flow.svg", "flow.png", "flow.pdf"):
        (path,) = render_swimlane(reference, tmp_path / name, dpi=40)
        assert path.stat().st_size > 1000
    svg = (tmp_path / "flow.svg").read_text(encoding="utf-8")
    assert {"Sekretaris", "Mulai", "Selesai", "Kegiatan"} <= set(_svg_texts(svg))
    with pytest.raises(ValueError, match="cannot tell the output format"):
        render_swimlane(reference, tmp_path / "flow.bmp")


def test_lanes_only_leaves_out_the_text_columns(reference: Any) -> None:
    view = swimlane_layout(reference.graph, SwimlaneOptions(text_width=0.0, title=False))
    check_swimlane(view, reference.graph)
    assert view.title is None
    assert view.lanes[0].rect.x < SwimlaneOptions().margin + 30  # only No. before it
    assert not any("Kegiatan" in t.lines for t in view.page.texts)
    numbers = {t.lines for t in view.page.texts if t.role == "cell"}
    assert numbers == {(str(k),) for k in range(1, 10)}


def test_shared_steps_are_drawn_in_each_of_their_lanes() -> None:
    from sopfactory import new_sop

    sop = new_sop("Bersama")
    a, b, c = sop.actor("A"), sop.actor("B"), sop.actor("C")
    sop.step("Rapat bersama", by=[a, c])
    sop.step("Menyusun notulen", by=b)
    proc = sop.compile(strict=False)
    view = swimlane_layout(proc.graph)
    check_swimlane(view, proc.graph)
    first = [s for s in view.page.shapes if s.node == proc.graph.graph.get("first", "s1")
             or s.node == "s1"]
    assert sorted(s.lane for s in first) == [0, 2]
    assert any(ln.role == "joint" for ln in view.page.lines)


def test_a_procedure_shows_the_swimlane_in_jupyter(reference: Any) -> None:
    svg = reference._repr_svg_()
    assert svg == swimlane_svg(reference)
    assert "Koordinator" in svg


def test_an_sop_with_nothing_to_draw_yet_shows_as_text_in_jupyter() -> None:
    import sopflow

    sop = sopflow.SOP("Baru", number="1")
    assert sop._repr_svg_() is None  # no actor yet: Jupyter falls back to the text form
    sop.actor("Staf")
    assert sop._repr_svg_() is None  # no step yet
    with pytest.raises(LayoutError, match="no steps"):
        swimlane_svg(sop.compile(strict=False))
    sop.step("Memeriksa berkas", by="Staf")
    assert "Memeriksa berkas" in (sop._repr_svg_() or "")


def test_a_definition_that_is_not_compiled_is_a_clear_error(tmp_path: Path) -> None:
    from sopfactory import new_sop

    with pytest.raises(TypeError, match=r"call \.compile\(\) on the SOP first"):
        swimlane_svg(new_sop("X"))  # type: ignore[arg-type]


def test_the_checks_catch_a_broken_view(reference: Any) -> None:
    """Each rule of check_swimlane fails on a view broken in that one way."""
    import attrs

    view = swimlane_layout(reference.graph)
    page = view.page
    arrow = page.arrows[0]
    (x, y), rest = arrow.points[0], arrow.points[1:]
    title = view.lanes[0].title
    into_title = attrs.evolve(arrow, points=((x, title.cy), (x, y), *rest))
    labelled = next(a for a in page.arrows if a.label is not None)
    (a, b) = page.arrows[1].segments()[0]
    on_arrow = attrs.evolve(labelled, label=attrs.evolve(labelled.label, rect=Rect(
        x=(a[0] + b[0]) / 2 - 4, y=(a[1] + b[1]) / 2 - 4, w=8, h=8)))
    shape = page.shapes[0]
    moved = attrs.evolve(shape, lane=(shape.lane + 1) % len(view.lanes))
    broken = [
        (attrs.evolve(view, lanes=tuple(reversed(view.lanes))), "Sekretaris"),
        (attrs.evolve(view, page=attrs.evolve(page, arrows=(into_title, *page.arrows[1:]))),
         "crosses a lane title"),
        (attrs.evolve(view, page=attrs.evolve(page, arrows=tuple(
            on_arrow if p is labelled else p for p in page.arrows))), "crosses a label"),
        (attrs.evolve(view, page=attrs.evolve(page, shapes=(moved, *page.shapes[1:]))),
         "leaves its lane"),
        (attrs.evolve(view, page=attrs.evolve(page, lines=tuple(
            ln for ln in page.lines if not (ln.points[0][0] == ln.points[-1][0]
                                            == view.lanes[1].rect.x)))), "not full height"),
    ]
    check_swimlane(view, reference.graph)
    for bad, why in broken:
        with pytest.raises(AssertionError, match=why):
            check_swimlane(bad, reference.graph)


def test_the_cli_flowchart_view_is_the_swimlane(reference: Any, tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    from sopflow.cli import main

    example = str(ROOT / "examples" / "pengumpulan_data_kinerja.py")
    out = tmp_path / "flow.svg"
    assert main(["render", example, "-o", str(out), "--view", "flowchart"]) == 0
    assert out.read_text(encoding="utf-8") == swimlane_svg(reference)
    png = tmp_path / "flow.png"
    assert main(["render", example, "-o", str(png), "--view", "flowchart", "--dpi", "30"]) == 0
    assert png.read_bytes().startswith(b"\x89PNG") and not list(tmp_path.glob("flow-*.png"))
    assert "Traceback" not in capsys.readouterr().err
