"""Lay out the SOP AP flowchart table from the compiled graph: cells, shapes, arrows, pages.

The table is a grid (rows are steps; columns No, Kegiatan, one lane per actor, the Mutu Baku
fields and Keterangan), so the whole layout is computed here as plain geometry: text is
wrapped with the shipped font's metrics, each row grows to fit its text and its shapes,
rows are packed onto pages by measured height (a row is never split), arrows that cross a
page break become lettered pairs of off-page connectors, and every arrow is routed
orthogonally on a track grid that keeps it clear of shapes, text and other arrows.
"""

from __future__ import annotations

import itertools
import math
from typing import TYPE_CHECKING, Any, Literal

import attrs

from sopflow._options import helpful_options
from sopflow.render import fonts
from sopflow.render.geometry import (
    Arrow,
    Connector,
    Line,
    Page,
    Point,
    Rect,
    Shape,
    TextBox,
    paper,
)
from sopflow.render.identity import IdentityLabels
from sopflow.render.route import DOWN, LEFT, RIGHT, UP, Dir, Port, RouteError, Router

if TYPE_CHECKING:
    from collections.abc import Sequence

    import networkx as nx

__all__ = ["ColumnLabels", "LayoutError", "LayoutOptions", "layout_flowchart"]

Side = Literal["T", "B", "L", "R"]

# Symbol sizes (points).
PROCESS_W, PROCESS_H = 50.0, 22.0
DECISION_W, DECISION_H = 40.0, 28.0
TERM_W, TERM_H = 44.0, 15.0
CONN_W, CONN_H = 17.0, 15.0
PAD_Y = 10.0  # free space above and below the shapes of a row (arrow gutters)
GAP_Y = 10.0  # between a capsule and the box it belongs to
CELL_PAD = 4.0
CONN_BAND = 30.0  # height of a band holding off-page connectors
CLEAR = 3.0  # clearance kept between arrows and shapes
SLOT = 6.0  # spacing of several arrows on one side of a shape


@attrs.frozen(kw_only=True)
class _Room:
    """Spacing of one layout attempt; a crowded page is laid out again with more room."""

    pad_y: float = PAD_Y
    side_margin: float = 32.0  # a lane keeps at least this much beside its boxes
    relaxed: list[int] = attrs.field(factory=lambda: [0])  # routes drawn with a compromise


class LayoutError(ValueError):
    """The flowchart cannot be laid out (a missing lane, a row taller than the page, ...)."""


@helpful_options({"uraian": "kegiatan", "uraian_kegiatan": "kegiatan", "ket": "keterangan",
                  "nomor": "no", "persyaratan": "kelengkapan", "waktu_penyelesaian": "waktu"})
@attrs.frozen(kw_only=True)
class ColumnLabels:
    """Header words of the flowchart table; agencies vary them ("Uraian Kegiatan", "Ket.")."""

    no: str = "No."
    kegiatan: str = "Kegiatan"
    pelaksana: str = "Pelaksana"
    mutu_baku: str = "Mutu Baku"
    kelengkapan: str = "Kelengkapan"
    waktu: str = "Waktu"
    output: str = "Output"
    keterangan: str = "Keterangan"


@helpful_options({"kertas": "paper", "size": "paper", "orientation": "landscape"})
@attrs.frozen(kw_only=True)
class LayoutOptions:
    """How the official document is laid out.

    ``paper``: A4 (default), F4, Letter or Legal; ``landscape`` as the guideline wants.
    ``column_numbers`` adds the (1), (2), ... row under the header; ``repeat_header`` prints
    the header on every flowchart page; ``page_numbers`` prints "- n -" at the top;
    ``lettered_connectors`` writes A, B, ... in off-page connectors (blank when False);
    ``start_own_row`` gives the start capsule a row of its own instead of sharing the first
    step's row; ``footer`` is printed small at the bottom of every page (an e-signature
    notice, for instance); ``logo`` is an image file (PNG) shown beside the unit names;
    ``identity_labels`` renames the identity grid's fields; ``empty_cell`` is written in an
    empty Mutu Baku or Keterangan cell (many agencies print "-").
    """

    paper: str = "A4"
    landscape: bool = True
    margin: float = 36.0
    font_size: float = 8.0
    header_font_size: float = 8.0
    label_font_size: float = 7.0
    labels: ColumnLabels = attrs.Factory(ColumnLabels)
    column_numbers: bool = True
    repeat_header: bool = True
    page_numbers: bool = True
    lettered_connectors: bool = True
    start_own_row: bool = False
    footer: str = ""
    first_page_number: int = 1
    logo: str | None = None
    empty_cell: str = ""
    identity_labels: IdentityLabels = attrs.Factory(IdentityLabels)

    def page_size(self) -> tuple[float, float]:
        p = paper(self.paper)
        return p.landscape() if self.landscape else (p.width, p.height)


# --------------------------------------------------------------------------- reading the graph
@attrs.frozen(kw_only=True)
class _Node:
    id: str
    kind: str
    row: int
    text: str
    lanes: tuple[int, ...]
    question: str = ""


@attrs.frozen(kw_only=True)
class _Edge:
    u: str
    v: str
    label: str | None
    order: int


@attrs.frozen(kw_only=True)
class _RowData:
    row: int
    step: str
    text: str
    inputs: tuple[str, ...]
    waktu: str
    output: str
    note: str


@attrs.frozen(kw_only=True)
class _Flow:
    lanes: tuple[str, ...]
    nodes: dict[str, _Node]
    edges: tuple[_Edge, ...]
    rows: tuple[_RowData, ...]


def _read(graph: nx.DiGraph[Any]) -> _Flow:
    lanes = tuple(str(a) for a in graph.graph.get("lanes", ()))
    if not lanes:
        raise LayoutError("the SOP has no actors (Pelaksana): there is no lane to draw in")
    index = {name: i for i, name in enumerate(lanes)}
    nodes: dict[str, _Node] = {}
    rows: list[_RowData] = []
    for n, d in graph.nodes(data=True):
        names = tuple(d.get("lanes") or ((d["lane"],) if d.get("lane") else ()))
        if not names:
            raise LayoutError(f"step {n!r} has no actor: it cannot be placed in a lane")
        missing = [a for a in names if a not in index]
        if missing:
            raise LayoutError(f"step {n!r} names actor {missing[0]!r}, which is not a lane")
        kind = str(d["kind"])
        nodes[n] = _Node(
            id=n,
            kind=kind,
            row=int(d["row"]),
            text=str(d.get("text", "")),
            lanes=tuple(index[a] for a in names),
            question=str(d.get("question") or ""),
        )
        if kind in ("process", "decision"):
            waktu = d.get("waktu")
            rows.append(
                _RowData(
                    row=int(d["row"]),
                    step=n,
                    text=str(d.get("text", "")),
                    inputs=tuple(str(i) for i in d.get("inputs", ())),
                    waktu=str(getattr(waktu, "text", waktu) or ""),
                    output=str(d.get("output") or ""),
                    note=str(d.get("note") or ""),
                )
            )
    rows.sort(key=lambda r: r.row)
    seen: set[int] = set()
    for r in rows:
        if r.row in seen:
            raise LayoutError(f"two steps share table row {r.row}")
        seen.add(r.row)
    edges = tuple(
        # exits that share a target share one arrow: it carries all their labels
        _Edge(u=u, v=v, label=" / ".join(lb for lb in d.get("labels", (d.get("label"),)) if lb)
              or None, order=int(d.get("order", 0)))
        for u, v, d in graph.edges(data=True)
    )
    return _Flow(lanes=lanes, nodes=nodes, edges=edges, rows=tuple(rows))


