"""Near-duplicate detection over a bounded window of recent complaints.

Citizens re-send the same complaint, often with small edits. Each complaint becomes a binary
bag of the pairs of adjacent words of its lower-cased text, stop words left out (scikit-learn's
``HashingVectorizer``: nothing to fit, constant memory per complaint); a new complaint is a
likely duplicate of the most similar earlier one in the window when their cosine similarity
reaches ``threshold``. Word pairs rather than single words: common words make nearly every pair
of complaints share a feature, and the window search cost 2x as much with them (measured on
20,000 rows) for the same recall.

A complaint's **signature** (:meth:`DuplicateIndex.signatures`) is its hashed word pairs as
bytes: all the index keeps of it, and no text. Several processes share one window by passing
signatures around: each checks its own complaints (:meth:`DuplicateIndex.check_signatures`) and
adds the others' in the same order (:meth:`DuplicateIndex.add_signatures`), so every index holds
the same window as one process would (the service does this through its database). A signature
is not anonymous: a dictionary of word pairs can be hashed to read much of it back, so it is
kept no longer than the complaint stays in the window.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Sequence
from itertools import count

import numpy as np
import scipy.sparse as sp

from complaint_nlp._validation import ensure_text, ensure_texts
from complaint_nlp.exceptions import InvalidInputError
from complaint_nlp.results import DuplicateMatch
from complaint_nlp.stopwords import load_stopwords

__all__ = ["DEFAULT_THRESHOLD", "DuplicateIndex", "DuplicateMatch"]

#: Chosen on the Surabaya data (scripts/evaluate_duplicates.py): at 0.75, 670 of 10,064
#: complaints are flagged; recall on the 445 known (normalised) duplicates is .998; 66 % of
#: flags match their own duplicate group (a lower bound of precision; a read sample of the
#: other flags were mostly re-sends with small edits). At 0.8 one inserted word in a short
#: complaint already falls below the bar.
DEFAULT_THRESHOLD = 0.75
#: Up to this many queries, the tail is searched without transposing it.
_FEW = 8
_BLOCK = 512
#: A signature's feature numbers: unsigned 32-bit, little-endian, ascending.
_SIGNATURE = np.dtype("<u4")


class DuplicateIndex:
    """The recent complaints, searchable for near duplicates: the last ``window`` of them, and
    up to 512 newer ones.

    >>> index = DuplicateIndex()
    >>> index.check("Jalan di depan SDN 3 berlubang besar, mohon diperbaiki", "A-1") is None
    True
    >>> index.check("jalan di depan sdn 3 berlubang besar!! mohon segera diperbaiki", "A-2")
    DuplicateMatch(id='A-1', similarity=0.7715)
    """

    def __init__(self, *, window: int = 10_000, threshold: float = DEFAULT_THRESHOLD) -> None:
        if window < 1:
            raise InvalidInputError(f"window must be >= 1, got {window}")
        if not 0.0 < threshold <= 1.0:
            raise InvalidInputError(f"threshold must be in (0, 1], got {threshold}")
        self.window = window
        self.threshold = threshold
        # Imported here: loading and classifying never need scikit-learn (cold start).
        from sklearn.feature_extraction.text import HashingVectorizer

        self._vectorizer = HashingVectorizer(
            ngram_range=(2, 2),
            binary=True,
            alternate_sign=False,
            n_features=2**20,
            stop_words=sorted(load_stopwords()),
        )
        # Older rows live in one stacked matrix, the newest (fewer than _BLOCK) in a small tail
        # that joins it when full: a query is two sparse products whatever the window size.
        empty = sp.csr_matrix((0, self._vectorizer.n_features))
        self._old: tuple[sp.csr_matrix, list[str]] = (empty, [])
        self._new: tuple[sp.csr_matrix, list[str]] = (empty, [])
        # The older rows transposed once (features x rows, CSR): multiplying by ``old.T`` on every
        # query converted the whole window and cost 3 ms per single check at 3,500 rows.
        self._old_t: sp.csr_matrix = empty.T.tocsr()
        self._auto = count(1)
        # A service checks from several threads; query-then-add must be one step.
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._old[1]) + len(self._new[1])

    def _vectors(self, texts: Sequence[str]) -> sp.csr_matrix:
        # The vectorizer lower-cases and tokenises the raw text itself: full normalisation moved
        # the measured flags by under 2 % and doubled the cost. Only hashed features are kept.
        return self._vectorizer.transform(texts)

    def _best(
        self, vectors: sp.csr_matrix, names: Sequence[str]
    ) -> tuple[np.ndarray, list[str | None]]:
        """Per row, the most similar complaint of the window and its similarity; never one of
        the row's own id (``names``): the same complaint sent again is no duplicate of itself
        (before: the second answer named its own id, similarity 1.0)."""
        best = np.zeros(vectors.shape[0])
        who: list[str | None] = [None] * vectors.shape[0]
        for sims, ids in ((self._old_sims(vectors), self._old[1]), self._new_sims(vectors)):
            if not ids:
                continue
            top = sims.argmax(axis=1)
            for row, col in enumerate(top):
                if ids[col] == names[row]:  # rare: a resend; its own copies left out
                    own = [k for k, name in enumerate(ids) if name == names[row]]
                    sims[row, own] = 0.0
                    col = int(sims[row].argmax())
                if sims[row, col] > best[row]:
                    best[row], who[row] = sims[row, col], ids[col]
        return best, who

    def _old_sims(self, vectors: sp.csr_matrix) -> np.ndarray:
        return np.asarray((vectors @ self._old_t).toarray())

    def _new_sims(self, vectors: sp.csr_matrix) -> tuple[np.ndarray, list[str]]:
        """Similarities to the tail. A few queries are matched on the tail's non-zeros:
        transposing the tail for a sparse product costs O(n_features) whatever the sizes
        (measured: 0.8 ms of a 3 ms single check); batches pay it once."""
        tail, ids = self._new
        if not ids or vectors.shape[0] > _FEW:
            return np.asarray((vectors @ tail.T.tocsr()).toarray()), ids
        sims = np.zeros((vectors.shape[0], len(ids)))
        rows = np.repeat(np.arange(tail.shape[0]), np.diff(tail.indptr))
        for i in range(vectors.shape[0]):
            start, end = vectors.indptr[i], vectors.indptr[i + 1]
            values = vectors.data[start:end].tolist()
            query = dict(zip(vectors.indices[start:end].tolist(), values, strict=True))
            shared = np.isin(tail.indices, vectors.indices[start:end])
            if shared.any():
                weights = [query[j] for j in tail.indices[shared].tolist()]
                sims[i] = np.bincount(
                    rows[shared], weights=tail.data[shared] * weights, minlength=len(ids)
                )
        return sims, ids

    def _add(self, vectors: sp.csr_matrix, ids: list[str]) -> None:
        matrix, names = self._new
        self._new = (sp.vstack([matrix, vectors], format="csr"), names + ids)
        if len(self._new[1]) < _BLOCK:
            return
        old, old_names = self._old
        old = sp.vstack([old, self._new[0]], format="csr")
        old_names = old_names + self._new[1]
        excess = len(old_names) - self.window
        if excess > 0:
            old, old_names = old[excess:], old_names[excess:]
        self._old = (old, old_names)
        self._old_t = old.T.tocsr()
        self._new = (self._new[0][:0], [])

    def check_batch(
        self, texts: Iterable[str], ids: Iterable[str | None] | None = None
    ) -> list[DuplicateMatch | None]:
        """For each text in order: its likely earlier duplicate (in the window or earlier in this
        batch), or ``None``; then the text joins the window."""
        items = ensure_texts(texts)
        return self._check_new(len(items), ids, lambda: self._vectors(items))

    def _check_new(
        self, n: int, ids: Iterable[str | None] | None, vectors: Callable[[], sp.csr_matrix]
    ) -> list[DuplicateMatch | None]:
        """Check ``n`` complaints, named by ``ids`` (or numbered), whose ``vectors()`` are
        made only once the names are known to fit."""
        names = self._names(n, ids)
        if not names:
            return []
        found = vectors()
        with self._lock:
            return self._check(found, names)

    def _names(self, n: int, ids: Iterable[str | None] | None) -> list[str]:
        given: list[str | None] = [None] * n if ids is None else list(ids)
        if len(given) != n:
            raise ValueError(f"{n} texts but {len(given)} ids")
        return [i if i is not None else f"auto-{next(self._auto)}" for i in given]

    def signatures(self, texts: Iterable[str]) -> list[bytes]:
        """Each text's signature: its hashed word pairs, the only thing the index keeps of it.

        >>> index = DuplicateIndex()
        >>> [len(s) // 4 for s in index.signatures(["jalan rusak parah", "banjir"])]  # pairs
        [2, 0]
        """
        vectors = self._vectors(ensure_texts(texts))
        return [
            vectors.indices[start:end].astype(_SIGNATURE).tobytes()
            for start, end in zip(vectors.indptr[:-1], vectors.indptr[1:], strict=True)
        ]

    def _from_signatures(self, signatures: Sequence[bytes]) -> sp.csr_matrix:
        """The vectors the texts of ``signatures`` have: binary, each of unit length."""
        features = [np.frombuffer(s, dtype=_SIGNATURE) for s in signatures]
        sizes = np.array([len(f) for f in features], dtype=np.int64)
        indptr = np.concatenate([[0], np.cumsum(sizes)])
        indices = np.concatenate([np.zeros(0, np.int32), *features]).astype(np.int32)
        data = np.repeat(1.0 / np.sqrt(np.maximum(sizes, 1)), sizes)
        shape = (len(features), self._vectorizer.n_features)
        return sp.csr_matrix((data, indices, indptr), shape=shape)

    def check_signatures(
        self, signatures: Sequence[bytes], ids: Iterable[str | None] | None = None
    ) -> list[DuplicateMatch | None]:
        """:meth:`check_batch` for complaints given by their :meth:`signatures`."""
        return self._check_new(len(signatures), ids, lambda: self._from_signatures(signatures))

    def add_signatures(self, signatures: Sequence[bytes], ids: Sequence[str]) -> None:
        """Add complaints checked elsewhere (by another process) to the window, in order."""
        if len(ids) != len(signatures):
            raise ValueError(f"{len(signatures)} signatures but {len(ids)} ids")
        if signatures:
            vectors = self._from_signatures(signatures)
            with self._lock:
                self._add(vectors, list(ids))

    def _check(self, vectors: sp.csr_matrix, names: list[str]) -> list[DuplicateMatch | None]:
        out: list[DuplicateMatch | None] = []
        best, who = self._best(vectors, names)
        within = (vectors @ vectors.T).toarray() if len(names) > 1 else None
        for i in range(len(names)):
            if within is not None and i:
                earlier = within[i, :i]
                earlier[[k for k in range(i) if names[k] == names[i]]] = 0.0
                j = int(earlier.argmax())
                if within[i, j] > best[i]:
                    best[i], who[i] = within[i, j], names[j]
            match = who[i]
            out.append(
                DuplicateMatch(match, round(float(best[i]), 4))
                if match is not None and best[i] >= self.threshold
                else None
            )
        self._add(vectors, names)
        return out

    def check(self, text: str, complaint_id: str | None = None) -> DuplicateMatch | None:
        """The likely earlier duplicate of ``text``, or ``None``; then ``text`` joins the window."""
        return self.check_batch([ensure_text(text)], [complaint_id])[0]
