import json

import complaint_nlp
from complaint_nlp import DuplicateIndex, Triager


def test_triage_gives_everything_in_one_json_ready_result() -> None:
    triager = Triager(complaint_nlp.load(), duplicates=DuplicateIndex())
    first = triager.triage("Air PDAM tidak mengalir 3 hari di RW 05", "K-1")
    again = triager.triage("air pdam tidak mengalir 3 hari di rw 05!!", "K-2")
    assert first.duplicate_of is None
    assert again.duplicate_of is not None and again.duplicate_of.id == "K-1"
    data = json.loads(json.dumps(again.to_dict()))
    assert data["complaint_id"] == "K-2"
    assert data["route"]["unit_id"]
    assert data["duplicate_of"]["id"] == "K-1"
    assert {"category", "urgency", "units", "needs_review", "explanation", "cues"} <= set(data)
    assert {"cc", "rule", "kind", "escalate"} <= set(data["route"])


def test_triage_batch_keeps_order_and_ids() -> None:
    clf = complaint_nlp.load()
    texts = ["KTP belum jadi 3 bulan", "aplikasi error tidak bisa login", "KTP belum jadi 3 bulan"]
    results = Triager(clf).triage_batch(texts, ["a", "b", "c"])
    assert [r.complaint_id for r in results] == ["a", "b", "c"]
    assert results[2].duplicate_of is not None and results[2].duplicate_of.id == "a"
    assert results[0].classification == clf.classify(texts[0])


def test_without_duplicate_check_nothing_is_remembered() -> None:
    triager = Triager(complaint_nlp.load(), check_duplicates=False)
    texts = ["KTP belum jadi 3 bulan"] * 2
    assert [r.duplicate_of for r in triager.triage_batch(texts)] == [None, None]


def test_a_given_index_is_shared_even_while_empty() -> None:
    index = DuplicateIndex()  # empty, hence falsy (len 0): still the one to use
    Triager(complaint_nlp.load(), duplicates=index).triage("KTP belum jadi 3 bulan", "a")
    assert len(index) == 1
