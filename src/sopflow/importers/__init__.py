"""Bring existing SOPs in: read documents (signed SOP AP PDFs) into draft SOP files.

``IMPORTERS`` maps an input suffix to the function that writes a draft and its review, so
other formats can be added beside ``.pdf``. Reading PDFs needs the optional extra
``sopflow[import]`` (pypdfium2, scipy, pillow); modules load lazily.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sopflow.importers.base import ArrowMark, Mark, Notice, PdfImportError, SourceImportError

__all__ = ["IMPORTERS", "ArrowMark", "Mark", "Notice", "PdfImportError", "SourceImportError",
           "import_file"]


def _import_pdf(source: Path, output: Path) -> list[Path]:
    from sopflow.importers.write import write_pdf_draft

    return write_pdf_draft(source, output)


#: Input suffix -> function(source, output) writing the draft (.json or .py) and its review.
IMPORTERS: dict[str, Callable[[Path, Path], list[Path]]] = {".pdf": _import_pdf}


def import_file(source: str | Path, output: str | Path) -> list[Path]:
    """Import one document into ``output`` (.json or .py); returns every file written."""
    source, output = Path(source), Path(output)
    importer = IMPORTERS.get(source.suffix.lower())
    if importer is None:
        known = ", ".join(sorted(IMPORTERS))
        what = repr(source.suffix) if source.suffix else "a file without suffix"
        raise SourceImportError(f"{source}: cannot import {what}; known: {known}")
    return importer(source, output)
