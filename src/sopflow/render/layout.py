"""Lay out the SOP AP flowchart table from the compiled graph: cells, shapes, arrows, pages.

The table is a grid (rows are steps; columns No, Kegiatan, one lane per actor, the Mutu Baku
fields and Keterangan), so the whole layout is computed as plain geometry, in phases that
each live in their own module:

1. :mod:`.flow` reads the graph into typed nodes, arrows and rows;
2. :mod:`.ports` picks the side each arrow leaves and enters by;
3. :mod:`.table` measures the columns, wraps the cells' text and sizes the rows and header;
4. :mod:`.pagination` packs rows onto pages and letters the off-page connector pairs;
5. :mod:`.page` builds each page (shapes, rules, connectors), routing its arrows with
   :mod:`.route` and writing their labels with :mod:`.labels`.

This module runs the phases and the retries: more room when an arrow found no clean route,
other page breaks when too many arrows cross one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import attrs

from sopflow.render import pagination, table
from sopflow.render.capsule import steps_as_terminators
from sopflow.render.errors import (
    NOT_CURED_BY_ROOM,
    ConnectorRoomError,
    FlowShapeError,
    LayoutError,
)
from sopflow.render.flow import Flow, read_flow
from sopflow.render.joint import joint_ends
from sopflow.render.options import ColumnLabels, LayoutOptions
from sopflow.render.page import PageBuilder, Room, Sheet
from sopflow.render.ports import plan_ports
from sopflow.render.route import RULE_GAP
from sopflow.render.symbols import CLEAR, CONN_BAND, PAD_Y

if TYPE_CHECKING:
    import networkx as nx

    from sopflow.render.geometry import Page

__all__ = ["ColumnLabels", "LayoutError", "LayoutOptions", "layout_flowchart"]

#: The first attempt's spacing, then the roomier ones tried when some route compromised.
ROOMS = (
    Room(pad_y=PAD_Y, side_margin=32.0),
    Room(pad_y=PAD_Y * 1.8, side_margin=48.0),
    Room(pad_y=PAD_Y * 2.6, side_margin=60.0),
)


#: Tighter gutters, tried when the table runs onto more than one page: kept when it saves a
#: page (a lone last row, most often) with every route still clean.
TIGHT = Room(pad_y=PAD_Y * 0.3, side_margin=28.0, pad_below=CLEAR + RULE_GAP + 0.5)


#: A last page with this many rows or fewer is worth a tighter layout to save it.
SHORT_LAST_PAGE = 3


@attrs.frozen(kw_only=True)
class _Start:
    """How pages are broken: ``balance`` breaks where fewer arrows cross; ``first_top`` is
    where the first page's table starts (None: at the top)."""

    balance: bool
    first_top: float | None = None


@attrs.frozen(kw_only=True)
class _Attempt:
    """The pages of one layout attempt and how far its routes were relaxed in total."""

    pages: tuple[Page, ...]
    relaxed: int


def layout_flowchart(graph: nx.DiGraph[Any], options: LayoutOptions | None = None,
                     first_top: float | None = None) -> list[Page]:
    """Lay out the flowchart part of the SOP AP document, one :class:`Page` per page.

    When some arrow finds no clean route (a crowded lane full of loops), the table is laid
    out again with taller gutters and narrower symbols, and the cleaner result is kept. When
    too many arrows cross a page break for its off-page connectors, the pages are broken
    again where fewer arrows cross (a page may then end a few rows early).
    ``first_top``: where the table starts on its first page (below an identity block drawn
    on the same page); the other pages start at the top margin.
    """
    opts = options or LayoutOptions()
    flow = read_flow(graph)
    if opts.terminators != "separate":
        flow = steps_as_terminators(flow, first=opts.terminators in ("steps", "first"),
                                    last=opts.terminators in ("steps", "last"))
    try:
        return _best_layout(flow, opts, _Start(balance=False, first_top=first_top))
    except ConnectorRoomError:
        return _best_layout(flow, opts, _Start(balance=True, first_top=first_top))


def _best_layout(flow: Flow, opts: LayoutOptions, start: _Start) -> list[Page]:
    """The first attempt if every route is clean, else the least relaxed of the attempts."""
    first, *roomier = ROOMS
    error: LayoutError | None = None
    best: _Attempt | None = None
    try:
        best = _layout(flow, opts, first, start)
    except NOT_CURED_BY_ROOM:
        raise
    except LayoutError as exc:
        error = exc
    if best is not None and best.relaxed == 0:
        return list(_tightened(flow, opts, start, best).pages)
    for room in roomier:
        try:
            candidate = _layout(flow, opts, room, start)
        except LayoutError:
            continue
        if best is None or candidate.relaxed < best.relaxed:
            best = candidate
        if best.relaxed == 0:
            break
    if best is None:
        assert error is not None
        raise error
    return list(best.pages)


def _tightened(flow: Flow, opts: LayoutOptions, start: _Start, best: _Attempt) -> _Attempt:
    """``best``, or the tighter layout when it needs fewer pages and routes as cleanly; tried
    only when the last page holds at most ``SHORT_LAST_PAGE`` rows (what tightening can save)."""
    if len(best.pages) < 2 or len(best.pages[-1].rows) > SHORT_LAST_PAGE:
        return best
    try:
        tight = _layout(flow, opts, TIGHT, start)
    except LayoutError:
        return best
    if len(tight.pages) < len(best.pages) and tight.relaxed <= best.relaxed:
        return tight
    return best


def _layout(flow: Flow, opts: LayoutOptions, room: Room, start: _Start) -> _Attempt:
    """One attempt: every phase once, with the spacing of ``room``."""
    if not flow.rows:
        raise FlowShapeError("the SOP has no steps: there is no flowchart to draw")
    pw, ph = opts.page_size()
    m = opts.margin
    cols, opts = table.fit_columns(flow, opts, m, pw - 2 * m, room.pad_y + room.below)
    ports = plan_ports(flow)
    rows = table.rows(flow, cols, opts, ports, room)
    hdr = table.header(flow, cols, opts)
    top = m + (10.0 if opts.page_numbers else 0.0)
    foot = opts.foot_reserve()
    limit = ph - m - CONN_BAND - foot
    first_table = top if start.first_top is None else start.first_top
    first_top = first_table + hdr.total
    cont_top = top + (hdr.total if opts.repeat_header else 0.0)
    counts = pagination.break_crossings(flow, rows) if start.balance else None
    pages_rows = pagination.paginate(rows, first_top, cont_top, limit, CONN_BAND, counts)
    sheet = Sheet(
        flow=flow, opts=opts, cols=cols, hdr=hdr,
        header=table.draw_header(flow, cols, opts, hdr, top), ports=ports, rows=tuple(rows),
        cross=pagination.crossings(flow, rows, pages_rows, opts.lettered_connectors),
        table_top=top, room=room, first_top=start.first_top, joint=joint_ends(flow, ports),
        first_header=(None if start.first_top is None
                      else table.draw_header(flow, cols, opts, hdr, start.first_top)),
    )
    built = [PageBuilder(sheet, p, idx).build() for p, idx in enumerate(pages_rows)]
    return _Attempt(pages=tuple(b.page for b in built), relaxed=sum(b.relaxed for b in built))
