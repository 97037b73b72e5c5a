"""Read the compiled graph into the flat, typed values the layout phases work on.

The graph's checks that matter to drawing happen here, once: every node has a lane that the
SOP declares, and no two steps share a table row.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

import attrs

from sopflow.graph import NodeKind, edge_attrs, edge_labels, node_attrs
from sopflow.render.errors import FlowShapeError

if TYPE_CHECKING:
    from collections.abc import Mapping

    import networkx as nx

    from sopflow.graph import EdgeAttrs

__all__ = ["Edge", "Flow", "Node", "RowData", "read_flow"]


@attrs.frozen(kw_only=True)
class Node:
    """A node to draw: ``lanes`` are lane indices, the primary lane first."""

    id: str
    kind: NodeKind
    row: int
    text: str
    lanes: tuple[int, ...]
    question: str = ""
    #: a joint step's chosen entry and exit lanes (None: nearest the flow, see joint.py)
    enter: int | None = None
    leave: int | None = None


@attrs.frozen(kw_only=True)
class Edge:
    """An arrow to draw; ``label`` joins the labels of every exit it carries; ``back`` as the
    compiler flagged it (the arrow runs up the table or into the start capsule)."""

    u: str
    v: str
    label: str | None
    order: int
    back: bool
    side: Literal["L", "R", "B"] | None = None  # the exit's side hint, if the SOP gives one

    @property
    def key(self) -> tuple[str, str]:
        return (self.u, self.v)


@attrs.frozen(kw_only=True)
class RowData:
    """The texts of one table row (a step): Kegiatan and the Mutu Baku, as printed."""

    row: int
    step: str
    text: str
    inputs: tuple[str, ...]
    waktu: str
    output: str
    note: str
    page_break: bool = False  # this row starts a new page


@attrs.frozen(kw_only=True)
class Flow:
    """Lanes, nodes, arrows and table rows (in row order) of one SOP; ``capsules`` are the
    steps drawn as a capsule holding their text (the first and last with
    ``terminators="steps"``)."""

    lanes: tuple[str, ...]
    nodes: Mapping[str, Node]
    edges: tuple[Edge, ...]
    rows: tuple[RowData, ...]
    capsules: frozenset[str] = frozenset()


def _node(graph: nx.DiGraph[Any], n: str, index: dict[str, int]) -> Node:
    d = node_attrs(graph, n)
    names = tuple(d.get("lanes") or ((d["lane"],) if d.get("lane") else ()))
    if not names:
        raise FlowShapeError(f"step {n!r} has no actor: it cannot be placed in a lane")
    missing = [a for a in names if a not in index]
    if missing:
        raise FlowShapeError(f"step {n!r} names actor {missing[0]!r}, which is not a lane")
    lanes = tuple(index[a] for a in names)
    return Node(id=n, kind=NodeKind(d["kind"]), row=int(d["row"]), text=str(d.get("text", "")),
                lanes=lanes, question=str(d.get("question") or ""),
                enter=_chosen(d.get("enter"), names, lanes), leave=_chosen(d.get("leave"), names,
                                                                           lanes))


def _chosen(actor: str | None, names: tuple[str, ...], lanes: tuple[int, ...]) -> int | None:
    """The lane of ``actor`` among a step's own actors; None if unset or not one of them
    (validation reports an actor that is not the step's own)."""
    if actor is None or actor not in names:
        return None
    return lanes[names.index(actor)]


def _row(graph: nx.DiGraph[Any], n: str) -> RowData:
    d = node_attrs(graph, n)
    waktu = d.get("waktu")
    return RowData(
        row=int(d["row"]),
        step=n,
        text=str(d.get("text", "")),
        inputs=tuple(str(i) for i in d.get("inputs", ())),
        waktu=str(getattr(waktu, "text", waktu) or ""),
        output=str(d.get("output") or ""),
        note=str(d.get("note") or ""),
        page_break=bool(d.get("page_break", False)),
    )


def _edge(u: str, v: str, d: EdgeAttrs) -> Edge:
    # exits that share a target share one arrow: it carries all their labels
    label = " / ".join(lb for lb in edge_labels(d) if lb) or None
    back = d.get("back")
    if back is None:
        raise FlowShapeError(f"the arrow {u!r} -> {v!r} has no 'back' flag: lay out a graph "
                             "made by sopflow.graph.compile_graph (docs/graph-schema.md)")
    side = _SIDES.get(str(d.get("side") or ""))
    return Edge(u=u, v=v, label=label, order=int(d.get("order", 0)), back=bool(back), side=side)


_SIDES: dict[str, Literal["L", "R", "B"]] = {"left": "L", "right": "R", "bottom": "B"}


def read_flow(graph: nx.DiGraph[Any]) -> Flow:
    """The drawable form of ``graph``; a :class:`FlowShapeError` if it cannot be a table."""
    lanes = tuple(str(a) for a in graph.graph.get("lanes", ()))
    if not lanes:
        raise FlowShapeError("the SOP has no actors (Pelaksana): there is no lane to draw in")
    index = {name: i for i, name in enumerate(lanes)}
    nodes = {n: _node(graph, n, index) for n in graph.nodes}
    rows = sorted((_row(graph, n) for n, node in nodes.items() if node.kind.is_step),
                  key=lambda r: r.row)
    seen: set[int] = set()
    for r in rows:
        if r.row in seen:
            raise FlowShapeError(f"two steps share table row {r.row}")
        seen.add(r.row)
    edges = tuple(_edge(u, v, edge_attrs(graph, u, v)) for u, v in graph.edges)
    return Flow(lanes=lanes, nodes=nodes, edges=edges, rows=tuple(rows))
