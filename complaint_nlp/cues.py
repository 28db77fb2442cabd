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

    def evidence(self, clean: str) -> str | None:
        """The phrase of ``clean`` that fires this cue, or ``None`` when it does not fire."""
        for pattern in self.patterns:
            found = pattern.search(clean)
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
        return [c.name for c in self.cues if c.evidence(clean) is not None]

    def evidence(self, clean: str) -> dict[str, str]:
        """Per cue that fires on ``clean``: the phrase that fired it."""
        found = {c.name: c.evidence(clean) for c in self.cues}
        return {name: phrase for name, phrase in found.items() if phrase is not None}

    def matches(self, text: str) -> list[str]:
        """:meth:`detect` for raw ``text``."""
        return self.detect(expand_slang(normalize(ensure_text(text))))

    def __getstate__(self) -> dict[str, object]:
        return {"path": self.path}

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__dict__.update(state)
