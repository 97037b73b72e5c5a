"""The pagination phase: which rows go on which page, and the off-page connector pairs.

Rows are packed onto pages by measured height (a row is never split). An arrow whose ends
land on different pages becomes a lettered pair of off-page connectors. When too many arrows
cross one break for its connectors, the pages can be broken up to ``BALANCE_ROWS`` rows early
where fewer arrows cross. A step marked ``page_break`` always starts a page.
"""

from __future__ import annotations

import itertools
from typing import TYPE_CHECKING

import attrs

from sopflow.render.errors import RowTooTallError

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence

    from sopflow.render.flow import Edge, Flow
    from sopflow.render.table import Row

__all__ = ["BALANCE_ROWS", "Crossings", "break_crossings", "crossings", "forced_breaks",
           "letters", "node_rows", "paginate"]

#: How many rows earlier than full a page may break to cut fewer arrows.
BALANCE_ROWS = 3


def letters(i: int) -> str:
    """The ``i``-th connector letter, counting from 0: A ... Z, AA, AB, ..."""
    s = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s


def node_rows(flow: Flow, rows: Sequence[Row]) -> dict[str, int]:
    """The index in ``rows`` of the row each node is drawn in; an end reached by a side exit
    sits on its step's row."""
    index: dict[str, int] = {}
    for i, row in enumerate(rows):
        for nid in row.node_ids():
            index[nid] = i
    for node in flow.nodes.values():
        if node.id not in index:
            index[node.id] = next(i for i, r in enumerate(rows)
                                  if r.data and r.data.row == node.row)
    return index


def break_crossings(flow: Flow, rows: Sequence[Row]) -> list[int]:
    """For each possible break before row ``i``, how many arrows would cross it (linear)."""
    index = node_rows(flow, rows)
    diff = [0] * (len(rows) + 2)
    for e in flow.edges:
        a, c = sorted((index[e.u], index[e.v]))
        if a != c:  # crosses every break before rows a+1 .. c
            diff[a + 1] += 1
            diff[c + 1] -= 1
    counts, running = [], 0
    for i in range(len(rows) + 1):
        running += diff[i]
        counts.append(running)
    return counts


def forced_breaks(rows: Sequence[Row]) -> list[int]:
    """The row indices a page must start at: each step asking for a page break (with the
    start capsule's own row just above it, if any). A break before the table's first row is
    dropped (no empty page), and so are repeats."""
    out: list[int] = []
    for i, row in enumerate(rows):
        if row.data is None or not row.data.page_break:
            continue
        at = i - 1 if i > 0 and rows[i - 1].data is None else i
        if at > 0 and (not out or out[-1] != at):
            out.append(at)
    return out


def _greedy(rows: Sequence[Row], first_top: float, top: float, limit: float,
            reserve: float, last: bool = True) -> list[list[int]]:
    """Fill each page; ``last``: these rows end the table (their last page needs no band of
    connectors below it, so it may use that room)."""
    rest = [0.0] * (len(rows) + 1)
    for i in range(len(rows) - 1, -1, -1):
        rest[i] = rest[i + 1] + rows[i].height
    tail = reserve if last else float("-inf")
    pages: list[list[int]] = [[]]
    y = first_top
    for i, row in enumerate(rows):
        fits = y + row.height <= limit or y + rest[i] <= limit + tail
        if not fits and pages[-1]:
            pages.append([])
            y = top + reserve
            fits = y + row.height <= limit or y + rest[i] <= limit + tail
        if not fits:
            raise RowTooTallError(row.data.row if row.data else None, row.height)
        pages[-1].append(i)
        y += row.height
    return pages


def _balanced(rows: Sequence[Row], first_top: float, next_top: float,
              crossings: Sequence[int],
              fill: Callable[[Sequence[Row], float], list[list[int]]]) -> list[list[int]]:
    """Like the greedy breaks (``fill``: greedy pages of some rows from a top), but each
    break is moved up to ``BALANCE_ROWS`` rows earlier to where the fewest arrows cross it
    (the latest such place on a tie). ``crossings`` is indexed like ``rows``; pages after
    the first start at ``next_top``."""
    pages: list[list[int]] = []
    start, y0 = 0, first_top
    while start < len(rows):
        full = fill(rows[start:], y0)[0]
        end = start + len(full)  # the greedy break: before row ``end``
        if end < len(rows):
            options = range(max(start + 1, end - BALANCE_ROWS), end + 1)
            end = min(options, key=lambda b: (crossings[b], -b))
        pages.append(list(range(start, end)))
        start, y0 = end, next_top
    return pages


def paginate(rows: Sequence[Row], first_top: float, top: float, limit: float,
             reserve: float, crossings: Sequence[int] | None = None) -> list[list[int]]:
    """Break the table between rows by measured height; a row is never split.

    ``limit`` leaves room below the table for a band of off-page connectors; the last page
    needs none (nothing continues after it), so the remaining rows may use that room too.
    Continuation pages keep ``reserve`` above their first row for incoming connectors.
    With ``crossings`` (how many arrows cross a break before row ``i``), each page may end up
    to ``BALANCE_ROWS`` rows early where fewer arrows cross: fewer off-page connectors.
    A step asking for a page break starts a page (see :func:`forced_breaks`): the rows
    between two such breaks are paginated on their own.
    """
    cuts = [0, *forced_breaks(rows), len(rows)]
    pages: list[list[int]] = []
    for k, (a, b) in enumerate(itertools.pairwise(cuts)):
        y0 = first_top if k == 0 else top + reserve
        last = b == len(rows)
        part = rows[a:b]
        def fill(some: Sequence[Row], y: float, last: bool = last) -> list[list[int]]:
            return _greedy(some, y, top, limit, reserve, last)

        if crossings is not None:
            found = _balanced(part, y0, top + reserve, crossings[a:b + 1], fill)
        else:
            found = fill(part, y0)
        pages += [[a + i for i in page] for page in found]
    return pages


@attrs.frozen(kw_only=True)
class Crossings:
    """Where each node is drawn and the arrows that cross a page break, with their letters."""

    node_page: Mapping[str, int]
    edges: tuple[Edge, ...]  # crossing arrows in the order their connectors are lettered
    letters: Mapping[tuple[str, str], str]
    keys: Mapping[tuple[str, str], int]

    def has_top_band(self, p: int) -> bool:
        """True if some arrow crosses into page ``p`` from an earlier page (either way)."""
        page = self.node_page
        return any(
            (page[e.v] == p and page[e.u] < p) or (page[e.u] == p and page[e.v] < p)
            for e in self.edges
        )


def crossings(flow: Flow, rows: Sequence[Row], pages: Sequence[Sequence[int]],
              lettered: bool) -> Crossings:
    """The page of every node and the connector pairs of ``pages``."""
    page_of_row = {i: p for p, idx in enumerate(pages) for i in idx}
    node_page = {nid: page_of_row[i] for nid, i in node_rows(flow, rows).items()}
    crossing = sorted(
        (e for e in flow.edges if node_page[e.u] != node_page[e.v]),
        key=lambda e: (flow.nodes[e.u].row, e.order),
    )
    return Crossings(
        node_page=node_page,
        edges=tuple(crossing),
        letters={e.key: (letters(k) if lettered else "") for k, e in enumerate(crossing)},
        keys={e.key: k for k, e in enumerate(crossing)},
    )
