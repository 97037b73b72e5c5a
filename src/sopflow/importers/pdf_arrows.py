"""Arrows between symbols, and their labels, read from the text-free page raster.

With the table rules and symbols masked, what is left in the lane area is connector ink.
Horizontal and vertical strokes are taken (dashes bridged), joined into nets at corners,
T-junctions and across small gaps (a row rule cut out under a vertical arrow), but not at
crossings. A net's free ends are tied to the nearest symbol; an end with an arrowhead (a
filled triangle or an open "V": ink beside the line near its end that is not itself a
straight stroke) is a target, a bare end a source. Words left in the lane area are labels,
given to the arrow whose strokes pass nearest.
"""

from __future__ import annotations

from collections.abc import Sequence

import attrs
import numpy as np
import numpy.typing as npt

from sopflow.importers.pdf_lines import Segment, long_runs, segments
from sopflow.importers.pdf_source import SCALE, PageData, Word
from sopflow.importers.pdf_symbols import BELOW, CAPSULE, DECISION, Symbol
from sopflow.importers.pdf_table import PageTable, cell_text

__all__ = ["Arrow", "Stub", "find_arrows"]

BoolImage = npt.NDArray[np.bool_]

_ATTACH = 8.0  # points: a free end this close to a symbol touches it (diamond tips are
# a little outside the blob read for the symbol)
_REACH = 18.0  # points: a headed end stopping short looks this far ahead for its target
_JOIN = 3.5  # points: ends this close to another stroke are joined to it
_LABEL = 22.0  # points: a label this close to a stroke belongs to its arrow
_UNDER = 12.0  # points under the table still searched for exit labels


@attrs.frozen
class Arrow:
    """An arrow on one page from symbol to symbol (indices into the page's symbol list).

    ``source``/``target`` None: that end is free (a stub at a page break, or unresolved).
    ``direction_read`` is False when no arrowhead was seen and the direction was assumed.
    """

    page: int
    source: int | None
    target: int | None
    label: str | None
    direction_read: bool
    reached: bool  # the target end stopped short and was extended to the nearest symbol
    path: tuple[tuple[float, float], ...]
    free_end: tuple[float, float] | None = None
    start: tuple[float, float] | None = None  # where the line leaves its source (points)


@attrs.frozen
class Stub:
    """A free end of a line at the table's top or bottom edge (a page break without connector)."""

    page: int
    symbol: int
    at_bottom: bool
    x: float


@attrs.define
class _Terminal:
    segment: int
    end: int
    x: float  # pixels
    y: float
    head: bool = False
    symbol: int | None = None
    reached: bool = False
    strong: bool = False  # the head is certain: a filled head's bar, or its widening ink


def _stroke_ink(page: PageData, table: PageTable, rules: BoolImage,
                symbols: Sequence[Symbol]) -> tuple[BoolImage, tuple[int, int, int, int]]:
    lanes = table.lanes
    left = round(min(c.x0 for c in lanes) * SCALE) - 2
    right = round(max(c.x1 for c in lanes) * SCALE) + 2
    top = round((table.body_top - (0 if table.header else BELOW)) * SCALE) - 2
    bottom = round((table.box[3] + BELOW) * SCALE) + 2
    left, top = max(left, 0), max(top, 0)
    ink = np.zeros_like(page.ink)
    ink[top:bottom, left:right] = (_faint(page) & ~rules & ~_rule_fringe(page, table))[
        top:bottom, left:right]
    area = np.zeros_like(ink)
    area[top:bottom, left:right] = True
    for s in symbols:
        # the blob of a symbol is a little smaller than its outline (rounded ends, tips)
        grow = round({DECISION: 2.5, CAPSULE: 1.5}.get(s.kind, 1.0) * SCALE)
        area[max(round(s.y0 * SCALE) - grow, 0):round(s.y1 * SCALE) + grow + 1,
             max(round(s.x0 * SCALE) - grow, 0):round(s.x1 * SCALE) + grow + 1] = False
    return ink & area, (left, top, min(right, ink.shape[1]), min(bottom, ink.shape[0]))


def _rule_fringe(page: PageData, table: PageTable) -> BoolImage:
    """The barely grey anti-aliased fringe beside the row rules.

    Read as a stroke it runs along the whole row, and every line that crosses the rule or
    jogs round it (a line drawn close along a row rule) would join it into one net.
    """
    fringe: BoolImage = (page.gray >= 200) & (page.gray < 232)
    band = np.zeros_like(fringe)
    for seg in table.rules_h:
        c, half = round(seg.pos), seg.thick // 2 + 2
        band[max(c - half, 0):c + half + 1, max(seg.a - 1, 0):seg.b + 2] = True
    # along the rule only: the grey edge of a line or head crossing it is no fringe
    return long_runs(fringe & band, round(6 * SCALE))


