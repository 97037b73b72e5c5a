"""SOP "Pengumpulan Data Kinerja" of the Sekretariat, BKD Provinsi Kalimantan Tengah.

Encoded from an OCR scan of the signed SOP (see ``docs/reference-sop.md``). The values are
kept as printed, including the ones validation rightly warns about ("2 menit" at step 3,
"120 hari" at step 7, a final output that is still a draft). Parts that the scan lost and
that we reconstructed are marked RECONSTRUCTED: the agency should check them against the
original.

Run it: ``python examples/pengumpulan_data_kinerja.py`` prints the procedure's summary and its
validation report.
"""

from __future__ import annotations

from datetime import date

from sopflow import SOP, Signatory

sop = SOP(
    "Pengumpulan Data Kinerja",
    number="800/06/Sekr.7/BKD",
    unit=(
        "PEMERINTAH PROVINSI KALIMANTAN TENGAH",
        "BADAN KEPEGAWAIAN DAERAH",
        "SEKRETARIAT",
    ),
    created=date(2025, 1, 20),
    revised=None,  # printed blank
    effective=date(2025, 1, 20),
    # Name and NIP are not legible in the scan.
    approved_by=Signatory(position="Kepala Badan Kepegawaian Daerah Provinsi Kalimantan Tengah"),
    legal_basis=[
        "Peraturan Presiden Nomor 29 Tahun 2014 tentang Sistem Akuntabilitas Kinerja Instansi "
        "Pemerintah",
        # RECONSTRUCTED: the number is lost in the scan; most likely Nomor 53 Tahun 2014.
        "Peraturan Menteri Pendayagunaan Aparatur Negara dan Reformasi Birokrasi Nomor 53 Tahun "
        "2014 tentang Petunjuk Teknis Perjanjian Kinerja, Pelaporan Kinerja dan Tata Cara Reviu "
        "atas Laporan Kinerja Instansi Pemerintah",
    ],
    qualifications=[
        "Memiliki kemampuan pengolahan data",
        # Item 2 is lost in the scan.
        "Mengetahui tugas dan fungsi dalam pembuatan laporan kinerja",
    ],
    related=[
        "SOP Penyusunan Laporan Tahunan",
        "SOP Penyusunan Laporan Kinerja SKPD",
    ],
    equipment=["Berkas Persyaratan", "Komputer dan perlengkapan lainnya"],
    warning=(
        "Jika SOP tidak dilaksanakan maka penyusunan Laporan Kinerja Perangkat Daerah tidak "
        "maksimal dan tidak tercapainya kinerja sesuai target yang ditetapkan."
    ),
    records="Disimpan sebagai data elektronik dan manual",
)

# Lanes (Pelaksana), left to right as printed.
sekretaris = sop.actor("Sekretaris")
# RECONSTRUCTED: OCR destroyed this lane's name ("ooPee").
kasubbag = sop.actor(
    "Kasubbag Perencanaan dan Pelaporan", note="reconstructed: illegible in the scan"
)
jf = sop.actor("JF Perencana")
koordinator = sop.actor("Koordinator Perencanaan dan Evaluasi")

sop.step(
    "Mengumpulkan data laporan kinerja triwulan kepada subbag/subbid, OPD dan instansi terkait",
    by=sekretaris,
    inputs=["Perjanjian Kinerja", "Rencana Aksi"],
    time="15 menit",
    output="Disposisi",
)
sop.step(
    "Merekap laporan kinerja triwulan",
    by=kasubbag,
    inputs=["Disposisi", "Perjanjian Kinerja", "Rencana Aksi"],
    time="30 menit",
    output="Lembar disposisi",
)
sop.step(
    "Mengolah data laporan kinerja triwulan",
    by=jf,
    inputs=["Disposisi", "Perjanjian Kinerja", "Rencana Aksi", "Laporan Progress"],
    time="2 menit",  # as printed; probably "2 jam" (validation flags it)
    output="Draft laporan kinerja",
)
sop.step(
    "Menyusun laporan kinerja triwulan",
    by=koordinator,
    inputs=["Perjanjian Kinerja", "Rencana Aksi", "Draft Laporan Kinerja"],
    time="30 menit",
    output="Draft laporan kinerja",
)
sop.step(
    "Mensosialisasikan laporan kinerja triwulan kepada pejabat terkait",
    by=koordinator,
    inputs=["Perjanjian Kinerja", "Rencana Aksi", "Draft Laporan Kinerja"],
    time="30 menit",
    output="Draft laporan kinerja",
)
sop.step(
    "Merekap laporan kinerja triwulan untuk menyusun laporan tahunan",
    by=kasubbag,
    inputs=["Catatan pembagian tugas"],
    time="2 hari",
    output="Disposisi",
)
# Row 7 is the decision row: the scan shows a diamond with "Ya" and "Tidak" in it.
# RECONSTRUCTED: the diamond's lane (JF Perencana) and its short question "Sesuai?".
# A plausible alternative reading has "Tidak" loop back up to step 6 (no="s6").
sop.decision(
    "Menyusun laporan kinerja tahunan",
    by=jf,
    question="Sesuai?",
    yes="final",  # skips step 8
    no="sosialisasi",  # present the report and collect corrections first
    inputs=["Data laporan kinerja triwulan"],
    time="120 hari",  # as printed (validation flags it as out of line)
    output="Lembar disposisi",
)
sop.step(
    "Mensosialisasikan laporan kinerja tahunan kepada pejabat terkait",
    id="sosialisasi",
    by=koordinator,
    inputs=["Hasil koreksi laporan kinerja triwulan"],
    time="60 menit",
    output="Draft laporan kinerja",
)
sop.step(
    "Menyusun laporan kinerja tahunan secara final",
    id="final",
    by=jf,
    inputs=["Laporan kinerja triwulan"],
    time="satu hari",
    output="Draft laporan kinerja",  # as printed: still a draft (validation flags it)
)


if __name__ == "__main__":
    procedure = sop.compile()
    print(procedure.summary())
    print()
    print(procedure.report)
