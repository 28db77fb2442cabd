"""Text pipeline: stemming throughput vs stock Sastrawi, preprocessing latency, linear time."""

from __future__ import annotations

import functools
import time

from Sastrawi.Dictionary.ArrayDictionary import ArrayDictionary
from Sastrawi.Stemmer.Stemmer import Stemmer as StockStemmer
from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

from benchmarks._common import complaint_texts, complaint_words, median_seconds, report
from complaint_nlp import Stemmer, TextPreprocessor


def stemming_throughput(n_words: int = 300) -> None:
    words = complaint_words(n_words)
    stock = StockStemmer(ArrayDictionary(StemmerFactory().get_words()))
    start = time.perf_counter()
    for w in words:
        stock.stem_word(w)
    stock_rate = len(words) / (time.perf_counter() - start)

    passes, start = 0, time.perf_counter()
    while time.perf_counter() - start < 2.0:
        ours = Stemmer(cache_size=0)  # a new instance per pass: nothing is cached
        for w in words:
            ours.stem_word(w)
        passes += 1
    ours_rate = passes * len(words) / (time.perf_counter() - start)
    print(
        f"stemming {len(words)} complaint words, uncached: stock Sastrawi 1.0.1 "
        f"{stock_rate:,.0f} words/s, ours {ours_rate:,.0f} words/s"
    )
    ratio = ours_rate / stock_rate
    report("uncached stemming throughput, ours / stock", f"{ratio:,.0f}x", ">= 200x", ratio >= 200)


def preprocessing_latency(n: int = 500) -> None:
    texts = [t[:200] for t in complaint_texts(n)]
    pre = TextPreprocessor().fit()
    pre.transform(texts)  # warm the stemmer cache
    per_text = sorted(median_seconds(functools.partial(pre.transform_one, t), 3) for t in texts)
    median_ms = per_text[len(per_text) // 2] * 1000
    report(
        "preprocessing, 200-char complaint, warm cache (median)",
        f"{median_ms:.3f} ms",
        "< 0.3 ms",
        median_ms < 0.3,
    )


def linear_time() -> None:
    pre = TextPreprocessor().fit()
    base = " ".join(complaint_texts(50))
    one_mb = (base * (1_000_000 // len(base) + 1))[:1_000_000]
    two_mb = one_mb + one_mb
    pre.transform_one(one_mb)  # warm the cache so both runs measure the same work
    t1 = median_seconds(lambda: pre.transform_one(one_mb), 3)
    t2 = median_seconds(lambda: pre.transform_one(two_mb), 3)
    ratio = t2 / t1
    print(f"preprocessing 1 MB text: {t1:.2f} s, 2 MB text: {t2:.2f} s")
    report("time(2 MB) / time(1 MB)", f"{ratio:.2f}", "about 2 (linear)", 1.5 <= ratio <= 2.6)


def main() -> None:
    print("== text pipeline")
    stemming_throughput()
    preprocessing_latency()
    linear_time()
