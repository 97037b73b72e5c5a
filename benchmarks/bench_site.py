"""Catalogue speed: 350 generated SOPs to a static e-SOP site, against a plain-render floor.

Run: ``PYTHONPATH=src python benchmarks/bench_site.py [--count 350] [--rounds 3]
[--workers 2]``. The target is under 60 s for 350 SOPs on 2 cores (``sopflow site``, with
the PDF document of every SOP). In the same run, interleaved round by round, it times:

- ``site``: :func:`sopflow.catalogue.site.build_site` with PDF (the default), wall time;
- ``site --no-pdf``: the same without the PDF documents (flowchart SVG, JSON, BPMN only);
- ``floor``: the same SOPs loaded, compiled and rendered to a PDF document one after the
  other in this process, the plain work a site cannot avoid, divided by the worker count
  (the best a perfectly parallel site could do with rendering alone).

It prints the median and the spread (min-max) of each, and the ratio site / floor.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from sopfactory import write_catalogue  # noqa: E402

from sopflow.catalogue.site import build_site  # noqa: E402
from sopflow.loader import load_sops  # noqa: E402
from sopflow.render import render_document  # noqa: E402


def time_site(paths: list[Path], root: Path, out: Path, workers: int, pdf: bool) -> float:
    start = time.perf_counter()
    result = build_site([str(root)], out, pdf=pdf, workers=workers, force=True)
    seconds = time.perf_counter() - start
    assert result.pages == len(paths), "every SOP must have its page"
    return seconds


def time_floor(paths: list[Path], out: Path) -> float:
    start = time.perf_counter()
    for path in paths:
        (item,) = load_sops(str(path))
        render_document(item.definition and _compile(item.definition), out / "floor.pdf")
    return time.perf_counter() - start


def _compile(definition: object) -> object:
    from sopflow.procedure import compile_definition

    return compile_definition(definition, strict=False)  # type: ignore[arg-type]


def _line(name: str, values: list[float], extra: str = "") -> str:
    return (f"{name:<44} median {statistics.median(values):6.2f} s  "
            f"(min {min(values):6.2f}, max {max(values):6.2f}){extra}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=350)
    parser.add_argument("--steps", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        paths = write_catalogue(base / "sop", args.count, steps=args.steps)
        # warm up the file cache and this process's Graphviz and font
        time_floor(paths[:3], base)
        site, nopdf, floor = [], [], []
        for _ in range(args.rounds):
            site.append(time_site(paths, base / "sop", base / "site", args.workers, True))
            nopdf.append(time_site(paths, base / "sop", base / "site", args.workers, False))
            floor.append(time_floor(paths, base) / args.workers)
    n = args.count
    print(f"{n} generated SOPs ({args.steps} steps, 3 lanes, a decision and a loop each), "
          f"{args.workers} workers, {args.rounds} rounds")
    print(_line("site (PDF + SVG + JSON + BPMN + pages)", site,
                f"  = {statistics.median(site) / n * 1000:.0f} ms/SOP; target < 60 s"))
    print(_line("site --no-pdf (SVG + JSON + BPMN + pages)", nopdf,
                f"  = {statistics.median(nopdf) / n * 1000:.0f} ms/SOP"))
    print(_line(f"floor: serial load+compile+PDF / {args.workers}", floor,
                f"  = {statistics.median(floor) * args.workers / n * 1000:.0f} ms/SOP "
                "on one core"))
    print(f"{'ratio site / floor':<44} {statistics.median(site) / statistics.median(floor):.2f}"
          f"  (--no-pdf: {statistics.median(nopdf) / statistics.median(floor):.2f})")


if __name__ == "__main__":
    main()
