"""Jakarta's administrative areas, the province agencies reports route to, the JAKI categories and the CRM channels.

Names follow the spelling Jakarta uses in its own regulations (Kepgub/Pergub on kelurahan
boundaries), kept ASCII. The data is immutable so it can be shared freely between requests.
"""

from __future__ import annotations

from dataclasses import dataclass

PROVINCE_CODE = "DKI"


@dataclass(frozen=True)
class Kecamatan:
    name: str
    kelurahan: tuple[str, ...]


@dataclass(frozen=True)
class City:
    code: str
    name: str
    short: str
    kecamatan: tuple[Kecamatan, ...]


@dataclass(frozen=True)
class Dinas:
    code: str
    name: str
    has_suku_dinas: bool


@dataclass(frozen=True)
class Category:
    code: str
    name: str
    # None: the report goes to the kelurahan where it happened (PPSU and the lurah handle it).
    dinas: str | None
    weight: int


def _kec(name: str, *kelurahan: str) -> Kecamatan:
    return Kecamatan(name, tuple(kelurahan))


CITIES: tuple[City, ...] = (
    City(
        "JP",
        "Kota Administrasi Jakarta Pusat",
        "Jakarta Pusat",
        (
            _kec("Gambir", "Gambir", "Cideng", "Petojo Utara", "Petojo Selatan", "Kebon Kelapa", "Duri Pulo"),
            _kec("Sawah Besar", "Pasar Baru", "Karang Anyar", "Kartini", "Gunung Sahari Utara", "Mangga Dua Selatan"),
            _kec(
                "Kemayoran",
                "Kemayoran",
                "Kebon Kosong",
                "Harapan Mulya",
                "Serdang",
                "Gunung Sahari Selatan",
                "Cempaka Baru",
                "Sumur Batu",
                "Utan Panjang",
            ),
            _kec("Senen", "Senen", "Kwitang", "Kenari", "Paseban", "Kramat", "Bungur"),
            _kec("Cempaka Putih", "Cempaka Putih Timur", "Cempaka Putih Barat", "Rawasari"),
            _kec("Menteng", "Menteng", "Pegangsaan", "Cikini", "Gondangdia", "Kebon Sirih"),
            _kec(
                "Tanah Abang",
                "Gelora",
                "Bendungan Hilir",
                "Karet Tengsin",
                "Kebon Melati",
                "Petamburan",
                "Kebon Kacang",
                "Kampung Bali",
            ),
            _kec("Johar Baru", "Johar Baru", "Kampung Rawa", "Tanah Tinggi", "Galur"),
        ),
    ),
    City(
        "JU",
        "Kota Administrasi Jakarta Utara",
        "Jakarta Utara",
        (
            _kec("Penjaringan", "Penjaringan", "Pluit", "Pejagalan", "Kapuk Muara", "Kamal Muara"),
            _kec("Pademangan", "Pademangan Barat", "Pademangan Timur", "Ancol"),
            _kec(
                "Tanjung Priok",
                "Tanjung Priok",
                "Kebon Bawang",
                "Sungai Bambu",
                "Papanggo",
                "Warakas",
                "Sunter Agung",
                "Sunter Jaya",
            ),
            _kec(
                "Koja",
                "Koja",
                "Lagoa",
                "Rawa Badak Utara",
                "Rawa Badak Selatan",
                "Tugu Utara",
                "Tugu Selatan",
            ),
            _kec("Kelapa Gading", "Kelapa Gading Barat", "Kelapa Gading Timur", "Pegangsaan Dua"),
            _kec(
                "Cilincing",
                "Cilincing",
                "Semper Barat",
                "Semper Timur",
                "Sukapura",
                "Rorotan",
                "Kalibaru",
                "Marunda",
            ),
        ),
    ),
    City(
        "JB",
        "Kota Administrasi Jakarta Barat",
        "Jakarta Barat",
        (
            _kec(
                "Cengkareng",
                "Cengkareng Barat",
                "Cengkareng Timur",
                "Duri Kosambi",
                "Kapuk",
                "Kedaung Kali Angke",
                "Rawa Buaya",
            ),
            _kec(
                "Grogol Petamburan",
                "Grogol",
                "Jelambar",
                "Jelambar Baru",
                "Wijaya Kusuma",
                "Tanjung Duren Utara",
                "Tanjung Duren Selatan",
                "Tomang",
            ),
            _kec(
                "Taman Sari",
                "Taman Sari",
                "Glodok",
                "Keagungan",
                "Krukut",
                "Mangga Besar",
                "Maphar",
                "Pinangsia",
                "Tangki",
            ),
            _kec(
                "Tambora",
                "Tambora",
                "Angke",
                "Duri Selatan",
                "Duri Utara",
                "Jembatan Besi",
                "Jembatan Lima",
                "Kali Anyar",
                "Krendang",
                "Pekojan",
                "Roa Malaka",
                "Tanah Sereal",
            ),
            _kec(
                "Kebon Jeruk",
                "Kebon Jeruk",
                "Duri Kepa",
                "Kedoya Selatan",
                "Kedoya Utara",
                "Kelapa Dua",
                "Sukabumi Selatan",
                "Sukabumi Utara",
            ),
            _kec("Kalideres", "Kalideres", "Kamal", "Pegadungan", "Semanan", "Tegal Alur"),
            _kec(
                "Palmerah",
                "Palmerah",
                "Jatipulo",
                "Kemanggisan",
                "Kota Bambu Selatan",
                "Kota Bambu Utara",
                "Slipi",
            ),
            _kec(
                "Kembangan",
                "Kembangan Selatan",
                "Kembangan Utara",
                "Joglo",
                "Meruya Selatan",
                "Meruya Utara",
                "Srengseng",
            ),
        ),
    ),
    City(
        "JS",
        "Kota Administrasi Jakarta Selatan",
        "Jakarta Selatan",
        (
            _kec(
                "Kebayoran Baru",
                "Selong",
                "Gunung",
                "Kramat Pela",
                "Gandaria Utara",
                "Cipete Utara",
                "Pulo",
                "Melawai",
                "Petogogan",
                "Rawa Barat",
                "Senayan",
            ),
            _kec(
                "Kebayoran Lama",
                "Grogol Utara",
                "Grogol Selatan",
                "Cipulir",
                "Kebayoran Lama Selatan",
                "Kebayoran Lama Utara",
                "Pondok Pinang",
            ),
            _kec(
                "Pesanggrahan",
                "Bintaro",
                "Pesanggrahan",
                "Ulujami",
                "Petukangan Utara",
                "Petukangan Selatan",
            ),
            _kec(
                "Cilandak",
                "Cilandak Barat",
                "Lebak Bulus",
                "Pondok Labu",
                "Gandaria Selatan",
                "Cipete Selatan",
            ),
            _kec(
                "Pasar Minggu",
                "Pejaten Barat",
                "Pejaten Timur",
                "Pasar Minggu",
                "Kebagusan",
                "Jati Padang",
                "Ragunan",
                "Cilandak Timur",
            ),
            _kec(
                "Jagakarsa",
                "Jagakarsa",
                "Srengseng Sawah",
                "Ciganjur",
                "Lenteng Agung",
                "Tanjung Barat",
                "Cipedak",
            ),
            _kec(
                "Mampang Prapatan",
                "Mampang Prapatan",
                "Bangka",
                "Pela Mampang",
                "Tegal Parang",
                "Kuningan Barat",
            ),
            _kec("Pancoran", "Pancoran", "Kalibata", "Rawajati", "Duren Tiga", "Pengadegan", "Cikoko"),
            _kec(
                "Tebet",
                "Tebet Barat",
                "Tebet Timur",
                "Kebon Baru",
                "Bukit Duri",
                "Manggarai",
                "Manggarai Selatan",
                "Menteng Dalam",
            ),
            _kec(
                "Setiabudi",
                "Setiabudi",
                "Karet",
                "Karet Semanggi",
                "Karet Kuningan",
                "Kuningan Timur",
                "Menteng Atas",
                "Pasar Manggis",
                "Guntur",
            ),
        ),
    ),
    City(
        "JT",
        "Kota Administrasi Jakarta Timur",
        "Jakarta Timur",
        (
            _kec(
                "Matraman",
                "Pisangan Baru",
                "Utan Kayu Selatan",
                "Utan Kayu Utara",
                "Kayu Manis",
                "Pal Meriam",
                "Kebon Manggis",
            ),
            _kec(
                "Pulo Gadung",
                "Pulo Gadung",
                "Pisangan Timur",
                "Cipinang",
                "Jatinegara Kaum",
                "Jati",
                "Rawamangun",
                "Kayu Putih",
            ),
            _kec(
                "Jatinegara",
                "Kampung Melayu",
                "Bidara Cina",
                "Bali Mester",
                "Rawa Bunga",
                "Cipinang Cempedak",
                "Cipinang Muara",
                "Cipinang Besar Selatan",
                "Cipinang Besar Utara",
            ),
            _kec(
                "Duren Sawit",
                "Pondok Bambu",
                "Duren Sawit",
                "Pondok Kelapa",
                "Pondok Kopi",
                "Malaka Jaya",
                "Malaka Sari",
                "Klender",
            ),
            _kec(
                "Kramat Jati",
                "Kramat Jati",
                "Batu Ampar",
                "Bale Kambang",
                "Kampung Tengah",
                "Dukuh",
                "Cawang",
                "Cililitan",
            ),
            _kec(
                "Makasar",
                "Pinang Ranti",
                "Makasar",
                "Halim Perdana Kusuma",
                "Cipinang Melayu",
                "Kebon Pala",
            ),
            _kec("Pasar Rebo", "Pekayon", "Kalisari", "Baru", "Cijantung", "Gedong"),
            _kec("Ciracas", "Cibubur", "Kelapa Dua Wetan", "Ciracas", "Susukan", "Rambutan"),
            _kec(
                "Cipayung",
                "Cilangkap",
                "Pondok Ranggon",
                "Munjul",
                "Cipayung",
                "Setu",
                "Bambu Apus",
                "Lubang Buaya",
                "Ceger",
            ),
            _kec(
                "Cakung",
                "Cakung Barat",
                "Cakung Timur",
                "Rawa Terate",
                "Jatinegara",
                "Penggilingan",
                "Pulo Gebang",
                "Ujung Menteng",
            ),
        ),
    ),
    City(
        "KS",
        "Kabupaten Administrasi Kepulauan Seribu",
        "Kepulauan Seribu",
        (
            _kec("Kepulauan Seribu Utara", "Pulau Panggang", "Pulau Kelapa", "Pulau Harapan"),
            _kec("Kepulauan Seribu Selatan", "Pulau Tidung", "Pulau Pari", "Pulau Untung Jawa"),
        ),
    ),
)


