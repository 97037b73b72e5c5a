"""The ports phase: by which side of its shapes each arrow leaves and enters.

The main flow leaves by the bottom and enters by the top; arrows to another lane use the
side facing it; a loop back up within one lane runs up a corridor beside the lane's shapes,
on the side with fewer arrows. Where on that side (the slot) is decided per page.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Literal, TypeAlias

from sopflow.graph import NodeKind
from sopflow.render.route import DOWN, LEFT, RIGHT, UP, Dir
from sopflow.render.symbols import SLOT

if TYPE_CHECKING:
    from sopflow.render.flow import Edge, Flow, Node
    from sopflow.render.geometry import Point, Shape

__all__ = ["ENTRY", "Ports", "Side", "plan_ports", "port_point"]

Side = Literal["T", "B", "L", "R"]
#: Each arrow's (exit side, entry side), by (source, target).
Ports: TypeAlias = Mapping[tuple[str, str], tuple[Side, Side]]
#: The direction an arrow moves in when it enters a shape by a side.
ENTRY: dict[Side, Dir] = {"T": DOWN, "B": UP, "L": RIGHT, "R": LEFT}


def _toward(a: Node, b: Node, back: bool) -> Side:
    """The side of ``a`` facing ``b``'s lane (within one lane: left going back, else right)."""
    la, lb = a.lanes[0], b.lanes[0]
    if lb < la:
        return "L"
    if lb > la:
        return "R"
    return "L" if back else "R"


