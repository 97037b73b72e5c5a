"""DOT text of a compiled SOP: lanes as clusters, the five SOP AP symbols, labelled exits.

Plain text, written without Graphviz, so ``sopflow export --to dot`` works anywhere and the
output can be pasted into any Graphviz tool (``dot -Tsvg``). For the official rendering use
:mod:`sopflow.render`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sopflow._gvtext import dot_quote
from sopflow.graph import NodeKind, node_attrs

if TYPE_CHECKING:
    from sopflow.procedure import Procedure

__all__ = ["quote", "to_dot"]


def quote(text: str) -> str:
    """A DOT string that Graphviz draws exactly as ``text`` reads (see :mod:`sopflow._gvtext`:
    backslashes, quotes and ampersands escaped, newlines as ``\\n``, control characters
    shown as U+FFFD, long text in pieces joined with ``+``)."""
    return dot_quote(text)


def _name(text: str) -> str:
    """A DOT identifier (node or graph name), quoted; ``&`` is written ``&amp;`` so that
    the SVG Graphviz makes from it stays well-formed (see :func:`sopflow._gvtext.name`)."""
    return dot_quote(text)


_SHAPES = {
    NodeKind.START: 'shape=box, style="rounded,filled", fillcolor="#e8f0e8"',
    NodeKind.END: 'shape=box, style="rounded,filled", fillcolor="#e8f0e8"',
    NodeKind.PROCESS: "shape=box",
    NodeKind.DECISION: "shape=diamond",
}


def to_dot(procedure: Procedure) -> str:
    """The DOT text of ``procedure``: a ``digraph`` flowing top to bottom.

    Each lane (Pelaksana) is a cluster; a joint activity sits in its first actor's lane and
    names the others in its label. Node ids are the graph's ids (``start``, step ids,
    ``end:<step id>``), so the DOT can be matched back to the SOP.
    """
    from sopflow.procedure import require_procedure

    graph = require_procedure(procedure, "to_dot").graph
    lines = [
        f"digraph {_name(procedure.name)} {{",
        "  rankdir=TB;",
        '  graph [fontname="Helvetica", label=' + quote(procedure.name) + ", labelloc=t];",
        '  node [fontname="Helvetica", fontsize=10];',
        '  edge [fontname="Helvetica", fontsize=9];',
    ]
    by_lane: dict[str, list[str]] = {lane: [] for lane in graph.graph["lanes"]}
    loose: list[str] = []
    for node, data in graph.nodes(data=True):
        by_lane.get(data["lane"], loose).append(node)

    def node_line(node: str, indent: str) -> str:
        data = node_attrs(graph, node)
        kind = NodeKind(data["kind"])
        label = str(data["text"])
        if kind is NodeKind.DECISION and data.get("question"):
            label = f"{data['question']}\n({data['text']})"
        if len(data["lanes"]) > 1:
            label += "\n[bersama: " + ", ".join(data["lanes"]) + "]"
        row = f"{data['row']}. " if kind.is_step else ""
        return f"{indent}{_name(node)} [label={quote(row + label)}, {_SHAPES[kind]}];"

    for index, (lane, nodes) in enumerate(by_lane.items()):
        lines.append(f"  subgraph cluster_{index} {{")
        lines.append(f"    label={quote(lane)}; style=dashed;")
        lines.extend(node_line(node, "    ") for node in nodes)
        lines.append("  }")
    lines.extend(node_line(node, "  ") for node in loose)
    for source, target, data in graph.edges(data=True):
        attrs = []
        labels = [lb for lb in data.get("labels", (data["label"],)) if lb]
        if labels:
            attrs.append("label=" + quote(" / ".join(labels)))
        if data["back"]:
            attrs.append("constraint=false")
        suffix = f" [{', '.join(attrs)}]" if attrs else ""
        lines.append(f"  {_name(source)} -> {_name(target)}{suffix};")
    lines.append("}")
    return "\n".join(lines) + "\n"
