"""Catalogue speed: 350 generated SOPs to a static e-SOP site, against a plain-render floor.

Run: ``PYTHONPATH=src python benchmarks/bench_site.py [--count 350] [--rounds 3]
[--workers 2]``. The target is under 60 s for 350 SOPs on 2 cores (``sopflow site``, with
the PDF document of every SOP). In the same run, interleaved round by round, it times:

- ``site``: :func:`sopflow.catalogue.site.build_site` with PDF (the default), wall time;
- ``site --no-pdf``: the same without the PDF documents (flowchart SVG, JSON, BPMN only);
- ``floor``: the plain render of the same SOPs, each to its PDF document, on the same number
  of worker processes (``sopflow render DIR -o OUT``): the work a site with PDFs cannot
  avoid, through the same parallel machinery, so the ratio shows what the site adds.

It prints the median and the spread (min-max) of the wall time of each, per SOP, and the
ratio site / floor. On a shared machine the wall time moves with the load, so it also prints
the CPU time each took (this process and its workers, from ``getrusage``): CPU seconds over
the worker count is the wall time the same work needs on that many idle cores.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from sopfactory import write_catalogue  # noqa: E402

from sopflow.catalogue.batch import Task, run_batch  # noqa: E402
from sopflow.catalogue.discover import find_sop_files  # noqa: E402
from sopflow.catalogue.site import build_site  # noqa: E402


def cpu_seconds() -> float:
    """CPU time used so far by this process and its finished children (the workers)."""
    total = 0.0
    for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN):
        usage = resource.getrusage(who)
        total += usage.ru_utime + usage.ru_stime
    return total


def measured(function: object, *args: object) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one call."""
    cpu = cpu_seconds()
    wall = function(*args)  # type: ignore[operator]
    return float(wall), cpu_seconds() - cpu


def time_site(paths: list[Path], root: Path, out: Path, workers: int, pdf: bool) -> float:
    start = time.perf_counter()
    result = build_site([str(root)], out, pdf=pdf, workers=workers, force=True)
    seconds = time.perf_counter() - start
    assert result.pages == len(paths), "every SOP must have its page"
    return seconds


def time_floor(paths: list[Path], root: Path, out: Path, workers: int) -> float:
    start = time.perf_counter()
    result = run_batch(find_sop_files([str(root)]), Task(kind="render", out_dir=str(out)),
                       workers=workers)
    seconds = time.perf_counter() - start
    assert sum(len(s.outputs) for s in result.sops) == len(paths), "every SOP rendered"
    return seconds


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
        runs: dict[str, list[tuple[float, float]]] = {"site": [], "nopdf": [], "floor": []}
        for _ in range(args.rounds):
            runs["site"].append(measured(time_site, paths, base / "sop", base / "site",
                                         args.workers, True))
            runs["nopdf"].append(measured(time_site, paths, base / "sop", base / "site",
                                          args.workers, False))
            runs["floor"].append(measured(time_floor, paths, base / "sop", base / "pdf",
                                          args.workers))
    site, nopdf, floor = ([wall for wall, _ in runs[k]] for k in ("site", "nopdf", "floor"))
    cpu = {k: statistics.median(c for _, c in v) for k, v in runs.items()}
    n = args.count
    print(f"{n} generated SOPs ({args.steps} steps, 3 lanes, a decision and a loop each), "
          f"{args.workers} workers, {args.rounds} rounds")
    print(_line("site (PDF + SVG + JSON + BPMN + pages)", site,
                f"  = {statistics.median(site) / n * 1000:.0f} ms/SOP; target < 60 s"))
    print(_line("site --no-pdf (SVG + JSON + BPMN + pages)", nopdf,
                f"  = {statistics.median(nopdf) / n * 1000:.0f} ms/SOP"))
    print(_line("floor: sopflow render DIR (PDF per SOP)", floor,
                f"  = {statistics.median(floor) / n * 1000:.0f} ms/SOP"))
    print(f"{'ratio site / floor (wall)':<44} "
          f"{statistics.median(site) / statistics.median(floor):.2f}"
          f"  (--no-pdf: {statistics.median(nopdf) / statistics.median(floor):.2f})")
    w = args.workers
    for key, name in (("site", "site"), ("nopdf", "site --no-pdf"), ("floor", "floor")):
        print(f"CPU time, {name:<33} median {cpu[key]:6.2f} s = {cpu[key] / n * 1000:.0f} "
              f"ms/SOP; / {w} workers = {cpu[key] / w:6.2f} s on {w} idle cores")
    print(f"{'ratio site / floor (CPU)':<44} {cpu['site'] / cpu['floor']:.2f}"
          f"  (--no-pdf: {cpu['nopdf'] / cpu['floor']:.2f})")


if __name__ == "__main__":
    main()