def find_arrows(page: PageData, table: PageTable, rules: BoolImage,
                symbols: Sequence[Symbol]) -> tuple[list[Arrow], list[Stub], list[str]]:
    """The arrows drawn on ``page`` between ``symbols``, line stubs at the table edges, and
    the label phrases of the lane area that no arrow took (to be named in the review)."""
    stroke, frame = _stroke_ink(page, table, rules, symbols)
    px = page.px
    left, top, right, bottom = frame
    crop = stroke[top:bottom, left:right]
    segs = segments(crop, horizontal=True, min_length=px(4), max_thick=px(3), bridge=px(4))
    segs += segments(crop, horizontal=False, min_length=px(4), max_thick=px(3), bridge=px(4))
    segs = [_shift(s, left, top) for s in segs]
    if not segs:
        return [], [], [p[0] for p in _label_phrases(page, table, symbols)]
    segs, capped = _arrowhead_bars(segs)
    plain = _faint(page)  # rules crossing the window are full rows, ignored there
    residual = _residual(stroke, segs)
    nets = _nets(segs)
    labels = _label_phrases(page, table, symbols)
    arrows: list[Arrow] = []
    stubs: list[Stub] = []
    for net in nets:
        terminals = _terminals(net, segs, symbols, residual, capped)
        _follow_turns(plain, segs, terminals, symbols)
        found, edge = _net_arrows(page, net, segs, terminals, symbols, frame, capped,
                                  plain)
        arrows.extend(found)
        stubs.extend(edge)
    arrows.extend(_direct_links(plain, symbols, arrows, page.number))
    labelled = _attach_labels(arrows, labels, symbols)
    unattached = [p[0] for p in labels]
    for arrow in labelled:
        if arrow.label is not None:
            unattached.remove(arrow.label)
    # under the table: maybe not ours; a bare number is a step or connector number
    inside = {p[0] for p in labels if p[2] <= table.box[3] and not p[0].strip(" .()").isdigit()}
    return labelled, stubs, [text for text in unattached if text in inside]


def _direct_links(ink: BoolImage, symbols: Sequence[Symbol], arrows: Sequence[Arrow],
                  page: int) -> list[Arrow]:
    """Short vertical arrows between stacked symbols that vanish with the masks around them.

    A line of a few points from a symbol across a row rule to the symbol below leaves no
    stroke once symbols and rules are masked; read it straight from the ink between them.
    """
    joined = {(a.source, a.target) for a in arrows} | {(a.target, a.source) for a in arrows}
    found: list[Arrow] = []
    for i, upper in enumerate(symbols):
        for j, lower in enumerate(symbols):
            if i == j or (i, j) in joined or upper.lane != lower.lane or upper.lane < 0:
                continue
            gap = lower.y0 - upper.y1
            if not 0 < gap < 16 or lower.x1 < upper.cx - 1 or lower.x0 > upper.cx + 1:
                continue
            x = round(upper.cx * SCALE)
            lo, hi = round(upper.y1 * SCALE) + 1, round(lower.y0 * SCALE)
            column = ink[lo:hi, max(x - 1, 0):x + 2].any(axis=1)
            if hi - lo < 2 or not column.all():
                continue
            line = Segment(horizontal=False, pos=float(x), a=lo, b=hi - 1, thick=1)
            side = _head_side(ink, line, (lo, hi))
            source, target = (j, i) if side == 0 else (i, j)
            start = (upper.cx, upper.y1) if source == i else (upper.cx, lower.y0)
            found.append(Arrow(page=page, source=source, target=target, label=None,
                               direction_read=side is not None, reached=False,
                               path=((upper.cx, upper.y1), (upper.cx, lower.y0)), start=start))
            joined |= {(i, j), (j, i)}
    return found


def _faint(page: PageData) -> BoolImage:
    """Ink including light grey: thin grey connectors are lighter than table rules."""
    faint: BoolImage = page.gray < 232
    return faint


def _shift(s: Segment, left: int, top: int) -> Segment:
    """A segment found in a crop, back in page pixels."""
    if s.horizontal:
        return attrs.evolve(s, pos=s.pos + top, a=s.a + left, b=s.b + left)
    return attrs.evolve(s, pos=s.pos + left, a=s.a + top, b=s.b + top)


