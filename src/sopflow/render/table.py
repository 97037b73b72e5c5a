"""The table phase: column widths, the text of each cell, row heights and the header.

Text is wrapped with the shipped font's metrics; each row grows to fit its text and its
shapes. Everything here is measured once per layout attempt and shared by every page.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Literal

import attrs

from sopflow.graph import NodeKind
from sopflow.render import fonts
from sopflow.render.errors import TooManyLanesError
from sopflow.render.geometry import Line, Rect, TextBox
from sopflow.render.symbols import CELL_PAD, DECISION_H, GAP_Y, PROCESS_H, TERM_H

if TYPE_CHECKING:
    from collections.abc import Sequence

    from sopflow.render.flow import Flow, RowData
    from sopflow.render.options import LayoutOptions
    from sopflow.render.ports import Ports

__all__ = ["Columns", "Header", "HeaderDrawing", "Row", "columns", "draw_header", "header",
           "place_cell", "rows", "text_needs"]

Align = Literal["left", "center"]


# --------------------------------------------------------------------------- columns
@attrs.frozen(kw_only=True)
class Columns:
    """Left edges of: No, Kegiatan, the lanes, Kelengkapan, Waktu, Output, Keterangan; and the
    table's right edge."""

    x: tuple[float, ...]
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


#: Share of the text width per text column: Kegiatan, Kelengkapan, Waktu, Output, Keterangan.
_WEIGHTS = (2.3, 1.3, 0.75, 1.3, 0.75)
_NO_W = 26.0


def _shares(needs: Sequence[float]) -> list[float]:
    """Half of the text width by the usual proportions, half by the square root of the need."""
    base = [w / sum(_WEIGHTS) for w in _WEIGHTS]
    roots = [math.sqrt(max(n, 0.0)) for n in needs] if needs else []
    if roots and sum(roots) > 0:
        return [0.5 * b + 0.5 * r / sum(roots) for b, r in zip(base, roots, strict=True)]
    return base


def _pin_minimums(rest: float, share: Sequence[float], mins: Sequence[float]) -> list[float]:
    """Widths by ``share`` of ``rest``; a column below its minimum is pinned there and the
    others share what is left."""
    widths = [rest * f for f in share]
    pinned: set[int] = set()
    for _ in range(len(widths)):
        low = {i for i, w in enumerate(widths) if w < mins[i] - 1e-9}
        if not low:
            break
        pinned |= low
        fixed = sum(mins[i] for i in pinned)
        free = [i for i in range(len(widths)) if i not in pinned]
        total_free = sum(share[i] for i in free) or 1.0
        for i in pinned:
            widths[i] = mins[i]
        for i in free:
            widths[i] = (rest - fixed) * share[i] / total_free
    return widths


def columns(left: float, width: float, n_lanes: int, needs: Sequence[float] = (),
            minimums: Sequence[float] = ()) -> Columns:
    """Column edges: lanes get an equal share, text columns a share that follows their text.

    ``needs`` is each text column's total text length (Kegiatan, Kelengkapan, Waktu, Output,
    Keterangan), so a long Keterangan gets room instead of a row a page tall.
    """
    lane_weight = 1.4 if n_lanes <= 3 else 1.0  # few lanes: room for corridors beside boxes
    unit = lane_weight * (width - _NO_W) / (sum(_WEIGHTS) + lane_weight * n_lanes)
    lane_w = min(max(unit, 58.0), 140.0)
    rest = width - _NO_W - lane_w * n_lanes
    if rest < 200:
        raise TooManyLanesError(n_lanes)
    mins = list(minimums) if minimums else [0.0] * len(_WEIGHTS)
    widths_t = _pin_minimums(rest, _shares(needs), mins)
    widths = [_NO_W, widths_t[0], *([lane_w] * n_lanes), *widths_t[1:]]
    xs = [left]
    for w in widths:
        xs.append(xs[-1] + w)
    return Columns(x=tuple(xs), n_lanes=n_lanes)


def text_needs(flow: Flow, opts: LayoutOptions) -> tuple[list[float], list[float]]:
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


# --------------------------------------------------------------------------- cell text
@attrs.frozen(kw_only=True)
class CellText:
    """Wrapped text of one cell, positioned relative to the cell's left edge; a numbered list
    alternates number and item pieces."""

    pieces: tuple[tuple[float, float, tuple[str, ...], Align], ...]
    height: float  # total height of the text (without padding)
    numbered: bool = False


