import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from complaint_nlp import InvalidInputError, mask_pii
from tests.fixtures import REPORTED_HOSTILE


@pytest.mark.parametrize(
    "nik",
    [
        "3604011203850001",
        "3604 0112 0385 0001",
        "3604.0112.0385.0001",
        "36-04-01-120385-0001",
        "360401 120385 0001",
        "3604  0112  0385  0001",  # two spaces between the groups
        "3604 - 0112 - 0385 - 0001",  # spaced dashes or dots (a third probe, 2026-12-01)
        "3604 . 0112 . 0385 . 0001",
    ],
)
def test_nik_formats(nik: str) -> None:
    assert mask_pii(f"NIK saya {nik} tidak terdaftar") == "NIK saya [NIK] tidak terdaftar"


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        # After its label, a NIK or KK number one digit short or long, or with a letter typed
        # for a digit, is masked too (a probe of the real texts, 2026-12-01).
        ("dg nik 360401120385001 ditolak", "dg nik [NIK] ditolak"),
        ("NIK: 36040112038500012", "NIK: [NIK]"),
        ("Nik     : 3604O11203850001", "Nik     : [NIK]"),
        ("No KK 3604011203850", "No KK [NIK]"),
        ("nik KK:36040112038500", "nik KK:[NIK]"),
        ("NIK = 3604 0112 0385 001", "NIK = [NIK]"),
        ("nik 3604/0112/0385/0001", "nik [NIK]"),
    ],
)
def test_labelled_nik_that_is_not_sixteen_digits(text: str, masked: str) -> None:
    assert mask_pii(text) == masked


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        # After "hp", "WA", "telp": a mobile number without its 0, with the letter O for it, or
        # with commas between the groups (a probe, 2026-12-01).
        ("no hp 812-3456-7890 ya", "no hp [TELEPON] ya"),
        ("hp: O812 3456 7890", "hp: [TELEPON]"),
        ("Telp/WA 0821,1234,5678", "Telp/WA [TELEPON]"),
        ("WA: +62 812 3456 7890", "WA: [TELEPON]"),
        # a landline or a mobile after "telp kantor", "hp saya" (a hostile probe, 2026-12-01)
        ("telp kantor 021-5551234", "telp kantor [TELEPON]"),
        ("Telp/WA : (0254) 123456 ya", "Telp/WA : [TELEPON] ya"),
        ("hp saya 0812 3456 7890", "hp saya [TELEPON]"),
    ],
)
def test_labelled_phone_numbers_written_loosely(text: str, masked: str) -> None:
    assert mask_pii(text) == masked


@pytest.mark.parametrize(
    "text",
    ["jam 8 pagi hp rusak", "telp 021 lalu", "bayar (at) least", "hp 812 3456 mati", "hp 2023 1"],
)
def test_no_mobile_number_after_a_phone_label_stays(text: str) -> None:
    assert mask_pii(text) == text


@pytest.mark.parametrize(
    "text",
    ["kk 12 orang", "NIK 3604 01", "nomor KK 12345678901", "KTP 2012345678901234567890 rusak"],
)
def test_a_short_or_long_number_after_a_nik_label_stays(text: str) -> None:
    assert mask_pii(text) == text


