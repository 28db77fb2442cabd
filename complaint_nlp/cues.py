"""Cues: the facts a reader of LABELS.md checks before calling a complaint urgent, made explicit.

A bag of words cannot tell "bisa menyebabkan kecelakaan" from "sudah ada korban". Each cue of
``data/cues.toml`` names one such fact (harm already happened or only feared, water off for a day
or for hours, one household or a neighbourhood, children or a main road exposed, an officer
asking for money, praise, a problem already fixed) as regular expressions over normalised,
slang-expanded text, with ``unless`` patterns for negated and hypothetical forms. The classifier
reads the cues that fired as features and weighs them; routing rules name them.

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
from collections.abc import Sequence
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from complaint_nlp._resources import PathLike, resolve
from complaint_nlp._validation import ensure_text
from complaint_nlp.exceptions import DataFileError
from complaint_nlp.normalize import normalize
from complaint_nlp.slang import expand_slang

__all__ = ["Cue", "CueSet"]

DEFAULT_FILE = "cues.toml"
_NAME = r"^[a-z][a-z0-9_]*$"
_LITERAL = re.compile(r"[a-z0-9][a-z0-9 -]*")
_PREFIX = 2  # triggers are looked up by their first two letters
# Where a word can begin in normalised text: words are separated by spaces, and a hyphenated
# word ("gorong-gorong") has a word boundary inside.
_WORD = re.compile(r"[^ -]+")


def _triggers(pattern: str) -> tuple[str, ...] | None:
    r"""The words one of which starts every match of ``pattern`` (compared as prefixes of the
    text's words), or ``None`` when the pattern is not of the simple forms ``\bword...`` and
    ``\b(?:word one|word two)...`` whose alternatives are plain words.

    >>> _triggers(r"\b(?:pohon|dahan)\w* (?:\w+ ){0,3}tumbang")
    ('pohon', 'dahan')
    >>> _triggers(r"\bmohon\b(?! maaf)"), _triggers(r"\b(?:[1-9]\d* hari)"), _triggers("pp")
    (('mohon',), None, None)
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
    else:
        word = re.match(r"[a-z0-9-]+", rest)
        alternatives = [word.group(0)] if word else []
    words = []
    for alternative in alternatives:
        if not _LITERAL.fullmatch(alternative):
            return None
        first = alternative.replace("-", " ").split()[0]
        if len(first) < _PREFIX:
            return None
        words.append(first)
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

    def evidence(self, clean: str, starts: Sequence[Sequence[int]] | None = None) -> str | None:
        """The phrase of ``clean`` that fires this cue, or ``None`` when it does not fire.

        ``starts``, per pattern, the only positions where a match can begin (the words that
        begin with one of its triggers): matched there instead of searched everywhere.
        """
        for k, pattern in enumerate(self.patterns):
            if starts is None:
                found = pattern.search(clean)
            else:
                found = next(filter(None, (pattern.match(clean, i) for i in starts[k])), None)
            if found is not None:
                if any(u.search(clean) for u in self.unless):
                    return None
                return found.group(0)
        return None


class CueSet:
    """The cues at ``path`` (default: the shipped ``data/cues.toml``), in file order."""

    def __init__(self, path: PathLike | None = None) -> None:
        self.path = path

    @functools.cached_property
    def cues(self) -> tuple[Cue, ...]:
        """The parsed, validated cues; a bad file is a :class:`DataFileError` naming it."""
        file = resolve(self.path, DEFAULT_FILE)
        try:
            raw = tomllib.loads(file.read_text(encoding="utf-8"))
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
                tuple(re.compile(p) for p in c.patterns),
                tuple(re.compile(p) for p in c.unless),
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
        text, the same cues and phrases on all 10,064).
        """
        always, triggers = self._index
        starts: dict[tuple[int, int], list[int]] = {}
        for found in _WORD.finditer(clean):
            word = found.group(0)
            for trigger, number, k in triggers.get(word[:_PREFIX], ()):
                if word.startswith(trigger):
                    starts.setdefault((number, k), []).append(found.start())
        out = {}
        for number, cue in enumerate(self.cues):
            if number in always:
                phrase = cue.evidence(clean)
            else:
                at = [starts.get((number, k), []) for k in range(len(cue.patterns))]
                phrase = cue.evidence(clean, at) if any(at) else None
            if phrase is not None:
                out[cue.name] = phrase
        return out

    @functools.cached_property
    def _index(self) -> tuple[set[int], dict[str, list[tuple[str, int, int]]]]:
        """The cues whose patterns are searched everywhere, and the trigger words of the other
        cues' patterns by their first letters: ``(word, cue number, pattern number)``."""
        always: set[int] = set()
        triggers: dict[str, list[tuple[str, int, int]]] = {}
        for number, cue in enumerate(self.cues):
            found = [_triggers(p.pattern) for p in cue.patterns]
            if any(words is None for words in found):
                always.add(number)
                continue
            for k, words in enumerate(found):
                for word in dict.fromkeys(words or ()):
                    triggers.setdefault(word[:_PREFIX], []).append((word, number, k))
        return always, triggers

    def matches(self, text: str) -> list[str]:
        """:meth:`detect` for raw ``text``."""
        return self.detect(expand_slang(normalize(ensure_text(text))))

    def __getstate__(self) -> dict[str, object]:
        return {"path": self.path}

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__dict__.update(state)
