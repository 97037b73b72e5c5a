"""The table phase: column widths, the text of each cell, row heights and the header.

Text is wrapped with the shipped font's metrics; each row grows to fit its text and its
shapes. Everything here is measured once per layout attempt and shared by every page.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Literal

import attrs

from sopflow.graph import NodeKind
from sopflow.render import fonts
from sopflow.render.capsule import fit_capsule, lane_room
from sopflow.render.diamond import diamond_room, fit_diamond
from sopflow.render.errors import TooManyLanesError
from sopflow.render.geometry import PAPERS, Line, Rect, TextBox
from sopflow.render.symbols import (
    CELL_PAD,
    DECISION_H,
    DECISION_W,
    GAP_Y,
    PAD_Y,
    PROCESS_H,
)

if TYPE_CHECKING:

    from sopflow.render.flow import Flow, Node, RowData
    from sopflow.render.options import LayoutOptions
    from sopflow.render.page import Room
    from sopflow.render.ports import Ports

__all__ = [
    "FONT_FLOOR",
    "ColumnNeeds",
    "Columns",
    "Header",
    "HeaderDrawing",
    "Row",
    "columns",
    "draw_header",
    "fit_columns",
    "header",
    "place_cell",
    "rows",
    "text_needs",
]

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


#: Share of the table width signed SOPs give Kegiatan, and Keterangan when it is used
#: (measured on the BPS Provinsi Bengkulu SOPs: about 32 % and 16 %; see docs/rendering.md).
KEGIATAN_SHARE = 0.32
KETERANGAN_SHARE = 0.16
#: Share of the table width shared by Kelengkapan, Waktu and Output by their text.
MUTU_SHARE = 0.24
#: Usual proportions of Kelengkapan, Waktu and Output, blended with their text's length.
_MUTU_WEIGHTS = (1.3, 0.75, 1.3)
_NO_W = 22.0
#: A lane is never narrower than this (a process box and its corridors) nor wider.
LANE_MIN, LANE_MAX = 58.0, 120.0
#: The smallest text size (points) the table shrinks to before it gives up on the paper.
FONT_FLOOR = 6.5
#: Characters after which a word may be broken (a hyphen, a slash and a URL's marks).
SOFT_BREAKS = "/-._?&="


#: How many steps of width a column is tried wider by at once (a word needs several).
LOOKAHEAD = 8
#: Shares of the table width tried for the lanes together (each lane within its limits):
#: the one giving the shortest table (rows and header) is kept.
LANES_SHARES = (0.22, 0.30, 0.38)


def _shares(used_note: bool) -> list[float]:
    """How width left over once every row is as short as its shapes is shared: as signed
    SOPs share it (Kegiatan a third, a used Keterangan a sixth)."""
    mutu = [MUTU_SHARE * w / sum(_MUTU_WEIGHTS) for w in _MUTU_WEIGHTS]
    return [KEGIATAN_SHARE, *mutu, KETERANGAN_SHARE if used_note else 0.02]


#: Text height of each text column's cells (one value per row) at a given width.
ColumnHeights = Callable[[int, float], Sequence[float]]


def _grow(rest: float, mins: Sequence[float], floors: Sequence[float],
          heights: ColumnHeights) -> list[float]:
    """Text column widths from their minimums: each step of width goes to the column whose
    widening makes the table shortest (rows never below ``floors``, their shapes' height)."""
    widths = list(mins)
    step = max(4.0, rest / 48)
    cache: dict[tuple[int, float], Sequence[float]] = {}

    def col(k: int, w: float) -> Sequence[float]:
        key = (k, round(w, 3))
        if key not in cache:
            cache[key] = heights(k, w)
        return cache[key]

    def total(ws: Sequence[float]) -> float:
        cols = [col(k, w) for k, w in enumerate(ws)]
        return sum(max(f, *(c[i] for c in cols)) for i, f in enumerate(floors))

    now = total(widths)
    while True:
        room = rest - sum(widths)
        best: tuple[float, int, int] | None = None  # (-gain per step, column, steps)
        for k in range(len(widths)):
            for n in range(1, LOOKAHEAD + 1):
                if n * step > room + 1e-6:
                    break
                wider = [*widths[:k], widths[k] + n * step, *widths[k + 1:]]
                gain = now - total(wider)
                if gain > 0.5 and (best is None or -gain / n < best[0]):
                    best = (-gain / n, k, n)
        if best is None:
            break
        _, k, n = best
        widths[k] += n * step
        now = total(widths)
    return widths


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


def fits(width: float, n_lanes: int, minimums: Sequence[float], lane_min: float) -> bool:
    """True if the columns' minimum widths fit ``width``."""
    return _NO_W + n_lanes * lane_min + sum(minimums) <= width + 1e-6


def lanes_that_fit(width: float, minimums: Sequence[float], lane_min: float) -> int:
    """How many lanes of ``lane_min`` fit beside the text columns' minimums in ``width``."""
    return max(0, math.floor((width - _NO_W - sum(minimums) + 1e-6) / lane_min))


def min_table_width(n_lanes: int, minimums: Sequence[float], lane_min: float) -> float:
    """The narrowest table that holds ``n_lanes`` lanes and the text columns."""
    return _NO_W + n_lanes * lane_min + sum(minimums)


@attrs.frozen(kw_only=True)
class ColumnNeeds:
    """What the columns need: the text columns' minimums, the lanes' minimum, and for sharing
    by content each text column's heights at a width and each row's shape height."""

    minimums: Sequence[float]
    lane_min: float = LANE_MIN
    heights: ColumnHeights | None = None
    floors: Sequence[float] = ()
    used_note: bool = True
    lanes_share: float = 0.30
    #: per lane, room for exit labels beside its diamonds, given when the paper has it
    lane_wishes: tuple[float, ...] = ()


def columns(left: float, width: float, n_lanes: int, need: ColumnNeeds) -> Columns:
    """Column edges within ``width``, shared by content as signed SOPs share them.

    The lanes wish for ``LANES_SHARE`` of the table (each between ``lane_min`` and
    ``LANE_MAX``); the text columns start at their minimums (their longest unbreakable word)
    and each further step of width goes where it makes the rows shortest (``heights`` gives a
    column's text heights at a width; ``floors`` each row's shape height); what is left when no
    row gets shorter is shared as signed SOPs share it (Kegiatan about a third, a used
    Keterangan a sixth). The table is never wider than ``width``:
    :class:`TooManyLanesError` when the minimums do not fit.
    """
    mins, lane_min = list(need.minimums), need.lane_min
    heights, floors = need.heights, need.floors
    if not fits(width, n_lanes, mins, lane_min):
        raise TooManyLanesError(n_lanes, fit=lanes_that_fit(width, mins, lane_min))
    lane_w = min(max(need.lanes_share * width / max(n_lanes, 1), lane_min), LANE_MAX)
    lanes = [lane_w] * n_lanes
    spare_w = width - _NO_W - sum(mins) - lane_w * n_lanes
    for k, wish in enumerate(need.lane_wishes):
        extra = min(max(0.0, wish - lane_w), max(0.0, spare_w))
        lanes[k] += extra
        spare_w -= extra
    rest = width - _NO_W - sum(lanes)
    grown = _grow(rest, mins, floors, heights) if heights is not None and floors else mins
    shares = _shares(need.used_note)
    spare = rest - sum(grown)
    # the spare width goes to the columns whose signed share they are furthest below
    wishes = [max(0.0, f * width - w) for f, w in zip(shares, grown, strict=True)]
    if sum(wishes) > 0:
        give = min(spare, sum(wishes))
        grown = [w + give * d / sum(wishes) for w, d in zip(grown, wishes, strict=True)]
        spare -= give
    grown = [w + spare * f / sum(shares) for w, f in zip(grown, shares, strict=True)]
    widths = [_NO_W, grown[0], *lanes, *grown[1:]]
    xs = [left]
    for w in widths:
        xs.append(xs[-1] + w)
    return Columns(x=tuple(xs), n_lanes=n_lanes)


def _pieces(text: str) -> list[str]:
    """The parts of ``text`` a line may not break inside: words cut after soft breaks."""
    out: list[str] = []
    for word in text.split():
        piece = ""
        for ch in word:
            piece += ch
            if ch in SOFT_BREAKS:
                out.append(piece)
                piece = ""
        if piece:
            out.append(piece)
    return out


def _min_width(texts: Sequence[str], size: float, bold: bool = False, floor: float = 0.0,
               extra: float = 0.0) -> float:
    """A column's minimum width: its longest unbreakable piece (or ``floor``), padded."""
    m = fonts.metrics(bold)
    longest = max((m.width(p, size) for t in texts for p in _pieces(t)), default=0.0)
    return max(longest + extra, floor) * fonts.WRAP_RESERVE + 2 * CELL_PAD + 1


def lane_minimum(flow: Flow, opts: LayoutOptions) -> float:
    """The narrowest lane: room for a process box, and for the longest word of a lane name."""
    return max(LANE_MIN, _min_width(flow.lanes, opts.header_font_size, bold=True))


def label_room(flow: Flow, opts: LayoutOptions) -> tuple[float, ...]:
    """Per lane, the width that leaves room for its decisions' exit labels on both sides of
    the diamond (a label wider than 52 pt wraps, as the labels phase wraps it); 0 if none."""
    m = fonts.metrics()
    size = opts.label_font_size
    widest = [0.0] * len(flow.lanes)
    for e in flow.edges:
        node = flow.nodes[e.u]
        if e.label and node.kind is NodeKind.DECISION:
            w = m.width(e.label, size)
            if w > 52:
                w = max(m.width(line, size) for line in m.wrap(e.label, 48.0, size))
            if node.lanes:
                widest[node.lanes[0]] = max(widest[node.lanes[0]], w)
    return tuple(min(DECISION_W + 2 * (w + 6.0), LANE_MAX + 30) if w else 0.0
                 for w in widest)


def text_needs(flow: Flow, opts: LayoutOptions) -> tuple[list[float], list[float]]:
    """Total text length of each text column, and the narrowest width each can take (its
    longest word or header word: a word is broken only after a hyphen or a slash)."""
    m = fonts.metrics()
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
    num_w = m.width(f"{max((len(r.inputs) for r in flow.rows), default=0)}. ", size)
    mins = []
    for k, (texts, head) in enumerate(zip(cols, heads, strict=True)):
        text_min = _min_width(texts, size, floor=24.0, extra=num_w if k == 1 else 0.0)
        mins.append(max(text_min, _min_width([head], opts.header_font_size, bold=True)))
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


def _term_h(flow: Flow, node: str, cols: Columns, opts: LayoutOptions) -> float:
    """The height of ``node``'s capsule: taller than a symbol's only when its word wraps."""
    n = flow.nodes[node]
    ll, lr = cols.lane(n.lanes[0]) if n.lanes else cols.lane(0)
    return fit_capsule(n.text, lane_room(flow, node, lr - ll), opts.font_size, FONT_FLOOR).h


def _diamond_h(node: Node, cols: Columns, opts: LayoutOptions, side_margin: float) -> float:
    """The height of a decision's diamonds: taller than usual only when its question wraps."""
    widths = [cols.lane(ln)[1] - cols.lane(ln)[0] for ln in set(node.lanes)]
    return max(fit_diamond(node.question, diamond_room(w, side_margin), opts.label_font_size,
                           FONT_FLOOR, w - 2 * CELL_PAD).h for w in widths)


def end_gap(node: Node, opts: LayoutOptions) -> float:
    """The gap between a step's shape and its end capsule below: under a diamond, room for
    the exit's label ("Ya") beside the short arrow."""
    if node.kind is not NodeKind.DECISION:
        return GAP_Y
    return max(GAP_Y, fonts.metrics().line_height(opts.label_font_size) + 5.0)


def rows(flow: Flow, cols: Columns, opts: LayoutOptions, ports: Ports,
         room: Room) -> list[Row]:
    """The table's rows in order, each as tall as its text and its shapes with the gutters
    of ``room`` need (diamonds as :func:`~sopflow.render.diamond.fit_diamond` sizes them with
    the room's ``side_margin``)."""
    start_of, end_of = _capsules(flow, ports)
    out: list[Row] = []
    for rd in flow.rows:
        node = flow.nodes[rd.step]
        start = start_of.get(rd.step)
        if start is not None and opts.start_own_row:
            zone = room.pad_y + _term_h(flow, start, cols, opts) + room.below
            out.append(Row(data=None, cells=(), zone=zone, height=zone, start=start,
                           step=None, end=None))
            start = None
        end = end_of.get(rd.step)
        decision = node.kind is NodeKind.DECISION
        shape_h = _diamond_h(node, cols, opts, room.side_margin) if decision else PROCESS_H
        zone = room.pad_y + shape_h + room.below
        if decision and end is None:
            # room for an exit label ("Ya") between the diamond and the row's rule
            zone += max(0.0, fonts.metrics().line_height(opts.label_font_size) + 5 - room.below)
        if start is not None:
            zone += _term_h(flow, start, cols, opts) + GAP_Y
        if end is not None:
            zone += end_gap(node, opts) + _term_h(flow, end, cols, opts)
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


def header_text(text: str, span: tuple[float, float], top: float, height: float, *,
                 size: float, bold: bool = True) -> TextBox:
    """A header cell's words, wrapped and centred in ``span`` (also the swimlane titles)."""
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
        header_text(labels.no, cols.col(0), top, both, size=size),
        header_text(labels.kegiatan, cols.col(1), top, both, size=size),
        header_text(labels.pelaksana, lanes_span, top, h1, size=size),
        header_text(labels.mutu_baku, (mutu_l, mutu_r), top, h1, size=size),
        header_text(labels.keterangan, cols.mutu(3), top, both, size=size),
        *(header_text(name, cols.lane(k), top + h1, h2, size=size)
          for k, name in enumerate(flow.lanes)),
        *(header_text(name, cols.mutu(k), top + h1, h2, size=size)
          for k, name in enumerate((labels.kelengkapan, labels.waktu, labels.output))),
    ]
    lines = [Line(points=((lanes_span[0], top + h1), (lanes_span[1], top + h1))),
             Line(points=((mutu_l, top + h1), (mutu_r, top + h1)))]
    if h3:
        y3 = top + h1 + h2
        texts += [header_text(f"({i + 1})", cols.col(i), y3, h3, size=size - 1, bold=False)
                  for i in range(len(cols.x) - 1)]
        lines.append(Line(points=((left, y3), (right, y3))))
    return HeaderDrawing(fills=(Rect(x=left, y=top, w=right - left, h=both),),
                         lines=tuple(lines), texts=tuple(texts))


