from pathlib import Path

import pytest

from complaint_nlp import expand_slang, normalize
from complaint_nlp.exceptions import DataFileError
from complaint_nlp.slang import NEGATIONS, load_slang

# Informal negation forms that real complaints use: each must come out as a negation.
NEGATION_FORMS = {
    "ga", "gak", "gk", "gx", "gag", "ngga", "nggak", "ngak", "ngk", "enggak", "engga", "kagak",
    "kaga", "kgk", "ndak", "nda", "tdk", "tdak", "tida", "ora", "mboten", "boten", "gaada",
    "gada", "gabisa", "gbs", "gamau", "gatau", "gpp", "blm", "blom", "belom", "blum", "dereng",
    "durung", "bkn", "dudu", "jgn", "jngn", "ojo", "ojok", "tnp", "bukn", "enggk", "gakada",
    "gakbisa", "gaono", "gapapa", "gatahu", "gtau", "ndk", "nggk", "tidk",
    "teu", "henteu", "acan", "tacan",
}  # fmt: skip


@pytest.mark.parametrize(
    ("informal", "expected"),
    [
        ("jalan ga bisa dilewati", "jalan tidak bisa dilewati"),
        ("air gak ngalir 3 hari", "air tidak mengalir 3 hari"),
        ("lampu nggak nyala", "lampu tidak nyala"),
        ("ktp blm jadi", "ktp belum jadi"),
        ("petugas tdk ada di tempat", "petugas tidak ada di tempat"),
        ("sampah ora diangkut", "sampah tidak diangkut"),
        ("gaada respon sama sekali", "tidak ada respon sama sekali"),
        ("aplikasi gabisa login", "aplikasi tidak bisa login"),
        ("jgn dipersulit", "jangan dipersulit"),
        ("itu bkn urusan kami", "itu bukan urusan kami"),
        ("kok gk diperbaiki", "kok tidak diperbaiki"),
        ("blom ada yg dtg", "belum ada yang datang"),
        ("sdh lapor tp msh blm ditangani", "sudah lapor tapi masih belum ditangani"),
        ("enggak ada petugas", "tidak ada petugas"),
        ("ojo dibuwak nang kali", "jangan dibuang di kali"),
        ("durung didandani", "belum didandani"),
        ("cai teu ngocor geus 3 poe", "air tidak mengalir sudah 3 hari"),  # Sundanese
        ("ktp abdi tacan jadi", "ktp saya belum jadi"),
    ],
)
def test_negated_sentences_keep_their_negation(informal: str, expected: str) -> None:
    assert expand_slang(informal) == expected


@pytest.mark.parametrize(
    "sentence",
    [
        "ga bisa lewat",
        "gak bisa lewat",
        "ngga bisa lewat",
        "tdk bisa lewat",
        "blm bisa lewat",
        "jgn sampai banjir",
        "bkn salah warga",
    ],
)
def test_no_negation_becomes_juga(sentence: str) -> None:
    out = expand_slang(sentence).split()
    assert "juga" not in out
    assert NEGATIONS & set(out)


def test_table_maps_negations_only_from_negations() -> None:
    table = load_slang()
    for informal, standard in table.items():
        produces_negation = bool(NEGATIONS & set(standard.split()))
        assert produces_negation == (informal in NEGATION_FORMS), (informal, standard)


def test_every_negation_form_is_in_the_table() -> None:
    assert set(load_slang()) >= NEGATION_FORMS


def test_table_is_large_and_normalised() -> None:
    table = load_slang()
    assert len(table) >= 300
    for informal, standard in table.items():
        assert normalize(informal) == informal, informal
        assert normalize(standard) == standard, standard
        assert informal != standard


def test_common_abbreviations() -> None:
    assert (
        expand_slang("yg dgn utk jln sdh udh bgt") == "yang dengan untuk jalan sudah sudah sangat"
    )


def test_custom_table_by_path(tmp_path: Path) -> None:
    path = tmp_path / "slang.tsv"
    path.write_text("# own table\nbanyu\tair\n", encoding="utf-8")
    assert expand_slang("banyu mati ga ngalir", load_slang(path)) == "air mati ga ngalir"


def test_malformed_table_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "slang.tsv"
    path.write_text("ok\tbaik\nrusak tanpa tab\n", encoding="utf-8")
    with pytest.raises(DataFileError, match=r"slang.tsv:2"):
        load_slang(path)


def test_missing_table_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(DataFileError, match="not found"):
        load_slang(tmp_path / "nope.tsv")