# --------------------------------------------------------------------------- ports
def _is_back(flow: _Flow, e: _Edge) -> bool:
    u, v = flow.nodes[e.u], flow.nodes[e.v]
    if v.kind == "start":
        return True
    if v.kind == "end":
        return False
    if u.kind == "start":
        return False
    return v.row <= u.row


def _plan_ports(flow: _Flow) -> dict[tuple[str, str], tuple[Side, Side]]:
    """Pick the side each arrow leaves and enters by: bottom/top for the flow, sides else."""
    out_side: dict[tuple[str, str], Side] = {}
    in_side: dict[tuple[str, str], Side] = {}
    by_source: dict[str, list[_Edge]] = {}
    by_target: dict[str, list[_Edge]] = {}
    for e in flow.edges:
        by_source.setdefault(e.u, []).append(e)
        by_target.setdefault(e.v, []).append(e)

    def toward(a: _Node, b: _Node, back: bool) -> Side:
        la, lb = a.lanes[0], b.lanes[0]
        if lb < la:
            return "L"
        if lb > la:
            return "R"
        return "L" if back else "R"

    load: dict[tuple[str, Side], int] = {}

    def take(node: str, side: Side) -> Side:
        load[(node, side)] = load.get((node, side), 0) + 1
        return side

    loops: list[_Edge] = []  # same-lane loops back up: their side is balanced later
    for u, edges in by_source.items():
        edges.sort(key=lambda e: e.order)
        src = flow.nodes[u]
        to_end = [e for e in edges if flow.nodes[e.v].kind == "end"]
        forward = [e for e in edges if not _is_back(flow, e) and flow.nodes[e.v].kind != "end"]
        bottom = to_end[0] if to_end else (forward[0] if forward else None)
        if bottom is None and src.kind != "decision" and edges:
            bottom = edges[0]  # a process looping back still leaves at the bottom
        for e in edges:
            if e is bottom:
                out_side[(e.u, e.v)] = take(u, "B")
                continue
            dst = flow.nodes[e.v]
            if _is_back(flow, e) and dst.lanes[0] == src.lanes[0]:
                loops.append(e)
                continue
            side = toward(src, dst, _is_back(flow, e))
            other: Side = "L" if side == "R" else "R"
            if load.get((u, side)) and not load.get((u, other)):
                side = other
            out_side[(e.u, e.v)] = take(u, side)
    for v, edges in by_target.items():
        dst = flow.nodes[v]
        fwd = [e for e in edges if not _is_back(flow, e) and (e.u, e.v) in out_side]
        # the top entry goes to the nearest forward arrow leaving a bottom
        fwd.sort(
            key=lambda e: (
                out_side[(e.u, e.v)] != "B",
                flow.nodes[e.u].lanes[0] != dst.lanes[0],
                -flow.nodes[e.u].row,
                flow.nodes[e.u].kind == "start",
            )
        )
        top = fwd[0] if fwd else None
        if dst.kind == "end" and edges:
            top = edges[0]
        for e in edges:
            if e is top:
                in_side[(e.u, e.v)] = take(v, "T")
            elif (_is_back(flow, e) and flow.nodes[e.u].lanes[0] == dst.lanes[0]
                  and dst.kind != "start"):
                if e not in loops:
                    loops.append(e)
            elif dst.kind == "start":
                # loops back to "Mulai": its top is free, and both sides
                side = min(("T", "L", "R"), key=lambda sd: load.get((v, sd), 0))
                in_side[(e.u, e.v)] = take(v, side)
            else:
                in_side[(e.u, e.v)] = take(v, toward(dst, flow.nodes[e.u], _is_back(flow, e)))
    # a loop within one lane runs up a corridor beside the lane's shapes: use the side
    # with fewer arrows at both of its ends, so several loops do not crowd one corridor
    for e in loops:
        key = (e.u, e.v)

        def cost(side: Side, e: _Edge = e, key: tuple[str, str] = key) -> int:
            c = load.get((e.v, side), 0)
            if key not in out_side:
                c += load.get((e.u, side), 0)
            return c

        side = min(("L", "R"), key=cost)
        if key not in out_side:
            out_side[key] = take(e.u, side)
        if key not in in_side:
            in_side[key] = take(e.v, side)
    return {k: (out_side[k], in_side[k]) for k in out_side}


# --------------------------------------------------------------------------- columns
@attrs.frozen(kw_only=True)
class _Columns:
    x: tuple[float, ...]  # left edges of: no, keg, lanes..., kel, waktu, output, ket; + right
    n_lanes: int

    def col(self, i: int) -> tuple[float, float]:
        return self.x[i], self.x[i + 1]

    def lane(self, k: int) -> tuple[float, float]:
        return self.col(2 + k)

    @property
    def lanes_span(self) -> tuple[float, float]:
        return self.x[2], self.x[2 + self.n_lanes]

    def mutu(self, k: int) -> tuple[float, float]:
        return self.col(2 + self.n_lanes + k)


def _columns(left: float, width: float, n_lanes: int, needs: Sequence[float] = (),
             minimums: Sequence[float] = ()) -> _Columns:
    """Column edges: lanes get an equal share, text columns a share that follows their text.

    ``needs`` is each text column's total text length (Kegiatan, Kelengkapan, Waktu, Output,
    Keterangan): half of the text width is shared out by the usual proportions, half by the
    square root of the need, so a long Keterangan gets room instead of a row a page tall.
    """
    no_w = 26.0
    weights = (2.3, 1.3, 0.75, 1.3, 0.75)  # kegiatan, kelengkapan, waktu, output, keterangan
    lane_weight = 1.4 if n_lanes <= 3 else 1.0  # few lanes: room for corridors beside boxes
    unit = lane_weight * (width - no_w) / (sum(weights) + lane_weight * n_lanes)
    lane_w = min(max(unit, 58.0), 140.0)
    rest = width - no_w - lane_w * n_lanes
    if rest < 200:
        raise LayoutError(
            f"{n_lanes} lanes do not fit the page width: use fewer actors, a wider paper "
            "or landscape orientation"
        )
    base = [w / sum(weights) for w in weights]
    roots = [math.sqrt(max(n, 0.0)) for n in needs] if needs else []
    if roots and sum(roots) > 0:
        share = [0.5 * b + 0.5 * r / sum(roots) for b, r in zip(base, roots, strict=True)]
    else:
        share = base
    mins = list(minimums) if minimums else [0.0] * len(weights)
    widths_t = [rest * f for f in share]
    pinned: set[int] = set()
    for _ in range(len(widths_t)):
        low = {i for i, w in enumerate(widths_t) if w < mins[i] - 1e-9}
        if not low:
            break
        pinned |= low
        fixed = sum(mins[i] for i in pinned)
        free = [i for i in range(len(widths_t)) if i not in pinned]
        total_free = sum(share[i] for i in free) or 1.0
        for i in pinned:
            widths_t[i] = mins[i]
        for i in free:
            widths_t[i] = (rest - fixed) * share[i] / total_free
    widths = [no_w, widths_t[0], *([lane_w] * n_lanes), *widths_t[1:]]
    xs = [left]
    for w in widths:
        xs.append(xs[-1] + w)
    return _Columns(x=tuple(xs), n_lanes=n_lanes)


