import json
from pathlib import Path

import pytest

import complaint_nlp
from complaint_nlp import ComplaintClassifier, ModelIntegrityError, ModelNotFoundError
from complaint_nlp.persistence import save

TEXTS = ["jalan berlubang di depan sekolah", "aplikasi tidak bisa login", "ktp belum jadi"]


def _save(model: ComplaintClassifier, folder: Path) -> Path:
    return save(model, folder, metadata={"name": "t", "version": "1"}, card="# card\n")


def test_round_trip_gives_identical_results(trained: ComplaintClassifier, tmp_path: Path) -> None:
    folder = _save(trained, tmp_path / "m" / "1.0.0")
    loaded = complaint_nlp.load(folder)
    assert loaded.classify_batch(TEXTS) == trained.classify_batch(TEXTS)
    meta = json.loads((folder / "metadata.json").read_text())
    assert meta["backend"] == trained.backend
    assert meta["labels"]["urgency"] == ["high", "low", "medium"]
    assert len(meta["model_sha256"]) == 64
    assert "scikit-learn" in meta["library_versions"]
    # A model folder resolves to its newest version.
    assert complaint_nlp.load(tmp_path / "m").metadata["model_sha256"] == meta["model_sha256"]


def test_tampered_model_file_is_refused(linear_model: ComplaintClassifier, tmp_path: Path) -> None:
    folder = _save(linear_model, tmp_path / "v1")
    with (folder / "model.joblib").open("ab") as f:
        f.write(b"\0")
    with pytest.raises(ModelIntegrityError, match="does not match its metadata"):
        complaint_nlp.load(folder)


def test_other_library_versions_are_refused(
    linear_model: ComplaintClassifier, tmp_path: Path
) -> None:
    folder = _save(linear_model, tmp_path / "v1")
    meta_path = folder / "metadata.json"
    meta = json.loads(meta_path.read_text())
    meta["library_versions"]["scikit-learn"] = "0.24.2"
    meta_path.write_text(json.dumps(meta))
    with pytest.raises(ModelIntegrityError, match="scikit-learn"):
        complaint_nlp.load(folder)


def test_missing_model(tmp_path: Path) -> None:
    with pytest.raises(ModelNotFoundError):
        complaint_nlp.load(tmp_path / "nothing")
    (tmp_path / "empty").mkdir()
    with pytest.raises(ModelNotFoundError):
        complaint_nlp.load(tmp_path / "empty")
