"""Lay out the identity part of the SOP AP document (page 1): the bordered identity grid.

Top: the issuing unit (with an optional logo) on the left, the Nomor / dates / Disahkan oleh /
Nama SOP rows on the right. Below: Dasar Hukum | Kualifikasi Pelaksana, Keterkaitan |
Peralatan/Perlengkapan, Peringatan | Pencatatan dan Pendataan, as numbered lists. A grid row
that does not fit continues on the next page; nothing is clipped. Last, when the SOP lists
revisions, the "Riwayat Revisi" table (No, Tanggal, Revisi, Uraian Perubahan): below the grid
when it fits there, its rows continuing on the next page (under a repeated heading) when not.
"""

from __future__ import annotations

import itertools
from datetime import date
from typing import TYPE_CHECKING, Literal

import attrs

from sopflow.render import fonts
from sopflow.render.errors import IdentityRoomError
from sopflow.render.geometry import Image, Line, Page, Rect, TextBox
from sopflow.render.options import IdentityLabels

if TYPE_CHECKING:
    from collections.abc import Sequence

    from sopflow.model import Identity, SOPDefinition
    from sopflow.render.options import LayoutOptions

__all__ = ["IdentityLabels", "format_date", "layout_identity"]

MONTHS = (
    "Januari", "Februari", "Maret", "April", "Mei", "Juni",
    "Juli", "Agustus", "September", "Oktober", "November", "Desember",
)  # fmt: skip

PAD = 5.0


def format_date(value: date | None) -> str:
    """A date as Indonesian documents write it ("20 Januari 2025"); "-" when absent."""
    if value is None:
        return "-"
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


@attrs.frozen(kw_only=True)
class _Para:
    """A paragraph of a grid cell: optional number, bold or not, already wrapped."""

    lines: tuple[str, ...]
    number: str = ""
    indent: float = 0.0  # hanging indent of a numbered item (the widest number's width)
    bold: bool = False
    gap: float = 0.0  # extra space before it


def _paras(items: Sequence[str], width: float, size: float, numbered: bool) -> list[_Para]:
    m = fonts.metrics()
    if not items:
        return [_Para(lines=("-",))]
    if len(items) == 1 or not numbered:
        return [_Para(lines=m.wrap(item, width, size)) for item in items if item] or [
            _Para(lines=("-",))
        ]
    num_w = m.width(f"{len(items)}. ", size)
    return [
        _Para(lines=m.wrap(item, width - num_w, size), number=f"{i}.", indent=num_w)
        for i, item in enumerate(items, start=1)
    ]


def _para_lines(paras: Sequence[_Para]) -> int:
    return sum(len(p.lines) for p in paras)


class _Pages:
    """The identity pages drawn so far, and the one being drawn."""

    def __init__(self, options: LayoutOptions) -> None:
        self.options = options
        self.size = options.font_size + 1
        self.width, self.height = options.page_size()
        self.left, self.right = options.margin, self.width - options.margin
        self.top = options.margin
        self.pages: list[Page] = []
        self.lines: list[Line] = []
        self.texts: list[TextBox] = []
        self.images: list[Image] = []
        self.outer_top = self.top  # where the current page's outer border starts

    def text(self, x: float, y: float, w: float, para: _Para, sz: float | None = None,
             align: Literal["left", "center"] = "left") -> float:
        """Draw ``para`` at (x, y) in width ``w``; return its height."""
        sz = self.size if sz is None else sz
        mm = fonts.metrics(para.bold)
        h = len(para.lines) * mm.line_height(sz)
        if para.indent:
            nw = para.indent
            if para.number:
                self.texts.append(TextBox(rect=Rect(x=x, y=y, w=nw, h=mm.line_height(sz)),
                                          lines=(para.number,), size=sz))
            x, w = x + nw, w - nw
        self.texts.append(TextBox(rect=Rect(x=x, y=y, w=w, h=h), lines=para.lines, size=sz,
                                  bold=para.bold, align=align))
        return h

    def rule(self, a: tuple[float, float], b: tuple[float, float]) -> None:
        self.lines.append(Line(points=(a, b)))

    def close(self, bottom: float) -> None:
        """Finish the current page: its outer border down to ``bottom``, and the footer."""
        left, right, top = self.left, self.right, self.outer_top
        self.rule((left, top), (right, top))
        self.rule((left, top), (left, bottom))
        self.rule((right, top), (right, bottom))
        opts = self.options
        if opts.footer:
            fh = fonts.metrics().line_height(6.5)
            self.texts.append(TextBox(rect=Rect(x=left, y=self.height - opts.margin + 4,
                                                w=right - left, h=fh),
                                      lines=(opts.footer,), size=6.5, role="footer"))
        self.pages.append(Page(width=self.width, height=self.height,
                               number=len(self.pages) + 1, lines=tuple(self.lines),
                               texts=tuple(self.texts), images=tuple(self.images),
                               kind="identity"))
        self.lines, self.texts, self.images = [], [], []
        self.outer_top = self.top


