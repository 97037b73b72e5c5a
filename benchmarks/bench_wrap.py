"""Text wrapping on long unbreakable words: linear in the word's length.

Run: ``PYTHONPATH=src python benchmarks/bench_wrap.py [--rounds N]``. For words of 1 KB,
100 KB and 1 MB (no space to break at, as in a pasted hash or a hostile file) it times
``FontMetrics.wrap`` into a 150 pt Kegiatan cell against a plain floor: one pass summing the
advance widths of the word's characters, the least work any wrapper that measures the text
must do. Rounds are interleaved (wrap, floor, wrap, floor, ...); the table prints the median
and the spread (min-max) of each, and their ratio. Target: a 1 MB word wraps in under a second.
"""

from __future__ import annotations

import argparse
import itertools
import statistics
import time

from sopflow.render import fonts

SIZES = {"1 KB": 1_000, "100 KB": 100_000, "1 MB": 1_000_000}


def floor(face: fonts.FontMetrics, word: str) -> int:
    """One measuring pass over the word (the floor wrapping is compared with), written as
    fast as plain Python allows: dictionary look-ups mapped in C, summed in C."""
    return sum(map(face.advances.get, map(ord, word), itertools.repeat(face.fallback)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    face = fonts.metrics()
    print(f"{'word':>12} {'wrap median':>12} {'(min-max)':>17} {'floor median':>13} "
          f"{'(min-max)':>17} {'ratio':>6} {'lines':>6}")
    for (name, n), kind in [(item, kind) for kind in ("plain", "url") for item in SIZES.items()]:
        # "plain": one letter repeated, no break at all; "url": a slash every 8 characters,
        # where the wrapper prefers to break (like a long address pasted into a Kegiatan)
        word = "a" * n if kind == "plain" else ("halocik/" * (n // 8 + 1))[:n]
        name = f"{name} {kind}"
        wraps, floors = [], []
        lines = 0
        for _ in range(args.rounds):
            start = time.perf_counter()
            lines = len(face.wrap(word, 150, 9))
            wraps.append(time.perf_counter() - start)
            start = time.perf_counter()
            floor(face, word)
            floors.append(time.perf_counter() - start)
        w, f = statistics.median(wraps), statistics.median(floors)
        print(f"{name:>12} {w:11.4f}s ({min(wraps):.4f}-{max(wraps):.4f}s) {f:12.4f}s "
              f"({min(floors):.4f}-{max(floors):.4f}s) {w / f:6.1f} {lines:6d}")


if __name__ == "__main__":
    main()
