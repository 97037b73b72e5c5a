"""The flowchart table of an SOP AP page: header, columns (lanes and Mutu Baku), rows, cells.

Columns come from the vertical rules that cross the bottom of the header, named by the header
words (Kegiatan / Aktivitas / Uraian, Pelaksana with the lanes under it, Kelengkapan / Input /
Persyaratan, Waktu, Output, Keterangan / Ket). Rows are the bands between horizontal rules that
run across the number and Kegiatan columns (arrows never do). A page without a header continues
the previous page's table and reuses its columns.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Sequence

import attrs

from sopflow.importers.pdf_lines import Segment, segments
from sopflow.importers.pdf_source import SCALE, PageData, Word

__all__ = ["Column", "PageTable", "TableRow", "cell_text", "read_table"]

NUMBER, ACTIVITY, LANE, INPUTS, TIME, OUTPUT, NOTE = (
    "number", "activity", "lane", "inputs", "time", "output", "note")

_ROLE_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (ACTIVITY, ("kegiatan", "aktivitas", "aktifitas", "uraian")),
    (INPUTS, ("kelengkapan", "persyaratan", "input", "syarat")),
    (TIME, ("waktu",)),
    (OUTPUT, ("output", "keluaran")),
    (NOTE, ("keterangan", "ket")),
    (NUMBER, ("no", "nomor")),
)
_SPANNING = {"pelaksana", "mutu", "baku"}
_COLUMN_NUMBER = re.compile(r"^\(?\d{1,2}\)?$")


@attrs.frozen
class Column:
    """A column of the table in points; ``name`` is the lane name for a lane column."""

    role: str
    x0: float
    x1: float
    name: str = ""


@attrs.frozen
class TableRow:
    """One band of the table body on one page (points)."""

    page: int
    y0: float
    y1: float
    number: str
    cells: dict[str, str]
    inputs: tuple[str, ...]


@attrs.frozen(eq=False)
class PageTable:
    """What one page contributes: its columns, rows and the rules found (raster pixels)."""

    page: int
    columns: tuple[Column, ...]
    rows: tuple[TableRow, ...]
    header: bool
    box: tuple[float, float, float, float]  # table x0, y0, x1, y1 in points
    body_top: float  # points
    rules_h: tuple[Segment, ...]
    rules_v: tuple[Segment, ...]

    @property
    def lanes(self) -> tuple[Column, ...]:
        return tuple(c for c in self.columns if c.role == LANE)


def _norm(text: str) -> str:
    return re.sub(r"[^a-z]", "", text.lower())


def _role_of(words: Sequence[Word]) -> str | None:
    tokens = [_norm(w.text) for w in words]
    for role, keys in _ROLE_WORDS:
        for token in tokens:
            if any(token == key or (len(key) > 3 and token.startswith(key)) for key in keys):
                return role
    return None


def lines_of(words: Iterable[Word]) -> list[list[Word]]:
    """Words grouped into text lines, top to bottom, each left to right."""
    lines: list[list[Word]] = []
    for word in sorted(words, key=lambda w: (w.cy, w.x0)):
        if lines:
            last = lines[-1]
            mid = sum(w.cy for w in last) / len(last)
            if abs(word.cy - mid) < max(word.size, 4.0) * 0.45:
                last.append(word)
                continue
        lines.append([word])
    return [sorted(line, key=lambda w: w.x0) for line in lines]


def _mid(line: Sequence[Word]) -> float:
    return sum(w.cy for w in line) / len(line)


def cell_text(words: Iterable[Word]) -> str:
    """The text of a cell: wrapped lines joined by spaces, paragraphs by a newline."""
    paragraphs: list[str] = []
    previous: list[Word] | None = None
    for line in lines_of(words):
        text = " ".join(w.text for w in line)
        if previous is not None:
            pitch = _mid(line) - _mid(previous)
            size = max(max(w.size for w in line), 4.0)
            if pitch < size * 1.95:
                paragraphs[-1] += " " + text
                previous = line
                continue
        paragraphs.append(text)
        previous = line
    return "\n".join(paragraphs)


_ITEM = re.compile(r"^\s*(?:\d{1,2}[.)]|[a-z][.)]|[-\u2022\u25cf\u2013\u00b7])\s*")


def list_items(words: Sequence[Word]) -> tuple[str, ...]:
    """A list cell as its items: a line that starts with a number or bullet starts an item;
    without any marker, paragraphs are the items."""
    lines = [" ".join(w.text for w in line) for line in lines_of(words)]
    if not any(_ITEM.match(line) for line in lines):
        text = cell_text(words)
        return tuple(p.strip() for p in text.split("\n") if p.strip())
    items: list[str] = []
    for line in lines:
        match = _ITEM.match(line)
        if match or not items:
            items.append(line[match.end():].strip() if match else line.strip())
        else:
            items[-1] = join_wrapped(items[-1], line)
    return tuple(i for i in items if i)


def join_wrapped(first: str, second: str) -> str:
    """Two wrapped lines as one text; a word hyphenated at the line's end is joined back."""
    first, second = first.strip(), second.strip()
    if first.endswith("-"):
        return first + second
    return (first + " " + second).strip()


