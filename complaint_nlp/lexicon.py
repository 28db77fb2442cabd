"""Safety signals: a data-file lexicon of dangers to life, health or safety (urgency ``high``).

Each line of ``data/safety_signals.txt`` is a regular expression matched against normalised,
slang-expanded text. The classifier uses a match only to *raise* urgency (it lowers the model's
bar for ``high``); a match never lowers any label.
"""

from __future__ import annotations

import functools
import re

from complaint_nlp._resources import PathLike, read_data_text, resolve
from complaint_nlp._validation import ensure_text
from complaint_nlp.cues import _trie, _triggers
from complaint_nlp.exceptions import DataFileError
from complaint_nlp.normalize import normalize
from complaint_nlp.slang import expand_slang

__all__ = ["SafetyLexicon"]

# A pattern that can only match from the start of a word: "\b", then a letter or a group whose
# alternatives all begin with letters, not made optional by a quantifier.
_STARTS_A_WORD = re.compile(r"\\b(?:[a-z]|\(\?:[a-z][a-z -]*(?:\|[a-z][a-z -]*)*\))(?![?*{])")


class SafetyLexicon:
    """The safety signals at ``path`` (default: the shipped file).

    >>> lexicon = SafetyLexicon()
    >>> bool(lexicon.matches("Pohon besar TUMBANG menutup jalan"))
    True
    >>> lexicon.matches("Mohon info jadwal pemangkasan pohon")
    []
    """

    def __init__(self, path: PathLike | None = None) -> None:
        self.path = path

    @functools.cached_property
    def patterns(self) -> tuple[re.Pattern[str], ...]:
        """The compiled signals, in file order."""
        file = resolve(self.path, "safety_signals.txt")
        compiled = []
        try:
            lines = read_data_text(file).splitlines()
        except FileNotFoundError:
            raise DataFileError(f"data file not found: {file}") from None
        for number, raw in enumerate(lines, start=1):
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            try:
                compiled.append(re.compile(line))
            except re.error as exc:
                raise DataFileError(f"{file}:{number}: invalid pattern {line!r}: {exc}") from None
        return tuple(compiled)

    def matches(self, text: str) -> list[str]:
        """The phrases of raw ``text`` that match a safety signal (empty when none does)."""
        return self.search(expand_slang(normalize(ensure_text(text))))

    @functools.cached_property
    def _any(self) -> re.Pattern[str]:
        # One pass over the text for the common case of no signal at all.
        either = "|".join(f"(?:{p.pattern})" for p in self.patterns) or "(?!)"
        # When every signal starts a word ("\bpohon", "\b(?:banjir|air)"), only word starts are
        # tried: a hostile text of 10,000 one-letter words took 6.1 instead of 3.7 ms (2026-11-30).
        if all(_STARTS_A_WORD.match(p.pattern) for p in self.patterns):
            either = rf"\b(?=\w)(?:{either})"
        return re.compile(either)

    @functools.cached_property
    def _gate(self) -> re.Pattern[str] | None:
        """The words one of which begins every signal ("pohon", "air", "kebakaran"), as one
        expression over word starts; ``None`` when some signal may begin elsewhere. Most
        complaints have none of them: one scan (3 us for 200 characters) turns a text away
        where the signals' own expression tried each at every word (9 us). A third of the
        Surabaya complaints pass it, so 200 characters take 10.3 instead of 13.0 us on average;
        "wa0812" repeated to 20,000 characters, 0.4 instead of 2.1 ms (2026-12-01)."""
        words: list[str] = []
        for pattern in self.patterns:
            found = _triggers(pattern.pattern)
            if found is None:
                return None
            words += [word for word, _ in found]
        return re.compile(rf"\b(?:{_trie(words)})") if words else None

    def search(self, clean: str) -> list[str]:
        """Like :meth:`matches`, for text that is already normalised and slang-expanded."""
        gate = self._gate
        if gate is not None and not gate.search(clean):
            return []
        if not self._any.search(clean):
            return []
        return [m.group(0) for p in self.patterns if (m := p.search(clean))]

    def __getstate__(self) -> dict[str, object]:
        return {"path": self.path}

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__dict__.update(state)
