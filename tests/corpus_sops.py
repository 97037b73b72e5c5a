"""Four real, signed SOP AP documents of BPS Provinsi Bengkulu, written by hand in the DSL.

Sources: ``shared/corpus/bps-NNN.pdf`` (the authoritative originals, from the public
repository ocidserver/openSOP, ``backend/static/sop/documents/``), their flowchart pages
``bps-NNN-page-K.png`` and the hand transcriptions ``bps-NNN.json``. Each function reads like
the paper table: identity page first, then the lanes left to right, then the rows top to
bottom with their Mutu Baku. Texts keep the printed spelling (mistakes included).

Step ids are the DSL defaults, ``s<row>``, so ``"s5"`` is row 5 of the printed table.
The comment at the top of each function lists every interpretation made while encoding it;
``tests/test_corpus.py`` checks these definitions against the JSON transcriptions and pins
the validator's findings on them.
"""

from __future__ import annotations

from datetime import date

from sopflow import END, SOP, START, Signatory

__all__ = ["all_corpus", "bps_040", "bps_050", "bps_052", "bps_346"]

#: The signatory of all four documents (printed slightly differently in each).
_KEPALA = "Kepala BPS Provinsi Bengkulu"

#: Dasar Hukum shared word for word by bps-050 and bps-052 (the IT team's SOPs).
_DASAR_HUKUM_TIM_TI = (
    "Undang-Undang Nomor 16 Tahun 1997 Tentang Statistik;",
    "Undang-Undang Nomor 43 Tahun 2009 tentang Kearsipan;",
    "Peraturan Pemerintah Nomor 51 Tahun 1999 tentang Penyelengaraan Statistik;",
    "Peraturan Pemerintah Nomor 28 Tahun 2012 tentang Peraturan Pelaksanaan Undang-Undang "
    "Nomor 43 Tahun 2009 tentang Kearsipan;",
    "Peraturan Presiden Republik Indonesia Nomor 86 Tahun 2007 tentang Badan Pusat Statistik;",
    "Peraturan Menteri Pendayagunaan Aparatur Negara dan Reformasi Birokrasi Nomor 5 Tahun 2024 "
    "tentang Perubahan atas Peraturan Menteri Pendayagunaan Aparatur Negara dan Reformasi "
    "Birokrasi Nomor 90 Tahun 2021 tentang Pembangunan dan Evaluasi Zona Integritas Menuju "
    "Wilayah Bebas dari Korupsi dan Wilayah Birokrasi Bersih dan Melayani di Instansi "
    "Pemerintah;",
    "Peraturan Badan Pusat Statistik Nomor 1 Tahun 2023 tentang Pedoman Tata Naskah Dinas Badan "
    "Pusat Statistik;",
    "Peraturan Badan Pusat Statistik Nomor 1 Tahun 2024 tentang Penyelenggaraan Kearsipan;",
    "Peraturan Badan Pusat Statistik Nomor 5 Tahun 2023 tentang Organisasi dan Tata Kerja Badan "
    "Pusat Statistik Provinsi dan Badan Pusat Statistik Kabupaten/Kota ;",
    "Peraturan Kepala Badan Pusat Statistik Nomor 19 Tahun 2013 Tentang Pedoman Penyusunan "
    "Standar Operasional Prosedur Administrasi Pemerintah di Lingkungan Badan Pusat Statistik.",
)


