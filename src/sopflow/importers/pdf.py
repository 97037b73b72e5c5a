"""Import a signed SOP AP PDF: identity page, flowchart table, arrows -> a draft with marks.

This module only orchestrates: :mod:`.pdf_source` opens and renders pages, :mod:`.pdf_table`
reads the table, :mod:`.pdf_symbols` and :mod:`.pdf_arrows` the drawing, :mod:`.pdf_identity`
page 1, :mod:`.draft` builds the definition. It never invents a draft: a PDF whose flowchart
pages are empty (signed blank copies) or one picture is refused with the reason.
"""

from __future__ import annotations

from pathlib import Path

import attrs

from sopflow.importers.base import ArrowMark, Notice, PdfImportError
from sopflow.importers.draft import PageRead, build_draft
from sopflow.importers.pdf_arrows import find_arrows
from sopflow.importers.pdf_identity import read_identity
from sopflow.importers.pdf_source import PdfSource
from sopflow.importers.pdf_symbols import find_symbols, rule_mask
from sopflow.importers.pdf_table import PageTable, read_table
from sopflow.model import SOPDefinition

__all__ = ["PdfImport", "import_pdf"]

_SOP_WORDS = ("nomor sop", "disahkan", "dasar hukum", "kualifikasi", "pelaksana", "mutu baku",
              "nama sop", "judul sop", "kegiatan", "aktivitas")


@attrs.frozen(eq=False)
class PdfImport:
    """The result of importing one PDF: the draft, its arrow marks, notices and pages read."""

    source: Path
    definition: SOPDefinition
    arrows: tuple[ArrowMark, ...]
    notices: tuple[Notice, ...]
    pages: tuple[PageRead, ...]
    page_count: int


def import_pdf(path: str | Path) -> PdfImport:
    """Read ``path`` into a draft SOP; raises :class:`PdfImportError` when that is impossible."""
    path = Path(path)
    with PdfSource(path) as source:
        first = source.words(1)
        text = " ".join(w.text for w in first).lower()
        if not any(k in text for k in _SOP_WORDS):
            raise PdfImportError(f"{path}: page 1 does not look like an SOP AP document (no "
                                 "'Nomor SOP', 'Dasar Hukum', 'Pelaksana' ... on it)")
        notices: list[Notice] = []
        pages = _read_pages(source, notices)
        if not pages and not notices:  # a one-page PDF: say why its page gave nothing
            page = source.page(1)
            notices.append(Notice(1, _why_empty(page.words, page.image_area,
                                                float(page.ink.mean()))))
        if not pages:
            raise PdfImportError(f"{path}: no flowchart table could be read: "
                                 + ("; ".join(f"page {n.page}: {n.message}" for n in notices)
                                    or "no page has a table with a Kegiatan column"))
        shared = pages[0].table.page == 1  # identity and table on one page
        identity, notes = read_identity(source.page(1),
                                        pages[0].table.box[1] if shared else None)
        notices.extend(Notice(1, note, "info") for note in notes)
        definition, marks = build_draft(identity, pages)
        return PdfImport(source=path, definition=definition, arrows=tuple(marks),
                         notices=tuple(notices), pages=tuple(pages),
                         page_count=source.page_count)


def _read_pages(source: PdfSource, notices: list[Notice]) -> list[PageRead]:
    pages: list[PageRead] = []
    previous: PageTable | None = None
    offset = 0
    for number in range(1, source.page_count + 1):
        page = source.page(number)
        table = read_table(page, previous)
        if table is None or not table.rows or not table.lanes:
            if number > 1:  # page 1 is usually the identity page alone
                notices.append(Notice(number, _why_empty(page.words, page.image_area,
                                                     float(page.ink.mean()))))
            continue
        rules, rules_h, exact = rule_mask(page, table)
        symbols = find_symbols(page, table, rules, rules_h, exact)
        arrows, stubs, unattached = find_arrows(page, table, rules, symbols)
        notices.extend(Notice(number, f"the label {text!r} in the lanes is not attached to "
                              "any arrow read") for text in unattached)
        if not symbols:
            notices.append(Notice(number, "a table was found but no symbol in its lanes "
                                  "(drawn as a picture?)"))
        pages.append(PageRead(table=table, symbols=tuple(symbols), words=page.words,
                              arrows=tuple(arrows),
                              stubs=tuple(stubs), row_offset=offset))
        offset += len(table.rows)
        previous = table
    return pages


def _why_empty(words: object, image_area: float, ink: float) -> str:
    count = len(words) if isinstance(words, tuple) else 0
    if image_area > 0.25:
        return ("the table is one picture (no text layer to read; OCR is not supported): "
                "nothing imported from this page")
    if count < 40 and ink > 0.01:
        return ("the page is drawn without a text layer (text as curves or pictures; OCR is "
                "not supported): nothing imported from this page")
    if count < 40:
        return "the page is empty apart from the signature footer: nothing to import"
    return "no flowchart table found on this page"