def _arrowhead_bars(segs: list[Segment]) -> tuple[list[Segment], set[tuple[int, int]]]:
    """Drop the short bars that a filled arrowhead leaves across a line's end.

    A filled triangle has rows (or columns) long enough to look like a short stroke across
    the line, centred on it, near the tip. Such a bar marks that end of the line as headed.
    """
    short = 7 * SCALE
    bars: set[int] = set()
    heads: list[tuple[Segment, int]] = []
    for i, bar in enumerate(segs):
        if bar.length > short:
            continue
        middle = (bar.a + bar.b) / 2
        for line in segs:
            if line.horizontal == bar.horizontal or line.length < bar.length:
                continue
            if abs(middle - line.pos) > 2.5 or not line.crosses(bar.pos, 3 * SCALE):
                continue
            edge = 2.5  # a head sticks out on both sides of its line's middle; a
            if bar.a > line.pos - edge or bar.b < line.pos + edge:  # corner's leg on one
                continue
            # the bar marks the nearer end; on a line hardly longer than a head the bar
            # cannot tell the ends apart (the direction is then taken from the layout)
            bars.add(i)
            d0, d1 = abs(bar.pos - line.a), abs(bar.pos - line.b)
            end = 0 if d0 < d1 else 1
            if min(d0, d1) <= 8 * SCALE and abs(d0 - d1) > 2.5 * SCALE \
                    and line.length > 12 * SCALE:  # shorter: the ink profile decides
                heads.append((line, end))
    kept = [s for i, s in enumerate(segs) if i not in bars]
    index = {id(s): k for k, s in enumerate(kept)}
    capped = {(index[id(line)], end) for line, end in heads if id(line) in index}
    return kept, capped