def _words_in(words: Sequence[Word], x0: float, y0: float, x1: float, y1: float) -> list[Word]:
    return [w for w in words if x0 <= w.cx <= x1 and y0 <= w.cy <= y1]


def read_table(page: PageData, previous: PageTable | None) -> PageTable | None:
    """The table on ``page`` (continuing ``previous`` when it has no header), or None."""
    hsegs = segments(page.ink, horizontal=True, min_length=page.px(20), max_thick=page.px(4))
    vsegs = segments(page.ink, horizontal=False, min_length=page.px(6), max_thick=page.px(4))
    long_h = [s for s in hsegs if s.length >= page.ink.shape[1] * 0.3]
    if len(long_h) < 2:
        return None
    left = min(s.a for s in long_h)
    right = max(s.b for s in long_h)
    top = min(s.pos for s in long_h)
    bottom = max(s.pos for s in long_h)
    words = [w for w in page.words
             if left / SCALE <= w.cx <= right / SCALE and top / SCALE <= w.cy <= bottom / SCALE]
    header = _find_header(words, hsegs)
    if header is not None:
        header_bottom, activity = header
        # the identity grid may share the page: the table is what lies around its header
        above = [s.pos for s in long_h if s.pos < activity.y0 * SCALE
                 and s.covers(activity.x0 * SCALE, activity.x1 * SCALE)]
        header_top = max(above) if above else top
        table_h = [s for s in long_h if s.pos >= header_top
                   and s.covers(activity.x0 * SCALE, activity.x1 * SCALE)]
        if table_h:
            left, right = min(s.a for s in table_h), max(s.b for s in table_h)
            top = min(s.pos for s in table_h)
        columns = _columns(page, words, vsegs, hsegs, left, right, top, header_bottom,
                           activity)
        body_top = header_bottom
    elif previous is not None:
        shift = left / SCALE - previous.box[0]
        columns = tuple(attrs.evolve(c, x0=c.x0 + shift, x1=c.x1 + shift)
                        for c in previous.columns)
        body_top = top
    else:
        return None
    if not any(c.role == ACTIVITY for c in columns):
        return None
    rules = _row_rules(hsegs, columns, left, body_top, bottom)
    rows = _rows(page, words, columns, rules)
    return PageTable(page=page.number, columns=columns, rows=tuple(rows),
                     header=header is not None,
                     box=(left / SCALE, top / SCALE, right / SCALE, bottom / SCALE),
                     body_top=body_top / SCALE,
                     rules_h=tuple(s for s in hsegs if s.pos in rules or s in long_h),
                     rules_v=tuple(s for s in vsegs
                                   if any(abs(s.pos / SCALE - c.x0) < 2.5
                                          or abs(s.pos / SCALE - c.x1) < 2.5 for c in columns)
                                   and s.length > page.px(12)))


def _find_header(words: Sequence[Word], hsegs: Sequence[Segment]
                 ) -> tuple[float, Word] | None:
    """The header's bottom rule (pixels) and the Kegiatan word, or None (no header here)."""
    best: tuple[int, Word] | None = None
    for word in words:
        if _role_of([word]) != ACTIVITY:
            continue
        if any(abs(w.cy - word.cy) < 2 and 0 <= word.x0 - w.x1 < 5 for w in words):
            continue  # a word inside a sentence, not a header cell
        near = [w for w in words if abs(w.cy - word.cy) < 45]
        keys = {_role_of([w]) for w in near} | {_norm(w.text) for w in near}
        score = len({TIME, OUTPUT, INPUTS, "pelaksana", "mutu"} & keys)
        if score >= 2 and (best is None or score > best[0]):
            best = (score, word)
    if best is None:
        return None
    word = best[1]
    # the Kegiatan cell spans the whole header height: the first rule under it ends the header
    rules = sorted(s.pos for s in hsegs
                   if s.covers(word.x0 * SCALE, word.x1 * SCALE) and s.pos > word.y1 * SCALE)
    if not rules:
        return None
    bottom_rule = rules[0]
    # a "(1) (2) ..." row of column numbers right under the header belongs to the header
    for nxt in rules[1:]:
        band = [w for w in words if bottom_rule / SCALE < w.cy < nxt / SCALE]
        if band and all(_COLUMN_NUMBER.match(w.text) for w in band) and any(
                w.text.startswith("(") for w in band):
            bottom_rule = nxt
            continue
        break
    return bottom_rule, word


