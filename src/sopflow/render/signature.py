"""The TTE (tanda tangan elektronik) block of a signed SOP: a QR code and the BSrE footnote.

Every signed BPS SOP carries it at the bottom-left of each page: a small QR code (the
verification link) and, beside it, the footnote naming the certificate's issuer. The QR code
is made with segno (BSD) and drawn as black rectangles, one per run of dark modules in a row,
so a page gains a few hundred nodes, not one per module. The layout reserves the block's
height (see :meth:`LayoutOptions.foot_reserve`), so nothing of the table reaches into it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import attrs

from sopflow.render import fonts
from sopflow.render.geometry import Page, Rect, TextBox
from sopflow.render.options import SIGNATURE_QR

if TYPE_CHECKING:
    from sopflow.render.options import LayoutOptions

__all__ = ["BSRE_FOOTNOTE", "FOOTNOTE_SIZE", "qr_matrix", "qr_runs", "sign_pages",
           "signature_data"]

#: The footnote every BPS SOP signed with a BSrE certificate prints beside its QR code.
BSRE_FOOTNOTE = ("Dokumen ini telah ditandatangani secara elektronik menggunakan sertifikat "
                 "elektronik yang diterbitkan oleh Balai Sertifikasi Elektronik (BSrE), BSSN")
#: Type size of the footnote (small, as printed).
FOOTNOTE_SIZE = 5.5
_GAP = 6.0


def signature_data(signature: str, number: str | None, name: str) -> str:
    """What the QR code holds: the verification URL, or when none is given ("") the SOP's
    Nomor and Nama, so a printed page still names the document it belongs to."""
    return signature or " ".join(p for p in (number or "", name) if p) or "SOP"


def qr_matrix(data: str) -> list[list[bool]]:
    """The QR code's modules (True = dark), row by row, without the quiet zone."""
    import segno

    qr = segno.make(data, micro=False)
    return [[bool(m) for m in row] for row in qr.matrix_iter(border=0)]


def qr_runs(matrix: list[list[bool]], x: float, y: float, module: float) -> tuple[Rect, ...]:
    """The dark modules as rectangles, one per horizontal run in a row."""
    out = []
    for r, row in enumerate(matrix):
        c = 0
        while c < len(row):
            if not row[c]:
                c += 1
                continue
            start = c
            while c < len(row) and row[c]:
                c += 1
            out.append(Rect(x=x + start * module, y=y + r * module,
                            w=(c - start) * module, h=module))
    return tuple(out)


def sign_pages(pages: list[Page], opts: LayoutOptions, data: str) -> list[Page]:
    """Every page with the TTE block at its bottom-left: the QR of ``data`` and the footnote."""
    matrix = qr_matrix(data)
    module = SIGNATURE_QR / len(matrix)
    bottom = opts.signature_bottom()
    left = opts.margin
    pw, _ = opts.page_size()
    marks = qr_runs(matrix, left, bottom - SIGNATURE_QR, module)
    text_x = left + SIGNATURE_QR + _GAP
    lines = fonts.metrics().wrap(BSRE_FOOTNOTE, pw - opts.margin - text_x, FOOTNOTE_SIZE)
    h = fonts.metrics().line_height(FOOTNOTE_SIZE) * len(lines)
    note = TextBox(rect=Rect(x=text_x, y=bottom - h, w=pw - opts.margin - text_x, h=h),
                   lines=lines, size=FOOTNOTE_SIZE, role="signature")
    return [attrs.evolve(p, marks=p.marks + marks, texts=(*p.texts, note)) for p in pages]
