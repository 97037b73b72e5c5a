"""Write an imported draft and its review files atomically (temp file beside, then rename).

For ``OUT.json`` (sopflow/1) or ``OUT.py`` (DSL) the review goes beside it: ``OUT.review.json``
(the arrow marks, machine readable), ``OUT.review.txt`` (the report) and
``OUT-page-N.png`` (one picture per flowchart page).
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from sopflow.importers.base import SourceImportError

__all__ = ["write_pdf_draft", "write_text_atomic"]


def write_text_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` so that a reader never sees a half-written file."""
    handle, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_pdf_draft(source: Path, output: Path) -> list[Path]:
    """Import ``source`` (a PDF) and write the draft to ``output`` with its review files."""
    from sopflow.importers.draft_py import draft_source
    from sopflow.importers.pdf import import_pdf
    from sopflow.importers.review import review_dict, review_pictures, review_report
    from sopflow.interchange.json_format import dumps

    suffix = output.suffix.lower()
    if suffix not in (".json", ".py"):
        raise SourceImportError(f"{output}: the draft is written as .json or .py, not "
                                f"{suffix or '(no suffix)'!r}")
    result = import_pdf(source)
    output.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".json":
        text = dumps(result.definition)
    else:
        text = draft_source(result.definition, result.arrows, source.name)
    stem = output.name[: -len(output.suffix)]
    review_json = output.with_name(stem + ".review.json")
    report = output.with_name(stem + ".review.txt")
    write_text_atomic(output, text)
    write_text_atomic(review_json, json.dumps(review_dict(result), indent=2,
                                              ensure_ascii=False) + "\n")
    write_text_atomic(report, review_report(result))
    pictures = review_pictures(result, output.parent, stem)
    return [output, review_json, report, *pictures]