@pytest.mark.parametrize(
    "phone",
    [
        "081234567890",
        "0812-3456-7890",
        "0812 3456 7890",
        "0812.3456.7890",
        "+6281234567890",
        "+62 812 3456 7890",
        "+62-812-3456-789",
        "6281234567890",
        "62 812 3456 7890",
        "(0812) 3456 7890",
        "08571234567",
        "0878-123-4567",
        "０８１２３４５６７８９０",  # full-width digits, as some phone keyboards type them
        "+６２ ８１２-３４５６-７８９０",
        "0812/3456/7890",
        "0812_3456_7890",
        "08 12 34 56 78 90",  # read out in pairs
        "08-57-12-34-56-7",
        "0812\u200b3456\u200b7890",  # zero-width spaces between the groups
        "08 1234 5678 90",
        "٠٨١٢٣٤٥٦٧٨٩٠",  # Arabic-Indic digits
    ],
)
def test_phone_formats(phone: str) -> None:
    assert mask_pii(f"hubungi {phone} ya") == "hubungi [TELEPON] ya"


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        # a line break written out as "\\n", as web form exports hold it
        ("mohon dibantu.\\n081234567890", "mohon dibantu.\\n[TELEPON]"),
        ("sekian\\r\\nnama saya Budi Santoso", "sekian\\r\\nnama saya [NAMA]"),
        ("pelapor:\\tNIK 3604011203850001", "pelapor:\\tNIK [NIK]"),
        # glued to a word
        ("hubungi wa081234567890", "hubungi wa[TELEPON]"),
        ("kontak_0812-3456-7890 saja", "kontak_[TELEPON] saja"),
        # a web form's markup
        ("hp 0812&nbsp;3456&nbsp;7890 ya", "hp [TELEPON] ya"),
        ("Nama saya<br>Budi Santoso<br>warga RT 3", "Nama saya<br>[NAMA]<br>warga RT 3"),
        # two numbers in a row read as one too long to be either (a hostile probe, 2026-11-30)
        ("hp 081234567890 081298765432", "hp [TELEPON] [TELEPON]"),
        ("hp 081234567890/081298765432.", "hp [TELEPON]/[TELEPON]."),
        ("hubungi 081234567890 3604011203850001", "hubungi [TELEPON] [NIK]"),
        ("3604011203850001 081234567890", "[NIK] [TELEPON]"),
        ("081234567890 3604 0112 0385 0001", "[TELEPON] [NIK]"),
        ("6281234567890 6281298765432", "[TELEPON] [TELEPON]"),
        # glued together (before: unmasked, a 24-digit number)
        ("hp 081234567890081298765432", "hp [TELEPON] [TELEPON]"),
        ("wa081234567890/0813987654320812345678", "wa[TELEPON]/[TELEPON] [TELEPON]"),
        ("hp 62812345678906281298765432.", "hp [TELEPON] [TELEPON]."),
        ("0812345678903604011203850001", "[TELEPON] [NIK]"),
        # separators a phone keyboard or a word processor makes
        ("hp 0812\u20133456\u20137890", "hp [TELEPON]"),
        ("hp 0812 - 3456 - 7890 ya", "hp [TELEPON] ya"),
        ("hp 0812\t3456\t7890", "hp [TELEPON]"),
        ("wa 0\ufe0f\u20e38\ufe0f\u20e31\ufe0f\u20e32\ufe0f\u20e33456 7890", "wa [TELEPON]"),
        ("08 12 34 56 78 90 08 13 98 76 54 32", "[TELEPON] [TELEPON]"),
        ("hp 0 8 1 2 3 4 5 6 7 8 9 0 ya", "hp [TELEPON] ya"),
        ("hp 0-8-1-2-3-4-5-6-7-8-9", "hp [TELEPON]"),
        ("08 12 34 56 78 90 3604 0112 0385 0001", "[TELEPON] [NIK]"),
        ("62 812 3456 7890 62 813 9876 5432", "[TELEPON] [TELEPON]"),
        ("hp 0812<br>3456<br>7890", "hp [TELEPON]"),
        ("hp 0812 / 3456 / 7890", "hp [TELEPON]"),
        # invisible characters inside a name or a number (a hostile probe, 2026-12-01)
        ("nama saya Bu\u00addi Santoso", "nama saya [NAMA]"),
        ("hp 0812\u200e3456\u200e7890", "hp [TELEPON]"),
        ("NIK 3604\u20600112\ufeff0385\U000e00410001", "NIK [NIK]"),
        ("hp 0\u03018123456\u034f7890", "hp [TELEPON]"),
        ("wa \u202a+62 812-3456-7890\u202c", "wa \u202a[TELEPON]"),
        ("budi.san\u200dtoso@gmail.com", "[EMAIL]"),
        ("ktp saya 360401120385000l", "ktp saya [NIK]"),
        # combining marks on letters; a NIK with underscores, commas or spaced slashes (a
        # second hostile probe, 2026-12-01)
        ("nama saya Bu\u0332di Santoso", "nama saya [NAMA]"),
        ("Pak B\u0301udi datang", "Pak [NAMA] datang"),
        ("bu\u0336di.santoso@gmail.com", "[EMAIL]"),
        ("NIK 3604_0112_0385_0001", "NIK [NIK]"),
        ("NIK 3604,0112,0385,0001", "NIK [NIK]"),
        ("nik 3604 / 0112 / 0385 / 0001", "nik [NIK]"),
        ("telp +62 21 5551234", "telp [TELEPON]"),
        ("Nama KK: Sumarno", "Nama KK: [NAMA]"),
        ("Nama Penerima : Budi Santoso", "Nama Penerima : [NAMA]"),
        ("surel budi at gmail dot com ya", "surel [EMAIL] ya"),
        # numbers side by side that are nobody's
        (
            "08 12 2023 jam 10, rt 08 rw 12 no 34 56 78 90",
            "08 12 2023 jam 10, rt 08 rw 12 no 34 56 78 90",
        ),
        ("Rp 1.500.000 / 2.000.000 / 3.000.000", "Rp 1.500.000 / 2.000.000 / 3.000.000"),
        ("nilai 0 8 9 7 6 dan 5", "nilai 0 8 9 7 6 dan 5"),  # too few digits for a number
        ("tanggal 08.12.2023 10.30 di rt 08 rw 12", "tanggal 08.12.2023 10.30 di rt 08 rw 12"),
        ("NOP 35.78.120.005.011.0123.0 atas", "NOP 35.78.120.005.011.0123.0 atas"),
        ("surat 593/1234/436.7.5/2022 tgl 2022", "surat 593/1234/436.7.5/2022 tgl 2022"),
    ],
)
def test_personal_data_where_the_patterns_did_not_look(text: str, masked: str) -> None:
    assert mask_pii(text) == masked


