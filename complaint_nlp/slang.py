"""Slang and informal spelling: the second text step (``gak`` -> ``tidak``, ``yg`` -> ``yang``).

The table is a data file (``data/slang.tsv``: ``informal<TAB>standard``) that a user can replace by
path. Replacement is by whole token only, never by substring or fuzzy match, so a negation is
never turned into another word (a known failure of fuzzy normalisers is ``ga bisa`` ->
``juga bisa``). Expects normalised text (see :func:`complaint_nlp.normalize`).
"""

from __future__ import annotations

from collections.abc import Mapping

from complaint_nlp._resources import PathLike, read_mapping, resolve
from complaint_nlp._validation import ensure_text

__all__ = ["NEGATIONS", "expand_slang", "load_slang"]

#: Standard Indonesian negation words: the slang table may produce these only from a negation.
NEGATIONS = frozenset({"tidak", "belum", "bukan", "jangan", "tanpa"})


def load_slang(path: PathLike | None = None) -> Mapping[str, str]:
    """The slang table at ``path``, or the shipped one."""
    return read_mapping(resolve(path, "slang.tsv"))


def expand_slang(text: str, table: Mapping[str, str] | None = None) -> str:
    """Replace each informal token of normalised ``text`` by its standard form.

    >>> expand_slang("jln nya blm dibenerin ga bisa lewat")
    'jalan nya belum diperbaiki tidak bisa lewat'
    """
    ensure_text(text)
    mapping = load_slang() if table is None else table
    return " ".join(mapping.get(token, token) for token in text.split())
