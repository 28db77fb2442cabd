"""The text pipeline as one scikit-learn transformer: PII, normalise, slang, stop words, stem."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from complaint_nlp._resources import PathLike
from complaint_nlp._validation import ensure_texts
from complaint_nlp.pipeline import Analysis, TextPipeline

__all__ = ["Analysis", "TextPreprocessor"]


class TextPreprocessor(TransformerMixin, BaseEstimator):  # type: ignore[misc]
    """:class:`~complaint_nlp.pipeline.TextPipeline` as a scikit-learn transformer: turns raw
    complaint texts into cleaned, stemmed token strings (same parameters).

    >>> TextPreprocessor().fit_transform(["Jln di dpn rmh sdh rusak parahhh, gak diperbaiki2"])
    ['jalan depan rumah sudah rusak parah tidak baik']
    """

    # The parameters repeat TextPipeline's on purpose: scikit-learn reads an estimator's
    # parameters from its __init__ signature (get_params, clone).
    def __init__(
        self,
        *,
        slang: bool = True,
        stopwords: bool = True,
        stem: bool = True,
        slang_path: PathLike | None = None,
        stopwords_path: PathLike | None = None,
        stem_exceptions_path: PathLike | None = None,
    ) -> None:
        self.slang = slang
        self.stopwords = stopwords
        self.stem = stem
        self.slang_path = slang_path
        self.stopwords_path = stopwords_path
        self.stem_exceptions_path = stem_exceptions_path

    def fit(self, X: Iterable[str] | None = None, y: Any = None) -> TextPreprocessor:
        """Load the word lists; the texts themselves teach this transformer nothing."""
        if X is not None:
            ensure_texts(X, "X")
        self.pipeline_ = TextPipeline(**self.get_params())
        return self

    def analyze(self, text: str) -> Analysis:
        """Preprocess one text, keeping which of the writer's words each token came from."""
        return self._fitted().analyze(text)

    def transform_one(self, text: str) -> str:
        """Preprocess a single text."""
        return self._fitted().transform_one(text)

    def transform(self, X: Iterable[str]) -> list[str]:
        """Preprocess every text of ``X``."""
        return self._fitted().transform(X)

    def _fitted(self) -> TextPipeline:
        check_is_fitted(self, "pipeline_")
        return self.pipeline_

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True
        tags.input_tags.two_d_array = False
        tags.requires_fit = True
        return tags
