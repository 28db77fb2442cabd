"""Stemming: the fourth text step, Sastrawi's ECS algorithm made fast and correctable.

Stock Sastrawi 1.0.1 looks every candidate up in a Python *list* of ~30,000 root words, so one
word costs up to hundreds of linear scans (measured here: 16 words/s on complaint vocabulary).
:class:`Stemmer` runs Sastrawi's own algorithm and dictionary unchanged, with the dictionary in a
``frozenset`` (constant-time lookups), a bounded LRU cache, and an exception file
(``data/stem_exceptions.tsv``: ``word<TAB>stem``) for the stems Sastrawi gets wrong
(``relawan`` -> ``rawan``, ``bekasi`` -> ``bekas``). On every word not in that file the output is
stock Sastrawi's.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping
from typing import Any

from Sastrawi.Stemmer.Stemmer import Stemmer as _SastrawiStemmer

from complaint_nlp._resources import PathLike, read_mapping, resolve, root_words
from complaint_nlp._validation import ensure_text

__all__ = ["DEFAULT_CACHE_SIZE", "MAX_STEMMED_CHARS", "Stemmer", "stem_text", "stem_word"]

DEFAULT_CACHE_SIZE = 100_000
# Only purely alphabetic words (optionally reduplicated with hyphens) are stemmed; numbers and
# placeholder tokens such as __url__ pass through untouched.
_STEMMABLE = re.compile(r"[a-z]+(?:-[a-z]+)*")
#: Longer tokens are no Indonesian word and pass through unstemmed: the longest with affixes
#: ("mempertanggungjawabkannya") has 25 letters and no token of the 10,064 Surabaya complaints
#: has more than 30, while Sastrawi's time grows with a word's length (measured 2026-11-30: 0.1 s
#: for "di" + "kan" * 6666, a 20,000-character hostile complaint of one word).
MAX_STEMMED_CHARS = 40


class _SetDictionary:
    """Sastrawi's dictionary interface (``contains``) over a set instead of a list."""

    def __init__(self, words: frozenset[str]) -> None:
        self.words = words

    def contains(self, word: str) -> bool:
        return word in self.words


class Stemmer:
    """Indonesian word stemmer: Sastrawi's output, constant-time lookups, an exception file.

    ``cache_size=0`` disables the cache (used to measure uncached throughput).
    Instances pickle by their parameters only; the dictionary is loaded again on first use.
    """

    def __init__(
        self, exceptions_path: PathLike | None = None, cache_size: int = DEFAULT_CACHE_SIZE
    ) -> None:
        if cache_size < 0:
            raise ValueError(f"cache_size must be >= 0, got {cache_size}")
        self.exceptions_path = exceptions_path
        self.cache_size = cache_size

    @functools.cached_property
    def exceptions(self) -> Mapping[str, str]:
        """Words whose stem is fixed by the exception file."""
        return read_mapping(resolve(self.exceptions_path, "stem_exceptions.tsv"))

    @functools.cached_property
    def _stem(self) -> Callable[[str], str]:
        sastrawi = _SastrawiStemmer(_SetDictionary(root_words()))
        exceptions = self.exceptions

        def stem(word: str) -> str:
            fixed = exceptions.get(word)
            if fixed is not None:
                return fixed
            return str(sastrawi.stem_word(word))

        cached = functools.lru_cache(maxsize=self.cache_size)(stem) if self.cache_size else stem

        self._cache = cached

        def stem_or_keep(word: str) -> str:
            # Numbers and placeholders pass by the cache, so that a stream of house numbers and
            # dates cannot evict the words.
            if len(word) <= MAX_STEMMED_CHARS and _STEMMABLE.fullmatch(word):
                return cached(word)
            return exceptions.get(word, word)

        return stem_or_keep

    def cache_info(self) -> Any:
        """The LRU cache's statistics (``None`` when the cache is off)."""
        self._stem  # noqa: B018 - builds the cache on first use
        return getattr(self._cache, "cache_info", lambda: None)()

    def stem_word(self, word: str) -> str:
        """The stem of one lower-case word."""
        return self._stem(ensure_text(word, "word"))

    def stem_text(self, text: str) -> str:
        """Stem every space-separated token of normalised ``text``."""
        ensure_text(text)
        stem = self._stem
        return " ".join(stem(token) for token in text.split())

    def __getstate__(self) -> dict[str, Any]:
        return {"exceptions_path": self.exceptions_path, "cache_size": self.cache_size}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)

    def __repr__(self) -> str:
        return f"Stemmer(exceptions_path={self.exceptions_path!r}, cache_size={self.cache_size})"


@functools.lru_cache(maxsize=1)
def _default_stemmer() -> Stemmer:
    return Stemmer()


def stem_word(word: str) -> str:
    """The stem of ``word`` with the shipped exception file.

    >>> stem_word("perbaikan"), stem_word("relawan"), stem_word("tidak")
    ('baik', 'relawan', 'tidak')
    """
    return _default_stemmer().stem_word(word)


def stem_text(text: str) -> str:
    """Stem every token of normalised ``text`` with the shipped exception file."""
    return _default_stemmer().stem_text(text)
