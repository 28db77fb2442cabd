"""The review queue (service/review.py) and its JSON API (service/routers/review.py)."""

from __future__ import annotations

import csv
import io
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import update

from complaint_nlp import Classification, TriageResult, load_routing_table
from complaint_nlp.routing import route_with_rules
from service import review
from service.database import Database
from service.errors import ConflictError, NotFoundError
from tests.fixtures import ADMIN_KEY, KEY, service_client

TABLE = load_routing_table()
REVIEWER_KEY = "kunci-peninjau-uji-01"


def classification(
    category: str = "infrastructure",
    urgency: str = "medium",
    *,
    confidence: float = 0.95,
    units: list[tuple[str, float]] | None = None,
    needs_review: bool = True,
    escalate: bool = False,
    signals: list[str] | None = None,
    explanation: dict[str, list[str]] | None = None,
) -> Classification:
    return Classification(
        category=category, category_confidence=confidence, urgency=urgency,
        urgency_confidence=confidence, units=units or [("public_works", 0.9), ("housing", 0.05)],
        needs_review=needs_review, explanation=explanation or {}, safety_signals=signals or [],
        escalate=escalate,
    )  # fmt: skip


def triaged(c: Classification, complaint_id: str | None = None) -> TriageResult:
    effective, route = route_with_rules(c, TABLE)
    return TriageResult(complaint_id, effective, route, None)


@pytest.fixture
def database(database: str) -> Iterator[Database]:
    """The queue's storage on each backend (conftest's ``database`` is the URL)."""
    db = Database(database, timeout=2)
    yield db
    db.dispose()


def fill(database: Database, n: int, **kwargs: object) -> list[int]:
    results = [triaged(classification(**kwargs), f"C-{i}") for i in range(n)]  # type: ignore[arg-type]
    review.enqueue(database, results, [f"jalan rusak nomor {i}" for i in range(n)], TABLE)
    return [r["id"] for r in review.queue_page(database, review.QueueQuery(limit=200)).items]


@pytest.mark.parametrize(
    ("c", "enters"),
    [
        (classification(needs_review=True), True),
        (classification(needs_review=False), False),
        (classification(urgency="high", needs_review=True), True),
        # Issue #13: a `high` below the escalation bar always enters, even were it not flagged.
        (classification(urgency="high", needs_review=False, escalate=False), True),
        (classification(urgency="high", needs_review=False, escalate=True), False),
    ],
)
def test_what_enters_the_queue(c: Classification, enters: bool) -> None:
    assert review.needs_a_person(c) is enters


def test_usefulness_puts_small_margins_and_disagreements_first() -> None:
    sure = classification(confidence=0.99, units=[("public_works", 0.98), ("housing", 0.01)])
    unsure = classification(confidence=0.99, units=[("public_works", 0.45), ("housing", 0.40)])
    # The unit head points at Diskominfo, which owns information_technology, not bureaucracy.
    split = classification(
        "bureaucracy", confidence=0.99, units=[("communication_it", 0.98), ("housing", 0.01)]
    )
    danger = classification(
        confidence=0.99, units=[("public_works", 0.98), ("housing", 0.01)],
        signals=["kabel listrik putus"],
    )  # fmt: skip
    scores = [review.usefulness(c, TABLE) for c in (sure, unsure, split, danger)]
    assert scores[0] < 0.1 < scores[1] < 1
    assert scores[2] == scores[3] == pytest.approx(scores[0] + review.DISAGREEMENT_WEIGHT)
    chance = classification(confidence=0.2, units=[("public_works", 0.3), ("housing", 0.3)])
    assert review.usefulness(chance, TABLE) == 1.0


