import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from complaint_nlp import DuplicateIndex, DuplicateMatch, InvalidInputError

ORIGINAL = "Lampu PJU di Jl. Ahmad Yani depan masjid mati sudah seminggu, mohon diperbaiki"
RESENT_OR_OTHER = [
    "lampu pju di jl ahmad yani depan masjid mati sudah seminggu!!! mohon diperbaiki",
    "Jalan di depan masjid berlubang besar, mohon diperbaiki",
    "KTP saya belum jadi sudah seminggu",
    "ktp saya belum jadi sudah seminggu, tolong",
    "banjir",
]


@pytest.mark.parametrize(
    "resent",
    [
        ORIGINAL,
        "lampu pju di jl ahmad yani depan masjid mati sudah seminggu!!! mohon diperbaiki",
        "Lampu PJU di Jl. Ahmad Yani depan masjid mati sudah seminggu, mohon segera diperbaiki",
        ORIGINAL + ". HP 081234567890",
    ],
)
def test_resent_complaints_are_flagged(resent: str) -> None:
    index = DuplicateIndex()
    assert index.check(ORIGINAL, "C-1") is None
    match = index.check(resent, "C-2")
    assert isinstance(match, DuplicateMatch)
    assert match.id == "C-1"
    assert match.similarity >= index.threshold


@pytest.mark.parametrize(
    "other",
    [
        "Lampu PJU di Jl. Sudirman dekat pasar mati, gelap sekali",
        "Jalan di depan masjid berlubang besar, mohon diperbaiki",
        "KTP saya belum jadi sudah seminggu",
    ],
)
def test_different_complaints_are_not_flagged(other: str) -> None:
    index = DuplicateIndex()
    index.check(ORIGINAL, "C-1")
    assert index.check(other, "C-2") is None


def test_best_match_wins_and_batch_sees_its_own_earlier_items() -> None:
    index = DuplicateIndex()
    results = index.check_batch(
        [ORIGINAL, "sampah menumpuk di tps pasar lama", ORIGINAL + " tolong"], ["a", "b", "c"]
    )
    assert results[0] is None and results[1] is None
    assert results[2] is not None and results[2].id == "a"


def test_a_complaint_sent_again_under_its_own_id_is_no_duplicate_of_itself() -> None:
    # Before: a retry's answer named the complaint itself, similarity 1.0.
    index = DuplicateIndex()
    assert index.check(ORIGINAL, "C-1") is None
    assert index.check(ORIGINAL, "C-1") is None
    match = index.check(ORIGINAL, "C-2")
    assert match is not None and match.id == "C-1"
    # Its own copies left out, the best other match still counts (here, C-2), in batches too.
    assert index.check(ORIGINAL, "C-1") == DuplicateMatch("C-2", 1.0)
    fresh = DuplicateIndex()
    found = fresh.check_batch([ORIGINAL, ORIGINAL, ORIGINAL], ["a", "a", "b"])
    assert found[:2] == [None, None] and found[2] is not None and found[2].id == "a"


def test_window_is_bounded() -> None:
    index = DuplicateIndex(window=4)
    index.check(ORIGINAL, "old")
    for i in range(1100):
        index.check(f"keluhan berbeda nomor {i} tentang hal {i * 7} yang lain", f"n{i}")
    assert len(index) < 4 + 512
    assert index.check(ORIGINAL, "new") is None  # "old" has left the window


def test_threshold_is_configurable() -> None:
    strict = DuplicateIndex(threshold=1.0)
    strict.check(ORIGINAL, "a")
    assert strict.check(ORIGINAL + " segera", "b") is None


def test_bad_arguments() -> None:
    with pytest.raises(ValueError, match="window"):
        DuplicateIndex(window=0)
    with pytest.raises(ValueError, match="threshold"):
        DuplicateIndex(threshold=1.5)
    with pytest.raises(InvalidInputError):
        DuplicateIndex().check(None)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="ids"):
        DuplicateIndex().check_batch(["a b"], ["x", "y"])


def test_concurrent_checks_are_safe() -> None:
    from concurrent.futures import ThreadPoolExecutor

    index = DuplicateIndex(window=50)
    texts = [f"keluhan nomor {i} tentang jalan rusak di gang {i % 7}" for i in range(400)]
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda t: index.check(t[1], str(t[0])), enumerate(texts)))
    assert len(results) == 400
    assert len(index) < 50 + 512


def test_single_and_batch_checks_find_the_brute_force_best_match() -> None:
    # 700 complaints: past the 512-row tail, so both the stacked rows and the tail are searched,
    # one query at a time (tail without transposing) and in batches (tail transposed).
    words = ["jalan", "rusak", "lampu", "mati", "sampah", "banjir", "ktp", "aplikasi", "error"]
    rng = np.random.default_rng(0)
    texts = [" ".join(rng.choice(words, size=8)) for _ in range(700)]
    one, batched = DuplicateIndex(threshold=0.01), DuplicateIndex(threshold=0.01)
    singles = [one.check(t, str(i)) for i, t in enumerate(texts)]
    batches = [m for k in range(0, 700, 50) for m in batched.check_batch(texts[k : k + 50])]
    vectors = one._vectors(texts)
    sims = (vectors @ vectors.T).toarray()
    assert sum(m is not None for m in singles) > 600
    for i in range(1, 700):
        expected = sims[i, :i].max()
        for found in (singles[i], batches[i]):
            if expected < 0.01:
                assert found is None
            else:
                assert found is not None
                assert found.similarity == pytest.approx(round(expected, 4), abs=1e-4)


@given(st.lists(st.sampled_from([ORIGINAL, *RESENT_OR_OTHER]), min_size=1, max_size=12))
def test_checking_by_signature_is_checking_by_text(texts: list[str]) -> None:
    by_text, by_signature = DuplicateIndex(), DuplicateIndex()
    ids = [f"K-{i}" for i in range(len(texts))]
    expected = by_text.check_batch(texts, ids)
    assert by_signature.check_signatures(by_signature.signatures(texts), ids) == expected


def test_processes_sharing_signatures_share_one_window() -> None:
    # Two processes take turns with one stream; each adds the other's signatures before it
    # checks its own, as the service's processes do through their database.
    stream = [ORIGINAL, *RESENT_OR_OTHER]
    shared, alone = [DuplicateIndex(), DuplicateIndex()], DuplicateIndex()
    log: list[tuple[bytes, str]] = []
    seen = [0, 0]
    for i, text in enumerate(stream):
        me = shared[i % 2]
        others = log[seen[i % 2] :]
        me.add_signatures([s for s, _ in others], [name for _, name in others])
        signature = me.signatures([text])
        found = me.check_signatures(signature, [f"K-{i}"])[0]
        log.append((signature[0], f"K-{i}"))
        seen[i % 2] = len(log)
        assert found == alone.check(text, f"K-{i}")


def test_a_signature_holds_no_text() -> None:
    [signature] = DuplicateIndex().signatures([ORIGINAL])
    assert b"masjid" not in signature.lower() and len(signature) % 4 == 0
