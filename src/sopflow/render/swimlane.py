"""The swimlane view: one tall page of full-height lanes, for notebooks, docs and a first look.

It is the official document's own layout engine (:mod:`.flow`, :mod:`.ports`, :mod:`.table`,
:mod:`.page`, :mod:`.route`, :mod:`.labels`, :mod:`.paint`) run on a narrower table: the
No. and Kegiatan columns, then one lane per actor in the SOP's declared order, with no Mutu
Baku columns, no identity page and no page breaks. The lane titles head the lanes; every
arrow is routed inside the lanes below them and every exit label is placed clear of the
arrows, so nothing is drawn through a title or a label. The whole view is plain geometry
(:class:`Swimlane`): the tests check it, Graphviz only paints it (``nop2``), so it takes a
fraction of a second where ``dot`` placing clusters took seconds.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from sopflow._atomic import write_atomic
from sopflow.render import fonts, pagination, table
from sopflow.render.errors import NOT_CURED_BY_ROOM, FlowShapeError, LayoutError
from sopflow.render.flow import Flow, read_flow
from sopflow.render.geometry import Line, Page, Rect, TextBox
from sopflow.render.layout import ROOMS
from sopflow.render.options import ColumnLabels, LayoutOptions
from sopflow.render.page import BuiltPage, PageBuilder, Room, Sheet
from sopflow.render.ports import plan_ports
from sopflow.render.symbols import CELL_PAD

if TYPE_CHECKING:
    import networkx as nx

    from sopflow.procedure import Procedure

__all__ = [
    "Lane",
    "Swimlane",
    "SwimlaneOptions",
    "render_swimlane",
    "swimlane_layout",
    "swimlane_svg",
]

#: Width of the No. column (as in the document's table), wider when its header word needs it.
NO_W = 22.0
#: Space between the title and the table.
TITLE_GAP = 8.0


@attrs.frozen(kw_only=True)
class SwimlaneOptions:
    """How the swimlane view is laid out (points).

    ``text_width``: the Kegiatan column (0 leaves it out: the row numbers and the lanes
    only); ``lane_width``: each lane, widened where a decision's exit labels need room and
    never narrower than the longest word of its name; ``title``: the SOP's name above the
    table; ``labels``: the header words (No., Kegiatan); ``start_own_row`` as in the
    document (:class:`~sopflow.render.LayoutOptions`).
    """

    font_size: float = 8.0
    header_font_size: float = 8.5
    label_font_size: float = 7.0
    margin: float = 12.0
    text_width: float = 190.0
    lane_width: float = 104.0
    title: bool = True
    start_own_row: bool = False
    labels: ColumnLabels = attrs.Factory(ColumnLabels)


@attrs.frozen(kw_only=True)
class Lane:
    """One lane: its actor's name, the whole strip from the top of its title cell to the
    bottom of the table (``rect``) and the title cell at its top (``title``)."""

    index: int
    name: str
    rect: Rect
    title: Rect


@attrs.frozen(kw_only=True)
class Swimlane:
    """The laid-out view: one :class:`Page` (painted like a document page) and its lanes."""

    page: Page
    lanes: tuple[Lane, ...]
    title: TextBox | None


# --------------------------------------------------------------------------- columns
def _lanes_only(flow: Flow, keep_text: bool) -> Flow:
    """The flow without the Mutu Baku texts (their columns have no width here), and without
    the Kegiatan text when that column is left out."""
    rows = tuple(attrs.evolve(r, inputs=(), waktu="", output="", note="",
                              text=r.text if keep_text else "") for r in flow.rows)
    return attrs.evolve(flow, rows=rows)


def _layout_options(opts: SwimlaneOptions) -> LayoutOptions:
    """The document options the shared phases read: no furniture, no numbers row."""
    return LayoutOptions(
        margin=opts.margin, font_size=opts.font_size, header_font_size=opts.header_font_size,
        label_font_size=opts.label_font_size, labels=opts.labels, column_numbers=False,
        repeat_header=False, page_numbers=False, lettered_connectors=True,
        start_own_row=opts.start_own_row, empty_cell="",
    )


def _columns(flow: Flow, opts: SwimlaneOptions, lopts: LayoutOptions) -> table.Columns:
    """No., Kegiatan and the lanes; the four Mutu Baku columns have no width (the shared
    phases index them), all at the table's right edge."""
    left = opts.margin
    text_w = 0.0
    if opts.text_width > 0:
        _, mins = table.text_needs(flow, lopts)
        text_w = max(opts.text_width, mins[0])
    lane_min = table.lane_minimum(flow, lopts)
    wishes = table.label_room(flow, lopts)
    no_w = max(NO_W, fonts.metrics(True).width(opts.labels.no, opts.header_font_size)
               * fonts.WRAP_RESERVE + 2 * CELL_PAD + 2)
    xs = [left, left + no_w]
    xs.append(xs[-1] + text_w)
    for k in range(len(flow.lanes)):
        xs.append(xs[-1] + max(opts.lane_width, lane_min, wishes[k]))
    xs += [xs[-1]] * 4
    return table.Columns(x=tuple(xs), n_lanes=len(flow.lanes))


