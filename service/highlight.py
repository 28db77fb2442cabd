"""The words that drove each decision, found in a complaint's text for the desk to mark.

The explanation lists, per head, the writer's own words that pushed the model most (lower-case,
as :meth:`complaint_nlp.ComplaintClassifier.classify_batch` gives them). Each occurrence of such
a word in the text, as a whole word and in any case, becomes a segment naming the heads it
pushed; the rest of the text is left as it is, in segments of its own.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

_WORD = re.compile(r"\w+")

#: A piece of the text and the heads (sorted) whose decision its word pushed; () for none.
Segment = tuple[str, tuple[str, ...]]


def highlight(text: str, explanation: Mapping[str, Sequence[str]]) -> list[Segment]:
    """``text`` cut into segments, each explanation word on its own with its heads.

    >>> highlight("Pohon TUMBANG di jalan", {"category": ["pohon"], "urgency": ["tumbang"]})
    [('Pohon', ('category',)), (' ', ()), ('TUMBANG', ('urgency',)), (' di jalan', ())]
    """
    heads: dict[str, list[str]] = {}
    for head, words in explanation.items():
        for word in words:
            heads.setdefault(word.lower(), []).append(head)
    segments: list[Segment] = []
    plain = 0
    for match in _WORD.finditer(text):
        pushed = heads.get(match.group().lower())
        if pushed is None:
            continue
        if match.start() > plain:
            segments.append((text[plain : match.start()], ()))
        segments.append((match.group(), tuple(sorted(pushed))))
        plain = match.end()
    if plain < len(text):
        segments.append((text[plain:], ()))
    return segments
