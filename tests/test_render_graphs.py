"""Hand-built compiled graphs (the schema of docs/graph-schema.md) for the render tests.

They let the layout be tested without the DSL, and cover shapes the DSL examples may not:
joint rows, forward skips, nested loops, several ends, a loop into the start capsule.
"""

from __future__ import annotations

from typing import Any

import networkx as nx


class _Waktu:
    def __init__(self, text: str) -> None:
        self.text = text


def build_graph(
    lanes: list[str],
    steps: list[dict[str, Any]],
    *,
    name: str = "Contoh SOP",
) -> nx.DiGraph[Any]:
    """Build a graph from step dicts: id, lanes, kind, text, exits [(label, target)].

    A process without ``exits`` flows to the next step (or to the end after the last).
    Targets: a step id, ``"@end"`` or ``"@start"``.
    """
    g: nx.DiGraph[Any] = nx.DiGraph(name=name, lanes=tuple(lanes), labels=None)
    rows = {s["id"]: i for i, s in enumerate(steps, start=1)}
    for i, s in enumerate(steps, start=1):
        g.add_node(
            s["id"],
            kind=s.get("kind", "process"),
            row=i,
            text=s.get("text", f"Melakukan kegiatan nomor {i}"),
            question=s.get("question"),
            lanes=tuple(s["lanes"]),
            lane=s["lanes"][0],
            inputs=tuple(s.get("inputs", ("Dokumen",))),
            waktu=_Waktu(s.get("waktu", "1 hari kerja")),
            output=s.get("output", "Dokumen hasil"),
            note=s.get("note", ""),
            location=None,
        )
    first = steps[0]
    g.add_node("start", kind="start", row=1, text="Mulai", lanes=tuple(first["lanes"]),
               lane=first["lanes"][0])
    g.add_edge("start", first["id"], label=None, order=0, kind="flow", back=False)
    for i, s in enumerate(steps, start=1):
        exits = s.get("exits")
        if exits is None:
            exits = [(None, steps[i]["id"] if i < len(steps) else "@end")]
        for order, (label, target) in enumerate(exits):
            if target == "@end":
                t = f"end:{s['id']}"
                g.add_node(t, kind="end", row=i, text="Selesai", lanes=(s["lanes"][0],),
                           lane=s["lanes"][0])
                back = False
            elif target == "@start":
                t = "start"
                back = True
            else:
                t = target
                back = rows[t] <= i
            g.add_edge(s["id"], t, label=label, order=order,
                       kind="exit" if s.get("kind") == "decision" else "flow", back=back)
    return g


def reference_graph() -> nx.DiGraph[Any]:
    """The reference page's SOP (Pengumpulan Data Kinerja): joint row, loop, lane changes."""
    lanes = ["Tim Kerja", "Tim Sakip", "Tim Perencanaan, Penganggaran dan Pemantauan Evaluasi",
             "Kepala"]
    return build_graph(lanes, [
        {"id": "s1", "lanes": ["Tim Kerja"],
         "text": "Menyusun laporan data kinerja triwulanan per tim dalam tim/bagian"},
        {"id": "s2", "lanes": ["Tim Kerja"], "kind": "decision",
         "text": "Melakukan reviu bersama laporan data kinerja triwulan per tim dalam "
                 "tim/bagian (jika terdapat revisi perbaikan, maka dikerjakan kembali oleh tim "
                 "ybs)", "exits": [("Ya", "s3"), ("Tidak", "s1")]},
        {"id": "s3", "lanes": ["Tim Kerja"],
         "text": "Mengompilasi laporan data kinerja triwulan Tim/Bagian menjadi laporan"},
        {"id": "s4", "lanes": ["Tim Sakip"],
         "text": "Memverifikasi dan menyetujui laporan data kinerja triwulan tim/bagian"},
        {"id": "s5", "lanes": ["Tim Perencanaan, Penganggaran dan Pemantauan Evaluasi"],
         "text": "Mengompilasi laporan data kinerja triwulan menjadi draft laporan"},
        {"id": "s6", "lanes": ["Kepala"],
         "text": "Menyampaikan draft laporan data kinerja triwulan ke kepala BPS Provinsi"},
        {"id": "s7", "lanes": ["Kepala", "Tim Kerja", "Tim Sakip",
                               "Tim Perencanaan, Penganggaran dan Pemantauan Evaluasi"],
         "text": "Melakukan rapat koordinasi dan evaluasi terintegrasi seluruh tim/bagian "
                 "dalam rangka membahas laporan data kinerja triwulan"},
        {"id": "s8", "lanes": ["Tim Kerja"],
         "text": "Melakukan reviu atas Form Rencana Aksi (FRA) tim/bagian berdasarkan hasil "
                 "pembahasan rapat"},
        {"id": "s9", "lanes": ["Tim Perencanaan, Penganggaran dan Pemantauan Evaluasi"],
         "text": "Mengompilasi laporan data kinerja/FRA final satker dan melaporkan kepada "
                 "eselon II (Kepala)", "inputs": ["Realisasi target", "Dokumen Sumber", "FRA"]},
    ])


def decisions_graph() -> nx.DiGraph[Any]:
    """Correction branches and merges as on the reference page with two decisions."""
    lanes = ["Tim Layanan Gudang", "Tim Laporan Persediaan (Operator)",
             "Tim Laporan Persediaan (Approver)"]
    op, ap = lanes[1], lanes[2]
    return build_graph(lanes, [
        {"id": "a", "lanes": [op], "text": "Menginput data transaksi persediaan rusak/usang"},
        {"id": "b", "lanes": [ap], "kind": "decision",
         "text": "Memverifikasi data transaksi persediaan rusak/usang",
         "exits": [("Ya", "d"), ("Tidak", "c")]},
        {"id": "c", "lanes": [op], "text": "Melakukan perbaikan inputan data transaksi",
         "exits": [(None, "d")]},
        {"id": "d", "lanes": [ap], "text": "Menyetujui data transaksi persediaan"},
        {"id": "e", "lanes": [op], "text": "Menginput data transaksi opname fisik"},
        {"id": "f", "lanes": [ap], "kind": "decision", "text": "Memverifikasi data opname",
         "exits": [("Ya", "h"), ("Tidak", "g")]},
        {"id": "g", "lanes": [op], "text": "Melakukan perbaikan inputan opname",
         "exits": [(None, "h")]},
        {"id": "h", "lanes": [ap], "text": "Menyetujui data transaksi opname fisik"},
    ])
