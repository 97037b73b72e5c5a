"""Measure the official document against what signed SOPs look like (issue 12).

Prints, for the four corpus SOPs (on their originals' paper) and the reference SOP: pages
drawn against the signed original; over random SOPs of 1-8 lanes with real-length text: the
largest page width over paper width and how many were refused (with the lanes that fit);
exit labels crossing a table rule or another label; and the render time (layout and PDF) of
the reference and of a 300-step SOP, as medians of interleaved rounds.

Run: ``PYTHONPATH=src python benchmarks/real_sops.py [--rounds N] [--sops N]``.
"""

from __future__ import annotations

import argparse
import random
import runpy
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

ORIGINALS = {"bps_040": ("A4", 2), "bps_050": ("Letter", 3), "bps_052": ("Letter", 2),
             "bps_346": ("Legal", 2)}
WORDS = [
    "Melakukan", "verifikasi", "dokumen", "pengolahan", "data", "Penanggungjawab",
    "Kabupaten/Kota", "pra-pencacahan", "Kualifikasi", "transaksi", "laporan", "kinerja",
    "triwulanan", "dan", "ke", "Pemeriksaan", "Administrasi", "berkas", "Rekanan/Vendor",
]
LANE_WORDS = [
    "Kepala", "Subbagian", "Umum", "Ketua", "Tim", "Statistik", "Pelaksana", "Koordinator",
    "Fungsi",
]


def _random_sop(rng: random.Random, n_lanes: int, n_steps: int) -> Any:
    from sopfactory import new_sop

    from sopflow import NEXT

    def phrase(lo: int, hi: int, words: list[str] = WORDS) -> str:
        return " ".join(rng.choice(words) for _ in range(rng.randint(lo, hi)))

    sop = new_sop()
    actors = [sop.actor(f"{phrase(1, 3, LANE_WORDS)} {k}") for k in range(n_lanes)]
    refs = []
    for i in range(n_steps):
        by = actors[rng.randrange(n_lanes)]
        kw = dict(inputs=[phrase(1, 4) for _ in range(rng.randint(0, 2))], time="15 menit",
                  output=phrase(1, 4))
        if refs and i + 1 < n_steps and rng.random() < 0.2:
            refs.append(sop.decision(phrase(3, 10), by=by, yes=NEXT,
                                     no=refs[-rng.randint(1, min(3, len(refs)))], **kw))
        else:
            refs.append(sop.step(phrase(3, 16), by=by, note=phrase(0, 6), **kw))
    return sop.compile(strict=False)


def _label_crossings(pages: list[Any]) -> int:
    """Labels overlapping a table rule (row or column) or another label."""
    from sopflow.render.geometry import Rect

    count = 0
    for page in pages:
        labels = [a.label.rect for a in page.arrows if a.label is not None]
        rules = []
        for line in page.lines:
            (x0, y0), (x1, y1) = line.points[0], line.points[-1]
            rules.append(Rect(x=min(x0, x1) - 0.4, y=min(y0, y1) - 0.4, w=abs(x1 - x0) + 0.8,
                              h=abs(y1 - y0) + 0.8))
        for k, lab in enumerate(labels):
            if any(lab.overlaps(r) for r in rules) or any(
                    lab.overlaps(o) for o in labels[k + 1:]):
                count += 1
    return count


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--sops", type=int, default=60)
    args = parser.parse_args()
    import corpus_sops

    from sopflow.render import document_pages, render_document
    from sopflow.render.errors import TooManyLanesError

    print("pages drawn vs signed original (own paper; default / table_below_identity)")
    crossings = 0
    labels = 0
    for name, (paper, signed) in ORIGINALS.items():
        proc = getattr(corpus_sops, name)().compile(strict=False)
        pages = document_pages(proc, paper=paper)
        below = document_pages(proc, paper=paper, table_below_identity=True)
        crossings += _label_crossings(pages)
        labels += sum(a.label is not None for p in pages for a in p.arrows)
        print(f"  {name:8} {paper:6} {len(pages)} / {len(below)}  signed {signed}")
    ref = runpy.run_path(str(ROOT / "examples" / "pengumpulan_data_kinerja.py"))["sop"]
    ref_proc = ref.compile(strict=False)
    print(f"  reference A4     {len(document_pages(ref_proc))}")
    rng = random.Random(12)
    worst, refused, random_cross, random_labels = 0.0, [], 0, 0
    for _ in range(args.sops):
        n_lanes = rng.randint(1, 8)
        proc = _random_sop(rng, n_lanes, rng.randint(3, 14))
        paper = rng.choice(["A4", "Letter", "F4", "Legal"])
        try:
            pages = document_pages(proc, paper=paper)
        except TooManyLanesError as exc:
            refused.append(f"{n_lanes} lanes on {paper} (fit {exc.fit})")
            continue
        random_cross += _label_crossings(pages)
        random_labels += sum(a.label is not None for p in pages for a in p.arrows)
        for page in pages:
            xs = [x for line in page.lines for x, _ in line.points]
            xs += [t.rect.right for t in page.texts]
            worst = max(worst, max(xs) / page.width)
    print(f"random SOPs: {args.sops}, largest drawn extent / paper width {worst:.3f}, "
          f"refused {len(refused)}: {refused[:4]}")
    print(f"labels crossing a rule or a label: corpus {crossings}/{labels}, "
          f"random {random_cross}/{random_labels}")
    long_proc = _random_sop(random.Random(300), 4, 300)
    times: dict[str, list[float]] = {"reference": [], "300 steps": []}
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(args.rounds):
            for key, proc in (("reference", ref_proc), ("300 steps", long_proc)):
                t0 = time.perf_counter()
                render_document(proc, Path(tmp) / "out.pdf")
                times[key].append(time.perf_counter() - t0)
    for key, ts in times.items():
        print(f"render to PDF, {key}: median {statistics.median(ts):.2f} s "
              f"(min {min(ts):.2f}, max {max(ts):.2f}, {len(ts)} rounds)")


if __name__ == "__main__":
    main()
