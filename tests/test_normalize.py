import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from complaint_nlp import InvalidInputError, normalize
from tests.fixtures import REPORTED_HOSTILE


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Jalan RUSAK parah", "jalan rusak parah"),
        ("parahhhh bangettt", "parah banget"),
        ("Maaaaf mengganggu", "maaf mengganggu"),
        ("sudah   3x\tlapor\n\nbelum ada tindakan!!!", "sudah 3 x lapor belum ada tindakan"),
        ("Lihat foto di https://contoh.id/a?b=1 ya", "lihat foto di __url__ ya"),
        ("cek www.contoh.go.id/layanan", "cek __url__"),
        ("kirim ke warga.kota@contoh.id", "kirim ke __email__"),
        ("@dishub_kota tolong", "__mention__ tolong"),
        ("#jalanrusak di depan sekolah", "__hashtag__ jalanrusak di depan sekolah"),
        ("RT05/RW02 No.17", "rt 05 rw 02 no 17"),
        ("tanggal 12/03/2024 jam 19.30", "tanggal 12 03 2024 jam 19 30"),
        ("biaya Rp1.500.000", "biaya rp 1500000"),
        ("anak2 sekolah", "anak-anak sekolah"),
        ("gorong-gorong mampet", "gorong-gorong mampet"),
        ("ＰＤＡＭ ｍａｔｉ", "pdam mati"),  # full-width letters (NFKC)
        ("rusak.\\nSaya sudah lapor", "rusak saya sudah lapor"),  # escaped line break in exports
        ("hubungi [TELEPON] atau [NIK]", "hubungi __telepon__ atau __nik__"),
        # a web form's markup, as another portal's export may keep it
        ("<p>Jalan rusak<br>&nbsp;parah&amp;berlubang</p>", "jalan rusak parah berlubang"),
        ('<a href="https://contoh.id">foto</a> lampu mati', "foto lampu mati"),
        ("nilai 5<10 dan a > b", "nilai 5 10 dan a b"),  # "<" that opens no tag stays text
        ("PT A&regional dan rumah&notaris", "pt a regional dan rumah notaris"),  # no ";": text
        ("", ""),
        ("   \n\t ", ""),
        ("!!!???", ""),
    ],
)
def test_normalize_table(raw: str, expected: str) -> None:
    assert normalize(raw) == expected


@pytest.mark.parametrize("bad", [None, 42, 3.5, b"jalan rusak", ["jalan"]])
def test_non_string_is_rejected_naming_the_type(bad: object) -> None:
    with pytest.raises(InvalidInputError, match=type(bad).__name__):
        normalize(bad)  # type: ignore[arg-type]


@settings(max_examples=400, deadline=None)
@given(st.text())
def test_normalize_is_idempotent_and_never_raises(text: str) -> None:
    once = normalize(text)
    assert normalize(once) == once


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from("aeiouktgnr2- .,!@#/:0189"), max_size=60))
def test_idempotent_on_complaint_like_alphabet(text: str) -> None:
    once = normalize(text)
    assert normalize(once) == once
    assert once == once.strip()
    assert "  " not in once


# Hostile texts at the 20,000-character limit: outputs pinned here, times in benchmarks/text.py.
@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        *REPORTED_HOSTILE,
        ("-" * 20000, ""),
        ("." * 19999 + "/", ""),
        ("@" * 20000, ""),
        ("a.b" * 6666 + "@", " ".join(["a", *["ba"] * 6665, "b"])),
        ("a.com/" * 3333, "__url__"),
        ("x-" * 9999 + ".com/", "__url__"),
        ("a@" * 10000, " ".join(["a"] * 10000)),
        ("a2 " * 6666, " ".join(["a 2"] * 6666)),
        ("\u200b" * 20000, ""),
    ],
)
def test_hostile_text_keeps_its_meaning(raw: str, expected: str) -> None:
    assert normalize(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # A chain of domain labels may start with dashes, but one of dashes alone is no domain.
        (" -contoh.com/x", "__url__"),
        (" -.com/x", "com x"),
        ("lihat...contoh.go.id/foto ya", "lihat __url__ ya"),
        ("a..b.com/", "a __url__"),
    ],
)
def test_domain_paths(raw: str, expected: str) -> None:
    assert normalize(raw) == expected
