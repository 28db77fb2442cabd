"""Cues: the facts a reader of LABELS.md checks before calling a complaint urgent (or before
choosing between close categories), made explicit.

A bag of words cannot tell "bisa menyebabkan kecelakaan" from "sudah ada korban". Each cue of
``data/cues.toml`` names one such fact (harm already happened or only feared, water off for a day
or for hours, one household or a neighbourhood, children or a main road exposed, an officer
asking for money or refusing to serve, an app that fails, praise, a problem already fixed) as
regular expressions over normalised, slang-expanded text, with ``unless`` patterns for negated
and hypothetical forms. The classifier reads the cues that fired as features and weighs them;
routing rules name them.

>>> cues = CueSet()
>>> cues.detect("sudah ada korban jatuh karena lubang di jalan raya")
['harm_happened', 'exposed_road']
>>> cues.detect("lubang ini bisa menyebabkan kecelakaan, belum ada korban")
['harm_hypothetical', 'harm_denied']
"""

from __future__ import annotations

import functools
import re
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from complaint_nlp._resources import PathLike, read_data_text, resolve
from complaint_nlp._validation import ensure_text
from complaint_nlp.exceptions import DataFileError
from complaint_nlp.normalize import normalize
from complaint_nlp.slang import expand_slang

__all__ = ["Cue", "CueSet"]

DEFAULT_FILE = "cues.toml"
_NAME = r"^[a-z][a-z0-9_]*$"
_LITERAL = re.compile(r"[a-z0-9][a-z0-9 -]*")
_SHORTEST = 2  # a trigger word has at least two letters
#: A group of plain words, ``(?:word|two words|...)``, with nothing else inside.
_WORD_GROUP = re.compile(r"\(\?:((?:[a-z0-9 -]+\|)+[a-z0-9 -]+)\)")
#: A bounded run of words, then a group of plain words: "who (a few words) did what".
_GAP_THEN_WORDS = re.compile(
    r"\(\?:\\w\+ \)\{\d+,\d+\}\??\(\?:((?:[a-z0-9 -]+\|)*[a-z0-9 -]+)\)(?![?*]|\{0)"
)  # not an optional group ("(?:oleh |dari )?"): the text need not have its words
#: Above this many places to try a pattern, first check that the text has a word it needs.
_MANY_STARTS = 8
#: At most this many words' lookups are remembered (:attr:`CueSet._entries`).
_WORD_MEMO = 100_000


