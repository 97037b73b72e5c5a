"""Render an SOP: the official SOP AP document (PDF/SVG/PNG) and the swimlane view.

The document's layout is computed in Python as plain geometry (:mod:`.geometry`,
:mod:`.layout`, :mod:`.identity`) and painted by Graphviz through pygraphviz
(:mod:`.paint`), with a font shipped in the package (:mod:`.fonts`). Heavy libraries
(pygraphviz, fontTools, pypdf) load only when something is rendered.
"""

from __future__ import annotations

from sopflow.render.document import (
    document_pages,
    flowchart_pages,
    render_document,
    render_table,
)
from sopflow.render.errors import LayoutError
from sopflow.render.flowchart import procedure_svg, render_flowchart
from sopflow.render.identity import format_date
from sopflow.render.options import ColumnLabels, IdentityLabels, LayoutOptions
from sopflow.render.swimlane import (
    SwimlaneOptions,
    render_swimlane,
    swimlane_layout,
    swimlane_svg,
)

__all__ = [
    "ColumnLabels",
    "IdentityLabels",
    "LayoutError",
    "LayoutOptions",
    "SwimlaneOptions",
    "document_pages",
    "flowchart_pages",
    "format_date",
    "procedure_svg",
    "render_document",
    "render_flowchart",
    "render_swimlane",
    "render_table",
    "swimlane_layout",
    "swimlane_svg",
]
