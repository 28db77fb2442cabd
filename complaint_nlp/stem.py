"""Stemming: the fourth text step, Sastrawi's ECS algorithm made fast and correctable.

Stock Sastrawi 1.0.1 looks every candidate up in a Python *list* of ~30,000 root words, so one
word costs up to hundreds of linear scans (measured here: 16 words/s on complaint vocabulary).
:class:`Stemmer` runs Sastrawi's own algorithm and dictionary unchanged, with the dictionary in a
``frozenset`` (constant-time lookups), prefix rules tried only where they can match (below), a
bounded LRU cache, and an exception file
(``data/stem_exceptions.tsv``: ``word<TAB>stem``) for the stems Sastrawi gets wrong
(``relawan`` -> ``rawan``, ``bekasi`` -> ``bekas``). On every word not in that file the output is
stock Sastrawi's.
"""

from __future__ import annotations

import functools
import inspect
import re
from collections.abc import Callable, Mapping, Sequence
from re import _constants as _sre
from re import _parser as _sre_parse
from typing import Any

from Sastrawi.Stemmer.Context.Context import Context as _SastrawiContext
from Sastrawi.Stemmer.Context.Removal import Removal as _Removal
from Sastrawi.Stemmer.Context.Visitor.RemoveDerivationalSuffix import (
    RemoveDerivationalSuffix as _RemoveDerivational,
)
from Sastrawi.Stemmer.Context.Visitor.RemoveInflectionalParticle import (
    RemoveInflectionalParticle as _RemoveParticle,
)
from Sastrawi.Stemmer.Context.Visitor.RemoveInflectionalPossessivePronoun import (
    RemoveInflectionalPossessivePronoun as _RemovePossessive,
)
from Sastrawi.Stemmer.Context.Visitor.VisitorProvider import VisitorProvider as _SastrawiVisitors
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


#: A disambiguator's first ``re.match`` pattern in its source: it returns nothing unless this
#: pattern matches the word (Sastrawi 1.0.1's rules 1-42 are all written so).
_GATE = re.compile(r"""re\.match\(r?(['"])(.*?)\1""")
#: How many leading letters pick the prefix rules to try.
_KEY_CHARS = 2


def _leading_sets(pattern: str) -> list[frozenset[str]]:
    """The letters each of the first :data:`_KEY_CHARS` characters of a match of ``pattern`` can
    be, as far as they are plain letters or classes of them; what follows is left open."""
    leading: list[frozenset[str]] = []
    items = list(_sre_parse.parse(pattern))
    while items and len(leading) < _KEY_CHARS:
        op, arg = items.pop(0)
        if op is _sre.AT:  # ^
            continue
        if op is _sre.SUBPATTERN:  # a group: read on inside it
            items[:0] = list(arg[-1])
            continue
        if op is _sre.LITERAL:
            leading.append(frozenset(chr(arg)))
        elif op is _sre.IN and all(kind is _sre.LITERAL for kind, _ in arg):
            leading.append(frozenset(chr(code) for _, code in arg))
        else:
            break
    return leading


def _disambiguator_gate(disambiguator: Any) -> list[frozenset[str]]:
    """``disambiguator``'s leading letter sets; empty (may match anything) if its source has no
    pattern (rule 4 compares the whole word) or cannot be read."""
    try:
        source = inspect.getsource(type(disambiguator).disambiguate)
    except (OSError, TypeError):
        return []
    gate = _GATE.search(source)
    return _leading_sets(gate.group(2)) if gate else []


_PLAIN = re.compile(r"[a-z-]*")


def _removed_part(word: str, result: str) -> str:
    """Sastrawi's ``re.sub(result, "", word, 1)`` without compiling ``result`` as a pattern.

    Each new word compiled as a pattern cost ~0.1 ms and pushed Sastrawi's own rules out of
    ``re``'s 512-entry cache: 293 compiles on one text of 2,700 unseen words (2026-12-01).
    """
    if _PLAIN.fullmatch(result):  # letters and hyphens match themselves
        return word.replace(result, "", 1)
    return re.sub(result, "", word, count=1)


class _AffixStep:
    """One of Sastrawi's suffix or plain-prefix steps (``remove``), recorded as Sastrawi does."""

    def __init__(self, step: Any, affix_type: str) -> None:
        self.step, self.affix_type = step, affix_type

    def visit(self, context: Any) -> None:
        word = context.current_word
        result = self.step.remove(word)
        if result != word:
            removed = _removed_part(word, result)
            context.add_removal(_Removal(self.step, word, result, removed, self.affix_type))
            context.current_word = result


