"""Each cue on handwritten sentences: the fact it names fires it; the negated, hypothetical or
milder form of the same sentence does not."""

import re
from pathlib import Path

import pytest

from complaint_nlp import CueSet, DataFileError

CUES = CueSet()

# (cue, fires on, does not fire on); written for these tests, never copied from ../shared.
TABLE = [
    (
        "harm_happened",
        [
            "sudah ada korban jatuh karena lubang di jalan ini",
            "kemarin seorang pengendara terjatuh di tikungan karena aspal ambles",
            "sudah dua kali terjadi kecelakaan di perempatan ini",
            "pohon tumbang menimpa motor warga",
            "anak saya kesetrum tiang lampu di taman",
        ],
        [
            "lubang ini bisa menyebabkan kecelakaan",
            "belum ada korban tapi mohon segera diperbaiki",
            "jangan sampai ada korban, mohon ditutup",
            "kabel menjuntai bahaya tersengat listrik",
            "tidak ada yang terluka",
        ],
    ),
    (
        "harm_hypothetical",
        [
            "pohon ini dikhawatirkan roboh saat hujan angin",
            "lubang ini bisa menyebabkan kecelakaan",
            "kabelnya berpotensi membahayakan pengguna jalan",
            "kalau hujan deras pasti banjir",
        ],
        ["mohon info jadwal pengambilan sampah", "ktp saya belum jadi"],
    ),
    (
        "harm_denied",
        ["belum ada korban tapi mohon segera diperbaiki", "tidak ada kecelakaan, hanya macet"],
        ["sudah ada korban jatuh"],
    ),
    (
        "tree_fallen",
        [
            "pohon besar tumbang menutup jalan",
            "dahan pohon patah dan melintang di jalan",
            "rumah saya tertimpa pohon tadi malam",
        ],
        [
            "pohon di depan rumah dikhawatirkan tumbang",
            "pohon ini hampir roboh, mohon dipangkas",
            "mohon pemangkasan pohon yang terlalu tinggi",
        ],
    ),
    (
        "tree_trimming",
        ["mohon pemangkasan pohon yang rimbun", "pohon tinggi mohon dipotong dahannya"],
        ["pohon besar tumbang menutup jalan"],
    ),
    (
        "outage_day_or_more",
        [
            "air PDAM tidak mengalir sudah 3 hari",
            "air mati sejak kemarin di seluruh RW kami",
            "listrik padam dua hari satu kampung",
            "sudah seminggu air pdam mati",
        ],
        [
            "air pdam mati dari pagi",
            "lampu jalan padam sudah 3 hari",
            "air pdam keruh sudah 3 hari",
        ],
    ),
    (
        "outage_hours",
        ["air mati dari pagi belum menyala", "listrik padam 3 jam"],
        ["air pdam tidak mengalir sudah 3 hari"],
    ),
    (
        "one_household",
        ["air di rumah saya tidak mengalir", "meteran air saya rusak"],
        ["air tidak mengalir di seluruh kampung"],
    ),
    (
        "area_affected",
        ["air tidak mengalir satu RW", "banyak warga mengeluh air mati", "seluruh kampung gelap"],
        ["meteran air saya rusak"],
    ),
    (
        "water_in_homes",
        ["banjir sudah masuk ke rumah warga", "rumah kami terendam air setinggi lutut"],
        [
            "kalau hujan air bisa masuk rumah",
            "genangan di jalan depan gang",
            "dikhawatirkan banjir masuk rumah",
        ],
    ),
    (
        "open_hole",
        ["tutup gorong-gorong hilang, lubang menganga", "jalan ambles di depan sekolah"],
        ["jalan berlubang kecil", "tutup saluran retak sedikit"],
    ),
    (
        "structure_collapse",
        ["jembatan kampung ambrol", "atap kelas sekolah runtuh"],
        ["cat jembatan mengelupas"],
    ),
    (
        "exposed_children",
        ["lubang di depan sekolah dasar", "banyak anak-anak bermain di sana", "lansia kesulitan"],
        ["lubang di jalan kampung"],
    ),
    (
        "exposed_road",
        ["kabel menjuntai di jalan raya", "membahayakan pengendara yang lewat"],
        ["kabel menjuntai di gang buntu"],
    ),
    (
        "care_blocked",
        [
            "pasien ditolak di rumah sakit karena bpjs tidak aktif",
            "ibu saya harus cuci darah tapi bpjs nonaktif",
            "surat keterangan untuk pemakaman jenazah belum keluar",
        ],
        ["jadwal posyandu bulan ini kapan", "mohon info jam buka puskesmas"],
    ),
    (
        "deadline_days",
        ["besok sudah ujian tapi kartu belum keluar", "batas akhir pendaftaran hari ini"],
        ["ktp saya belum jadi tiga bulan"],
    ),
    (
        "officer_misconduct",
        [
            "oknum satpol pp memukul pedagang kaki lima",
            "petugas kelurahan minta uang 200 ribu untuk surat pengantar",
            "saya dipalak oleh oknum petugas parkir",
            "ada indikasi gratifikasi di pemilihan",
        ],
        [
            "petugas kelurahan tidak ramah",
            "juru parkir liar minta uang parkir mahal",
            "pelayanan bebas pungli, terima kasih",
            "ketua rt tidak pernah minta uang untuk surat pengantar",
        ],
    ),
    (
        "fee_by_official",
        [
            "ketua rw minta uang 100 ribu sebelum tanda tangan surat domisili",
            "ada iuran wajib dari pengurus rt untuk penerima bantuan",
            "wali kelas menarik uang fotokopi tiap minggu",
        ],
        [
            "pelayanan kelurahan gratis, tidak ada pungutan dari petugas",
            "iuran kebersihan bulanan warga naik",
            "biaya hidup makin mahal sejak tahun lalu",
        ],
    ),
    (
        "attendant_official",
        [
            "jukir berompi dishub menarik 10 ribu di depan pasar rau",
            "tukang parkir pakai seragam resmi tapi tarifnya di atas karcis",
        ],
        [
            "tukang parkir liar minta uang parkir mahal",
            "petugas dishub mengatur lalu lintas di alun-alun",
        ],
    ),
    (
        "officer_unhelpful",
        [
            "petugas loket kecamatan sangat kasar kepada warga",
            "pak rw tidak mau tanda tangan berkas saya",
            "jam kerja pegawai kelurahan tidak ada di tempat",
            "saya dibentak waktu bertanya syarat kk",
        ],
        [
            "petugasnya tidak kasar dan cepat melayani",
            "jalan di depan kantor kelurahan rusak",
        ],
    ),
    (
        "staff_shortage",
        [
            "sekolah dasar kami kekurangan guru kelas",
            "dokter di puskesmas hanya satu untuk ratusan pasien",
        ],
        [
            "guru mengajar dengan baik",
            "stok obat di puskesmas kurang",
        ],
    ),
    (
        "digital_failure",
        [
            "aplikasi pendaftaran tidak bisa dibuka sejak pagi",
            "kode otp tidak terkirim ke nomor saya",
            "gagal upload berkas di website disdukcapil",
        ],
        [
            "saya tidak bisa datang ke kelurahan hari ini",
            "mohon info cara daftar online",
        ],
    ),
    (
        "appreciation",
        [
            "terima kasih atas respon cepat petugas dlh",
            "pelayanan di kelurahan sangat baik dan ramah",
            "saya mengapresiasi kerja dinas",
        ],
        [
            "mohon segera diperbaiki, terima kasih",
            "pelayanan kurang ramah",
            "pelayanannya tidak cepat",
        ],
    ),
    (
        "resolved",
        [
            "jalan sudah tidak rusak lagi, terima kasih",
            "lampu jalan sudah menyala kembali",
            "sampah sudah diangkut tadi pagi",
        ],
        [
            "jalan belum diperbaiki sampai sekarang",
            "sudah lapor tapi lampu masih mati",
            "sudah diperbaiki tapi rusak lagi",
        ],
    ),
    (
        "request",
        ["mohon segera diperbaiki", "kapan jalan ini diaspal?"],
        ["mohon maaf, ini hanya laporan kondisi", "jalan sudah bagus sekarang"],
    ),
    (
        "people_in_danger",
        [
            "banjir besar, anak-anak hanyut dan lansia terjebak di rumah",
            "ada kebakaran rumah warga di gang 3",
            "gas bocor di dapur umum, warga panik",
            "bangunan sekolah roboh saat hujan",
        ],
        [
            "daerah ini rawan kebakaran",
            "mohon sosialisasi pencegahan kebakaran",
            "bekas kebakaran tahun lalu belum dibersihkan",
            "jalan berlubang",
        ],
    ),
]