def _signer(ident: Identity, value_w: float, size: float) -> list[_Para]:
    """Disahkan oleh: the position, room for the signature, the name in bold, the NIP."""
    signer = ident.approved_by
    paras = [_Para(lines=fonts.metrics().wrap(signer.position if signer else "-", value_w, size))]
    if signer is not None:
        paras.append(_Para(lines=fonts.metrics(True).wrap(signer.name or " ", value_w, size),
                           bold=True, gap=42.0))
        paras.append(_Para(lines=fonts.metrics().wrap(
            f"NIP. {signer.nip}" if signer.nip else "NIP. ", value_w, size)))
    return paras


def _identity_rows(out: _Pages, ident: Identity, labels: IdentityLabels, mid: float) -> float:
    """The right-hand identity rows (Nomor ... Nama SOP); returns their bottom."""
    size = out.size
    lh = fonts.metrics().line_height(size)
    label_right = mid + (out.right - mid) * 0.32
    value_w = out.right - label_right - 2 * PAD
    rows: list[tuple[str, list[_Para]]] = [
        (labels.number, [_Para(lines=fonts.metrics().wrap(ident.number or "-", value_w, size))]),
        (labels.created, [_Para(lines=(format_date(ident.created),))]),
        (labels.revised, [_Para(lines=(format_date(ident.revised),))]),
        (labels.effective, [_Para(lines=(format_date(ident.effective),))]),
        (labels.approved_by, _signer(ident, value_w, size)),
        (labels.name, [_Para(lines=fonts.metrics(True).wrap(ident.name or "-", value_w, size),
                             bold=True)]),
    ]
    y = out.top
    label_w = label_right - mid - 2 * PAD
    for label, paras in rows:
        lab = _Para(lines=fonts.metrics(True).wrap(label, label_w, size), bold=True)
        h_val = sum(len(p.lines) * lh + p.gap for p in paras)
        h = max(h_val, len(lab.lines) * lh) + 2 * PAD
        out.text(mid + PAD, y + PAD, label_w, lab)
        yy = y + PAD
        for p in paras:
            yy += p.gap
            yy += out.text(label_right + PAD, yy, value_w, p)
        y += h
        out.rule((mid, y), (out.right, y))
    out.rule((label_right, out.top), (label_right, y))
    return y


def _unit_block(out: _Pages, ident: Identity, mid: float, bottom: float) -> None:
    """The issuing unit's names (with the logo above them), centred beside the rows."""
    size = out.size + 1
    left, top = out.left, out.top
    unit_w = mid - left - 2 * PAD
    unit_paras = [_Para(lines=fonts.metrics(True).wrap(u, unit_w, size), bold=True)
                  for u in ident.unit]
    logo = out.options.logo
    logo_h = min(70.0, (bottom - top) * 0.45) if logo else 0.0
    block_h = logo_h + (6.0 if logo_h else 0.0) + sum(
        len(p.lines) * fonts.metrics(True).line_height(size) for p in unit_paras
    )
    yy = top + max(PAD, (bottom - top - block_h) / 2)
    if logo:
        out.images.append(Image(rect=Rect(x=(left + mid) / 2 - logo_h / 2, y=yy, w=logo_h,
                                          h=logo_h), path=str(logo)))
        yy += logo_h + 6.0
    for p in unit_paras:
        yy += out.text(left + PAD, yy, unit_w, p, sz=size, align="center")
    if yy > bottom:
        raise IdentityRoomError("the unit names do not fit beside the identity rows")


_Cell = tuple[str, list[_Para], float]  # heading, paragraphs left to draw, left edge