# --------------------------------------------------------------------------- text helpers
def _text_block(
    text: str, x: float, width: float, size: float, *, bold: bool = False,
    align: Literal["left", "center", "right"] = "left",
) -> tuple[tuple[str, ...], float]:
    m = fonts.metrics(bold)
    lines = m.wrap(text, width, size) if text else ()
    return lines, len(lines) * m.line_height(size)


@attrs.frozen(kw_only=True)
class _CellText:
    """Wrapped text of one cell, positioned relative to the cell's left edge."""

    pieces: tuple[tuple[float, float, tuple[str, ...], Literal["left", "center"]], ...]
    height: float  # total height of the text (without padding)


def _cell(text: str, left: float, right: float, size: float,
          align: Literal["left", "center"] = "left") -> _CellText:
    width = right - left - 2 * CELL_PAD
    lines, h = _text_block(text, 0, width, size)
    return _CellText(pieces=((CELL_PAD, width, lines, align),) if lines else (), height=h)


def _numbered(items: Sequence[str], left: float, right: float, size: float) -> _CellText:
    if len(items) <= 1:
        return _cell(items[0] if items else "", left, right, size)
    m = fonts.metrics()
    num_w = m.width(f"{len(items)}. ", size)
    width = right - left - 2 * CELL_PAD - num_w
    pieces: list[tuple[float, float, tuple[str, ...], Literal["left", "center"]]] = []
    y = 0.0
    lh = m.line_height(size)
    for i, item in enumerate(items, start=1):
        lines: tuple[str, ...] = m.wrap(item, width, size) or ("",)
        pieces.append((CELL_PAD, num_w, (f"{i}.",), "left"))
        pieces.append((CELL_PAD + num_w, width, lines, "left"))
        y += len(lines) * lh
    # pieces are stacked in order: encode the vertical offsets by pairing
    return _CellText(pieces=tuple(pieces), height=y)


def _place_cell(ct: _CellText, left: float, top: float, height: float, size: float,
                numbered: bool) -> list[TextBox]:
    lh = fonts.metrics().line_height(size)
    y = top + (height - ct.height) / 2
    boxes = []
    if numbered:
        for k in range(0, len(ct.pieces), 2):
            nx_, nw, nlines, _ = ct.pieces[k]
            ix, iw, ilines, _ = ct.pieces[k + 1]
            boxes.append(TextBox(rect=Rect(x=left + nx_, y=y, w=nw, h=lh), lines=nlines,
                                 size=size))
            h = len(ilines) * lh
            boxes.append(TextBox(rect=Rect(x=left + ix, y=y, w=iw, h=h), lines=ilines,
                                 size=size))
            y += h
        return boxes
    for px, pw, lines, align in ct.pieces:
        h = len(lines) * lh
        boxes.append(TextBox(rect=Rect(x=left + px, y=y, w=pw, h=h), lines=lines, size=size,
                             align=align))
    return boxes


# --------------------------------------------------------------------------- rows
@attrs.frozen(kw_only=True)
class _Row:
    data: _RowData | None  # None: the start capsule's own row
    cells: tuple[tuple[_CellText, bool], ...]  # no, keg, kel, waktu, output, ket
    zone: float  # height needed by the shapes and their gutters
    height: float
    start: str | None  # start node drawn in this row
    step: str | None
    end: str | None  # end node drawn below the step


def _rows(flow: _Flow, cols: _Columns, opts: LayoutOptions,
          ports: dict[tuple[str, str], tuple[Side, Side]], room: _Room) -> list[_Row]:
    size = opts.font_size
    start_of: dict[str, str] = {}
    end_of: dict[str, str] = {}
    for e in flow.edges:
        if flow.nodes[e.u].kind == "start":
            start_of[e.v] = e.u
        if flow.nodes[e.v].kind == "end" and ports[(e.u, e.v)][0] == "B":
            end_of[e.u] = e.v
    # A start node whose first step is missing still gets drawn in the first row.
    for n in flow.nodes.values():
        if n.kind == "start" and n.id not in start_of.values() and flow.rows:
            start_of.setdefault(flow.rows[0].step, n.id)
    ends_elsewhere = [
        n.id for n in flow.nodes.values() if n.kind == "end" and n.id not in end_of.values()
    ]
    rows: list[_Row] = []
    for rd in flow.rows:
        node = flow.nodes[rd.step]
        start = start_of.get(rd.step)
        if start is not None and opts.start_own_row:
            zone = room.pad_y + TERM_H + room.pad_y
            rows.append(_Row(data=None, cells=(), zone=zone, height=zone, start=start,
                             step=None, end=None))
            start = None
        end = end_of.get(rd.step)
        shape_h = DECISION_H if node.kind == "decision" else PROCESS_H
        zone = room.pad_y + shape_h + room.pad_y
        if node.kind == "decision" and end is None:
            # room for an exit label ("Ya") between the diamond and the row's rule
            zone += max(0.0, fonts.metrics().line_height(opts.label_font_size) + 5 - room.pad_y)
        if start is not None:
            zone += TERM_H + GAP_Y
        if end is not None:
            zone += GAP_Y + TERM_H
        blank = opts.empty_cell
        inputs = tuple(i for i in rd.inputs if i) or ((blank,) if blank else ())
        cells = (
            (_cell(str(rd.row), *cols.col(0), size, "center"), False),
            (_cell(rd.text, *cols.col(1), size), False),
            (_numbered(inputs, *cols.mutu(0), size), len(inputs) > 1),
            (_cell(rd.waktu or blank, *cols.mutu(1), size, "center"), False),
            (_cell(rd.output or blank, *cols.mutu(2), size), False),
            (_cell(rd.note or blank, *cols.mutu(3), size, "center" if not rd.note else "left"),
             False),
        )
        text_h = max(c.height for c, _ in cells) + 2 * CELL_PAD
        rows.append(_Row(data=rd, cells=cells, zone=zone, height=max(zone, text_h),
                         start=start, step=rd.step, end=end))
    for end_id in ends_elsewhere:
        # an end reached by a side exit: drawn below its step, beside the bottom flow
        _ = end_id
    return rows