@pytest.mark.parametrize(
    "email",
    [
        "warga.serang@contoh.id",
        "a_b+keluhan@mail.contoh.co.id",
        "X1@Y.COM",
        "budi @ gmail.com",  # spaces around "@"
        "budi@ gmail.com",
        "budi @yahoo.co.id",
        "ｂｕｄｉ＠ｇｍａｉｌ．ｃｏｍ",
        "budi.santoso(at)gmail.com",  # spelled out, or cut short (a probe, 2026-12-01)
        "budi [at] gmail [dot] com",
        "budi_s@gmail",
        "budisantoso(@)gmail.com",
    ],
)
def test_email_formats(email: str) -> None:
    assert mask_pii(f"email {email}.") == "email [EMAIL]."


@pytest.mark.parametrize(
    "ordinary",
    [
        "RT 05 RW 02",
        "RT.003/RW.011",
        "rumah no 17 blok C2",
        "sejak tahun 2023",
        "tanggal 12-03-2024",
        "jam 08.30",
        "biaya Rp 1.500.000",
        "Rp 62.850.000",
        "denda 850000 rupiah",
        "kode pos 42111",
        "nomor antrean 0812",
        "sudah 62 hari",
        "NPWP 12.345.678.9-012.000",
        "lubang 80 cm sedalam 1,5 m",
        "RT ０５ RW ０２",
        "tanggal 08/12/2023",
        "tanggal ０８/１２/２０２３",
        "08.12.2023 10.30",
        "jam 08.30 - 12.00",
        "RT 08/RW 12",
        "tahun 2023 2024",
        "tahun 2023 2024 2025 2026",  # four years: 16 digits, but no NIK
        "2019.2020.2021.2022",
        # clock times, money and a tax number (a third probe, 2026-12-01)
        "Pelayanan buka 08.00-12.00 13.00-15.00",
        "jam layanan 08.00 - 12.00 / 13.00 - 16.00",
        "dana desa Rp 62.850.000.000",
        "APBD Rp. 62.815.000.000,-",
        "NPWP 08.123.456.7-401.000",
        "beli gas 3kg@Rp25.000 mahal",  # "@" as "each"
        "2 buah @ Rp.5.000",  # "@" as "each"
        "cc ig @dishub.sby",  # a handle, not an address
        "kode bayar 20812345678901",  # a digit before: not the start of a phone number
        "token listrik 08123456789012345678",  # 20 digits that are not two mobile numbers
        "no VA 0812345678901234567890123",
        "folder C:\\temp\\nota",  # a backslash that is not a written-out break
    ],
)
def test_ordinary_numbers_are_not_masked(ordinary: str) -> None:
    assert mask_pii(ordinary) == ordinary


