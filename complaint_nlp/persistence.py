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

import contextlib
import dataclasses
import json
import logging
import math
import os
import platform
import re
import shutil
import tempfile
import zipfile
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
from complaint_nlp.exceptions import ComplaintNLPError, ModelIntegrityError, ModelNotFoundError
from complaint_nlp.labels import HEADS
from complaint_nlp.lexicon import SafetyLexicon
from complaint_nlp.pipeline import TextPipeline
from complaint_nlp.reading import Reader

__all__ = [
    "DEFAULT_MODEL",
    "MODELS_DIR",
    "VERSION",
    "add_rebuilt_model_file",
    "library_versions",
    "load",
    "model_summary",
    "read_metadata",
    "save",
]

log = logging.getLogger("complaint_nlp")

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
#: Version folders are named by dotted numbers (``1.7.0``); anything else beside them (a
#: ``latest`` link, a backup) is skipped rather than compared with them.
#: How a version folder is named (load() skips others, such as a "latest" copy).
VERSION = re.compile(r"\d+(?:\.\d+)*")
#: The word lists and lexicon a model may override; saved as copies inside its version folder.
_DATA_PATHS = ("slang_path", "stopwords_path", "stem_exceptions_path")
#: A short complaint every usable model must classify: load() runs it, so that a model which
#: loads but cannot classify is refused at load rather than on every request.
CANARY = "Pohon tumbang menutup jalan, kabel listrik putus. Mohon segera!"


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
    """Write the model, its metadata (completed with hash, labels and versions) and its card.

    The files are written into a scratch folder beside ``directory`` and moved in once all are
    written, the metadata last: a save stopped half-way (Ctrl-C while the 22 MB model.joblib
    was written left it cut short, a data scientist's trial, 2026-12-01) leaves no partial
    file, and a folder without its metadata is an unfinished one."""
    directory.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=f".{directory.name}.", dir=directory.parent))
    try:
        _write(classifier, scratch, metadata=metadata, card=card)
        written = sorted(path.name for path in scratch.iterdir() if path.name != METADATA_FILE)
        for name in [*written, METADATA_FILE]:
            os.replace(scratch / name, directory / name)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return directory


