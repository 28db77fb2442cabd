"""End to end: corrections posted to the service, exported, merged by build_dataset, retrained."""

from pathlib import Path

from fastapi.testclient import TestClient

from complaint_nlp.dataset import build_dataset
from complaint_nlp.labels import UNITS
from complaint_nlp.training import TrainingConfig, train_classifier
from service.app import create_app
from service.settings import Settings
from tests.databases import migrated_sqlite
from tests.fixtures import LOCAL, fixture_records, write_csv

NEW = "drone pemantau milik dinas rusak baling baling patah tidak bisa terbang"


def test_corrections_reach_the_next_model(tmp_path: Path) -> None:
    records = fixture_records()
    header = ["id", "tanggal_keluhan", "keluhan", "topik", "instansi"]
    rows = [[r.id, f"{r.date} 09:00:00", r.text, "", r.unit] for r in records]
    complaints = write_csv(tmp_path / "complaints.csv", header, rows)
    annotations = write_csv(tmp_path / "annotations.csv", ["id", "category", "urgency"],
                         [[r.id, r.category, r.urgency] for r in records])  # fmt: skip
    topics = write_csv(tmp_path / "topics.csv", ["topik", "category"], [])
    agencies = write_csv(tmp_path / "agencies.csv", ["instansi", "unit"], [[u, u] for u in UNITS])

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

    rebuilt, stats = build_dataset(complaints, annotations, topics, agencies, feedback=feedback)
    assert stats.feedback == 3
    added = [r for r in rebuilt if r.label_source == "feedback"]
    assert {r.split for r in added} == {"train"}
    model = train_classifier(rebuilt, TrainingConfig(seed=0))
    result = model.classify(NEW)
    assert (result.category, result.urgency) == ("information_technology", "high")