def test_several_items_in_one_text() -> None:
    text = "Saya Budi NIK 3604011203850001 HP 081234567890 email budi@contoh.id RT 01/RW 02"
    assert mask_pii(text) == "Saya [NAMA] NIK [NIK] HP [TELEPON] email [EMAIL] RT 01/RW 02"


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        # A spelled-out address ends at its last dot: ". Sudah" was taken as its domain.
        ("email budi(at)yahoo.com. Sudah lapor", "email [EMAIL]. Sudah lapor"),
        # Half an emoji (a lone surrogate, as JSON can spell it) raised UnicodeEncodeError.
        ("lampu mati \ud83d hp 0812-3456-7890", "lampu mati \ud83d hp [TELEPON]"),
        ("\ud800", "\ud800"),
        # a NIK one digit short after more kinds of label
        ("NIK saya: 360401120385001", "NIK saya: [NIK]"),
        ("NIK anak saya 360401120385001", "NIK anak saya [NIK]"),
        ("NIK pemohon : 360401120385001", "NIK pemohon : [NIK]"),
        ("NIK (KTP): 360401120385001", "NIK (KTP): [NIK]"),
        ("No. Kartu Keluarga: 360401120385001", "No. Kartu Keluarga: [NIK]"),
        ("NIK ibu saya sudah benar", "NIK ibu saya sudah benar"),
    ],
)
def test_what_a_third_probe_found(text: str, masked: str) -> None:
    assert mask_pii(text) == masked