def bps_040() -> SOP:
    """SOP-040/17000/2025 "Monitoring Penjaminan Kualitas Provinsi Bengkulu"."""
    # Source: shared/corpus/bps-040.pdf (openSOP: backend/static/sop/documents/it/
    # "040. SOP Monitoring Penjaminan Kualitas 2025 signed.pdf"), flowchart on page 2.
    # Interpretations:
    # - Identity: the title is printed under "Judul SOP"; Keterkaitan is printed "-" and
    #   Pencatatan dan Pendataan blank, both encoded as empty. Tanggal Revisi is blank. The
    #   extra "Maksud dan tujuan" section below the identity grid has no field and is left out.
    # - Row 1: the unlabelled capsule in the Ketua Tim lane is read as the start capsule (not
    #   as Ketua Tim taking part), so row 1 is Tim Project's alone. Row 1 has two solid arrows
    #   out (to row 2 and straight down to row 3); a process has one exit, so only 1 -> 2 is
    #   kept. LEFT OUT: the arrow 1 -> 3.
    # - Row 2 has a dashed arrow to row 3 (monitoring) and a solid one to row 4 (skipping row
    #   3). The flow is kept as 2 -> 3: with one token, 2 -> 4 would leave row 3 reachable only
    #   through the dropped 1 -> 3 arrow; row 4 is still entered from row 5 "Belum Lengkap".
    #   LEFT OUT: the solid arrow 2 -> 4. The procedure really is two parallel tracks (Tim
    #   Terkait works, Tim Project monitors), which one-exit processes cannot express.
    # - Rows 3, 4, 5, 7 and 8 are drawn as rectangles but branch with labelled arrows: encoded
    #   as decisions with the printed labels. Unprinted labels are None keys (row 4's dashed
    #   monitoring arrow to row 5, row 7's arrow to row 8 which by analogy would be "Lengkap",
    #   row 8's arrow to row 9).
    # - Row 6 has one (dashed) outgoing arrow, to row 7: kept as the flow.
    # - Row 8 is a joint row (Tim Project + Tim Terkait rectangles). LEFT OUT: the dashed
    #   arrow inside the row from the Tim Terkait to the Tim Project rectangle, and the fact
    #   that row 4's "Tak Ada aksi koreksi" enters the Tim Terkait box while row 7 enters the
    #   Tim Project box (an exit targets a row, not a box).
    # - Row 9 is a joint row over all three lanes (a rectangle and two unlabelled diamonds,
    #   with arrows back and forth inside the row). It is encoded as ONE decision (it has
    #   diamonds) with the only arrow that leaves the row, unlabelled, to row 10: a decision
    #   with a single exit, as printed; validation must flag it (E006). LEFT OUT: the arrows
    #   inside the row.
    # - Row 10 is itself drawn as the end capsule: encoded as a step that flows to END.
    # - Waktu "Sesuai jadwal" and "Sepanjang tahun" are kept literally (free text).
    sop = SOP(
        "Monitoring Penjaminan Kualitas Provinsi Bengkulu",
        number="SOP-040/17000/2025",
        unit=(
            "BADAN PUSAT STATISTIK",
            "KEPALA BADAN PUSAT STATISTIK PROVINSI BENGKULU",
            "TIM METODOLOGI DAN ANALISIS STATISTIK",
        ),
        created=date(2025, 6, 2),
        revised=None,
        effective=date(2025, 6, 2),
        approved_by=Signatory(
            position=_KEPALA, name="Ir. Win Rizal M.E", nip="19660825 198802 1 001"
        ),
        legal_basis=[
            "Undang-Undang Nomor 16 Tahun 1997 tentang Statistik;",
            "Undang-Undang Nomor 43 Tahun 2009 tentang Kearsipan;",
            "Peraturan Pemerintah Nomor 51 Tahun 1999 tentang Penyelenggaraan Statistik;",
            "Peraturan Pemerintah Nomor 28 Tahun 2012 tentang Peraturan Pelaksanaan "
            "Undang-Undang Nomor 43 Tahun 2009 tentang Kerasipan;",
            "Peraturan Presiden Nomor 86 Tahun 2007 tentang Badan Pusat Statistik;",
            "Peraturan Menteri Pendayagunaan Aparatur Negara dan Reformasi Birokrasi Nomor 90 "
            "Tahun 2021 tentang Pembangunan dan Evaluasi Zona Integritas Menuju Wilayah Bebas "
            "dari Korupsi dan Wilayah Birokrasi Bersih dan Melayani di Instansi Pemerintah;",
            "Peraturan Badan Pusat Statistik Nomor 1 Tahun 2023 tentang Pedoman Tata Naskah "
            "Dinas Badan Pusat Statistik;",
            "Peraturan Badan Pusat Statistik Nomor 5 Tahun 2023 tentang Organisasi dan Tata "
            "Kerja Badan Pusat Statistik Provinsi dan Badan Pusat Statistik Kabupaten/Kota;",
            "Peraturan Badan Pusat Statistik Nomor 1 Tahun 2024 tentang Penyelenggaraan "
            "Kearsipan;",
            "Peraturan Kepala Badan Pusat Statistik Nomor 19 Tahun 2013 tentang Pedoman "
            "Penyusunan Standar Operasional Prosedur Administrasi Pemerintah di Lingkungan "
            "Badan Pusat Statistik.",
        ],
        qualifications=["Memahami alur penjaminan kualitas (Quality Gate)"],
        related=(),  # printed "-"
        equipment=["Panduan/Materi Quality Gate", "Internet", "Komputer/Laptop", "Printer"],
        warning=(
            "Jika penilaian ukuran kualitas terlewat/ melebih batas waktu dari jadwal yang "
            "telah ditentukan oleh BPS RI, maka akan mengurangi esensi dari akuntabilitas dari "
            "tahapan tersebut"
        ),
        records=(),  # printed empty
    )
    ketua = sop.actor("Ketua Tim Metodologi dan Analisis Statistik")
    project = sop.actor("Tim Project Penjaminan Kualitas (Admin QG Provinsi)")
    terkait = sop.actor("Tim Terkait (Operator QG setiap Tim)")

    sop.step(  # 1 (start capsule beside it, in the Ketua Tim lane)
        "Perencanaan dan menambahkan user system QG",
        by=project,
        inputs=["Panduan QG dari BPS RI"],
        time="2 minggu",
        output="Draft Tabel monitoring",
    )
    sop.step(  # 2
        "Pengisian Pelaksana Aksi Preventif dan Unggah Dokumen/Laporan Aksi Preventif",
        by=terkait,
        inputs=["Kegiatan statistik telah dimulai"],
        time="Sesuai jadwal",
        output="Data entri pelaksana aksi & laporan",
        note="Durasi aksi preventif ditentukan BPS RI",
    )
    sop.decision(  # 3 (a rectangle that branches)
        "Monitoring Pengisian Pelaksana Aksi Preventif dan Unggah Dokumen/Laporan Aksi "
        "Preventif",
        by=project,
        exits={"Belum Lengkap": "s2", "Lengkap": "s5"},
        inputs=["Data sudah dientri"],
        time="Sepanjang tahun",
        output="Screenshot hasil Monitoring QG",
    )
    sop.decision(  # 4 (a rectangle with three arrows out)
        "Melakukan Penilaian Ukuran Kualitas",
        by=terkait,
        exits={"Ada aksi koreksi": "s6", "Tak Ada aksi koreksi": "s8", None: "s5"},
        inputs=["Aksi preventif lengkap"],
        time="Sesuai jadwal",
        output="Data entri pelaksana aksi & laporan",
        note="Durasi penilaian ukuran kualitas ditentukan BPS RI",
    )
    sop.decision(  # 5 (a rectangle that branches)
        "Monitoring Penilaian Ukuran Kualitas",
        by=project,
        exits={"Belum Lengkap": "s4", "Lengkap": "s7"},
        inputs=["Data sudah dientri"],
        time="Sepanjang tahun",
        output="Screenshot hasil Monitoring QG",
    )
    sop.step(  # 6
        "Pengisian Pelaksana Aksi dan Unggah Dokumen Aksi Korektif",
        by=terkait,
        inputs=["Penilaian UK berwarna merah"],
        time="Sesuai jadwal",
        output="Data entri pelaksana aksi & laporan",
        note="Durasi aksi korektif ditentukan BPS RI",
    )
    sop.decision(  # 7 (a rectangle that branches; the arrow down carries no label)
        "Monitoring Pengisian Pelaksana Aksi dan Unggah Dokumen Aksi Korektif",
        by=project,
        exits={"Belum Lengkap": "s6", None: "s8"},
        inputs=["Data sudah dientri"],
        time="Sepanjang tahun",
        output="Screenshot hasil Monitoring QG",
    )
    sop.decision(  # 8 (joint row of two rectangles; the long loop back to row 2)
        "Monitoring Persetujuan Sign Off (Kepala Kantor)",
        by=[project, terkait],
        exits={"Terdapat Gate Lanjutan": "s2", None: "s9"},
        inputs=["Data sudah disetujui"],
        time="Sepanjang tahun",
        output="Screenshot hasil Monitoring QG",
    )
    sop.decision(  # 9 (joint row, two unlabelled diamonds, one arrow leaving the row)
        "Pembuatan Laporan Penjaminan Kualitas di masing-masing kegiatan oleh PJK",
        by=[ketua, project, terkait],
        exits={None: "s10"},
        inputs=["Seluruh aksi setiap gate sudah disetujui"],
        time="Sepanjang tahun",
        output="Laporan Penjaminan Kualias",
    )
    sop.step(  # 10 (drawn as the end capsule itself)
        "Unggah Laporan Penjaminan Kualitas",
        by=project,
        inputs=["Seluruh gate/tahapan telah selesai"],
        time="2 bulan",
        output="Screenshot hasil Monitoring QG",
        then=END,
    )
    return sop


