"""Compile an SOP definition into one ``networkx.DiGraph``: the form every consumer reads.

The schema (node and edge attributes) is documented in ``docs/graph-schema.md``. Compiling
never fails on a flawed definition: references to unknown steps are left out of the graph and
reported by :mod:`sopflow.validate`, so one report can list everything that is wrong.
"""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING, Any, NotRequired, TypeAlias, TypedDict, cast

import networkx as nx

from sopflow.model import END, START, SOPDefinition, Step, StepKind
from sopflow.waktu import Waktu, parse_waktu

if TYPE_CHECKING:
    from sopflow.model import SourceLocation

__all__ = [
    "END_PREFIX",
    "START_NODE",
    "EdgeAttrs",
    "EdgeKind",
    "NodeAttrs",
    "NodeKind",
    "SOPGraph",
    "back_edges",
    "compile_graph",
    "edge_attrs",
    "edge_labels",
    "end_node",
    "ends",
    "is_end",
    "is_step",
    "node_attrs",
    "node_kind",
    "step_nodes",
    "table_rows",
]

#: The compiled graph: node ids are strings.
SOPGraph: TypeAlias = "nx.DiGraph[str]"

#: The id of the start node ("Mulai").
START_NODE = "start"
#: End nodes are named ``"end:<step id>"``: one per step that flows to "Selesai".
END_PREFIX = "end:"


class NodeKind(enum.StrEnum):
    """A node's ``kind`` attribute (networkx stores the plain string; the two compare equal)."""

    START = "start"
    END = "end"
    PROCESS = "process"
    DECISION = "decision"

    @property
    def is_step(self) -> bool:
        """A row of the table (a process or a decision), not a start or end capsule."""
        return self in (NodeKind.PROCESS, NodeKind.DECISION)


class EdgeKind(enum.StrEnum):
    """An edge's ``kind``: a process's one successor (or start -> first step), or an exit."""

    FLOW = "flow"
    EXIT = "exit"


class NodeAttrs(TypedDict):
    """The attributes of a node (``docs/graph-schema.md``); steps carry the Mutu Baku too."""

    kind: str
    row: int
    text: str
    lanes: tuple[str, ...]
    lane: str
    question: NotRequired[str | None]
    inputs: NotRequired[tuple[str, ...]]
    waktu: NotRequired[Waktu]
    output: NotRequired[str]
    note: NotRequired[str]
    location: NotRequired[SourceLocation | None]
    page_break: NotRequired[bool]  # set (True) only on a step that starts a new table page
    enter: NotRequired[str | None]
    leave: NotRequired[str | None]


class EdgeAttrs(TypedDict):
    """The attributes of an edge; ``labels`` lists the labels of exits merged into it."""

    label: str | None
    labels: NotRequired[tuple[str | None, ...]]
    order: int
    kind: str
    back: bool
    location: NotRequired[SourceLocation | None]
    side: NotRequired[str | None]


def end_node(step_id: str) -> str:
    """The id of the end node that follows ``step_id``."""
    return END_PREFIX + step_id


def is_end(node: str) -> bool:
    """True for an end node's id (``"end:<step id>"``)."""
    return str(node).startswith(END_PREFIX)


def node_attrs(graph: nx.DiGraph[Any], node: str) -> NodeAttrs:
    """The attributes of ``node``, typed."""
    return cast("NodeAttrs", graph.nodes[node])


def edge_attrs(graph: nx.DiGraph[Any], u: str, v: str) -> EdgeAttrs:
    """The attributes of the edge ``u -> v``, typed."""
    return cast("EdgeAttrs", graph.edges[u, v])


def node_kind(graph: nx.DiGraph[Any], node: str) -> NodeKind:
    """The kind of ``node`` as a :class:`NodeKind`."""
    return NodeKind(graph.nodes[node]["kind"])


def is_step(graph: nx.DiGraph[Any], node: str) -> bool:
    """True if ``node`` is a row of the table (a process or a decision)."""
    return NodeKind(graph.nodes[node]["kind"]).is_step


def ends(graph: nx.DiGraph[Any]) -> tuple[str, ...]:
    """The end node ids, in the graph's order."""
    # str.startswith for string ids (all of sopflow's), is_end for anything else
    return tuple(n for n in graph.nodes
                 if (n.startswith(END_PREFIX) if type(n) is str else is_end(n)))


def table_rows(graph: nx.DiGraph[Any]) -> list[tuple[str, NodeAttrs]]:
    """The steps (processes and decisions) with their attributes, in table row order."""
    steps = (NodeKind.PROCESS.value, NodeKind.DECISION.value)
    rows = [(str(n), d) for n, d in graph.nodes(data=True)
            if d["kind"] in steps or NodeKind(d["kind"]).is_step]
    order = [d["row"] for _, d in rows]
    if order != sorted(order):  # compile_graph adds them in row order: sort only if not
        rows.sort(key=lambda item: item[1]["row"])
    return cast("list[tuple[str, NodeAttrs]]", rows)


def step_nodes(graph: nx.DiGraph[Any]) -> list[str]:
    """The step ids in table row order."""
    return [n for n, _ in table_rows(graph)]


def edge_labels(data: EdgeAttrs) -> tuple[str | None, ...]:
    """All labels an edge carries (exits to one target share one edge)."""
    return data.get("labels", (data.get("label"),))


def back_edges(graph: nx.DiGraph[Any]) -> list[tuple[str, str]]:
    """The edges flagged ``back`` by the compiler (loops up the table, exits to "start")."""
    return [(u, v) for u, v, d in graph.edges(data=True) if d.get("back")]