def test_bad_input() -> None:
    with pytest.raises(InvalidInputError):
        mask_pii(None)  # type: ignore[arg-type]


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_masking_never_raises_and_is_stable(text: str) -> None:
    once = mask_pii(text)
    assert mask_pii(once) == once


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("Nama saya Siti Aminah, warga RT 03", "Nama saya [NAMA], warga RT 03"),
        ("nama saya budi santoso dari kasemen", "nama saya [NAMA] dari kasemen"),
        ("Nama : Hendra Wijaya Jabatan : Ketua RT", "Nama : [NAMA] Jabatan : Ketua RT"),
        ("KTP atas nama Ibu Siti belum jadi", "KTP atas nama Ibu [NAMA] belum jadi"),
        ("a.n. Joko Susilo sudah lapor", "a.n. [NAMA] sudah lapor"),
        ("saya bernama agus ingin melapor", "saya bernama [NAMA] ingin melapor"),
        ("Dengan nama Rina, saya mohon bantuan", "Dengan nama [NAMA], saya mohon bantuan"),
        ("Pak Budi Santoso petugas loket minta uang", "Pak [NAMA] petugas loket minta uang"),
        ("sudah lapor ke Bu Siti di kelurahan", "sudah lapor ke Bu [NAMA] di kelurahan"),
        ("Mohon Pak Camat Hendra menindak", "Mohon Pak Camat [NAMA] menindak"),
        ("nama saya\u200bBudi warga RT 03", "nama saya [NAMA] warga RT 03"),
        # a second introducer inside the first name's five words (a hostile probe, 2026-12-01)
        ("Nama saya Budi dan nama istri saya Siti", "Nama saya [NAMA] dan nama istri saya [NAMA]"),
        ("KTP atas nama Budi dan atas nama Siti", "KTP atas nama [NAMA] dan atas nama [NAMA]"),
        ("namaku Budi, warga RT 2", "namaku [NAMA], warga RT 2"),
        ("nama saya - Budi Santoso", "nama saya - [NAMA]"),
        # a signature: a name alone on the last line, after a closing
        ("Jalan rusak.\nTerima kasih.\nBudi Santoso", "Jalan rusak.\nTerima kasih.\n[NAMA]"),
        ("lampu mati\\nSalam,\\nSiti A.", "lampu mati\\nSalam,\\n[NAMA]"),
        ("Nama lengkap: Budi Santoso", "Nama lengkap: [NAMA]"),
        ("Nama lengkap : Budi Santoso, alamat Kasemen", "Nama lengkap : [NAMA], alamat Kasemen"),
        ("nama lengkap saya Budi Santoso", "nama lengkap saya [NAMA]"),
        ("nama saya adalah Budi Santoso dari RT 3", "nama saya adalah [NAMA] dari RT 3"),
        ("nama sy Budi dari Cipocok", "nama sy [NAMA] dari Cipocok"),
        ("Nama ibu : Siti Aminah", "Nama ibu : [NAMA]"),
        ("Ｐａｋ Ｂｕｄｉ minta uang", "Ｐａｋ [NAMA] minta uang"),
        # A probe of the real texts, 2026-12-01: each of these was left readable.
        ("sudah lapor ke Bpk Joko Susilo", "sudah lapor ke Bpk [NAMA]"),
        ("ditangani Bp. Andi kemarin", "ditangani Bp. [NAMA] kemarin"),
        ("KTP atas nama Ibu Hj. Siti Aminah", "KTP atas nama Ibu Hj. [NAMA]"),
        ("kata Ibu Hj. Siti Aminah di loket", "kata Ibu Hj. [NAMA] di loket"),
        ("diterima Pak M. Ali Akbar", "diterima Pak [NAMA]"),
        ("a/n Dewi Lestari belum cair", "a/n [NAMA] belum cair"),
        ("nama anak saya Rudi Hartono kelas 5", "nama anak saya [NAMA] kelas 5"),
        ("Nama Ortu : Slamet Riyadi", "Nama Ortu : [NAMA]"),
        ("Nama Orang Tua : Slamet Riyadi", "Nama Orang Tua : [NAMA]"),
        ("Nama siswa : Putri Ayu Lestari", "Nama siswa : [NAMA]"),
        ("sudah bertemu Bapak SUTRISNO HADI", "sudah bertemu Bapak [NAMA]"),
        ("yang bernama: Agus Salim", "yang bernama: [NAMA]"),
        ("nama saya : Rina Wati", "nama saya : [NAMA]"),
        ("perkenalkan nama saya, Rina.", "perkenalkan nama saya, [NAMA]."),
        ('anak bernama "Budi", kelas 3', 'anak bernama "[NAMA]", kelas 3'),
        ("BPJS atas nama saya Dewi Sartika tidak aktif", "BPJS atas nama saya [NAMA] tidak aktif"),
        ("Nama : Andi Budi Cahya Dharma", "Nama : [NAMA]"),  # a fourth word
        # A capitalised name ends at the first word without a capital.
        ("atas nama Budi Santoso katanya ke kantor", "atas nama [NAMA] katanya ke kantor"),
        # A written-out line break ends a name.
        ("Nama : Budi\\nSekolah : SMP 3", "Nama : [NAMA]\\nSekolah : SMP 3"),
        ("Bapak Walikota Bapak Eri Cahyono", "Bapak Walikota Bapak [NAMA]"),
        # A second probe, 2026-12-01: a lower-case title before a capitalised name, more form
        # fields, "namanya", "an.", a signature, a glued initial or title, Sundanese and
        # Javanese titles (Kota Serang, Surabaya).
        ("sudah lapor ke pak Dadang di kelurahan", "sudah lapor ke pak [NAMA] di kelurahan"),
        ("Nama Ibu Kandung : Siti Rohmah", "Nama Ibu Kandung : [NAMA]"),
        ("Nama Pemohon : Asep Saepudin", "Nama Pemohon : [NAMA]"),
        ("Nama Kepala Keluarga: Ujang Sutisna", "Nama Kepala Keluarga: [NAMA]"),
        ("Pelapor: Hendra Gunawan", "Pelapor: [NAMA]"),
        ("atas nama anak saya Rizky Maulana", "atas nama anak saya [NAMA]"),
        ('dengan nama ayah saya "Sukardi"', 'dengan nama ayah saya "[NAMA]"'),
        ("rumah saya an. Haji Mulyadi sudah", "rumah saya an. Haji [NAMA] sudah"),
        ("a/n.Dede Sunarya", "a/n.[NAMA]"),
        ("bernama M.Iqbal kelas 5", "bernama [NAMA] kelas 5"),
        ("ketua RT namanya Cecep, warga RT 2", "ketua RT namanya [NAMA], warga RT 2"),
        ("Nama sy dr.Anisa Rahma", "Nama sy [NAMA]"),
        ("kemarin Bpk.Sugiono datang", "kemarin Bpk.[NAMA] datang"),
        ("Hormat saya,\\nDrs. Wawan Setiawan", "Hormat saya,\\nDrs. [NAMA]"),
        ("ditemui Kang Asep Saepudin", "ditemui Kang [NAMA]"),
        ("kata Abah Odih dan Ceu Imas", "kata Abah [NAMA] dan Ceu [NAMA]"),
        ("Selamat siang Cak Eri", "Selamat siang Cak [NAMA]"),
        # A writer's own name after "saya", known by what follows it (warga, dari, selaku, ...).
        ("saya Budi Santoso, warga RT 3", "saya [NAMA], warga RT 3"),
        ("Saya Siti Aminah selaku Ketua RW 5", "Saya [NAMA] selaku Ketua RW 5"),
        ("sy Andi warga sini", "sy [NAMA] warga sini"),
        ("Saya, Budi Santoso, warga Kel. Cipare", "Saya, [NAMA], warga Kel. Cipare"),
        # A third probe, 2026-12-01: a father's name, a hyphen or a capital inside a name, an
        # accented capital, a signature followed by a number, an address or an emoji.
        ("nama saya Fulan bin Sumarno warga RT 3", "nama saya [NAMA] warga RT 3"),
        ("Nama : Siti binti Ahmad", "Nama : [NAMA]"),
        ("kata Pak Budi bin Ahmad kemarin", "kata Pak [NAMA] kemarin"),
        ("Bu Siti-Aminah datang", "Bu [NAMA] datang"),
        ("Kepada Yth. Bapak BudiSantoso", "Kepada Yth. Bapak [NAMA]"),
        ("Pak Ádi datang terlambat", "Pak [NAMA] datang terlambat"),
        (
            "Terima kasih.\nBudi Santoso\nHP 0812-3456-7890",
            "Terima kasih.\n[NAMA]\nHP [TELEPON]",
        ),
        ("Salam,\nSiti Aminah \U0001f64f", "Salam,\n[NAMA] \U0001f64f"),
        (
            "Terima kasih\\nBudi.\\nWA: 081234567890\\nbudi@gmail.com",
            "Terima kasih\\n[NAMA]\\nWA: [TELEPON]\\n[EMAIL]",
        ),
        (
            "Terima kasih\nWarga Serang\nHP 0812 3456 7890",
            "Terima kasih\nWarga Serang\nHP [TELEPON]",
        ),
        (
            "Jalan rusak.\nTerima kasih\nBudi Santoso\nHP/WA: 0812-3456-7890",
            "Jalan rusak.\nTerima kasih\n[NAMA]\nHP/WA: [TELEPON]",
        ),
        (
            "Lampu mati.\nTerima kasih\nBudi Santoso\nNIK 3604011203850001",
            "Lampu mati.\nTerima kasih\n[NAMA]\nNIK [NIK]",
        ),
        ("Salam,\nBudi Santoso (0812-3456-7890)", "Salam,\n[NAMA] ([TELEPON])"),
        # Sundanese and Javanese closings, a letter's sign-off
        ("Jalan rusak.\nHatur nuhun,\nAsep Saepudin", "Jalan rusak.\nHatur nuhun,\n[NAMA]"),
        ("Jalan rusak.\nMatur nuwun\nSlamet", "Jalan rusak.\nMatur nuwun\n[NAMA]"),
        ("Jalan rusak.\nTertanda,\nBudi Santoso", "Jalan rusak.\nTertanda,\n[NAMA]"),
        # form fields of complaint and aid forms
        ("Nama Terlapor : Budi Santoso", "Nama Terlapor : [NAMA]"),
        ("Terlapor: Budi Santoso", "Terlapor: [NAMA]"),
        ("Nama (sesuai KTP) : Budi Santoso", "Nama (sesuai KTP) : [NAMA]"),
        ("Nama Peserta BPJS : Siti Aminah", "Nama Peserta BPJS : [NAMA]"),
        ("Nama Ahli Waris : Siti Aminah", "Nama Ahli Waris : [NAMA]"),
        ("Nama Petugas : Budi", "Nama Petugas : [NAMA]"),
        ("Nama : Budi Santoso Agama : Islam", "Nama : [NAMA] Agama : Islam"),
        # Sundanese, Betawi and Javanese titles
        ("sudah lapor ke Pa Asep di kelurahan", "sudah lapor ke Pa [NAMA] di kelurahan"),
        ("kata Teh Imas dan Bang Ucok", "kata Teh [NAMA] dan Bang [NAMA]"),
        ("ditemui Mba Rina dan Neng Euis", "ditemui Mba [NAMA] dan Neng [NAMA]"),
        ("Sdri. Ani Suryani hadir", "Sdri. [NAMA] hadir"),
        # introducers: at the text's start, shortened, in slang, of more relatives
        ("An. Budi Santoso sudah daftar", "An. [NAMA] sudah daftar"),
        ("rumah dgn nama Budi Santoso", "rumah dgn nama [NAMA]"),
        ("KTP atas nm Budi Santoso", "KTP atas nm [NAMA]"),
        ("Nama gue Budi, warga sini", "Nama gue [NAMA], warga sini"),
        ("nama mertua saya Siti Aminah", "nama mertua saya [NAMA]"),
        ("nama panggilan saya Ujang", "nama panggilan saya [NAMA]"),
        ("Jalan rusak.\nTerima kasih\nBudi S", "Jalan rusak.\nTerima kasih\n[NAMA]"),
    ],
)
def test_introduced_names_are_masked(text: str, masked: str) -> None:
    assert mask_pii(text) == masked


