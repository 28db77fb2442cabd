"""Text pipeline: stemming throughput vs stock Sastrawi, preprocessing latency, linear time, and
the worst time on hostile texts at the length limit."""

from __future__ import annotations

import functools
import random
import statistics
import time

from Sastrawi.Dictionary.ArrayDictionary import ArrayDictionary
from Sastrawi.Stemmer.Stemmer import Stemmer as StockStemmer
from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

import complaint_nlp
from benchmarks._common import (
    best_seconds,
    complaint_texts,
    complaint_words,
    median_seconds,
    report,
)
from complaint_nlp import Stemmer, TextPreprocessor, mask_pii, normalize
from complaint_nlp._validation import MAX_TEXT_CHARS


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


def _filled(unit: str) -> str:
    return (unit * (MAX_TEXT_CHARS // len(unit) + 1))[:MAX_TEXT_CHARS]


def adversarial_texts() -> dict[str, str]:
    """Texts at the length limit built to make regular expressions backtrack: runs of the
    characters the patterns treat specially, and the cases reported in issue #12."""
    reported = {
        '"a-" * 9999 + "/"': "a-" * 9999 + "/",
        '"@" + "a" * 19999': "@" + "a" * 19999,
        '"a." * 10000': "a." * 10000,
        '"1-" * 10000': "1-" * 10000,
        '"_" * 20000': "_" * 20000,
        '"w" * 19999 + "@"': "w" * 19999 + "@",
    }
    units = [
        "-", ".", "/", "@", "_", "#", "7", "a", "1 ", "1.", "1,", "a2 ", "abc2 ", "0812-",
        "0812 ", "08 ", "+62 8", "(0", "a@", "a.a@", "a.b", "a @ ", "a-b.", "www.", "x.com/",
        "nama saya ", "a.n ", "Pak Budi ", "nama saya\u200b", "\u200b", "a\u200d", "\uff10\uff18",
        "air ", "air tidak mengalir ", "listrik padam 1 ", "pohon ",  # safety signals' prefixes
        "rt ", "petugas ", "ketua rt minta ", "aplikasi ",  # cues' first words, eight words apart
        "<a ", "<br>", "&nbsp;", "&amp;", "\\n0812 ", "wa0812",  # markup, written-out breaks
        "(08123456789012345678 5 ", "Bpk Hj. ", "a/n ", "Bapak BUDI ", "Saya ",  # probes 2026-12-01
        "namaku Budi ", "hp 0812\u200e", "telp kantor 0254 12", "Terima kasih\nBudi ", "a\u200e",
        "jalan \u0440\u0443\u0301\u0441\u0441\u043a\u0438\u0439 中文 عربي ०१२ ",  # mixed scripts
        "Pak Ab-Cd-Ef ", "Pak Siti bin Budi bin ", "\nHP [TELEPON] ", "2023 2024 ",  # third probe
        "jalan rusak \u2764\ufe0f\U0001f64f ", "08.00-12.00 ", "Rp 62.850.000 ", "Pa Teh ",
    ]  # fmt: skip
    return reported | {f"{unit!r} repeated": _filled(unit) for unit in units}


def hostile_text() -> None:
    texts = adversarial_texts()
    model = complaint_nlp.load()
    for text in texts.values():  # warm the caches, as in a running service
        model.classify(text)
    for name, step in (
        ("normalize + mask_pii", lambda t: normalize(mask_pii(t))),
        ("classify (whole path)", model.classify),
    ):
        times = {label: best_seconds(functools.partial(step, t), 5) for label, t in texts.items()}
        worst = max(times, key=times.__getitem__)
        worst_ms = times[worst] * 1000
        print(f"{name}: slowest of {len(texts)} hostile texts (best of 5 runs) is {worst}")
        report(
            f"{name}, hostile {MAX_TEXT_CHARS:,}-char text (worst)",
            f"{worst_ms:.1f} ms",
            "< 20 ms",
            worst_ms < 20,
        )


def _novel_words(seed: int) -> str:
    """A text at the limit of made-up words, none seen before: every one goes through Sastrawi."""
    rng = random.Random(seed)
    words: list[str] = []
    while sum(map(len, words)) + len(words) < MAX_TEXT_CHARS:
        words.append("".join(rng.choices("abdegikmnorstuy", k=rng.randint(3, 9))))
    return " ".join(words)[:MAX_TEXT_CHARS]


def novel_words() -> None:
    model = complaint_nlp.load()
    model.classify("jalan rusak")
    times = []
    for seed in range(3):
        text = _novel_words(seed)
        start = time.perf_counter()
        model.classify(text)
        times.append(time.perf_counter() - start)
    ms = statistics.median(times) * 1000
    report(
        f"classify, {MAX_TEXT_CHARS:,} chars of unseen made-up words",
        f"{ms:.0f} ms",
        "< 20 ms",
        ms < 20,
    )


def main() -> None:
    print("== text pipeline")
    stemming_throughput()
    preprocessing_latency()
    linear_time()
    hostile_text()
    novel_words()