# --------------------------------------------------------------------------- header
@attrs.frozen(kw_only=True)
class _Header:
    heights: tuple[float, float, float]  # group row, name row, number row (0 if off)

    @property
    def total(self) -> float:
        return sum(self.heights)


def _header(flow: _Flow, cols: _Columns, opts: LayoutOptions) -> _Header:
    size = opts.header_font_size
    lh = fonts.metrics(True).line_height(size)
    names = [*flow.lanes, opts.labels.kelengkapan, opts.labels.waktu, opts.labels.output]
    spans = [cols.lane(k) for k in range(len(flow.lanes))] + [cols.mutu(k) for k in range(3)]
    n_lines = max(
        len(fonts.metrics(True).wrap(name, r - l_ - 2 * CELL_PAD, size))
        for name, (l_, r) in zip(names, spans, strict=True)
    )
    for label, (l_, r) in ((opts.labels.kegiatan, cols.col(1)), (opts.labels.no, cols.col(0)),
                           (opts.labels.keterangan, cols.mutu(3))):
        n_lines = max(n_lines, len(fonts.metrics(True).wrap(label, r - l_ - 2 * CELL_PAD, size))
                      - 1)
    h1 = lh + 2 * CELL_PAD
    h2 = max(n_lines * lh + 2 * CELL_PAD, 2 * lh + 2 * CELL_PAD)
    h3 = lh + 2 if opts.column_numbers else 0.0
    return _Header(heights=(h1, h2, h3))


def _draw_header(flow: _Flow, cols: _Columns, opts: LayoutOptions, hdr: _Header, top: float,
                 fills: list[Rect], lines: list[Line], texts: list[TextBox]) -> None:
    size = opts.header_font_size
    m = fonts.metrics(True)
    lh = m.line_height(size)
    h1, h2, h3 = hdr.heights
    left, right = cols.x[0], cols.x[-1]
    n = flow.lanes
    fills.append(Rect(x=left, y=top, w=right - left, h=h1 + h2))

    def put(text: str, l_: float, r: float, t: float, h: float, bold: bool = True,
            sz: float = size) -> None:
        mm = fonts.metrics(bold)
        wl = mm.wrap(text, r - l_ - 2 * CELL_PAD, sz)
        th = len(wl) * mm.line_height(sz)
        texts.append(TextBox(rect=Rect(x=l_ + CELL_PAD, y=t + (h - th) / 2,
                                       w=r - l_ - 2 * CELL_PAD, h=th),
                             lines=wl, size=sz, bold=bold, align="center", role="header"))

    labels = opts.labels
    lanes_l, lanes_r = cols.lanes_span
    mutu_l, mutu_r = cols.mutu(0)[0], cols.mutu(2)[1]
    put(labels.no, *cols.col(0), top, h1 + h2)
    put(labels.kegiatan, *cols.col(1), top, h1 + h2)
    put(labels.pelaksana, lanes_l, lanes_r, top, h1)
    put(labels.mutu_baku, mutu_l, mutu_r, top, h1)
    put(labels.keterangan, *cols.mutu(3), top, h1 + h2)
    for k, name in enumerate(n):
        put(name, *cols.lane(k), top + h1, h2)
    for k, name in enumerate((labels.kelengkapan, labels.waktu, labels.output)):
        put(name, *cols.mutu(k), top + h1, h2)
    # rules under the group row and above the number row (vertical rules: _build_page)
    lines.append(Line(points=((lanes_l, top + h1), (lanes_r, top + h1))))
    lines.append(Line(points=((mutu_l, top + h1), (mutu_r, top + h1))))
    if h3:
        y3 = top + h1 + h2
        for i in range(len(cols.x) - 1):
            put(f"({i + 1})", cols.x[i], cols.x[i + 1], y3, h3, bold=False, sz=size - 1)
        lines.append(Line(points=((left, y3), (right, y3))))
    _ = lh


# --------------------------------------------------------------------------- pages
def _letters(i: int) -> str:
    s = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s


#: How many rows earlier than full a page may break to cut fewer arrows.
BALANCE_ROWS = 3


def _paginate_balanced(rows: list[_Row], first_top: float, top: float, limit: float,
                       reserve: float, crossings: Sequence[int]) -> list[list[int]]:
    """Like :func:`_paginate`, but each break is moved up to ``BALANCE_ROWS`` rows earlier
    to where the fewest arrows cross it (the latest such place on a tie)."""
    pages: list[list[int]] = []
    start, y0 = 0, first_top
    while start < len(rows):
        full = _paginate(rows[start:], y0, top, limit, reserve)[0]
        end = start + len(full)  # the greedy break: before row ``end``
        if end < len(rows):
            options = range(max(start + 1, end - BALANCE_ROWS), end + 1)
            end = min(options, key=lambda b: (crossings[b], -b))
        pages.append(list(range(start, end)))
        start, y0 = end, top + reserve
    return pages


def _paginate(rows: list[_Row], first_top: float, top: float, limit: float,
              reserve: float, crossings: Sequence[int] | None = None) -> list[list[int]]:
    """Break the table between rows by measured height; a row is never split.

    ``limit`` leaves room below the table for a band of off-page connectors; the last page
    needs none (nothing continues after it), so the remaining rows may use that room too.
    Continuation pages keep ``reserve`` above their first row for incoming connectors.
    With ``crossings`` (how many arrows cross a break before row ``i``), each page may end up
    to ``BALANCE_ROWS`` rows early where fewer arrows cross: fewer off-page connectors.
    """
    if crossings is not None:
        return _paginate_balanced(rows, first_top, top, limit, reserve, crossings)
    rest = [0.0] * (len(rows) + 1)
    for i in range(len(rows) - 1, -1, -1):
        rest[i] = rest[i + 1] + rows[i].height
    pages: list[list[int]] = [[]]
    y = first_top
    for i, row in enumerate(rows):
        fits = y + row.height <= limit or y + rest[i] <= limit + reserve
        if not fits and pages[-1]:
            pages.append([])
            y = top + reserve
            fits = y + row.height <= limit or y + rest[i] <= limit + reserve
        if not fits:
            what = f"row {row.data.row}" if row.data else "the start row"
            raise LayoutError(
                f"{what} is taller ({row.height:.0f} pt) than a page can hold: shorten its "
                "text or use a taller paper"
            )
        pages[-1].append(i)
        y += row.height
    return pages


