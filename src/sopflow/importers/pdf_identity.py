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

from sopflow.importers.pdf_source import Word
from sopflow.importers.pdf_table import lines_of
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
    return re.sub(r"[^a-z ]", "", text.lower()).strip()


def _find(lines: list[list[Word]], names: tuple[str, ...]) -> tuple[int, int] | None:
    """(line index, index of the first word after the label) of the first line starting so."""
    for i, line in enumerate(lines):
        for k in reversed(range(min(len(line), 4))):
            head = _key(_text(line[: k + 1]))
            if any(head == n for n in names):
                return i, k + 1
    return None


def read_identity(words: Sequence[Word], more: Sequence[Word] = ()) -> tuple[Identity, list[str]]:
    """The identity fields from page 1's ``words`` (``more``: page 2 before its table).

    Returns the identity and notes on fields that could not be found.
    """
    lines = lines_of(words)
    notes: list[str] = []
    values: dict[str, str] = {}
    label_x = None
    for field, names in _LABELS.items():
        found = _find(lines, names)
        if found is None:
            notes.append(f"identity: no {names[0].title()!r} label found")
            continue
        i, k = found
        rest = [w for w in lines[i][k:] if w.text != ":"]
        values[field] = _text(rest).lstrip(": ").strip()
        if label_x is None or lines[i][0].x0 < label_x:
            label_x = lines[i][0].x0
    sections = _sections(lines, notes)
    approved = _signatory(lines, values.get("approved", ""))
    unit = _unit(lines, label_x)
    lists = {k: v for k, v in sections.items() if k != "warning"}
    identity = Identity(
        unit=unit,
        number=values.get("number") or None,
        created=parse_date(values.get("created", "")),
        revised=parse_date(values.get("revised", "")),
        effective=parse_date(values.get("effective", "")),
        approved_by=approved,
        name=values.get("name", ""),
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


def _signatory(lines: list[list[Word]], first: str) -> Signatory | None:
    found = _find(lines, _LABELS["approved"])
    end = _find(lines, _LABELS["name"])
    if found is None:
        return None
    i, _ = found
    stop = end[0] if end is not None and end[0] > i else min(i + 8, len(lines))
    x = lines[i][-1].x1
    block = [first] if first else []
    block += [_text([w for w in line if w.x0 > x - 2]) for line in lines[i + 1:stop]]
    block = [b.strip() for b in block if b.strip()]
    if not block:
        return None
    nip = next((b for b in block if b.upper().startswith("NIP")), None)
    name = None
    if nip is not None:
        at = block.index(nip)
        name = block[at - 1] if at >= 2 else None
        nip = re.sub(r"^NIP\.?\s*:?\s*", "", nip, flags=re.I).strip() or None
    return Signatory(position=block[0], name=name, nip=nip)


def _sections(lines: list[list[Word]], notes: list[str]) -> dict[str, tuple[str, ...]]:
    """Each list section: its heading's column band, down to the next heading in that band."""
    heads: list[tuple[str, Word, float]] = []
    for line in lines:
        for k, word in enumerate(line):
            head = _key(" ".join(w.text for w in line[k:k + 2]))
            for field, names in _SECTIONS.items():
                if any(head.startswith(n) for n in names) and field not in {h[0] for h in heads}:
                    heads.append((field, word, word.y1))
    found: dict[str, tuple[str, ...]] = {}
    all_words = [w for line in lines for w in line]
    for field, word, y1 in heads:
        same_band = [h for h in heads if abs(h[1].x0 - word.x0) < 60 and h[2] > y1 + 1]
        below = min((h[1].y0 for h in same_band), default=float("inf"))
        right_edge = min((h[1].x0 for h in heads if h[1].x0 > word.x0 + 60), default=1e9)
        band = [w for w in all_words if w.y0 > y1 - 1 and w.y1 < below + 1
                and word.x0 - 30 <= w.x0 < right_edge - 2 and w is not word
                and not (abs(w.cy - word.cy) < 2 and w.x0 > word.x0)]
        found[field] = _items(band)
    for field in _SECTIONS:
        if field not in found:
            notes.append(f"identity: section {field} not found")
    return found


def _items(words: Sequence[Word]) -> tuple[str, ...]:
    """Lines of a section as items: a new item starts at a number or bullet."""
    items: list[str] = []
    numbered = False
    for line in lines_of(words):
        text = _text(line).strip()
        if not text or text in {":", "-"}:
            continue
        match = _ITEM.match(text)
        if match:
            numbered = True
            items.append(text[match.end():].strip())
        elif numbered and items:
            items[-1] = (items[-1] + " " + text).strip()
        else:
            items.append(text)
    if not numbered and len(items) > 1:
        return (" ".join(items),)
    return tuple(i for i in items if i and i != "-")
