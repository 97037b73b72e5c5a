"""Joint rows (a step with several actors, one box per actor): which box the flow enters and
which it leaves, as signed SOPs draw them, with a solid hand-off arrow between the two.

By default the flow enters the box nearest to where the incoming arrow comes from and leaves
from the box nearest to the next step, so no arrow detours across the other actors' lanes;
the SOP may name the entry and exit actors (``Step.enter`` / ``Step.leave``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import attrs

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from sopflow.render.flow import Edge, Flow, Node
    from sopflow.render.ports import Ports

__all__ = ["JointEnds", "joint_ends"]


@attrs.frozen(kw_only=True)
class JointEnds:
    """The lane of the box a joint row is entered by (from the top) and left by (from the
    bottom)."""

    enter: int
    leave: int


def _nearest(node: Node, lanes: Iterable[int]) -> int:
    """The lane of ``node``'s boxes nearest to any of ``lanes`` (the primary lane on a tie)."""
    targets = tuple(lanes)
    own = sorted(set(node.lanes), key=lambda ln: (ln != node.lanes[0], ln))
    if not targets:
        return node.lanes[0]
    return min(own, key=lambda ln: min(abs(ln - t) for t in targets))


def _main(edges: list[Edge], ports: Ports, end: int, side: str) -> Edge | None:
    """The arrow using ``side`` at this end (0 exit, 1 entry), else the first forward one."""
    for e in edges:
        if ports.get(e.key, ("", ""))[end] == side:
            return e
    forward = [e for e in edges if not e.back]
    return forward[0] if forward else None


def joint_ends(flow: Flow, ports: Ports) -> Mapping[str, JointEnds]:
    """Entry and exit lanes of every joint row of ``flow``."""
    outs: dict[str, list[Edge]] = {}
    ins: dict[str, list[Edge]] = {}
    for e in sorted(flow.edges, key=lambda e: e.order):
        outs.setdefault(e.u, []).append(e)
        ins.setdefault(e.v, []).append(e)
    joint = [n for n in flow.nodes.values() if n.kind.is_step and len(set(n.lanes)) > 1]
    leave: dict[str, int] = {}
    for n in joint:
        nxt = _main(outs.get(n.id, []), ports, 0, "B")
        leave[n.id] = n.leave if n.leave is not None else _nearest(
            n, flow.nodes[nxt.v].lanes if nxt is not None else ())
    out: dict[str, JointEnds] = {}
    for n in joint:
        if n.enter is not None:
            enter = n.enter
        else:
            prev = _main(ins.get(n.id, []), ports, 1, "T")
            src = flow.nodes[prev.u] if prev is not None else None
            from_lanes = () if src is None else (leave.get(src.id, src.lanes[0]),)
            enter = _nearest(n, from_lanes)
        out[n.id] = JointEnds(enter=enter, leave=leave[n.id])
    return out
