"""Reading the package's data files (word lists, mappings), or a user's replacement by path."""

from __future__ import annotations

import functools
import os
import stat
from collections.abc import Mapping
from importlib import resources
from pathlib import Path

from complaint_nlp.exceptions import DataFileError

PathLike = str | Path


def data_file(name: str) -> Path:
    """Path of a data file shipped in ``complaint_nlp/data``."""
    return Path(str(resources.files("complaint_nlp") / "data" / name))


#: The largest data file read (the shipped ones are under 1 MB).
MAX_DATA_FILE_BYTES = 20_000_000


def read_data_text(path: Path) -> str:
    """The UTF-8 text of the data file at ``path``. Only a regular file of at most
    :data:`MAX_DATA_FILE_BYTES` is read: ``COMPLAINT_ROUTING_TABLE=/dev/zero`` read for ever.
    ``OSError`` and ``UnicodeDecodeError`` are left to the caller, who names the file's role."""
    with path.open("rb") as f:
        if not stat.S_ISREG(os.fstat(f.fileno()).st_mode):
            raise DataFileError(f"{path}: not a regular file")
        data = f.read(MAX_DATA_FILE_BYTES + 1)
    if len(data) > MAX_DATA_FILE_BYTES:
        raise DataFileError(f"{path}: larger than {MAX_DATA_FILE_BYTES:,} bytes")
    return data.decode("utf-8")


def _lines(path: Path) -> list[tuple[int, str]]:
    try:
        text = read_data_text(path)
    except FileNotFoundError:
        raise DataFileError(f"data file not found: {path}") from None
    except UnicodeDecodeError as exc:
        raise DataFileError(f"{path} is not UTF-8 text: {exc}") from None
    out = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if line and not line.startswith("#"):
            out.append((number, line))
    return out


@functools.lru_cache(maxsize=32)
def read_word_set(path: Path) -> frozenset[str]:
    """One word per line; blank lines and ``#`` comments are ignored."""
    return frozenset(line.casefold() for _, line in _lines(path))


@functools.lru_cache(maxsize=32)
def read_mapping(path: Path) -> Mapping[str, str]:
    """Two tab-separated columns ``key<TAB>value`` per line; duplicate keys are an error."""
    mapping: dict[str, str] = {}
    for number, line in _lines(path):
        parts = line.split("\t")
        if len(parts) != 2 or not parts[0].strip() or not parts[1].strip():
            raise DataFileError(f"{path}:{number}: expected 'key<TAB>value', got {line!r}")
        key, value = parts[0].strip().casefold(), " ".join(parts[1].split()).casefold()
        if key in mapping:
            raise DataFileError(f"{path}:{number}: duplicate key {key!r}")
        mapping[key] = value
    return mapping


def resolve(path: PathLike | None, default_name: str) -> Path:
    """The user's path if given, else the shipped default file."""
    return Path(path) if path is not None else data_file(default_name)


@functools.lru_cache(maxsize=1)
def root_words() -> frozenset[str]:
    """Sastrawi's dictionary of Indonesian root words (kata dasar), as a set."""
    base = resources.files("Sastrawi") / "Stemmer" / "data" / "kata-dasar.txt"
    return read_word_set(Path(str(base)))