@pytest.mark.parametrize(
    "text",
    [
        "KTP atas nama ibu saya belum jadi",  # a relation, not a name
        "atas nama warga RT 03 kami mohon perbaikan",
        "nama jalan di peta salah",
        "nama saya tidak terdaftar di DTKS",
        "Pak Lurah tidak ada di kantor",  # roles, not names
        "Bu RT minta iuran",
        "Bapak/Ibu yang terhormat",
        "tulis nama lengkap di formulir",
        "nama syarat tidak lengkap",  # "sy" only as a word
        "nama ayah tidak sesuai di KK",
        # Roles, institutions and the sentence that follows a title (a probe, 2026-12-01).
        "Selamat sore Ibu Staff Dinas Kependudukan",
        "Bapak Direktur PDAM mohon dicek",
        "Terima kasih Pak. Terimakasih Bu",
        "Pak Terima kasih",
        "Bapak Selaku Walikota",
        "nama anak sy sdh terdaftar",
        "nama saya masuk daftar MBR",
        "kenapa nama saya tidak muncul",
        "atas nama saya sendiri",
        "Terima kasih Pak.\\nWassalamualaikum Warahmatullahi",  # the dot ends the sentence
        "banjir Pak. Semoga cepat surut",
        "Ibu Kota Negara",
        "atas nama PT Maju Jaya",
        "nama saya aja yg tidak masuk",
        "yang namanya surat harus sama",  # "namanya" before a capitalised name only
        "pak RT tidak datang",
        "tolong pak / bu KK nya segera",
        "minum teh manis",
        "Toko Mas Sinar Jaya tutup",  # gold, not a title
        "Saya Salah Satu Warga Yang Terdaftar",  # "saya" then a sentence in title case
        "SAYA MINTA SURAT DARI RT",  # a text in capitals
        "Saya Mau Tanya KTP",
        "Harga Mas Antam naik",
        "Hormat kami, Warga RT 05",
        "hormat saya kepada bapak",
        # last lines that are no signature
        "Terima kasih\nWarga Surabaya",
        "Terima kasih\nKetua RT 05",
        "Terima kasih atas perhatiannya\nWassalamu'alaikum Wr. Wb.",
        "Terima kasih\nBudi Santoso\nlagi rusak",  # not the last line
        "Pak Sopir ugal-ugalan",  # roles after a title (a second probe)
        "Mas Kurir telat",
        "Pak Dirut PDAM tidak menjawab",
        # a street or an alley named after a person
        "Jl. Mas Mansyur rusak",
        "jalan Pak Kasih berlubang",
        "Gg. Bu Tinah banjir",
        "nama saya tidak ada bin",  # "bin" with no name after it
        # what happens to a name, not the name (a third probe)
        "nama saya nggak ada di DTKS",
        "nama saya dicoret dari daftar",
        "atas nama seluruh warga",
        "Pak Kadus tidak mau tanda tangan",  # roles
        "Bu Wawali datang",
        "hafal Juz Al-Qur'an. Semoga lancar",  # "an." inside a word
        "atas nmr 5",
    ],
)
def test_no_name_no_mask(text: str) -> None:
    assert mask_pii(text) == text


