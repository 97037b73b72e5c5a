"""A compiled SOP: its definition, its graph and its validation report, together."""

from __future__ import annotations

from typing import Any

import attrs

from sopflow._gcpause import gc_paused
from sopflow.graph import (
    START_NODE,
    SOPGraph,
    compile_graph,
    edge_attrs,
    edge_labels,
    ends,
    is_end,
)
from sopflow.model import Actor, SOPDefinition, Step
from sopflow.validate import Report, SOPValidationError, validate

__all__ = ["Procedure", "compile_definition", "require_procedure"]


@attrs.frozen(kw_only=True, slots=True, eq=False)
class Procedure:
    """What :meth:`sopflow.SOP.compile` returns; renderers, executor and simulator read it.

    The graph is shared, not copied: treat it as read-only.
    """

    definition: SOPDefinition
    graph: SOPGraph = attrs.field(repr=False)
    report: Report = attrs.field(repr=False)

    @property
    def name(self) -> str:
        """The SOP's name (Nama SOP)."""
        return self.definition.identity.name

    @property
    def steps(self) -> tuple[Step, ...]:
        """The steps in row order, as defined."""
        return self.definition.steps

    @property
    def actors(self) -> tuple[Actor, ...]:
        """The actors (lanes), left to right."""
        return self.definition.actors

    @property
    def start(self) -> str:
        """The graph's start node id ("start")."""
        return START_NODE

    @property
    def ends(self) -> tuple[str, ...]:
        """The graph's end node ids ("end:<step id>"), one per ending step."""
        return ends(self.graph)

    def _repr_svg_(self) -> str | None:
        """Jupyter shows a compiled SOP as its swimlane view (lanes in declared order); None
        (Jupyter then shows the text form) while there is nothing to draw yet, such as an
        SOP with no actor or no step."""
        from sopflow.render import LayoutError, procedure_svg

        try:
            return procedure_svg(self)
        except LayoutError:
            return None

    def summary(self) -> str:
        """A short human-readable description: identity, lanes, rows and exits."""
        identity = self.definition.identity
        lines = [
            f"SOP {identity.name!r} (Nomor {identity.number or '-'})",
            f"  lanes ({len(self.actors)}): " + ", ".join(a.name for a in self.actors),
            f"  rows: {len(self.steps)}, ends: {len(self.ends)}",
        ]
        for row, step in enumerate(self.steps, start=1):
            node: dict[str, Any] = self.graph.nodes.get(step.id, {})
            waktu = node.get("waktu")
            arrows = []
            for target in self.graph.succ.get(step.id, {}) if step.id in self.graph else ():
                labels = "/".join(lb for lb in edge_labels(edge_attrs(self.graph, step.id, target))
                                  if lb)
                label = f"{labels}: " if labels else ""
                shown = self.definition.labels.end if is_end(target) else (
                    self.definition.labels.start if target == START_NODE else target
                )
                arrows.append(f"{label}{shown}")
            lanes = " + ".join(step.actors)
            lines.append(
                f"  {row:>3}. [{step.id}] {step.text} ({lanes}; {waktu or '-'}) -> "
                + (", ".join(arrows) or "(stops)")
            )
        return "\n".join(lines)


def compile_definition(definition: SOPDefinition, *, strict: bool = True) -> Procedure:
    """Compile and validate ``definition``; with ``strict`` raise on any error."""
    with gc_paused():
        graph = compile_graph(definition)
        report = validate(definition, graph)
    if strict and not report.ok:
        raise SOPValidationError(report)
    return Procedure(definition=definition, graph=graph, report=report)


def require_procedure(value: object, what: str) -> Procedure:
    """``value`` if it is a compiled :class:`Procedure`; else a TypeError saying how to get one.

    Passing the SOP itself (or its definition) where a compiled procedure is needed is the
    usual slip; without this check it surfaced as an AttributeError deep inside ``what``.
    """
    if isinstance(value, Procedure):
        return value
    # duck-typed: the DSL sits above this module (it imports procedure, never the reverse)
    if isinstance(value, SOPDefinition):
        hint = ": compile the definition first, e.g. compile_definition(definition)"
    elif callable(getattr(value, "compile", None)):
        hint = ": compile the SOP first, e.g. sop.compile()"
    else:
        hint = ""
    raise TypeError(f"{what} needs a compiled Procedure, got {type(value).__name__}{hint}")
