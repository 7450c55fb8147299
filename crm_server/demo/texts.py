"""Varied Indonesian citizen report texts for demo data.

Everything random comes from the caller's ``random.Random`` so a seeded run always yields the
same reports. Templates are plain ``str.format`` strings grouped by category family and
precomputed per category on first use, because demo seeding calls this millions of times.
"""

from __future__ import annotations

import random

from crm_server.reference.jakarta import Category

STREETS: tuple[str, ...] = (
    # Jakarta Pusat
    "Jl. Medan Merdeka Barat",
    "Jl. Medan Merdeka Selatan",
    "Jl. Medan Merdeka Utara",
    "Jl. Medan Merdeka Timur",
    "Jl. M.H. Thamrin",
    "Jl. Kramat Raya",
    "Jl. Salemba Raya",
    "Jl. Gunung Sahari",
    "Jl. Cikini Raya",
    "Jl. Diponegoro",
    "Jl. Proklamasi",
    "Jl. Teuku Umar",
    "Jl. Imam Bonjol",
    "Jl. K.H. Wahid Hasyim",
    "Jl. K.H. Mas Mansyur",
    "Jl. Jati Baru Raya",
    "Jl. Abdul Muis",
    "Jl. Cideng Barat",
    "Jl. Suryopranoto",
    "Jl. Senen Raya",
    "Jl. Kwitang",
    "Jl. Percetakan Negara",
    "Jl. Letjen Suprapto",
    "Jl. Benyamin Suaeb",
    "Jl. Pangeran Jayakarta",
    "Jl. Garuda",
    "Jl. Johar Baru Raya",
    "Jl. Bendungan Hilir Raya",
    # Jakarta Utara
    "Jl. Yos Sudarso",
    "Jl. Enggano",
    "Jl. R.E. Martadinata",
    "Jl. Lodan Raya",
    "Jl. Pluit Raya",
    "Jl. Pluit Karang",
    "Jl. Muara Karang Raya",
    "Jl. Kapuk Raya",
    "Jl. Boulevard Raya",
    "Jl. Pegangsaan Dua",
    "Jl. Sunter Permai Raya",
    "Jl. Danau Sunter Utara",
    "Jl. Plumpang Semper",
    "Jl. Cakung Cilincing Raya",
    "Jl. Raya Cilincing",
    "Jl. Kramat Jaya",
    "Jl. Mangga Dua Raya",
    "Jl. Pademangan II",
    # Jakarta Barat
    "Jl. Hayam Wuruk",
    "Jl. Gajah Mada",
    "Jl. Pintu Besar Selatan",
    "Jl. Daan Mogot",
    "Jl. Kyai Tapa",
    "Jl. Letjen S. Parman",
    "Jl. Panjang",
    "Jl. Kebon Jeruk Raya",
    "Jl. Meruya Ilir",
    "Jl. Puri Kencana",
    "Jl. Kembangan Raya",
    "Jl. Peta Selatan",
    "Jl. Peta Barat",
    "Jl. Tanjung Duren Raya",
    "Jl. Palmerah Barat",
    "Jl. Kemanggisan Raya",
    "Jl. Tomang Raya",
    "Jl. Prof. Dr. Latumenten",
    "Jl. Bandengan Selatan",
    "Jl. Tubagus Angke",
    "Jl. Kamal Raya",
    "Jl. Semanan Raya",
    # Jakarta Selatan
    "Jl. Jenderal Sudirman",
    "Jl. Jenderal Gatot Subroto",
    "Jl. H.R. Rasuna Said",
    "Jl. Mampang Prapatan Raya",
    "Jl. Warung Buncit Raya",
    "Jl. Kapten Tendean",
    "Jl. Wolter Monginsidi",
    "Jl. Senopati",
    "Jl. Panglima Polim Raya",
    "Jl. Fatmawati Raya",
    "Jl. TB Simatupang",
    "Jl. R.A. Kartini",
    "Jl. Pasar Minggu Raya",
    "Jl. Raya Ragunan",
    "Jl. Margasatwa",
    "Jl. Lenteng Agung Raya",
    "Jl. Moh. Kahfi I",
    "Jl. Jagakarsa Raya",
    "Jl. Tebet Raya",
    "Jl. Dr. Saharjo",
    "Jl. Casablanca",
    "Jl. Prof. Dr. Satrio",
    "Jl. Kalibata Raya",
    "Jl. Pesanggrahan Raya",
    "Jl. Ulujami Raya",
    "Jl. Bintaro Raya",
    "Jl. Ciledug Raya",
    "Jl. Kebayoran Lama Raya",
    "Jl. Sultan Iskandar Muda",
    "Jl. Arteri Pondok Indah",
    "Jl. Metro Pondok Indah",
    "Jl. Lebak Bulus Raya",
    "Jl. Pangeran Antasari",
    "Jl. Haji Nawi",
    "Jl. Radio Dalam Raya",
    "Jl. Kemang Raya",
    "Jl. Ampera Raya",
    "Jl. Pejaten Raya",
    # Jakarta Timur
    "Jl. Pramuka",
    "Jl. Matraman Raya",
    "Jl. Jatinegara Barat",
    "Jl. Otto Iskandardinata",
    "Jl. D.I. Panjaitan",
    "Jl. Jenderal Ahmad Yani",
    "Jl. Pemuda",
    "Jl. Balai Pustaka",
    "Jl. Pahlawan Revolusi",
    "Jl. Raden Inten II",
    "Jl. Kolonel Sugiono",
    "Jl. Dewi Sartika",
    "Jl. Raya Bogor",
    "Jl. Raya Kalimalang",
    "Jl. I Gusti Ngurah Rai",
    "Jl. Raya Bekasi",
    "Jl. Raya Penggilingan",
    "Jl. Raya Pondok Gede",
    "Jl. Bambu Apus Raya",
    "Jl. Raya Hankam",
    "Jl. Raya Cilangkap",
    "Jl. Pondok Kelapa Raya",
    "Jl. Raya Condet",
    "Jl. Mayjen Sutoyo",
    "Jl. Raya Kalisari",
    "Jl. Pulo Gebang Raya",
)


