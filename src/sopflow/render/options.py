"""How the official document is laid out: the options, the table's and the grid's words.

Its own module so the two layout phases (the identity page and the flowchart table) both read
it without importing each other.
"""

from __future__ import annotations

import attrs

from sopflow._options import helpful_options
from sopflow.document import TERMINATOR_STYLES
from sopflow.model import identity_label
from sopflow.render.geometry import paper

__all__ = ["SIGNATURE_QR", "ColumnLabels", "IdentityLabels", "LayoutOptions"]

#: Side of the TTE block's QR code in points (about 11 mm, as on signed BPS SOPs).
SIGNATURE_QR = 32.0
#: How far the TTE block reaches into the bottom margin when no footer text is there.
_SIG_INTO_MARGIN = 16.0
#: Height kept for the footer text.
_FOOTER = 12.0


@helpful_options({"uraian": "kegiatan", "uraian_kegiatan": "kegiatan", "ket": "keterangan",
                  "nomor": "no", "persyaratan": "kelengkapan", "waktu_penyelesaian": "waktu"})
@attrs.frozen(kw_only=True)
class ColumnLabels:
    """Header words of the flowchart table; agencies vary them ("Uraian Kegiatan", "Ket.")."""

    no: str = "No."
    kegiatan: str = "Kegiatan"
    pelaksana: str = "Pelaksana"
    mutu_baku: str = "Mutu Baku"
    kelengkapan: str = "Kelengkapan"
    waktu: str = "Waktu"
    output: str = "Output"
    keterangan: str = "Keterangan"


@helpful_options({"nomor": "number", "nama": "name", "dasar_hukum": "legal_basis",
                  "peringatan": "warning", "keterkaitan": "related"})
@attrs.frozen(kw_only=True)
class IdentityLabels:
    """Field names of the identity grid (agencies vary them: "Tanggal Pengesahan", ...); the
    defaults are the names on :class:`sopflow.model.Identity`'s fields."""

    number: str = identity_label("number")
    created: str = identity_label("created")
    revised: str = identity_label("revised")
    effective: str = identity_label("effective")
    approved_by: str = identity_label("approved_by")
    name: str = identity_label("name")
    legal_basis: str = identity_label("legal_basis")
    qualifications: str = identity_label("qualifications")
    related: str = identity_label("related")
    equipment: str = identity_label("equipment")
    warning: str = identity_label("warning")
    records: str = identity_label("records")
    revisions: str = identity_label("revisions")
    revision_date: str = "Tanggal"
    revision_number: str = "Revisi"
    revision_changes: str = "Uraian Perubahan"


@helpful_options({"kertas": "paper", "size": "paper", "orientation": "landscape"})
@attrs.frozen(kw_only=True)
class LayoutOptions:
    """How the official document is laid out.

    ``paper``: A4 (default), F4, Letter or Legal; ``landscape`` as the guideline wants.
    ``column_numbers`` adds the (1), (2), ... row under the header; ``repeat_header`` prints
    the header on every flowchart page; ``page_numbers`` prints "- n -" at the top;
    ``lettered_connectors`` writes A, B, ... in off-page connectors (blank when False);
    ``start_own_row`` gives the start capsule a row of its own instead of sharing the first
    step's row; ``footer`` is printed small at the bottom of every page (an e-signature
    notice, for instance); ``logo`` is an image file (PNG) shown beside the unit names;
    ``identity_labels`` renames the identity grid's fields; ``empty_cell`` is written in an
    empty Mutu Baku or Keterangan cell (many agencies print "-"); ``table_below_identity``
    starts the table on the identity's last page, below the identity block, as most signed
    BPS SOPs do (on the next page when not even its header and first row fit there).
    ``signature`` draws the TTE (electronic signature) block at the bottom-left of every
    page: a QR code of this text (a verification URL; "" = the SOP's Nomor and Nama) and
    the BSrE footnote; None (default) draws none. Its height is kept clear of the table.
    ``terminators``: "separate" (default: "Mulai"/"Selesai" capsules), "steps" (the first
    and last steps' own symbols drawn as the capsules), "first" or "last" (only that one;
    see docs/rendering.md).
    """

    paper: str = "A4"
    landscape: bool = True
    margin: float = 36.0
    font_size: float = 8.0
    header_font_size: float = 8.0
    label_font_size: float = 7.0
    labels: ColumnLabels = attrs.Factory(ColumnLabels)
    column_numbers: bool = True
    repeat_header: bool = True
    page_numbers: bool = True
    lettered_connectors: bool = True
    start_own_row: bool = False
    footer: str = ""
    first_page_number: int = 1
    logo: str | None = None
    empty_cell: str = ""
    identity_labels: IdentityLabels = attrs.Factory(IdentityLabels)
    table_below_identity: bool = False
    signature: str | None = None
    terminators: str = attrs.field(default="separate",
                                   validator=attrs.validators.in_(TERMINATOR_STYLES))

    def signature_bottom(self) -> float:
        """Where the TTE block ends: in the bottom margin unless footer text is there."""
        _, ph = self.page_size()
        into = 0.0 if self.footer else min(_SIG_INTO_MARGIN, max(0.0, self.margin - 4.0))
        return ph - self.margin + into

    def foot_reserve(self) -> float:
        """Height above the bottom margin the table and identity grid leave free: for the
        footer text and the TTE block."""
        reserve = _FOOTER if self.footer else 0.0
        if self.signature is not None:
            _, ph = self.page_size()
            top = self.signature_bottom() - SIGNATURE_QR - 4.0
            reserve = max(reserve, ph - self.margin - top)
        return reserve

    def page_size(self) -> tuple[float, float]:
        p = paper(self.paper)
        return p.landscape() if self.landscape else (p.width, p.height)
