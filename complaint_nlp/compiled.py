"""A lean inference form of the fitted linear backend, stored as plain arrays.

scikit-learn validates its input on every call (measured: ~54 ``check_array`` calls and
~5 ms per single ``classify`` through the three calibrated heads, and 1,400 complaints/s in
batches). :class:`CompiledLinear` computes exactly the same probabilities from the fitted
vectorizers' vocabularies and idf weights, the heads' coefficients and their Platt calibrators,
with one sparse matrix product for all heads; ``tests/test_compiled.py`` checks it against
scikit-learn's ``predict_proba``.

It never imports scikit-learn and round-trips through :meth:`CompiledLinear.to_arrays` /
:meth:`CompiledLinear.from_arrays` (NumPy arrays only, no pickle): loading the shipped model
runs no pickled code and skips scikit-learn's import (0.7-0.9 s of a 1.5-1.8 s cold start).

A classifier predicts with :meth:`CompiledLinear.lean`: weights rounded to float16, the unit
head's smallest ones dropped, and the idf weights are rounded to float32, so that a saved model
holds only what inference needs and exactly what the classifier used when it was evaluated.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import numpy as np
import scipy.sparse as sp
from scipy.special import expit

__all__ = ["CompiledLinear", "char_wb_ngrams", "word_ngrams"]


_WORD_MEMO = 200_000
#: Per head, the share of its weights :meth:`CompiledLinear.lean` keeps (the largest by
#: magnitude); every kept weight is rounded to float16. The unit head (28 of 36 weight rows) is
#: pruned, the category and urgency heads are not: their thresholds sit where small shifts flip
#: decisions. Measured 2026-11-30 with 1.8.0's recipe on the gold test, against the same model
#: at float64: keeping 30 % of every head moved category macro-F1 by .010 and `high` recall by
#: .046 (over issue 15's +-.002), keeping 30 % of the unit head's left unit top-1 / top-3 at
#: .814 / .933 (also on three 2022 blocks: .7620 -> .7623, .9130 -> .9125); float16 alone changed
#: no unit answer there. inference.npz: 20.4 MB at float64, 4.9 MB pruning every head.
LEAN_KEEP = {"category": 1.0, "urgency": 1.0, "unit": 0.3}
#: The text fields of an :class:`~complaint_nlp.pipeline.Analysis` a vectorizer may read.
FIELDS = ("text", "clean")
#: scikit-learn's default ``token_pattern``.
_TOKEN = re.compile(r"(?u)\b\w\w+\b")


def word_ngrams(text: str, min_n: int, max_n: int) -> list[str]:
    """scikit-learn's ``word`` analyzer with its defaults (lower-cased text, tokens of two or
    more word characters, n-grams joined by one space)."""
    tokens = _TOKEN.findall(text.lower())
    if max_n == 1:
        return tokens if min_n == 1 else []
    grams = tokens[:] if min_n == 1 else []
    for n in range(max(min_n, 2), min(max_n, len(tokens)) + 1):
        grams += [" ".join(tokens[i : i + n]) for i in range(len(tokens) - n + 1)]
    return grams


def char_wb_ngrams(text: str, min_n: int, max_n: int) -> list[str]:
    """scikit-learn's ``char_wb`` analyzer (lower-cased text, n-grams padded within words) with
    slicing comprehensions instead of appends: same n-grams, about twice as fast."""
    grams: list[str] = []
    for word in text.lower().split():
        padded = f" {word} "
        size = len(padded)
        for n in range(min_n, max_n + 1):
            if size <= n:  # a word shorter than n is counted once, whole
                grams.append(padded)
                break
            grams += [padded[i : i + n] for i in range(size - n + 1)]
    return grams


class _Tfidf:
    """One fitted l2-normalised idf ``TfidfVectorizer`` (word or ``char_wb``) as plain lookups."""

    def __init__(
        self,
        field: str,
        analyzer: str,
        ngram_range: tuple[int, int],
        terms: Sequence[str],
        idf: np.ndarray,
        sublinear: bool,
    ) -> None:
        if analyzer not in ("word", "char_wb"):
            raise ValueError(f"cannot compile a {analyzer!r} analyzer")
        if field not in FIELDS:
            raise ValueError(f"unknown text field {field!r}; one of {', '.join(FIELDS)}")
        self.field = field
        self.analyzer = analyzer
        self.ngram_range = (int(ngram_range[0]), int(ngram_range[1]))
        self.terms = list(terms)
        self.vocabulary = {term: j for j, term in enumerate(self.terms)}
        self.idf = np.asarray(idf, dtype=np.float64)
        self.sublinear = bool(sublinear)
        self.size = len(self.terms)
        # char_wb n-grams never cross words: each word's vocabulary indices are computed once
        # (a bounded memo) and reused for every complaint that contains the word.
        self.word_indices: dict[str, tuple[int, ...]] = {}

    @classmethod
    def from_pipeline(cls, pipeline: Any) -> _Tfidf:
        """From a fitted ``Pipeline`` of a field selector and a ``TfidfVectorizer``."""
        field = pipeline.steps[0][1].kw_args["name"]
        vectorizer = pipeline.steps[-1][1]
        default = (
            vectorizer.lowercase
            and not vectorizer.strip_accents
            and vectorizer.preprocessor is None
            and vectorizer.tokenizer is None
            and vectorizer.stop_words is None
            and vectorizer.token_pattern == _TOKEN.pattern
        )
        if (
            vectorizer.norm != "l2"
            or not vectorizer.use_idf
            or vectorizer.binary
            or not default
            or not isinstance(vectorizer.analyzer, str)
        ):
            raise ValueError("only default-tokenised, l2-normalised idf vectorizers are compiled")
        terms = sorted(vectorizer.vocabulary_, key=vectorizer.vocabulary_.__getitem__)
        return cls(
            field,
            vectorizer.analyzer,
            vectorizer.ngram_range,
            terms,
            vectorizer.idf_,
            vectorizer.sublinear_tf,
        )

    def indices(self, text: str) -> list[int]:
        """The vocabulary index of each of ``text``'s n-grams in the vocabulary, repeats kept."""
        if self.analyzer == "word":
            found = map(self.vocabulary.get, word_ngrams(text, *self.ngram_range))
            return [j for j in found if j is not None]
        memo = self.word_indices
        out: list[int] = []
        for word in text.lower().split():
            indices = memo.get(word)
            if indices is None:
                grams = char_wb_ngrams(word, *self.ngram_range)
                indices = tuple(j for j in map(self.vocabulary.get, grams) if j is not None)
                if len(memo) >= _WORD_MEMO:
                    memo.clear()
                memo[word] = indices
            out += indices
        return out