@pytest.mark.parametrize(
    "text",
    [
        *(raw for raw, _ in REPORTED_HOSTILE),
        "a.b" * 6666 + "@",
        "a@" * 10000,
        "a @ " * 5000,
        "1 " * 10000,
        "(0" * 10000,
    ],
)
def test_hostile_text_without_personal_data_is_unchanged(text: str) -> None:
    # Issue #12: "@" + "a" * N was quadratic in the e-mail pattern (24 s at 120,000 characters).
    assert mask_pii(text) == text


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        # A run that never ends is read three groups at a time (12 digits, a mobile number).
        ("0812-" * 4000, "[TELEPON]-" * 1333 + "0812-"),
        ("08 " * 6666 + "08", "[TELEPON] " * 1110 + "08 [TELEPON]"),  # six pairs at a time
        ("hp 0812 3456 7890, " * 1000, "hp [TELEPON], " * 1000),
        ("nama saya Budi, " * 1250, "nama saya [NAMA], " * 1250),
        ("x@y.id " * 2857, "[EMAIL] " * 2857),
    ],
)
def test_hostile_text_full_of_personal_data_is_masked(text: str, masked: str) -> None:
    assert mask_pii(text) == masked


def test_masking_leaves_everything_else_as_written() -> None:
    # The patterns read digits and full-width forms folded, but only the masked span changes.
    # Invisible characters next to a letter or digit go (a zero-width space reads as a space);
    # an emoji's joiner and variation selector stay.
    emoji = "\U0001f647\u200d\u2640\ufe0f"
    text = f"ＲＴ ０５, hp ０８１２-３４５６-７８９０\u200e, nama saya\u200bＢｕｄｉ {emoji}"
    assert mask_pii(text) == f"ＲＴ ０５, hp [TELEPON], nama saya [NAMA] {emoji}"
