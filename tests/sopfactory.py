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
