"""Compile an SOP definition into one ``networkx.DiGraph``: the form every consumer reads.

The schema (node and edge attributes) is documented in ``docs/graph-schema.md``. Compiling
never fails on a flawed definition: references to unknown steps are left out of the graph and
reported by :mod:`sopflow.validate`, so one report can list everything that is wrong.
"""

from __future__ import annotations

from typing import Any, TypeAlias

import networkx as nx

from sopflow.model import END, START, SOPDefinition, StepKind
from sopflow.waktu import Waktu, parse_waktu

__all__ = ["END_PREFIX", "START_NODE", "SOPGraph", "compile_graph", "end_node"]

#: The compiled graph: node ids are strings.
SOPGraph: TypeAlias = "nx.DiGraph[str]"

#: The id of the start node ("Mulai").
START_NODE = "start"
#: End nodes are named ``"end:<step id>"``: one per step that flows to "Selesai".
END_PREFIX = "end:"


def end_node(step_id: str) -> str:
    """The id of the end node that follows ``step_id``."""
    return END_PREFIX + step_id


def compile_graph(definition: SOPDefinition) -> SOPGraph:
    """Build the graph of ``definition`` (linear in the number of steps and exits)."""
    graph: SOPGraph = nx.DiGraph(
        name=definition.identity.name,
        definition=definition,
        lanes=tuple(actor.name for actor in definition.actors),
        labels=definition.labels,
    )
    rows: dict[str, int] = {}
    for row, step in enumerate(definition.steps, start=1):
        rows.setdefault(step.id, row)  # a duplicate id: validation reports it; the first wins
    # Add the bare nodes, then fill each node's own attribute dict in place: add_nodes_from
    # with (node, dict) pairs copies every dict twice (a third of compiling) and a list of
    # them would hold a second copy of every node's attributes at the peak.
    graph.add_nodes_from(rows)
    node_data = graph.nodes
    # Real SOPs repeat their Waktu texts ("15 menit"): parse each distinct text once.
    waktu: dict[str, Waktu] = {}
    for row, step in enumerate(definition.steps, start=1):
        if rows[step.id] != row:
            continue  # the duplicate of an earlier id
        parsed = waktu.get(step.time)
        if parsed is None:
            parsed = waktu[step.time] = parse_waktu(step.time, bare_hari=definition.bare_hari)
        node_data[step.id].update(
            kind=step.kind.value,
            row=row,
            text=step.text,
            question=step.question if step.kind is StepKind.DECISION else None,
            lanes=step.actors,
            lane=step.actors[0] if step.actors else "",
            inputs=step.inputs,
            waktu=parsed,
            output=step.output,
            note=step.note,
            location=step.location,
        )
    first = definition.start_step
    if first is not None and first in rows:
        data = graph.nodes[first]
        graph.add_node(
            START_NODE,
            kind="start",
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
            kind="flow",
            back=False,
            location=None,
        )
    edges = []
    merged: dict[tuple[str, str], dict[str, Any]] = {}
    for source_row, step in enumerate(definition.steps, start=1):
        if rows[step.id] != source_row:
            continue  # the duplicate of an earlier id
        for order, exit_ in enumerate(step.exits):
            if exit_.target == END:
                target = end_node(step.id)
                if target not in graph:
                    data = graph.nodes[step.id]
                    graph.add_node(
                        target,
                        kind="end",
                        row=source_row,
                        text=definition.labels.end,
                        lanes=(data["lane"],),
                        lane=data["lane"],
                    )
                back = False
            elif exit_.target == START:
                if START_NODE not in graph:
                    continue
                target, back = START_NODE, True
            elif exit_.target in rows:
                target = exit_.target
                back = rows[target] <= source_row
            else:
                continue  # unknown target: reported by validation
            kind = "exit" if step.kind is StepKind.DECISION else "flow"
            edge = merged.get((step.id, target))
            if edge is not None:  # a second exit to the same target: one edge, both labels
                edge["labels"] = (*edge["labels"], exit_.label)
                continue
            edge = {
                "label": exit_.label,
                "labels": (exit_.label,),
                "order": order,
                "kind": kind,
                "back": back,
                "location": exit_.location,
            }
            merged[step.id, target] = edge
            edges.append((step.id, target, edge))
    graph.add_edges_from(edges)
    return graph