class _Planner:
    """Sides chosen so far and how many arrows use each side of each node."""

    def __init__(self, flow: Flow) -> None:
        self.flow = flow
        self.out_side: dict[tuple[str, str], Side] = {}
        self.in_side: dict[tuple[str, str], Side] = {}
        self.load: dict[tuple[str, Side], int] = {}
        self.loops: list[Edge] = []  # same-lane loops back up: their side is balanced last
        self.exit_sides: dict[str, set[Side]] = {}  # the sides each node's exits leave by

    def take(self, node: str, side: Side) -> Side:
        self.load[(node, side)] = self.load.get((node, side), 0) + 1
        return side

    def _bottom_exit(self, src: Node, edges: list[Edge]) -> Edge | None:
        """The exit drawn from the bottom: to an end, else a forward exit to the shape right
        below in the same lane (a straight arrow down), else the first forward exit."""
        nodes = self.flow.nodes
        to_end = [e for e in edges if nodes[e.v].kind is NodeKind.END]
        forward = [e for e in edges if not e.back and nodes[e.v].kind is not NodeKind.END]
        forward.sort(key=lambda e: not (nodes[e.v].row == src.row + 1
                                        and nodes[e.v].lanes[0] == src.lanes[0]))
        bottom = to_end[0] if to_end else (forward[0] if forward else None)
        if bottom is None and src.kind is not NodeKind.DECISION and edges:
            bottom = edges[0]  # a process looping back still leaves at the bottom
        return bottom

    def exits(self, u: str, edges: list[Edge]) -> None:
        """Each exit's side: a hint first, then the flow by the bottom, the others toward their
        target; two exits of one step never share a side while a free side is left (each
        leaves from its own vertex of a diamond, so its label cannot belong to another)."""
        edges.sort(key=lambda e: e.order)
        src = self.flow.nodes[u]
        used = self.exit_sides.setdefault(u, set())
        for e in edges:  # hints: not for "Selesai", drawn under its step
            if e.side is not None and self.flow.nodes[e.v].kind is not NodeKind.END:
                self.out_side[e.key] = self._exit(u, e.side)
        if "B" not in used:
            bottom = self._bottom_exit(src, [e for e in edges if e.key not in self.out_side])
            if bottom is not None:
                self.out_side[bottom.key] = self._exit(u, "B")
        for e in edges:
            if e.key in self.out_side:
                continue
            dst = self.flow.nodes[e.v]
            if e.back and dst.lanes[0] == src.lanes[0]:
                self.loops.append(e)
                continue
            side = _toward(src, dst, e.back)
            other: Side = "L" if side == "R" else "R"
            if self.load.get((u, side)) and not self.load.get((u, other)):
                side = other
            free = [sd for sd in (side, other, "B") if sd not in used]
            self.out_side[e.key] = self._exit(u, free[0] if free else side)

    def _exit(self, node: str, side: Side) -> Side:
        self.exit_sides.setdefault(node, set()).add(side)
        return self.take(node, side)

    def _top_entry(self, dst: Node, edges: list[Edge]) -> Edge | None:
        """The entry drawn into the top: the nearest forward arrow leaving a bottom."""
        nodes = self.flow.nodes
        fwd = [e for e in edges if not e.back and e.key in self.out_side]
        fwd.sort(
            key=lambda e: (
                self.out_side[e.key] != "B",
                nodes[e.u].lanes[0] != dst.lanes[0],
                -nodes[e.u].row,
                nodes[e.u].kind is NodeKind.START,
            )
        )
        top = fwd[0] if fwd else None
        if dst.kind is NodeKind.END and edges:
            top = edges[0]
        return top

    def entries(self, v: str, edges: list[Edge]) -> None:
        dst = self.flow.nodes[v]
        top = self._top_entry(dst, edges)
        for e in edges:
            if e is top:
                self.in_side[e.key] = self.take(v, "T")
            elif (e.back and self.flow.nodes[e.u].lanes[0] == dst.lanes[0]
                  and dst.kind is not NodeKind.START):
                if e not in self.loops:
                    self.loops.append(e)
            elif dst.kind is NodeKind.START:
                # loops back to "Mulai": its top is free, and both sides
                sides: tuple[Side, ...] = ("T", "L", "R")
                side = min(sides, key=lambda sd: self.load.get((v, sd), 0))
                self.in_side[e.key] = self.take(v, side)
            else:
                side = _toward(dst, self.flow.nodes[e.u], e.back)
                if side in self.exit_sides.get(v, ()):
                    side = "T"  # never beside an exit: its label would read as this arrow's
                self.in_side[e.key] = self.take(v, side)

    def balance_loops(self) -> None:
        """A loop within one lane runs up a corridor beside the lane's shapes: use the side
        with fewer arrows at both of its ends, so several loops do not crowd one corridor."""
        for e in self.loops:
            key = e.key

            def u_bad(side: Side, e: Edge = e, key: tuple[str, str] = key) -> bool:
                return key not in self.out_side and side in self.exit_sides.get(e.u, ())

            def v_bad(side: Side, e: Edge = e) -> bool:
                return side in self.exit_sides.get(e.v, ())

            def cost(side: Side, e: Edge = e, key: tuple[str, str] = key) -> int:
                c = self.load.get((e.v, side), 0) + 50 * v_bad(side) + 100 * u_bad(side)
                if key not in self.out_side:
                    c += self.load.get((e.u, side), 0)
                return c

            sides: tuple[Side, ...] = ("L", "R")
            side = min(sides, key=cost)
            if key not in self.out_side:
                out = self._free_exit(e.u, side) if u_bad(side) else side
                self.out_side[key] = self._exit(e.u, out)
            if key not in self.in_side:
                # never beside an exit of the target (that exit's label would read as this
                # arrow's), but a loop into its own step: a small loop on the side it leaves
                into = self.out_side[key] if e.u == e.v else ("T" if v_bad(side) else side)
                self.in_side[key] = self.take(e.v, into)

    def clear_exit_sides(self) -> None:
        """Move to the top any entry left on a side one of its step's exits leaves by (a loop
        balanced last may have taken that side): an exit's label must not read as the
        entry's."""
        for key, side in list(self.in_side.items()):
            u, v = key
            if u != v and side in self.exit_sides.get(v, ()) and side != "T":
                self.load[(v, side)] -= 1
                self.in_side[key] = self.take(v, "T")

    def _free_exit(self, node: str, side: Side) -> Side:
        """A side none of ``node``'s exits uses yet (the bottom last), else ``side``."""
        used = self.exit_sides.get(node, set())
        return next((sd for sd in ("L", "R", "B") if sd not in used), side)


def plan_ports(flow: Flow) -> Ports:
    """Pick the side each arrow leaves and enters by: bottom/top for the flow, sides else."""
    by_source: dict[str, list[Edge]] = {}
    by_target: dict[str, list[Edge]] = {}
    for e in flow.edges:
        by_source.setdefault(e.u, []).append(e)
        by_target.setdefault(e.v, []).append(e)
    plan = _Planner(flow)
    for u, edges in by_source.items():
        plan.exits(u, edges)
    for v, edges in by_target.items():
        plan.entries(v, edges)
    plan.balance_loops()
    plan.clear_exit_sides()
    return {k: (plan.out_side[k], plan.in_side[k]) for k in plan.out_side}


def port_point(shape: Shape, side: Side, slot: int, n_slots: int) -> tuple[Point, Dir]:
    """Where slot ``slot`` of ``n_slots`` sits on ``side`` of ``shape`` (on its outline), and
    the direction an arrow leaves by there."""
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