@pytest.mark.parametrize(
    ("cue", "text"), [(cue, text) for cue, fires, _ in TABLE for text in fires]
)
def test_the_fact_fires_its_cue(cue: str, text: str) -> None:
    assert cue in CUES.matches(text)


@pytest.mark.parametrize(
    ("cue", "text"), [(cue, text) for cue, _, silent in TABLE for text in silent]
)
def test_the_other_forms_do_not(cue: str, text: str) -> None:
    assert cue not in CUES.matches(text)


def test_every_cue_is_tested() -> None:
    assert sorted(CUES.names) == sorted(cue for cue, _, _ in TABLE)


def _as_written(clean: str) -> dict[str, str]:
    """Each cue's patterns as the file writes them, searched everywhere: what the factored,
    trigger-indexed patterns of :class:`CueSet` must agree with."""
    found = {}
    for cue in CUES.cues:
        for source in cue.sources:
            match = re.search(source, clean)
            if match:
                if not any(u.search(clean) for u in cue.unless):
                    found[cue.name] = match.group(0)
                break
    return found


@pytest.mark.parametrize(
    "clean",
    [
        *(text for _, fires, silent in TABLE for text in (*fires, *silent)),
        "rt " * 40 + "ketua rt minta uang lima puluh ribu",  # many starts, the needed word late
        "rt " * 40 + "pengurus rw",  # many starts, no word for money: turned away by one scan
        "petugas " * 30 + "sangat kasar",
        "iuran " * 30 + "dari pengurus rt",
        "iuran " * 30 + "pengurus rt",  # "(?:oleh |dari )?" is optional: not a needed word
        "air " * 20 + "tiga hari air mati",  # searched everywhere, once "air" is there
        "tiga hari " * 20,
    ],
)
def test_factored_patterns_find_what_the_written_ones_find(clean: str) -> None:
    clean = " ".join(clean.lower().replace(",", " ").split())
    assert CUES.evidence(clean) == _as_written(clean)


def test_evidence_names_the_phrase() -> None:
    found = CUES.evidence("sudah ada korban jatuh karena lubang")
    assert found["harm_happened"] == "sudah ada korban"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("[[cue]]\nname = 'x'\nmeans = 'y'\npatterns = ['(']\n", "invalid pattern"),
        ("[[cue]]\nname = 'Bad Name'\nmeans = 'y'\npatterns = ['a']\n", "name"),
        ("[[cue]]\nname = 'x'\nmeans = 'y'\npatterns = []\n", "patterns"),
        ("[[cue]]\nname = 'x'\nmeans = 'y'\npatterns = ['a']\n" * 2, "defined twice"),
        ("not toml [", "not valid TOML"),
    ],
)
def test_a_bad_cue_file_is_a_clear_error(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "cues.toml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(DataFileError, match=message):
        CueSet(path).names  # noqa: B018
