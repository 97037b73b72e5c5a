"""From what was read on the pages to a draft SOP definition with its review marks.

Rows become steps (s1, s2 ... by printed row), lanes become actors. Arrows between symbols of
different rows become exits; an arrow into an end capsule ends the flow, one into a start
capsule that shares its row with other symbols returns to the start. Off-page connector pairs
and bare line stubs at a page break join the last row of one page to the first of the next.
A row left without an arrow out flows to the next row: that exit is marked *inferred*.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import attrs

from sopflow.importers.base import ArrowMark, Mark, Region
from sopflow.importers.pdf_arrows import Arrow, Stub
from sopflow.importers.pdf_source import Word
from sopflow.importers.pdf_symbols import CAPSULE, CONNECTOR, DECISION, Symbol
from sopflow.importers.pdf_table import ACTIVITY, NOTE, OUTPUT, TIME, PageTable
from sopflow.model import Actor, Exit, Identity, SOPDefinition, Step, StepKind

__all__ = ["PageRead", "build_draft"]


@attrs.frozen
class PageRead:
    """One flowchart page as read: table, symbols, arrows, page-break stubs."""

    table: PageTable
    symbols: tuple[Symbol, ...]
    words: tuple[Word, ...]
    arrows: tuple[Arrow, ...]
    stubs: tuple[Stub, ...]
    row_offset: int  # rows on earlier pages


@attrs.define
class _Flow:
    exits: dict[int, list[ArrowMark]] = attrs.Factory(dict)
    start: int | None = None


def _row_of(page: PageRead, symbol: int | None) -> int | None:
    if symbol is None:
        return None
    row = page.symbols[symbol].row
    return None if row < 0 else page.row_offset + row + 1


def _region(page: PageRead, arrow: Arrow) -> Region:
    xs = [p[0] for p in arrow.path] or [0.0]
    ys = [p[1] for p in arrow.path] or [0.0]
    return Region(page.table.page, min(xs), min(ys), max(xs), max(ys))


def _start_capsule(pages: Sequence[PageRead]) -> tuple[int, int] | None:
    """(page index, symbol) of the start capsule: the capsule above every other symbol of
    the first row, else the topmost capsule with an arrow leaving it."""
    first = pages[0]
    row0 = [(i, s) for i, s in enumerate(first.symbols) if s.row == 0 and s.kind != CONNECTOR]
    if row0:
        i, top = min(row0, key=lambda t: (t[1].y0, t[1].x0))
        if top.kind == CAPSULE:
            return 0, i
    for p, page in enumerate(pages):
        leaving = {a.source for a in page.arrows if a.source is not None}
        for i, s in sorted(enumerate(page.symbols), key=lambda t: (t[1].y0, t[1].x0)):
            if s.kind == CAPSULE and i in leaving:
                return p, i
    return None


def _lone(page: PageRead, symbol: int) -> bool:
    """Whether the symbol is the only one in its row (the row itself is the capsule)."""
    row = page.symbols[symbol].row
    return sum(1 for s in page.symbols if s.row == row and s.kind != CONNECTOR) == 1


def _marks(pages: Sequence[PageRead]) -> list[ArrowMark]:
    start = _start_capsule(pages)
    marks: list[ArrowMark] = []
    for p, page in enumerate(pages):
        for arrow in page.arrows:
            marks.extend(_mark(p, page, arrow, start))
    marks.extend(_page_breaks(pages))
    return marks


def _target(p: int, page: PageRead, symbol: int | None,
            start: tuple[int, int] | None) -> int | str | None:
    if symbol is None:
        return None
    s = page.symbols[symbol]
    if s.kind == CAPSULE and start == (p, symbol) and not _lone(page, symbol):
        return "start"
    if s.kind == CAPSULE and start != (p, symbol) and not _lone(page, symbol) and not any(
            a.source == symbol for a in page.arrows):
        return "end"
    return _row_of(page, symbol)


def _mark(p: int, page: PageRead, arrow: Arrow,
          start: tuple[int, int] | None) -> list[ArrowMark]:
    kinds = page.symbols
    if (not arrow.direction_read and start == (p, arrow.source) and arrow.target is not None
            and kinds[arrow.target].row != kinds[start[1]].row):
        # no head seen on a line between the start capsule and a later row: the start's own
        # arrow goes to its row's first symbol, so this one comes back (a loop to the start)
        arrow = attrs.evolve(arrow, source=arrow.target, target=arrow.source)
        return []  # handled as a page-break pair
    if arrow.source is not None and kinds[arrow.source].kind == CONNECTOR:
        return []
    source = _row_of(page, arrow.source)
    target = _target(p, page, arrow.target, start)
    if (p, arrow.target) == start and arrow.source is not None and kinds[
            arrow.source].row == kinds[start[1]].row:
        return []  # between the start capsule and its own row: the start, drawn backwards
    region = _region(page, arrow)
    if source is None or target is None:
        return [ArrowMark(source, target, arrow.label, Mark.UNRESOLVED, region,
                          "an end of this line is not at a symbol", arrow.path)]
    if source == target and arrow.source == arrow.target and arrow.source is not None and kinds[
            arrow.source].kind == DECISION:
        return [ArrowMark(source, target, arrow.label, Mark.READ, _region(page, arrow),
                          "a loop back into the same decision", arrow.path)]
    if source == target:
        if isinstance(target, int) and arrow.target is not None and kinds[
                arrow.target].kind == CAPSULE and start != (p, arrow.target):
            return [ArrowMark(source, "end", arrow.label, Mark.READ, region,
                              "into the end capsule in the same row", arrow.path)]
        return []  # inside a joint row
    note = ""
    mark = Mark.READ
    if not arrow.direction_read:
        mark, note = Mark.INFERRED, "no arrowhead seen: direction taken top to bottom"
    elif arrow.reached:
        mark, note = Mark.INFERRED, "the line stops short; taken to the symbol ahead"
    return [ArrowMark(source, target, arrow.label, mark, region, note, arrow.path)]


def _page_breaks(pages: Sequence[PageRead]) -> list[ArrowMark]:
    """Off-page connector pairs (bottom of page k, top of k+1), else line stubs by lane."""
    marks: list[ArrowMark] = []
    for before, after in itertools.pairwise(pages):
        into = [a for a in before.arrows if a.target is not None
                and before.symbols[a.target].kind == CONNECTOR]
        out = [a for a in after.arrows if a.source is not None
               and after.symbols[a.source].kind == CONNECTOR]
        pairs: list[tuple[int | None, int | None, str, str | None]] = []
        into, out = _match_letters(before, after, into, out)
        for a, b in zip(into, out, strict=False):
            # a decision's exit label is printed where it leaves, before the connector
            pairs.append((_row_of(before, a.source), _row_of(after, b.target),
                          "off-page connector pair", a.label or b.label))
        if not pairs:
            down = [s for s in before.stubs if s.at_bottom]
            up = [s for s in after.stubs if not s.at_bottom]
            for a_stub, b_stub in zip(down, up, strict=False):
                pairs.append((_row_of(before, a_stub.symbol), _row_of(after, b_stub.symbol),
                              "lines cut by the page break, paired by position", None))
        for source, target, note, label in pairs:
            region = Region(before.table.page, before.table.box[0], before.table.box[3] - 20,
                            before.table.box[2], before.table.box[3])
            mark = Mark.READ if source and target else Mark.UNRESOLVED
            marks.append(ArrowMark(source, target, label, mark, region, note))
    return marks


def _letter(page: PageRead, symbol: int | None) -> str:
    """The text printed inside a connector ("A", "1"), if any."""
    if symbol is None:
        return ""
    s = page.symbols[symbol]
    words = [w.text for w in page.words if s.x0 <= w.cx <= s.x1 and s.y0 <= w.cy <= s.y1]
    return " ".join(words)


def _match_letters(before: PageRead, after: PageRead, into: list[Arrow],
                   out: list[Arrow]) -> tuple[list[Arrow], list[Arrow]]:
    """Connector arrows in pairing order: the same letter first, then left to right."""
    def key(page: PageRead, symbol: int | None) -> float:
        return page.symbols[symbol].cx if symbol is not None else 0.0

    into = sorted(into, key=lambda a: key(before, a.target))
    out = sorted(out, key=lambda a: key(after, a.source))
    letters = {_letter(after, b.source): b for b in out}
    paired_in: list[Arrow] = []
    paired_out: list[Arrow] = []
    for a in into:
        mate = letters.get(_letter(before, a.target))
        if mate is not None and _letter(before, a.target) and mate not in paired_out:
            paired_in.append(a)
            paired_out.append(mate)
    rest_in = [a for a in into if a not in paired_in]
    rest_out = [b for b in out if b not in paired_out]
    return paired_in + rest_in, paired_out + rest_out


def build_draft(identity: Identity, pages: Sequence[PageRead]) -> tuple[SOPDefinition,
                                                                       list[ArrowMark]]:
    """The draft definition and every arrow with its mark."""
    first = pages[0].table
    actors = tuple(Actor(name=c.name or f"Pelaksana {i + 1}")
                   for i, c in enumerate(first.lanes))
    names = [a.name for a in actors]
    rows = [(page, r) for page in pages for r in page.table.rows]
    marks = [m for m in _marks(pages) if m.source is None or m.source <= len(rows)]
    by_source: dict[int, list[ArrowMark]] = {}
    for m in marks:
        if m.mark != Mark.UNRESOLVED and m.source is not None and m.target is not None:
            by_source.setdefault(m.source, []).append(m)
    steps: list[Step] = []
    inferred: list[ArrowMark] = []
    ends = _ends(pages)
    for n, (page, row) in enumerate(rows, start=1):
        outs = _dedupe(by_source.get(n, []))
        if not outs and n not in ends:
            if n < len(rows):
                guess = ArrowMark(n, n + 1, None, Mark.INFERRED, Region(
                    row.page, page.table.box[0], row.y0, page.table.box[2], row.y1),
                    "no arrow out of this row was read: assumed to flow to the next row")
                outs = [guess]
                inferred.append(guess)
        elif not outs and n in ends:
            outs = [ArrowMark(n, "end", None, Mark.READ, None, "the row is the end capsule")]
            inferred.append(outs[0])
        steps.append(_step(n, page, row, outs, names))
    return SOPDefinition(identity=identity, actors=actors, steps=tuple(steps),
                         start=None), marks + inferred


def _ends(pages: Sequence[PageRead]) -> set[int]:
    """Rows holding a capsule other than the start: they end the flow when no arrow leaves."""
    start = _start_capsule(pages)
    found: set[int] = set()
    for p, page in enumerate(pages):
        for i, s in enumerate(page.symbols):
            if s.kind == CAPSULE and start != (p, i):
                row = _row_of(page, i)
                if row is not None:
                    found.add(row)
    return found


def _dedupe(marks: list[ArrowMark]) -> list[ArrowMark]:
    seen: dict[object, ArrowMark] = {}
    for m in marks:
        key = (m.target, m.label)
        if key not in seen or (seen[key].mark != Mark.READ and m.mark == Mark.READ):
            seen[key] = m
    unlabelled = {m.target for m in seen.values() if m.label}
    return [m for m in seen.values() if m.label or m.target not in unlabelled]


def _labels(label: str | None) -> list[str | None]:
    """One line for several exits to the same row is labelled "Ya / Tidak": one exit each."""
    if label and " / " in label:
        return [part.strip() for part in label.split(" / ") if part.strip()]
    return [label]


def _target_id(target: int | str | None) -> str:
    if target == "end":
        return "@end"
    if target == "start":
        return "@start"
    return f"s{target}"


def _step(n: int, page: PageRead, row: object, outs: list[ArrowMark],
          names: list[str]) -> Step:
    from sopflow.importers.pdf_table import TableRow

    assert isinstance(row, TableRow)
    index = page.table.rows.index(row)
    symbols = [s for s in page.symbols if s.row == index and s.kind != CONNECTOR]
    lanes: list[str] = []
    for s in sorted(symbols, key=lambda s: s.x0):
        if 0 <= s.lane < len(names) and names[s.lane] not in lanes:
            lanes.append(names[s.lane])
    decision = any(s.kind == DECISION for s in symbols) or len(outs) > 1
    question = _question(page, [s for s in symbols if s.kind == DECISION])
    exits = tuple(Exit(label=label if decision else None, target=_target_id(m.target))
                  for m in outs for label in _labels(m.label))
    if not decision:
        exits = exits[:1]
    cells = row.cells
    if question and question.split() == cells.get(ACTIVITY, "").split():
        question = None  # the diamond repeats the activity: no separate question
    return Step(
        id=f"s{n}",
        text=cells.get(ACTIVITY, "").strip() or f"(baris {row.number or n} tanpa teks)",
        kind=StepKind.DECISION if decision else StepKind.PROCESS,
        question=question if decision else None,
        actors=tuple(lanes) or (names[0],) if names else ("Pelaksana",),
        exits=exits,
        inputs=row.inputs,
        time=cells.get(TIME, "").replace("\n", " "),
        output=cells.get(OUTPUT, "").replace("\n", " "),
        note=cells.get(NOTE, ""),
    )


def _question(page: PageRead, diamonds: Sequence[Symbol]) -> str | None:
    """The short question printed inside a decision's diamond, if any."""
    from sopflow.importers.pdf_table import cell_text

    if len(diamonds) != 1:
        return None
    inside = [w for w in page.words if diamonds[0].covers(w.cx, w.cy)]
    text = " ".join(cell_text(inside).split())
    return text or None