def _residual(stroke: BoolImage, segs: Sequence[Segment]) -> BoolImage:
    """Ink that is not part of a straight stroke: arrowheads (and little else)."""
    straight = np.zeros_like(stroke)
    for s in segs:
        half = max(s.thick // 2, 1)
        lo, hi = round(s.pos) - half, round(s.pos) + half + 1
        if s.horizontal:
            straight[max(lo, 0):hi, s.a:s.b + 1] = True
        else:
            straight[s.a:s.b + 1, max(lo, 0):hi] = True
    return stroke & ~straight


def _gap(s: Segment, point: tuple[float, float]) -> float:
    """Distance in pixels from a point to a segment's centre line."""
    x, y = point
    along, across = (x, y) if s.horizontal else (y, x)
    d_along = max(s.a - along, 0.0, along - s.b)
    return float(np.hypot(d_along, across - s.pos))


def _nets(segs: Sequence[Segment]) -> list[list[int]]:
    """Segments grouped into connected nets (corners, T-junctions, collinear gaps)."""
    parent = list(range(len(segs)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    tol = _JOIN * SCALE
    for i, a in enumerate(segs):
        for j in range(i + 1, len(segs)):
            b = segs[j]
            if _joined(a, b, tol):
                parent[find(i)] = find(j)
    groups: dict[int, list[int]] = {}
    for i in range(len(segs)):
        groups.setdefault(find(i), []).append(i)
    return list(groups.values())


def _joined(a: Segment, b: Segment, tol: float) -> bool:
    if a.horizontal == b.horizontal:
        if abs(a.pos - b.pos) > 2.5:
            return False
        return max(a.a, b.a) - min(a.b, b.b) <= tol * 2  # overlap, or a small collinear gap
    ends_a = (a.end(0), a.end(1))
    ends_b = (b.end(0), b.end(1))
    return any(_gap(b, e) <= tol for e in ends_a) or any(_gap(a, e) <= tol for e in ends_b)


def _terminals(net: Sequence[int], segs: Sequence[Segment], symbols: Sequence[Symbol],
               residual: BoolImage, capped: set[tuple[int, int]]) -> list[_Terminal]:
    tol = _JOIN * SCALE
    found: list[_Terminal] = []
    for i in net:
        s = segs[i]
        # an end is joined to a stroke it touches, unless the other end is nearer that
        # stroke (a leg shorter than the join distance is joined at one end only)
        free = [not any(_gap(segs[j], s.end(end)) <= tol
                        and _gap(segs[j], s.end(end)) <= _gap(segs[j], s.end(1 - end))
                        for j in net if j != i and not _collinear_beyond(s, segs[j], end))
                for end in (0, 1)]
        for end in (0, 1):
            if not free[end]:
                continue
            point = s.end(end)
            terminal = _Terminal(segment=i, end=end, x=point[0], y=point[1])
            terminal.symbol = _nearest(symbols, point, _ATTACH)
            terminal.head = (i, end) in capped or (
                (_thick_tip(s, segs, net, free)
                 or _has_head(residual, s, end, joined=not free[1 - end]))
                and not _at_tip(s, point, terminal.symbol, symbols))
            found.append(terminal)
    return found


def _follow_turns(ink: BoolImage, segs: Sequence[Segment], terminals: Sequence[_Terminal],
                  symbols: Sequence[Symbol]) -> None:
    """A line's last leg lost under a rule it runs along: follow the ink round the corner.

    A connector drawn close along a row rule is partly masked with the rule, and the short
    drop after it (mostly arrowhead) is too short for a stroke: the net then seems to end
    beside whatever symbol is nearest. Unmasked ink that turns at the end and runs on to a
    symbol's outline names the symbol the line really reaches (and its head is there).
    """
    for t in terminals:
        s = segs[t.segment]
        for sign in (1, -1):
            hit, headed = _run_to_symbol(ink, t, s.horizontal, sign, symbols)
            run = attrs.evolve(s, horizontal=not s.horizontal)
            if headed and _at_tip(run, (t.x, t.y), hit, symbols):
                headed = False  # a diamond's edges converging at its tip
            if hit is not None and not _ahead(symbols[hit], t, s.horizontal):
                continue  # the run went along an outline, not into the symbol
            if hit is not None and hit != t.symbol:
                t.symbol, t.head, t.strong = hit, True, headed
                break
            if hit is not None and headed and t.head:  # a head seen, and its ink confirms it
                t.strong = True
                break


def _ahead(symbol: Symbol, t: _Terminal, horizontal: bool) -> bool:
    """Whether a run across a line's end at ``t`` points into ``symbol`` (not beside it)."""
    x, y = t.x / SCALE, t.y / SCALE
    if horizontal:  # the run is vertical
        return symbol.x0 + 1 <= x <= symbol.x1 - 1
    return symbol.y0 + 1 <= y <= symbol.y1 - 1


def _run_to_symbol(ink: BoolImage, t: _Terminal, horizontal: bool, sign: int,
                   symbols: Sequence[Symbol]) -> tuple[int | None, bool]:
    """The symbol a perpendicular run of ink from a terminal reaches (3 to 20 points), and
    whether the ink widens like a filled head there (a head may straddle the corner)."""
    x, y = round(t.x), round(t.y)
    height, width = ink.shape
    near = round(1.5 * SCALE)  # a head's tip may be off the line's end by a little

    def at(step: int, reach: int) -> BoolImage:
        px, py = (x, y + sign * step) if horizontal else (x + sign * step, y)
        if not (0 <= px < width and 0 <= py < height):
            return np.zeros(0, dtype=bool)
        row: BoolImage = ink[py, max(px - reach, 0):px + reach + 1] if horizontal else ink[
            max(py - reach, 0):py + reach + 1, px]
        return row

    for step in range(1, round(20 * SCALE)):
        window = at(step, near)
        if not window.size:
            return None, False
        if window.any():
            continue
        if step < 3 * SCALE:
            return None, False
        hit = _nearest(symbols, (float(x if horizontal else x + sign * step),
                                 float(y + sign * step if horizontal else y)), 1.5)
        half = round(4 * SCALE)
        widths = [int(row.sum()) for k in range(-half, step) if (row := at(k, half)).size
                  and not row.all()]  # a rule or outline across the run is no head
        return hit, max(widths, default=0) >= 3 * SCALE
    return None, False


def _thick_tip(s: Segment, segs: Sequence[Segment], net: Sequence[int],
               free: Sequence[bool]) -> bool:
    """A short last leg much thicker than the line it ends: the filled head itself."""
    if all(free) or s.length > 8 * SCALE:
        return False
    line = min(segs[j].thick for j in net)
    return s.thick >= line + 3


def _at_tip(s: Segment, point: tuple[float, float], symbol: int | None,
            symbols: Sequence[Symbol]) -> bool:
    """A line's end at a diamond's tip: the diamond's own edges look like an open head."""
    if symbol is None or symbols[symbol].kind != DECISION:
        return False
    d = symbols[symbol]
    x, y = point[0] / SCALE, point[1] / SCALE
    if s.horizontal:  # left or right tip, on the diamond's middle line
        return abs(y - d.cy) < 3
    return abs(x - d.cx) < 3


def _collinear_beyond(s: Segment, other: Segment, end: int) -> bool:
    """``other`` continues ``s`` on the other side (does not cover ``s``'s end ``end``)."""
    if other.horizontal != s.horizontal:
        return False
    return other.b <= s.a + 2 if end == 1 else other.a >= s.b - 2


def _has_head(residual: BoolImage, s: Segment, end: int, joined: bool = False) -> bool:
    """Ink beside the line near its end that is no straight stroke: an arrowhead.

    A short last leg after a corner (``joined``: its other end turns into the rest of the
    line) has no head at that other end, so its whole length may be searched.
    """
    depth = min(round(6 * SCALE), s.length if joined else s.length // 2)
    # the straight band is already out of the residual; a head can make the line look thick
    side, band = round(4 * SCALE), max(s.thick // 2 - 1, 1)
    tip = s.a if end == 0 else s.b
    lo, hi = (tip - 2, tip + depth) if end == 0 else (tip - depth, tip + 2)
    c = round(s.pos)
    height, width = residual.shape
    if s.horizontal:
        rows_a = residual[max(c - band - side, 0):max(c - band, 0), max(lo, 0):min(hi, width)]
        rows_b = residual[c + band + 1:c + band + 1 + side, max(lo, 0):min(hi, width)]
    else:
        rows_a = residual[max(lo, 0):min(hi, height), max(c - band - side, 0):max(c - band, 0)]
        rows_b = residual[max(lo, 0):min(hi, height), c + band + 1:c + band + 1 + side]
    if s.length < (4 if joined else 10) * SCALE:
        return False  # too short to tell a head from the other end's
    left, right = int(rows_a.sum()), int(rows_b.sum())
    return left >= 1 and right >= 1 and left + right >= 3


def _nearest(symbols: Sequence[Symbol], point: tuple[float, float], limit: float) -> int | None:
    x, y = point[0] / SCALE, point[1] / SCALE
    best: tuple[float, int] | None = None
    for index, symbol in enumerate(symbols):
        d = symbol.distance(x, y)
        if d <= limit and (best is None or d < best[0]):
            best = (d, index)
    return best[1] if best else None


def _reach(terminal: _Terminal, segs: Sequence[Segment],
           symbols: Sequence[Symbol]) -> int | None:
    """A headed end that stops short: the symbol straight ahead within reach."""
    s = segs[terminal.segment]
    sign = -1 if terminal.end == 0 else 1
    for step in range(1, int(_REACH) + 1):
        offset = sign * step * SCALE
        point = (terminal.x + offset, terminal.y) if s.horizontal else (
            terminal.x, terminal.y + offset)
        hit = _nearest(symbols, point, 1.0)
        if hit is not None:
            return hit
    return None


def _net_arrows(page: PageData, net: Sequence[int], segs: Sequence[Segment],
                terminals: list[_Terminal], symbols: Sequence[Symbol],
                frame: tuple[int, int, int, int], capped: set[tuple[int, int]],
                plain: BoolImage) -> tuple[list[Arrow], list[Stub]]:
    path = _path(net, segs)
    length = sum(segs[i].length for i in net) / SCALE
    if length < 3:
        return [], []
    for t in terminals:
        if t.symbol is None:
            # a line drawn from (or to) the lane rule next to its symbol, or stopping short
            t.symbol = _reach(t, segs, symbols)
            t.reached = t.head and t.symbol is not None
            if t.symbol is not None and not t.head:
                t.head = _head_in_gap(plain, segs[t.segment], t, symbols[t.symbol])
    _prefer_bars(terminals, capped)
    _short_line_heads(plain, net, segs, terminals, symbols)
    _turned_heads(plain, [segs[i] for i in net], terminals, symbols)
    if len(terminals) == 2 and not any(t.head for t in terminals) and all(
            t.symbol is not None for t in terminals):
        # a head squeezed between the line's end and its symbol was masked with the symbol
        gaps = [_head_in_gap(plain, segs[t.segment], t, symbols[t.symbol])  # type: ignore[index]
                and not _at_tip(segs[t.segment], (t.x, t.y), t.symbol, symbols)
                for t in terminals]
        if gaps[0] != gaps[1]:
            terminals[gaps.index(True)].head = True
    heads = [t for t in terminals if t.head]
    tails = [t for t in terminals if not t.head]
    stubs = _stubs(page, terminals, frame)
    stub_ends = {(s.x, s.at_bottom) for s in stubs}
    attached = [t for t in terminals if t.symbol is not None]
    if not heads:
        if len(attached) != 2:
            return [], stubs
        first, second = sorted(attached, key=lambda t: (t.y, t.x))
        if stubs or first.symbol == second.symbol:
            return [], stubs
        return [Arrow(page=page.number, source=first.symbol, target=second.symbol, label=None,
                      direction_read=False, reached=False, path=path,
                      start=(first.x / SCALE, first.y / SCALE))], stubs
    arrows: list[Arrow] = []
    sources: list[_Terminal | None] = [t for t in tails if t.symbol is not None] or [None]
    for head in heads:
        for tail in sources:
            if tail is not None and tail.symbol == head.symbol and (
                    head.symbol is None or symbols[head.symbol].kind != DECISION
                    or len(net) < 3 or np.hypot(tail.x - head.x, tail.y - head.y) < 8 * SCALE
                    or _touches_other(path, symbols, head.symbol)):
                continue  # a decision's line around back into itself is a loop; else noise
            free = None if head.symbol is not None else (head.x / SCALE, head.y / SCALE)
            if head.symbol is None and stub_ends:
                continue
            start = (tail.x / SCALE, tail.y / SCALE) if tail is not None else None
            arrows.append(Arrow(page=page.number,
                                source=tail.symbol if tail is not None else None,
                                target=head.symbol, label=None, direction_read=True,
                                reached=head.reached, path=path, free_end=free, start=start))
    return arrows, stubs


def _turned_heads(ink: BoolImage, strokes: Sequence[Segment], terminals: Sequence[_Terminal],
                  symbols: Sequence[Symbol]) -> None:
    """No head read at either end of a line between two symbols, but before one end's
    symbol the ink narrows into its side like a filled head: that end is the target.

    A line jogging round a row rule, or a short last leg into a box's side, loses the leg
    that carries the head with the masked rule or symbol (the leg turns off the stroke's
    direction, so :func:`_head_in_gap` does not look there).
    """
    if len(terminals) != 2 or any(t.head or t.symbol is None for t in terminals):
        return
    seen = [t for t in terminals if t.symbol is not None
            and _head_at_edge(ink, strokes, t, symbols[t.symbol])]
    if len(seen) == 1:
        seen[0].head = True


def _head_at_edge(ink: BoolImage, strokes: Sequence[Segment], t: _Terminal,
                  symbol: Symbol) -> bool:
    """A filled head in the last 6 points before the nearest side of ``symbol`` on the way
    from a line's end ``t``: the ink narrows towards the symbol (a diamond's tip, beside a
    tail, widens towards it; a tail's line stays as wide). Rows (or columns) crossed by a
    rule or by the net's own strokes across the approach (corners) are left out."""
    x, y = t.x / SCALE, t.y / SCALE
    if symbol.x0 <= x <= symbol.x1:
        vertical, edge, end, c = True, symbol.y0 if y < symbol.y0 else symbol.y1, y, t.x
    elif symbol.y0 <= y <= symbol.y1:
        vertical, edge, end, c = False, symbol.x0 if x < symbol.x0 else symbol.x1, x, t.y
    else:
        return False
    away = 1 if end > edge else -1
    if symbol.kind == DECISION:  # the blob read for a diamond stops short of its tips
        edge += away * 1.5
    tip = round(edge * SCALE) + away
    base = tip + round(6 * SCALE) * away
    lo, hi = min(tip, base), max(tip, base) + 1
    half, mid = round(5 * SCALE), round(c)
    window = ink[lo:hi, max(mid - half, 0):mid + half + 1] if vertical else ink[
        max(mid - half, 0):mid + half + 1, lo:hi].T
    if window.shape[0] < 3:
        return False
    keep = np.ones(window.shape[0], dtype=bool)
    for s in strokes:
        if s.horizontal == vertical:  # runs across the approach
            band = round(s.pos) - lo
            keep[max(band - s.thick // 2 - 1, 0):max(band + s.thick // 2 + 1, 0)] = False
    widths = window.sum(axis=1)
    keep &= widths < window.shape[1] - 1  # a rule across the window
    order = np.flatnonzero(keep)
    if order.size < 2:
        return False
    if away < 0:  # rows from the symbol's side outwards
        order = order[::-1]
    widths = widths[order]
    near, far = int(np.argmin(widths)), int(np.argmax(widths))
    return bool(near < far and widths[far] >= widths[near] + 3)


def _short_line_heads(ink: BoolImage, net: Sequence[int], segs: Sequence[Segment],
                      terminals: list[_Terminal], symbols: Sequence[Symbol]) -> None:
    """A straight line between two symbols with a head seen at both ends or at neither.

    Short lines leave little to tell a head from the halo of an outline beside the line's
    end; the ink's width along the line (a filled head widens at its base) decides.
    """
    if len(net) != 1 or len(terminals) != 2 or any(t.symbol is None for t in terminals):
        return
    if terminals[0].head != terminals[1].head:
        return
    side = _head_side(ink, segs[net[0]], _span(segs[net[0]], terminals, symbols))
    if side is not None:
        for t in terminals:
            t.head = t.end == side


def _head_in_gap(ink: BoolImage, s: Segment, t: _Terminal, symbol: Symbol) -> bool:
    """A head drawn past a lane rule, between a line's cut end and its symbol."""
    x, y = t.x / SCALE, t.y / SCALE
    if s.horizontal:
        edge = symbol.x1 if t.end == 0 else symbol.x0
        ahead = symbol.y0 <= y <= symbol.y1
    else:
        edge = symbol.y1 if t.end == 0 else symbol.y0
        ahead = symbol.x0 <= x <= symbol.x1
    if not ahead:  # the symbol is beside the line's end, not ahead of it
        return False
    tip = round(edge * SCALE)
    end = round(t.x if s.horizontal else t.y)
    lo, hi = sorted((tip, end))
    if hi - lo < 3:
        return False
    c, half = round(s.pos), round(5 * SCALE)
    if s.horizontal:
        profile = ink[max(c - half, 0):c + half + 1, lo:hi].sum(axis=0)
    else:
        profile = ink[lo:hi, max(c - half, 0):c + half + 1].sum(axis=1)
    profile = profile[profile < 2 * half - 1]  # drop the rule crossing the window
    return bool(profile.size and profile.max() >= s.thick + 4)


def _span(s: Segment, terminals: Sequence[_Terminal],
          symbols: Sequence[Symbol]) -> tuple[int, int]:
    """The stretch of a line between the outlines of the two symbols it joins (pixels)."""
    ends = []
    for t in sorted(terminals, key=lambda t: t.end):
        sym = symbols[t.symbol] if t.symbol is not None else None
        if sym is None:
            ends.append(s.a if t.end == 0 else s.b)
            continue
        if s.horizontal:
            edge = sym.x1 if t.end == 0 else sym.x0
        else:
            edge = sym.y1 if t.end == 0 else sym.y0
        ends.append(round(edge * SCALE) + (3 if t.end == 0 else -3))
    return ends[0], ends[1]


def _head_side(ink: BoolImage, s: Segment, span: tuple[int, int]) -> int | None:
    """Which end of a short line carries a filled head, from the ink's width along it.

    A filled head widens abruptly at its base and narrows gradually to its tip: the end on
    the gradual side is the tip. None when no head is seen.
    """
    lo, hi = span
    if hi - lo < 4:
        return None
    c = round(s.pos)
    half = round(5 * SCALE)
    height, width = ink.shape
    if s.horizontal:
        window = ink[max(c - half, 0):c + half + 1, max(lo, 0):min(hi, width)]
        profile = window.sum(axis=0)
    else:
        window = ink[max(lo, 0):min(hi, height), max(c - half, 0):c + half + 1]
        profile = window.sum(axis=1)
    if profile.size < 4:
        return None
    line = max(int(np.median(profile)), 1)
    # a line or outline across the whole window (a rounded symbol's edge) is no arrowhead
    profile = np.where(profile >= 2 * half - 1, line, profile)
    top = int(np.argmax(profile))
    if profile[top] < line + 3:
        return None
    wide = profile > line
    before = int(wide[:top].sum())
    after = int(wide[top + 1:].sum())
    if before == after:
        return None
    return 0 if before > after else 1


def _prefer_bars(terminals: list[_Terminal], capped: set[tuple[int, int]]) -> None:
    """A line with a head seen at both ends: a filled head (bar) beats stray ink."""
    if len(terminals) != 2 or not all(t.head for t in terminals):
        return
    strong = [(t.segment, t.end) in capped or t.strong for t in terminals]
    if strong[0] != strong[1]:
        for t, is_strong in zip(terminals, strong, strict=True):
            t.head = is_strong


def _touches_other(path: Sequence[tuple[float, float]], symbols: Sequence[Symbol],
                   own: int) -> bool:
    """Whether a line's corners come near a symbol other than ``own`` (then it is no loop)."""
    return any(i != own and s.distance(x, y) < 4 for x, y in path for i, s in enumerate(symbols))


def _stubs(page: PageData, terminals: Sequence[_Terminal],
           frame: tuple[int, int, int, int]) -> list[Stub]:
    """A net with one end on a symbol and a free end at the table's top or bottom edge."""
    _, top, _, bottom = frame
    symbol_ends = [t for t in terminals if t.symbol is not None]
    free = [t for t in terminals if t.symbol is None]
    if len(symbol_ends) != 1 or len(free) != 1:
        return []
    end = free[0]
    near = 8 * SCALE
    if end.y >= bottom - near or end.y <= top + near:
        symbol = symbol_ends[0].symbol
        assert symbol is not None
        return [Stub(page=page.number, symbol=symbol, at_bottom=end.y >= bottom - near,
                     x=end.x / SCALE)]
    return []


def _path(net: Sequence[int], segs: Sequence[Segment]) -> tuple[tuple[float, float], ...]:
    """The net's strokes as a flat list of end points pairs (points), for drawing."""
    points: list[tuple[float, float]] = []
    for i in net:
        for end in (0, 1):
            x, y = segs[i].end(end)
            points.append((x / SCALE, y / SCALE))
    return tuple(points)


def _label_phrases(page: PageData, table: PageTable,
                   symbols: Sequence[Symbol]) -> list[tuple[str, float, float, float, float]]:
    """Words in the lane area outside symbols, grouped into phrases (text and box, points)."""
    lanes = table.lanes
    x0, x1 = min(c.x0 for c in lanes), max(c.x1 for c in lanes)
    # an exit label may sit just under the table, beside a line leaving its last row
    bottom = table.box[3] + _UNDER
    free = [w for w in page.words if x0 <= w.cx <= x1 and table.body_top <= w.cy <= bottom
            and not any(s.covers(w.cx, w.cy) for s in symbols)]
    groups: list[list[Word]] = []
    for word in sorted(free, key=lambda w: (w.cy, w.x0)):
        for group in groups:
            if any(_close(word, other) for other in group):
                group.append(word)
                break
        else:
            groups.append([word])
    phrases = []
    for group in groups:
        if all(w.rotated for w in group):
            text = " ".join(w.text for w in sorted(group, key=lambda w: -w.cy))
        else:
            text = cell_text(group)
        phrases.append((text.replace("\n", " "), min(w.x0 for w in group),
                        min(w.y0 for w in group), max(w.x1 for w in group),
                        max(w.y1 for w in group)))
    return phrases


def _close(a: Word, b: Word) -> bool:
    size = max(a.size, b.size, 4.0)
    if a.rotated != b.rotated:
        return False
    if a.rotated:
        return abs(a.cx - b.cx) < size * 0.6 and (min(abs(a.y0 - b.y1), abs(b.y0 - a.y1))
                                                   < size * 0.8)
    same_line = abs(a.cy - b.cy) < size * 0.5 and min(abs(a.x0 - b.x1), abs(b.x0 - a.x1)) \
        < size * 0.9
    stacked = abs(a.cy - b.cy) < size * 2.0 and min(a.x1, b.x1) - max(a.x0, b.x0) > -size * 0.5
    return same_line or stacked


def _attach_labels(arrows: list[Arrow], phrases: Sequence[tuple[str, float, float, float, float]],
                   symbols: Sequence[Symbol]) -> list[Arrow]:
    """Give each phrase to an arrow (one phrase per arrow), all phrases of a page at once.

    Exit labels are printed near where the line leaves its decision, but where exactly
    depends on the program (beside the line, or moved aside clear of rules and other lines):
    a phrase next to a decision is weighed against that decision's exits by its distance to
    each exit's start; any phrase also against the arrows whose strokes pass near it, at a
    penalty. The assignment minimising the total distance wins, so two labels beside one
    decision go to its two exits, not both to the nearer one.
    """
    if not phrases or not arrows:
        return arrows
    from scipy.optimize import linear_sum_assignment

    cost = np.full((len(phrases), len(arrows)), _NO_LABEL)
    for p, (_, x0, y0, x1, y1) in enumerate(phrases):
        for a, arrow in enumerate(arrows):
            cost[p, a] = _label_cost(arrow, symbols, (x0, y0, x1, y1))
    rows, cols = linear_sum_assignment(cost)
    taken = {int(a): phrases[p][0] for p, a in zip(rows, cols, strict=True)
             if cost[p, a] < _NO_LABEL}
    return [attrs.evolve(a, label=taken[i]) if i in taken else a
            for i, a in enumerate(arrows)]


_NO_LABEL = 1e6  # cost of a phrase and an arrow that cannot go together
_EXIT_REACH = 40.0  # points: a phrase this close to a decision may label one of its exits
_PASSING = 40.0  # points added for a phrase beside a line rather than at a decision's exit


def _label_cost(arrow: Arrow, symbols: Sequence[Symbol],
                box: tuple[float, float, float, float]) -> float:
    x0, y0, x1, y1 = box
    best = _NO_LABEL
    path = _box_to_path(arrow, x0, y0, x1, y1)
    if path <= _LABEL:
        best = path + _PASSING
    if arrow.start is None or arrow.source is None or symbols[arrow.source].kind != DECISION:
        return best
    decision = symbols[arrow.source]
    near = max(decision.x0 - x1, 0.0, x0 - decision.x1) ** 2 + max(
        decision.y0 - y1, 0.0, y0 - decision.y1) ** 2
    if near > _EXIT_REACH ** 2:
        return best
    sx, sy = arrow.start
    at_exit = float(np.hypot(max(x0 - sx, 0.0, sx - x1), max(y0 - sy, 0.0, sy - y1)))
    return min(best, at_exit)


def _box_to_path(arrow: Arrow, x0: float, y0: float, x1: float, y1: float) -> float:
    best = float("inf")
    pts = arrow.path
    for (ax, ay), (bx, by) in zip(pts[::2], pts[1::2], strict=False):
        sx0, sx1, sy0, sy1 = min(ax, bx), max(ax, bx), min(ay, by), max(ay, by)
        dx = max(sx0 - x1, 0.0, x0 - sx1)
        dy = max(sy0 - y1, 0.0, y0 - sy1)
        best = min(best, float(np.hypot(dx, dy)))
    return best
