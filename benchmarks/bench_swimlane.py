"""The compact view: the swimlane view against the earlier ``dot`` cluster view, as SVG.

sopflow: ``procedure_svg`` (what ``sopflow render --view flowchart`` and a notebook draw):
the document's layout engine on a No./Kegiatan/lanes table, one tall page, painted by
Graphviz ``nop2``. Peer: the view it replaces, ``flowchart_graph`` laid out by ``dot`` (lanes
as clusters) and drawn to SVG, as ``procedure_svg`` did before. Both take the compiled
procedure and return SVG text; they run in interleaved rounds (median, spread, ratio).

SOPs: the reference SOP (9 rows, 4 lanes) and ``swimlane_sop`` (60 rows, 6 lanes, a decision
every tenth row looping back three rows), both valid. The swimlane layout alone (geometry,
no painting) is timed on the 60-row SOP too, against the same peer.

Run: ``PYTHONPATH=src python benchmarks/bench_swimlane.py [--rounds N]``
"""

from __future__ import annotations

import argparse
import time
from typing import Any

from generated import reference, swimlane_sop
from timing import compare

from sopflow.render import fonts, procedure_svg
from sopflow.render.flowchart import flowchart_graph
from sopflow.render.swimlane import swimlane_layout


def dot_view_svg(procedure: Any) -> str:
    """The earlier compact view exactly as ``procedure_svg`` drew it: ``dot`` clusters."""
    g = flowchart_graph(procedure.graph)
    with fonts.graphviz_stderr_filtered():
        g.layout(prog="dot")
        data: bytes = g.draw(format="svg")
    return data.decode("utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    ref = reference().compile()
    sixty = swimlane_sop().compile()
    start = time.perf_counter()
    procedure_svg(ref)
    print(f"first swimlane in the process (loads Graphviz and the font): "
          f"{time.perf_counter() - start:.2f} s")
    for name, procedure in (("reference SOP (9 rows, 4 lanes)", ref),
                            ("60 rows, 6 lanes, 6 decisions", sixty)):
        compare(f"{name} -> SVG text",
                {"sopflow swimlane procedure_svg": lambda p=procedure: procedure_svg(p),
                 "earlier dot cluster view": lambda p=procedure: dot_view_svg(p)},
                args.rounds)
    compare("60 rows: swimlane layout alone (geometry, no painting) vs the dot view",
            {"sopflow swimlane_layout": lambda: swimlane_layout(sixty.graph),
             "earlier dot cluster view": lambda: dot_view_svg(sixty)},
            args.rounds)


if __name__ == "__main__":
    main()