def street_address(rng: random.Random, street: str) -> str:
    """A house-level address on ``street``, e.g. "Jl. Kramat Raya No. 12, RT 03/RW 05"."""
    number, rt, rw = 1 + int(rng.random() * 180), 1 + int(rng.random() * 15), 1 + int(rng.random() * 12)
    return f"{street} No. {number}, RT {rt:02d}/RW {rw:02d}"


_MAX_TITLE = 80

# Shared fillers. Indexing by int(rng.random() * n) is a few times faster than rng.choice.
_LANDMARKS: tuple[str, ...] = (
    "dekat masjid",
    "depan minimarket",
    "samping SD negeri",
    "seberang halte Transjakarta",
    "dekat pos RW",
    "depan puskesmas kelurahan",
    "di mulut gang",
    "dekat jembatan",
    "depan warung kopi",
    "dekat pintu masuk pasar",
    "seberang SPBU",
    "depan gereja",
    "dekat lapangan futsal",
    "samping RPTRA",
    "dekat stasiun KRL",
    "depan kantor kelurahan",
    "di pertigaan dekat musala",
    "dekat putaran balik",
    "depan ruko",
    "samping kali",
    "dekat pangkalan ojek",
    "depan sekolah",
    "di tikungan dekat bengkel",
    "dekat gapura RW",
)
_DURATIONS: tuple[str, ...] = (
    "tiga hari",
    "hampir seminggu",
    "dua minggu",
    "lebih dari sebulan",
    "berbulan-bulan",
    "sekitar sepuluh hari",
    "sejak awal musim hujan",
    "dua bulan",
    "lima hari",
    "sejak Lebaran kemarin",
)
_TIMES: tuple[str, ...] = (
    "pagi hari",
    "jam berangkat kerja",
    "siang hari",
    "sore hari",
    "jam pulang kantor",
    "malam hari",
    "tengah malam",
    "menjelang subuh",
    "akhir pekan",
    "setiap hujan deras",
)
_RTRW: tuple[str, ...] = tuple(
    fmt.format(rt=rt, rw=rw)
    for rt in range(1, 16)
    for rw in range(1, 13)
    for fmt in ("RT {rt:02d}/RW {rw:02d}", "RT {rt} RW {rw}", "RT {rt:03d}/{rw:03d}")
)