DINAS: tuple[Dinas, ...] = (
    Dinas("DBM", "Dinas Bina Marga", True),
    Dinas("DSDA", "Dinas Sumber Daya Air", True),
    Dinas("DLH", "Dinas Lingkungan Hidup", True),
    Dinas("DISHUB", "Dinas Perhubungan", True),
    Dinas("SATPOLPP", "Satuan Polisi Pamong Praja", True),
    Dinas("DPHK", "Dinas Pertamanan dan Hutan Kota", True),
    Dinas("DPE", "Dinas Perindustrian dan Energi", True),
    Dinas("DCKTRP", "Dinas Cipta Karya, Tata Ruang dan Pertanahan", True),
    Dinas("DINKES", "Dinas Kesehatan", True),
    Dinas("DINSOS", "Dinas Sosial", True),
    Dinas("DISDIK", "Dinas Pendidikan", True),
    Dinas("DPPKUKM", "Dinas Perindustrian, Perdagangan, Koperasi, Usaha Kecil dan Menengah", True),
    Dinas("DPKP", "Dinas Penanggulangan Kebakaran dan Penyelamatan", True),
    Dinas("DUKCAPIL", "Dinas Kependudukan dan Pencatatan Sipil", True),
    # A province-level body: it coordinates disasters itself, with no per-city Suku Dinas.
    Dinas("BPBD", "Badan Penanggulangan Bencana Daerah", False),
)


