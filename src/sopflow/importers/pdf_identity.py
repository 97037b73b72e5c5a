"""The identity page of an SOP AP document: its 13 fields, read from the words of page 1.

The page is a grid of label -> value pairs on the right (Nomor SOP, the three dates, Disahkan
oleh with name and NIP, Nama/Judul SOP), the unit's names top left, and six list sections in
two column bands below (Dasar Hukum, Kualifikasi Pelaksana, Keterkaitan, Peralatan/
Perlengkapan, Peringatan, Pencatatan dan Pendataan), items numbered "1." in the band's margin.
A list that does not end on page 1 continues at the top of page 2 (before the table).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date

import attrs

from sopflow.importers.pdf_source import SCALE, PageData, Word
from sopflow.importers.pdf_table import cell_text, lines_of
from sopflow.model import Identity, Signatory

__all__ = ["parse_date", "read_identity"]

_MONTHS = {
    "januari": 1, "februari": 2, "pebruari": 2, "maret": 3, "april": 4, "mei": 5, "juni": 6,
    "juli": 7, "agustus": 8, "september": 9, "oktober": 10, "november": 11, "nopember": 11,
    "desember": 12,
}
_LABELS = {
    "number": ("nomor sop", "no sop", "nomor"),
    "created": ("tanggal pembuatan", "tgl pembuatan"),
    "revised": ("tanggal revisi", "tgl revisi"),
    "effective": ("tanggal efektif", "tanggal pengesahan", "tgl efektif", "tanggal berlaku"),
    "approved": ("disahkan oleh", "disahkan"),
    "name": ("nama sop", "judul sop"),
}
_SECTIONS = {
    "legal_basis": ("dasar hukum",),
    "qualifications": ("kualifikasi pelaksana", "kualifikasi"),
    "related": ("keterkaitan",),
    "equipment": ("peralatan", "perlengkapan"),
    "warning": ("peringatan",),
    "records": ("pencatatan",),
}
_ITEM = re.compile(r"^\s*(?:\d{1,2}\s*[.)]|[a-z][.)]|[-\u2022\u25cf\u00b7\uf0b7])\s*")


def parse_date(text: str) -> date | None:
    """``"8 Januari 2021"``, ``"08-01-2021"`` or ``"2021-01-08"`` as a date; None otherwise."""
    text = text.strip().lower()
    match = re.search(r"(\d{1,2})\s+([a-z]+)\s+(\d{4})", text)
    try:
        if match and match.group(2) in _MONTHS:
            return date(int(match.group(3)), _MONTHS[match.group(2)], int(match.group(1)))
        match = re.search(r"(\d{4})-(\d{1,2})-(\d{1,2})", text)
        if match:
            return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
        match = re.search(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})", text)
        if match:
            return date(int(match.group(3)), int(match.group(2)), int(match.group(1)))
    except ValueError:
        return None
    return None


def _text(line: Sequence[Word]) -> str:
    return " ".join(w.text for w in line)


def _key(text: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"[^a-z0-9 ]", "", text.lower())).strip()


@attrs.frozen
class _Grid:
    """The ruled grid of the identity page (points), to find the cell around a point."""

    hsegs: tuple[tuple[float, float, float], ...]  # (y, x0, x1)
    vsegs: tuple[tuple[float, float, float], ...]  # (x, y0, y1)
    box: tuple[float, float, float, float]

    def cell(self, x: float, y: float) -> tuple[float, float, float, float]:
        """The smallest ruled rectangle around (x, y)."""
        left = max((v[0] for v in self.vsegs if v[0] < x - 0.5 and v[1] - 1 <= y <= v[2] + 1),
                   default=self.box[0])
        right = min((v[0] for v in self.vsegs if v[0] > x + 0.5 and v[1] - 1 <= y <= v[2] + 1),
                    default=self.box[2])
        top = max((h[0] for h in self.hsegs if h[0] < y - 0.5 and h[1] - 1 <= x <= h[2] + 1),
                  default=self.box[1])
        bottom = min((h[0] for h in self.hsegs if h[0] > y + 0.5 and h[1] - 1 <= x <= h[2] + 1),
                     default=self.box[3])
        return left, top, right, bottom


def _grid(page: PageData) -> _Grid:
    from sopflow.importers.pdf_lines import segments

    h = segments(page.ink, horizontal=True, min_length=page.px(15), max_thick=page.px(4))
    v = segments(page.ink, horizontal=False, min_length=page.px(8), max_thick=page.px(4))
    hs = tuple((s.pos / SCALE, s.a / SCALE, s.b / SCALE) for s in h)
    vs = tuple((s.pos / SCALE, s.a / SCALE, s.b / SCALE) for s in v)
    if hs:
        box = (min(x[1] for x in hs), min(x[0] for x in hs), max(x[2] for x in hs),
               max(x[0] for x in hs))
    else:
        box = (0.0, 0.0, page.width, page.height)
    return _Grid(hsegs=hs, vsegs=vs, box=box)


def _inside(words: Sequence[Word], box: tuple[float, float, float, float]) -> list[Word]:
    x0, y0, x1, y1 = box
    return [w for w in words if x0 <= w.cx <= x1 and y0 <= w.cy <= y1]


def _find(lines: list[list[Word]],
          names: tuple[str, ...]) -> tuple[int, int, int] | None:
    """(line, first word, word after) of the first label among ``names`` that starts a cell.

    The longest form wins ("Disahkan oleh" before "Disahkan"); a label starts its line or
    follows a gap (another cell's text may share the line).
    """
    for i, line in enumerate(lines):
        for j in range(len(line)):
            if j > 0 and line[j].x0 - line[j - 1].x1 < 8:
                continue
            for k in reversed(range(j, min(len(line), j + 4))):
                if _key(_text(line[j: k + 1])) in names:
                    return i, j, k + 1
    return None


def read_identity(page: PageData, table_top: float | None = None) -> tuple[Identity, list[str]]:
    """The identity fields of ``page`` (above ``table_top`` when the table shares the page).

    Returns the identity and notes on fields that could not be found.
    """
    words = [w for w in page.words if table_top is None or w.cy < table_top]
    grid = _grid(page)
    if table_top is not None:
        grid = attrs.evolve(grid, box=(*grid.box[:3], min(grid.box[3], table_top)))
        words = [w for w in words if w.cy < grid.box[3] + 1]
    words = [w for w in words if w.cy <= grid.box[3] + 1]  # the signature footer is below
    lines = lines_of(words)
    notes: list[str] = []
    values: dict[str, list[Word]] = {}
    label_x = None
    for field, names in _LABELS.items():
        found = _find(lines, names)
        if found is None:
            notes.append(f"identity: no {names[0].title()!r} label found")
            continue
        i, j, k = found
        label = lines[i][j:k]
        rest = [w for w in lines[i][k:] if w.text != ":" and w.x0 - label[-1].x1 < 150]
        cell = grid.cell(label[0].cx, label[0].cy)
        right = grid.cell(cell[2] + 2, label[0].cy)
        inside = [w for w in _inside(words, right) if w not in label] if right[0] >= cell[2] - 1 \
            else []
        # the value sits in the next cell, after the label on its line, or under it
        below = [w for w in _inside(words, cell) if w not in label and w.y0 >= label[0].y0]
        values[field] = inside or rest or below
        if label_x is None or cell[0] < label_x:
            label_x = cell[0]
    sections = _sections(words, grid, notes)
    approved = _signatory(values.get("approved", []))
    unit = _unit(lines, label_x)
    lists = {k: v for k, v in sections.items() if k != "warning"}

    def value(field: str) -> str:
        return cell_text(values.get(field, [])).replace("\n", " ").lstrip(": ").strip()

    identity = Identity(
        unit=unit,
        number=value("number") or None,
        created=parse_date(value("created")),
        revised=parse_date(value("revised")),
        effective=parse_date(value("effective")),
        approved_by=approved,
        name=value("name"),
        legal_basis=lists.get("legal_basis", ()),
        qualifications=lists.get("qualifications", ()),
        related=lists.get("related", ()),
        equipment=lists.get("equipment", ()),
        warning="\n".join(sections.get("warning", ())),
        records=lists.get("records", ()),
    )
    return identity, notes


def _unit(lines: list[list[Word]], label_x: float | None) -> tuple[str, ...]:
    """Upper-case lines left of the label column, above the first section heading."""
    unit: list[str] = []
    for line in lines:
        text = _text(line)
        if any(_key(text).startswith(n[0]) for n in _SECTIONS.values()):
            break
        left = [w for w in line if label_x is None or w.x1 < label_x]
        words = " ".join(w.text for w in left).strip()
        letters = [c for c in words if c.isalpha()]
        if len(letters) >= 3 and all(c.isupper() for c in letters):
            unit.append(words)
    return tuple(unit)


def _signatory(words: Sequence[Word]) -> Signatory | None:
    lines = [line for line in lines_of(words)
             if _text(line).strip() and _text(line).strip().lower() != "oleh"]
    block = [_text(line).strip() for line in lines]
    if not block:
        return None
    nip = next((b for b in block if b.upper().startswith("NIP")), None)
    name = None
    position = block[0]
    if nip is not None:
        at = block.index(nip)
        if at >= 2 and not _gap_above(lines, at - 1):
            # no signature space above the line before the NIP: the position wrapped onto
            # it, and no name is printed
            position = " ".join(block[:at])
        else:
            name = block[at - 1] if at >= 1 and block[at - 1] != block[0] else None
        nip = re.sub(r"^NIP\.?\s*:?\s*", "", nip, flags=re.I).strip() or None
    return Signatory(position=position, name=name, nip=nip)


def _gap_above(lines: Sequence[Sequence[Word]], index: int) -> bool:
    """Whether line ``index`` sits well below the line above it (a signature's space)."""
    above, here = lines[index - 1], lines[index]
    size = max(max(w.size for w in here), 4.0)
    pitch = min(w.cy for w in here) - max(w.cy for w in above)
    return pitch > size * 1.9


def _sections(words: Sequence[Word], grid: _Grid,
              notes: list[str]) -> dict[str, tuple[str, ...]]:
    """Each list section: the cells under its heading, down to the next heading or rule."""
    heads: dict[str, list[Word]] = {}
    for line in lines_of(words):
        for k in range(len(line)):
            if not line[k].text[:1].isalpha():
                continue
            if k > 0 and line[k].x0 - line[k - 1].x1 < 15:
                continue  # a heading starts its cell, it is not a word inside a sentence
            head = _key(" ".join(w.text for w in line[k:k + 3]))
            for field, names in _SECTIONS.items():
                if field not in heads and any(head.startswith(n) for n in names):
                    end = k + max(len(n.split()) for n in names if head.startswith(n))
                    heads[field] = line[k:end]
    found: dict[str, tuple[str, ...]] = {}
    for field, heading in heads.items():
        band = _section_band(words, grid, heads, heading)
        found[field] = _warning(band) if field == "warning" else _items(band)
    for field in _SECTIONS:
        if field not in found:
            notes.append(f"identity: section {field} not found")
    return found


def _section_band(words: Sequence[Word], grid: _Grid, heads: dict[str, list[Word]],
                  heading: list[Word]) -> list[Word]:
    """The words of one section: its column band, from its heading down to the next heading
    in that band or the next rule across the page (whichever comes first)."""
    first = heading[0]
    x0, x1 = grid.cell(first.cx, first.cy)[0], grid.box[2]
    for other in heads.values():  # a heading beside this one bounds its column
        if other is not heading and abs(other[0].cy - first.cy) < 10:
            if other[0].x0 < first.x0:
                x0 = max(x0, first.x0 - 6)
            else:
                x1 = min(x1, other[0].x0 - 2)
    top = max(w.y1 for w in heading)
    width = grid.box[2] - grid.box[0]
    below = [h[0].y0 for h in heads.values() if h is not heading and h[0].y0 > top
             and x0 - 2 <= h[0].cx <= x1 + 2]
    rules = [y for y, a, b in grid.hsegs if y > top + 12 and b - a > width * 0.8
             and a <= x0 + 2 and b >= x1 - 2]
    bottom = min([*below, *rules, grid.box[3]])
    return [w for w in _inside(words, (x0, top - 1, x1, bottom)) if w not in heading
            and not (abs(w.cy - first.cy) < 2 and not w.text.strip(": "))]


def _items(words: Sequence[Word]) -> tuple[str, ...]:
    """A section's words as items: numbered (numbers inline or in their own column) or not."""
    lines = [line for line in lines_of(words) if _text(line).strip() not in {"", ":", "-"}]
    if not lines:
        return ()
    numbers = [line[0] for line in lines if _ITEM.fullmatch(line[0].text + " ")]
    text_left = min((line[0].x0 for line in lines if line[0] not in numbers), default=0.0)
    own_column = numbers and all(n.x1 < text_left - 1 for n in numbers) and len(numbers) > 1
    if own_column:
        return _column_items(lines, numbers)
    items: list[str] = []
    numbered = False
    for line in lines:
        text = _text(line).strip()
        match = _ITEM.match(text)
        if match:
            numbered = True
            items.append(text[match.end():].strip())
        elif numbered and items:
            items[-1] = _join([items[-1], text])
        else:
            items.append(text)
    if not numbered and len(items) > 1:
        return (" ".join(items),)
    return tuple(i for i in items if i and i != "-")


def _warning(words: Sequence[Word]) -> tuple[str, ...]:
    """Peringatan as printed: wrapped lines joined, a numbered line starting a new line."""
    out: list[str] = []
    for line in lines_of(words):
        text = _text(line).strip()
        if out and not _ITEM.match(text):
            out[-1] += " " + text
        else:
            out.append(text)
    return tuple(o for o in out if o and o != "-")


def _column_items(lines: list[list[Word]], numbers: list[Word]) -> tuple[str, ...]:
    """Numbers in their own column, often centred beside a multi-line item."""
    texts = [[w for w in line if w not in numbers] for line in lines]
    texts = [t for t in texts if t]
    paragraphs: list[list[list[Word]]] = []
    if all(any(abs(t[0].cy - n.cy) < 1.5 for t in texts) for n in numbers):
        # each number sits on its item's first line
        for line in texts:
            if not paragraphs or any(abs(line[0].cy - n.cy) < 1.5 for n in numbers):
                paragraphs.append([line])
            else:
                paragraphs[-1].append(line)
    else:
        # numbers centred beside their items: each line goes to the nearest number
        groups: dict[int, list[list[Word]]] = {}
        for line in texts:
            nearest = min(range(len(numbers)), key=lambda i: abs(numbers[i].cy - line[0].cy))
            groups.setdefault(nearest, []).append(line)
        paragraphs = [groups[i] for i in sorted(groups)]
    return tuple(_join([_text(line) for line in p]) for p in paragraphs)


def _join(lines: Sequence[str]) -> str:
    """Wrapped lines as one text; a word hyphenated at a line end is joined back."""
    out = ""
    for line in lines:
        line = line.strip()
        out = out + line if out.endswith("-") else (out + " " + line).strip()
    return out