# Openers and closings carry the register; the core sentences carry the topic.
_FORMAL_OPEN: tuple[str, ...] = (
    "Selamat pagi, Bapak/Ibu.",
    "Dengan hormat, saya ingin melaporkan kondisi di lingkungan kami.",
    "Saya warga {rtrw} Kelurahan {kel} ingin menyampaikan laporan.",
    "Mohon izin melaporkan.",
    "Assalamualaikum, saya warga {kel}.",
    "Yth. Pemprov DKI Jakarta.",
)
_INFORMAL_OPEN: tuple[str, ...] = (
    "Min, tolong dong.",
    "Halo min.",
    "Lapor min!",
    "Pak, bu, tolong dicek ya.",
    "Permisi min, mau lapor.",
    "Min, ini gimana ya.",
)
_FORMAL_CLOSE: tuple[str, ...] = (
    "Mohon segera ditindaklanjuti. Terima kasih.",
    "Atas perhatiannya kami ucapkan terima kasih.",
    "Kami berharap ada penanganan secepatnya dari dinas terkait.",
    "Mohon petugas dapat meninjau lokasi.",
    "Warga sudah melapor ke RT namun belum ada tindak lanjut.",
    "Foto terlampir sebagai bukti.",
)
_INFORMAL_CLOSE: tuple[str, ...] = (
    "Tolong cepet ya min, makasih.",
    "Udah lapor RT tapi belum ada kabar.",
    "Semoga cepet ditangani.",
    "Makasih min!",
    "Jangan cuma difoto terus selesai ya min.",
    "Warga sini udah pada resah.",
)
_FORMAL_DURATION: tuple[str, ...] = (
    "Kondisi ini sudah berlangsung {dur}.",
    "Masalah ini terjadi sudah {dur} dan belum ada penanganan.",
    "Hal ini sudah kami alami {dur}.",
)
_INFORMAL_DURATION: tuple[str, ...] = (
    "Udah {dur} begini.",
    "Ini udah {dur} loh min.",
    "Dibiarin aja udah {dur}.",
)

