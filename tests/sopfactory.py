"""Small builders for tests: a valid identity, so each test shows only what it is about."""

from __future__ import annotations

from datetime import date
from typing import Any

from sopflow import SOP, Signatory


def identity(**overrides: Any) -> dict[str, Any]:
    """Every identity field filled in, so identity rules stay quiet unless a test wants them."""
    fields: dict[str, Any] = dict(
        number="800/01/TEST",
        unit=("PEMERINTAH PROVINSI UJI", "BADAN UJI"),
        created=date(2025, 1, 20),
        effective=date(2025, 1, 20),
        approved_by=Signatory(position="Kepala Badan Uji", name="Budi", nip="1970"),
        legal_basis=["Peraturan Uji"],
        qualifications=["Teliti"],
        related=["SOP Lain"],
        equipment=["Komputer"],
        warning="Jika SOP tidak dilaksanakan maka pekerjaan terhambat.",
        records="Disimpan sebagai data elektronik",
    )
    fields.update(overrides)
    return fields


def new_sop(name: str = "SOP Uji", **overrides: Any) -> SOP:
    return SOP(name, **identity(**overrides))


def step_kwargs(**overrides: Any) -> dict[str, Any]:
    """Mutu Baku that no rule complains about."""
    fields: dict[str, Any] = dict(inputs=["Berkas"], time="15 menit", output="Surat")
    fields.update(overrides)
    return fields


# -- a generated catalogue: many SOP files in folders, with Keterkaitan between them ---------

UNITS = ("BAGIAN UMUM", "BIDANG STATISTIK SOSIAL", "BIDANG STATISTIK PRODUKSI",
         "BIDANG NERACA WILAYAH", "BIDANG IPDS")
TOPICS = ("Pengelolaan Arsip", "Pengadaan Barang", "Penyusunan Laporan Kinerja",
          "Pelayanan Data", "Pemeliharaan Kendaraan", "Survei Harga", "Rekrutmen Mitra",
          "Pengelolaan Website", "Pembayaran Honor", "Penyusunan Anggaran")
VERBS = ("Menerima", "Memeriksa", "Mencatat", "Menyusun", "Menyampaikan", "Mengarsipkan")


def catalogue_sop(k: int, count: int, *, steps: int = 8, lanes: int = 3,
                  seed: int = 0) -> SOP:
    """SOP number ``k`` of a generated catalogue of ``count``: a loop, a decision, lanes in
    turn, and Keterkaitan naming two other SOPs (by name, by Nomor, with a stray "SOP "
    prefix or other case) and one entry that names no SOP of the catalogue."""
    import random

    rng = random.Random(seed * 100_003 + k)
    name = f"{TOPICS[k % len(TOPICS)]} Nomor Urut {k}"
    other, third = (k + 1) % count, (k * 7 + 3) % count
    related = [f"SOP {catalogue_name(other)}".upper() if k % 2 else catalogue_name(other),
               f"Nomor {catalogue_number(third)}", "Peraturan yang tidak ada di katalog"]
    sop = new_sop(name, number=catalogue_number(k),
                  unit=("BADAN PUSAT STATISTIK", "PROVINSI UJI", UNITS[k % len(UNITS)]),
                  created=date(2023 + k % 3, 1 + k % 12, 1 + k % 28),
                  effective=date(2023 + k % 3, 1 + k % 12, 1 + k % 28),
                  related=related)
    actors = [sop.actor(f"Pelaksana {j + 1}") for j in range(lanes)]
    for i in range(steps):
        kwargs = step_kwargs(id=f"s{i + 1}", time=f"{rng.randint(5, 60)} menit")
        lane = actors[(i * 2 + k) % lanes]
        if i == steps // 2:
            sop.decision(f"Memeriksa kelengkapan berkas tahap {i + 1}", by=lane,
                         yes=f"s{i + 2}", no=f"s{i - 1}",
                         question="Apakah berkas sudah lengkap?", **kwargs)
        else:
            sop.step(f"{VERBS[(i + k) % len(VERBS)]} berkas tahap {i + 1}", by=lane, **kwargs)
    return sop


def catalogue_name(k: int) -> str:
    return f"{TOPICS[k % len(TOPICS)]} Nomor Urut {k}"


def catalogue_number(k: int) -> str:
    return f"{k:03d}/BPS-UJI/{2023 + k % 3}"


def write_catalogue(folder: Any, count: int, *, steps: int = 8, seed: int = 0) -> list[Any]:
    """Write ``count`` generated SOPs as JSON files in sub-folders per unit; their paths."""
    from pathlib import Path

    from sopflow.interchange.json_format import dumps

    root = Path(folder)
    paths = []
    for k in range(count):
        sop = catalogue_sop(k, count, steps=steps, seed=seed)
        sub = root / UNITS[k % len(UNITS)].lower().replace(" ", "-")
        sub.mkdir(parents=True, exist_ok=True)
        path = sub / f"sop-{k:03d}.json"
        path.write_text(dumps(sop.definition()), encoding="utf-8")
        paths.append(path)
    return paths
