"""Lay out the identity part of the SOP AP document (page 1): the bordered identity grid.

Top: the issuing unit (with an optional logo) on the left, the Nomor / dates / Disahkan oleh /
Nama SOP rows on the right. Below: Dasar Hukum | Kualifikasi Pelaksana, Keterkaitan |
Peralatan/Perlengkapan, Peringatan | Pencatatan dan Pendataan, as numbered lists. A grid row
that does not fit continues on the next page; nothing is clipped.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

import attrs

from sopflow._options import helpful_options
from sopflow.render import fonts
from sopflow.render.geometry import Image, Line, Page, Rect, TextBox

if TYPE_CHECKING:
    from collections.abc import Sequence

    from sopflow.render.layout import LayoutOptions

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


@helpful_options({"nomor": "number", "nama": "name", "dasar_hukum": "legal_basis",
                  "peringatan": "warning", "keterkaitan": "related"})
@attrs.frozen(kw_only=True)
class IdentityLabels:
    """Field names of the identity grid (agencies vary them: "Tanggal Pengesahan", ...)."""

    number: str = "Nomor SOP"
    created: str = "Tanggal Pembuatan"
    revised: str = "Tanggal Revisi"
    effective: str = "Tanggal Efektif"
    approved_by: str = "Disahkan oleh"
    name: str = "Nama SOP"
    legal_basis: str = "Dasar Hukum"
    qualifications: str = "Kualifikasi Pelaksana"
    related: str = "Keterkaitan"
    equipment: str = "Peralatan/Perlengkapan"
    warning: str = "Peringatan"
    records: str = "Pencatatan dan Pendataan"


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


def layout_identity(definition: Any, options: LayoutOptions) -> list[Page]:
    """The identity pages of ``definition`` (a :class:`sopflow.model.SOPDefinition`)."""
    ident = definition.identity
    labels: IdentityLabels = options.identity_labels
    pw, ph = options.page_size()
    m = options.margin
    size = options.font_size + 1
    lh = fonts.metrics().line_height(size)
    left, right = m, pw - m
    mid = left + (right - left) * 0.5
    label_right = mid + (right - mid) * 0.32
    pages: list[Page] = []
    lines: list[Line] = []
    texts: list[TextBox] = []
    images: list[Image] = []
    top = m

    def text(x: float, y: float, w: float, para: _Para, sz: float = size,
             align: str = "left") -> float:
        mm = fonts.metrics(para.bold)
        h = len(para.lines) * mm.line_height(sz)
        if para.indent:
            nw = para.indent
            if para.number:
                texts.append(TextBox(rect=Rect(x=x, y=y, w=nw, h=mm.line_height(sz)),
                                     lines=(para.number,), size=sz))
            x, w = x + nw, w - nw
        texts.append(TextBox(rect=Rect(x=x, y=y, w=w, h=h), lines=para.lines, size=sz,
                             bold=para.bold, align=align))  # type: ignore[arg-type]
        return h

    # ---- right-hand identity rows
    value_w = right - label_right - 2 * PAD
    signer = ident.approved_by
    signer_paras = [
        _Para(lines=fonts.metrics().wrap(signer.position if signer else "-", value_w, size)),
    ]
    sign_space = 42.0
    if signer is not None:
        signer_paras.append(_Para(lines=fonts.metrics(True).wrap(signer.name or " ", value_w,
                                                                 size), bold=True,
                                  gap=sign_space))
        signer_paras.append(_Para(lines=fonts.metrics().wrap(
            f"NIP. {signer.nip}" if signer.nip else "NIP. ", value_w, size)))
    rows: list[tuple[str, list[_Para]]] = [
        (labels.number, [_Para(lines=fonts.metrics().wrap(ident.number or "-", value_w, size))]),
        (labels.created, [_Para(lines=(format_date(ident.created),))]),
        (labels.revised, [_Para(lines=(format_date(ident.revised),))]),
        (labels.effective, [_Para(lines=(format_date(ident.effective),))]),
        (labels.approved_by, signer_paras),
        (labels.name, [_Para(lines=fonts.metrics(True).wrap(ident.name or "-", value_w, size),
                             bold=True)]),
    ]
    y = top
    label_w = label_right - mid - 2 * PAD
    for label, paras in rows:
        lab = _Para(lines=fonts.metrics(True).wrap(label, label_w, size), bold=True)
        h_val = sum(len(p.lines) * lh + p.gap for p in paras)
        h = max(h_val, len(lab.lines) * lh) + 2 * PAD
        text(mid + PAD, y + PAD, label_w, lab)
        yy = y + PAD
        for p in paras:
            yy += p.gap
            yy += text(label_right + PAD, yy, value_w, p)
        y += h
        lines.append(Line(points=((mid, y), (right, y))))
    top_bottom = y
    lines.append(Line(points=((label_right, top), (label_right, top_bottom))))
    # ---- left-hand unit block (logo + names), centred vertically
    unit_w = mid - left - 2 * PAD
    unit_paras = [
        _Para(lines=fonts.metrics(True).wrap(u, unit_w, size + 1), bold=True) for u in ident.unit
    ]
    logo_h = 0.0
    if options.logo:
        logo_h = min(70.0, (top_bottom - top) * 0.45)
    block_h = logo_h + (6.0 if logo_h else 0.0) + sum(
        len(p.lines) * fonts.metrics(True).line_height(size + 1) for p in unit_paras
    )
    yy = top + max(PAD, (top_bottom - top - block_h) / 2)
    if options.logo:
        images.append(Image(rect=Rect(x=(left + mid) / 2 - logo_h / 2, y=yy, w=logo_h, h=logo_h),
                            path=str(options.logo)))
        yy += logo_h + 6.0
    for p in unit_paras:
        yy += text(left + PAD, yy, unit_w, p, sz=size + 1, align="center")
    if yy > top_bottom:
        raise ValueError("the unit names do not fit beside the identity rows")
    # ---- lower grid: three rows of two cells, paginated by lines
    half = left + (right - left) * 0.5
    cw = half - left - 2 * PAD
    grid = [
        ((labels.legal_basis, ident.legal_basis), (labels.qualifications, ident.qualifications)),
        ((labels.related, ident.related), (labels.equipment, ident.equipment)),
        ((labels.warning, (ident.warning,) if ident.warning else ()),
         (labels.records, ident.records)),
    ]
    limit = ph - m - (12.0 if options.footer else 0.0)
    outer_top = top
    y = top_bottom

    def close_page(bottom: float) -> None:
        nonlocal lines, texts, images
        lines.append(Line(points=((left, outer_top), (right, outer_top))))
        lines.append(Line(points=((left, outer_top), (left, bottom))))
        lines.append(Line(points=((right, outer_top), (right, bottom))))
        if options.footer:
            fh = fonts.metrics().line_height(6.5)
            texts.append(TextBox(rect=Rect(x=left, y=ph - m + 4, w=right - left, h=fh),
                                 lines=(options.footer,), size=6.5, role="footer"))
        pages.append(Page(width=pw, height=ph, number=len(pages) + 1, lines=tuple(lines),
                          texts=tuple(texts), images=tuple(images), kind="identity"))
        lines, texts, images = [], [], []

    # the vertical rule of the top part, and the rule closing the unit block
    lines.append(Line(points=((mid, top), (mid, top_bottom))))
    lines.append(Line(points=((left, top_bottom), (mid, top_bottom))))
    for (l_head, l_items), (r_head, r_items) in grid:
        cells = [
            (l_head, _paras(l_items, cw, size, True), left),
            (r_head, _paras(r_items, cw, size, True), half),
        ]
        continued = False
        while True:
            heads = [
                _Para(lines=fonts.metrics(True).wrap(
                    f"{h} (lanjutan):" if continued else f"{h}:", cw, size), bold=True)
                for h, _, _ in cells
            ]
            avail = limit - y - 2 * PAD - max(len(hd.lines) for hd in heads) * lh
            fit_lines = int(avail // lh)
            need = max(_para_lines(p) for _, p, _ in cells)
            if fit_lines < min(need, 2):
                if y <= top + 1:
                    raise ValueError("an identity field is too long for one page")
                close_page(y)  # nothing of this row fits: it starts afresh on the next page
                outer_top = y = top
                continue
            take = min(fit_lines, need)
            row_top = y
            row_h = 0.0
            rests = []
            for (head, paras, x0), hd in zip(cells, heads, strict=True):
                yy = row_top + PAD
                yy += text(x0 + PAD, yy, cw, hd)
                used = 0
                rest: list[_Para] = []
                for p in paras:
                    if used + len(p.lines) <= take:
                        yy += text(x0 + PAD, yy, cw, p)
                        used += len(p.lines)
                    elif used < take and not rest:
                        k = take - used
                        yy += text(x0 + PAD, yy, cw, attrs.evolve(p, lines=p.lines[:k]))
                        rest.append(attrs.evolve(p, lines=p.lines[k:], number=""))
                        used = take
                    else:
                        rest.append(p)
                row_h = max(row_h, yy - row_top + PAD)
                rests.append((head, rest, x0))
            y = row_top + row_h
            lines.append(Line(points=((left, y), (right, y))))
            lines.append(Line(points=((half, row_top), (half, y))))
            if all(not r for _, r, _ in rests):
                break
            cells = [(h, r, x0) for h, r, x0 in rests]
            close_page(y)
            outer_top = y = top
            continued = True
    close_page(y)
    return pages
