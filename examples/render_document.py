"""Render the reference SOP ("Pengumpulan Data Kinerja") as the official SOP AP document.

Run: ``python examples/render_document.py [output-folder]``. Writes the signed-document
layout as a multi-page PDF (identity page, then the flowchart table), the same pages as PNG
images, and the swimlane view as SVG.
"""

from __future__ import annotations

import runpy
import sys
from pathlib import Path

from sopflow.render import render_document, render_flowchart


def main(folder: Path) -> list[Path]:
    sop = runpy.run_path(str(Path(__file__).with_name("pengumpulan_data_kinerja.py")))["sop"]
    procedure = sop.compile()
    folder.mkdir(parents=True, exist_ok=True)
    written = render_document(procedure, folder / "pengumpulan-data-kinerja.pdf")
    written += render_document(procedure, folder / "pengumpulan-data-kinerja.png", dpi=110)
    written += render_flowchart(procedure, folder / "pengumpulan-data-kinerja-flow.svg")
    return written


if __name__ == "__main__":
    for path in main(Path(sys.argv[1] if len(sys.argv) > 1 else "out")):
        print(path)
