"""Stop-word removal: the third text step.

The shipped list (``data/stopwords.txt``) is curated for complaints: unlike Sastrawi's stock list
it keeps words that carry the meaning or the urgency of a complaint (``tidak``, ``belum``,
``bukan``, ``jangan``, ``kurang``, ``lama``, ``segera``, ``sudah``, ...) and the words of
questions, conditions and consequences (``apakah``, ``jika``, ``akan``, ``sehingga``, ...), which
tell a suggestion or a risk from a failure that already happened.
"""

from __future__ import annotations

from collections.abc import Set

from complaint_nlp._resources import PathLike, read_word_set, resolve
from complaint_nlp._validation import ensure_text

__all__ = ["KEPT_WORDS", "load_stopwords", "remove_stopwords"]

#: Words that stock Sastrawi removes but that decide what a complaint means or how urgent it is.
KEPT_WORDS = frozenset(
    {
        "tidak", "belum", "bukan", "jangan", "kurang", "lama", "segera", "sudah", "tanpa",
        "masih", "harus", "perlu", "mohon", "tolong", "bahaya", "cepat", "sering",
        "terus", "lagi", "hampir", "baru", "tinggi", "rusak", "mati",
        # questions, conditions and consequences: what urgency depends on
        "apakah", "jika", "kalau", "akan", "sehingga", "karena", "agar", "supaya", "ketika",
    }
)  # fmt: skip


def load_stopwords(path: PathLike | None = None) -> Set[str]:
    """The stop words at ``path``, or the shipped list."""
    return read_word_set(resolve(path, "stopwords.txt"))


def remove_stopwords(text: str, stopwords: Set[str] | None = None) -> str:
    """Drop the stop words of normalised ``text``.

    >>> remove_stopwords("air sudah tidak mengalir selama tiga hari di rumah kami")
    'air sudah tidak mengalir selama tiga hari rumah'
    """
    ensure_text(text)
    words = load_stopwords() if stopwords is None else stopwords
    return " ".join(token for token in text.split() if token not in words)