def _cell(text: str, left: float, right: float, size: float, align: Align = "left") -> CellText:
    width = right - left - 2 * CELL_PAD
    m = fonts.metrics()
    lines = m.wrap(text, width, size) if text else ()
    return CellText(pieces=((CELL_PAD, width, lines, align),) if lines else (),
                    height=len(lines) * m.line_height(size))


def _numbered(items: Sequence[str], left: float, right: float, size: float) -> CellText:
    if len(items) <= 1:
        return _cell(items[0] if items else "", left, right, size)
    m = fonts.metrics()
    num_w = m.width(f"{len(items)}. ", size)
    width = right - left - 2 * CELL_PAD - num_w
    pieces: list[tuple[float, float, tuple[str, ...], Align]] = []
    y = 0.0
    lh = m.line_height(size)
    for i, item in enumerate(items, start=1):
        lines: tuple[str, ...] = m.wrap(item, width, size) or ("",)
        pieces.append((CELL_PAD, num_w, (f"{i}.",), "left"))
        pieces.append((CELL_PAD + num_w, width, lines, "left"))
        y += len(lines) * lh
    return CellText(pieces=tuple(pieces), height=y, numbered=True)


def place_cell(ct: CellText, left: float, top: float, height: float,
               size: float) -> list[TextBox]:
    """The text boxes of one cell whose left edge is ``left``, centred in its ``height``."""
    lh = fonts.metrics().line_height(size)
    y = top + (height - ct.height) / 2
    boxes = []
    if ct.numbered:
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
class Row:
    """One row of the table: a step with its capsules, or the start capsule's own row."""

    data: RowData | None  # None: the start capsule's own row
    cells: tuple[CellText, ...]  # no, keg, kel, waktu, output, ket
    zone: float  # height needed by the shapes and their gutters
    height: float
    start: str | None  # start node drawn in this row
    step: str | None
    end: str | None  # end node drawn below the step

    def node_ids(self) -> tuple[str, ...]:
        return tuple(n for n in (self.start, self.step, self.end) if n is not None)


def _capsules(flow: Flow, ports: Ports) -> tuple[dict[str, str], dict[str, str]]:
    """Which step's row draws the start capsule, and which steps draw an end capsule below
    themselves (the end their bottom exit leads to)."""
    start_of: dict[str, str] = {}
    end_of: dict[str, str] = {}
    for e in flow.edges:
        if flow.nodes[e.u].kind is NodeKind.START:
            start_of[e.v] = e.u
        if flow.nodes[e.v].kind is NodeKind.END and ports[e.key][0] == "B":
            end_of[e.u] = e.v
    # A start node whose first step is missing still gets drawn in the first row.
    for n in flow.nodes.values():
        if n.kind is NodeKind.START and n.id not in start_of.values() and flow.rows:
            start_of.setdefault(flow.rows[0].step, n.id)
    return start_of, end_of


def _cells(rd: RowData, cols: Columns, opts: LayoutOptions) -> tuple[CellText, ...]:
    size = opts.font_size
    blank = opts.empty_cell
    inputs = tuple(i for i in rd.inputs if i) or ((blank,) if blank else ())
    return (
        _cell(str(rd.row), *cols.col(0), size, "center"),
        _cell(rd.text, *cols.col(1), size),
        _numbered(inputs, *cols.mutu(0), size),
        _cell(rd.waktu or blank, *cols.mutu(1), size, "center"),
        _cell(rd.output or blank, *cols.mutu(2), size),
        _cell(rd.note or blank, *cols.mutu(3), size, "center" if not rd.note else "left"),
    )


def rows(flow: Flow, cols: Columns, opts: LayoutOptions, ports: Ports,
         pad_y: float) -> list[Row]:
    """The table's rows in order, each as tall as its text and its shapes need."""
    start_of, end_of = _capsules(flow, ports)
    out: list[Row] = []
    for rd in flow.rows:
        node = flow.nodes[rd.step]
        start = start_of.get(rd.step)
        if start is not None and opts.start_own_row:
            zone = pad_y + TERM_H + pad_y
            out.append(Row(data=None, cells=(), zone=zone, height=zone, start=start,
                           step=None, end=None))
            start = None
        end = end_of.get(rd.step)
        decision = node.kind is NodeKind.DECISION
        zone = pad_y + (DECISION_H if decision else PROCESS_H) + pad_y
        if decision and end is None:
            # room for an exit label ("Ya") between the diamond and the row's rule
            zone += max(0.0, fonts.metrics().line_height(opts.label_font_size) + 5 - pad_y)
        if start is not None:
            zone += TERM_H + GAP_Y
        if end is not None:
            zone += GAP_Y + TERM_H
        cells = _cells(rd, cols, opts)
        text_h = max(c.height for c in cells) + 2 * CELL_PAD
        out.append(Row(data=rd, cells=cells, zone=zone, height=max(zone, text_h),
                       start=start, step=rd.step, end=end))
    return out


