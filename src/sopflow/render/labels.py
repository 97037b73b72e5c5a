"""The labels phase: each exit's label ("Ya", "Tidak") beside the first leg of its arrow.

A label is placed clear of everything else on the page (shapes, text, arrows, other labels
and, when possible, the table's row rules), nearest to where its arrow leaves its shape.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

import attrs

from sopflow.graph import NodeKind
from sopflow.render import fonts
from sopflow.render.geometry import Arrow, Rect, TextBox

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from sopflow.render.flow import Flow
    from sopflow.render.geometry import Shape
    from sopflow.render.table import Columns

__all__ = ["Surroundings", "place_labels"]

#: The farthest (points) a label may sit from its arrow to keep clear of the table's rules.
NEAR_ARROW = 18.0

#: Distances along a leg (points from its start) tried for a label.
_ALONG = (2.0, 6.0, 10.0, 16.0, 24.0, 34.0, 46.0)


def _candidates(a: Arrow, w: float, h: float) -> list[Rect]:
    """Spots beside each leg of ``a``, in pairs (one on each side), nearest the tail first."""
    cands: list[Rect] = []
    for (x0, y0), (x1, y1) in a.segments():
        length = abs(x1 - x0) + abs(y1 - y0)
        for t in _ALONG:
            if t > length:
                break
            if x0 == x1:  # vertical leg
                y = y0 + t if y1 > y0 else y0 - t - h
                cands += [Rect(x=x0 + 2.5, y=y, w=w, h=h), Rect(x=x0 - 2.5 - w, y=y, w=w, h=h)]
            else:
                x = x0 + t if x1 > x0 else x0 - t - w
                cands += [Rect(x=x, y=y0 - h - 1.5, w=w, h=h), Rect(x=x, y=y0 + 1.5, w=w, h=h)]
    if not cands:
        (x0, y0) = a.points[0]
        cands = [Rect(x=x0 + 2.5, y=y0 + 1.5, w=w, h=h)]
    return cands


def _beside(w: float, h: float, *, lane: tuple[float, float], area: Rect,
            obstacles: Sequence[Rect], ours: _Ours) -> Rect | None:
    """A ``w`` by ``h`` spot beside a leg of the label's arrow: nearest to the shape first; at
    the same distance, one inside the source's lane."""
    ll, lr = lane
    cands = _candidates(ours.arrow, w, h)
    for pair in (cands[i:i + 2] for i in range(0, len(cands), 2)):
        ranked = sorted(pair, key=lambda c: not (c.x >= ll + 1 and c.right <= lr - 1))
        for c in ranked:
            if area.contains(c) and not any(c.overlaps(t) for t in obstacles) and ours(c):
                return c
    return None


def _gap(rect: Rect, arrow: Arrow) -> float:
    """The distance from ``rect`` to the nearest leg of ``arrow``."""
    best = float("inf")
    for (x0, y0), (x1, y1) in arrow.segments():
        dx = max(min(x0, x1) - rect.right, rect.x - max(x0, x1), 0.0)
        dy = max(min(y0, y1) - rect.bottom, rect.y - max(y0, y1), 0.0)
        best = min(best, (dx * dx + dy * dy) ** 0.5)
    return best


class _Ours:
    """Whether a spot reads as the label of ``arrow``: nearer to it than to any other exit
    of the same step (a label between two exits could belong to either)."""

    def __init__(self, arrow: Arrow, siblings: Sequence[Arrow],
                 within: float = float("inf")) -> None:
        self.arrow = arrow
        self.siblings = [b for b in siblings if b is not arrow]
        self.within = within

    def __call__(self, c: Rect) -> bool:
        own = _gap(c, self.arrow)
        return own <= self.within and all(own < _gap(c, b) for b in self.siblings)


def _rule_rects(around: Surroundings) -> list[Rect]:
    """The table's rules inside the lanes: under each row, and between the lanes."""
    area, cols = around.area, around.cols
    rows = [Rect(x=area.x, y=y - 1.0, w=area.w, h=2.0) for y in around.rules]
    lanes = [Rect(x=x - 1.0, y=area.y, w=2.0, h=area.h)
             for x in cols.x[2:3 + cols.n_lanes]]
    return rows + lanes


def _spot(ours: _Ours, sizes: Sequence[tuple[float, float]], lane: tuple[float, float],
          area: Rect, taken: Sequence[Rect], rules: Sequence[Rect]) -> tuple[int, Rect]:
    """Which of the label's wrappings (``sizes``: one line, then a word a line) and where:
    beside the arrow, else near its tail, else anywhere free; nearer its own arrow than the
    step's other exits and clear of the table's rules if any such spot exists, else across a
    rule (as hand-drawn pages do). Clear of the rules, a spot near the tail must still be
    within ``NEAR_ARROW`` of its arrow: a label across a rule beside its arrow reads better
    than one far from it. Wrapping -1: no free spot anywhere, drawn over something."""
    a, tail = ours.arrow, ours.arrow.points[0]
    close = _Ours(a, ours.siblings, NEAR_ARROW)
    searches: list[Callable[[float, float], Rect | None]] = []
    for obstacles, accept in (([*taken, *rules], close), (taken, ours)):
        searches += [partial(_beside, lane=lane, area=area, obstacles=obstacles, ours=ours),
                     partial(_near, tail, area=area, taken=obstacles, ours=accept)]
    for obstacles, accept in (([*taken, *rules], ours), (taken, ours), (taken, _Ours(a, ()))):
        searches.append(partial(_anywhere, tail, area=area, taken=obstacles, ours=accept))
    for search in searches:  # each search tries every wrapping before the next search
        for k, (w, h) in enumerate(sizes):
            found = search(w, h)
            if found is not None:
                return k, found
    w, h = sizes[0]
    return -1, _candidates(a, w, h)[0]  # no free spot on the page: drawn over something


