"""The size of a start/end capsule, from its word: wide enough for the word at the table's text
size, never wider than its lane allows; only a lane too narrow for that shrinks the text (down
to the table's floor) and then wraps it onto more lines, with a taller capsule.

Also the other way many signed SOPs mark the start and the end: no "Mulai"/"Selesai"
capsules, the first and last steps' own boxes drawn as capsules (:func:`steps_as_terminators`).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import attrs

from sopflow.graph import NodeKind
from sopflow.render import fonts
from sopflow.render.flow import Flow
from sopflow.render.symbols import CELL_PAD, TERM_H, TERM_W

if TYPE_CHECKING:
    from sopflow.render.flow import Edge

__all__ = [
    "ENTERED_GUTTER",
    "CapsuleFit",
    "capsule_lines",
    "fit_capsule",
    "half_width",
    "lane_room",
    "lines_fit",
    "steps_as_terminators",
    "text_room",
]

ENTERED_GUTTER = 24.0  # a start capsule arrows come back to keeps this much of its lane free
_LINE_GAP = 4.0  # vertical room above and below the text lines of a wrapped capsule


def _side(h: float) -> float:
    """Room kept on each side of the text: the rounded end curves in toward the text."""
    return 0.2 * h + 1.0


def text_room(w: float, h: float) -> float:
    """The width the text of a capsule ``w`` by ``h`` may take, as measured."""
    return max(w - 2 * _side(h), 1.0) / fonts.WRAP_RESERVE


@attrs.frozen(kw_only=True)
class CapsuleFit:
    """A capsule's width, height, text size and text lines."""

    w: float
    h: float
    size: float
    lines: tuple[str, ...]


def capsule_lines(text: str, w: float, h: float, size: float) -> tuple[str, ...]:
    """The lines ``text`` is drawn in inside a capsule ``w`` by ``h`` at ``size`` (as
    :func:`fit_capsule` broke them: one line when it fits, else wrapped)."""
    m = fonts.metrics()
    if h <= TERM_H + 1e-6 or m.width(text, size) <= text_room(w, TERM_H) + 1e-6:
        return (text,)
    return m.wrap(text, max(w - 2 * _side(TERM_H), 1.0), size) or (text,)


def fit_capsule(text: str, lane_w: float, size: float, floor: float) -> CapsuleFit:
    """The capsule for ``text`` in a lane ``lane_w`` wide, its text at ``size`` if the lane
    allows, else the largest half-point size down to ``floor``, else wrapped at ``floor``."""
    m = fonts.metrics()
    room = max(lane_w - 2 * CELL_PAD, 1.0)
    for s in fonts.half_point_sizes(size, floor, end_at_floor=True):
        need = m.width(text, s) * fonts.WRAP_RESERVE + 2 * _side(TERM_H)
        if need <= room + 1e-6:
            return CapsuleFit(w=min(max(TERM_W, need), room), h=TERM_H, size=s, lines=(text,))
    s = min(size, floor)
    lines = m.wrap(text, max(room - 2 * _side(TERM_H), 1.0), s) or (text,)
    h = max(TERM_H, len(lines) * m.line_height(s) + 2 * _LINE_GAP)
    while not lines_fit(lines, room, h, s):  # rounder ends of a taller capsule: grow it
        h += 2.0
    return CapsuleFit(w=room, h=h, size=s, lines=lines)


def half_width(w: float, h: float, d: float) -> float:
    """Half the width of a capsule ``w`` by ``h`` at distance ``d`` from its middle line."""
    r = min(w, h) / 2
    straight_w, straight_h = w / 2 - r, h / 2 - r
    over = max(abs(d) - straight_h, 0.0)
    if over >= r:
        return 0.0
    return straight_w + math.sqrt(r * r - over * over)


def lines_fit(lines: tuple[str, ...], w: float, h: float, size: float) -> bool:
    """Whether ``lines``, centred, each fit the capsule at their top and bottom edges."""
    m = fonts.metrics()
    lh = m.line_height(size)
    top = -len(lines) * lh / 2
    for k, line in enumerate(lines):
        half = m.width(line, size) * fonts.WRAP_RESERVE / 2 + 0.5
        edge = max(abs(top + k * lh), abs(top + (k + 1) * lh))
        if half > half_width(w, h, edge):
            return False
    return True


def lane_room(flow: Flow, node: str, lane_w: float) -> float:
    """The lane width a capsule may take: all of it, but for a start capsule that arrows come
    back to (a loop to the start), which keeps gutters beside it for those arrows."""
    if flow.nodes[node].kind is NodeKind.START and any(e.v == node for e in flow.edges):
        return lane_w - ENTERED_GUTTER + 2 * CELL_PAD
    return lane_w


def _first_capsule(flow: Flow) -> tuple[str, str] | None:
    """(start node, first step) when the first step can stand for the start capsule: a
    process the start leads to, and no arrow comes back to the start."""
    first = flow.rows[0].step
    starts = [n.id for n in flow.nodes.values() if n.kind is NodeKind.START]
    if len(starts) != 1 or flow.nodes[first].kind is not NodeKind.PROCESS:
        return None
    touching = [e for e in flow.edges if starts[0] in (e.u, e.v)]
    if [(e.u, e.v) for e in touching] != [(starts[0], first)]:
        return None
    return starts[0], first


def _last_capsule(flow: Flow) -> tuple[str, str] | None:
    """(end node, last step) when the last step can stand for the end capsule: a process
    whose only exit ends the procedure."""
    last = flow.rows[-1].step
    if flow.nodes[last].kind is not NodeKind.PROCESS:
        return None
    out: list[Edge] = [e for e in flow.edges if e.u == last]
    if len(out) != 1 or flow.nodes[out[0].v].kind is not NodeKind.END:
        return None
    end = out[0].v
    if any(e.v == end and e.u != last for e in flow.edges):
        return None
    return end, last


def steps_as_terminators(flow: Flow, *, first: bool = True, last: bool = True) -> Flow:
    """``flow`` with the first and last steps drawn as capsules in place of separate start
    and end capsules, where the flow allows (``terminators="steps"``, as many signed SOPs
    draw them: the capsule is the step's own symbol, empty like a process box, its text in
    the Kegiatan column). Kept separate: a start that arrows loop back to or whose first
    step is a decision; an end after a decision or reached from elsewhere too. Other ends
    (a decision's "Tidak" that ends the procedure) keep their "Selesai" capsule. ``first``
    and ``last`` say which of the two ends to draw so (``terminators="first"``/``"last"``)."""
    if not flow.rows:
        return flow
    dropped: set[str] = set()
    capsules: set[str] = set()
    found_first = _first_capsule(flow) if first else None
    found_last = _last_capsule(flow) if last else None
    for found in (found_first, found_last):
        if found is not None:
            dropped.add(found[0])
            capsules.add(found[1])
    if not dropped:
        return flow
    return attrs.evolve(
        flow,
        nodes={k: n for k, n in flow.nodes.items() if k not in dropped},
        edges=tuple(e for e in flow.edges if e.u not in dropped and e.v not in dropped),
        capsules=frozenset(capsules),
    )
