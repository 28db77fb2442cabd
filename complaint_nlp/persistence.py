"""Saving and loading models: ``models/<name>/<version>/`` with the model, its metadata and card.

``model.joblib`` is the fitted :class:`~complaint_nlp.classifier.ComplaintClassifier` with its
scikit-learn estimators; for the linear backend, ``inference.npz`` holds the same model as plain
arrays (see :mod:`complaint_nlp.compiled`), which is all that classifying needs.
``metadata.json`` records the label sets, thresholds, text pipeline settings, training data
hash, split dates, metrics, library versions and the SHA-256 of both files; ``MODEL_CARD.md``
describes the model for people.

joblib (pickle) runs code while it loads a file, so :func:`load` first checks the file's SHA-256
against the metadata and the installed library versions against those it was saved with, and
refuses a mismatch. This protects against a corrupted or swapped file next to its metadata, not
against someone who can rewrite both: load only models from a source you trust. A linear model
is loaded from ``inference.npz`` without pickle (``allow_pickle=False``); ``model.joblib`` is
read, after the same checks, only when its estimators are asked for
(:attr:`ComplaintClassifier.heads <complaint_nlp.classifier.ComplaintClassifier.heads>`).
"""

from __future__ import annotations

import dataclasses
import json
import platform
from collections.abc import Mapping
from importlib import metadata as importlib_metadata
from pathlib import Path
from typing import Any

import numpy as np

from complaint_nlp.classifier import ComplaintClassifier
from complaint_nlp.compiled import CompiledLinear
from complaint_nlp.cues import CueSet
from complaint_nlp.dataset import file_sha256
from complaint_nlp.decision import Thresholds
from complaint_nlp.exceptions import ModelIntegrityError, ModelNotFoundError
from complaint_nlp.lexicon import SafetyLexicon
from complaint_nlp.pipeline import TextPipeline
from complaint_nlp.reading import Reader

__all__ = ["DEFAULT_MODEL", "MODELS_DIR", "library_versions", "load", "save"]

MODEL_FILE = "model.joblib"
INFERENCE_FILE = "inference.npz"
#: The layout of a saved model; 2 added inference.npz and the lazily read estimators, 3 the
#: cue columns and unstemmed words. Other layouts are refused with a clear message instead of
#: failing inside unpickling.
MODEL_FORMAT = 3
METADATA_FILE = "metadata.json"
CARD_FILE = "MODEL_CARD.md"
#: The repository's model folder (present in a checkout or an editable install).
MODELS_DIR = Path(__file__).resolve().parents[1] / "models"
DEFAULT_MODEL = "complaint-classifier"
# Packages whose version must match for a saved model to be trusted: exact for those whose
# pickled objects change between releases, the same major.minor for the others.
_EXACT = ("scikit-learn", "fasttext-community", "sastrawi")
_MINOR = ("numpy", "scipy", "joblib")


def library_versions() -> dict[str, str]:
    """The installed versions of the libraries a model depends on."""
    versions = {"python": platform.python_version()}
    for name in (*_EXACT, *_MINOR, "complaint_nlp"):
        try:
            versions[name] = importlib_metadata.version(name)
        except importlib_metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def save(
    classifier: ComplaintClassifier,
    directory: Path,
    *,
    metadata: dict[str, Any],
    card: str,
) -> Path:
    """Write the model, its metadata (completed with hash, labels and versions) and its card."""
    import joblib

    directory.mkdir(parents=True, exist_ok=True)
    model_path = directory / MODEL_FILE
    joblib.dump(classifier, model_path, compress=("zlib", 6))
    inference: dict[str, Any] = {}
    compiled = classifier._compiled
    if compiled is not None:
        inference_path = directory / INFERENCE_FILE
        arrays: dict[str, Any] = compiled.to_arrays()
        np.savez_compressed(inference_path, allow_pickle=False, **arrays)
        inference = {
            "inference_file": INFERENCE_FILE,
            "inference_sha256": file_sha256(inference_path),
            "inference_bytes": inference_path.stat().st_size,
        }
    full = {
        **metadata,
        "model_format": MODEL_FORMAT,
        "backend": classifier.backend,
        "labels": classifier.labels,
        "thresholds": dataclasses.asdict(classifier.thresholds),
        "text_pipeline": _plain(classifier.reader.preprocessor.params),
        "safety_signals_file": _plain(classifier.reader.lexicon.path),
        "cues_file": _plain(classifier.reader.cues.path),
        "cues": classifier.reader.cues.names,
        "explain_terms": classifier.explain_terms,
        "library_versions": library_versions(),
        **inference,
        "model_file": MODEL_FILE,
        "model_sha256": file_sha256(model_path),
        "model_bytes": model_path.stat().st_size,
    }
    (directory / METADATA_FILE).write_text(json.dumps(full, indent=2, sort_keys=True) + "\n")
    (directory / CARD_FILE).write_text(card)
    return directory


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value if value is None or isinstance(value, bool | int | float | str) else str(value)


def _latest(model_dir: Path) -> Path:
    versions = sorted(
        (p for p in model_dir.iterdir() if (p / METADATA_FILE).is_file()),
        key=lambda p: tuple(int(x) if x.isdigit() else x for x in p.name.split(".")),
    )
    if not versions:
        raise ModelNotFoundError(f"no model version under {model_dir}")
    return versions[-1]