def _trie(words: Iterable[str]) -> str:
    """An expression matching any of ``words`` (at least one) with their common prefixes
    factored out, so that a failing position is turned away after a character or two."""
    root: dict[str, Any] = {}
    for word in words:
        node = root
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}  # a word ends here

    def pattern(node: dict[str, Any]) -> str:
        branches = [re.escape(char) + pattern(rest) for char, rest in sorted(node.items()) if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else f"(?:{'|'.join(branches)})"
        return f"(?:{body})?" if "" in node else body

    return pattern(root)


def _factored(pattern: str) -> str:
    r"""``pattern`` with each group of plain words rewritten as a :func:`_trie`: the same
    matches, but a word that is none of the group's is turned away after a character or two
    instead of after trying every alternative. A cue that joins a word for who serves to a word
    for what they did, eight words apart, tries the group at each of those words: on a
    20,000-character text of "rt " repeated, the cues took 19.2 ms written out, 11.8 ms factored
    (1.2 ms before those cues were added; 2026-11-30).

    >>> _factored(r"\b(?:pak rt|pak rw|petugas)\b")
    '\\b(?:p(?:ak\\ r(?:t|w)|etugas))\\b'
    """
    return _WORD_GROUP.sub(lambda group: f"(?:{_trie(group.group(1).split('|'))})", pattern)


def _needed(pattern: str) -> re.Pattern[str] | None:
    r"""An expression for the words of which ``pattern`` needs one after its first run of
    words (``None``: no such group). A text of "rt " repeated gives the cue "an RT head asks
    for money" thousands of places to try, each of them eight words long, and none can match
    without a word for money: one scan for those words turns them all away (the cues on
    20,000 characters of "rt ": 11.8 ms -> 4.8 ms; "petugas ": 12.7 -> 6.4 ms, 2026-11-30).

    >>> _needed(r"\b(?:rt|rw)\b (?:\w+ ){0,8}?(?:iuran|minta uang)\b").pattern
    '(?:(?:iuran|minta\\ uang))'
    """
    group = _GAP_THEN_WORDS.search(pattern)
    return re.compile(f"(?:{_trie(group.group(1).split('|'))})") if group else None


def _triggers(pattern: str) -> tuple[tuple[str, bool], ...] | None:
    r"""The words one of which starts every match of ``pattern``, each with whether it may be
    only the start of the text's word (``True``: a prefix, as in ``pohon\w*``); ``None`` when
    the pattern is not of the simple forms ``\bword...`` and ``\b(?:word one|word two)...``
    whose alternatives are plain words.

    >>> _triggers(r"\b(?:pohon|dahan)\w* (?:\w+ ){0,3}tumbang")
    (('pohon', True), ('dahan', True))
    >>> _triggers(r"\b(?:sudah ada|telah)\b korban"), _triggers(r"\bmohon\b(?! maaf)")
    ((('sudah', False), ('telah', False)), (('mohon', False),))
    >>> _triggers(r"\b(?:[1-9]\d* hari)"), _triggers("pp")
    (None, None)
    """
    if not pattern.startswith("\\b"):
        return None
    rest = pattern[2:]
    if rest.startswith("(?:"):
        depth, end = 0, -1
        for i, char in enumerate(rest):
            depth += char == "("
            depth -= char == ")"
            if depth == 0:
                end = i
                break
        alternatives = rest[3:end].split("|") if end > 0 else []
        after = rest[end + 1 :] if end > 0 else ""
    else:
        word = re.match(r"[a-z0-9-]+", rest)
        alternatives = [word.group(0)] if word else []
        after = rest[word.end() :] if word else ""
    # The word ends where the pattern says so: a boundary, a space that must be there (not
    # " ?": "se ?rumah" also matches "serumah") or the pattern's end.
    space = after.startswith(" ") and after[1:2] not in ("?", "*", "{")
    whole = after == "" or after.startswith("\\b") or space
    words = []
    for alternative in alternatives:
        if not _LITERAL.fullmatch(alternative):
            return None
        parts = alternative.replace("-", " ").split()
        if len(parts[0]) < _SHORTEST:
            return None
        words.append((parts[0], len(parts) == 1 and not whole))
    return tuple(words) or None


class _CueSpec(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(pattern=_NAME)
    means: str = Field(min_length=1)
    patterns: tuple[str, ...] = Field(min_length=1)
    unless: tuple[str, ...] = ()

    @field_validator("patterns", "unless")
    @classmethod
    def _compiles(cls, values: tuple[str, ...]) -> tuple[str, ...]:
        for value in values:
            try:
                re.compile(value)
            except re.error as exc:
                raise ValueError(f"invalid pattern {value!r}: {exc}") from None
        return values


class _CueFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    cue: tuple[_CueSpec, ...] = Field(min_length=1)


@dataclass(frozen=True)
class Cue:
    """One fact: its name, what it means, and the compiled patterns that find and silence it."""

    name: str
    means: str
    patterns: tuple[re.Pattern[str], ...]
    unless: tuple[re.Pattern[str], ...]
    #: ``patterns`` as the cue file writes them (their first words are the triggers).
    sources: tuple[str, ...] = ()
    #: Per pattern, the words of which a text needs one for it to match (see :func:`_needed`).
    needs: tuple[re.Pattern[str] | None, ...] = ()

    def evidence(
        self, clean: str, starts: Sequence[Sequence[int] | None] | None = None
    ) -> str | None:
        """The phrase of ``clean`` that fires this cue, or ``None`` when it does not fire.

        ``starts``, per pattern, the only positions where a match can begin (the words that
        begin with one of its triggers): matched there instead of searched everywhere (``None``
        for a pattern, or for all: searched, once the text has a word it needs).
        """
        for k, pattern in enumerate(self.patterns):
            at = None if starts is None else starts[k]
            if at is None:
                if self._lacks(k, clean):
                    continue
                found = pattern.search(clean)
            elif len(at) > _MANY_STARTS and self._lacks(k, clean):
                continue
            else:
                found = next(filter(None, (pattern.match(clean, i) for i in at)), None)
            if found is not None:
                if any(u.search(clean) for u in self.unless):
                    return None
                return found.group(0)
        return None

    def _lacks(self, k: int, clean: str) -> bool:
        needs = self.needs[k] if k < len(self.needs) else None
        return needs is not None and needs.search(clean) is None


class CueSet:
    """The cues at ``path`` (default: the shipped ``data/cues.toml``), in file order."""

    def __init__(self, path: PathLike | None = None) -> None:
        self.path = path

    @functools.cached_property
    def cues(self) -> tuple[Cue, ...]:
        """The parsed, validated cues; a bad file is a :class:`DataFileError` naming it."""
        file = resolve(self.path, DEFAULT_FILE)
        try:
            raw = tomllib.loads(read_data_text(file))
            spec = _CueFile.model_validate(raw)
        except FileNotFoundError:
            raise DataFileError(f"data file not found: {file}") from None
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise DataFileError(f"{file}: not valid TOML: {exc}") from None
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            message = first["msg"].removeprefix("Value error, ")
            raise DataFileError(f"{file}: {where}: {message}") from None
        names = [c.name for c in spec.cue]
        repeated = sorted({n for n in names if names.count(n) > 1})
        if repeated:
            raise DataFileError(f"{file}: cue name(s) defined twice: {', '.join(repeated)}")
        return tuple(
            Cue(
                c.name,
                c.means,
                tuple(re.compile(_factored(p)) for p in c.patterns),
                tuple(re.compile(_factored(p)) for p in c.unless),
                c.patterns,
                tuple(_needed(p) for p in c.patterns),
            )
            for c in spec.cue
        )

    @property
    def names(self) -> list[str]:
        """Every cue's name, in file order (the order of the model's cue features)."""
        return [c.name for c in self.cues]

    def detect(self, clean: str) -> list[str]:
        """The names of the cues that fire on ``clean`` (normalised, slang-expanded text)."""
        return list(self.evidence(clean))

    def evidence(self, clean: str) -> dict[str, str]:
        """Per cue that fires on ``clean``: the phrase that fired it, in file order.

        A regular expression search per cue cost 166 of a 200-character complaint's 550 us
        (2026-11-30): patterns that begin with plain words are matched only where a word of the
        text begins with one of them (Surabaya complaints on a busy machine: 310 -> 105 us a
        text, the same cues and phrases on all 10,064). The places to try are kept per (cue,
        pattern) and only the cues with one are visited: 0.68 -> 0.63 s for the 10,064.
        """
        always, exact, prefixes, lengths = self._index
        # Each word is looked up once, however often it comes: "air " repeated to 20,000
        # characters spent 10.6 ms here, one lookup per occurrence (2026-12-01: 1.5 ms).
        places: dict[str, list[int]] = {}
        for found in self._candidates.finditer(clean):
            places.setdefault(found.group(0), []).append(found.start())
        starts: dict[tuple[int, int], list[int]] = {}  # (cue, pattern) -> where to try it
        memo = self._entries
        for word, at in places.items():
            entries = memo.get(word)
            if entries is None:
                entries = list(exact.get(word, ()))
                if word[:_SHORTEST] in prefixes:
                    for size in lengths:
                        if size > len(word):
                            break
                        entries += prefixes.get(word[:size], ())
                if len(memo) >= _WORD_MEMO:
                    memo.clear()
                memo[word] = entries
            for entry in entries:
                starts.setdefault(entry, []).extend(at)
        for at in starts.values():
            at.sort()  # tried in the text's order: the first phrase found is the evidence
        out = {}
        for number in sorted({number for number, _ in starts} | always.keys()):
            cue, searched = self.cues[number], always.get(number, ())
            where = [
                None if k in searched else starts.get((number, k), [])
                for k in range(len(cue.patterns))
            ]
            phrase = cue.evidence(clean, where)
            if phrase is not None:
                out[cue.name] = phrase
        return out

    @functools.cached_property
    def _index(
        self,
    ) -> tuple[
        dict[int, set[int]],
        dict[str, list[tuple[int, int]]],
        dict[str, list[tuple[int, int]]],
        list[int],
    ]:
        """The patterns searched everywhere (per cue number, the pattern numbers); the other
        patterns by trigger word (``(cue number, pattern number)``), whole words and prefixes
        apart; and the prefixes' lengths, ascending: a word of the text is looked up whole, then
        by its prefixes of those lengths. (A cue with one pattern of each kind was searched
        whole: cue evidence on the 10,064 Surabaya complaints 0.82 -> 0.68 s, classify_batch
        2,778-2,828 -> 2,992-3,118/s side by side, the same cues and phrases on all.)"""
        always: dict[int, set[int]] = {}
        exact: dict[str, list[tuple[int, int]]] = {}
        prefixes: dict[str, list[tuple[int, int]]] = {}
        for number, cue in enumerate(self.cues):
            found = [_triggers(p) for p in cue.sources or [p.pattern for p in cue.patterns]]
            for k, words in enumerate(found):
                if words is None:
                    always.setdefault(number, set()).add(k)
                for word, prefix in dict.fromkeys(words or ()):
                    (prefixes if prefix else exact).setdefault(word, []).append((number, k))
        # A word that is both a whole trigger and a prefix trigger of the same pattern would
        # count twice: harmless, the positions are only tried, in order.
        lengths = sorted({len(word) for word in prefixes})
        # The two-letter start of every prefix, as a key with no entries: most words are turned
        # away by one lookup.
        for word in list(prefixes):
            prefixes.setdefault(word[:_SHORTEST], [])
        return always, exact, prefixes, lengths

    @functools.cached_property
    def _entries(self) -> dict[str, list[tuple[int, int]]]:
        """Per candidate word seen, the (cue, pattern) pairs it may start: a bounded memo, as
        words recur from complaint to complaint (their lookups were 63 of a complaint's
        evidence's 140 us in a profile of the CLI, 2026-12-01)."""
        return {}

    @functools.cached_property
    def _candidates(self) -> re.Pattern[str]:
        """The words of a text that begin with a trigger word (the others cannot start a
        match), found by one expression whose triggers share their prefixes as a trie: on the
        10,064 Surabaya complaints, scanning took 0.26 s against 0.53 s for visiting every word
        in Python, and the lookups run on candidates only (same cues on all, 2026-11-30)."""
        _, exact, prefixes, _ = self._index
        triggers = set(exact) | {word for word, entries in prefixes.items() if entries}
        # A word begins where normalised text has a space or a hyphen before it (a hyphenated
        # word, "gorong-gorong", has a word boundary inside).
        return re.compile(rf"(?<![^ -])(?={_trie(triggers)})[^ -]+")

    def matches(self, text: str) -> list[str]:
        """:meth:`detect` for raw ``text``."""
        return self.detect(expand_slang(normalize(ensure_text(text))))

    def __getstate__(self) -> dict[str, object]:
        return {"path": self.path}

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__dict__.update(state)
