"""Checks applied at the public edge of the library."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Set
from typing import Any

from complaint_nlp.exceptions import InvalidInputError

#: The longest complaint text accepted, in characters after stripping surrounding white space: the
#: CLI reports a longer one as a malformed row (and the service answers 413). Every text step runs
#: in linear time, so the limit bounds the work a single complaint can cause (benchmarks/text.py).
MAX_TEXT_CHARS = 20_000


def ensure_text(value: object, name: str = "text") -> str:
    """Return ``value`` if it is a ``str``; otherwise raise :class:`InvalidInputError`."""
    if not isinstance(value, str):
        raise InvalidInputError(
            f"{name} must be a str, got {type(value).__name__}; convert it to text first"
        )
    return value


class RepeatedKeyError(ValueError):
    """A JSON object names a key twice (raised by :func:`unique_keys`)."""


def unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """``json.loads``'s ``object_pairs_hook``: the object, unless it names a key twice (the
    last value won silently, so a log reading the first saw another complaint)."""
    found = dict(pairs)
    if len(found) != len(pairs):
        raise RepeatedKeyError("names a key twice in one object")
    return found


def ensure_texts(values: object, name: str = "texts") -> list[str]:
    """Return ``values`` as a list of ``str``, naming the first item that is not text. A set or
    a mapping is refused: its order is not the caller's, or its keys would be classified."""
    if isinstance(values, (str, bytes, Set, Mapping)) or not isinstance(values, Iterable):
        raise InvalidInputError(
            f"{name} must be an iterable of str in order (e.g. a list), got {type(values).__name__}"
        )
    texts = list(values)
    for i, item in enumerate(texts):
        ensure_text(item, f"{name}[{i}]")
    return texts


def complaint_text(value: str, limit: int = MAX_TEXT_CHARS) -> str:
    """``value`` without surrounding white space, the rule of the HTTP API and the CLI: raise
    :class:`InvalidInputError` if nothing is left or more than ``limit`` characters are.

    >>> complaint_text("  Jalan rusak  ")
    'Jalan rusak'
    >>> complaint_text(" ")
    Traceback (most recent call last):
    complaint_nlp.exceptions.InvalidInputError: empty text
    """
    text = ensure_text(value).strip()
    if not text:
        raise InvalidInputError("empty text")
    if len(text) > limit:
        raise InvalidInputError(f"text has {len(text):,} characters, the limit is {limit:,}")
    return text