def _adjacency(graph: SOPGraph) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """The DiGraph's own dicts (its documented data structure): node attributes,
    successors, predecessors. compile_graph writes them directly, in the order add_node and
    add_edge would: those copy every attribute dict twice, a third of the compile time. The
    graph is new, so it has no cached views to clear."""
    return graph._node, graph._succ, graph._pred  # type: ignore[attr-defined]


def _step_nodes(definition: SOPDefinition, graph: SOPGraph) -> dict[str, int]:
    """Add a node per step (the first row of a repeated id) with its attributes; return
    each step's row."""
    rows: dict[str, int] = {}
    # Real SOPs repeat their Waktu texts ("15 menit"): parse each distinct text once.
    waktu: dict[str, Waktu] = {}
    node, succ, pred = _adjacency(graph)
    process, decision = StepKind.PROCESS, StepKind.DECISION
    for row, step in enumerate(definition.steps, start=1):
        if step.id in rows:
            continue  # a duplicate id: validation reports it; the first row keeps the id
        rows[step.id] = row
        parsed = waktu.get(step.time)
        if parsed is None:
            parsed = waktu[step.time] = parse_waktu(step.time,
                                                    bare_hari=definition.bare_hari_basis)
        attributes: NodeAttrs = {
            # (an Enum hashes in Python: two identity tests are cheaper than a dict look-up)
            "kind": ("process" if step.kind is process else
                     "decision" if step.kind is decision else step.kind.value),
            "row": row,
            "text": step.text,
            "question": step.question if step.kind is decision else None,
            "lanes": step.actors,
            "lane": step.actors[0] if step.actors else "",
            "inputs": step.inputs,
            "waktu": parsed,
            "output": step.output,
            "note": step.note,
            "location": step.location,
            "enter": step.enter,
            "leave": step.leave,
        }
        if step.page_break:
            attributes["page_break"] = True
        node[step.id], succ[step.id], pred[step.id] = attributes, {}, {}
    return rows


def _add_start(graph: SOPGraph, definition: SOPDefinition, rows: dict[str, int]) -> None:
    """The start capsule, in the first step's row and lanes, flowing into it."""
    first = definition.start_step
    if first is None or first not in rows:
        return
    data = graph.nodes[first]
    graph.add_node(
        START_NODE,
        kind=NodeKind.START.value,
        row=data["row"],
        text=definition.labels.start,
        lanes=data["lanes"],
        lane=data["lane"],
    )
    graph.add_edge(
        START_NODE,
        first,
        label=None,
        labels=(None,),
        order=0,
        kind=EdgeKind.FLOW.value,
        back=False,
        location=None,
    )


def _target(graph: SOPGraph, definition: SOPDefinition, rows: dict[str, int], step: Step,
            target: str) -> tuple[str, bool] | None:
    """The node an exit of ``step`` leads to and whether it runs back up, adding the step's
    end node when it is the first exit to "Selesai"; None if the target is unknown."""
    source_row = rows[step.id]
    if target == END:
        node = end_node(step.id)
        if node not in graph:
            data = graph.nodes[step.id]
            graph.add_node(node, kind=NodeKind.END.value, row=source_row,
                           text=definition.labels.end, lanes=(data["lane"],), lane=data["lane"])
        return node, False
    if target == START:
        return (START_NODE, True) if START_NODE in graph else None
    if target in rows:
        return target, rows[target] <= source_row
    return None  # unknown target: reported by validation


def _exit_edges(graph: SOPGraph, definition: SOPDefinition, rows: dict[str, int]) -> None:
    """Add one edge per (step, target); a second exit to the same target adds its label."""
    _, succ, pred = _adjacency(graph)
    decision, exit_kind, flow_kind = StepKind.DECISION, EdgeKind.EXIT.value, EdgeKind.FLOW.value
    for source_row, step in enumerate(definition.steps, start=1):
        if rows[step.id] != source_row:
            continue  # the duplicate of an earlier id
        kind = exit_kind if step.kind is decision else flow_kind
        merged: dict[str, EdgeAttrs] = {}  # this step's edges by target
        for order, exit_ in enumerate(step.exits):
            target = exit_.target
            row = rows.get(target)
            if row is not None and target != END and target != START:
                back = row <= source_row  # a step id: what _target gives, without the call
            else:
                found = _target(graph, definition, rows, step, target)
                if found is None:
                    continue
                target, back = found
            edge = merged.get(target)
            if edge is not None:  # a second exit to the same target: one edge, both labels
                edge["labels"] = (*edge_labels(edge), exit_.label)
                edge["side"] = edge.get("side") or exit_.side
                continue
            edge = {
                "label": exit_.label,
                "labels": (exit_.label,),
                "order": order,
                "kind": kind,
                "back": back,
                "location": exit_.location,
                "side": exit_.side,
            }
            merged[target] = succ[step.id][target] = pred[target][step.id] = edge


def compile_graph(definition: SOPDefinition) -> SOPGraph:
    """Build the graph of ``definition`` (linear in the number of steps and exits)."""
    graph: SOPGraph = nx.DiGraph(
        name=definition.identity.name,
        definition=definition,
        lanes=tuple(actor.name for actor in definition.actors),
        labels=definition.labels,
    )
    rows = _step_nodes(definition, graph)
    _add_start(graph, definition, rows)
    _exit_edges(graph, definition, rows)
    return graph