# --------------------------------------------------------------------------- header
def _header(flow: Flow, cols: table.Columns, opts: SwimlaneOptions,
            top: float) -> tuple[table.Header, table.HeaderDrawing]:
    """One header row: No., Kegiatan and each lane's title (wrapped, never cut)."""
    size = opts.header_font_size
    m = fonts.metrics(True)
    cells: list[tuple[str, tuple[float, float]]] = [(opts.labels.no, cols.col(0))]
    if cols.x[2] > cols.x[1]:
        cells += [(opts.labels.kegiatan, cols.col(1))]
    cells += [(name, cols.lane(k)) for k, name in enumerate(flow.lanes)]
    n_lines = max(len(m.wrap(text, r - l_ - 2 * CELL_PAD, size)) for text, (l_, r) in cells)
    height = max(n_lines, 1) * m.line_height(size) + 2 * CELL_PAD + 2
    texts = tuple(table.header_text(text, span, top, height, size=size)
                  for text, span in cells)
    left, right = cols.x[0], cols.x[-1]
    drawing = table.HeaderDrawing(fills=(Rect(x=left, y=top, w=right - left, h=height),),
                                  lines=(), texts=texts)
    return table.Header(heights=(0.0, height, 0.0)), drawing


def _title(name: str, opts: SwimlaneOptions, width: float) -> TextBox | None:
    """The SOP's name above the table, bold, wrapped to the table's width."""
    if not opts.title or not name.strip():
        return None
    size = opts.header_font_size + 2
    m = fonts.metrics(True)
    lines = m.wrap(name, width, size)
    return TextBox(rect=Rect(x=opts.margin, y=opts.margin, w=width,
                             h=len(lines) * m.line_height(size)),
                   lines=lines, size=size, bold=True, align="left", role="title")


# --------------------------------------------------------------------------- layout
@attrs.frozen(kw_only=True)
class _Drawn:
    """One attempt's page and where its table is: top, header bottom, last row rule."""

    built: BuiltPage
    top: float
    header_bottom: float
    table_bottom: float


def swimlane_layout(graph: nx.DiGraph[Any], options: SwimlaneOptions | None = None) -> Swimlane:
    """Lay out the swimlane view of a compiled graph: one page, lanes in declared order.

    Like the document, a crowded lane (loops, many exits) is laid out again with taller
    gutters when some arrow found no clean route, and the cleanest attempt is kept.
    A :class:`~sopflow.render.LayoutError` when there is nothing to draw (no actor, no step).
    """
    opts = options or SwimlaneOptions()
    flow = _lanes_only(read_flow(graph), keep_text=opts.text_width > 0)
    if not flow.rows:
        raise FlowShapeError("the SOP has no steps: there is no flowchart to draw")
    lopts = _layout_options(opts)
    cols = _columns(flow, opts, lopts)
    title = _title(str(graph.graph.get("name", "")), opts, cols.x[-1] - cols.x[0])
    top = opts.margin + (title.rect.h + TITLE_GAP if title is not None else 0.0)
    best: _Drawn | None = None
    error: LayoutError | None = None
    for room in ROOMS:
        try:
            drawn = _attempt(flow, cols, lopts, opts, room, top)
        except NOT_CURED_BY_ROOM:
            raise
        except LayoutError as exc:
            error = error or exc
            continue
        if best is None or drawn.built.relaxed < best.built.relaxed:
            best = drawn
        if best.built.relaxed == 0:
            break
    if best is None:
        assert error is not None
        raise error
    return _finish(best, flow, cols, opts, title)