def _draw_cells(out: _Pages, cells: list[_Cell], heads: list[_Para], row_top: float,
                take: int, cw: float) -> tuple[float, list[_Cell]]:
    """Draw up to ``take`` lines of each cell below its heading; return the row's height and
    what is left of each cell."""
    row_h = 0.0
    rests: list[_Cell] = []
    for (head, paras, x0), hd in zip(cells, heads, strict=True):
        yy = row_top + PAD
        yy += out.text(x0 + PAD, yy, cw, hd)
        used = 0
        rest: list[_Para] = []
        for p in paras:
            if used + len(p.lines) <= take:
                yy += out.text(x0 + PAD, yy, cw, p)
                used += len(p.lines)
            elif used < take and not rest:
                k = take - used
                yy += out.text(x0 + PAD, yy, cw, attrs.evolve(p, lines=p.lines[:k]))
                rest.append(attrs.evolve(p, lines=p.lines[k:], number=""))
                used = take
            else:
                rest.append(p)
        row_h = max(row_h, yy - row_top + PAD)
        rests.append((head, rest, x0))
    return row_h, rests


def _grid_row(out: _Pages, cells: list[_Cell], y: float, limit: float, cw: float) -> float:
    """One row of the lower grid from ``y``, continued on new pages while it does not fit;
    returns the y below it."""
    size = out.size
    lh = fonts.metrics().line_height(size)
    half = out.left + (out.right - out.left) * 0.5
    continued = False
    while True:
        heads = [
            _Para(lines=() if continued and not paras else fonts.metrics(True).wrap(
                f"{h} (lanjutan):" if continued else f"{h}:", cw, size), bold=True)
            for h, paras, _ in cells
        ]
        avail = limit - y - 2 * PAD - max(len(hd.lines) for hd in heads) * lh
        fit_lines = int(avail // lh)
        need = max(_para_lines(p) for _, p, _ in cells)
        if fit_lines < min(need, 2):
            if y <= out.top + 1:
                raise IdentityRoomError("an identity field is too long for one page")
            out.close(y)  # nothing of this row fits: it starts afresh on the next page
            y = out.top
            continue
        row_top = y
        row_h, rests = _draw_cells(out, cells, heads, row_top, min(fit_lines, need), cw)
        y = row_top + row_h
        out.rule((out.left, y), (out.right, y))
        out.rule((half, row_top), (half, y))
        if all(not r for _, r, _ in rests):
            return y
        cells = rests
        out.close(y)
        y = out.top
        continued = True


#: The smallest identity text size (points) tried to keep the identity part on one page.
IDENTITY_FLOOR = 6.5


def layout_identity(definition: SOPDefinition, options: LayoutOptions) -> list[Page]:
    """The identity pages of ``definition``: the unit and identity rows on top, then the
    grid of Dasar Hukum ... Pencatatan dan Pendataan, continued on further pages if long.

    When the grid runs onto a second page, the text is set smaller, half a point at a time
    down to ``IDENTITY_FLOOR``, and the first size that keeps it on one page is used (as the
    signed SOPs manage); else the pages at the chosen size.
    """
    pages = _identity_at(definition, options)
    size = options.font_size
    while len(pages) > 1 and size - 0.5 + 1 >= IDENTITY_FLOOR - 1e-9:
        size -= 0.5
        try:
            smaller = _identity_at(definition, attrs.evolve(options, font_size=size))
        except IdentityRoomError:
            continue
        if len(smaller) == 1:
            return smaller
    return pages


def _identity_at(definition: SOPDefinition, options: LayoutOptions) -> list[Page]:
    """The identity pages at ``options.font_size`` (plus one point, the identity's size)."""
    ident = definition.identity
    labels = options.identity_labels
    out = _Pages(options)
    left, right = out.left, out.right
    mid = left + (right - left) * 0.5
    top_bottom = _identity_rows(out, ident, labels, mid)
    _unit_block(out, ident, mid, top_bottom)
    # the vertical rule of the top part, and the rule closing the unit block
    out.rule((mid, out.top), (mid, top_bottom))
    out.rule((left, top_bottom), (mid, top_bottom))
    # ---- lower grid: three rows of two cells, paginated by lines
    half = left + (right - left) * 0.5
    cw = half - left - 2 * PAD
    grid = [
        ((labels.legal_basis, ident.legal_basis), (labels.qualifications, ident.qualifications)),
        ((labels.related, ident.related), (labels.equipment, ident.equipment)),
        ((labels.warning, (ident.warning,) if ident.warning else ()),
         (labels.records, ident.records)),
    ]
    limit = out.height - options.margin - options.foot_reserve()
    y = top_bottom
    size = out.size
    for (l_head, l_items), (r_head, r_items) in grid:
        cells: list[_Cell] = [
            (l_head, _paras(l_items, cw, size, True), left),
            (r_head, _paras(r_items, cw, size, True), half),
        ]
        y = _grid_row(out, cells, y, limit, cw)
    if ident.revisions:
        y = _revision_table(out, ident, labels, y, limit)
    out.close(y)
    return out.pages


#: Shares of the width for the revision table's No, Tanggal and Revisi columns (the rest:
#: Uraian Perubahan).
_REVISION_SHARES = (0.05, 0.14, 0.12)


def _revision_cells(out: _Pages, texts: Sequence[str], bold: bool) -> tuple[list[_Para], float]:
    """One row of the revision table: its wrapped cells and its height."""
    m = fonts.metrics(bold)
    xs = _revision_xs(out)
    paras = [_Para(lines=m.wrap(text or "-", x1 - x0 - 2 * PAD, out.size), bold=bold)
             for text, (x0, x1) in zip(texts, itertools.pairwise(xs), strict=True)]
    h = max(len(p.lines) for p in paras) * m.line_height(out.size) + 2 * PAD
    return paras, h


def _revision_xs(out: _Pages) -> list[float]:
    w = out.right - out.left
    xs = [out.left]
    for share in _REVISION_SHARES:
        xs.append(xs[-1] + share * w)
    return [*xs, out.right]


def _revision_row(out: _Pages, paras: Sequence[_Para], y: float, h: float) -> float:
    """Draw a row of the revision table at ``y``; return the y below it."""
    xs = _revision_xs(out)
    for p, (x0, x1) in zip(paras, itertools.pairwise(xs), strict=True):
        out.text(x0 + PAD, y + PAD, x1 - x0 - 2 * PAD, p)
    for x in xs[1:-1]:
        out.rule((x, y), (x, y + h))
    out.rule((out.left, y + h), (out.right, y + h))
    return y + h


def _revision_names(out: _Pages, labels: IdentityLabels) -> tuple[str, str, str, str]:
    """The revision table's column names: the table's "No." and the identity labels'."""
    return (out.options.labels.no, labels.revision_date, labels.revision_number,
            labels.revision_changes)


def _revision_heading(out: _Pages, labels: IdentityLabels, y: float, continued: bool) -> float:
    """The table's title ("Riwayat Revisi:") and its column names; returns the y below."""
    title = f"{labels.revisions} (lanjutan):" if continued else f"{labels.revisions}:"
    para = _Para(lines=fonts.metrics(True).wrap(title, out.right - out.left - 2 * PAD,
                                                out.size), bold=True)
    y += out.text(out.left + PAD, y + PAD, out.right - out.left - 2 * PAD, para) + 2 * PAD
    out.rule((out.left, y), (out.right, y))
    names = _revision_names(out, labels)
    paras, h = _revision_cells(out, names, bold=True)
    return _revision_row(out, paras, y, h)


def _revision_table(out: _Pages, ident: Identity, labels: IdentityLabels, y: float,
                    limit: float) -> float:
    """The revision history below the grid, in the order given; a row that does not fit
    goes to the next page under the repeated heading. Returns the y below the table."""
    rows = [_revision_cells(out, (f"{k}.", format_date(r.date), r.number, r.changes), False)
            for k, r in enumerate(ident.revisions, start=1)]
    continued = False
    k = 0
    while k < len(rows):
        head_h = _revision_heading_height(out, labels, continued)
        if y + head_h + rows[k][1] > limit:
            if y <= out.top + 1:
                raise IdentityRoomError("a revision is too long for one page")
            out.close(y)
            y = out.top
            continued = continued or k > 0
            continue
        y = _revision_heading(out, labels, y, continued)
        while k < len(rows) and y + rows[k][1] <= limit:
            y = _revision_row(out, rows[k][0], y, rows[k][1])
            k += 1
        continued = True
    return y


def _revision_heading_height(out: _Pages, labels: IdentityLabels, continued: bool) -> float:
    title = f"{labels.revisions} (lanjutan):" if continued else f"{labels.revisions}:"
    m = fonts.metrics(True)
    lh = m.line_height(out.size)
    names = _revision_names(out, labels)
    _, h = _revision_cells(out, names, bold=True)
    return len(m.wrap(title, out.right - out.left - 2 * PAD, out.size)) * lh + 2 * PAD + h