# --------------------------------------------------------------------------- fitting
def _heights(flow: Flow, opts: LayoutOptions) -> ColumnHeights:
    """Text heights of one text column's cells at a width, padding included."""
    size = opts.font_size
    blank = opts.empty_cell

    def texts(k: int) -> list[tuple[str, ...] | str]:
        return [r.text if k == 0 else
                (tuple(i for i in r.inputs if i) or ((blank,) if blank else ())) if k == 1 else
                (r.waktu or blank) if k == 2 else (r.output or blank) if k == 3 else
                (r.note or blank) for r in flow.rows]

    def heights(k: int, width: float) -> list[float]:
        out = []
        for t in texts(k):
            cell = (_numbered(t, 0.0, width, size) if isinstance(t, tuple)
                    else _cell(t, 0.0, width, size))
            out.append(cell.height + 2 * CELL_PAD)
        return out

    return heights


def _floors(flow: Flow, gutters: float) -> list[float]:
    """Each row's height without text: its shape and the gutters above and below it."""
    return [gutters + (DECISION_H if flow.nodes[r.step].kind is NodeKind.DECISION
                         else PROCESS_H) for r in flow.rows]


def _shortest(flow: Flow, opts: LayoutOptions, left: float, width: float,
              need: ColumnNeeds) -> Columns:
    """The columns, of those tried with each of ``LANES_SHARES``, giving the shortest table:
    narrow lanes leave the text more room but may wrap the lane names in the header. Room
    for exit labels beside the diamonds is given when it makes the table at most
    ``LABEL_ROOM_COST`` taller."""
    plain = _tallies(flow, opts, left, width, attrs.evolve(need, lane_wishes=()))
    if not any(need.lane_wishes):
        return plain[1]
    roomy = _tallies(flow, opts, left, width, need)
    return roomy[1] if roomy[0] <= plain[0] * (1 + LABEL_ROOM_COST) else plain[1]