def bps_050() -> SOP:
    """SOP-050/17000/2025 "Perbaikan PC/Perangkat Teknologi Informasi"."""
    # Source: shared/corpus/bps-050.pdf (openSOP: backend/static/sop/documents/it/
    # "050. SOP Perbaikan PC-Perangkat Teknologi Informasi signed.pdf"), flowchart on pages 2
    # and 3, joined by a pair of unlabelled off-page connectors in the Rekanan/Vendor lane
    # (a drawing matter: the flow 6 -> 7 is an ordinary exit here).
    # Interpretations:
    # - The Mutu Baku column headed "Input" is the Kelengkapan (inputs=). Peringatan is printed
    #   empty. A revised SOP: made 8 Januari 2021, revised 26 Mei 2025, effective 2 Juni 2025.
    # - Row 1 is a joint row: the start capsule in the Pegawai lane (Pegawai's part of the
    #   step), then rectangles in Admin/ PJK TI and Teknisi. Lanes are listed in flow order.
    # - Row 2 holds TWO stacked, empty diamonds in one row: one decision with the three printed
    #   exits that leave the row ("Ada garansi" and "Rusak Berat" both to row 5, "Rusak
    #   Ringan" to row 3). LEFT OUT: the "Tidak Ada" arrow between the two diamonds (inside
    #   the row).
    # - Row 3's arrow to row 4 is labelled "Selesai", but a process has one unlabelled flow:
    #   LEFT OUT: that label.
    # - Row 4 is a joint row flowing right to left (Teknisi -> Admin/ PJK TI -> an end capsule
    #   in the Pegawai lane): the first end, encoded as the step flowing to END.
    # - Row 7: no arrow is drawn from row 7 to row 8 directly below it; the flow 7 -> 8 is
    #   implied by position and encoded as the default next row.
    # - Row 10 (ambiguous end): the Pegawai part is a tall capsule entered from row 9, from
    #   which an arrow labelled "Laporan pekerjaan selesai" goes to a Teknisi rectangle with
    #   no way out. Read as one joint row (Pegawai, Teknisi) that ends the procedure: the
    #   second end. LEFT OUT: the label "Laporan pekerjaan selesai" (an arrow inside the row).
    sop = SOP(
        "Perbaikan PC/Perangkat Teknologi Informasi",
        number="SOP-050/17000/2025",
        unit=(
            "BADAN PUSAT STATISTIK",
            "PROVINSI BENGKULU",
            "TIM TEKNOLOGI INFORMASI DAN PENGEMBANGAN INOVASI",
        ),
        created=date(2021, 1, 8),
        revised=date(2025, 5, 26),
        effective=date(2025, 6, 2),
        approved_by=Signatory(
            position=_KEPALA, name="Ir. Win Rizal, M.E.", nip="19660825 198802 1 001"
        ),
        legal_basis=_DASAR_HUKUM_TIM_TI,
        qualifications=[
            "Pendidikan minimal D3 dan memahami peralatan komputer dan pendukungnya serta "
            "memahami troubleshooting perbaikan PC/Hardware",
            "Mampu mengerjakan tugas sebagai Junior Technical Support",
        ],
        related=["Permintaan Perbaikan Kerusakan PC/Hardware"],
        equipment=["Komputer", "Laptop", "Printer", "UPS"],
        warning="",  # printed empty
        records=["IP Address, Nama PC, Nama Group Jaringan"],
    )
    pegawai = sop.actor("Pegawai")
    admin = sop.actor("Admin/ PJK TI")
    teknisi = sop.actor("Teknisi")
    vendor = sop.actor("Rekanan/Vendor")

    sop.step(  # 1 (start capsule in the Pegawai lane, then Admin, then Teknisi)
        "Pengajuan tiket permohonan melalui https://bengkulu.web.bps.go.id/halocik/",
        by=[pegawai, admin, teknisi],
        inputs=["Informasi kerusakan dan memeriksa status garansi"],
        time="20 menit",
        output="Informasi Garansi",
    )
    sop.decision(  # 2 (two stacked diamonds)
        "Pemeriksaan kerusakan",
        by=teknisi,
        exits={"Ada garansi": "s5", "Rusak Berat": "s5", "Rusak Ringan": "s3"},
        inputs=["Pemeriksaan Kerusakan"],
        time="30 menit",
        output="Diagnosa kerusakan",
    )
    sop.step(  # 3 (its arrow down is labelled "Selesai")
        "Perbaikan Kerusakan Ringan yang mampu diselesaikan",
        by=teknisi,
        inputs=["Proses perbaikan ringan"],
        time="1-2 jam",
        output="PC/Peralatan TI diperbaiki",
    )
    sop.step(  # 4 (right to left, into the first end capsule)
        "Pekerjaan selesai",
        by=[teknisi, admin, pegawai],
        inputs=["Perangkat telah diperbaiki"],
        time="5-10 menit",
        output="Perangkat siap digunakan",
        then=END,
    )
    sop.step(  # 5 (entered only from row 2)
        "Identifikasi dan rekomendasi perbaikan",
        by=teknisi,
        inputs=["Identifikasi kerusakan"],
        time="30 menit",
        output="Rekomendasi perbaikan",
    )
    sop.step(  # 6 (off to page 3 through a blank connector in the Rekanan/Vendor lane)
        "Pengiriman PC",
        by=pegawai,
        inputs=["Rekomendasi perbaikan"],
        time="60 menit",
        output="Tanda terima service",
    )
    sop.step(  # 7 (first row of page 3; no arrow drawn down to row 8)
        "Back Up data/perbaikan Peralatan TI",
        by=vendor,
        inputs=["Proses backup dan Perbaikan"],
        time="1-2 hari",
        output="PC/Peralatan TI dalam proses perbaikan",
    )
    sop.decision(  # 8
        "Testing Perbaikan",
        by=vendor,
        exits={"Belum Benar": "s7", "Sudah Benar": "s9"},
        inputs=["Mengecek PC/Peralatan TI yang telah diperbaiki"],
        time="30 menit",
        output="PC/Peralatan TI yang sudah diperbaiki",
    )
    sop.step(  # 9
        "Mengambil PC & meminta nota Pembayaran",
        by=pegawai,
        inputs=[
            "Menyerahkan nota perbaikan, mengambil pc/Peralatan TI dan meminta nota pembayaran"
        ],
        time="30 menit",
        output="PC/Peralatan TI yang sudah baik dan nota pembayaran",
    )
    sop.step(  # 10 (a tall capsule in the Pegawai lane, then a Teknisi rectangle)
        "Konfirmasi ke Tim TIP & menyampaikan nota ke Bagian Umum",
        by=[pegawai, teknisi],
        inputs=[
            "Konfirmasi hasil perbaikan ke Tim TIP serta menyerahkan Nota Pembayaran ke Bagian "
            "Umum untuk PC non Garansi"
        ],
        time="20 menit",
        output="PC/Peralatan TI siap digunakan",
        then=END,
    )
    return sop


