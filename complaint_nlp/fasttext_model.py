"""fastText as a scikit-learn classifier over preprocessed texts."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.validation import check_is_fitted

from complaint_nlp._validation import ensure_texts

__all__ = ["FastTextClassifier"]

_PREFIX = "__label__"


class FastTextClassifier(ClassifierMixin, BaseEstimator):  # type: ignore[misc]
    """A supervised fastText model (subword n-grams, word bigrams) with ``predict_proba``.

    Training is single-threaded with a fixed ``seed``, so a fit is reproducible. The fitted
    model pickles as fastText's own binary format.
    """

    def __init__(
        self,
        *,
        epoch: int = 25,
        lr: float = 0.5,
        dim: int = 50,
        word_ngrams: int = 2,
        minn: int = 3,
        maxn: int = 5,
        bucket: int = 200_000,
        class_weight: str | None = None,
        seed: int = 0,
    ) -> None:
        self.epoch = epoch
        self.lr = lr
        self.dim = dim
        self.word_ngrams = word_ngrams
        self.minn = minn
        self.maxn = maxn
        self.bucket = bucket
        self.class_weight = class_weight
        self.seed = seed

    def fit(
        self, X: Sequence[str], y: Sequence[str], sample_weight: Any = None
    ) -> FastTextClassifier:
        texts = ensure_texts(X, "X")
        labels = np.asarray(y)
        if len(texts) != len(labels):
            raise ValueError(f"X has {len(texts)} texts but y has {len(labels)} labels")
        self.classes_ = np.unique(labels)
        weights = np.ones(len(texts)) if sample_weight is None else np.asarray(sample_weight, float)
        if self.class_weight == "balanced":
            # Scaled so that the most frequent class keeps weight 1.
            counts = {c: int(np.sum(labels == c)) for c in self.classes_}
            weights = weights * np.array([max(counts.values()) / counts[c] for c in labels])
        # fastText has no sample weights: a weighted example is repeated (rounded weight >= 1).
        repeats = np.maximum(1, np.rint(weights)).astype(int)
        fd, path = tempfile.mkstemp(suffix=".txt")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                for text, label, n in zip(texts, labels, repeats, strict=True):
                    line = f"{_PREFIX}{label} {' '.join(text.split())}\n"
                    f.write(line * int(n))
            import fasttext  # imported on use: loading a linear model needs no fastText

            self.model_ = fasttext.train_supervised(
                input=path,
                epoch=self.epoch,
                lr=self.lr,
                dim=self.dim,
                wordNgrams=self.word_ngrams,
                minn=self.minn,
                maxn=self.maxn,
                bucket=self.bucket,
                seed=self.seed,
                thread=1,
                verbose=0,
            )
        finally:
            os.unlink(path)
        return self

    def predict_proba(self, X: Sequence[str]) -> NDArray[np.float64]:
        check_is_fitted(self, "model_")
        texts = [" ".join(t.split()) for t in ensure_texts(X, "X")]
        k = len(self.classes_)
        index = {f"{_PREFIX}{c}": i for i, c in enumerate(self.classes_)}
        out = np.zeros((len(texts), k))
        labels, probs = self.model_.predict(texts, k=k, threshold=0.0)
        for row, (names, values) in enumerate(zip(labels, probs, strict=True)):
            for name, value in zip(names, values, strict=True):
                out[row, index[name]] = value
        total = out.sum(axis=1, keepdims=True)
        return np.asarray(out / np.where(total == 0, 1, total), dtype=np.float64)

    def predict(self, X: Sequence[str]) -> NDArray[Any]:
        return np.asarray(self.classes_[self.predict_proba(X).argmax(axis=1)])

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        if "model_" in state:
            fd, path = tempfile.mkstemp(suffix=".bin")
            os.close(fd)
            try:
                state["model_"].save_model(path)
                with open(path, "rb") as f:
                    state["model_"] = f.read()
            finally:
                os.unlink(path)
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        model = state.get("model_")
        if isinstance(model, bytes):
            fd, path = tempfile.mkstemp(suffix=".bin")
            try:
                with os.fdopen(fd, "wb") as f:
                    f.write(model)
                import fasttext

                state["model_"] = fasttext.load_model(path)
            finally:
                os.unlink(path)
        self.__dict__.update(state)