def test_items_are_stored_masked(database: Database) -> None:
    text = "Nama saya Budi Santoso, jalan berlubang di Cipocok, hubungi 081234567890"
    c = classification(explanation={"category": ["budi", "jalan", "berlubang"]})
    review.enqueue(database, [triaged(c, "WA-081234567890")], [text], TABLE)
    (item,) = review.queue_page(database, review.QueueQuery()).items
    assert item["complaint_id"] == "WA-[TELEPON]"
    assert "Budi" not in item["text"] and "0812" not in item["text"]
    # The explanation came from the unmasked text: a masked word (a name) is not kept.
    assert item["explanation"] == {"category": ["jalan", "berlubang"]}
    assert item["unit_id"] == "dpupr" and item["route"]["unit_id"] == "triase"
    assert item["due_at"] - item["received_at"] == timedelta(hours=item["route"]["sla_hours"])


def test_a_retried_classification_is_queued_once(database: Database) -> None:
    result, text = triaged(classification(), "K-1"), "lampu jalan mati"
    assert review.enqueue(database, [result, result], [text, text], TABLE) == 1
    assert review.enqueue(database, [result], [text], TABLE) == 0
    # Without a complaint id two equal texts are two complaints.
    anonymous = triaged(classification())
    assert review.enqueue(database, [anonymous, anonymous], [text, text], TABLE) == 2


def test_pages_follow_the_cursor_in_both_orders(database: Database) -> None:
    results = [
        triaged(classification(units=[("public_works", 0.74 - i / 100), ("housing", 0.3)]), f"P{i}")
        for i in range(25)
    ]
    review.enqueue(database, results, [f"jalan {i}" for i in range(25)], TABLE)
    orders: list[review.Order] = ["oldest", "useful"]
    for order in orders:
        seen, cursor, totals = [], None, set()
        while True:
            page = review.queue_page(
                database, review.QueueQuery(order=order, limit=10, cursor=cursor)
            )
            seen += page.items
            totals.add(page.total)
            cursor = page.next_cursor
            if cursor is None:
                break
        assert totals == {25}
        assert len({i["id"] for i in seen}) == 25
        if order == "oldest":
            assert [i["complaint_id"] for i in seen] == [f"P{i}" for i in range(25)]
        else:  # the smallest unit margin (the last complaints here) first
            assert [i["complaint_id"] for i in seen] == [f"P{i}" for i in reversed(range(25))]
            assert [i["usefulness"] for i in seen] == sorted(
                (i["usefulness"] for i in seen), reverse=True
            )


