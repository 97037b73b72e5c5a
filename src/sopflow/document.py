"""How an agency prints its SOPs: the `document` section of an SOP file.

Agencies vary the official document: the column words ("Uraian Kegiatan", "Ket"), the
identity grid's field names ("Tanggal Pengesahan"), whether the table header is repeated on
every page, page numbers, the (1) (2) ... column-number row, lettered or blank off-page
connectors, the paper, a footer. Kept in the SOP file, these travel with the SOP, so the
agency's staff get their own layout without writing Python. This module is core (no rendering
import): the renderer maps a `DocumentStyle` onto its own layout options.

What is deliberately not here: a logo. A logo is an image file, and a path in an SOP file
written by someone else must never be followed (see docs/security.md); give it with
``sopflow render --logo FILE`` or ``LayoutOptions(logo=...)``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

__all__ = [
    "COLUMN_LABEL_KEYS",
    "CONNECTOR_STYLES",
    "IDENTITY_LABEL_KEYS",
    "PAPER_NAMES",
    "TERMINATOR_STYLES",
    "DocumentStyle",
]

#: Paper sizes the renderer knows (always landscape, as Permenpan RB 35/2012 prints them).
PAPER_NAMES = ("A4", "F4", "Letter", "Legal")
#: Off-page connectors: lettered (A, B, ...) or blank pentagons.
CONNECTOR_STYLES = ("letters", "blank")
#: Start and end of the table: separate "Mulai"/"Selesai" capsules, or the first and last
#: steps' own symbols drawn as the capsules (as many signed SOPs do), or only the first or
#: only the last of them.
TERMINATOR_STYLES = ("separate", "steps", "first", "last")
#: The flowchart table's header words that may be renamed.
COLUMN_LABEL_KEYS = ("no", "kegiatan", "pelaksana", "mutu_baku", "kelengkapan", "waktu",
                     "output", "keterangan")
#: The identity grid's field names that may be renamed.
IDENTITY_LABEL_KEYS = ("number", "created", "revised", "effective", "approved_by", "name",
                       "legal_basis", "qualifications", "related", "equipment", "warning",
                       "records", "revisions", "revision_date", "revision_number",
                       "revision_changes")


def _pairs(value: Mapping[str, str] | tuple[tuple[str, str], ...], allowed: tuple[str, ...],
           what: str) -> tuple[tuple[str, str], ...]:
    """Label renames as a sorted tuple of pairs (hashable), refusing unknown keys with the
    list of valid ones."""
    items = value.items() if isinstance(value, Mapping) else value
    pairs = []
    for key, text in items:
        if key not in allowed:
            raise ValueError(f"unknown {what} {key!r}; use one of: {', '.join(allowed)}")
        if not isinstance(text, str):
            raise TypeError(f"{what} {key!r} must be text, got {type(text).__name__}")
        pairs.append((key, text))
    return tuple(sorted(pairs))


def _column_pairs(value: Mapping[str, str] | tuple[tuple[str, str], ...]) -> tuple[
        tuple[str, str], ...]:
    return _pairs(value, COLUMN_LABEL_KEYS, "column label")


def _identity_pairs(value: Mapping[str, str] | tuple[tuple[str, str], ...]) -> tuple[
        tuple[str, str], ...]:
    return _pairs(value, IDENTITY_LABEL_KEYS, "identity label")


def _one_of(allowed: tuple[str, ...], what: str) -> Any:
    def check(_instance: object, _attribute: object, value: str | None) -> None:
        if value is not None and value not in allowed:
            raise ValueError(f"unknown {what} {value!r}; use one of: {', '.join(allowed)}")

    return check


def _opt_bool(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None and not isinstance(value, bool):
        raise TypeError(f"{attribute.name} must be true, false or unset, got {value!r}")


def _opt_str(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    if value is not None and not isinstance(value, str):
        raise TypeError(f"{attribute.name} must be text or unset, got {value!r}")


@attrs.frozen(kw_only=True)
class DocumentStyle:
    """The agency's printing conventions for one SOP; ``None`` keeps sopflow's default.

    ``paper``: A4, F4, Letter or Legal. ``repeat_header``: the table header on every
    flowchart page (False: the first only). ``page_numbers``: "- n -" at the top of each page.
    ``column_numbers``: the (1), (2), ... row under the header. ``connectors``: "letters"
    (A, B, ...) or "blank" off-page pentagons. ``footer``: small text at the bottom of every
    page. ``empty_cell``: written in an empty Mutu Baku or Keterangan cell ("-").
    ``start_own_row``: the start capsule in a row of its own. ``table_below_identity``: the
    table starts on the identity's page, below the identity block. ``column_labels`` and
    ``identity_labels``: renamed header words, e.g. ``{"kegiatan": "Uraian Kegiatan"}``.
    ``tte``: the electronic-signature block (QR code and BSrE footnote) on every page;
    ``verification_url``: what its QR code holds (default: the SOP's Nomor and Nama). The
    URL is only encoded, never opened. ``terminators``: "separate" (a "Mulai" capsule
    before the first step and a "Selesai" capsule after the last) or "steps" (the first and
    last steps' own symbols drawn as the capsules, no separate terminators); "first" or
    "last": only that step is the capsule, the other end keeps its separate one.
    """

    paper: str | None = attrs.field(default=None, validator=_one_of(PAPER_NAMES, "paper"))
    repeat_header: bool | None = attrs.field(default=None, validator=_opt_bool)
    page_numbers: bool | None = attrs.field(default=None, validator=_opt_bool)
    column_numbers: bool | None = attrs.field(default=None, validator=_opt_bool)
    connectors: str | None = attrs.field(
        default=None, validator=_one_of(CONNECTOR_STYLES, "connector style"))
    footer: str | None = attrs.field(default=None, validator=_opt_str)
    empty_cell: str | None = attrs.field(default=None, validator=_opt_str)
    start_own_row: bool | None = attrs.field(default=None, validator=_opt_bool)
    table_below_identity: bool | None = attrs.field(default=None, validator=_opt_bool)
    column_labels: tuple[tuple[str, str], ...] = attrs.field(
        default=(), converter=_column_pairs)
    identity_labels: tuple[tuple[str, str], ...] = attrs.field(
        default=(), converter=_identity_pairs)
    tte: bool | None = attrs.field(default=None, validator=_opt_bool)
    verification_url: str | None = attrs.field(default=None, validator=_opt_str)
    terminators: str | None = attrs.field(
        default=None, validator=_one_of(TERMINATOR_STYLES, "terminator style"))

    @property
    def is_default(self) -> bool:
        """True when the SOP file sets nothing (so its JSON needs no `document` section)."""
        return self == DocumentStyle()

    def settings(self) -> dict[str, Any]:
        """The settings given, by name (unset ones left out); label renames as dicts."""
        out: dict[str, Any] = {}
        for field in attrs.fields(DocumentStyle):
            value = getattr(self, field.name)
            if field.name.endswith("_labels"):
                if value:
                    out[field.name] = dict(value)
            elif value is not None:
                out[field.name] = value
        return out
