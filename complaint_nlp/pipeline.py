"""The text pipeline as a plain object: PII, normalise, slang, stop words, stem.

:class:`TextPipeline` holds no scikit-learn state, so a model can be loaded and run without
importing scikit-learn; :class:`complaint_nlp.TextPreprocessor` wraps it as a transformer.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from complaint_nlp._resources import PathLike
from complaint_nlp._validation import ensure_text, ensure_texts
from complaint_nlp.normalize import normalize
from complaint_nlp.pii import mask_pii
from complaint_nlp.slang import load_slang
from complaint_nlp.stem import Stemmer
from complaint_nlp.stopwords import load_stopwords

__all__ = ["Analysis", "TextPipeline"]

#: Words whose expansion and stems a pipeline remembers (about 400 bytes each at most).
_WORD_MEMO = 100_000


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


class TextPipeline:
    """Turns raw complaint texts into cleaned, stemmed token strings.

    Steps: :func:`~complaint_nlp.mask_pii`, :func:`~complaint_nlp.normalize`, then per token
    :func:`~complaint_nlp.expand_slang`, :func:`~complaint_nlp.remove_stopwords` and
    :meth:`Stemmer.stem_word`; the output equals composing those pure functions on the whole
    text, but one pass also records which of the writer's words each token came from.
    Word lists default to the shipped files; pass a path to use your own.

    >>> TextPipeline().transform_one("Jln di dpn rmh sdh rusak parahhh, gak diperbaiki2")
    'jalan depan rumah sudah rusak parah tidak baik'
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
        self.params: dict[str, Any] = {
            "slang": slang,
            "stopwords": stopwords,
            "stem": stem,
            "slang_path": slang_path,
            "stopwords_path": stopwords_path,
            "stem_exceptions_path": stem_exceptions_path,
        }
        self.slang = load_slang(slang_path) if slang else {}
        self.stopwords = load_stopwords(stopwords_path) if stopwords else frozenset()
        self.stemmer = Stemmer(stem_exceptions_path) if stem else None
        self._words: dict[str, tuple[list[str], list[tuple[str, str]]]] = {}

    def __getstate__(self) -> dict[str, Any]:
        # The stop words in a fixed order: a set pickles in the order of its string hashes,
        # which changes from process to process (see persistence.save).
        state = {**self.__dict__, "stopwords": sorted(self.stopwords)}
        state.pop("_words", None)
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state, stopwords=frozenset(state["stopwords"]), _words={})

    def analyze(self, text: str) -> Analysis:
        """Preprocess one text, keeping which of the writer's words each token came from."""
        words = normalize(mask_pii(ensure_text(text))).split()
        slang, stopwords, stemmer = self.slang, self.stopwords, self.stemmer
        clean: list[str] = []
        pairs: list[tuple[str, str]] = []
        # Each distinct word is expanded and stemmed once, then remembered (a memo bounded at
        # _WORD_MEMO words), as words recur within a text and from text to text: a 20,000-
        # character text of one repeated word took 28 ms, mostly stemming the same word again
        # (2026-11-30). Remembered across texts, classify_batch of 3,000 200-character
        # complaints went 2,827-2,952 -> 3,137-3,269/s side by side (2026-12-01).
        done = self._words
        for word in words:
            seen = done.get(word)
            if seen is None:
                expanded = slang.get(word, word)
                parts = expanded.split() if expanded is not word else [word]
                kept = [
                    (word, stemmer.stem_word(part) if stemmer else part)
                    for part in parts
                    if part not in stopwords
                ]
                if len(done) >= _WORD_MEMO:
                    done.clear()
                seen = done[word] = (parts, kept)
            clean += seen[0]
            pairs += seen[1]
        return Analysis(clean=" ".join(clean), pairs=pairs)

    def transform_one(self, text: str) -> str:
        """Preprocess a single text."""
        return self.analyze(text).text

    def transform(self, texts: Iterable[str]) -> list[str]:
        """Preprocess every text."""
        return [self.transform_one(text) for text in ensure_texts(texts, "X")]
