"""complaint_nlp: triage of Indonesian citizen complaints.

Reads a complaint, labels it with a category and an urgency, and routes it to the government unit
that must act. The text pipeline is available on its own::

    >>> import complaint_nlp
    >>> complaint_nlp.normalize("Lampu PJU mati totalll sejak 3hari!!")
    'lampu pju mati total sejak 3 hari'
    >>> complaint_nlp.mask_pii("hubungi 0812 3456 7890")
    'hubungi [TELEPON]'
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from complaint_nlp.classifier import ComplaintClassifier
from complaint_nlp.cues import CueSet
from complaint_nlp.duplicates import DuplicateIndex
from complaint_nlp.exceptions import (
    ComplaintNLPError,
    DataFileError,
    InvalidInputError,
    MalformedRowError,
    ModelIntegrityError,
    ModelNotFoundError,
    UndecodableInputError,
)
from complaint_nlp.normalize import normalize
from complaint_nlp.persistence import load
from complaint_nlp.pii import mask_pii
from complaint_nlp.results import Classification, DuplicateMatch, Route, TriageResult
from complaint_nlp.routing import RoutingTable, load_routing_table, route
from complaint_nlp.slang import expand_slang
from complaint_nlp.stem import Stemmer, stem_word
from complaint_nlp.stopwords import remove_stopwords
from complaint_nlp.triage import Triager

if TYPE_CHECKING:
    from complaint_nlp.preprocess import TextPreprocessor

__version__ = "0.1.0"


def __getattr__(name: str) -> object:
    # TextPreprocessor is a scikit-learn transformer: imported on first use, so that importing
    # this package and classifying never import scikit-learn (0.7-0.9 s of a cold start).
    if name == "TextPreprocessor":
        from complaint_nlp.preprocess import TextPreprocessor

        return TextPreprocessor
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "Classification",
    "ComplaintClassifier",
    "ComplaintNLPError",
    "CueSet",
    "DataFileError",
    "DuplicateIndex",
    "DuplicateMatch",
    "InvalidInputError",
    "MalformedRowError",
    "ModelIntegrityError",
    "ModelNotFoundError",
    "Route",
    "RoutingTable",
    "Stemmer",
    "TextPreprocessor",
    "TriageResult",
    "Triager",
    "UndecodableInputError",
    "__version__",
    "expand_slang",
    "load",
    "load_routing_table",
    "mask_pii",
    "normalize",
    "remove_stopwords",
    "route",
    "stem_word",
]