def bps_052() -> SOP:
    """SOP-052/17000/2025 "Permintaan Instalasi Perangkat Lunak"."""
    # Source: shared/corpus/bps-052.pdf (openSOP: backend/static/sop/documents/it/
    # "052. SOP Permintaan Instalasi Perangkat Lunak signed.pdf"), flowchart on page 2.
    # Interpretations:
    # - The Mutu Baku column headed "Input" is the Kelengkapan (inputs=). Peringatan is printed
    #   empty; Keterangan is empty in every row.
    # - Row 1 is a joint row: the start capsule in the Pegawai lane (Pegawai's part of the
    #   step) and a tall rectangle in Admin/ PJK TI. The URL, printed broken over two lines,
    #   is written in one piece.
    # - Row 3 "Belum Sesuai" runs into the bottom of the start capsule: a loop to START.
    # - Row 5's arrow back to row 4 has no printed label (by analogy "Belum sesuai"): a None
    #   key. Its "Sudah sesuai" arrow to row 6 is drawn dotted: an ordinary exit here.
    # - Row 6 is a joint row flowing right to left (Teknisi -> Admin/ PJK TI -> Pegawai) and
    #   NO end capsule is drawn anywhere: the last step has then=None; validation must report
    #   the missing end (E002).
    sop = SOP(
        "Permintaan Instalasi Perangkat Lunak",
        number="SOP-052/17000/2025",
        unit=(
            "BADAN PUSAT STATISTIK",
            "PROVINSI BENGKULU",
            "TIM TEKNOLOGI INFORMASI DAN PENGEMBANGAN INOVASI",
        ),
        created=date(2021, 1, 8),
        revised=date(2025, 5, 26),
        effective=date(2025, 6, 2),
        approved_by=Signatory(
            position=_KEPALA, name="Ir. Win Rizal, M.E.", nip="19660825 198802 1 001"
        ),
        legal_basis=_DASAR_HUKUM_TIM_TI,
        qualifications=[
            "Pendidikan minimal SLTA, D3 Non Komputer & S1 Non Komputer yang menguasai "
            "kemampuan Teknisi Dukungan Muda (Junior Technichal Support)",
            "D3 atau S1 Komputer",
        ],
        related=["Internal BPS Provinsi Bengkulu"],
        equipment=["PC/Laptop", "Software", "Jaringan Internet"],
        warning="",  # printed empty
        records=["PC Pegawai"],
    )
    pegawai = sop.actor("Pegawai")
    admin = sop.actor("Admin/ PJK TI")
    teknisi = sop.actor("Teknisi")

    sop.step(  # 1 (start capsule in the Pegawai lane, then the Admin rectangle)
        "Pengajuan tiket permohonan melalui https://bengkulu.web.bps.go.id/halocik/",
        by=[pegawai, admin],
        inputs=["Nota Dinas Kebutuhan Instalasi yang ditandatangani minimal Ketua Tim"],
        time="5 menit",
        output="Dokumen Perintah Kerja",
    )
    sop.step(  # 2
        "Menerima alokasi tugas",
        by=teknisi,
        inputs=["Approval tiket oleh teknisi"],
        time="5 menit",
        output="Ditindaklanjuti",
    )
    sop.decision(  # 3 ("Belum Sesuai" back into the start capsule)
        "Mengecek Ketersediaan Perangkat lunak di Repositori dan Mengecek Spesifikasi PC",
        by=teknisi,
        exits={"Belum Sesuai": START, "Sudah sesuai": "s4"},
        inputs=["Ketersediaan Perangkat lunak"],
        time="5-10 menit",
        output="Perangkat lunak yang akan dipasang",
    )
    sop.step(  # 4
        "Proses Instalasi",
        by=teknisi,
        inputs=["Proses Instalasi"],
        time="20-30 menit",
        output="Perangkat lunak Terpasang",
    )
    sop.decision(  # 5 (the retry arrow back to row 4 carries no label)
        "Uji coba Hasil Instalasi",
        by=teknisi,
        exits={None: "s4", "Sudah sesuai": "s6"},
        inputs=["Perangkat lunak terinstall"],
        time="20 menit",
        output="Perangkat lunak terpasang dengan benar",
    )
    sop.step(  # 6 (right to left; no end capsule is drawn)
        "Proses instalasi selesai",
        by=[teknisi, admin, pegawai],
        inputs=["Perangkat lunak terpasang dengan benar"],
        time="30 menit",
        output=(
            "PC telah terpasang perangkat lunak yang diinginkan/ Dokumen Perintah Kerja sudah "
            "ditandatangi pemohon"
        ),
        then=None,
    )
    return sop