# Per family: (titles, formal core sentences, informal core sentences).
# Placeholders: cat, catl (lowercase name), street, kel, lm, rtrw, dur, tod.
_FAMILIES: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    "potholes": (
        (
            "{cat} di {street}",
            "Mohon perbaikan jalan di {street}",
            "{cat}, {kel}",
            "Lubang di {street} membahayakan",
            "Aspal rusak di {street}",
            "{cat} {lm}",
        ),
        (
            "Terdapat {catl} di {street} {lm} yang membahayakan pengendara sepeda motor.",
            "Kerusakan jalan di {street}, Kelurahan {kel}, semakin lebar dan sudah beberapa kali"
            " menyebabkan pengendara terjatuh.",
            "Lubang di {street} {lm} tergenang air saat hujan sehingga tidak terlihat oleh pengendara.",
            "Kami melaporkan {catl} di wilayah {rtrw}, Kelurahan {kel}, yang perlu segera diperbaiki.",
        ),
        (
            "Jalan di {street} {lm} bolong gede banget, motor sering jatoh.",
            "{cat} di {street} makin parah, apalagi {tod} nggak kelihatan lubangnya.",
            "Tambalannya cuma bertahan seminggu, sekarang bolong lagi di {street}.",
            "Tolong jalan di deket {kel} ini dibenerin, tiap lewat was-was.",
        ),
    ),
    "roads": (
        (
            "{cat} di {street}",
            "Mohon perbaikan di {street}",
            "{cat}, {kel}",
            "{cat} {lm}",
            "Fasilitas jalan rusak di {street}",
        ),
        (
            "Terdapat {catl} di {street} {lm} yang membahayakan pejalan kaki dan pengendara.",
            "Kondisi {catl} di {street}, Kelurahan {kel}, semakin parah dan belum diperbaiki.",
            "Kami mohon perbaikan {catl} di wilayah {rtrw}, Kelurahan {kel}, sebelum menimbulkan korban.",
        ),
        (
            "{cat} di {street} {lm}, udah ada yang hampir celaka min.",
            "Tolong {catl} di {street} dibenerin, bahaya apalagi {tod}.",
            "Ini {catl} di deket {kel} kapan dibenerin ya?",
        ),
    ),
    "utility": (
        (
            "{cat} di {street}",
            "Kabel menjuntai {lm}",
            "{cat}, {kel}",
            "Utilitas semrawut di {street}",
        ),
        (
            "Terdapat {catl} di {street} {lm} yang mengganggu dan membahayakan pengguna jalan.",
            "Bekas pekerjaan utilitas di {street}, Kelurahan {kel}, dibiarkan tanpa perapian dan rambu pengaman.",
            "Kabel dan tiang di wilayah {rtrw}, Kelurahan {kel}, tidak tertata sehingga menjuntai rendah ke jalan.",
        ),
        (
            "Kabel di {street} ngegantung rendah banget, truk lewat bisa nyangkut.",
            "{cat} {lm}, udah lama nggak diberesin.",
            "Abis digali buat kabel, {street} ditinggal gitu aja nggak dirapiin.",
        ),
    ),
    "water": (
        (
            "{cat} di {street}",
            "Air meluap di {kel}",
            "{cat} {rtrw} {kel}",
            "Saluran mampet di {street}",
            "Genangan tidak surut di {street}",
            "Mohon penanganan {catl}",
        ),
        (
            "Terjadi {catl} di {street} {lm} setiap kali hujan deras turun.",
            "Saluran air di wilayah {rtrw}, Kelurahan {kel}, tersumbat lumpur dan sampah sehingga air meluap ke jalan.",
            "Ketinggian air di {street} mencapai sekitar 30 cm dan baru surut setelah beberapa jam.",
            "Mohon dilakukan pengerukan karena {catl} di {kel} sudah mengganggu aktivitas warga.",
        ),
        (
            "Tiap hujan dikit aja {street} langsung banjir, got nya mampet.",
            "Air got meluap sampe masuk rumah warga {rtrw}, bau pula.",
            "{cat} di {street} {lm}, motor pada mogok kalau lewat {tod}.",
            "Gotnya penuh lumpur min, airnya nggak jalan sama sekali.",
        ),
    ),
    "rubbish": (
        (
            "{cat} di {street}",
            "Tumpukan sampah {lm}",
            "Sampah menumpuk di {kel}",
            "{cat} {rtrw} {kel}",
            "Mohon angkut sampah di {street}",
            "Bau sampah di {street}",
        ),
        (
            "Terdapat tumpukan sampah di {street} {lm} yang menimbulkan bau tidak sedap.",
            "Sampah rumah tangga di wilayah {rtrw}, Kelurahan {kel}, tidak diangkut oleh petugas.",
            "Banyak oknum membuang sampah sembarangan di {street}, terutama pada {tod}.",
            "Kami melaporkan {catl} di {street} yang sudah mengundang lalat dan tikus.",
        ),
        (
            "Sampah numpuk di {street} {lm}, baunya kemana-mana.",
            "Ada yang buang sampah sembarangan tiap {tod} di {street}, tolong ditindak.",
            "Truk sampah nggak dateng-dateng ke {rtrw} {kel}.",
            "{cat} lagi nih min, sampe ke badan jalan.",
        ),
    ),
    "parking": (
        (
            "{cat} di {street}",
            "Parkir sembarangan {lm}",
            "{cat} bikin macet di {street}",
            "Mobil parkir di bahu jalan, {kel}",
            "Penertiban {catl} di {street}",
        ),
        (
            "Banyak kendaraan parkir di bahu jalan {street} {lm} sehingga menyebabkan kemacetan.",
            "Terjadi {catl} di {street}, Kelurahan {kel}, terutama pada {tod}.",
            "Kendaraan yang parkir di trotoar {street} mengganggu pejalan kaki.",
            "Mohon Dinas Perhubungan melakukan penertiban {catl} di {street}.",
        ),
        (
            "Mobil parkir dua lapis di {street}, jalan jadi tinggal satu lajur.",
            "{cat} tiap {tod} di {street} {lm}, udah kayak lahan pribadi.",
            "Motor sama mobil parkir di trotoar {street}, pejalan kaki terpaksa turun ke jalan.",
            "Tolong diderek aja min yang parkir sembarangan di {street}.",
        ),
    ),
    "traffic": (
        (
            "{cat} di {street}",
            "{cat} {lm}",
            "Mohon penanganan {catl}",
            "Lalu lintas kacau di {street}",
            "{cat}, {kel}",
        ),
        (
            "Kami melaporkan {catl} di {street} {lm} yang membahayakan pengguna jalan.",
            "Terjadi {catl} di {street}, Kelurahan {kel}, khususnya pada {tod}.",
            "Kondisi lalu lintas di {street} menjadi tidak tertib akibat {catl}.",
        ),
        (
            "{cat} di {street} nih min, {tod} jadi kacau banget.",
            "Di {street} {lm} {catl}, bahaya buat yang lewat.",
            "Tolong dicek {catl} di {street}, udah sering hampir tabrakan.",
        ),
    ),
    "vendors": (
        (
            "{cat} di {street}",
            "PKL di trotoar {street}",
            "PKL menutup jalan, {kel}",
            "Penertiban PKL {lm}",
            "{cat} {rtrw} {kel}",
        ),
        (
            "Pedagang kaki lima berjualan di trotoar {street} {lm} sehingga pejalan kaki terpaksa"
            " berjalan di badan jalan.",
            "Lapak PKL di {street}, Kelurahan {kel}, semakin banyak dan menyebabkan kemacetan pada {tod}.",
            "Mohon dilakukan penertiban {catl} di {street} yang meninggalkan sampah setelah berjualan.",
        ),
        (
            "PKL makin banyak di {street}, trotoar abis dipake lapak.",
            "Tiap {tod} PKL buka tenda di badan jalan {street} {lm}.",
            "Udah pernah ditertibkan tapi PKL nya balik lagi di {street}.",
        ),
    ),
    "lights": (
        (
            "{cat} di {street}",
            "Lampu jalan mati di {street}",
            "Jalan gelap {lm}",
            "{cat}, {kel}",
            "Mohon perbaikan lampu di {street}",
        ),
        (
            "Lampu penerangan jalan di {street} {lm} tidak menyala sehingga kondisi jalan gelap pada malam hari.",
            "Terdapat {catl} di wilayah {rtrw}, Kelurahan {kel}, yang rawan tindak kejahatan.",
            "Beberapa titik lampu di {street} mati dan membahayakan pengguna jalan pada {tod}.",
        ),
        (
            "Lampu jalan di {street} mati semua, gelap gulita min.",
            "{cat} {lm}, serem kalo lewat {tod}.",
            "Lampunya kedip-kedip terus akhirnya mati, udah rawan jambret di {street}.",
        ),
    ),
    "trees": (
        (
            "{cat} di {street}",
            "Pohon besar rawan tumbang {lm}",
            "Dahan pohon menjuntai di {street}",
            "{cat}, {kel}",
            "Mohon pemangkasan pohon di {street}",
        ),
        (
            "Terdapat pohon besar di {street} {lm} yang dahannya sudah rapuh dan menjuntai ke jalan.",
            "Kami melaporkan {catl} di wilayah {rtrw}, Kelurahan {kel}, yang mengenai kabel listrik.",
            "Pohon di {street} miring ke arah jalan dan dikhawatirkan tumbang saat hujan disertai angin.",
        ),
        (
            "Pohon di {street} udah miring banget min, takut ketimpa.",
            "Dahan pohon {lm} nyangkut di kabel, kalo angin goyang-goyang.",
            "{cat} di {street}, kemarin hujan angin ada ranting gede jatuh.",
        ),
    ),
    "order": (
        (
            "{cat} di {street}",
            "{cat} {lm}",
            "Mohon penertiban di {street}",
            "Warga resah, {kel}",
            "{cat} {rtrw} {kel}",
        ),
        (
            "Kami melaporkan adanya {catl} di {street} {lm} yang meresahkan warga.",
            "Di wilayah {rtrw}, Kelurahan {kel}, masalah {catl} masih sering ditemukan, terutama pada {tod}.",
            "Mohon Satpol PP melakukan penertiban terhadap {catl} di sekitar {street}.",
        ),
        (
            "Ada {catl} di {street} tiap {tod}, warga jadi resah.",
            "Tolong ditertibkan min, {catl} {lm} makin jadi.",
            "{cat} lagi di {street}, kemarin udah dilaporin ke RW juga.",
        ),
    ),
    "health": (
        (
            "{cat} di {kel}",
            "Mohon tindak lanjut: {catl}",
            "Keluhan {catl}",
            "Keluhan layanan kesehatan, {kel}",
        ),
        (
            "Kami ingin menyampaikan keluhan terkait {catl} di wilayah Kelurahan {kel}.",
            "Pelayanan yang kami terima terkait {catl} kurang memuaskan dan antrean sangat panjang pada {tod}.",
            "Petugas kurang responsif ketika warga {rtrw}, Kelurahan {kel}, membutuhkan {catl}.",
        ),
        (
            "Soal {catl}, dilempar-lempar terus dari loket ke loket.",
            "Antrenya dari {tod} sampe siang belum dipanggil juga.",
            "Pelayanan {catl} di {kel} lambat banget.",
        ),
    ),
    "dengue": (
        (
            "Mohon fogging di {rtrw} {kel}",
            "Warga terkena DBD di {kel}",
            "{cat}, {kel}",
            "Banyak nyamuk {lm}",
        ),
        (
            "Di lingkungan {rtrw}, Kelurahan {kel}, sudah ada beberapa warga yang terkena DBD"
            " sehingga kami mohon dilakukan fogging.",
            "Banyak genangan dan jentik nyamuk di sekitar {street} {lm}, kami khawatir terjadi penularan DBD.",
            "Mohon Puskesmas Kelurahan {kel} melakukan pemeriksaan jentik dan pengasapan di wilayah kami.",
        ),
        (
            "Di {rtrw} {kel} udah ada 3 warga kena DBD, tolong fogging.",
            "Nyamuk banyak banget tiap {tod}, tetangga udah ada yang dirawat DBD.",
            "Tolong fogging di sekitar {street}, anak-anak pada kena DBD.",
        ),
    ),
    "social": (
        (
            "{cat} di {street}",
            "{cat} {lm}",
            "Mohon penanganan {catl}",
            "Warga butuh bantuan di {kel}",
        ),
        (
            "Terdapat {catl} di {street} {lm} yang membutuhkan penanganan dari Dinas Sosial.",
            "Kami melaporkan kondisi {catl} di wilayah {rtrw}, Kelurahan {kel}.",
            "Sudah beberapa kali terlihat {catl} di sekitar {street} pada {tod}.",
        ),
        (
            "Ada {catl} di {street} {lm}, kasian min tolong dibantu.",
            "Tiap {tod} ada {catl} di sekitar {street}.",
            "Warga {rtrw} udah coba bantu tapi butuh penanganan dinsos.",
        ),
    ),
    "generic": (
        (
            "{cat} di {kel}",
            "{cat} - {street}",
            "Laporan {catl}",
            "Mohon tindak lanjut {catl}",
            "{cat} {rtrw} {kel}",
        ),
        (
            "Kami melaporkan permasalahan {catl} di {street}, Kelurahan {kel}.",
            "Terkait {catl} di wilayah {rtrw}, Kelurahan {kel}, mohon ada penanganan dari instansi terkait.",
            "Mohon informasi dan tindak lanjut mengenai {catl} di sekitar {street} {lm}.",
        ),
        (
            "Soal {catl} di {kel} ini gimana ya?",
            "Lapor {catl} di {street} {lm}.",
            "Udah lapor berkali-kali soal {catl} tapi belum ada respon.",
        ),
    ),
}

