import hashlib
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import complaint_nlp
from complaint_nlp import ComplaintClassifier, ModelIntegrityError, ModelNotFoundError
from complaint_nlp.persistence import save

TEXTS = ["jalan berlubang di depan sekolah", "aplikasi tidak bisa login", "ktp belum jadi"]


def _save(model: ComplaintClassifier, folder: Path) -> Path:
    return save(model, folder, metadata={"name": "t", "version": "1"}, card="# card\n")


def _edit_metadata(folder: Path, edit: Callable[[dict[str, Any]], None]) -> None:
    meta_path = folder / "metadata.json"
    meta = json.loads(meta_path.read_text())
    edit(meta)
    meta_path.write_text(json.dumps(meta))


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


@pytest.mark.parametrize("name", ["model.joblib", "inference.npz"])
def test_tampered_model_file_is_refused(
    linear_model: ComplaintClassifier, tmp_path: Path, name: str
) -> None:
    folder = _save(linear_model, tmp_path / "v1")
    with (folder / name).open("ab") as f:
        f.write(b"\0")
    with pytest.raises(ModelIntegrityError, match="does not match its metadata"):
        complaint_nlp.load(folder)


def test_broken_inference_file_with_matching_hash_is_refused(
    linear_model: ComplaintClassifier, tmp_path: Path
) -> None:
    folder = _save(linear_model, tmp_path / "v1")
    np.savez(folder / "inference.npz", parts=np.array(["word"]))
    digest = hashlib.sha256((folder / "inference.npz").read_bytes()).hexdigest()
    _edit_metadata(folder, lambda meta: meta.update(inference_sha256=digest))
    with pytest.raises(ModelIntegrityError, match="unreadable model"):
        complaint_nlp.load(folder)


def test_linear_model_loads_from_arrays_and_reads_estimators_on_demand(
    linear_model: ComplaintClassifier, tmp_path: Path
) -> None:
    folder = _save(linear_model, tmp_path / "v1")
    loaded = complaint_nlp.load(folder)
    assert loaded._heads is None  # nothing unpickled yet
    assert loaded.classify_batch(TEXTS) == linear_model.classify_batch(TEXTS)
    assert loaded.labels == linear_model.labels
    assert set(loaded.heads) == {"category", "urgency", "unit"}  # read from model.joblib now
    assert loaded.features is not None
    again = complaint_nlp.load(_save(loaded, tmp_path / "v2"))
    assert again.classify_batch(TEXTS) == linear_model.classify_batch(TEXTS)


def test_a_shipped_model_without_its_estimators_classifies_and_says_how_to_get_them(
    linear_model: ComplaintClassifier, tmp_path: Path
) -> None:
    folder = _save(linear_model, tmp_path / "v1")
    (folder / "model.joblib").unlink()  # as committed: only what inference needs
    loaded = complaint_nlp.load(folder)
    assert loaded.classify_batch(TEXTS) == linear_model.classify_batch(TEXTS)
    with pytest.raises(ModelNotFoundError, match=r"retrain this version .*scripts/train.py"):
        loaded.heads  # noqa: B018


def test_loading_and_classifying_never_import_scikit_learn(
    linear_model: ComplaintClassifier, tmp_path: Path
) -> None:
    folder = _save(linear_model, tmp_path / "v1")
    code = (
        "import sys, complaint_nlp\n"
        f"c = complaint_nlp.load({str(folder)!r})\n"
        "c.classify_batch(['pohon tumbang menutup jalan', 'ktp belum jadi'])\n"
        "print(sorted(m for m in sys.modules if m.startswith(('sklearn', 'joblib'))))\n"
    )
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "[]"


def test_other_library_versions_are_refused(
    linear_model: ComplaintClassifier, tmp_path: Path
) -> None:
    folder = _save(linear_model, tmp_path / "v1")
    _edit_metadata(folder, lambda meta: meta["library_versions"].update({"scikit-learn": "0.24.2"}))
    with pytest.raises(ModelIntegrityError, match="scikit-learn"):
        complaint_nlp.load(folder)


def test_a_model_of_another_format_is_refused_before_unpickling(
    linear_model: ComplaintClassifier, tmp_path: Path
) -> None:
    folder = _save(linear_model, tmp_path / "v1")
    assert json.loads((folder / "metadata.json").read_text())["model_format"] == 3
    _edit_metadata(folder, lambda meta: meta.pop("model_format"))  # as releases before 1.1.0
    with pytest.raises(ModelIntegrityError, match=r"in format 1 .*Retrain it"):
        complaint_nlp.load(folder)


def test_missing_model(tmp_path: Path) -> None:
    with pytest.raises(ModelNotFoundError):
        complaint_nlp.load(tmp_path / "nothing")
    (tmp_path / "empty").mkdir()
    with pytest.raises(ModelNotFoundError):
        complaint_nlp.load(tmp_path / "empty")