# --------------------------------------------------------------------------- header
@attrs.frozen(kw_only=True)
class Header:
    heights: tuple[float, float, float]  # group row, name row, number row (0 if off)

    @property
    def total(self) -> float:
        return sum(self.heights)


def header(flow: Flow, cols: Columns, opts: LayoutOptions) -> Header:
    """The header's row heights: the tallest wrapped name sets the name row."""
    size = opts.header_font_size
    bold = fonts.metrics(True)
    lh = bold.line_height(size)
    names = [*flow.lanes, opts.labels.kelengkapan, opts.labels.waktu, opts.labels.output]
    spans = [cols.lane(k) for k in range(len(flow.lanes))] + [cols.mutu(k) for k in range(3)]
    n_lines = max(
        len(bold.wrap(name, r - l_ - 2 * CELL_PAD, size))
        for name, (l_, r) in zip(names, spans, strict=True)
    )
    for label, (l_, r) in ((opts.labels.kegiatan, cols.col(1)), (opts.labels.no, cols.col(0)),
                           (opts.labels.keterangan, cols.mutu(3))):
        # these span the group row too: one line fewer in the name row
        n_lines = max(n_lines, len(bold.wrap(label, r - l_ - 2 * CELL_PAD, size)) - 1)
    h1 = lh + 2 * CELL_PAD
    h2 = max(n_lines * lh + 2 * CELL_PAD, 2 * lh + 2 * CELL_PAD)
    h3 = lh + 2 if opts.column_numbers else 0.0
    return Header(heights=(h1, h2, h3))


@attrs.frozen(kw_only=True)
class HeaderDrawing:
    """What the header draws: its shaded background, its inner rules and its words."""

    fills: tuple[Rect, ...]
    lines: tuple[Line, ...]
    texts: tuple[TextBox, ...]


def _header_text(text: str, span: tuple[float, float], top: float, height: float, *,
                 size: float, bold: bool = True) -> TextBox:
    left, right = span
    m = fonts.metrics(bold)
    wrapped = m.wrap(text, right - left - 2 * CELL_PAD, size)
    th = len(wrapped) * m.line_height(size)
    return TextBox(rect=Rect(x=left + CELL_PAD, y=top + (height - th) / 2,
                             w=right - left - 2 * CELL_PAD, h=th),
                   lines=wrapped, size=size, bold=bold, align="center", role="header")


def draw_header(flow: Flow, cols: Columns, opts: LayoutOptions, hdr: Header,
                top: float) -> HeaderDrawing:
    """The header at ``top`` (its vertical rules are drawn with the body's)."""
    size = opts.header_font_size
    h1, h2, h3 = hdr.heights
    left, right = cols.x[0], cols.x[-1]
    labels = opts.labels
    lanes_span = cols.lanes_span
    mutu_l, mutu_r = cols.mutu(0)[0], cols.mutu(2)[1]
    both = h1 + h2
    texts = [
        _header_text(labels.no, cols.col(0), top, both, size=size),
        _header_text(labels.kegiatan, cols.col(1), top, both, size=size),
        _header_text(labels.pelaksana, lanes_span, top, h1, size=size),
        _header_text(labels.mutu_baku, (mutu_l, mutu_r), top, h1, size=size),
        _header_text(labels.keterangan, cols.mutu(3), top, both, size=size),
        *(_header_text(name, cols.lane(k), top + h1, h2, size=size)
          for k, name in enumerate(flow.lanes)),
        *(_header_text(name, cols.mutu(k), top + h1, h2, size=size)
          for k, name in enumerate((labels.kelengkapan, labels.waktu, labels.output))),
    ]
    lines = [Line(points=((lanes_span[0], top + h1), (lanes_span[1], top + h1))),
             Line(points=((mutu_l, top + h1), (mutu_r, top + h1)))]
    if h3:
        y3 = top + h1 + h2
        texts += [_header_text(f"({i + 1})", cols.col(i), y3, h3, size=size - 1, bold=False)
                  for i in range(len(cols.x) - 1)]
        lines.append(Line(points=((left, y3), (right, y3))))
    return HeaderDrawing(fills=(Rect(x=left, y=top, w=right - left, h=both),),
                         lines=tuple(lines), texts=tuple(texts))
