"""Reading a complaint the way the heads see it: preprocessed text, safety signals and cues.

A :class:`Reader` runs the text pipeline once per complaint and matches the safety lexicon and
the cues on its normalised text; :meth:`Reader.extras` turns what it found into the extra
feature columns every linear head reads beside the TF-IDF n-grams.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from complaint_nlp.cues import CueSet
from complaint_nlp.lexicon import SafetyLexicon
from complaint_nlp.pipeline import Analysis, TextPipeline

__all__ = ["CUE_WEIGHT", "SIGNAL_TOKEN", "Reader", "Reading"]

#: Marks that a safety signal matched: a feature column of the linear heads, a token of the
#: fastText ones (measured: validation average precision of ``high`` .442 -> .452).
SIGNAL_TOKEN = "__sinyal_bahaya__"
#: The value of a cue's column when it fires. Measured on three forward-chained two-month
#: blocks of 2022 (2026-11-30): `high` average precision .500 without cues, .501 / .502 / .496
#: at 0.1 / 0.3 / 1.0 (with unstemmed words too: .511 at 0.3); category macro-F1 unchanged.
CUE_WEIGHT = 0.3


@dataclass(frozen=True)
class Reading:
    """One complaint as the heads read it."""

    analysis: Analysis
    signals: list[str]
    cues: list[str]


class Reader:
    """The text pipeline, safety lexicon and cue set a model was trained with."""

    def __init__(self, preprocessor: TextPipeline, lexicon: SafetyLexicon, cues: CueSet) -> None:
        self.preprocessor = preprocessor
        self.lexicon = lexicon
        self.cues = cues

    def read(self, text: str) -> Reading:
        """Preprocess ``text`` and find its safety signals and cues."""
        analysis = self.preprocessor.analyze(text)
        return Reading(
            analysis, self.lexicon.search(analysis.clean), self.cues.detect(analysis.clean)
        )

    @property
    def extra_names(self) -> list[str]:
        """The names of the extra feature columns, in order."""
        return [SIGNAL_TOKEN, *(f"__cue_{name}__" for name in self.cues.names)]

    def extras(self, readings: Sequence[Reading]) -> np.ndarray:
        """The extra feature columns of ``readings``: 1 where a safety signal matched, then
        :data:`CUE_WEIGHT` per cue that fired."""
        position = {name: j for j, name in enumerate(self.cues.names, start=1)}
        out = np.zeros((len(readings), 1 + len(position)))
        for i, reading in enumerate(readings):
            if reading.signals:
                out[i, 0] = 1.0
            for name in reading.cues:
                out[i, position[name]] = CUE_WEIGHT
        return out

    def tokens(self, reading: Reading) -> str:
        """The preprocessed text with the extras as tokens (for models that read text)."""
        marks = [SIGNAL_TOKEN] if reading.signals else []
        marks += [f"__cue_{name}__" for name in reading.cues]
        return " ".join([reading.analysis.text, *marks]) if marks else reading.analysis.text