def resolve_model_dir(path: str | Path | None) -> Path:
    """The folder of the model at ``path``: a version folder, a model folder (its newest
    version) or ``None`` for the shipped default."""
    if path is None:
        if not (MODELS_DIR / DEFAULT_MODEL).is_dir():
            raise ModelNotFoundError(
                f"no shipped model at {MODELS_DIR / DEFAULT_MODEL}; pass the path of a model "
                "folder (models/<name>/<version>) to load()"
            )
        return _latest(MODELS_DIR / DEFAULT_MODEL)
    folder = Path(path)
    if folder.is_file():
        folder = folder.parent
    if not folder.is_dir():
        raise ModelNotFoundError(f"no model at {folder}")
    return folder if (folder / METADATA_FILE).is_file() else _latest(folder)


def _check_versions(saved: dict[str, str], folder: Path) -> None:
    installed = library_versions()
    problems = []
    for name in _EXACT:
        if saved.get(name) != installed[name]:
            problems.append(f"{name} {installed[name]} (model saved with {saved.get(name)})")
    for name in _MINOR:
        if saved.get(name, "").split(".")[:2] != installed[name].split(".")[:2]:
            problems.append(f"{name} {installed[name]} (model saved with {saved.get(name)})")
    if problems:
        raise ModelIntegrityError(
            f"model at {folder} was saved with other library versions: installed "
            + "; ".join(problems)
            + ". Install the versions it was saved with, or retrain it (scripts/train.py)."
        )


def _verified(folder: Path, meta: Mapping[str, Any], name_key: str, default: str) -> Path:
    """The file ``meta[name_key]`` of ``folder``, after checking its SHA-256 (``*_sha256``)."""
    path = folder / str(meta.get(name_key, default))
    if not path.is_file():
        raise ModelNotFoundError(f"model file missing: {path}")
    expected = str(meta.get(name_key.replace("_file", "_sha256")))
    digest = file_sha256(path)
    if digest != expected:
        raise ModelIntegrityError(
            f"{path} does not match its metadata (sha256 {digest[:12]}… expected "
            f"{expected[:12]}…): refusing to load a changed model file"
        )
    return path


def _read_joblib(folder: Path, meta: Mapping[str, Any]) -> ComplaintClassifier:
    import joblib

    model_path = _verified(folder, meta, "model_file", MODEL_FILE)
    classifier = joblib.load(model_path)
    if not isinstance(classifier, ComplaintClassifier):
        raise ModelIntegrityError(f"{model_path} does not hold a ComplaintClassifier")
    return classifier


def _read_inference(folder: Path, meta: Mapping[str, Any]) -> ComplaintClassifier:
    # model.joblib is not shipped (only what inference needs is committed); when a training
    # run left it beside the model, it is checked now, so a changed file is refused here.
    if (folder / str(meta.get("model_file", MODEL_FILE))).is_file():
        _verified(folder, meta, "model_file", MODEL_FILE)
    path = _verified(folder, meta, "inference_file", INFERENCE_FILE)
    try:
        with np.load(path, allow_pickle=False) as data:
            compiled = CompiledLinear.from_arrays({k: data[k] for k in data.files})
        thresholds = dict(meta["thresholds"])
        preprocessor = TextPipeline(**meta["text_pipeline"])
    except (OSError, KeyError, ValueError, TypeError) as exc:
        raise ModelIntegrityError(f"unreadable model in {folder}: {exc!r}") from None
    reader = Reader(
        preprocessor, SafetyLexicon(meta.get("safety_signals_file")), CueSet(meta.get("cues_file"))
    )
    if reader.extra_names != compiled.extra_names:
        raise ModelIntegrityError(
            f"model at {folder} was trained with other cues ({', '.join(meta.get('cues', []))}) "
            f"than {reader.cues.path or 'the shipped cue file'} defines: use that cue file, or "
            "retrain the model"
        )

    def estimators() -> tuple[Any, dict[str, Any]]:
        if not (folder / str(meta.get("model_file", MODEL_FILE))).is_file():
            raise ModelNotFoundError(
                f"{folder / MODEL_FILE} is not here: a shipped model holds only what "
                "classifying needs (inference.npz). To inspect or refit the scikit-learn "
                "estimators, retrain this version with scripts/build_dataset.py and "
                f"scripts/train.py --version {meta.get('version', 'X.Y.Z')} (same data hash and "
                "seed: see metadata.json), which writes model.joblib beside it"
            )
        full = _read_joblib(folder, meta)
        return full.features, full.heads

    return ComplaintClassifier.from_compiled(
        compiled,
        estimators,
        reader=reader,
        thresholds=Thresholds(**thresholds),
        explain_terms=int(meta.get("explain_terms", 5)),
    )


def load(path: str | Path | None = None) -> ComplaintClassifier:
    """Load a model, verifying its hashes and library versions first (see the module docs).

    ``path``: a version folder, a model folder (its newest version is used) or ``None`` for the
    shipped default model.
    """
    folder = resolve_model_dir(path)
    try:
        meta = json.loads((folder / METADATA_FILE).read_text())
    except (OSError, json.JSONDecodeError) as exc:
        raise ModelIntegrityError(f"unreadable metadata in {folder}: {exc}") from None
    if not isinstance(meta, dict):
        raise ModelIntegrityError(f"unreadable metadata in {folder}: not a JSON object")
    if meta.get("model_format", 1) != MODEL_FORMAT:
        saved_by = meta.get("library_versions", {}).get("complaint_nlp", "an older release")
        raise ModelIntegrityError(
            f"model at {folder} is in format {meta.get('model_format', 1)} (saved by "
            f"complaint_nlp {saved_by}); this release reads format {MODEL_FORMAT}. Retrain it "
            "with scripts/train.py."
        )
    _check_versions(meta.get("library_versions", {}), folder)
    if "inference_file" in meta:
        classifier = _read_inference(folder, meta)
    else:
        classifier = _read_joblib(folder, meta)
    classifier.metadata = meta
    return classifier