class _PrefixRule:
    """One of Sastrawi's prefix-disambiguation rules, as its ``visit``."""

    def __init__(self, rule: Any) -> None:
        self.rule, self.disambiguators = rule, rule.disambiguators

    def visit(self, context: Any) -> None:
        word, result = context.current_word, None
        for disambiguator in self.disambiguators:
            result = disambiguator.disambiguate(word)
            if context.dictionary.contains(result):
                break
        if result:
            removed = _removed_part(word, result)
            context.add_removal(_Removal(self.rule, word, result, removed, "DP"))
            context.current_word = result


class _SastrawiSteps:
    """Sastrawi's steps in its order (its ``VisitorProvider``'s interface), with each prefix
    step trying only the rules that can match the word's start (:meth:`prefix_rules_for`)."""

    def __init__(self) -> None:
        provider = _SastrawiVisitors()
        types = {_RemoveParticle: "P", _RemovePossessive: "PP", _RemoveDerivational: "DS"}
        self.visitors = provider.get_visitors()
        self.suffix_visitors = [
            _AffixStep(step, types[type(step)]) for step in provider.get_suffix_visitors()
        ]
        plain, *rules = provider.get_prefix_visitors()
        self.plain_prefix = _AffixStep(plain, "DP")
        self.rules = [
            (_PrefixRule(rule), [_disambiguator_gate(d) for d in rule.disambiguators])
            for rule in rules
        ]
        self.prefix_rules_for = functools.lru_cache(maxsize=1024)(self._prefix_rules_for)

    def _prefix_rules_for(self, key: str) -> list[Any]:
        return [self.plain_prefix] + [
            rule
            for rule, gates in self.rules
            if any(
                all(i >= len(key) or key[i] in letters for i, letters in enumerate(gate))
                for gate in gates
            )
        ]

    def get_visitors(self) -> list[Any]:
        return self.visitors  # type: ignore[no-any-return]

    def get_suffix_visitors(self) -> list[Any]:
        return self.suffix_visitors

    def get_prefix_visitors(self) -> list[Any]:
        return self.prefix_rules_for("")


class _FastSastrawi(_SastrawiStemmer):  # type: ignore[misc]
    """Sastrawi's stemmer, 6-8x faster on new words, giving the same stems.

    Two costs of Sastrawi 1.0.1 are left out:

    - It tries all 40 prefix-disambiguation rules, ~110 regular expressions, at each of up to
      three prefix steps, although each rule needs a given start ("meng", "ber", a consonant
      then "er"). A rule whose patterns cannot match changes nothing, and Sastrawi's loop goes on
      to the next one, so skipping it gives the same stem. The plain prefix step (di-/ke-/se-)
      always runs first, as Sastrawi's loop checks the dictionary only after a step.
    - It compiles every affix removal's result as a pattern (:func:`_removed_part`).

    Measured 2026-12-01 against Sastrawi on the same set dictionary, best of 3 passes: 3,000
    made-up words 81.5 -> 10.1 µs a word, 2,000 complaint words 64.1 -> 9.8 µs. The stems were
    equal on 2.78 million words (every word of the Surabaya complaints, root words with 29
    prefixes and infixes, random letter strings); ``tests/test_stem.py`` compares the two on
    23,000 of the kind.
    """

    def __init__(self, dictionary: Any) -> None:  # Sastrawi's, with its steps replaced
        self.dictionary = dictionary
        self.visitor_provider = _SastrawiSteps()

    def stem_singular_word(self, word: str) -> str:
        context = _DispatchContext(word, self.dictionary, self.visitor_provider)
        context.execute()
        return str(context.result)


class _DispatchContext(_SastrawiContext):  # type: ignore[misc]
    """Sastrawi's stemming context whose prefix steps try the rules that fit the word."""

    def accept_prefix_visitors(self, visitors: Sequence[Any]) -> Any:
        # A rule that applies ends Sastrawi's loop, so the word's start is the same for every
        # rule tried in one call.
        return super().accept_prefix_visitors(
            self.visitor_provider.prefix_rules_for(self.current_word[:_KEY_CHARS])
        )


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
        sastrawi = _FastSastrawi(_SetDictionary(root_words()))
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
