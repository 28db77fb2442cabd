"""Saving and loading models: ``models/<name>/<version>/`` with the model, its metadata and card.

``model.joblib`` is the fitted :class:`~complaint_nlp.classifier.ComplaintClassifier`;
``metadata.json`` records the label sets, thresholds, training data hash, split dates, metrics,
library versions and the SHA-256 of ``model.joblib``; ``MODEL_CARD.md`` describes it for people.

joblib (pickle) runs code while it loads a file, so :func:`load` first checks the file's SHA-256
against the metadata and the installed library versions against those it was saved with, and
refuses a mismatch. This protects against a corrupted or swapped file next to its metadata, not
against someone who can rewrite both: load only models from a source you trust.
"""

from __future__ import annotations

import json
import platform
from importlib import metadata as importlib_metadata
from pathlib import Path
from typing import Any

import joblib

from complaint_nlp.classifier import ComplaintClassifier
from complaint_nlp.dataset import file_sha256
from complaint_nlp.exceptions import ModelIntegrityError, ModelNotFoundError

__all__ = ["DEFAULT_MODEL", "MODELS_DIR", "library_versions", "load", "save"]

MODEL_FILE = "model.joblib"
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
    directory.mkdir(parents=True, exist_ok=True)
    model_path = directory / MODEL_FILE
    joblib.dump(classifier, model_path, compress=("zlib", 6))
    full = {
        **metadata,
        "backend": classifier.backend,
        "labels": classifier.labels,
        "thresholds": {
            "high": classifier.thresholds.high,
            "high_with_signal": classifier.thresholds.high_with_signal,
            "low_weight": classifier.thresholds.low_weight,
            "review": dict(classifier.thresholds.review),
        },
        "library_versions": library_versions(),
        "model_file": MODEL_FILE,
        "model_sha256": file_sha256(model_path),
        "model_bytes": model_path.stat().st_size,
    }
    (directory / METADATA_FILE).write_text(json.dumps(full, indent=2, sort_keys=True) + "\n")
    (directory / CARD_FILE).write_text(card)
    return directory


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


def load(path: str | Path | None = None) -> ComplaintClassifier:
    """Load a model, verifying its hash and library versions first (see the module docs).

    ``path``: a version folder, a model folder (its newest version is used) or ``None`` for the
    shipped default model.
    """
    folder = resolve_model_dir(path)
    try:
        meta = json.loads((folder / METADATA_FILE).read_text())
    except (OSError, json.JSONDecodeError) as exc:
        raise ModelIntegrityError(f"unreadable metadata in {folder}: {exc}") from None
    model_path = folder / meta.get("model_file", MODEL_FILE)
    if not model_path.is_file():
        raise ModelNotFoundError(f"model file missing: {model_path}")
    digest = file_sha256(model_path)
    if digest != meta.get("model_sha256"):
        raise ModelIntegrityError(
            f"{model_path} does not match its metadata (sha256 {digest[:12]}… expected "
            f"{str(meta.get('model_sha256'))[:12]}…): refusing to load a changed model file"
        )
    _check_versions(meta.get("library_versions", {}), folder)
    classifier = joblib.load(model_path)
    if not isinstance(classifier, ComplaintClassifier):
        raise ModelIntegrityError(f"{model_path} does not hold a ComplaintClassifier")
    classifier.metadata = meta
    return classifier
