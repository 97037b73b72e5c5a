"""The compact view for notebooks, docs and a first look at an SOP.

:func:`render_flowchart` and :func:`procedure_svg` draw the swimlane view
(:mod:`sopflow.render.swimlane`: the document's own layout engine, lanes in declared order,
one tall page). :func:`flowchart_graph` is the earlier view, kept for callers who want a
pygraphviz graph that ``dot`` lays out itself: lanes as ``dot`` clusters (a staircase of
boxes, slow on long SOPs, edges free to cross lane titles).
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING, Any

from sopflow import _gvtext
from sopflow.graph import NodeKind, edge_attrs, edge_labels, node_attrs
from sopflow.render import fonts
from sopflow.render.swimlane import render_swimlane, swimlane_svg

if TYPE_CHECKING:
    from pathlib import Path

    import networkx as nx

    from sopflow.graph import NodeAttrs
    from sopflow.procedure import Procedure

__all__ = ["flowchart_graph", "procedure_svg", "render_flowchart"]


class _Labels:
    """Turns user text into safe Graphviz labels (see :mod:`sopflow._gvtext`), wrapped and
    with characters the font lacks drawn as a box; remembers those for one warning."""

    def __init__(self) -> None:
        self.missing: set[str] = set()

    def __call__(self, text: str, width: float | None = None, size: float = 9.0,
                 bold: bool = False) -> str:
        face = fonts.metrics(bold)
        shown, missing = face.drawable(text)
        self.missing.update(missing)
        lines = face.wrap(shown, width, size) if width is not None else shown.split("\n")
        return _gvtext.label(lines)


def _agraph(graph: nx.DiGraph[Any], text: _Labels) -> Any:
    """An empty pygraphviz graph with the view's fonts and spacing."""
    import pygraphviz as pgv  # type: ignore[import-untyped]

    fonts.configure_fontconfig()
    name = str(graph.graph.get("name", "SOP"))
    g = pgv.AGraph(directed=True, strict=False, name=_gvtext.name(name))
    g.graph_attr.update(
        rankdir="TB",
        newrank="true",
        nodesep="0.3",
        ranksep="0.35",
        fontname=fonts.REGULAR,
        fontsize="10",
        label=text(str(graph.graph.get("name", ""))),
        labelloc="t",
        compound="true",
    )
    g.node_attr.update(fontname=fonts.REGULAR, fontsize="9", penwidth="0.9", margin="0.08,0.04")
    g.edge_attr.update(fontname=fonts.REGULAR, fontsize="8", arrowsize="0.7", penwidth="0.8")
    return g


def _add_lanes(g: Any, graph: nx.DiGraph[Any], text: _Labels) -> None:
    """One cluster per lane holding its nodes, kept in the declared order."""
    lanes = [str(a) for a in graph.graph.get("lanes", ())]
    members: dict[str, list[str]] = {lane: [] for lane in lanes}
    for n, d in graph.nodes(data=True):
        lane = str(d.get("lane") or (lanes[0] if lanes else ""))
        members.setdefault(lane, []).append(n)
    for k, lane in enumerate(lanes):
        sub = g.add_subgraph(
            name=f"cluster_{k}",
            label=text(lane, 140, 10, bold=True),
            style="rounded",
            color="#888888",
            fontname=fonts.BOLD,
        )
        for n in members.get(lane, []):
            sub.add_node(_gvtext.name(n))
    # dot orders clusters as it likes; an invisible row of lane heads outside the clusters,
    # chained left to right (dot keeps the order of such flat edges), with heavy invisible
    # edges down to every node of its lane, pulls each lane under its head, in declared order
    heads = [f"_lane{k}" for k in range(len(lanes))]
    for head in heads:
        g.add_node(head, shape="point", style="invis", width="0", height="0", label="")
    if heads:
        g.add_subgraph(heads, name="lane_heads", rank="same")
        for a, b in itertools.pairwise(heads):
            g.add_edge(a, b, style="invis")
        for k, lane in enumerate(lanes):
            for n in members.get(lane, []):
                g.add_edge(f"_lane{k}", _gvtext.name(n), style="invis", weight="100")


def _node_look(d: NodeAttrs, label: _Labels) -> dict[str, str]:
    """Graphviz attributes of a node: a capsule, a numbered box, or a diamond with the
    question inside and the row's text beside it."""
    kind = NodeKind(d["kind"])
    if not kind.is_step:
        return {"label": label(str(d.get("text", ""))), "shape": "box", "style": "rounded",
                "height": "0.3"}
    text = f"{d.get('row')}. {d.get('text', '')}"
    others = list(d.get("lanes", ())[1:])
    if others:
        text += "\n(bersama: " + ", ".join(others) + ")"
    if kind is NodeKind.DECISION:
        question = d.get("question")
        return {"label": label(question, 90, 9) if question else "",
                "xlabel": label(text, 150, 9), "shape": "diamond", "height": "0.6",
                "width": "0.9"}
    return {"label": label(text, 150, 9), "shape": "box"}


def flowchart_graph(graph: nx.DiGraph[Any]) -> Any:
    """The pygraphviz graph of the earlier ``dot`` view, lanes as clusters (not yet laid
    out: call ``.layout(prog="dot")``). The compact view is now :func:`procedure_svg`."""
    text = _Labels()
    g = _agraph(graph, text)
    _add_lanes(g, graph, text)
    for n in graph.nodes:
        g.get_node(_gvtext.name(n)).attr.update(_node_look(node_attrs(graph, n), text))
    for u, v in graph.edges:
        d = edge_attrs(graph, u, v)
        labels = [lb for lb in edge_labels(d) if lb]
        look: dict[str, str] = {}
        if labels:
            look["label"] = text("/".join(labels), size=8)
        if d.get("back"):
            look["constraint"] = "false"
        g.add_edge(_gvtext.name(u), _gvtext.name(v), **look)
    fonts.warn_missing(text.missing, "flowchart")
    return g


def render_flowchart(procedure: Procedure, path: str | Path, *, dpi: float = 150.0) -> list[Path]:
    """Write the swimlane view to ``path`` (.svg, .png or .pdf, one page) and return it
    (``sopflow render --view flowchart``); see :func:`sopflow.render.swimlane.render_swimlane`
    for its options."""
    return render_swimlane(procedure, path, dpi=dpi)


def procedure_svg(procedure: Procedure) -> str:
    """The swimlane view as SVG text (what ``Procedure._repr_svg_`` shows in Jupyter)."""
    return swimlane_svg(procedure)
