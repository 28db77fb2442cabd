import json

import complaint_nlp
from complaint_nlp import DuplicateIndex


def test_triage_gives_everything_in_one_json_ready_result() -> None:
    clf = complaint_nlp.load()
    index = DuplicateIndex()
    first = clf.triage(
        "Air PDAM tidak mengalir 3 hari di RW 05", complaint_id="K-1", duplicates=index
    )
    again = clf.triage(
        "air pdam tidak mengalir 3 hari di rw 05!!", complaint_id="K-2", duplicates=index
    )
    assert first.duplicate_of is None
    assert again.duplicate_of is not None and again.duplicate_of.id == "K-1"
    data = json.loads(json.dumps(again.to_dict()))
    assert data["complaint_id"] == "K-2"
    assert data["route"]["unit_id"]
    assert data["duplicate_of"]["id"] == "K-1"
    assert {"category", "urgency", "units", "needs_review", "explanation"} <= set(data)


def test_triage_batch_keeps_order_and_ids() -> None:
    clf = complaint_nlp.load()
    texts = ["KTP belum jadi 3 bulan", "aplikasi error tidak bisa login", "KTP belum jadi 3 bulan"]
    results = clf.triage_batch(texts, ["a", "b", "c"], duplicates=DuplicateIndex())
    assert [r.complaint_id for r in results] == ["a", "b", "c"]
    assert results[2].duplicate_of is not None and results[2].duplicate_of.id == "a"
    assert results[0].classification == clf.classify(texts[0])