_FAMILY_BY_DINAS: dict[str | None, str] = {
    "DBM": "roads",
    "DSDA": "water",
    "DLH": "rubbish",
    "DISHUB": "traffic",
    "SATPOLPP": "order",
    "DPHK": "trees",
    "DPE": "lights",
    "DINKES": "health",
    "DINSOS": "social",
}
# Categories whose wording fits a different family than their agency's.
_FAMILY_BY_CODE: dict[str, str] = {
    "jalan-rusak": "potholes",
    "jalan-berlubang": "potholes",
    "jalan-lingkungan-rusak": "potholes",
    "kabel-semrawut": "utility",
    "tiang-miring": "utility",
    "galian-utilitas": "utility",
    "saluran-lingkungan": "water",
    "rob": "water",
    "air-bersih": "generic",
    "penerangan-gang": "lights",
    "parkir-liar": "parking",
    "juru-parkir-liar": "parking",
    "kendaraan-terbengkalai": "parking",
    "ojek-online-mangkal": "parking",
    "ngetem-sembarangan": "parking",
    "pedagang-kaki-lima": "vendors",
    "pkl-trotoar": "vendors",
    "lokasi-binaan": "vendors",
    "pencemaran-udara": "generic",
    "pencemaran-air": "generic",
    "bau-tidak-sedap": "generic",
    "kebisingan": "order",
    "limbah-b3": "generic",
    "bangkai-hewan": "generic",
    "gelandangan-pengemis": "social",
    "manusia-gerobak": "social",
    "taman-rusak": "generic",
    "tpu": "generic",
    "rth": "generic",
    "dbd-fogging": "dengue",
    "sanitasi": "generic",
    "keamanan-pangan": "generic",
    "merokok": "generic",
    "bansos": "generic",
    "disabilitas": "generic",
    "kekerasan-anak": "generic",
}