def _port_point(shape: Shape, side: Side, slot: int, n_slots: int) -> tuple[Point, Dir]:
    r = shape.rect
    limit = (r.w / 2 - 4) if side in ("T", "B") else (r.h / 2 - 3)
    # several arrows on one side: SLOT apart, closer if the side is short (never together)
    step = min(SLOT, 2 * limit / (n_slots - 1)) if n_slots > 1 else 0.0
    offs = (slot - (n_slots - 1) / 2) * step
    if side in ("T", "B"):
        dx = max(-limit, min(limit, offs))
        x = r.cx + dx
        dy = r.h / 2 * (1 - abs(dx) / (r.w / 2)) if shape.kind == "decision" else r.h / 2
        y = r.cy + dy if side == "B" else r.cy - dy
        return (round(x, 3), round(y, 3)), (DOWN if side == "B" else UP)
    dy = max(-limit, min(limit, offs))
    y = r.cy + dy
    if shape.kind == "decision":
        dx = r.w / 2 * (1 - abs(dy) / (r.h / 2))
    elif shape.kind == "terminator":
        rad = r.h / 2
        dx = r.w / 2 - rad + math.sqrt(max(rad * rad - dy * dy, 0.0))
    else:
        dx = r.w / 2
    x = r.cx - dx if side == "L" else r.cx + dx
    return (round(x, 3), round(y, 3)), (LEFT if side == "L" else RIGHT)


def _place_labels(flow: _Flow, arrows: list[Arrow], shapes: Sequence[Shape],
                  opts: LayoutOptions, cols: _Columns, node_page: dict[str, int],
                  p: int, area: Rect, texts: Sequence[TextBox],
                  rules: Sequence[float]) -> list[Arrow]:
    """Write each exit's label beside the first leg of its arrow, clear of everything else
    (shapes, text, arrows, other labels and the table's row rules)."""
    lm = fonts.metrics()
    size = opts.label_font_size
    h = lm.line_height(size)
    taken = [s.rect.inflate(1.5) for s in shapes] + [t.rect.inflate(1.0) for t in texts]
    rule_rects = [Rect(x=area.x, y=y - 1.0, w=area.w, h=2.0) for y in rules]
    for a in arrows:
        for (x0, y0), (x1, y1) in a.segments():
            taken.append(Rect(x=min(x0, x1), y=min(y0, y1), w=abs(x1 - x0),
                              h=abs(y1 - y0)).inflate(1.5))
    exit_labels = {(e.u, e.v): e.label for e in flow.edges if flow.nodes[e.u].kind != "start"}
    out = []
    for a in arrows:
        e_label = exit_labels.get(a.edge)
        if not e_label or node_page.get(a.edge[0]) != p:
            out.append(a)
            continue
        lines = lm.wrap(e_label, 48.0, size) if lm.width(e_label, size) > 52 else (e_label,)
        w = max(lm.width(line, size) for line in lines) + 1
        h = len(lines) * lm.line_height(size)
        lane = next((s.lane for s in shapes if s.node == a.edge[0]), 0)
        ll, lr = cols.lane(lane)
        cands: list[Rect] = []
        for (x0, y0), (x1, y1) in a.segments():
            length = abs(x1 - x0) + abs(y1 - y0)
            for t in (2.0, 6.0, 10.0, 16.0, 24.0, 34.0, 46.0):
                if t > length:
                    break
                if x0 == x1:  # vertical leg
                    y = y0 + t if y1 > y0 else y0 - t - h
                    cands += [Rect(x=x0 + 2.5, y=y, w=w, h=h),
                              Rect(x=x0 - 2.5 - w, y=y, w=w, h=h)]
                else:
                    x = x0 + t if x1 > x0 else x0 - t - w
                    cands += [Rect(x=x, y=y0 - h - 1.5, w=w, h=h),
                              Rect(x=x, y=y0 + 1.5, w=w, h=h)]
        if not cands:
            (x0, y0) = a.points[0]
            cands = [Rect(x=x0 + 2.5, y=y0 + 1.5, w=w, h=h)]
        best: Rect | None = None
        # nearest to the shape first; at the same distance, one inside the source's lane;
        # clear of the row rules if possible, else across one (as hand-drawn pages do)
        for obstacles in (taken + rule_rects, taken):
            for pair in (cands[i:i + 2] for i in range(0, len(cands), 2)):
                ranked = sorted(pair, key=lambda c: not (c.x >= ll + 1 and c.right <= lr - 1))
                for c in ranked:
                    if area.contains(c) and not any(c.overlaps(t) for t in obstacles):
                        best = c
                        break
                if best is not None:
                    break
            if best is not None:
                break
        if best is None:
            # crowded: the free spot nearest to where the arrow leaves its shape
            (px, py) = a.points[0]
            spots = sorted(
                ((dx, dy) for dx in range(-72, 73, 4) for dy in range(-48, 49, 3)),
                key=lambda d: abs(d[0]) + abs(d[1]),
            )
            for dx, dy in spots:
                c = Rect(x=px + dx - w / 2, y=py + dy - h / 2, w=w, h=h)
                if area.contains(c) and not any(c.overlaps(t) for t in taken):
                    best = c
                    break
        if best is None:
            # very crowded: anywhere free on the page's lanes, nearest first
            (px, py) = a.points[0]
            spots = sorted(
                ((x, y) for x in range(int(area.x), int(area.right - w), 6)
                 for y in range(int(area.y), int(area.bottom - h), 4)),
                key=lambda q: abs(q[0] - px) + abs(q[1] - py),
            )
            for x, y in spots:
                c = Rect(x=x, y=y, w=w, h=h)
                if not any(c.overlaps(t) for t in taken):
                    best = c
                    break
        if best is None:
            best = cands[0]
        taken.append(best.inflate(1.0))
        out.append(attrs.evolve(a, label=TextBox(rect=best, lines=lines, size=size,
                                                 role="label")))
    return out


def _text_needs(flow: _Flow, opts: LayoutOptions) -> tuple[list[float], list[float]]:
    """Total text length of each text column, and the narrowest width each can take."""
    m = fonts.metrics()
    mb = fonts.metrics(True)
    size = opts.font_size
    cols: list[list[str]] = [[], [], [], [], []]
    for r in flow.rows:
        cols[0].append(r.text)
        cols[1].extend(r.inputs)
        cols[2].append(r.waktu)
        cols[3].append(r.output)
        cols[4].append(r.note)
    needs = [sum(m.width(t, size) for t in texts) for texts in cols]
    lab = opts.labels
    heads = (lab.kegiatan, lab.kelengkapan, lab.waktu, lab.output, lab.keterangan)
    mins = []
    for texts, head in zip(cols, heads, strict=True):
        words = [w for t in texts for w in t.split()]
        longest = max((m.width(w, size) for w in words), default=0.0)
        head_w = max((mb.width(w, opts.header_font_size) for w in head.split()), default=0.0)
        mins.append(min(max(longest, head_w, 30.0), 120.0) * fonts.WRAP_RESERVE + 2 * CELL_PAD + 1)
    return needs, mins