def _near(tail: tuple[float, float], w: float, h: float, area: Rect,
          taken: Sequence[Rect], ours: _Ours) -> Rect | None:
    """Crowded: the free spot nearest to where the arrow leaves its shape."""
    px, py = tail
    spots = sorted(
        ((dx, dy) for dx in range(-72, 73, 4) for dy in range(-48, 49, 3)),
        key=lambda d: abs(d[0]) + abs(d[1]),
    )
    for dx, dy in spots:
        c = Rect(x=px + dx - w / 2, y=py + dy - h / 2, w=w, h=h)
        if area.contains(c) and not any(c.overlaps(t) for t in taken) and ours(c):
            return c
    return None


def _anywhere(tail: tuple[float, float], w: float, h: float, area: Rect,
              taken: Sequence[Rect], ours: _Ours) -> Rect | None:
    """Very crowded: anywhere free on the page's lanes, nearest first."""
    px, py = tail
    spots = sorted(
        ((x, y) for x in range(int(area.x), int(area.right - w), 6)
         for y in range(int(area.y), int(area.bottom - h), 4)),
        key=lambda q: abs(q[0] - px) + abs(q[1] - py),
    )
    for x, y in spots:
        c = Rect(x=x, y=y, w=w, h=h)
        if not any(c.overlaps(t) for t in taken) and ours(c):
            return c
    return None


def _outline(shape: Shape, slices: int = 8) -> list[Rect]:
    """A shape as rectangles a label keeps clear of: a diamond as horizontal slices, each as
    wide as the diamond is across it, so a label may sit in the corner beside a vertex."""
    r = shape.rect
    if shape.kind != "decision":
        return [r]
    out = []
    step = r.h / slices
    for i in range(slices):
        y0 = r.y + i * step
        d = 0.0 if y0 <= r.cy <= y0 + step else min(abs(y0 - r.cy), abs(y0 + step - r.cy))
        half = r.w / 2 * (1 - d / (r.h / 2))
        out.append(Rect(x=r.cx - half, y=y0, w=2 * half, h=step))
    return out


def _obstacles(arrows: Sequence[Arrow], shapes: Sequence[Shape],
               texts: Sequence[TextBox]) -> list[Rect]:
    taken = [r.inflate(1.5) for s in shapes for r in _outline(s)]
    taken += [t.rect.inflate(1.0) for t in texts]
    for a in arrows:
        for (x0, y0), (x1, y1) in a.segments():
            taken.append(Rect(x=min(x0, x1), y=min(y0, y1), w=abs(x1 - x0),
                              h=abs(y1 - y0)).inflate(1.5))
    return taken


@attrs.frozen(kw_only=True)
class Surroundings:
    """What a page's labels keep clear of and stay within.

    ``shapes`` are every shape on the page (connectors too); ``drawn_here`` the nodes drawn on
    this page; ``area`` the lanes' part of the body; ``rules`` the y of each row rule.
    """

    shapes: tuple[Shape, ...]
    texts: tuple[TextBox, ...]
    cols: Columns
    drawn_here: frozenset[str]
    area: Rect
    rules: tuple[float, ...]


def place_labels(flow: Flow, arrows: Sequence[Arrow], around: Surroundings,
                 size: float) -> tuple[list[Arrow], int]:
    """``arrows`` with the labels of the exits whose source is drawn on this page, and how
    many labels found no free spot (drawn over something: the layout tries more room)."""
    lm = fonts.metrics()
    shapes, area, cols = around.shapes, around.area, around.cols
    taken = _obstacles(arrows, shapes, around.texts)
    rule_rects = _rule_rects(around)
    exit_labels = {e.key: e.label for e in flow.edges
                   if flow.nodes[e.u].kind is not NodeKind.START}
    out = []
    crowded = 0
    for a in arrows:
        e_label = exit_labels.get(a.edge)
        if not e_label or a.edge[0] not in around.drawn_here:
            out.append(a)
            continue
        first = lm.wrap(e_label, 48.0, size) if lm.width(e_label, size) > 52 else (e_label,)
        wrappings = [first, tuple(e_label.split())] if len(e_label.split()) > len(first) \
            else [first]
        sizes = [(max(lm.width(line, size) for line in ls) + 1, len(ls) * lm.line_height(size))
                 for ls in wrappings]
        lane = next((s.lane for s in shapes if s.node == a.edge[0]), 0)
        siblings = [b for b in arrows if b.edge[0] == a.edge[0] != b.edge[1]]
        k, best = _spot(_Ours(a, siblings), sizes, cols.lane(lane), area, taken, rule_rects)
        crowded += k < 0
        lines = wrappings[max(k, 0)]
        taken.append(best.inflate(1.0))
        out.append(attrs.evolve(a, label=TextBox(rect=best, lines=lines, size=size,
                                                 role="label")))
    return out, crowded