def _write(
    classifier: ComplaintClassifier, directory: Path, *, metadata: dict[str, Any], card: str
) -> None:
    import joblib

    model_path = directory / MODEL_FILE
    # The same model pickles to the same bytes, so that a published version's model.joblib can
    # be rebuilt and checked against its hash (scripts/train.py --replace): a vectoriser keeps
    # the address of its stop word list as a cache key (a new number in every process; it is
    # set again when needed), and the text pipeline's stop words pickle sorted.
    for vectorizer in _vectorizers(classifier._features):
        vectorizer.__dict__.pop("_stop_words_id", None)
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
    pipeline = {
        key: _copy_into(directory, value) if key in _DATA_PATHS else value
        for key, value in classifier.reader.preprocessor.params.items()
    }
    full = {
        **metadata,
        "model_format": MODEL_FORMAT,
        "backend": classifier.backend,
        "labels": classifier.labels,
        "thresholds": dataclasses.asdict(classifier.thresholds),
        "text_pipeline": pipeline,
        "safety_signals_file": _copy_into(directory, classifier.reader.lexicon.path),
        "cues_file": _copy_into(directory, classifier.reader.cues.path),
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


def add_rebuilt_model_file(
    classifier: ComplaintClassifier, folder: Path, *, metadata: dict[str, Any], card: str
) -> list[str]:
    """Give the published version at ``folder`` the ``model.joblib`` a clone lacks:
    ``classifier`` (its recorded recipe refitted on its recorded data) is saved beside it, and
    its model file is copied in only if the rebuilt files hash as the published ones. Returns
    the files that differ (the code or its libraries changed): then ``folder`` is untouched."""
    _, published = read_metadata(folder)
    rebuilt = folder.with_name(f".{folder.name}.rebuild")
    shutil.rmtree(rebuilt, ignore_errors=True)  # left by a run that was stopped
    try:
        save(classifier, rebuilt, metadata=metadata, card=card)
        fresh = json.loads((rebuilt / METADATA_FILE).read_text(encoding="utf-8"))
        hashes = ((INFERENCE_FILE, "inference_sha256"), (MODEL_FILE, "model_sha256"))
        differ = [name for name, key in hashes if fresh.get(key) != published.get(key)]
        if not differ:  # moved in whole: a stopped copy would leave a cut-short file
            os.replace(rebuilt / MODEL_FILE, folder / MODEL_FILE)
        return differ
    finally:
        shutil.rmtree(rebuilt, ignore_errors=True)


def _vectorizers(features: Any) -> list[Any]:
    """The text vectorisers inside ``features`` (a FeatureUnion of pipelines; ``None``: none)."""
    parts = getattr(features, "transformer_list", [])
    return [step for _, part in parts for _, step in part.steps if hasattr(step, "vocabulary_")]


def _copy_into(directory: Path, path: str | Path | None) -> str | None:
    """A data file the model uses, copied into its version folder: the saved model then needs
    nothing outside that folder, and load() refuses references that lead out of it."""
    if path is None:
        return None
    source = Path(path)
    target = directory / source.name
    if source.resolve() != target.resolve():
        if target.exists():
            raise ModelIntegrityError(
                f"{target} exists: two data files of the model are both named {source.name!r}"
            )
        shutil.copyfile(source, target)
    return source.name


def _latest(model_dir: Path) -> Path:
    versions = []
    for path in model_dir.iterdir():
        if not (path / METADATA_FILE).is_file():
            continue
        if VERSION.fullmatch(path.name) is None:
            log.warning("skipping %s: not a version folder (name it like 1.7.0)", path)
            continue
        versions.append(path)
    if not versions:
        raise ModelNotFoundError(f"no model version under {model_dir}")
    return max(versions, key=lambda p: tuple(int(x) for x in p.name.split(".")))


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


def _inside(folder: Path, name: object, what: str) -> Path:
    """The file ``name`` of the version ``folder``: a plain file name, never a path leading out of
    the folder (the metadata is a file like any other, so it is checked as one)."""
    if not isinstance(name, str) or Path(name).name != name or name in ("", ".", ".."):
        raise ModelIntegrityError(
            f"{folder / METADATA_FILE}: {what} must be a file name inside {folder}, got {name!r}"
        )
    path = folder / name
    if not path.resolve().is_relative_to(folder.resolve()):
        raise ModelIntegrityError(f"{path}: {what} leads outside the model folder {folder}")
    if not path.is_file():
        raise ModelNotFoundError(f"model file missing: {path} ({what})")
    return path


def _verified(folder: Path, meta: Mapping[str, Any], name_key: str, default: str) -> Path:
    """The file ``meta[name_key]`` of ``folder``, after checking its SHA-256 (``*_sha256``)."""
    path = _inside(folder, meta.get(name_key, default), name_key)
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


def _probability(value: object, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ModelIntegrityError(f"{where} must be a finite number, got {value!r}")
    if not 0.0 <= value <= 1.0:
        raise ModelIntegrityError(f"{where} must be a probability in [0, 1], got {value!r}")
    return float(value)


def _thresholds(folder: Path, meta: Mapping[str, Any]) -> Thresholds:
    """The decision thresholds of ``meta``, each checked: bars are probabilities, ``low_weight``
    multiplies P(low) against P(medium), so it is a finite positive weight (1.5 in 1.7.0)."""
    where = f"{folder / METADATA_FILE}: thresholds"
    raw = meta.get("thresholds")
    expected = {"high", "high_with_signal", "escalate", "low_weight", "review"}
    if not isinstance(raw, dict) or set(raw) != expected:
        raise ModelIntegrityError(f"{where} must be an object with keys {sorted(expected)}")
    weight = raw["low_weight"]
    if (
        isinstance(weight, bool)
        or not isinstance(weight, int | float)
        or not (math.isfinite(weight) and weight > 0)
    ):
        raise ModelIntegrityError(f"{where}.low_weight must be a finite number > 0, got {weight!r}")
    review = raw["review"]
    if not isinstance(review, dict) or set(review) != set(HEADS):
        raise ModelIntegrityError(f"{where}.review must be an object with keys {list(HEADS)}")
    return Thresholds(
        high=_probability(raw["high"], f"{where}.high"),
        high_with_signal=_probability(raw["high_with_signal"], f"{where}.high_with_signal"),
        escalate=_probability(raw["escalate"], f"{where}.escalate"),
        low_weight=float(weight),
        review={h: _probability(review[h], f"{where}.review.{h}") for h in HEADS},
    )


def _data_path(folder: Path, value: object, what: str) -> Path | None:
    return None if value is None else _inside(folder, value, what)


def _pipeline(folder: Path, meta: Mapping[str, Any]) -> TextPipeline:
    params = meta.get("text_pipeline")
    flags = ("slang", "stopwords", "stem")
    if (
        not isinstance(params, dict)
        or set(params) != {*flags, *_DATA_PATHS}
        or not all(isinstance(params[f], bool) for f in flags)
    ):
        raise ModelIntegrityError(
            f"{folder / METADATA_FILE}: text_pipeline must hold the flags {list(flags)} "
            f"(true/false) and the paths {list(_DATA_PATHS)}"
        )
    paths = {key: _data_path(folder, params[key], f"text_pipeline.{key}") for key in _DATA_PATHS}
    try:
        return TextPipeline(
            slang=params["slang"],
            stopwords=params["stopwords"],
            stem=params["stem"],
            slang_path=paths["slang_path"],
            stopwords_path=paths["stopwords_path"],
            stem_exceptions_path=paths["stem_exceptions_path"],
        )
    except ComplaintNLPError as exc:  # a word list that does not parse
        raise ModelIntegrityError(f"model at {folder}: {exc}") from None


def _read_inference(folder: Path, meta: Mapping[str, Any]) -> ComplaintClassifier:
    # model.joblib is not shipped (only what inference needs is committed); when a training
    # run left it beside the model, it is checked now, so a changed file is refused here.
    with contextlib.suppress(ModelNotFoundError):
        _verified(folder, meta, "model_file", MODEL_FILE)
    path = _verified(folder, meta, "inference_file", INFERENCE_FILE)
    try:
        # Opened here: np.load leaks its own handle when the file is not a zip archive.
        with path.open("rb") as file, np.load(file, allow_pickle=False) as data:
            compiled = CompiledLinear.from_arrays({k: data[k] for k in data.files})
    # A file whose hash matches can still be malformed (its metadata was rewritten with it):
    # whatever reading it raises is an integrity problem of that file.
    except (OSError, EOFError, zipfile.BadZipFile, LookupError, ValueError, TypeError,
            AttributeError) as exc:  # fmt: skip
        raise ModelIntegrityError(f"unreadable model file {path}: {exc!r}") from None
    explain_terms = meta.get("explain_terms", 5)
    if isinstance(explain_terms, bool) or not isinstance(explain_terms, int) or explain_terms < 0:
        raise ModelIntegrityError(
            f"{folder / METADATA_FILE}: explain_terms must be a whole number >= 0, "
            f"got {explain_terms!r}"
        )
    reader = Reader(
        _pipeline(folder, meta),
        # Compiled by load()'s sample classification: a broken pattern is refused there.
        SafetyLexicon(_data_path(folder, meta.get("safety_signals_file"), "safety_signals_file")),
        CueSet(_data_path(folder, meta.get("cues_file"), "cues_file")),
    )
    if reader.extra_names != compiled.extra_names:
        raise ModelIntegrityError(
            f"model at {folder} was trained with other cues ({', '.join(meta.get('cues', []))}) "
            f"than {reader.cues.path or 'the shipped cue file'} defines: use that cue file, or "
            "retrain the model"
        )

    def estimators() -> tuple[Any, dict[str, Any]]:
        try:
            full = _read_joblib(folder, meta)
        except ModelNotFoundError:
            raise ModelNotFoundError(
                f"{folder / MODEL_FILE} is not here: a shipped model holds only what "
                "classifying needs (inference.npz). To inspect or refit the scikit-learn "
                "estimators, retrain this version with scripts/build_dataset.py and "
                f"scripts/train.py --version {meta.get('version', 'X.Y.Z')} --replace, which "
                "refits its recorded recipe on the same table (data hash in metadata.json) and "
                "adds model.joblib if it rebuilds the published model byte for byte"
            ) from None
        return full.features, full.heads

    return ComplaintClassifier.from_compiled(
        compiled,
        estimators,
        reader=reader,
        thresholds=_thresholds(folder, meta),
        explain_terms=explain_terms,
    )


def read_metadata(path: str | Path | None = None) -> tuple[Path, dict[str, Any]]:
    """The version folder of the model at ``path`` (as for :func:`load`) and its metadata,
    checked for format and library versions; the model files are not read."""
    folder = resolve_model_dir(path)
    try:
        meta = json.loads((folder / METADATA_FILE).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ModelIntegrityError(f"unreadable metadata {folder / METADATA_FILE}: {exc}") from None
    if not isinstance(meta, dict):
        raise ModelIntegrityError(f"unreadable metadata {folder / METADATA_FILE}: not an object")
    versions = meta.get("library_versions", {})
    if not isinstance(versions, dict) or not all(isinstance(v, str) for v in versions.values()):
        raise ModelIntegrityError(
            f"{folder / METADATA_FILE}: library_versions must map package names to versions"
        )
    if meta.get("model_format", 1) != MODEL_FORMAT:
        saved_by = versions.get("complaint_nlp", "an older release")
        raise ModelIntegrityError(
            f"model at {folder} is in format {meta.get('model_format', 1)!r} (saved by "
            f"complaint_nlp {saved_by}); this release reads format {MODEL_FORMAT}. Retrain it "
            "with scripts/train.py."
        )
    _check_versions(versions, folder)
    _thresholds(folder, meta)
    return folder, meta


def load(path: str | Path | None = None) -> ComplaintClassifier:
    """Load a model, verifying its hashes and library versions first (see the module docs).

    ``path``: a version folder, a model folder (its newest version is used) or ``None`` for the
    shipped default model. Every metadata field that loading uses is checked (thresholds are
    finite and in range, referenced files lie inside the version folder), and the model
    classifies :data:`CANARY` before it is returned; any failure is a
    :class:`ModelIntegrityError` or :class:`ModelNotFoundError` naming the path.
    """
    folder, meta = read_metadata(path)
    if "inference_file" in meta:
        classifier = _read_inference(folder, meta)
    else:
        classifier = _read_joblib(folder, meta)
    classifier.metadata = meta
    try:
        classifier.classify(CANARY)
    # Whatever a loaded model raises on a plain complaint means it cannot be used.
    except Exception as exc:
        raise ModelIntegrityError(
            f"model at {folder} fails on a sample complaint: {exc!r}"
        ) from exc
    return classifier


def model_summary(meta: Mapping[str, Any]) -> dict[str, Any]:
    """What a model is, how it was fitted and how it scored, from its metadata: the one summary
    the CLI's ``info`` and the service's ``GET /v1/model`` show."""
    metrics = meta.get("metrics", {})
    urgency = metrics.get("urgency", {})
    return {
        "name": meta.get("name"),
        "version": meta.get("version"),
        "backend": meta.get("backend"),
        "labels": meta.get("labels"),
        "thresholds": meta.get("thresholds"),
        "cues": meta.get("cues"),
        "data": meta.get("data"),
        "fitted_on": meta.get("fitted_on"),
        "gold_test": {
            head: {k: metrics.get(head, {}).get(k) for k in ("accuracy", "macro_f1")}
            for head in ("category", "urgency")
        }
        | {
            "high_recall": urgency.get("high_recall"),
            "high_precision": urgency.get("high_precision"),
            "escalate": urgency.get("escalate"),
            "unit": metrics.get("unit"),
        },
        "library_versions": meta.get("library_versions"),
    }
