"""Rendering speed: the reference SOP, and a generated 300-step SOP, to a multi-page PDF.

Run: ``PYTHONPATH=src python benchmarks/bench_render.py``. Prints seconds and pages; the
targets are under 1 s for the reference SOP and under 10 s for the 300-step SOP.
"""

from __future__ import annotations

import runpy
import tempfile
import time
from datetime import date
from pathlib import Path

from sopflow import NEXT, SOP, Signatory
from sopflow.render import document_pages, render_document

ROOT = Path(__file__).resolve().parents[1]


def generated_sop(steps: int = 300, lanes: int = 6, decisions: int = 30) -> SOP:
    """A long SOP: lanes taken in turn, every tenth step a decision whose "Tidak" loops back
    up three rows (so loops and lane changes cross page breaks)."""
    sop = SOP(
        "SOP Uji Kecepatan",
        number="800/99/UJI",
        unit=("PEMERINTAH PROVINSI UJI", "BADAN UJI"),
        created=date(2025, 1, 20),
        effective=date(2025, 1, 20),
        approved_by=Signatory(position="Kepala Badan Uji", name="Budi", nip="19700101"),
        legal_basis=["Peraturan Uji Nomor 1 Tahun 2025"],
    )
    actors = [sop.actor(f"Pelaksana {k + 1}") for k in range(lanes)]
    every = steps // decisions
    for i in range(steps):
        kwargs = dict(inputs=["Berkas permohonan", "Formulir"], time="15 menit",
                      output="Berkas yang sudah diproses", id=f"s{i + 1}")
        lane = actors[(i * 5 // 3) % lanes]
        if i % every == every - 1 and i >= 3:
            sop.decision(f"Memeriksa kelengkapan berkas nomor {i + 1}", by=lane,
                         yes=NEXT if i + 1 < steps else None, no=f"s{i - 2}",
                         question="Lengkap?", **kwargs)
        else:
            sop.step(f"Memproses berkas permohonan pada langkah nomor {i + 1}", by=lane,
                     **kwargs)
    return sop


def measure(name: str, procedure: object, out: Path) -> None:
    start = time.perf_counter()
    (path,) = render_document(procedure, out)
    seconds = time.perf_counter() - start
    pages = len(document_pages(procedure))
    print(f"{name:<34} {seconds:7.2f} s  {pages:4d} pages  {path.stat().st_size // 1024} KiB")


def main() -> None:
    reference = runpy.run_path(str(ROOT / "examples" / "pengumpulan_data_kinerja.py"))["sop"]
    with tempfile.TemporaryDirectory() as tmp:
        # the first render in a process also loads Graphviz and the font: time it apart
        start = time.perf_counter()
        render_document(reference.compile(), Path(tmp) / "warm.pdf")
        print(f"{'first render (cold start)':<34} {time.perf_counter() - start:7.2f} s")
        measure("reference SOP -> PDF", reference.compile(), Path(tmp) / "ref.pdf")
        start = time.perf_counter()
        big = generated_sop().compile(strict=False)
        print(f"{'300-step SOP: compile':<34} {time.perf_counter() - start:7.2f} s")
        measure("300 steps, 6 lanes, 30 decisions", big, Path(tmp) / "big.pdf")


if __name__ == "__main__":
    main()
