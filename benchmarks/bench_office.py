"""Benchmark: Word and Excel output against the PDF and JSON they are compared with.

Run: PYTHONPATH=src:tests python benchmarks/bench_office.py [rounds]
For the four corpus SOPs together, in interleaved rounds, prints the median and spread of:
render_docx against render_document (PDF) of the same compiled SOPs; and an .xlsx round trip
(write_xlsx + read_xlsx) against a sopflow/1 JSON round trip (dumps + loads) of the same
definitions. Ratios are medians over medians (the machine is shared and noisy).
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from corpus_sops import all_corpus

from sopflow.interchange.json_format import dumps, loads
from sopflow.interchange.xlsx import read_xlsx, write_xlsx
from sopflow.render import render_document
from sopflow.render.docx import render_docx


def _timed(action: Callable[[], object]) -> float:
    t0 = time.perf_counter()
    action()
    return time.perf_counter() - t0


def _show(name: str, runs: list[float]) -> str:
    spread = max(runs) - min(runs)
    return f"{name}: median {statistics.median(runs):.3f} s (spread {spread:.3f} s)"


def main(rounds: int = 5) -> None:
    procedures = [sop.compile(strict=False) for sop in all_corpus().values()]
    definitions = [p.definition for p in procedures]
    out = Path(tempfile.mkdtemp())
    cases: dict[str, Callable[[], object]] = {
        "docx (4 SOPs)": lambda: [render_docx(p, out / f"{k}.docx")
                                  for k, p in enumerate(procedures)],
        "pdf (4 SOPs)": lambda: [render_document(p, out / f"{k}.pdf")
                                 for k, p in enumerate(procedures)],
        "xlsx write+read (4 SOPs)": lambda: [read_xlsx(write_xlsx(d, out / f"{k}.xlsx"))
                                             for k, d in enumerate(definitions)],
        "json dumps+loads (4 SOPs)": lambda: [loads(dumps(d)) for d in definitions],
    }
    for action in cases.values():  # warm up: imports, fonts, caches
        action()
    runs: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(rounds):
        for name, action in cases.items():
            runs[name].append(_timed(action))
    for name in cases:
        print(_show(name, runs[name]))
    med = {name: statistics.median(r) for name, r in runs.items()}
    print(f"docx / pdf: {med['docx (4 SOPs)'] / med['pdf (4 SOPs)']:.2f}x")
    print(f"xlsx / json round trip: "
          f"{med['xlsx write+read (4 SOPs)'] / med['json dumps+loads (4 SOPs)']:.0f}x")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
