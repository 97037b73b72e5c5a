"""Time the layout of the pinned golden cases with this tree's source against another tree's.

For refactors of the layout engine: the geometry must stay identical (tests/test_layout_golden)
and the time should too. Rounds interleave the two sources, each in a fresh interpreter, and
the median and spread of each are printed with their ratio (the machine is shared and noisy).

    git archive <commit> src | tar -x -C /tmp/base      # the source to compare with
    python benchmarks/compare_layout.py /tmp/base/src --rounds 7
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_TIMED = r"""
import sys, time
sys.path.insert(0, sys.argv[1])
import layout_golden as lg
from sopflow.render import LayoutOptions, document_pages
from sopflow.render.layout import layout_flowchart
made = [(make(), options) for _, make, options in lg.cases()]
t = time.perf_counter()
for target, options in made:
    try:
        if hasattr(target, "definition"):
            document_pages(target, **options)
        else:
            layout_flowchart(target, LayoutOptions(**options))
    except ValueError:
        pass
print(time.perf_counter() - t)
"""


def _once(src: str) -> float:
    env = {**os.environ, "PYTHONPATH": src}
    done = subprocess.run([sys.executable, "-c", _TIMED, str(ROOT / "tests")], env=env,
                          capture_output=True, text=True, check=True, cwd=ROOT)
    return float(done.stdout.split()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("baseline", help="the src folder of the tree to compare with")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    times: dict[str, list[float]] = {"baseline": [], "this tree": []}
    for _ in range(args.rounds):
        times["baseline"].append(_once(args.baseline))
        times["this tree"].append(_once(str(ROOT / "src")))
    for name, values in times.items():
        print(f"{name:>10}: median {statistics.median(values):.2f} s "
              f"(min {min(values):.2f}, max {max(values):.2f}) over {len(values)} rounds")
    ratio = statistics.median(times["this tree"]) / statistics.median(times["baseline"])
    print(f"this tree / baseline (medians): {ratio:.3f}")


if __name__ == "__main__":
    main()
