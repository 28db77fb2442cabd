"""Normalisation: the first text step, making informal complaint text uniform.

Unicode NFKC and case folding; URLs, e-mail addresses, mentions and hashtags become placeholder
tokens; numbers stay as tokens; runs of a repeated letter collapse (``parahhhh`` -> ``parah``);
punctuation and white space are cleaned. The function is idempotent and never raises on a string.
"""

from __future__ import annotations

import html
import re
import unicodedata

from complaint_nlp._resources import root_words
from complaint_nlp._validation import ensure_text

__all__ = ["PLACEHOLDERS", "normalize"]

#: Placeholder tokens, by what they replace. They are words (``\w+``), so later steps keep them.
PLACEHOLDERS = {
    "url": "__url__",
    "email": "__email__",
    "mention": "__mention__",
    "hashtag": "__hashtag__",
    "nik": "__nik__",
    "phone": "__telepon__",
    "name": "__nama__",
}

# Every pattern runs in time linear in the text (hostile input must not stall the service): a
# run of word characters is matched possessively (``++``, ``*+``) and only from where the run
# starts, so no position is re-scanned. Tried from every position with backtracking, the domain
# part took 6.8 s on "a-" * 9999 + "/" and the e-mail part 1.5 s on "w" * 19999 + "@" (measured
# 2026-11-30, 20,000 characters; benchmarks/text.py).
#
# A domain path ("contoh.go.id/foto"): labels of word characters and dashes joined by single
# dots, starting where such a chain starts (labels of dashes only may lead), the last label a
# known top-level domain, then a slash.
_URL = re.compile(
    r"(?:https?://|www\.)\S+"
    r"|(?<![\w-])(?<![\w-]\.)(?:-++\.)*+-*+\w[\w-]*+(?:\.[\w-]++)++"
    r"(?:(?<=\.com|\.org|\.net)|(?<=\.id))/\S*"
)
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]++@[\w-]++(?:\.[\w-]++)++")
_MENTION = re.compile(r"(?<![\w@])@(\w+)")
_HASHTAG = re.compile(r"(?<![\w#])#(\w+)")
# Placeholders written by mask_pii(), kept as tokens rather than losing their brackets.
_PII_MARK = re.compile(r"\[(NIK|TELEPON|EMAIL|NAMA)\]", re.IGNORECASE)
_PII_TOKEN = {
    "nik": PLACEHOLDERS["nik"],
    "telepon": PLACEHOLDERS["phone"],
    "email": PLACEHOLDERS["email"],
    "nama": PLACEHOLDERS["name"],
}
# Thousands separators inside a number ("1.500.000") are dropped so that the amount stays one token.
_THOUSANDS = re.compile(r"(?<![\d.,])\d{1,3}(?:[.,]\d{3})+(?![\d]|[.,]\d)")
_DIGIT = re.compile(r"\d")
# A space goes between a letter and a digit ("rt05" -> "rt 05"). Zero-width matches with a constant
# replacement stay in C: a "\1 \2" template is expanded in Python per match (measured 2026-11-30:
# 9.9 vs 2.9 ms on "a2 " * 6666).
_DIGIT_AFTER_LETTER = re.compile(r"(?<=[^\W\d_])(?=\d)")
_LETTER_AFTER_DIGIT = re.compile(r"(?<=\d)(?=[^\W\d_])")
_REPEATS = re.compile(r"([^\W\d_])\1{2,}")
_TOKEN = re.compile(r"\w+(?:-\w+)*")
# Exports often carry escaped line breaks ("...rusak.\\nSaya...") as two characters.
ESCAPED_BREAK = re.compile(r"\\[nrt]")
# Another portal's export may keep its web form's markup: "<p>Jalan rusak<br>parah</p>",
# "&nbsp;", "&amp;" (none of the Surabaya complaints has any; each became words such as "br",
# "nbsp", "amp"). A tag is a name after "<" or "</" and at most 200 characters to its ">".
HTML_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9]{0,15}(?:[\s/][^<>]{0,200})?>")
# Only an entity closed by ";": html.unescape alone also reads "&not", "&para" or "&reg" at the
# start of a word glued to "&" ("PT A&regional" -> "PT A®ional").
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")
# Informal reduplication: "anak2" is "anak-anak" (the stemmer then reduces it to "anak").
_REDUPLICATION = re.compile(r"\b([^\W\d_]{3,})2\b")


