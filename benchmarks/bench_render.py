"""Rendering speed: the reference SOP and a generated 300-step SOP to the official multi-page
PDF, against a plain Graphviz floor.

sopflow: ``render_document`` (the SOP AP document: identity page, flowchart table paginated,
Mutu Baku columns, fonts embedded). Floor: pygraphviz laying out the same nodes and edges
with ``dot`` and writing one PDF page, no table, no pagination: the cost of the layout engine
alone. Both run in interleaved rounds (median, spread, ratio). The ratio says what the
document costs on top of drawing the graph; it is not expected to be near 1.

Both SOPs pass validation (``sopflow render`` refuses an invalid SOP; the tests check these).

Run: ``PYTHONPATH=src python benchmarks/bench_render.py [--rounds N]``
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path
from typing import Any

from generated import reference, render_sop
from timing import compare

from sopflow.render import document_pages, render_document


def graphviz_floor(procedure: Any, out: Path) -> None:
    import pygraphviz

    graph = pygraphviz.AGraph(directed=True)
    for node, data in procedure.graph.nodes(data=True):
        graph.add_node(node, label=data.get("text", ""), shape="box")
    for a, b in procedure.graph.edges():
        graph.add_edge(a, b)
    graph.draw(str(out), format="pdf", prog="dot")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        ref = reference().compile()
        big_sop = render_sop()
        start = time.perf_counter()
        big = big_sop.compile()
        print(f"300-step SOP: compile (strict, valid): {time.perf_counter() - start:.2f} s")
        start = time.perf_counter()
        render_document(ref, Path(tmp) / "warm.pdf")
        print(f"first render in the process (loads Graphviz and the font): "
              f"{time.perf_counter() - start:.2f} s")
        for name, procedure in (("reference SOP", ref), ("300 steps, 6 lanes, 30 decisions", big)):
            pages = len(document_pages(procedure))
            compare(f"{name} -> PDF ({pages} pages)",
                    {"sopflow render_document": lambda p=procedure: render_document(
                        p, Path(tmp) / "doc.pdf"),
                     "Graphviz dot floor": lambda p=procedure: graphviz_floor(
                         p, Path(tmp) / "floor.pdf")},
                    args.rounds)


if __name__ == "__main__":
    main()
