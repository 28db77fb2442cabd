import pickle
import random
from pathlib import Path

import pytest
from Sastrawi.Stemmer.Stemmer import Stemmer as SastrawiStemmer
from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

from complaint_nlp import InvalidInputError, Stemmer, stem_word
from complaint_nlp._resources import read_mapping, root_words
from complaint_nlp.stem import (
    MAX_STEMMED_CHARS,
    _FastSastrawi,
    _leading_sets,
    _removed_part,
    _SetDictionary,
    stem_text,
)

GOLDEN = read_mapping(Path(__file__).parent / "data" / "sastrawi_stock_stems.tsv")


@pytest.fixture(scope="module")
def stock() -> object:
    return StemmerFactory().create_stemmer()


def test_output_identical_to_stock_sastrawi_outside_the_exception_file() -> None:
    ours = Stemmer(cache_size=0)
    checked = {w: stem for w, stem in GOLDEN.items() if w not in ours.exceptions}
    assert len(checked) > 2500
    assert {w: s for w, s in checked.items() if ours.stem_word(w) != s} == {}


def test_golden_file_is_still_stock_output(stock: object) -> None:
    sample = random.Random(7).sample(sorted(GOLDEN), 40)
    assert {w: stock.stem(w) for w in sample} == {w: GOLDEN[w] for w in sample}  # type: ignore[attr-defined]


PREFIXES = "di ke se be ber bel ter te per me mem men meng meny menge memper"
PREFIXES += " pe pem pen peng peny penge ku kau"
SUFFIXES = ["", "kan", "an", "i", "nya", "lah", "kah", "pun", "ku", "mu", "kannya", "annya"]


def _affixed_and_random_words(n_roots: int, n_random: int) -> list[str]:
    rng = random.Random(11)
    words = set()
    for root in rng.sample(sorted(root_words()), n_roots):
        for prefix in ["", *PREFIXES.split()]:
            words.add(prefix + root + rng.choice(SUFFIXES))
        if root[0] not in "aiueo":  # infixes: gemetar, telunjuk, kinerja
            words.update(root[0] + infix + root[1:] for infix in ("el", "em", "er", "in"))
    alphabet = "abcdeghijklmnoprstuwy-"
    words.update("".join(rng.choices(alphabet, k=rng.randint(1, 12))) for _ in range(n_random))
    return sorted(words)


def test_prefix_dispatch_gives_sastrawis_own_stems() -> None:
    # Sastrawi's algorithm with two changes: a prefix rule that cannot match the word's start
    # is skipped, and a removal is recorded without a regular expression. Same dictionary, so
    # the stems must be equal.
    dictionary = _SetDictionary(root_words())
    sastrawi, ours = SastrawiStemmer(dictionary), _FastSastrawi(dictionary)
    # "belajar": rule 4 compares the whole word.
    words = [*_affixed_and_random_words(n_roots=600, n_random=4000), "belajar", "berbelajar"]
    assert len(words) > 20000
    assert {w: ours.stem_word(w) for w in words if ours.stem_word(w) != sastrawi.stem_word(w)} == {}


@pytest.mark.parametrize(
    ("pattern", "leading"),
    [
        (r"^meng([aiueo])(.*)$", ["m", "e"]),
        (r"ber([bcd])([a-z])er", ["b", "e"]),
        (r"^([bcd])(er[aiueo])(.*)$", ["bcd", "e"]),
        (r"^k(.*)$", ["k"]),
        (r"^([a-z])u", []),  # a range is read as "any letter": the rule is always tried
        (r"^(.*)$", []),
    ],
)
def test_leading_sets_of_a_rules_pattern(pattern: str, leading: list[str]) -> None:
    assert _leading_sets(pattern) == [frozenset(letters) for letters in leading]


@pytest.mark.parametrize(
    ("word", "result", "removed"),
    [
        ("makanan", "makan", "an"),
        ("dimakan", "makan", "di"),
        ("kupu-kupunya", "kupu-kupu", "nya"),
        ("abc", "", "abc"),
        ("a.c", "a.c", ""),  # not letters: read as a pattern, as Sastrawi does
        ("abcabc", "b.", "aabc"),
    ],
)
def test_removed_part_is_what_sastrawis_pattern_removes(
    word: str, result: str, removed: str
) -> None:
    assert _removed_part(word, result) == removed


@pytest.mark.parametrize(
    ("word", "wrong", "right"),
    [
        ("relawan", "rawan", "relawan"),
        ("menangis", "menang", "tangis"),
        ("bekasi", "bekas", "bekasi"),
        ("pengering", "ering", "kering"),
        ("pemadaman", "madam", "padam"),
        ("kependudukan", "duduk", "penduduk"),
    ],
)
def test_exception_file_fixes_known_wrong_stems(
    stock: object, word: str, wrong: str, right: str
) -> None:
    assert stock.stem(word) == wrong  # type: ignore[attr-defined]
    assert stem_word(word) == right


@pytest.mark.parametrize(
    ("word", "stem"),
    [
        ("perbaikan", "baik"),
        ("diperbaiki", "baik"),
        ("kebanjiran", "banjir"),
        ("berlubang", "lubang"),
        ("pengaduan", "adu"),
        ("tidak", "tidak"),
        ("anak-anak", "anak"),
        ("gorong-gorong", "gorong-gorong"),
        ("2024", "2024"),
        ("__url__", "__url__"),
        ("", ""),
    ],
)
def test_stem_word_table(word: str, stem: str) -> None:
    assert stem_word(word) == stem


def test_stem_text() -> None:
    assert stem_text("jalan berlubang belum diperbaiki") == "jalan lubang belum baik"


def test_custom_exceptions_by_path(tmp_path: Path) -> None:
    path = tmp_path / "exc.tsv"
    path.write_text("perbaikan\tperbaikan\n", encoding="utf-8")
    assert Stemmer(path).stem_word("perbaikan") == "perbaikan"


def test_cache_is_bounded_and_does_not_change_output() -> None:
    cached, uncached = Stemmer(cache_size=8), Stemmer(cache_size=0)
    words = sorted(GOLDEN)[:300]
    assert [cached.stem_word(w) for w in words] == [uncached.stem_word(w) for w in words]
    info = cached.cache_info()
    assert info.currsize <= 8
    assert uncached.cache_info() is None


def test_pickles_by_parameters() -> None:
    stemmer = Stemmer(cache_size=10)
    stemmer.stem_word("perbaikan")
    data = pickle.dumps(stemmer)
    assert len(data) < 500
    assert pickle.loads(data).stem_word("perbaikan") == "baik"


def test_bad_input() -> None:
    with pytest.raises(InvalidInputError, match="int"):
        stem_word(5)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="cache_size"):
        Stemmer(cache_size=-1)


@pytest.mark.parametrize(
    "word",
    ["di" + "kan" * 6666, "ber" + "a" * 19997, "pe" * 10000, "me" + "ng" * 20],
)
def test_tokens_longer_than_any_word_pass_through(word: str) -> None:
    # Sastrawi's time grows with a word's length: a hostile 20,000-letter token took 0.1 s.
    assert len(word) > MAX_STEMMED_CHARS
    assert stem_word(word) == word


def test_long_words_are_still_stemmed() -> None:
    assert stem_word("kemerah-merahan") == "merah"
    assert stem_word("pembangunannya") == "bangun"