def bps_346() -> SOP:
    """SOP-1-101/17000/2025 "Layanan Produk Statistik Berbayar" (file no. 346)."""
    # Source: shared/corpus/bps-346.pdf (openSOP: backend/static/sop/documents/statistics/
    # "346. SOP PRODUK STATISTIK BERBAYAR  2025 signed.pdf"), flowchart on page 2. The
    # printed number SOP-1-101/17000/2025 differs from the file number 346.
    # Interpretations:
    # - The effective date is printed as "Tanggal Pengesahan" (25 Februari 2025): effective=.
    #   Tanggal Revisi and Pencatatan dan Pendataan are printed empty. The NIP is printed
    #   without spaces ("NIP 196608251988021001").
    # - Row 1 is itself the start capsule and row 8 itself the end capsule: both encoded as
    #   ordinary steps (row 1 with its empty Mutu Baku), row 8 flowing to END.
    # - Row 2's exits are printed "Ya" and "tidak" (lower case): kept as printed, in exits=.
    #   Its text says "Jika ia" where the arrow says "Ya"; kept. "Ya" skips rows 3 and 4.
    # - Rows 5 and 7 name an actor in the text (Pengguna layanan, Petugas layanan) but are drawn
    #   in the Aplikasi Pelayanan lane: encoded in the lane where the symbol is drawn.
    # - The "Jika ..., maka ..." branches stay inside the Kegiatan text, as printed; the exits
    #   carry the printed arrow labels.
    # - Waktu "10   hari kerja" is printed justified: written with one space.
    sop = SOP(
        "Layanan Produk Statistik Berbayar",
        number="SOP-1-101/17000/2025",
        unit=("BADAN PUSAT STATISTIK", "PROVINSI BENGKULU", "TIM DISEMINASI STATISTIK"),
        created=date(2025, 2, 24),
        revised=None,
        effective=date(2025, 2, 25),  # printed as "Tanggal Pengesahan"
        approved_by=Signatory(
            position=_KEPALA, name="Ir. Win Rizal, M.E.", nip="196608251988021001"
        ),
        legal_basis=[
            "Undang-Undang Nomor 16 Tahun 1997 tentang Statistik;",
            "Undang-Undang Nomor 20 Tahun 2023 tentang Aparatur Sipil Negara;",
            "Peraturan Pemerintah Nomor 51 Tahun 1999 tentang Penyelenggaraan Statistik;",
            "Peraturan Presiden Nomor 86 Tahun 2007 tentang Badan Pusat Statistik",
            "Peraturan Badan Pusat Statistik Nomor 7 Tahun 2020 tentang Organisasi dan Tata "
            "Kerja Badan Pusat Statistik;",
            "Peraturan Badan Pusat Statistik Nomor 5 Tahun 2023 tentang Organisasi dan Tata "
            "Kerja Badan Pusat Statistik Provinsi dan Badan Pusat Statistik Kabupaten/Kota.",
        ],
        qualifications=[
            "Memiliki pengalaman bekerja minimal 2 tahun.",
            "Memahami tugas pokok dan prosedur pelayanan.",
            "Pendidikan serendah-rendahnya SMA sederajat.",
        ],
        related=["Seluruh SOP dilingkungan BPS Provinsi Bengkulu"],
        equipment=["Komputer Lengkap", "Alat Tulis Kantor", "Jaringan Internet"],
        warning=(
            "Hambatan dapat saja terjadi :\n"
            "1. Jika SOP ini tidak dilaksanakan berdampak pada inefisiensi pelaksanaan tugas.\n"
            "2. Jika SOP ini dilaksanakan berdampak pada efisiensi dan efektivitas pelaksanaan "
            "kegiatan"
        ),
        records=(),  # printed empty
    )
    pengguna = sop.actor("Pengguna Layanan")
    resepsionis = sop.actor("Resepsionis")
    petugas = sop.actor("Petugas Layanan")
    aplikasi = sop.actor("Aplikasi Pelayanan")

    sop.step(  # 1 (the start capsule itself)
        "Pengguna layanan membutuhkan layanan produk statistik berbayar",
        by=pengguna,
    )
    sop.decision(  # 2 ("Ya" skips rows 3 and 4)
        "Pengguna layanan menentukan media layanan yang akan digunakan, apakah layanan online "
        "atau tidak\n"
        "Jika ia, maka pengguna layanan mengakses aplikasi layanan\n"
        "Jika tidak, maka pengguna layanan datang langsung ke PST BPS Provinsi Bengkulu, "
        "menemui resepsionis",
        by=pengguna,
        exits={"Ya": "s5", "tidak": "s3"},
        time="10 menit",
        note=(
            "Aplikasi layanan yang digunakan adalah https://pst.bps.go.id/ menu produk "
            "statistik berbayar, pengguna layanan perlu melakukan registrasi\n"
            "Waktu layanan : Senin-Kamis (08.00-15.30 WIB), Jumat (08.00-16.00 WIB) tanpa "
            "jeda istirahat. Untuk layanan diluar jam/hari kerja, tetap dilayani dengan "
            "membuat janji terlebih dahulu minimal 1 jam/hari sebelumnya"
        ),
    )
    sop.step(  # 3
        "Resepsionis mengarahkan pengguna layanan untuk registrasi dan memberikan nomor "
        "antrian",
        by=resepsionis,
        inputs=["Biodata, email"],
        time="10 menit",
        note="Registrasi dilakukan melalui buku tamu PST online",
    )
    sop.step(  # 4
        "Petugas layanan menjelaskan ketentuan jenis dan tarif PNBP serta dokumen yang "
        "diperlukan",
        by=petugas,
        time="1 jam",
        note="Petugas pelayanan akan mengarahkan agar transaksi dilakukan melalui aplikasi "
        "layanan",
    )
    sop.step(  # 5 (the text names the Pengguna layanan; drawn in the Aplikasi lane)
        "Pengguna layanan membuat transaksi",
        by=aplikasi,
        inputs=["Biodata, email"],
        time="3 hari",
        note="Maksimal waktu tunggu antrian 3 hari kerja sejak transaksi dibuat",
    )
    sop.step(  # 6
        "Pengguna layanan melengkapi persyaratan yang dibutuhkan",
        by=pengguna,
    )
    sop.decision(  # 7 (the text names the Petugas layanan; drawn in the Aplikasi lane)
        "Petugas layanan mengecek kelengkapan persyaratan.\n"
        "Jika belum lengkap, maka petugas layanan meminta pengguna layanan agar melengkapi "
        "ulang persyaratan\n"
        "Jika sudah lengkap, maka petugas layanan menyerahkan produk statistik yang diminta "
        "oleh pengguna layanan",
        by=aplikasi,
        exits={"Belum lengkap": "s6", "lengkap": "s8"},
        time="10 hari kerja",
        note="Produk statistik akan diserahkan maksimal 10 hari kerja saat seluruh "
        "kelengkapan dinyatakan lengkap oleh petugas layanan",
    )
    sop.step(  # 8 (the end capsule itself)
        "Pengguna layanan memberikan penilaian/rating dan umpan balik terhadap kualitas "
        "pelayanan dan menutup transaksi / percakapan",
        by=pengguna,
        inputs=["Aplikasi https://pst.bps.go.id/ atau aplikasi PSTpuas"],
        time="5 menit",
        output="Penilaian / rating",
        note="Untuk kunjungan langsung, petugas layanan menginput riwayat kunjungan di "
        "Silastik backend",
        then=END,
    )
    return sop


def all_corpus() -> dict[str, SOP]:
    """The four SOPs, keyed by their corpus file name ("bps-040", ...)."""
    return {
        "bps-040": bps_040(),
        "bps-050": bps_050(),
        "bps-052": bps_052(),
        "bps-346": bps_346(),
    }
