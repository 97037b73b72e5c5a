"""Values shared by the importers: the error they raise and the review marks they keep.

A draft read from a document is never certain; every arrow carries how it was obtained
(``read`` end to end, ``inferred`` from position, ``unresolved``) with the page and region it
came from, so a person checks the weak ones first.
"""

from __future__ import annotations

import enum

import attrs

__all__ = ["ArrowMark", "Mark", "Notice", "PdfImportError", "Region", "SourceImportError"]


class SourceImportError(ValueError):
    """The input cannot be imported (not the expected kind of file, damaged, encrypted ...).

    The message names the file and, when known, the page; the CLI prints it and exits 2.
    """


class PdfImportError(SourceImportError):
    """A PDF that cannot be imported."""


class Mark(enum.Enum):
    """How an arrow of the draft was obtained."""

    READ = "read"  # seen end to end on the page
    INFERRED = "inferred"  # not drawn (or not whole): assumed, e.g. the next row
    UNRESOLVED = "unresolved"  # drawn, but one end could not be tied to a row


@attrs.frozen
class Region:
    """A rectangle on a page, in points from the top-left corner."""

    page: int
    x0: float
    y0: float
    x1: float
    y1: float

    def to_dict(self) -> dict[str, object]:
        return {"page": self.page, "box": [round(v, 1) for v in (self.x0, self.y0, self.x1,
                                                                  self.y1)]}


@attrs.frozen
class ArrowMark:
    """One arrow of the draft: from a row to a row (or the start/end), with its evidence.

    ``source`` and ``target`` are 1-based row numbers; ``target`` may also be ``"end"`` or
    ``"start"``; either is None when the arrow is unresolved at that end. ``path`` is the
    drawn polyline in points (empty for an inferred arrow), for the review picture.
    """

    source: int | None
    target: int | str | None
    label: str | None
    mark: Mark
    region: Region | None
    note: str = ""
    path: tuple[tuple[float, float], ...] = ()

    def to_dict(self) -> dict[str, object]:
        return {
            "from": self.source,
            "to": self.target,
            "label": self.label,
            "mark": self.mark.value,
            "where": self.region.to_dict() if self.region else None,
            "note": self.note,
        }


@attrs.frozen
class Notice:
    """Something the reader should know about a page (a picture table, an empty page ...)."""

    page: int | None
    message: str
    severity: str = "warning"  # "warning" (check this) or "info"

    def to_dict(self) -> dict[str, object]:
        return {"page": self.page, "severity": self.severity, "message": self.message}