class _Head:
    """A fitted ``CalibratedClassifierCV(ensemble=False)`` over a linear model, as arrays."""

    def __init__(
        self,
        classes: Sequence[str],
        coef: np.ndarray,
        intercept: np.ndarray,
        a: np.ndarray,
        b: np.ndarray,
    ) -> None:
        self.classes = np.asarray([str(c) for c in classes])
        self.coef = np.asarray(coef, dtype=np.float64)
        self.intercept = np.asarray(intercept, dtype=np.float64)
        self.a = np.asarray(a, dtype=np.float64)
        self.b = np.asarray(b, dtype=np.float64)

    @classmethod
    def from_estimator(cls, head: Any, n_features: int) -> _Head:
        calibrated = head.calibrated_classifiers_[0]
        model = calibrated.estimator
        if list(model.classes_) != list(head.classes_):
            raise ValueError("calibrated and inner classes differ")
        coef = np.asarray(model.coef_, dtype=np.float64)
        padded = np.zeros((coef.shape[0], n_features))
        padded[:, : coef.shape[1]] = coef
        return cls(
            head.classes_,
            padded,
            model.intercept_,
            np.array([c.a_ for c in calibrated.calibrators]),
            np.array([c.b_ for c in calibrated.calibrators]),
        )

    def proba(self, decision: np.ndarray) -> np.ndarray:
        calibrated = expit(-(self.a * decision + self.b))
        if len(self.classes) == 2:
            return np.column_stack([1.0 - calibrated[:, 0], calibrated[:, 0]])
        total = calibrated.sum(axis=1, keepdims=True)
        uniform = np.full_like(calibrated, 1.0 / len(self.classes))
        out = np.divide(calibrated, total, out=uniform, where=total != 0)
        out[(out > 1.0) & (out <= 1.0 + 1e-5)] = 1.0
        return np.asarray(out)