def test_two_reviewers_racing_on_one_item_exactly_one_wins(database: Database) -> None:
    (item, *_) = fill(database, 1)
    outcomes: list[str] = []
    barrier = threading.Barrier(6)

    def decide(k: int) -> None:
        barrier.wait()
        try:
            review.decide(database, item, review.Decision("confirm", f"petugas-{k}"), TABLE)
            outcomes.append("won")
        except ConflictError:
            outcomes.append("409")

    threads = [threading.Thread(target=decide, args=(k,)) for k in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["409"] * 5 + ["won"]
    assert len(list(csv.DictReader(io.StringIO("".join(export(database)))))) == 1


def export(database: Database) -> Iterator[str]:
    from service.feedback import export_csv

    return export_csv(database)


def test_undo_reopens_the_reviewers_last_decision_and_leaves_the_export(
    database: Database,
) -> None:
    first, second = fill(database, 2)
    review.decide(database, first, review.Decision("confirm", "petugas-1"), TABLE)
    review.decide(database, second, review.Decision("correct", "petugas-1", urgency="high"), TABLE)
    with pytest.raises(ConflictError, match="nothing to undo"):
        review.undo(database, "petugas-2")  # not someone else's
    assert review.undo(database, "petugas-1")["id"] == second
    rows = list(csv.DictReader(io.StringIO("".join(export(database)))))
    assert [r["complaint_id"] for r in rows] == ["C-0"]
    assert review.undo(database, "petugas-1")["id"] == first  # and the one before
    assert list(csv.DictReader(io.StringIO("".join(export(database))))) == []
    with pytest.raises(ConflictError):
        review.undo(database, "petugas-1")


def test_undo_only_within_its_window(database: Database) -> None:
    (item,) = fill(database, 1)
    review.decide(database, item, review.Decision("confirm", "petugas-1"), TABLE)
    with database.transaction() as connection:
        long_ago = datetime.now(UTC) - timedelta(minutes=review.UNDO_MINUTES + 1)
        connection.execute(update(review.decisions).values(decided_at=long_ago))
    with pytest.raises(ConflictError):
        review.undo(database, "petugas-1")


def test_a_corrected_unit_teaches_a_code_that_unit_handles(database: Database) -> None:
    (item,) = fill(database, 1, units=[("women_children", 0.5), ("public_works", 0.4)])
    decided = review.decide(
        database, item, review.Decision("correct", "petugas-1", unit_id="dinsos"), TABLE
    )
    assert decided["decision"]["unit_id"] == "dinsos"
    (row,) = csv.DictReader(io.StringIO("".join(export(database))))
    assert row["unit"] == "women_children"  # of Dinsos' codes, the one the model scored
    assert review.unit_code("dinsos", [], TABLE) == "social_affairs"
    assert review.unit_code("triase", [], TABLE) == ""


def test_claims_show_two_desks_different_items(database: Database) -> None:
    first, second, _ = fill(database, 3)
    mine, _ = review.claim_next(database, "petugas-1", review.QueueQuery())
    theirs, _ = review.claim_next(database, "petugas-2", review.QueueQuery())
    assert (mine and mine["id"], theirs and theirs["id"]) == (first, second)
    again, _ = review.claim_next(database, "petugas-1", review.QueueQuery())
    assert again is not None and again["id"] == first  # one's own claim is no obstacle


def test_unknown_items(database: Database) -> None:
    with pytest.raises(NotFoundError):
        review.get_item(database, 99)
    with pytest.raises(NotFoundError):
        review.decide(database, 99, review.Decision("confirm", "petugas-1"), TABLE)


# --- Through the real app --------------------------------------------------------------------

NEEDS_REVIEW = "Anak saya belum dapat kartu KIS padahal sudah daftar, besok mau operasi"


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory, module_database: str) -> Iterator[TestClient]:
    folder = tmp_path_factory.mktemp("review")
    with service_client(
        folder, database_url=module_database, api_keys=[KEY], reviewer_keys=[REVIEWER_KEY],
        admin_key=ADMIN_KEY,
    ) as client:  # fmt: skip
        yield client


def post(app: TestClient, path: str, key: str = REVIEWER_KEY, **body: object) -> object:
    return app.post(path, json=body, headers={"X-API-Key": key})


def _queued(app: TestClient, text: str, complaint_id: str) -> tuple[Any, Any]:
    """The answer to classifying ``text`` (which must need review) and its queue item."""
    answer = app.post(
        "/v1/classify", json={"text": text, "id": complaint_id}, headers={"X-API-Key": KEY}
    ).json()
    assert answer["needs_review"]
    page = app.get(
        "/v1/review/queue", params={"category": "", "limit": 200},
        headers={"X-API-Key": REVIEWER_KEY},
    ).json()  # fmt: skip
    (item,) = [i for i in page["items"] if i["complaint_id"] == complaint_id]
    return answer, item


def test_classified_complaints_that_need_review_are_queued(app: TestClient) -> None:
    answer, item = _queued(app, NEEDS_REVIEW, "Q-1")
    assert (item["category"], item["urgency"]) == (answer["category"], answer["urgency"])
    assert item["confidences"]["category"] == answer["category_confidence"]
    assert item["route"] == answer["route"]
    assert app.get(f"/v1/review/{item['id']}", headers={"X-API-Key": ADMIN_KEY}).json() == item