def _cat(code: str, name: str, dinas: str | None, weight: int) -> Category:
    return Category(code, name, dinas, weight)


# Weights mirror the published CRM statistics: road damage, flooding, blocked drains,
# rubbish and illegal parking dominate; administrative topics are rare.
CATEGORIES: tuple[Category, ...] = (
    # Roads and pedestrian infrastructure
    _cat("jalan-rusak", "Jalan Rusak", "DBM", 100),
    _cat("jalan-berlubang", "Jalan Berlubang", "DBM", 70),
    _cat("trotoar-rusak", "Trotoar Rusak", "DBM", 30),
    _cat("jembatan-rusak", "Jembatan Rusak", "DBM", 8),
    _cat("jpo-rusak", "Jembatan Penyeberangan Orang (JPO) Rusak", "DBM", 6),
    _cat("tutup-saluran-rusak", "Tutup Saluran/Manhole Rusak", "DBM", 18),
    _cat("galian-utilitas", "Galian Utilitas Tidak Dirapikan", "DBM", 14),
    _cat("kabel-semrawut", "Kabel Udara Semrawut", "DBM", 16),
    _cat("tiang-miring", "Tiang Utilitas Miring/Roboh", "DBM", 7),
    _cat("jalan-lingkungan-rusak", "Jalan Lingkungan/Gang Rusak", None, 25),
    # Water, drainage and flooding
    _cat("banjir", "Banjir", "DSDA", 60),
    _cat("genangan", "Genangan Air", "DSDA", 55),
    _cat("saluran-tersumbat", "Saluran Air Tersumbat", "DSDA", 65),
    _cat("kali-kotor", "Kali/Sungai Kotor", "DSDA", 20),
    _cat("tanggul-jebol", "Tanggul Rusak/Jebol", "DSDA", 5),
    _cat("pompa-air-mati", "Pompa Air Tidak Berfungsi", "DSDA", 6),
    _cat("pintu-air", "Pintu Air Bermasalah", "DSDA", 3),
    _cat("sumur-resapan", "Sumur Resapan", "DSDA", 5),
    _cat("pengerukan-kali", "Permohonan Pengerukan Kali/Saluran", "DSDA", 9),
    _cat("saluran-lingkungan", "Saluran Lingkungan Mampet", None, 22),
    _cat("air-bersih", "Gangguan Air Bersih (PAM)", None, 12),
    # Environment and rubbish
    _cat("sampah", "Sampah", "DLH", 60),
    _cat("sampah-liar", "Pembuangan Sampah Liar", "DLH", 35),
    _cat("sampah-tidak-diangkut", "Sampah Tidak Diangkut", "DLH", 30),
    _cat("tps-penuh", "TPS Penuh/Meluber", "DLH", 14),
    _cat("sampah-di-kali", "Sampah di Kali", "DLH", 12),
    _cat("pembakaran-sampah", "Pembakaran Sampah", "DLH", 10),
    _cat("pencemaran-udara", "Pencemaran Udara", "DLH", 9),
    _cat("pencemaran-air", "Pencemaran Air/Limbah", "DLH", 8),
    _cat("bau-tidak-sedap", "Bau Tidak Sedap", "DLH", 7),
    _cat("kebisingan", "Kebisingan", "DLH", 6),
    _cat("limbah-b3", "Limbah B3", "DLH", 2),
    _cat("bangkai-hewan", "Bangkai Hewan", "DLH", 4),
    # Transport and parking
    _cat("parkir-liar", "Parkir Liar", "DISHUB", 50),
    _cat("juru-parkir-liar", "Juru Parkir Liar", "DISHUB", 15),
    _cat("kendaraan-terbengkalai", "Kendaraan Terbengkalai", "DISHUB", 8),
    _cat("lampu-lalu-lintas", "Lampu Lalu Lintas Mati", "DISHUB", 12),
    _cat("rambu-lalu-lintas", "Rambu Lalu Lintas Rusak/Hilang", "DISHUB", 9),
    _cat("marka-jalan", "Marka Jalan Pudar", "DISHUB", 6),
    _cat("kemacetan", "Kemacetan", "DISHUB", 14),
    _cat("angkutan-umum", "Angkutan Umum", "DISHUB", 8),
    _cat("ngetem-sembarangan", "Angkutan Umum Ngetem Sembarangan", "DISHUB", 9),
    _cat("transjakarta", "Layanan Transjakarta", "DISHUB", 6),
    _cat("halte-rusak", "Halte Rusak", "DISHUB", 5),
    _cat("ojek-online-mangkal", "Ojek Online Mangkal di Jalan", "DISHUB", 7),
    _cat("pelanggaran-lalu-lintas", "Pelanggaran Lalu Lintas", "DISHUB", 6),
    _cat("polisi-tidur", "Polisi Tidur/Speed Bump", "DISHUB", 5),
    _cat("kendaraan-over-dimensi", "Kendaraan Over Dimensi/Muatan", "DISHUB", 2),
    # Public order
    _cat("pedagang-kaki-lima", "Pedagang Kaki Lima", "SATPOLPP", 45),
    _cat("pkl-trotoar", "PKL Berjualan di Trotoar", "SATPOLPP", 20),
    _cat("bangunan-liar", "Bangunan Liar", "SATPOLPP", 14),
    _cat("reklame-liar", "Reklame/Spanduk Liar", "SATPOLPP", 10),
    _cat("gelandangan-pengemis", "Gelandangan dan Pengemis", "SATPOLPP", 12),
    _cat("manusia-gerobak", "Manusia Gerobak", "SATPOLPP", 4),
    _cat("pak-ogah", "Pak Ogah", "SATPOLPP", 5),
    _cat("tawuran", "Tawuran", "SATPOLPP", 6),
    _cat("premanisme", "Premanisme/Pungli", "SATPOLPP", 6),
    _cat("miras", "Peredaran Minuman Keras", "SATPOLPP", 3),
    _cat("tempat-hiburan", "Tempat Hiburan Malam Melanggar", "SATPOLPP", 3),
    _cat("balap-liar", "Balap Liar", "SATPOLPP", 4),
    _cat("gangguan-ketertiban", "Gangguan Ketenteraman dan Ketertiban Umum", "SATPOLPP", 12),
    _cat("pelanggaran-perda", "Pelanggaran Peraturan Daerah", "SATPOLPP", 4),
    _cat("hewan-liar", "Hewan Liar/Berkeliaran", "SATPOLPP", 3),
    # Parks, trees and cemeteries
    _cat("pohon-tumbang", "Pohon Tumbang", "DPHK", 20),
    _cat("pohon-rawan-tumbang", "Pohon Rawan Tumbang", "DPHK", 14),
    _cat("pemangkasan-pohon", "Permohonan Pemangkasan Pohon", "DPHK", 18),
    _cat("taman-rusak", "Taman Kota Rusak/Tidak Terawat", "DPHK", 8),
    _cat("jalur-hijau", "Jalur Hijau Tidak Terawat", "DPHK", 5),
    _cat("tpu", "Tempat Pemakaman Umum (TPU)", "DPHK", 4),
    _cat("rth", "Ruang Terbuka Hijau", "DPHK", 3),
    # Street lighting and energy
    _cat("lampu-pju-mati", "Lampu Penerangan Jalan Umum (PJU) Mati", "DPE", 40),
    _cat("lampu-pju-kurang", "Penerangan Jalan Kurang", "DPE", 10),
    _cat("tiang-pju-rusak", "Tiang PJU Rusak", "DPE", 6),
    _cat("lampu-taman-mati", "Lampu Taman Mati", "DPE", 4),
    _cat("instalasi-listrik", "Instalasi Listrik Berbahaya", "DPE", 4),
    _cat("penerangan-gang", "Penerangan Gang", None, 6),
    # Buildings and land use
    _cat("imb-pbg", "Bangunan Tanpa Izin (PBG)", "DCKTRP", 10),
    _cat("pelanggaran-tata-ruang", "Pelanggaran Tata Ruang", "DCKTRP", 5),
    _cat("bangunan-rawan-roboh", "Bangunan Rawan Roboh", "DCKTRP", 3),
    _cat("fasos-fasum", "Fasos Fasum", "DCKTRP", 4),
    _cat("aset-tanah-pemda", "Sengketa/Aset Tanah Pemda", "DCKTRP", 2),
    # Health
    _cat("dbd-fogging", "DBD/Permohonan Fogging", "DINKES", 9),
    _cat("puskesmas", "Pelayanan Puskesmas", "DINKES", 7),
    _cat("rumah-sakit", "Pelayanan Rumah Sakit", "DINKES", 6),
    _cat("ambulans", "Layanan Ambulans Gawat Darurat", "DINKES", 3),
    _cat("sanitasi", "Sanitasi Lingkungan", "DINKES", 3),
    _cat("keamanan-pangan", "Keamanan Pangan", "DINKES", 2),
    _cat("merokok", "Merokok di Kawasan Dilarang Merokok", "DINKES", 3),
    _cat("bpjs", "Jaminan Kesehatan (BPJS)", "DINKES", 4),
    # Social welfare
    _cat("odgj", "Orang dengan Gangguan Jiwa (ODGJ) Terlantar", "DINSOS", 6),
    _cat("orang-terlantar", "Orang Terlantar", "DINSOS", 5),
    _cat("anak-jalanan", "Anak Jalanan", "DINSOS", 4),
    _cat("bansos", "Bantuan Sosial", "DINSOS", 8),
    _cat("lansia-terlantar", "Lansia Terlantar", "DINSOS", 3),
    _cat("disabilitas", "Layanan Penyandang Disabilitas", "DINSOS", 2),
    _cat("kekerasan-anak", "Kekerasan terhadap Anak dan Perempuan", "DINSOS", 2),
    # Education
    _cat("kjp-plus", "KJP Plus", "DISDIK", 8),
    _cat("ppdb", "PPDB/SPMB", "DISDIK", 5),
    _cat("sekolah-rusak", "Gedung Sekolah Rusak", "DISDIK", 3),
    _cat("pungutan-sekolah", "Pungutan Liar di Sekolah", "DISDIK", 3),
    _cat("layanan-sekolah", "Pelayanan Sekolah", "DISDIK", 3),
    # Trade and markets
    _cat("pasar", "Pasar Tradisional", "DPPKUKM", 4),
    _cat("harga-bahan-pokok", "Harga Bahan Pokok", "DPPKUKM", 2),
    _cat("perizinan-usaha", "Perizinan Usaha", "DPPKUKM", 2),
    _cat("umkm", "Pembinaan UMKM", "DPPKUKM", 2),
    _cat("lokasi-binaan", "Lokasi Binaan PKL", "DPPKUKM", 2),
    # Fire and rescue
    _cat("kebakaran", "Kebakaran", "DPKP", 5),
    _cat("hidran-rusak", "Hidran Rusak", "DPKP", 3),
    _cat("evakuasi-hewan", "Evakuasi Hewan (Ular, Tawon)", "DPKP", 5),
    _cat("penyelamatan", "Penyelamatan/Rescue", "DPKP", 2),
    _cat("apar", "Alat Pemadam Api Ringan (APAR)", "DPKP", 1),
    # Civil registration
    _cat("ktp-el", "KTP Elektronik", "DUKCAPIL", 5),
    _cat("kartu-keluarga", "Kartu Keluarga", "DUKCAPIL", 4),
    _cat("akta", "Akta Kelahiran/Kematian", "DUKCAPIL", 2),
    _cat("pindah-datang", "Pindah Datang Penduduk", "DUKCAPIL", 2),
    # Disasters
    _cat("tanah-longsor", "Tanah Longsor", "BPBD", 2),
    _cat("angin-kencang", "Angin Kencang/Puting Beliung", "BPBD", 2),
    _cat("rob", "Banjir Rob", "BPBD", 3),
    # Neighbourhood matters the kelurahan resolves directly
    _cat("fasilitas-rt-rw", "Fasilitas RT/RW", None, 5),
    _cat("pelayanan-kelurahan", "Pelayanan Kelurahan", None, 6),
    _cat("rptra", "RPTRA", None, 4),
    _cat("kerja-bakti", "Permohonan Kerja Bakti/PPSU", None, 5),
    _cat("lainnya", "Lainnya", None, 10),
)


CHANNELS: tuple[str, ...] = (
    "JAKI",
    "Twitter",
    "Facebook",
    "Instagram",
    "E-mail",
    "SMS/WhatsApp",
    "LAPOR!",
    "Website",
    "Kantor Kelurahan",
    "Kantor Kecamatan",
    "Kantor Walikota",
    "Balai Kota",
    "Call Center 112",
)