def _columns(page: PageData, words: Sequence[Word], vsegs: Sequence[Segment],
             hsegs: Sequence[Segment], left: int, right: int, top: float, header_bottom: float,
             activity: Word) -> tuple[Column, ...]:
    probe = header_bottom - page.px(3)
    xs = [s.pos for s in vsegs if s.crosses(probe, 1) and left - 4 <= s.pos <= right + 4]
    # a shaded header hides its rules: take the rules leaving the header downwards too
    # (column rules run down the whole first row; arrows from the header's edge do not)
    below = header_bottom + page.px(2)
    first_row = min((s.pos for s in hsegs if s.pos > below + page.px(6)
                     and s.covers(activity.x0 * SCALE, activity.x1 * SCALE)), default=below)
    xs += [s.pos for s in vsegs if s.crosses(below, page.px(3)) and s.b >= first_row - 2
           and left - 4 <= s.pos <= right + 4]
    # the number/Kegiatan split may exist only in the body (one header cell over both)
    xs += [s.pos for s in vsegs if s.a <= header_bottom + page.px(3)
           and s.length > page.px(14) and s.pos < activity.cx * SCALE]
    xs += [left, right]
    edges: list[float] = []
    for x in sorted(xs):
        if edges and x - edges[-1] < page.px(4):
            continue
        edges.append(x)
    header_words = [w for w in words if top / SCALE <= w.cy <= header_bottom / SCALE]
    spans = [(a / SCALE, b / SCALE) for a, b in itertools.pairwise(edges)
             if b - a > page.px(6)]
    roles: list[tuple[str | None, str, float, float]] = []
    for x0, x1 in spans:
        inside = [w for w in header_words if x0 <= w.cx <= x1]
        role = _role_of([w for w in inside if _norm(w.text) not in _SPANNING])
        name = cell_text([w for w in inside if _norm(w.text) not in _SPANNING
                          and not _COLUMN_NUMBER.match(w.text)])
        roles.append((role, name, x0, x1))
    return _assign_roles(roles)


def _assign_roles(spans: list[tuple[str | None, str, float, float]]) -> tuple[Column, ...]:
    """Name every column; lanes are the unnamed columns between Kegiatan and Mutu Baku."""
    found = [role for role, *_ in spans]
    if ACTIVITY not in found:
        return ()
    act = found.index(ACTIVITY)
    mutu = [i for i, r in enumerate(found) if r in (INPUTS, TIME, OUTPUT, NOTE) and i > act]
    end = mutu[0] if mutu else len(found)
    columns: list[Column] = []
    for index, (role, name, x0, x1) in enumerate(spans):
        if index < act:
            kind = NUMBER
        elif act < index < end and role in (None, LANE, NUMBER):
            kind = LANE
        else:
            kind = role or NOTE
        columns.append(Column(role=kind, x0=x0, x1=x1, name=name if kind == LANE else ""))
    return tuple(columns)


def _row_rules(hsegs: Sequence[Segment], columns: Sequence[Column], left: int,
               body_top: float, bottom: float) -> list[float]:
    activity = next(c for c in columns if c.role == ACTIVITY)
    span_end = activity.x1 * SCALE - 4
    rules = sorted({s.pos for s in hsegs if s.covers(left + 4, span_end)
                    and body_top - 3 <= s.pos <= bottom + 3})
    merged: list[float] = []
    for pos in rules:
        if merged and pos - merged[-1] < 6:
            merged[-1] = pos
            continue
        merged.append(pos)
    if not merged or merged[0] > body_top + 6:
        merged.insert(0, body_top)
    return merged


def _rows(page: PageData, words: Sequence[Word], columns: Sequence[Column],
          rules: Sequence[float]) -> list[TableRow]:
    rows: list[TableRow] = []
    for a, b in itertools.pairwise(rules):
        y0, y1 = a / SCALE, b / SCALE
        if y1 - y0 < 6:
            continue
        cells: dict[str, str] = {}
        inputs: tuple[str, ...] = ()
        for column in columns:
            if column.role == LANE:
                continue
            inside = _words_in(words, column.x0, y0, column.x1, y1)
            text = cell_text(inside)
            if column.role == INPUTS:
                inputs = list_items(inside)
            if text:
                cells[column.role] = (cells.get(column.role, "") + "\n" + text).strip()
        number = cells.pop(NUMBER, "").strip()
        activity = cells.get(ACTIVITY, "")
        if not number:
            match = re.match(r"^\s*(\d{1,3})[.)]?\s+", activity)
            if match:
                number = match.group(1)
                cells[ACTIVITY] = activity[match.end():]
        if not (number or cells):
            continue
        rows.append(TableRow(page=page.number, y0=y0, y1=y1,
                             number=number.rstrip(".").strip(), cells=cells, inputs=inputs))
    return rows