def _reduplicate(match: re.Match[str]) -> str:
    # A function rather than the template r"\1-\1": 2.3 vs 5.3 ms on "abc2 " * 4000.
    return f"{match[1]}-{match[1]}"


def _collapse_repeats(match: re.Match[str]) -> str:
    return match.group(1)


def _collapse_word(word: str) -> str:
    """``parahhhh`` -> ``parah``; ``maaaaf`` -> ``maaf`` when only the doubled form is a word."""
    single = _REPEATS.sub(_collapse_repeats, word)
    double = _REPEATS.sub(lambda m: m.group(1) * 2, word)
    words = root_words()
    if single not in words and double in words:
        return double
    return single


def _fold(text: str) -> str:
    # NFKC again after casefold: folding can produce sequences that NFKC would still change.
    return unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())


def normalize(text: str) -> str:
    """Return ``text`` normalised; empty or blank text gives ``""``.

    >>> normalize("Jalan RUSAKKK parahhhh!!! lihat https://contoh.id/foto @dinaspu #jalanrusak")
    'jalan rusak parah lihat __url__ __mention__ __hashtag__ jalanrusak'
    >>> normalize("Sudah 3x lapor, RT05/RW02, biaya Rp1.500.000, anak2 sakit")
    'sudah 3 x lapor rt 05 rw 02 biaya rp 1500000 anak-anak sakit'
    """
    ensure_text(text)
    if not text or text.isspace():
        return ""
    # Each substitution runs only when its trigger character is present (measured: normalising a
    # 200-character complaint took 80 us with every pass, most spent on texts they cannot change).
    if "\\" in text:
        text = ESCAPED_BREAK.sub(" ", text)
    if "<" in text:
        text = HTML_TAG.sub(" ", text)
    if "&" in text:
        text = _ENTITY.sub(lambda entity: html.unescape(entity.group(0)), text)
    if "[" in text:
        # mask_pii() writes the marks in capitals: replaced in C, the regex only for other cases
        # (a callback per mark cost 2.5 ms on a hostile text of 2,500 names).
        for mark, token in _PII_TOKEN.items():
            text = text.replace(f"[{mark.upper()}]", f" {token} ")
        if "[" in text:
            text = _PII_MARK.sub(lambda m: f" {_PII_TOKEN[m.group(1).lower()]} ", text)
    text = _fold(text)
    if "/" in text or "www" in text:
        text = _URL.sub(f" {PLACEHOLDERS['url']} ", text)
    if "@" in text:
        text = _EMAIL.sub(f" {PLACEHOLDERS['email']} ", text)
        text = _MENTION.sub(f" {PLACEHOLDERS['mention']} ", text)
    if "#" in text:
        text = _HASHTAG.sub(rf" {PLACEHOLDERS['hashtag']} \1 ", text)
    if _DIGIT.search(text):
        text = _THOUSANDS.sub(lambda m: re.sub(r"[.,]", "", m.group(0)), text)
        if "2" in text:
            text = _REDUPLICATION.sub(_reduplicate, text)
        text = _DIGIT_AFTER_LETTER.sub(" ", text)
        text = _LETTER_AFTER_DIGIT.sub(" ", text)
    tokens = _TOKEN.findall(text)
    if not _REPEATS.search(text):
        return " ".join(tokens)
    return " ".join(_collapse_word(t) if _REPEATS.search(t) else t for t in tokens)