def _attempt(flow: Flow, cols: table.Columns, lopts: LayoutOptions, opts: SwimlaneOptions,
             room: Room, top: float) -> _Drawn:
    """One layout of the whole table on one page with the spacing of ``room``."""
    ports = plan_ports(flow)
    rows = tuple(table.rows(flow, cols, lopts, ports, room))
    hdr, drawing = _header(flow, cols, opts, top)
    pages = [list(range(len(rows)))]
    sheet = Sheet(flow=flow, opts=lopts, cols=cols, hdr=hdr, header=drawing, ports=ports,
                  rows=rows, cross=pagination.crossings(flow, rows, pages, True),
                  table_top=top, room=room)
    built = PageBuilder(sheet, 0, pages[0]).build()
    header_bottom = top + hdr.total
    return _Drawn(built=built, top=top, header_bottom=header_bottom,
                  table_bottom=header_bottom + sum(r.height for r in rows))


def _bottom(page: Page, table_bottom: float) -> float:
    """The table's bottom: its last row rule, or below the lowest arrow or label (a loop
    may be routed in the gutter under the last row)."""
    low = table_bottom
    for a in page.arrows:
        low = max(low, *(y + 4.0 for _, y in a.points))
        if a.label is not None:
            low = max(low, a.label.rect.bottom + 2.0)
    return low


def _rules(page: Page, drawn: _Drawn, bottom: float) -> tuple[Line, ...]:
    """The page's rules drawn once each (the Mutu Baku columns' edges all fall on the
    table's right edge), the column edges from the table's top to ``bottom`` and the last
    row rule moved down to ``bottom``."""
    lines: list[Line] = []
    seen: set[tuple[tuple[float, float], ...]] = set()
    for ln in page.lines:
        pts = ln.points
        if ln.role == "rule" and len(pts) == 2:
            (x0, y0), (x1, y1) = pts
            if x0 == x1:
                pts = ((x0, drawn.top), (x0, bottom))
            elif y0 == y1 == drawn.table_bottom:
                pts = ((x0, bottom), (x1, bottom))
            if pts in seen:
                continue
            seen.add(pts)
        lines.append(attrs.evolve(ln, points=pts))
    return tuple(lines)


def _finish(drawn: _Drawn, flow: Flow, cols: table.Columns, opts: SwimlaneOptions,
            title: TextBox | None) -> Swimlane:
    """The page cut to the table (plus margins), with full-height lane edges, and its lanes
    described."""
    page = drawn.built.page
    bottom = _bottom(page, drawn.table_bottom)
    top = drawn.top
    lanes = []
    for k, name in enumerate(flow.lanes):
        left, right = cols.lane(k)
        lanes.append(Lane(index=k, name=name,
                          rect=Rect(x=left, y=top, w=right - left, h=bottom - top),
                          title=Rect(x=left, y=top, w=right - left,
                                     h=drawn.header_bottom - top)))
    texts = (title, *page.texts) if title is not None else page.texts
    finished = attrs.evolve(page, width=cols.x[-1] + opts.margin, height=bottom + opts.margin,
                            lines=_rules(page, drawn, bottom), texts=texts)
    return Swimlane(page=finished, lanes=tuple(lanes), title=title)


# --------------------------------------------------------------------------- output
def _graph_of(procedure: Procedure) -> nx.DiGraph[Any]:
    graph = getattr(procedure, "graph", None)
    if graph is None:
        kind = type(procedure).__name__
        hint = " (call .compile() on the SOP first)" if hasattr(procedure, "compile") else ""
        raise TypeError(f"expected a compiled sopflow.Procedure, got {kind}{hint}")
    return graph  # type: ignore[no-any-return]


def swimlane_svg(procedure: Procedure, options: SwimlaneOptions | None = None) -> str:
    """The swimlane view as SVG text (what a Procedure shows in Jupyter)."""
    from sopflow.render.paint import render_page

    view = swimlane_layout(_graph_of(procedure), options)
    return render_page(view.page, "svg").decode("utf-8")


def render_swimlane(procedure: Procedure, path: str | Path, *, dpi: float = 150.0,
                    options: SwimlaneOptions | None = None) -> list[Path]:
    """Write the swimlane view to ``path`` (.svg, .png or .pdf: one page) and return it."""
    from sopflow.render.paint import render_page

    path = Path(path)
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in ("svg", "png", "pdf"):
        raise ValueError(
            f"cannot tell the output format from {str(path)!r}: use a .pdf, .svg or .png name"
        )
    view = swimlane_layout(_graph_of(procedure), options)
    write_atomic(path, render_page(view.page, fmt, dpi))
    return [path]
