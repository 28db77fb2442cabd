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


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda t: t.update(high="abc"), r"thresholds\.high must be a finite number"),
        (lambda t: t.update(high=float("nan")), r"thresholds\.high must be a finite number"),
        (lambda t: t.update(high_with_signal=1.5), r"high_with_signal must be a probability"),
        (lambda t: t.update(low_weight=0), r"low_weight must be a finite number > 0"),
        (lambda t: t.update(low_weight=float("inf")), r"low_weight must be a finite number > 0"),
        (lambda t: t["review"].update(unit=-0.1), r"review\.unit must be a probability"),
        (lambda t: t["review"].pop("unit"), r"review must be an object with keys"),
        (lambda t: t.pop("high"), r"thresholds must be an object with keys"),
    ],
)
def test_thresholds_are_checked_at_load(
    linear_model: ComplaintClassifier,
    tmp_path: Path,
    edit: Callable[[dict[str, Any]], None],
    message: str,
) -> None:
    folder = _save(linear_model, tmp_path / "v1")
    _edit_metadata(folder, lambda meta: edit(meta["thresholds"]))
    with pytest.raises(ModelIntegrityError, match=message) as caught:
        complaint_nlp.load(folder)
    assert str(folder) in str(caught.value)


def test_a_missing_safety_signal_file_is_refused_at_load(
    linear_model: ComplaintClassifier, tmp_path: Path
) -> None:
    folder = _save(linear_model, tmp_path / "v1")
    _edit_metadata(folder, lambda meta: meta.update(safety_signals_file="signals.txt"))
    with pytest.raises(ModelNotFoundError, match=r"signals\.txt"):
        complaint_nlp.load(folder)


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("inference_file", "../elsewhere.npz"),
        ("inference_file", "/etc/passwd"),
        ("model_file", ".."),
        ("safety_signals_file", "../signals.txt"),
        ("inference_file", 42),
    ],
)
def test_referenced_files_must_lie_inside_the_version_folder(
    linear_model: ComplaintClassifier, tmp_path: Path, key: str, value: object
) -> None:
    folder = _save(linear_model, tmp_path / "v1")
    (tmp_path / "elsewhere.npz").write_bytes((folder / "inference.npz").read_bytes())
    (tmp_path / "signals.txt").write_text("tumbang\n")
    _edit_metadata(folder, lambda meta: meta.update({key: value}))
    with pytest.raises(ModelIntegrityError, match="inside"):
        complaint_nlp.load(folder)


def test_a_symlink_out_of_the_version_folder_is_refused(
    linear_model: ComplaintClassifier, tmp_path: Path
) -> None:
    folder = _save(linear_model, tmp_path / "v1")
    (tmp_path / "signals.txt").write_text("tumbang\n")
    (folder / "signals.txt").symlink_to(tmp_path / "signals.txt")
    _edit_metadata(folder, lambda meta: meta.update(safety_signals_file="signals.txt"))
    with pytest.raises(ModelIntegrityError, match="leads outside the model folder"):
        complaint_nlp.load(folder)


def test_a_bad_npz_with_a_matching_hash_is_an_integrity_error(
    linear_model: ComplaintClassifier, tmp_path: Path
) -> None:
    folder = _save(linear_model, tmp_path / "v1")
    (folder / "inference.npz").write_bytes(b"PK\x03\x04 not really a zip file")
    digest = hashlib.sha256((folder / "inference.npz").read_bytes()).hexdigest()
    _edit_metadata(folder, lambda meta: meta.update(inference_sha256=digest))
    with pytest.raises(ModelIntegrityError, match=r"unreadable model file .*inference\.npz"):
        complaint_nlp.load(folder)


def test_folders_that_are_not_versions_are_skipped_with_a_warning(
    linear_model: ComplaintClassifier, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    _save(linear_model, tmp_path / "m" / "1.2.0")
    _save(linear_model, tmp_path / "m" / "latest")  # e.g. a copy of the newest version
    (tmp_path / "m" / "notes").mkdir()  # no metadata: not a model at all
    with caplog.at_level("WARNING", logger="complaint_nlp"):
        loaded = complaint_nlp.load(tmp_path / "m")
    assert loaded.metadata["version"] == "1"
    assert "latest: not a version folder" in caplog.text
    assert "notes" not in caplog.text


def test_custom_word_lists_are_saved_inside_the_model(records: list[Any], tmp_path: Path) -> None:
    from complaint_nlp.pipeline import TextPipeline
    from complaint_nlp.training import TrainingConfig, train_classifier

    slang = tmp_path / "my_slang.tsv"
    slang.write_text("jln\tjalan\n", encoding="utf-8")
    model = train_classifier(records, TrainingConfig(seed=0))
    model.reader.preprocessor = TextPipeline(slang_path=slang)
    folder = _save(model, tmp_path / "m" / "1.0.0")
    slang.unlink()  # the saved model no longer needs the original
    meta = json.loads((folder / "metadata.json").read_text())
    assert meta["text_pipeline"]["slang_path"] == "my_slang.tsv"
    loaded = complaint_nlp.load(folder)
    assert loaded.reader.preprocessor.transform_one("jln rusak") == "jalan rusak"


def test_a_save_stopped_half_way_leaves_no_partial_file(
    trained: ComplaintClassifier, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Ctrl-C while the model file was written left it cut short in the version folder, which
    # the next run called a published version (a data scientist's trial, 2026-12-01).
    import joblib

    def stopped(value: object, filename: Path, **kwargs: object) -> None:
        Path(filename).write_bytes(b"half a model")
        raise KeyboardInterrupt

    monkeypatch.setattr(joblib, "dump", stopped)
    folder = tmp_path / "m" / "1.0.0"
    with pytest.raises(KeyboardInterrupt):
        _save(trained, folder)
    assert list(folder.iterdir()) == []
    assert [p.name for p in folder.parent.iterdir()] == ["1.0.0"]  # no scratch folder left
    monkeypatch.undo()
    _save(trained, folder)  # the same folder takes a whole save afterwards
    assert complaint_nlp.load(folder).classify_batch(TEXTS) == trained.classify_batch(TEXTS)