#: How much taller (as a share) the table may grow to give exit labels room in their lane.
LABEL_ROOM_COST = 0.02


def _tallies(flow: Flow, opts: LayoutOptions, left: float, width: float,
             need: ColumnNeeds) -> tuple[float, Columns]:
    """The shortest table's height and its columns, over the lanes' shares tried."""
    heights = need.heights
    assert heights is not None
    best: tuple[float, Columns] | None = None
    for share in LANES_SHARES:
        cols = columns(left, width, len(flow.lanes), attrs.evolve(need, lanes_share=share))
        spans = [cols.col(1), *(cols.mutu(k) for k in range(4))]
        text = [heights(k, r - l_) for k, (l_, r) in enumerate(spans)]
        body = sum(max(f, *(t[i] for t in text)) for i, f in enumerate(need.floors))
        total = body + header(flow, cols, opts).total
        if best is None or total < best[0] - 0.5:
            best = (total, cols)
    assert best is not None
    return best


def _at_size(opts: LayoutOptions, size: float) -> LayoutOptions:
    shrink = size / opts.font_size if opts.font_size else 1.0
    return attrs.evolve(opts, font_size=size,
                        header_font_size=round(opts.header_font_size * shrink, 2),
                        label_font_size=max(round(opts.label_font_size * shrink, 2),
                                            min(opts.label_font_size, FONT_FLOOR)))


