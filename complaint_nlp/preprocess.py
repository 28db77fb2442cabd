"""The text pipeline as one scikit-learn transformer: PII, normalise, slang, stop words, stem."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Set
from dataclasses import dataclass
from typing import Any

from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from complaint_nlp._resources import PathLike
from complaint_nlp._validation import ensure_text, ensure_texts
from complaint_nlp.normalize import normalize
from complaint_nlp.pii import mask_pii
from complaint_nlp.slang import load_slang
from complaint_nlp.stem import Stemmer
from complaint_nlp.stopwords import load_stopwords

__all__ = ["Analysis", "TextPreprocessor"]


@dataclass(frozen=True)
class Analysis:
    """One text after preprocessing.

    ``clean`` is the normalised, slang-expanded text (before stop words and stemming);
    ``pairs`` holds, for each token the models see, the writer's word it came from.
    """

    clean: str
    pairs: list[tuple[str, str]]

    @property
    def text(self) -> str:
        """The preprocessed text: the tokens, space-separated."""
        return " ".join(token for _, token in self.pairs)


class TextPreprocessor(TransformerMixin, BaseEstimator):  # type: ignore[misc]
    """Turns raw complaint texts into cleaned, stemmed token strings.

    Steps: :func:`~complaint_nlp.mask_pii`, :func:`~complaint_nlp.normalize`, then per token
    :func:`~complaint_nlp.expand_slang`, :func:`~complaint_nlp.remove_stopwords` and
    :meth:`Stemmer.stem_word`; the output equals composing those pure functions on the whole
    text, but one pass also records which of the writer's words each token came from.
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

    def analyze(self, text: str) -> Analysis:
        """Preprocess one text, keeping which of the writer's words each token came from."""
        check_is_fitted(self, "slang_table_")
        words = normalize(mask_pii(ensure_text(text))).split()
        slang, stopwords, stemmer = self.slang_table_, self.stopwords_, self.stemmer_
        clean: list[str] = []
        pairs: list[tuple[str, str]] = []
        for word in words:
            expanded = slang.get(word, word)
            for part in expanded.split() if expanded is not word else (word,):
                clean.append(part)
                if part not in stopwords:
                    pairs.append((word, stemmer.stem_word(part) if stemmer else part))
        return Analysis(clean=" ".join(clean), pairs=pairs)

    def transform_one(self, text: str) -> str:
        """Preprocess a single text."""
        return self.analyze(text).text

    def transform(self, X: Iterable[str]) -> list[str]:
        """Preprocess every text of ``X``."""
        return [self.transform_one(text) for text in ensure_texts(X, "X")]

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.input_tags.string = True
        tags.input_tags.two_d_array = False
        tags.requires_fit = True
        return tags
