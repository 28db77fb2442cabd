"""Emerging problems: the words and word pairs whose share of complaints rose most in the last
period against the one before, with a significance test and a few masked examples.

A term's share is the share of the period's complaints that contain it at least once (a
complaint is the unit that citizens send, so counts stay independent). Terms are runs of three or
more letters of the text, PII placeholders and the shipped stop words removed; a pair is two
adjacent terms. Each term gets Dunning's log-likelihood ratio G² of its 2x2 table (complaints
with / without it, this period / the previous), whose p-value is that of chi-square with one
degree of freedom. Thousands of terms are tested at once, so by default only ``G² >= 10.83``
(p < 0.001) and at least ``min_complaints`` complaints this period are listed, largest G² first.
"""

from __future__ import annotations

import math
from collections.abc import Set
from dataclasses import dataclass

from complaint_nlp.pii import mask_pii
from complaint_nlp.report.source import Source
from complaint_nlp.report.table import Table
from complaint_nlp.stopwords import load_stopwords

__all__ = ["G2_THRESHOLD", "Emerging", "emerging_terms", "log_likelihood"]

#: G² of p = 0.001 for chi-square with one degree of freedom.
G2_THRESHOLD = 10.83
_EXAMPLE_CHARS = 240


def log_likelihood(a: int, b: int, n_a: int, n_b: int) -> float:
    """Dunning's G² for ``a`` of ``n_a`` complaints against ``b`` of ``n_b``.

    >>> round(log_likelihood(30, 10, 100, 100), 4)
    12.9715
    """
    total, hits = n_a + n_b, a + b
    observed = (a, b, n_a - a, n_b - b)
    expected = (
        n_a * hits / total,
        n_b * hits / total,
        n_a * (total - hits) / total,
        n_b * (total - hits) / total,
    )
    return 2 * sum(o * math.log(o / e) for o, e in zip(observed, expected, strict=True) if o > 0)


def p_value(g2: float) -> float:
    """Upper tail of chi-square with one degree of freedom."""
    return math.erfc(math.sqrt(g2 / 2))


@dataclass(frozen=True)
class Emerging:
    """The rising terms of ``current`` against ``previous`` and up to a few masked examples each
    (examples are shown, never written to the tables)."""

    table: Table
    examples: dict[str, list[str]]


#: Longer runs of letters are no word (a 2,000-letter one became a rising term and widened
#: the page to 16,800 px); markup left by a web form is not read either ("img", "alert").
_LONGEST_WORD = 40


def emerging_terms(
    source: Source,
    *,
    top: int = 15,
    min_complaints: int = 5,
    min_g2: float = G2_THRESHOLD,
    examples: int = 3,
    stopwords: Set[str] | None = None,
) -> Emerging | None:
    """The ``top`` terms whose share rose most significantly in the last period, or ``None``
    without texts or without two periods."""
    if not source.has("text", "received_at"):
        return None
    periods = [r[0] for r in source.rows("SELECT DISTINCT period FROM complaints ORDER BY 1")]
    if len(periods) < 2:
        return None
    previous, current = periods[-2:]
    con = source.con
    con.execute("CREATE OR REPLACE TEMP TABLE stop (w VARCHAR)")
    con.executemany(
        "INSERT INTO stop VALUES (?)",
        [[w] for w in sorted(load_stopwords() if stopwords is None else stopwords)],
    )
    # Only the two periods compared are split into words: a year of data costs two months.
    con.execute(
        r"""
        CREATE OR REPLACE TEMP TABLE terms AS
        WITH docs AS (
            SELECT id, received_at, period = $current AS now,
                regexp_extract_all(
                    lower(regexp_replace(
                        text, '\[[A-Z]+\]|<[^<>]{0,200}>|&lt;[^<>&]{0,200}&gt;|&#?[a-z0-9]{2,8};',
                        ' ', 'gi')),
                    '\p{L}{3,}') AS words
            FROM complaints WHERE period IN ($previous, $current) AND text IS NOT NULL
        ), tokens AS (
            SELECT id, received_at, now, unnest(words) AS w, generate_subscripts(words, 1) AS pos
            FROM docs
        ), kept AS (
            SELECT *, lead(w) OVER (PARTITION BY id, now ORDER BY pos) AS next
            FROM tokens WHERE w NOT IN (SELECT w FROM stop) AND length(w) <= $longest
        )
        SELECT DISTINCT id, received_at, now, w AS term FROM kept
        UNION
        SELECT DISTINCT id, received_at, now, w || ' ' || next FROM kept
        WHERE next IS NOT NULL AND next <> w
        """,
        {"previous": previous, "current": current, "longest": _LONGEST_WORD},
    )
    n_prev, n_now = (
        source.rows("SELECT count(*) FROM complaints WHERE period = ? AND text IS NOT NULL", [p])[
            0
        ][0]
        for p in (previous, current)
    )
    counted = source.rows(
        """
        SELECT term, count(*) FILTER (NOT now) AS b, count(*) FILTER (now) AS a
        FROM terms GROUP BY term
        HAVING count(*) FILTER (now) >= ?
            AND count(*) FILTER (now) / ? > count(*) FILTER (NOT now) / ?
        """,
        [min_complaints, n_now, n_prev],
    )
    scored = []
    for term, b, a in counted:
        g2 = log_likelihood(a, b, n_now, n_prev)
        if g2 >= min_g2:
            scored.append((g2, term, a, b))
    scored.sort(key=lambda s: (-s[0], s[1]))
    rows = []
    for g2, term, a, b in scored[:top]:
        share_now, share_prev = a / n_now, b / n_prev
        rows.append((
            term, "pair" if " " in term else "word", b, a,
            round(share_prev, 4), round(share_now, 4),
            round(share_now / share_prev, 2) if b else None,
            round(g2, 2), p_value(g2),
        ))  # fmt: skip
    table = Table(
        "emerging_terms",
        ("term", "kind", "complaints_previous", "complaints_current", "share_previous",
         "share_current", "ratio", "g2", "p_value"),
        tuple(rows),
    )  # fmt: skip
    return Emerging(table, _examples(source, [r[0] for r in rows], examples))


def _examples(source: Source, terms: list[str], per_term: int) -> dict[str, list[str]]:
    if not terms or per_term <= 0:
        return {}
    found = source.rows(
        """
        SELECT t.term, c.text FROM terms t JOIN complaints c USING (id)
        WHERE t.now AND t.term IN (SELECT unnest(?::VARCHAR[]))
        QUALIFY row_number() OVER (PARTITION BY t.term ORDER BY c.received_at, c.id) <= ?
        ORDER BY t.term, c.received_at, c.id
        """,
        [terms, per_term],
    )
    out: dict[str, list[str]] = {term: [] for term in terms}
    for term, text in found:
        # Masked again: a file not written by triage --keep-text may hold raw complaints.
        masked = " ".join(mask_pii(text).split())
        out[term].append(
            masked if len(masked) <= _EXAMPLE_CHARS else masked[: _EXAMPLE_CHARS - 1] + "…"
        )
    return out