def test_the_classifier_workers_mask_what_the_queue_stores(app: TestClient) -> None:
    # The masking moved from the HTTP process into the workers (2026-12-01).
    text = f"{NEEDS_REVIEW} Nama saya Budi Santoso, hp 0812\u200e3456\u200e7890."
    _, item = _queued(app, text, "Q-2")
    assert item["text"].endswith("Nama saya [NAMA], hp [TELEPON].")


@pytest.mark.parametrize(
    ("key", "status"), [(None, 401), ("salah-kunci-sekali-1", 401), (KEY, 403), (ADMIN_KEY, 200)]
)
def test_the_queue_needs_a_reviewer_or_the_admin(app: TestClient, key: str, status: int) -> None:
    headers = {"X-API-Key": key} if key else {}
    response = app.get("/v1/review/queue", headers=headers)
    assert response.status_code == status
    if status != 200:
        assert response.headers["content-type"] == "application/problem+json"
    # A decision's body is not read before the key is checked.
    decided = app.post("/v1/review/1", content=b"{", headers={**headers, "content-type": "x/y"})
    assert decided.status_code == (415 if status == 200 else status)


def test_a_reviewer_key_classifies_too(app: TestClient) -> None:
    response = app.post(
        "/v1/classify", json={"text": "jalan rusak"}, headers={"X-API-Key": REVIEWER_KEY}
    )
    assert response.status_code == 200


@pytest.mark.parametrize(
    "body",
    [
        {"action": "confirm", "urgency": "high", "reviewer": "p"},
        {"action": "correct", "reviewer": "p"},
        {"action": "correct", "unit_id": "no_such_unit", "reviewer": "p"},
        {"action": "maybe", "reviewer": "p"},
        {"action": "confirm", "reviewer": ""},
    ],
)
def test_bad_decisions_are_422(app: TestClient, body: dict[str, object]) -> None:
    app.post("/v1/classify", json={"text": NEEDS_REVIEW, "id": "Q-2"}, headers={"X-API-Key": KEY})
    response = app.post("/v1/review/1", json=body, headers={"X-API-Key": REVIEWER_KEY})
    assert response.status_code == 422, response.text


def test_decide_then_conflict_then_undo_through_the_api(app: TestClient) -> None:
    app.post("/v1/classify", json={"text": NEEDS_REVIEW, "id": "Q-3"}, headers={"X-API-Key": KEY})
    headers = {"X-API-Key": REVIEWER_KEY}
    page = app.get("/v1/review/queue", params={"limit": 200}, headers=headers).json()
    (item,) = [i for i in page["items"] if i["complaint_id"] == "Q-3"]
    path = f"/v1/review/{item['id']}"
    body = {"action": "correct", "urgency": "high", "unit_id": "dlh", "reviewer": "petugas-7"}
    decided = app.post(path, json=body, headers=headers)
    assert decided.status_code == 200
    assert decided.json()["status"] == "decided"
    assert decided.json()["decision"]["unit_id"] == "dlh"
    again = app.post(path, json={"action": "confirm", "reviewer": "petugas-8"}, headers=headers)
    assert again.status_code == 409
    assert "petugas-7" in again.json()["detail"]
    exported = app.get("/v1/feedback/export", headers={"X-API-Key": ADMIN_KEY}).text
    assert "Q-3" in exported and "environment_sanitation" in exported
    undone = app.post("/v1/review/undo", json={"reviewer": "petugas-7"}, headers=headers)
    assert undone.status_code == 200 and undone.json()["status"] == "open"
    assert "Q-3" not in app.get("/v1/feedback/export", headers={"X-API-Key": ADMIN_KEY}).text
    assert app.get("/v1/review/999999", headers=headers).status_code == 404
    assert app.get("/v1/review/queue?cursor=bm9wZQ", headers=headers).status_code == 422


def test_the_queue_can_be_turned_off(tmp_path: Path) -> None:
    with service_client(tmp_path, review_queue=False) as app:
        assert app.post("/v1/classify", json={"text": NEEDS_REVIEW}).json()["needs_review"]
        assert app.get("/v1/review/queue").json()["total"] == 0
