"""End to end: corrections posted to the service or decided at the review desk, exported, merged
by build_dataset, retrained."""

import re
import subprocess
import sys
from pathlib import Path

from fastapi.testclient import TestClient

from complaint_nlp.dataset import build_dataset, read_dataset
from complaint_nlp.labels import UNITS
from complaint_nlp.training import TrainingConfig, train_classifier
from service.app import create_app
from service.settings import Settings
from tests.databases import migrated_sqlite
from tests.fixtures import LOCAL, fixture_records, write_csv

NEW = "drone pemantau milik dinas rusak baling baling patah tidak bisa terbang"
ROOT = Path(__file__).parents[1]


def write_sources(folder: Path) -> dict[str, Path]:
    """The fixture complaints as the four source files of build_dataset."""
    records = fixture_records()
    header = ["id", "tanggal_keluhan", "keluhan", "topik", "instansi"]
    rows = [[r.id, f"{r.date} 09:00:00", r.text, "", r.unit] for r in records]
    labels = [[r.id, r.category, r.urgency] for r in records]
    return {
        "complaints": write_csv(folder / "complaints.csv", header, rows),
        "annotations": write_csv(folder / "annotations.csv", ["id", "category", "urgency"], labels),
        "topic_map": write_csv(folder / "topics.csv", ["topik", "category"], []),
        "agency_map": write_csv(
            folder / "agencies.csv", ["instansi", "unit"], [[u, u] for u in UNITS]
        ),
    }


def test_corrections_reach_the_next_model(tmp_path: Path) -> None:
    sources = write_sources(tmp_path)
    settings = Settings(database_url=migrated_sqlite(tmp_path / "feedback.db"))
    with TestClient(create_app(settings), client=LOCAL) as client:
        for i in range(3):
            correction = {"complaint_id": f"FB-{i}", "text": f"{NEW} nomor {i}",
                          "category": "information_technology", "urgency": "high",
                          "unit": "communication_it", "reviewer": "petugas"}  # fmt: skip
            assert client.post("/v1/feedback", json=correction).status_code == 201
        exported = client.get("/v1/feedback/export")
    feedback = tmp_path / "feedback.csv"
    feedback.write_text(exported.text, encoding="utf-8")

    rebuilt, stats = build_dataset(*sources.values(), feedback=feedback)
    assert stats.feedback == 3
    added = [r for r in rebuilt if r.label_source == "feedback"]
    assert {r.split for r in added} == {"train"}
    model = train_classifier(rebuilt, TrainingConfig(seed=0))
    result = model.classify(NEW)
    assert (result.category, result.urgency) == ("information_technology", "high")


def _decide_at_the_desk(client: TestClient, form: dict[str, str]) -> str:
    """Decide the complaint the desk shows with ``form``, as its page's form would; its id."""
    page = client.get("/review").text
    item = re.search(r'action="/review/items/(\d+)"', page)
    token = re.search(r'name="csrf" value="([^"]+)"', page)
    assert item is not None and token is not None
    client.post(f"/review/items/{item.group(1)}", data=form | {"csrf": token.group(1)})
    return item.group(1)


def test_desk_decisions_reach_the_next_model(tmp_path: Path) -> None:
    # The shipped model calls these information_technology / high and flags them for review;
    # the desk says they are public order and not urgent (the drone belongs to Satpol PP).
    sources = write_sources(tmp_path)
    settings = Settings(database_url=migrated_sqlite(tmp_path / "feedback.db"), classify_workers=1)
    correction = {"action": "correct", "category": "other", "urgency": "low",
                  "unit_id": "satpolpp"}  # fmt: skip
    with TestClient(create_app(settings), client=LOCAL) as client:
        for i in range(3):
            answer = client.post(
                "/v1/classify", json={"id": f"DESK-{i}", "text": f"{NEW} nomor {i}"}
            )
            assert answer.json()["needs_review"]
        page = client.get("/review").text
        token = re.search(r'name="csrf" value="([^"]+)"', page)
        assert token is not None
        client.post("/review/signin", data={"csrf": token.group(1), "reviewer": "petugas-desk"})
        decided = [_decide_at_the_desk(client, correction) for _ in range(3)]
        assert len(set(decided)) == 3
        undo_token = re.search(r'name="csrf" value="([^"]+)"', client.get("/review").text)
        assert undo_token is not None
        client.post("/review/undo", data={"csrf": undo_token.group(1)})  # the last one back
        assert client.get("/v1/feedback/export").text.count("DESK-") == 2
        _decide_at_the_desk(client, correction)
        exported = client.get("/v1/feedback/export").text
    feedback = tmp_path / "feedback.csv"
    feedback.write_text(exported, encoding="utf-8")

    processed = tmp_path / "processed.csv"
    subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "build_dataset.py"),
         *(f"--{name.replace('_', '-')}={path}" for name, path in sources.items()),
         f"--feedback={feedback}", f"--output={processed}"],
        capture_output=True, text=True, timeout=300, check=True,
    )  # fmt: skip
    rebuilt = read_dataset(processed)
    added = [r for r in rebuilt if r.label_source == "feedback"]
    assert sorted((r.id, r.category, r.urgency, r.unit) for r in added) == [
        (f"DESK-{i}", "other", "low", "public_order") for i in range(3)
    ]
    model = train_classifier(rebuilt, TrainingConfig(seed=0))
    result = model.classify(NEW)
    assert (result.category, result.urgency) == ("other", "low")
