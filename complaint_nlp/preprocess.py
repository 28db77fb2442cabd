"""The text pipeline as one scikit-learn transformer: PII, normalise, slang, stop words, stem."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Set
from typing import Any

from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from complaint_nlp._resources import PathLike
from complaint_nlp._validation import ensure_text, ensure_texts
from complaint_nlp.normalize import normalize
from complaint_nlp.pii import mask_pii
from complaint_nlp.slang import expand_slang, load_slang
from complaint_nlp.stem import Stemmer
from complaint_nlp.stopwords import load_stopwords, remove_stopwords

__all__ = ["TextPreprocessor"]


class TextPreprocessor(TransformerMixin, BaseEstimator):  # type: ignore[misc]
    """Turns raw complaint texts into cleaned, stemmed token strings.

    Steps, each a pure ``str -> str`` function: :func:`~complaint_nlp.mask_pii`,
    :func:`~complaint_nlp.normalize`, :func:`~complaint_nlp.slang.expand_slang`,
    :func:`~complaint_nlp.stopwords.remove_stopwords`, :meth:`Stemmer.stem_text`.
    Word lists default to the shipped files; pass a path to use your own.

    >>> TextPreprocessor().fit_transform(["Jln di dpn rmh sdh rusak parahhh, gak diperbaiki2"])
    ['jalan depan rumah sudah rusak parah tidak baik']
    """

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
        self.slang_table_: Mapping[str, str] = load_slang(self.slang_path) if self.slang else {}
        self.stopwords_: Set[str] = (
            load_stopwords(self.stopwords_path) if self.stopwords else frozenset()
        )
        self.stemmer_ = Stemmer(self.stem_exceptions_path) if self.stem else None
        return self

    def transform_one(self, text: str) -> str:
        """Preprocess a single text."""
        check_is_fitted(self, "slang_table_")
        out = normalize(mask_pii(ensure_text(text)))
        if self.slang:
            out = expand_slang(out, self.slang_table_)
        if self.stopwords:
            out = remove_stopwords(out, self.stopwords_)
        if self.stemmer_ is not None:
            out = self.stemmer_.stem_text(out)
        return out

    def transform(self, X: Iterable[str]) -> list[str]:
        """Preprocess every text of ``X``."""
        return [self.transform_one(text) for text in ensure_texts(X, "X")]

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True
        tags.input_tags.two_d_array = False
        tags.requires_fit = True
        return tags