def layout_flowchart(graph: nx.DiGraph[Any], options: LayoutOptions | None = None) -> list[Page]:
    """Lay out the flowchart part of the SOP AP document, one :class:`Page` per page.

    When some arrow finds no clean route (a crowded lane full of loops), the table is laid
    out again with taller gutters and narrower symbols, and the cleaner result is kept. When
    too many arrows cross a page break for its off-page connectors, the pages are broken
    again where fewer arrows cross (a page may then end a few rows early).
    """
    opts = options or LayoutOptions()
    flow = _read(graph)
    try:
        return _best_layout(flow, opts, balance=False)
    except LayoutError as exc:
        if "off-page connector" not in str(exc):
            raise
    return _best_layout(flow, opts, balance=True)


def _best_layout(flow: _Flow, opts: LayoutOptions, balance: bool) -> list[Page]:
    first = _Room()
    try:
        pages = _layout(flow, opts, first, balance)
    except LayoutError as exc:
        if "off-page connector" in str(exc) or "taller" in str(exc) or "lanes" in str(exc):
            raise
        first.relaxed[0] = 10**9
        pages, error = [], exc
    if first.relaxed[0] == 0:
        return pages
    best, best_relaxed = pages, first.relaxed[0]
    for room in (_Room(pad_y=PAD_Y * 1.8, side_margin=48.0),
                 _Room(pad_y=PAD_Y * 2.6, side_margin=60.0)):
        try:
            candidate = _layout(flow, opts, room, balance)
        except LayoutError:
            continue
        if room.relaxed[0] < best_relaxed:
            best, best_relaxed = candidate, room.relaxed[0]
        if best_relaxed == 0:
            break
    if not best:
        raise error
    return best


def _break_crossings(flow: _Flow, rows: Sequence[_Row]) -> list[int]:
    """For each possible break before row ``i``, how many arrows would cross it (linear)."""
    index: dict[str, int] = {}
    for i, row in enumerate(rows):
        for nid in (row.start, row.step, row.end):
            if nid is not None:
                index[nid] = i
    for node in flow.nodes.values():  # ends reached by a side exit sit on their step's row
        if node.id not in index:
            index[node.id] = next(i for i, r in enumerate(rows)
                                  if r.data and r.data.row == node.row)
    diff = [0] * (len(rows) + 2)
    for e in flow.edges:
        a, c = sorted((index[e.u], index[e.v]))
        if a != c:  # crosses every break before rows a+1 .. c
            diff[a + 1] += 1
            diff[c + 1] -= 1
    counts, running = [], 0
    for i in range(len(rows) + 1):
        running += diff[i]
        counts.append(running)
    return counts


def _layout(flow: _Flow, opts: LayoutOptions, room: _Room, balance: bool = False) -> list[Page]:
    if not flow.rows:
        raise LayoutError("the SOP has no steps: there is no flowchart to draw")
    pw, ph = opts.page_size()
    m = opts.margin
    cols = _columns(m, pw - 2 * m, len(flow.lanes), *_text_needs(flow, opts))
    ports = _plan_ports(flow)
    rows = _rows(flow, cols, opts, ports, room)
    hdr = _header(flow, cols, opts)
    top = m + (10.0 if opts.page_numbers else 0.0)
    foot = 12.0 if opts.footer else 0.0
    limit = ph - m - CONN_BAND - foot
    first_top = top + hdr.total
    cont_top = top + (hdr.total if opts.repeat_header else 0.0)
    crossings = _break_crossings(flow, rows) if balance else None
    pages_rows = _paginate(rows, first_top, cont_top, limit, CONN_BAND, crossings)
    page_of_row = {i: p for p, idx in enumerate(pages_rows) for i in idx}
    node_page: dict[str, int] = {}
    for i, row in enumerate(rows):
        for nid in (row.start, row.step, row.end):
            if nid is not None:
                node_page[nid] = page_of_row[i]
    for node in flow.nodes.values():
        if node.id not in node_page:
            # end reached by a side exit: on its step's page
            step_row = next(i for i, r in enumerate(rows) if r.data and r.data.row == node.row)
            node_page[node.id] = page_of_row[step_row]
    crossing = sorted(
        (e for e in flow.edges if node_page[e.u] != node_page[e.v]),
        key=lambda e: (flow.nodes[e.u].row, e.order),
    )
    letters = {
        (e.u, e.v): (_letters(k) if opts.lettered_connectors else "")
        for k, e in enumerate(crossing)
    }
    keys = {(e.u, e.v): k for k, e in enumerate(crossing)}
    pages = []
    for p, idx in enumerate(pages_rows):
        has_top = any(
            (node_page[e.v] == p and node_page[e.u] < p)
            or (node_page[e.u] == p and node_page[e.v] < p)
            for e in crossing
        )
        pages.append(
            _build_page(
                flow, rows, idx, p, opts, cols, hdr, ports,
                table_top=top, with_header=(p == 0 or opts.repeat_header),
                top_band=has_top, node_page=node_page, crossing=crossing,
                letters=letters, keys=keys, size=(pw, ph), room=room,
            )
        )
    return pages


