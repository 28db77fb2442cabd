"""The exceptions complaint_nlp raises.

Every error derives from :class:`ComplaintNLPError`, and each subclass also inherits the built-in
exception it refines, so callers may catch either::

    ComplaintNLPError
    ├── InvalidInputError(ValueError)          input of the wrong type or form
    │   ├── MalformedRowError                  a row of a CSV / JSONL file that cannot be read
    │   └── UndecodableInputError(UnicodeError)  bytes that are not text in the given encoding
    ├── DataFileError(ValueError)              an unusable word list, mapping or routing table
    ├── ModelNotFoundError(FileNotFoundError)  no model at the given path
    └── ModelIntegrityError(ValueError)        a model whose hash or library versions differ
"""

from __future__ import annotations

__all__ = [
    "ComplaintNLPError",
    "DataFileError",
    "InvalidInputError",
    "MalformedRowError",
    "ModelIntegrityError",
    "ModelNotFoundError",
    "UndecodableInputError",
]


class ComplaintNLPError(Exception):
    """Base class of every error raised by complaint_nlp."""


class InvalidInputError(ComplaintNLPError, ValueError):
    """The input has the wrong type or form (e.g. a number where text is expected)."""


class MalformedRowError(InvalidInputError):
    """A row of a CSV or JSONL input that cannot be classified; the message names its line."""


class UndecodableInputError(InvalidInputError, UnicodeError):
    """Input bytes that are not text in the expected encoding; the message names the line."""


class DataFileError(ComplaintNLPError, ValueError):
    """A data file (word list, mapping, routing table) is missing or malformed."""


class ModelNotFoundError(ComplaintNLPError, FileNotFoundError):
    """No model was found at the requested path."""


class ModelIntegrityError(ComplaintNLPError, ValueError):
    """A model file does not match its metadata (hash, label set or library versions)."""
