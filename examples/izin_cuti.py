"""SOP "Pelayanan Permohonan Izin Cuti Pegawai": a second, illustrative SOP.

Not a real signed SOP: an example written to show what the reference SOP does not have.

- a **loop back**: when the Kasubbag finds the request incomplete, it returns to the employee
  (row 2), who completes it and submits it again ("Tidak" at row 3 goes back up to row 2);
- a **correction branch**: when the draft letter has a mistake, the Kasubbag corrects it in
  a side step (row 6) that "Ya" skips, and both paths merge at the signing (row 7);
- a **joint activity**: the Kasubbag and the Kepala Bagian check the leave balance together
  (row 4), which validation notes (W103) because the guideline prefers one actor per step;
- an **early end**: a refused request ends the procedure at row 5 ("Tidak" -> Selesai).

Run it: ``python examples/izin_cuti.py`` prints the summary and the validation report;
``sopflow validate examples/izin_cuti.py`` does the same from the command line.
"""

from __future__ import annotations

from datetime import date

from sopflow import END, SOP, Signatory

sop = SOP(
    "Pelayanan Permohonan Izin Cuti Pegawai",
    number="800/15/Umum/2025",
    unit=("PEMERINTAH KABUPATEN CONTOH", "SEKRETARIAT DAERAH", "BAGIAN UMUM"),
    created=date(2025, 3, 3),
    effective=date(2025, 3, 10),
    approved_by=Signatory(position="Sekretaris Daerah Kabupaten Contoh", name="Nama Pejabat",
                          nip="197001011990031001"),
    legal_basis=[
        "Peraturan Pemerintah Nomor 11 Tahun 2017 tentang Manajemen Pegawai Negeri Sipil",
        "Peraturan Badan Kepegawaian Negara Nomor 24 Tahun 2017 tentang Tata Cara Pemberian "
        "Cuti Pegawai Negeri Sipil",
    ],
    qualifications=["Memahami ketentuan cuti pegawai", "Mampu mengoperasikan komputer"],
    related=["SOP Pengelolaan Data Kepegawaian"],
    equipment=["Formulir permohonan cuti", "Komputer", "Printer"],
    warning="Jika SOP tidak dilaksanakan, maka pemberian cuti tidak tertib dan hak cuti "
    "pegawai tidak tercatat dengan benar.",
    records="Disimpan sebagai data elektronik dan manual",
)

pegawai = sop.actor("Pegawai")
kasubbag = sop.actor("Kasubbag Kepegawaian")
kabag = sop.actor("Kepala Bagian Umum")

sop.step(
    "Mengisi formulir permohonan cuti",
    by=pegawai,
    inputs=["Formulir permohonan cuti"],
    time="10 menit",
    output="Formulir terisi",
)
sop.step(
    "Menyerahkan formulir dan berkas pendukung",
    id="serahkan",
    by=pegawai,
    inputs=["Formulir terisi", "Berkas pendukung"],
    time="10 menit",
    output="Berkas permohonan",
)
sop.decision(
    "Apakah berkas permohonan lengkap?",
    by=kasubbag,
    question="Lengkap?",
    exits={"Lengkap": "saldo", "Tidak Lengkap": "serahkan"},  # the loop back up to row 2
    inputs=["Berkas permohonan"],
    time="15 menit",
    output="Berkas lengkap",
)
sop.step(
    "Memeriksa sisa hak cuti pemohon",
    id="saldo",
    by=[kasubbag, kabag],  # a joint activity: both sign the check
    inputs=["Berkas lengkap", "Data cuti"],
    time="30 menit",
    output="Catatan sisa cuti",
)
sop.decision(
    "Apakah permohonan cuti disetujui?",
    by=kabag,
    yes="konsep",
    no=END,  # refused: the procedure ends here and the employee is told
    inputs=["Catatan sisa cuti"],
    time="1 hari kerja",
    output="Disposisi",
)
sop.step(
    "Menyusun konsep surat izin cuti",
    id="konsep",
    by=kasubbag,
    inputs=["Disposisi"],
    time="1 jam",
    output="Konsep surat izin cuti",
)
sop.decision(
    "Apakah konsep surat sudah benar?",
    by=kabag,
    yes="tandatangani",  # skips the correction row
    no="perbaiki",
    inputs=["Konsep surat izin cuti"],
    time="30 menit",
    output="Konsep diperiksa",
)
sop.step(
    "Memperbaiki konsep surat izin cuti",
    id="perbaiki",
    by=kasubbag,
    inputs=["Catatan perbaikan"],
    time="30 menit",
    output="Konsep surat izin cuti",
    then="tandatangani",  # the correction merges back into the main path
)
sop.step(
    "Menandatangani surat izin cuti",
    id="tandatangani",
    by=kabag,
    inputs=["Konsep surat izin cuti"],
    time="15 menit",
    output="Surat izin cuti",
)
sop.step(
    "Mencatat cuti dan menyampaikan surat izin cuti kepada pemohon",
    by=kasubbag,
    inputs=["Surat izin cuti"],
    time="15 menit",
    output="Surat izin cuti diterima",
)


if __name__ == "__main__":
    procedure = sop.compile()
    print(procedure.summary())
    print()
    print(procedure.report)