def _build_page(
    flow: _Flow, rows: list[_Row], idx: list[int], p: int, opts: LayoutOptions,
    cols: _Columns, hdr: _Header, ports: dict[tuple[str, str], tuple[Side, Side]], *,
    table_top: float, with_header: bool, top_band: bool, node_page: dict[str, int],
    crossing: list[_Edge], letters: dict[tuple[str, str], str],
    keys: dict[tuple[str, str], int], size: tuple[float, float], room: _Room,
) -> Page:
    pw, ph = size
    fills: list[Rect] = []
    lines: list[Line] = []
    texts: list[TextBox] = []
    shapes: list[Shape] = []
    connectors: list[Connector] = []
    left, right = cols.x[0], cols.x[-1]
    y = table_top
    if with_header:
        _draw_header(flow, cols, opts, hdr, y, fills, lines, texts)
        y += hdr.total
    body_top = y
    node_shapes: dict[str, Shape] = {}
    joint_lines: list[tuple[Point, ...]] = []
    bands: list[tuple[float, float]] = []
    row_bounds: list[float] = [body_top]
    size_ = opts.font_size
    for k, i in enumerate(idx):
        row = rows[i]
        band = CONN_BAND if (k == 0 and top_band) else 0.0
        h = row.height + band
        # text cells
        if row.data is not None:
            spans = [cols.col(0), cols.col(1), cols.mutu(0), cols.mutu(1), cols.mutu(2),
                     cols.mutu(3)]
            for (ct, numbered), (cl, _cr) in zip(row.cells, spans, strict=True):
                texts.extend(_place_cell(ct, cl, y + band, row.height, size_, numbered))
        # shapes
        sy = y + band + (row.height - row.zone) / 2 + room.pad_y
        top_shape = sy
        if row.start is not None:
            n = flow.nodes[row.start]
            lane = n.lanes[0]
            ll, lr = cols.lane(lane)
            tw = min(TERM_W, lr - ll - 36)
            rect = Rect(x=(ll + lr) / 2 - tw / 2, y=sy, w=tw, h=TERM_H)
            node_shapes[n.id] = Shape(kind="terminator", rect=rect, node=n.id, lane=lane,
                                      text=n.text, size=opts.label_font_size,
                                      cell=Rect(x=ll, y=y, w=lr - ll, h=h))
            sy += TERM_H + GAP_Y
        if row.step is not None:
            n = flow.nodes[row.step]
            w, hh = (DECISION_W, DECISION_H) if n.kind == "decision" else (PROCESS_W, PROCESS_H)
            boxes = []
            for lane in sorted(set(n.lanes), key=lambda ln: (ln != n.lanes[0], ln)):
                ll, lr = cols.lane(lane)
                room_w = lr - ll - room.side_margin - (4 if n.kind == "decision" else 0)
                text = n.question if n.kind == "decision" else ""
                tsize = opts.label_font_size
                if text:
                    # the question sits on the diamond's middle line, where it is widest
                    tw = fonts.metrics().width(text, tsize)
                    w = max(w, (tw + 3) / 0.7)
                bw = min(w, max(room_w, 30.0))
                if text and fonts.metrics().width(text, tsize) > 0.7 * bw - 3:
                    tsize = max(4.5, tsize * (0.7 * bw - 3) / fonts.metrics().width(text, tsize))
                rect = Rect(x=(ll + lr) / 2 - bw / 2, y=sy, w=bw, h=hh)
                boxes.append(Shape(kind="decision" if n.kind == "decision" else "process",
                                   rect=rect, node=n.id, lane=lane, text=text, size=tsize,
                                   cell=Rect(x=ll, y=y, w=lr - ll, h=h)))
            node_shapes[n.id] = boxes[0]
            shapes.extend(boxes[1:])
            ordered = sorted(boxes, key=lambda b: b.rect.x)
            for a, b in itertools.pairwise(ordered):
                link: tuple[Point, ...] = ((a.rect.right, a.rect.cy), (b.rect.x, b.rect.cy))
                joint_lines.append(link)
                lines.append(Line(points=link, style="dotted", width=0.8, role="joint"))
            sy += hh
        if row.end is not None:
            n = flow.nodes[row.end]
            lane = n.lanes[0]
            ll, lr = cols.lane(lane)
            sy += GAP_Y
            tw = min(TERM_W, lr - ll - 36)
            rect = Rect(x=(ll + lr) / 2 - tw / 2, y=sy, w=tw, h=TERM_H)
            node_shapes[n.id] = Shape(kind="terminator", rect=rect, node=n.id, lane=lane,
                                      text=n.text, size=opts.label_font_size,
                                      cell=Rect(x=ll, y=y, w=lr - ll, h=h))
            sy += TERM_H
        bands.append((top_shape, sy))
        y += h
        row_bounds.append(y)
    body_bottom = y
    # ends reached by a side exit: beside their step, in the lower gutter of its row
    for n in flow.nodes.values():
        if n.kind == "end" and n.id not in node_shapes and node_page[n.id] == p:
            src = next((e.u for e in flow.edges if e.v == n.id), None)
            if src is None or src not in node_shapes:
                continue
            s = node_shapes[src]
            lane = n.lanes[0]
            ll, lr = cols.lane(lane)
            k = next(k for k, i in enumerate(idx) if rows[i].step == src)
            rect = Rect(x=(ll + lr) / 2 - TERM_W / 2, y=s.rect.bottom + 6, w=TERM_W, h=TERM_H)
            if rect.bottom > row_bounds[k + 1] - 4:
                raise LayoutError(f"no room for the end capsule after step {src!r}")
            node_shapes[n.id] = Shape(kind="terminator", rect=rect, node=n.id, lane=lane,
                                      text=n.text, size=opts.label_font_size,
                                      cell=Rect(x=ll, y=row_bounds[k], w=lr - ll,
                                                h=row_bounds[k + 1] - row_bounds[k]))
    shapes.extend(node_shapes.values())
    # table rules
    for yb in row_bounds:
        lines.append(Line(points=((left, yb), (right, yb))))
    n_l = cols.n_lanes
    full = {cols.x[0], cols.x[1], cols.x[2], cols.x[2 + n_l], cols.x[5 + n_l], cols.x[6 + n_l]}
    for x in cols.x:
        if not with_header:
            t = body_top
        elif x in full:
            t = table_top
        else:
            t = table_top + hdr.heights[0]
        lines.append(Line(points=((x, t), (x, body_bottom))))
    if with_header:
        lines.append(Line(points=((left, table_top), (right, table_top))))
    lanes_l, lanes_r = cols.lanes_span
    # Which arrows are drawn here, and by which side of which node shape they leave/enter.
    # An arrow crossing a page break is drawn on each of its pages up to/from a connector.
    local: list[tuple[_Edge, str | None, str | None]] = []  # edge, drawn source, drawn target
    for e in flow.edges:
        pu, pv = node_page[e.u], node_page[e.v]
        if pu == p or pv == p:
            local.append((e, e.u if pu == p else None, e.v if pv == p else None))
    side_users: dict[tuple[str, Side], list[tuple[str, str, str]]] = {}
    for e, a_, b_ in local:
        su, sv = ports[(e.u, e.v)]
        if a_ is not None:
            side_users.setdefault((a_, su), []).append((e.u, e.v, "out"))
        if b_ is not None:
            side_users.setdefault((b_, sv), []).append((e.u, e.v, "in"))
    port_pts: dict[tuple[str, str, str], tuple[Point, Dir]] = {}
    port_shape: dict[tuple[str, str, str], Shape] = {}
    for (node, side), users in side_users.items():
        # a joint activity is left and entered sideways by its outermost boxes
        shape = node_shapes[node]
        group = [b for b in shapes if b.node == node] + [shape]
        if side == "L":
            shape = min(group, key=lambda b: b.rect.x)
        elif side == "R":
            shape = max(group, key=lambda b: b.rect.x)
        for slot, (u_, v_, role) in enumerate(users):
            pt, d = _port_point(shape, side, slot, len(users))
            if role == "in":
                d = {"T": DOWN, "B": UP, "L": RIGHT, "R": LEFT}[side]
            port_pts[(u_, v_, role)] = (pt, d)
            port_shape[(u_, v_, role)] = shape
    # Off-page connectors: in the lane of the shape they attach to, lined up with its port.
    placed: list[Rect] = []

    def connector(e: _Edge, node: str, where: str, direction: Literal["out", "in"]) -> Connector:
        home = flow.nodes[node].lanes[0]
        role = "out" if direction == "out" else "in"
        (px, _py), _d = port_pts[(e.u, e.v, role)]
        side = ports[(e.u, e.v)][0 if role == "out" else 1]
        cy = (body_top + 3) if where == "top" else (body_bottom + 4)
        # in the lane of the shape it attaches to; a crowded lane spills to the nearest lane
        for lane in sorted(range(cols.n_lanes), key=lambda k: (abs(k - home), k)):
            ll, lr = cols.lane(lane)
            want = {"L": ll, "R": lr}.get(side, px) if lane == home else (ll + lr) / 2
            lo, hi = ll + CONN_W / 2 + 1, lr - CONN_W / 2 - 1
            found = None
            n_pos = max(1, int((hi - lo) // (CONN_W + 9)) + 1)
            spots = [lo + (hi - lo) * i / max(n_pos - 1, 1) for i in range(n_pos)]
            for cand in sorted([min(max(want, lo), hi), *spots], key=lambda c: abs(c - want)):
                rect = Rect(x=cand - CONN_W / 2, y=cy, w=CONN_W, h=CONN_H)
                if not any(rect.inflate(4.4).overlaps(r) for r in placed):
                    found = cand
                    break
            if found is not None:
                cx = found
                break
        else:
            raise LayoutError(
                f"no room for another off-page connector on page {p + 1}: too many arrows "
                "cross this page break; use a taller paper or fewer loops across pages"
            )
        rect = Rect(x=cx - CONN_W / 2, y=cy, w=CONN_W, h=CONN_H)
        placed.append(rect)
        cell = Rect(x=ll, y=body_top if where == "top" else body_bottom, w=lr - ll,
                    h=CONN_BAND)
        return Connector(
            shape=Shape(kind="offpage", rect=rect, lane=lane, text=letters[(e.u, e.v)],
                        size=opts.label_font_size, cell=cell),
            key=keys[(e.u, e.v)], letter=letters[(e.u, e.v)], direction=direction,
            edge=(e.u, e.v),
        )

    jobs: list[tuple[tuple[float, ...], _Edge, Shape, Shape, str, str]] = []

    def band_distance(item: tuple[_Edge, str | None, str | None]) -> tuple[int, int]:
        """Crossing arrows nearest their connector band first: they get the aligned spot."""
        e, a_, b_ = item
        if a_ is not None and b_ is not None:
            return (1, 0)
        row = flow.nodes[a_ if a_ is not None else b_ or ""].row
        at_bottom = (a_ is not None) == (node_page[e.v] > node_page[e.u])
        return (0, -row if at_bottom else row)

    for e, a_, b_ in sorted(local, key=band_distance):
        u, v = flow.nodes[e.u], flow.nodes[e.v]
        if a_ is not None and b_ is not None:
            jobs.append(((1.0, abs(v.row - u.row), u.row), e, node_shapes[e.u],
                         node_shapes[e.v], e.u, e.v))
            continue
        forward = node_page[e.v] > node_page[e.u]
        if a_ is not None:
            c = connector(e, e.u, "bottom" if forward else "top", "out")
            pt, d = _port_point(c.shape, "T" if forward else "B", 0, 1)
            port_pts[(e.u, e.v, "in")] = (pt, DOWN if forward else UP)
            jobs.append(((0.0, 0, len(jobs)), e, node_shapes[e.u], c.shape, e.u,
                         f"connector:{c.key}:out"))
        else:
            c = connector(e, e.v, "top" if forward else "bottom", "in")
            pt, d = _port_point(c.shape, "B" if forward else "T", 0, 1)
            port_pts[(e.u, e.v, "out")] = (pt, DOWN if forward else UP)
            jobs.append(((0.0, 0, len(jobs)), e, c.shape, node_shapes[e.v],
                         f"connector:{c.key}:in", e.v))
        connectors.append(c)
    all_shapes = [*shapes, *(c.shape for c in connectors)]
    shape_obstacles = [s.rect.inflate(CLEAR) for s in all_shapes]
    # routing
    area = Rect(x=lanes_l + 1, y=body_top + 1, w=lanes_r - lanes_l - 2,
                h=body_bottom + CONN_BAND - body_top - 2)
    obstacles = shape_obstacles
    order = sorted(jobs, key=lambda j: j[0])
    attempts = min(len(order), 3) + 1
    for attempt in range(attempts):
        last = attempt == attempts - 1
        router = Router(
            area=area,
            obstacles=obstacles,
            ports=[pt for pt, _ in port_pts.values()],
            rules_x=[*cols.x[2:3 + cols.n_lanes]],
            rules_y=row_bounds,
            bands=bands,
        )
        for link in joint_lines:
            router.reserve_line(link)
        arrows: list[Arrow] = []
        failed: int | None = None
        compromises = 0
        for k, (_, e, _su, _sv, a_id, b_id) in enumerate(order):
            (p0, d0) = port_pts[(e.u, e.v, "out")]
            (p1, d1) = port_pts[(e.u, e.v, "in")]
            s0 = port_shape.get((e.u, e.v, "out"), _su)
            s1 = port_shape.get((e.u, e.v, "in"), _sv)
            src_port = Port(point=p0, direction=d0, shape=s0.rect)
            dst_port = Port(point=p1, direction=d1, shape=s1.rect)
            pts: list[Point] | None = None
            # on the last attempt, a route that finds no clean way is drawn with the least
            # possible compromise instead of failing the whole document
            for relax in (0, 1, 2) if last else (0,):
                try:
                    pts = router.route(src_port, dst_port, relax=relax)
                    room.relaxed[0] += relax
                    compromises += relax > 0
                    break
                except RouteError as exc:
                    error = exc
            if pts is None:
                if last:
                    raise LayoutError(f"cannot draw the arrow {e.u} -> {e.v}: {error}")
                failed = k
                break
            arrows.append(Arrow(points=tuple(pts), edge=(e.u, e.v), source=a_id, target=b_id))
        if failed is None:
            break
        # route the arrow that found no way first, then the others
        order.insert(0, order.pop(failed))
    arrows = _place_labels(flow, arrows, all_shapes, opts, cols, node_page, p,
                           Rect(x=lanes_l + 1, y=body_top + 1, w=lanes_r - lanes_l - 2,
                                h=body_bottom + CONN_BAND - body_top - 2), texts,
                           row_bounds)
    # page furniture
    number = opts.first_page_number + p
    if opts.page_numbers:
        label = f"- {number} -"
        w = fonts.metrics().width(label, opts.font_size) + 2
        texts.append(TextBox(rect=Rect(x=pw / 2 - w / 2, y=table_top - 14, w=w,
                                       h=fonts.metrics().line_height(opts.font_size)),
                             lines=(label,), size=opts.font_size, align="center",
                             role="page-number"))
    if opts.footer:
        fh = fonts.metrics().line_height(6.5)
        texts.append(TextBox(rect=Rect(x=left, y=ph - opts.margin + 4, w=right - left, h=fh),
                             lines=(opts.footer,), size=6.5, role="footer"))
    _ = fills
    return Page(
        width=pw, height=ph, number=number,
        lines=tuple(lines), texts=tuple(texts), shapes=tuple(shapes), arrows=tuple(arrows),
        connectors=tuple(connectors), fills=tuple(fills), compromises=compromises,
        rows=tuple(d.row for d in (rows[i].data for i in idx) if d is not None),
    )