def fit_columns(flow: Flow, opts: LayoutOptions, left: float, width: float,
                gutters: float = 2 * PAD_Y) -> tuple[Columns, LayoutOptions]:
    """The columns at the largest text size (down to ``FONT_FLOOR``) at which the table fits
    ``width``, and the options with that size; :class:`TooManyLanesError` naming how many
    lanes fit and the smallest paper that holds them all when none does."""
    n = len(flow.lanes)
    for size in fonts.half_point_sizes(opts.font_size, FONT_FLOOR):
        sized = _at_size(opts, size) if size != opts.font_size else opts
        needs, mins = text_needs(flow, sized)
        lane_min = lane_minimum(flow, sized)
        if fits(width, n, mins, lane_min):
            need = ColumnNeeds(minimums=mins, lane_min=lane_min, heights=_heights(flow, sized),
                               floors=_floors(flow, gutters), used_note=needs[4] > 0,
                               lane_wishes=label_room(flow, sized))
            return _shortest(flow, sized, left, width, need), sized
    floor = _at_size(opts, FONT_FLOOR)
    _, mins = text_needs(flow, floor)
    lane_min = lane_minimum(flow, floor)
    need_w = min_table_width(n, mins, lane_min) + 2 * opts.margin
    wider = next((p.name for p in sorted(PAPERS.values(), key=lambda p: p.landscape()[0])
                  if (p.landscape()[0] if opts.landscape else p.width) >= need_w), None)
    raise TooManyLanesError(n, fit=lanes_that_fit(width, mins, lane_min), paper=opts.paper,
                            wider=wider)