class CompiledLinear:
    """Shared TF-IDF features, extra columns and every linear head, evaluated in one pass.

    Build one from fitted estimators with :meth:`from_estimators`, or from saved arrays with
    :meth:`from_arrays`.
    """

    def __init__(
        self, parts: Sequence[_Tfidf], extra_names: Sequence[str], heads: Mapping[str, _Head]
    ):
        self.parts = list(parts)
        self.extra_names = [str(n) for n in extra_names]
        self.n_features = sum(p.size for p in self.parts)
        self.heads = dict(heads)
        width = self.n_features + len(self.extra_names)
        self.slices: dict[str, slice] = {}
        start = 0
        for name, head in self.heads.items():
            if head.coef.shape[1] != width:
                raise ValueError(f"head {name!r} has {head.coef.shape[1]} weights, not {width}")
            self.slices[name] = slice(start, start + head.coef.shape[0])
            start += head.coef.shape[0]
        self.weights = np.ascontiguousarray(np.vstack([h.coef for h in self.heads.values()]).T)
        self.intercept = np.concatenate([head.intercept for head in self.heads.values()])
        self.word_names = self.parts[0].terms
        self.word_size = self.parts[0].size
        # Per column of the n-gram block: its part's start, idf weight and sublinear flag.
        self.offsets = np.cumsum([0] + [p.size for p in self.parts])
        self.idf = np.concatenate([p.idf for p in self.parts])
        self.sublinear = np.array([p.sublinear for p in self.parts])

    @classmethod
    def from_estimators(
        cls, features: Any, extra_names: Sequence[str], heads: Mapping[str, Any]
    ) -> CompiledLinear:
        """From a fitted ``FeatureUnion`` of field-selecting ``TfidfVectorizer`` pipelines
        (stemmed words first) and calibrated linear heads that read its columns followed by
        ``extra_names``."""
        parts = [_Tfidf.from_pipeline(p) for _, p in features.transformer_list]
        width = sum(p.size for p in parts) + len(extra_names)
        return cls(
            parts, extra_names, {n: _Head.from_estimator(h, width) for n, h in heads.items()}
        )

    def lean(self, keep: Mapping[str, float] = LEAN_KEEP) -> CompiledLinear:
        """This model with each head's weights outside its largest ``keep[head]`` share (by
        magnitude; default 1: all) set to zero and the rest rounded to float16, and the idf
        weights rounded to float32: what :meth:`to_arrays` stores, and what a classifier
        predicts with."""
        heads = {}
        for name, head in self.heads.items():
            coef = head.coef
            share = keep.get(name, 1.0)
            if share < 1.0 and coef.size:
                bar = np.quantile(np.abs(coef), 1.0 - share)
                coef = np.where(np.abs(coef) >= bar, coef, 0.0)
            coef = coef.astype(np.float16).astype(np.float64)
            heads[name] = _Head(head.classes.tolist(), coef, head.intercept, head.a, head.b)
        parts = [
            _Tfidf(
                p.field,
                p.analyzer,
                p.ngram_range,
                p.terms,
                p.idf.astype(np.float32).astype(np.float64),
                p.sublinear,
            )
            for p in self.parts
        ]
        return CompiledLinear(parts, self.extra_names, heads)

    def to_arrays(self) -> dict[str, np.ndarray]:
        """Everything as named NumPy arrays (no Python objects: ``np.savez`` without pickle);
        weights as float16 (sparse rows for a pruned head) and idf as float32, exact for a
        :meth:`lean` model."""
        out: dict[str, np.ndarray] = {
            "extras": np.array(self.extra_names),
            "parts": np.array([p.analyzer for p in self.parts]),
            "fields": np.array([p.field for p in self.parts]),
            "heads": np.array(list(self.heads)),
        }
        for k, part in enumerate(self.parts):
            out[f"part{k}.terms"] = np.frombuffer("\n".join(part.terms).encode(), dtype=np.uint8)
            out[f"part{k}.ngram_range"] = np.array(part.ngram_range)
            out[f"part{k}.idf"] = part.idf.astype(np.float32)
            out[f"part{k}.sublinear"] = np.array(part.sublinear)
        for name, head in self.heads.items():
            out[f"head.{name}.classes"] = head.classes
            rows, columns = np.nonzero(head.coef)
            out[f"head.{name}.shape"] = np.array(head.coef.shape, dtype=np.int64)
            if len(rows) * 4 < head.coef.size:  # a weight costs 8 bytes sparse, 2 dense
                out[f"head.{name}.rows"] = rows.astype(np.int16)
                out[f"head.{name}.columns"] = columns.astype(np.int32)
                out[f"head.{name}.weights"] = head.coef[rows, columns].astype(np.float16)
            else:
                out[f"head.{name}.weights"] = head.coef.astype(np.float16)
            for field in ("intercept", "a", "b"):
                out[f"head.{name}.{field}"] = getattr(head, field)
        return out

    @classmethod
    def from_arrays(cls, arrays: Mapping[str, np.ndarray]) -> CompiledLinear:
        """The inverse of :meth:`to_arrays`."""

        def parts() -> Iterator[_Tfidf]:
            fields = arrays["fields"].tolist()
            for k, analyzer in enumerate(arrays["parts"].tolist()):
                terms = arrays[f"part{k}.terms"].tobytes().decode()
                low, high = arrays[f"part{k}.ngram_range"].tolist()
                yield _Tfidf(
                    fields[k],
                    analyzer,
                    (low, high),
                    terms.split("\n") if terms else [],
                    arrays[f"part{k}.idf"],
                    bool(arrays[f"part{k}.sublinear"]),
                )

        def coef(name: str) -> np.ndarray:
            weights = arrays[f"head.{name}.weights"].astype(np.float64)
            if f"head.{name}.rows" not in arrays:
                return weights.reshape(tuple(arrays[f"head.{name}.shape"].tolist()))
            dense = np.zeros(tuple(arrays[f"head.{name}.shape"].tolist()))
            rows = arrays[f"head.{name}.rows"].astype(np.int64)
            columns = arrays[f"head.{name}.columns"].astype(np.int64)
            dense[rows, columns] = weights
            return dense

        heads = {
            name: _Head(
                arrays[f"head.{name}.classes"].tolist(),
                coef(name),
                arrays[f"head.{name}.intercept"],
                arrays[f"head.{name}.a"],
                arrays[f"head.{name}.b"],
            )
            for name in arrays["heads"].tolist()
        }
        return cls(list(parts()), arrays["extras"].tolist(), heads)

    @property
    def labels(self) -> dict[str, list[str]]:
        """The classes of every head."""
        return {name: head.classes.tolist() for name, head in self.heads.items()}

    def features(self, fields: Mapping[str, Sequence[str]], extras: np.ndarray) -> sp.csr_matrix:
        """The feature rows of the texts in ``fields`` (``text`` and ``clean``, one entry per
        complaint) followed by their ``extras`` columns (:meth:`Reader.extras
        <complaint_nlp.reading.Reader.extras>`)."""
        # Python only looks n-grams up; counting, weighting and normalising run on the whole
        # batch in SciPy's and NumPy's C loops, with one sparse matrix built: a Counter per
        # text and part cost 161 us a complaint, a SciPy matrix per part 1.5 ms per single
        # classify (2026-11-30).
        n = len(extras)
        rows_of, columns_of = [], []
        for part, offset in zip(self.parts, self.offsets, strict=False):
            columns: list[int] = []
            lengths: list[int] = []
            for text in fields[part.field]:
                found = part.indices(text)
                columns += found
                lengths.append(len(found))
            rows_of.append(np.repeat(np.arange(n), lengths))
            columns_of.append(np.asarray(columns, dtype=np.int64) + offset)
        rows = np.concatenate(rows_of)
        counts = sp.coo_matrix(
            (np.ones(len(rows)), (rows, np.concatenate(columns_of))), shape=(n, self.n_features)
        ).tocsr()  # each n-gram once per row, its count summed, columns sorted
        counts.sum_duplicates()
        cols = counts.indices
        rows = np.repeat(np.arange(n), np.diff(counts.indptr))
        block = np.searchsorted(self.offsets, cols, side="right") - 1  # the part of each column
        tf = np.where(self.sublinear[block], np.log(counts.data) + 1.0, counts.data)
        values = tf * self.idf[cols]
        segment = rows * len(self.parts) + block
        squares = np.bincount(segment, weights=values * values, minlength=n * len(self.parts))
        values /= np.sqrt(np.where(squares > 0, squares, 1.0))[segment]
        # Each row's extra columns after its n-grams, merged without sorting.
        extra_rows, extra_cols = np.nonzero(extras)
        ngrams = np.bincount(rows, minlength=n)
        added = np.bincount(extra_rows, minlength=n)
        indptr = np.concatenate([[0], np.cumsum(ngrams + added)])
        before = np.concatenate([[0], np.cumsum(added)])  # extras in the rows above
        first = np.concatenate([[0], np.cumsum(ngrams)])  # n-grams in the rows above
        at_ngram = np.arange(len(cols)) + before[rows]
        at_extra = np.arange(len(extra_rows)) + first[extra_rows + 1]
        indices = np.empty(len(cols) + len(extra_rows), dtype=np.int64)
        data = np.empty(len(indices))
        indices[at_ngram], data[at_ngram] = cols, values
        indices[at_extra] = extra_cols + self.n_features
        data[at_extra] = extras[extra_rows, extra_cols]
        return sp.csr_matrix((data, indices, indptr), shape=(n, self.n_features + extras.shape[1]))

    def predict_proba(self, rows: sp.csr_matrix) -> dict[str, np.ndarray]:
        """Calibrated probabilities of every head for feature ``rows``."""
        decision = rows @ self.weights + self.intercept
        return {
            name: head.proba(decision[:, self.slices[name]]) for name, head in self.heads.items()
        }

    def term_weights(
        self, rows: sp.csr_matrix, head: str, labels: Sequence[str]
    ) -> list[dict[str, float]]:
        """Per row and token: its word and bigram features' push towards that row's label."""
        model = self.heads[head]
        classes = [str(c) for c in model.classes]
        k = np.array([classes.index(label) for label in labels])
        sign = np.ones(len(k))
        if len(classes) == 2:
            k, sign = np.zeros(len(k), dtype=int), np.where(k == 1, 1.0, -1.0)
        row_of = np.repeat(np.arange(rows.shape[0]), np.diff(rows.indptr))
        words = rows.indices < self.word_size
        cols, row_of = rows.indices[words], row_of[words]
        push = sign[row_of] * rows.data[words] * model.coef[k[row_of], cols]
        keep = push > 0
        out: list[dict[str, float]] = [{} for _ in range(rows.shape[0])]
        names = self.word_names
        for i, j, value in zip(
            row_of[keep].tolist(), cols[keep].tolist(), push[keep].tolist(), strict=True
        ):
            weights = out[i]
            for token in names[j].split():
                weights[token] = weights.get(token, 0.0) + value
        return out
