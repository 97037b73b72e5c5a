"""The drawn diagram of a BPMN export: shape sizes, label boxes and orthogonal flow routes.

Lanes are horizontal bands; the rows of the SOP table become columns, left to right, with a
channel (a vertical gap) before each column. Every routed flow gets tracks of its own: a
vertical track in the channel before its target, a horizontal corridor in the top band of its
source's lane and, when it leaves by the right, the one exit track of the channel after its
source. So two flows never run along the same stretch of line unless they enter the same
target, where they join on its last segment. Labels sit in space reserved for them (above a
flow's first segment, below the row for a gateway's question, beside an event), never on a
shape. Texts are measured with the shipped Liberation Sans, metrically identical to the Arial
bpmn-js draws with, so a task is made wide enough for its longest word and tall enough for
its lines.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

import attrs

__all__ = ["Box", "Flow", "Layout", "Node", "lay_out"]

# Pixels. bpmn-js draws task names at 12px inside a 5px padding and external labels at 11px,
# centred, wrapped at 90px; both with a line height of 1.2.
_TASK_FONT, _LABEL_FONT, _LINE = 12.0, 11.0, 1.2
_LABEL_WRAP = 90.0
_TASK_MIN_W, _TASK_MAX_W, _TASK_MIN_H, _TASK_PAD = 100.0, 200.0, 80.0, 5.0
_GW, _EVENT = 50.0, 36.0
_INNER_GAP = 30.0  # merge gateway | task | decision gateway, inside one column
_POOL_X, _POOL_Y, _HEADER = 100.0, 80.0, 30.0
_TRACK = 10.0  # distance between parallel tracks (vertical and horizontal)
_END_GAP = 24.0  # from the row's bottom to an end event below it


@attrs.frozen
class Box:
    """A rectangle: the bounds of a shape or a label."""

    x: float
    y: float
    w: float
    h: float

    @property
    def cx(self) -> float:
        return self.x + self.w / 2

    @property
    def cy(self) -> float:
        return self.y + self.h / 2

    @property
    def right(self) -> float:
        return self.x + self.w

    @property
    def bottom(self) -> float:
        return self.y + self.h

    def overlaps(self, other: Box) -> bool:
        """True when the two rectangles share some area (touching edges do not count)."""
        return (self.x < other.right and other.x < self.right
                and self.y < other.bottom and other.y < self.bottom)


@attrs.define
class Node:
    """A flow node to place: its role in its column fixes where it goes.

    ``slot`` is one of ``start``, ``merge`` (a joining gateway before a task), ``task``,
    ``gateway`` (a decision's gateway after its task) and ``end``; ``step`` is the SOP step
    it belongs to (the first step for the start event).
    """

    id: str
    slot: str
    lane: str
    column: int
    step: str
    name: str = ""
    annotation: str = ""
    box: Box = Box(0, 0, 0, 0)
    label: Box | None = None
    lines: tuple[str, ...] = ()
    note_box: Box | None = None


@attrs.define
class Flow:
    """A sequence flow between two placed nodes; ``points`` and ``label`` are filled in."""

    id: str
    source: str
    target: str
    name: str | None = None
    points: list[tuple[float, float]] = attrs.Factory(list)
    label: Box | None = None


@attrs.frozen
class Layout:
    """The pool's and each lane's bounds, in lane order."""

    pool: Box
    lanes: dict[str, Box]


def _width(text: str, size: float) -> float:
    from sopflow.render.fonts import metrics

    return metrics().width(text, size)


def _wrap(text: str, width: float, size: float) -> list[str]:
    """Greedy word wrap (words stay whole even when wider than ``width``)."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        current = ""
        for word in paragraph.split():
            candidate = f"{current} {word}" if current else word
            if current and _width(candidate, size) > width:
                lines.append(current)
                current = word
            else:
                current = candidate
        lines.append(current)
    return lines


def task_size(text: str) -> tuple[float, float]:
    """The smallest box (width in steps of 10px, at least 100 x 80) that holds ``text`` at
    bpmn-js's task font with no word broken and every line inside the padding."""
    reserve = 1.12  # browsers' text is a little wider than the advance widths add up to
    longest = max((_width(w, _TASK_FONT) for w in text.split()), default=0.0)
    width = max(_TASK_MIN_W, longest * reserve + 2 * _TASK_PAD + 4)
    width = 10 * -(-width // 10)
    while True:
        lines = _wrap(text, (width - 2 * _TASK_PAD - 4) / reserve, _TASK_FONT)
        height = len(lines) * _TASK_FONT * _LINE + 2 * _TASK_PAD + 8
        if height <= _TASK_MIN_H or width >= _TASK_MAX_W:
            return width, max(_TASK_MIN_H, 10 * -(-height // 10))
        width += 10


def label_size(text: str) -> tuple[float, float]:
    """The box bpmn-js fills with an external label: wrapped at 90px, 11px text."""
    lines = _wrap(text, _LABEL_WRAP - 4, _LABEL_FONT) if text.strip() else []
    width = max((_width(line, _LABEL_FONT) for line in lines), default=0.0) * 1.08 + 4
    return min(width, _LABEL_WRAP), len(lines) * _LABEL_FONT * _LINE + 2


#: Flows drawn inside one column: merge gateway -> task -> decision gateway.
_INNER = frozenset({("merge", "task"), ("task", "gateway")})


def note_size(text: str, width: float) -> tuple[float, float]:
    """A text annotation's box over a task ``width`` wide: as wide as the task, as tall as
    its lines wrapped inside (bpmn-js draws it at 12px with 5px padding)."""
    lines = _wrap(text, (width - 2 * _TASK_PAD - 6) / 1.12, _TASK_FONT)
    return width, len(lines) * _TASK_FONT * _LINE + 2 * _TASK_PAD + 2


@attrs.define
class _Route:
    """How one flow leaves and arrives, decided before any coordinate is known."""

    flow: Flow
    port: str  # "right", "top", "bottom" (own end event) or "inner" (same column, in a row)
    top_index: int = 0
    exit_track: bool = False  # uses the one exit track of the channel after its source
    entry_track: int | None = None  # index among the entry tracks of the target's channel
    corridor: int | None = None  # index among the corridors of the source's lane


def lay_out(lanes: Sequence[str], nodes: dict[str, Node], flows: Sequence[Flow]) -> Layout:
    """Place every node and label, and route every flow (filling them in place)."""
    routes = _plan(nodes, flows)
    tops = _top_labels(routes)
    lane_boxes, row_top, row_h = _lanes(lanes, nodes, routes, tops)
    columns = _columns(nodes, routes)
    _place(nodes, row_top, row_h)
    _label_nodes(nodes, row_top, row_h)
    for route in routes:
        _draw(route, nodes, columns, lane_boxes, row_top, tops)
    width = max(columns.right, max((n.box.right for n in nodes.values()), default=0.0)) + 40
    pool = Box(_POOL_X, _POOL_Y, width - _POOL_X,
               sum(b.h for b in lane_boxes.values()) or 200.0)
    return Layout(pool=pool, lanes={
        name: attrs.evolve(box, w=pool.right - box.x) for name, box in lane_boxes.items()
    })


def _plan(nodes: dict[str, Node], flows: Sequence[Flow]) -> list[_Route]:
    """Choose each flow's port, and hand out tracks and corridors in a fixed order."""
    routes: list[_Route] = []
    by_source: dict[str, list[Flow]] = defaultdict(list)
    for flow in flows:
        by_source[flow.source].append(flow)
    entry_count: dict[int, int] = defaultdict(int)
    corridor_count: dict[str, int] = defaultdict(int)
    for source_id, out in by_source.items():
        source = nodes[source_id]
        inner: list[Flow] = []
        routed: list[Flow] = []
        for flow in out:
            target = nodes[flow.target]
            own = target.step == source.step and target.column == source.column and (
                target.slot == "end" or (source.slot, target.slot) in _INNER)
            (inner if own else routed).append(flow)
        for flow in inner:
            port = "bottom" if nodes[flow.target].slot == "end" else "inner"
            routes.append(_Route(flow, port))
        forward = sorted((f for f in routed if nodes[f.target].column > source.column),
                         key=lambda f: nodes[f.target].column)
        right = forward[0] if forward else None
        top_index = 0
        for flow in routed:
            target = nodes[flow.target]
            if flow is right:
                route = _Route(flow, "right", exit_track=True)
                if target.column != source.column + 1:
                    route.corridor = corridor_count[source.lane]
                    corridor_count[source.lane] += 1
                    route.entry_track = entry_count[target.column]
                    entry_count[target.column] += 1
            else:
                route = _Route(flow, "top", top_index=top_index,
                               corridor=corridor_count[source.lane],
                               entry_track=entry_count[target.column])
                top_index += 1
                corridor_count[source.lane] += 1
                entry_count[target.column] += 1
            routes.append(route)
    return routes


def _top_labels(routes: list[_Route]) -> dict[str, int]:
    """How many top exits each source has (their labels stack above it)."""
    count: dict[str, int] = defaultdict(int)
    for route in routes:
        if route.port == "top":
            count[route.flow.source] += 1
    return count


def _lanes(lanes: Sequence[str], nodes: dict[str, Node], routes: list[_Route],
           tops: dict[str, int]) -> tuple[dict[str, Box], dict[str, float], dict[str, float]]:
    """Each lane's band: top corridors, a label margin, the row of shapes, space below."""
    corridors: dict[str, int] = defaultdict(int)
    for route in routes:
        if route.corridor is not None:
            lane = nodes[route.flow.source].lane
            corridors[lane] = max(corridors[lane], route.corridor + 1)
    boxes, row_top, row_h = {}, {}, {}
    y = _POOL_Y
    for lane in lanes:
        members = [n for n in nodes.values() if n.lane == lane]
        band = 12 + _TRACK * corridors[lane]
        margin = 24.0
        for node in members:
            if node.annotation:
                margin = max(margin, note_size(node.annotation, node.box.w)[1] + 16)
            stacked = tops.get(node.id, 0)
            if stacked > 1:
                margin = max(margin, 20 + 16 * (stacked - 1))
        height = max((n.box.h for n in members if n.slot == "task"), default=_TASK_MIN_H)
        below = 30.0
        for node in members:
            if node.slot == "end":
                below = max(below, _END_GAP + _EVENT + 12)
            elif node.slot == "gateway" and node.name:
                below = max(below, label_size(node.name)[1] + 16)
            elif node.slot == "start":
                below = max(below, 40.0)
        total = band + margin + height + below
        boxes[lane] = Box(_POOL_X + _HEADER, y, 0, total)
        row_top[lane], row_h[lane] = y + band + margin, height
        y += total
    return boxes, row_top, row_h


@attrs.define
class _Columns:
    """Left edge of each column, and the x of every track in the channel before it."""

    left: dict[int, float]
    exit_x: dict[int, float]
    entry_x: dict[int, list[float]]
    right: float


def _column_parts(nodes: list[Node]) -> tuple[dict[str, float], float]:
    """Offsets of a column's shapes from its left edge, and the column's width (with the
    labels that stand to the right of its shapes)."""
    offsets: dict[str, float] = {}
    x = 0.0
    for slot in ("start", "merge", "task", "gateway"):
        for node in nodes:
            if node.slot == slot:
                offsets[node.id] = x
                x += node.box.w + _INNER_GAP
    extent = x - _INNER_GAP
    owner = {n.slot: n for n in nodes}
    for node in nodes:
        if node.slot == "end":
            above = owner.get("gateway") or owner.get("task")
            centre = offsets[above.id] + above.box.w / 2 if above else 0.0
            offsets[node.id] = centre - _EVENT / 2
            extent = max(extent, centre + _EVENT / 2 + 6 + label_size(node.name)[0])
        elif node.slot == "start":
            extent = max(extent, _EVENT / 2 + label_size(node.name)[0] / 2)
    return offsets, extent


def _columns(nodes: dict[str, Node], routes: list[_Route]) -> _Columns:
    by_column: dict[int, list[Node]] = defaultdict(list)
    for node in nodes.values():
        by_column[node.column].append(node)
    right_labels: dict[int, float] = defaultdict(float)
    entries: dict[int, int] = defaultdict(int)
    exits: set[int] = set()
    for route in routes:
        source = nodes[route.flow.source]
        if route.port == "right":
            exits.add(source.column + 1)
            if route.flow.name:
                right_labels[source.column] = max(right_labels[source.column],
                                                  label_size(route.flow.name)[0] + 8)
        if route.entry_track is not None:
            column = nodes[route.flow.target].column
            entries[column] = max(entries[column], route.entry_track + 1)
    left: dict[int, float] = {}
    exit_x: dict[int, float] = {}
    entry_x: dict[int, list[float]] = {}
    x = _POOL_X + 2 * _HEADER + 30
    last = max(by_column, default=0)
    for column in range(last + 2):
        if column > 0:
            x += 16
            if column in exits:
                exit_x[column] = x
                x += _TRACK
            entry_x[column] = [x + _TRACK * i for i in range(entries[column])]
            x += _TRACK * entries[column] + 16
        left[column] = x
        offsets, extent = _column_parts(by_column.get(column, []))
        for node in by_column.get(column, []):
            node.box = attrs.evolve(node.box, x=x + offsets[node.id])
        gateway = [n for n in by_column.get(column, []) if n.slot in ("gateway", "task",
                                                                       "start")]
        shapes_right = max((n.box.right for n in gateway), default=x)
        x = max(x + extent, shapes_right + right_labels[column]) + 8
    return _Columns(left=left, exit_x=exit_x, entry_x=entry_x, right=x)


def _place(nodes: dict[str, Node], row_top: dict[str, float],
           row_h: dict[str, float]) -> None:
    for node in nodes.values():
        top, height = row_top[node.lane], row_h[node.lane]
        cy = top + height / 2
        y = top + height + _END_GAP if node.slot == "end" else cy - node.box.h / 2
        node.box = attrs.evolve(node.box, y=y)


def _label_nodes(nodes: dict[str, Node], row_top: dict[str, float],
                 row_h: dict[str, float]) -> None:
    """External labels of events and gateways, and the boxes of joint-activity notes."""
    for node in nodes.values():
        box = node.box
        if node.slot in ("start", "end", "gateway") and node.name:
            w, h = label_size(node.name)
            if node.slot == "start":
                node.label = Box(box.cx - w / 2, box.bottom + 5, w, h)
            elif node.slot == "end":
                node.label = Box(box.right + 6, box.cy - h / 2, w, h)
            else:  # below the row, left of the gateway's bottom vertex and its end flow
                bottom = row_top[node.lane] + row_h[node.lane]
                node.label = Box(box.cx - 22 - w, bottom + 4, w, h)
        if node.annotation:
            w, h = note_size(node.annotation, box.w)
            node.note_box = Box(box.x, box.y - h - 10, w, h)


def _port(node: Node, side: str, index: int = 0) -> tuple[float, float]:
    box = node.box
    if side == "right":
        return box.right, box.cy
    if side == "bottom":
        return box.cx, box.bottom
    # top exits: the first at the centre, the others further left, each on the border
    dx = -_TRACK * index
    if node.slot in ("gateway", "merge"):
        return box.cx + dx, box.y + abs(dx)
    if node.slot == "start":
        return box.cx, box.y
    return box.cx + dx, box.y


def _draw(route: _Route, nodes: dict[str, Node], columns: _Columns,
          lanes: dict[str, Box], row_top: dict[str, float], tops: dict[str, int]) -> None:
    flow = route.flow
    source, target = nodes[flow.source], nodes[flow.target]
    s, t = source.box, target.box
    if route.port == "bottom":
        flow.points = [(s.cx, s.bottom), (t.cx, t.y)]
        _flow_label(flow, (s.cx + 5, s.bottom + 2), above=False)
        return
    if route.port == "inner":
        flow.points = [(s.right, s.cy), (t.x, t.cy)]
        return
    corridor = (lanes[source.lane].y + 8 + _TRACK * route.corridor
                if route.corridor is not None else None)
    entry = (columns.entry_x[target.column][route.entry_track]
             if route.entry_track is not None else None)
    if route.port == "right":
        x1 = columns.exit_x[source.column + 1]
        points = [(s.right, s.cy), (x1, s.cy)]
        if corridor is not None and entry is not None:
            points += [(x1, corridor), (entry, corridor), (entry, t.cy)]
        else:
            points += [(x1, t.cy)]
        flow.points = _simplify([*points, (t.x, t.cy)])
        _flow_label(flow, (s.right + 5, s.cy - 3), above=True)
        return
    assert corridor is not None and entry is not None
    px, py = _port(source, "top", route.top_index)
    flow.points = _simplify([(px, py), (px, corridor), (entry, corridor), (entry, t.cy),
                             (t.x, t.cy)])
    above = row_top[source.lane] - 3  # labels stand above the row's tallest shape
    if route.top_index == 0:
        _flow_label(flow, (px + 5, above), above=True)
    else:  # stacked, to the left of every top exit's line
        w, _h = label_size(flow.name or "")
        leftmost = s.cx - _TRACK * (tops[source.id] - 1)
        _flow_label(flow, (leftmost - w - 5, above - 16 * (route.top_index - 1)), above=True)


def _flow_label(flow: Flow, at: tuple[float, float], *, above: bool) -> None:
    if not flow.name:
        return
    w, h = label_size(flow.name)
    x, y = at
    flow.label = Box(x, y - h if above else y, w, h)


def _simplify(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Drop repeated points and middle points of straight runs."""
    out: list[tuple[float, float]] = []
    for p in points:
        if out and out[-1] == p:
            continue
        if len(out) >= 2:
            (ax, ay), (bx, by) = out[-2], out[-1]
            if (ax == bx == p[0]) or (ay == by == p[1]):
                out[-1] = p
                continue
        out.append(p)
    return out if len(out) >= 2 else [points[0], points[-1]]
