"""The one-call API: the official SOP AP document (identity page + flowchart table pages).

``render_document(procedure, "sop.pdf")`` writes a multi-page PDF; with a ``.svg`` or ``.png``
name it writes one file per page (``sop-1.png``, ``sop-2.png``, ...). The format always
follows the file name; an unknown suffix is an error, never a silent fallback.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs

from sopflow.document import DocumentStyle
from sopflow.render.errors import RowTooTallError
from sopflow.render.geometry import Page
from sopflow.render.identity import layout_identity
from sopflow.render.layout import layout_flowchart
from sopflow.render.options import ColumnLabels, IdentityLabels, LayoutOptions
from sopflow.render.paint import pdf_metadata, write_pages

if TYPE_CHECKING:
    from sopflow.graph import SOPGraph
    from sopflow.model import SOPDefinition
    from sopflow.procedure import Procedure

__all__ = ["document_pages", "flowchart_pages", "render_document", "render_table",
           "style_options"]


def _graph_and_definition(procedure: Procedure) -> tuple[SOPGraph, SOPDefinition]:
    # checked at run time too: a notebook user passes the SOP itself more often than not
    graph = getattr(procedure, "graph", None)
    definition = getattr(procedure, "definition", None)
    if graph is None or definition is None:
        kind = type(procedure).__name__
        hint = " (call .compile() on the SOP first)" if hasattr(procedure, "compile") else ""
        raise TypeError(f"expected a compiled sopflow.Procedure, got {kind}{hint}")
    return graph, definition


def style_options(style: DocumentStyle) -> dict[str, Any]:
    """The layout options an SOP file's `document` section sets (unset ones left out)."""
    settings = style.settings()
    out: dict[str, Any] = {k: v for k, v in settings.items()
                           if k not in ("connectors", "column_labels", "identity_labels",
                                        "tte", "verification_url")}
    if settings.get("tte"):
        out["signature"] = settings.get("verification_url") or ""
    if "connectors" in settings:
        out["lettered_connectors"] = settings["connectors"] == "letters"
    if "column_labels" in settings:
        out["labels"] = ColumnLabels(**settings["column_labels"])
    if "identity_labels" in settings:
        out["identity_labels"] = IdentityLabels(**settings["identity_labels"])
    return out


def _options(options: LayoutOptions | None, overrides: dict[str, Any],
             style: DocumentStyle | None = None) -> LayoutOptions:
    """Defaults, then the SOP file's own conventions (when no ``options`` object is given),
    then keyword overrides: what the caller says explicitly wins."""
    overrides = {k: v for k, v in overrides.items() if not (k == "paper" and v is None)}
    base = options or attrs.evolve(LayoutOptions(), **style_options(style or DocumentStyle()))
    try:
        return attrs.evolve(base, **overrides)
    except TypeError:
        known = ", ".join(a.name for a in attrs.fields(LayoutOptions))
        bad = ", ".join(sorted(k for k in overrides if k not in attrs.fields_dict(LayoutOptions)))
        raise TypeError(f"unknown layout option(s) {bad}; known options: {known}") from None


def flowchart_pages(procedure: Procedure, options: LayoutOptions | None = None,
                    **overrides: Any) -> list[Page]:
    """The flowchart table pages only, as geometry (see :mod:`sopflow.render.geometry`)."""
    graph, definition = _graph_and_definition(procedure)
    opts = _options(options, overrides, definition.document)
    return _signed(layout_flowchart(graph, opts), opts, definition)


def document_pages(procedure: Procedure, options: LayoutOptions | None = None,
                   **overrides: Any) -> list[Page]:
    """All pages of the official document as geometry: identity page(s), then the table
    (with ``table_below_identity``, the table starts below the identity block on its page)."""
    graph, definition = _graph_and_definition(procedure)
    opts = _options(options, overrides, definition.document)
    return _signed(_document_pages(graph, definition, opts), opts, definition)


def _document_pages(graph: SOPGraph, definition: SOPDefinition,
                    opts: LayoutOptions) -> list[Page]:
    identity = layout_identity(definition, opts)
    # a page break asked before the first step: the table starts on a page of its own
    first_breaks = bool(definition.steps) and definition.steps[0].page_break
    if opts.table_below_identity and identity and not first_breaks:
        shared = _below_identity(graph, opts, identity)
        if shared is not None:
            return shared
    table = layout_flowchart(
        graph, attrs.evolve(opts, first_page_number=opts.first_page_number + len(identity))
    )
    return identity + table


def _signed(pages: list[Page], opts: LayoutOptions, definition: SOPDefinition) -> list[Page]:
    """The pages with the TTE block when ``opts.signature`` asks for it."""
    if opts.signature is None:
        return pages
    from sopflow.render.signature import sign_pages, signature_data

    ident = definition.identity
    return sign_pages(pages, opts, signature_data(opts.signature, ident.number, ident.name))


#: Space between the identity block and the table below it on a shared page.
IDENTITY_GAP = 12.0


def _below_identity(graph: SOPGraph, opts: LayoutOptions,
                    identity: list[Page]) -> list[Page] | None:
    """The pages with the table starting below the identity block on the identity's last
    page; None when not even the table's header and first row fit there."""
    last = identity[-1]
    bottom = max((y for line in last.lines for _, y in line.points), default=opts.margin)
    numbered = attrs.evolve(opts, first_page_number=opts.first_page_number + len(identity) - 1)
    try:
        table = layout_flowchart(graph, numbered, first_top=bottom + IDENTITY_GAP)
    except RowTooTallError:
        return None
    if not table[0].rows:
        return None
    first = table[0]
    merged = attrs.evolve(
        first,
        lines=last.lines + first.lines,
        # one footer per page: the table's
        texts=tuple(t for t in last.texts if t.role != "footer") + first.texts,
        images=last.images + first.images,
    )
    return [*identity[:-1], merged, *table[1:]]


def render_document(
    procedure: Procedure,
    path: str | Path,
    *,
    paper: str | None = None,
    dpi: float = 150.0,
    options: LayoutOptions | None = None,
    **overrides: Any,
) -> list[Path]:
    """Write the official SOP AP document of a compiled ``procedure`` and return the paths.

    ``paper`` is A4, F4, Letter or Legal (default: the SOP file's `document` paper, else A4);
    the SOP file's other `document` conventions apply unless ``options`` is given; ``dpi``
    applies to PNG output. Any field
    of :class:`LayoutOptions` can be given as a keyword (``repeat_header=False``,
    ``logo="logo.png"``, ``footer="Dokumen ini telah ditandatangani secara elektronik"``).
    """
    pages = document_pages(procedure, options, paper=paper, **overrides)
    return write_pages(pages, path, dpi=dpi, metadata=_metadata(procedure))


def render_table(
    procedure: Procedure,
    path: str | Path,
    *,
    paper: str | None = None,
    dpi: float = 150.0,
    options: LayoutOptions | None = None,
    **overrides: Any,
) -> list[Path]:
    """Write only the flowchart table pages (no identity page); same conventions."""
    pages = flowchart_pages(procedure, options, paper=paper, **overrides)
    return write_pages(pages, path, dpi=dpi, metadata=_metadata(procedure))


def _metadata(procedure: Procedure) -> dict[str, str]:
    identity = _graph_and_definition(procedure)[1].identity
    return pdf_metadata(identity.name, identity.number, identity.unit)
