"""The SOPs the benchmarks time, in one place so tests/test_benchmarks.py can check that
every one of them passes validation (a benchmark of an invalid SOP measures nothing a user
would run).

* :func:`reference`: the reference SOP (examples/pengumpulan_data_kinerja.py) with a branch
  probability for its decision and a varying duration for every step
  (:data:`REFERENCE_DURATIONS`), so no step is a constant.
* :func:`looping_sop`: n steps in five lanes; every tenth row a check that sends the case back
  five rows with probability 0.2; every duration a range.
* :func:`core_sop`: the DSL workload of bench_core.py (a decision loop every ten steps).
* :func:`render_sop`: the long multi-page SOP of bench_render.py.
* :func:`swimlane_sop`: the 60-row SOP of bench_swimlane.py (render_sop's pattern, shorter).
"""

from __future__ import annotations

import runpy
from datetime import date
from pathlib import Path
from typing import Any

import sopflow
from sopflow import END, NEXT, SOP, Signatory
from sopflow.simulate import Uniform

ROOT = Path(__file__).resolve().parent.parent
Branches = dict[str, dict[str | None, float]]

#: Every step of the reference SOP varies: the printed Waktu plus or minus about a third.
REFERENCE_DURATIONS: dict[str, Any] = {
    "s1": Uniform(low=10, high=20),
    "s2": Uniform(low=20, high=40),
    "s3": Uniform(low=1, high=3),
    "s4": Uniform(low=20, high=40),
    "s5": Uniform(low=20, high=40),
    "s6": Uniform(low=1.5, high=2.5, unit="day"),
    "s7": Uniform(low=100, high=140, unit="day"),
    "sosialisasi": Uniform(low=40, high=80),
    "final": Uniform(low=0.5, high=1.5, unit="day"),
}
REFERENCE_BRANCHES: Branches = {"s7": {"Ya": 0.7, "Tidak": 0.3}}


def reference() -> sopflow.SOP:
    sop: sopflow.SOP = runpy.run_path(str(ROOT / "examples" / "pengumpulan_data_kinerja.py"))[
        "sop"]
    return sop


def _sop(name: str) -> SOP:
    return SOP(name, number="1/BENCH", unit=("PEMERINTAH PROVINSI UJI", "BADAN UJI"),
               created=date(2025, 1, 20), effective=date(2025, 1, 20),
               approved_by=Signatory(position="Kepala Badan Uji", name="Budi", nip="19700101"),
               legal_basis=["Peraturan Uji Nomor 1 Tahun 2025"],
               qualifications=["Memahami tata naskah dinas"], related=["SOP Uji Lain"],
               equipment=["Komputer"], warning="Berkas tertunda jika SOP tidak dilaksanakan",
               records="Disimpan sebagai arsip elektronik")


def looping_sop(steps: int = 1000, lanes: int = 5) -> tuple[SOP, Branches]:
    """Every tenth row a check that sends the case back five rows with probability 0.2."""
    sop = _sop("SOP Besar")
    actors = [sop.actor(f"Pelaksana {k + 1}") for k in range(lanes)]
    branches: Branches = {}
    for i in range(1, steps + 1):
        by = actors[i % lanes]
        if i % 10 == 0:
            after = f"s{i + 1}" if i < steps else END
            sop.decision(f"Apakah hasil bagian {i} sudah sesuai?", id=f"s{i}",
                         by=by, yes=after, no=f"s{i - 5}", time="5 - 10 menit",
                         inputs=["Berkas"], output="Hasil pemeriksaan")
            branches[f"s{i}"] = {"Ya": 0.8, "Tidak": 0.2}
        else:
            sop.step(f"Memproses bagian {i}", id=f"s{i}", by=by, time="10 - 30 menit",
                     inputs=["Berkas"], output="Hasil")
    return sop, branches


def core_sop(n: int) -> SOP:
    """n steps in six lanes; every tenth a decision that loops back five rows on "Tidak"."""
    sop = _sop("Generated")
    actors = [sop.actor(f"Pelaksana {k}") for k in range(6)]
    for i in range(1, n + 1):
        kw: dict[str, Any] = dict(by=actors[i % 6], inputs=["Berkas"], time=f"{5 + i % 7} menit",
                                  output="Hasil")
        if i % 10 == 0:
            sop.decision(f"Apakah langkah {i} sudah sesuai?",
                         yes=NEXT if i < n else END, no=f"s{i - 5}", **kw)
        else:
            sop.step(f"Memproses langkah {i}", **kw)
    return sop


def render_sop(steps: int = 300, lanes: int = 6, decisions: int = 30) -> SOP:
    """A long SOP: lanes taken in turn, every tenth step a decision whose "Tidak" loops back
    up three rows (so loops and lane changes cross page breaks)."""
    sop = _sop("SOP Uji Kecepatan")
    actors = [sop.actor(f"Pelaksana {k + 1}") for k in range(lanes)]
    every = steps // decisions
    for i in range(steps):
        kwargs: dict[str, Any] = dict(inputs=["Berkas permohonan", "Formulir"], time="15 menit",
                                      output="Berkas yang sudah diproses", id=f"s{i + 1}")
        lane = actors[(i * 5 // 3) % lanes]
        if i % every == every - 1 and i >= 3:
            sop.decision(f"Apakah berkas nomor {i + 1} sudah lengkap?", by=lane,
                         yes=NEXT if i + 1 < steps else END, no=f"s{i - 2}",
                         **kwargs)
        else:
            sop.step(f"Memproses berkas permohonan pada langkah nomor {i + 1}", by=lane,
                     **kwargs)
    return sop


def swimlane_sop() -> SOP:
    """60 rows in six lanes, a decision every tenth row looping back three rows: the size
    the swimlane view is timed at (bench_swimlane.py)."""
    return render_sop(steps=60, lanes=6, decisions=6)