def _family(category: Category) -> str:
    return _FAMILY_BY_CODE.get(category.code) or _FAMILY_BY_DINAS.get(category.dinas, "generic")


def _lower_name(name: str) -> str:
    # Acronyms (PJU, JPO, ODGJ, KJP...) keep their capitals mid-sentence.
    return " ".join(w if w[:1] == "(" or w.upper() == w else w.lower() for w in name.split(" "))


class _Prepared:
    __slots__ = ("cat", "catl", "cores", "titles")

    def __init__(self, category: Category) -> None:
        titles, formal, informal = _FAMILIES[_family(category)]
        self.cat = category.name
        self.catl = _lower_name(category.name)
        self.titles = titles
        self.cores = (formal, informal)


_PREPARED: dict[str, _Prepared] = {}


def report_text(rng: random.Random, category: Category, kelurahan: str, street: str) -> tuple[str, str]:
    """A (title, description) pair for a report of ``category`` on ``street`` in ``kelurahan``.

    The description has 1-4 sentences in either a formal or a chatty register.
    """
    prep = _PREPARED.get(category.code)
    if prep is None or prep.cat != category.name:
        prep = _PREPARED[category.code] = _Prepared(category)
    r = rng.random
    informal = r() < 0.45
    values = {
        "cat": prep.cat,
        "catl": prep.catl,
        "street": street,
        "kel": kelurahan,
        "lm": _LANDMARKS[int(r() * len(_LANDMARKS))],
        "rtrw": _RTRW[int(r() * len(_RTRW))],
        "dur": _DURATIONS[int(r() * len(_DURATIONS))],
        "tod": _TIMES[int(r() * len(_TIMES))],
    }

    titles = prep.titles
    title = titles[int(r() * len(titles))].format_map(values)
    if len(title) > _MAX_TITLE:
        title = (prep.cat + " di " + kelurahan)[:_MAX_TITLE]

    cores = prep.cores[informal]
    if informal:
        openers, durations, closings = _INFORMAL_OPEN, _INFORMAL_DURATION, _INFORMAL_CLOSE
    else:
        openers, durations, closings = _FORMAL_OPEN, _FORMAL_DURATION, _FORMAL_CLOSE
    parts = []
    if r() < 0.45:
        parts.append(openers[int(r() * len(openers))])
    parts.append(cores[int(r() * len(cores))])
    if r() < 0.5:
        parts.append(durations[int(r() * len(durations))])
    if r() < 0.55:
        parts.append(closings[int(r() * len(closings))])
    description = " ".join(parts).format_map(values)
    # Templates may open with a lowercase placeholder such as "{catl}".
    if description[0].islower():
        description = description[0].upper() + description[1:]
    return title, description
