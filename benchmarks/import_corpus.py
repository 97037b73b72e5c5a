"""Run `sopflow import` over a folder of signed SOP PDFs and count what comes back.

    PYTHONPATH=src python benchmarks/import_corpus.py FOLDER [--limit N] [--render]

For each PDF (found recursively): does it import, does the draft validate without errors
(and which errors and warnings its drafts have, and the importer's notices by kind),
(with --render) does it render back to a PDF, and how many pages the re-rendered document has
against the original. Failures are grouped by kind (the first words of the message).
Nothing is written beside the PDFs; drafts go to a temporary folder.
"""

from __future__ import annotations

import argparse
import re
import statistics
import tempfile
import time
from collections import Counter
from pathlib import Path


def _kind(message: str) -> str:
    text = re.sub(r"^.*?\.pdf: ", "", message)
    text = re.sub(r"page \d+", "page N", text)
    return text[:70]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("folder", type=Path)
    parser.add_argument("--limit", type=int, default=0)
    parser.add_argument("--render", action="store_true")
    args = parser.parse_args()
    from pypdf import PdfReader

    from sopflow.importers.base import SourceImportError
    from sopflow.importers.pdf import import_pdf
    from sopflow.procedure import compile_definition

    files = sorted(args.folder.rglob("*.pdf"))
    if args.limit:
        files = files[:: max(len(files) // args.limit, 1)][: args.limit]
    counts: Counter[str] = Counter()
    failures: Counter[str] = Counter()
    pages: list[tuple[int, int]] = []
    seconds: list[float] = []
    rows = arrows = 0
    marks: Counter[str] = Counter()
    errors: Counter[str] = Counter()
    warnings: Counter[str] = Counter()
    notices: Counter[str] = Counter()
    with tempfile.TemporaryDirectory() as tmp:
        for index, path in enumerate(files):
            counts["pdfs"] += 1
            start = time.perf_counter()
            try:
                result = import_pdf(path)
            except SourceImportError as error:
                failures[_kind(str(error))] += 1
                continue
            except Exception as error:  # a bug: count it, keep going
                failures[f"internal: {type(error).__name__}: {str(error)[:50]}"] += 1
                continue
            seconds.append(time.perf_counter() - start)
            counts["imported"] += 1
            rows += len(result.definition.steps)
            arrows += len(result.arrows)
            marks.update(a.mark.value for a in result.arrows)
            procedure = compile_definition(result.definition, strict=False)
            if procedure.report.ok:
                counts["validate"] += 1
            errors.update({f"{f.code} {f.rule}" for f in procedure.report.errors})
            warnings.update({f"{f.code} {f.rule}" for f in procedure.report.warnings})
            notices.update(_kind(n.message) for n in result.notices)
            if args.render:
                from sopflow.render import render_document

                out = Path(tmp) / f"{index}.pdf"
                try:
                    render_document(compile_definition(result.definition, strict=False), out)
                except Exception as error:
                    failures[f"render: {type(error).__name__}: {str(error)[:50]}"] += 1
                    continue
                counts["render"] += 1
                pages.append((len(PdfReader(out).pages), result.page_count))
    print(f"PDFs {counts['pdfs']}, imported {counts['imported']}, validate without errors "
          f"{counts['validate']}" + (f", render back {counts['render']}" if args.render else ""))
    print(f"rows {rows}, arrows {arrows}: " + ", ".join(f"{k} {v}" for k, v in marks.items()))
    if seconds:
        print(f"seconds per imported PDF: median {statistics.median(seconds):.3f}")
    if pages:
        same = sum(1 for a, b in pages if a == b)
        print(f"re-rendered pages equal to the original: {same} of {len(pages)}; "
              f"mean re-rendered {statistics.mean(a for a, _ in pages):.2f} vs original "
              f"{statistics.mean(b for _, b in pages):.2f}")
    print("drafts with each validation error (code, rule):")
    for code, count in errors.most_common(8):
        print(f"  {count:4}  {code}")
    print("drafts with each validation warning (code, rule):")
    for code, count in warnings.most_common(8):
        print(f"  {count:4}  {code}")
    print("import notices by kind:")
    for kind, count in notices.most_common(8):
        print(f"  {count:4}  {kind}")
    print("failure kinds:")
    for kind, count in failures.most_common():
        print(f"  {count:4}  {kind}")


if __name__ == "__main__":
    main()
