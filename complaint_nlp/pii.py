"""Masking personal data: NIK numbers, Indonesian phone numbers, e-mail addresses and the
names writers give for themselves or others ("nama saya ...", "atas nama ...", "Pak Budi", a
signature after "Terima kasih").

Used before a complaint is logged, stored or shown: ``[NIK]``, ``[TELEPON]``, ``[EMAIL]`` and
``[NAMA]`` replace them. Ordinary numbers (RT/RW, house numbers, years, amounts) are left alone.
A name without such an introducer or a title is not found: there is no list of names.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable

from complaint_nlp._validation import ensure_text
from complaint_nlp.normalize import ESCAPED_BREAK, HTML_TAG

__all__ = ["mask_pii"]

# Invisible characters the patterns read as a space: those _IGNORABLE leaves, where they touch
# no letter or digit ("nama saya:\u200d Budi").
_INVISIBLE = frozenset("\u200b\u200c\u200d\u2060\ufeff\u00ad")
# Characters a reader does not see, which split a name or a number for the patterns: Unicode's
# default-ignorable code points (soft hyphen, zero-width joiners, direction marks, the word
# joiner, the byte-order mark, variation selectors, tags). Next to a letter or a digit they are
# removed ("Bu\u00addi", "0812\u200e3456\u200e7890", WhatsApp's marks around a copied number),
# but a zero-width space, which separates words, becomes a space ("Bu\u200bdi" stays two words).
# A soft hyphen only inside a word or number: the 57 in the Surabaya complaints are bytes of
# emoji decoded as cp1252 ("\u00f0\u0178\u02dc\u00ad"), left as they are.
_IGNORABLE = re.compile(
    r"(?<=[^\W_])\u00ad+(?=[^\W_])"
    r"|[\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e\u2060-\u206f"
    r"\u3164\ufe00-\ufe0f\ufeff\uffa0\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0000-\U000e0fff]+"
)
# A combining mark on a digit ("0\u0301812..."): removed, as no digit carries one.
_MARKED_DIGIT = re.compile(
    r"(?<=\d)[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]+"
)


def _unseen(match: re.Match[str]) -> str:
    """What stands for a run of ignorable characters: nothing, a space for a zero-width space
    between words, or the run itself where it touches no letter or digit (an emoji's joiner
    and variation selector: "\U0001f647\u200d\u2640\ufe0f" stays one picture)."""
    text, start, end = match.string, match.start(), match.end()
    before = text[start - 1] if start else ""
    after = text[end] if end < len(text) else ""
    if not (before.isalnum() or after.isalnum()):
        return match.group(0)
    return " " if "\u200b" in match.group(0) else ""


# An emoji keycap digit ("0\ufe0f\u20e3") becomes its digit, as "&nbsp;" becomes a space.
_KEYCAP = re.compile("([0-9])\ufe0f?\u20e3")
# Dashes NFKC keeps as they are: read as "-" ("0812\u20133456\u20137890").
_DASHES = frozenset("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63")
# A tab reads as a space: "0812\t3456\t7890" is one number (a line break still ends one).
_BLANKS = str.maketrans("\t", " ")


@functools.lru_cache(maxsize=4096)
def _plain(char: str) -> str:
    """The ASCII character that the patterns should read for a non-ASCII ``char`` (itself when
    there is none): any script's decimal digit, full-width forms ("\uff10\uff18", "\uff20"), the
    compatibility forms NFKC maps to one ASCII character, and a space for an invisible one."""
    if char in _INVISIBLE:
        return " "
    if unicodedata.category(char) in ("Mn", "Me"):
        # A combining mark on a letter (an accent, an underline or strike-through from a
        # "fancy text" generator) reads as a letter, so that "B\u0301udi" stays one word (a
        # hostile probe, 2026-12-01: the name and e-mail patterns stopped at the mark).
        return "a"
    if char in _DASHES:
        return "-"
    digit = unicodedata.decimal(char, None)
    if digit is not None:
        return str(digit)
    folded = unicodedata.normalize("NFKC", char)
    return folded if len(folded) == 1 and folded.isascii() else char


# Another portal's web form may leave markup: a tag reads as space ("Nama saya<br>Budi"), and
# a space written as an entity becomes one ("0812&nbsp;3456&nbsp;7890": six characters where the
# patterns allow one separator).
_SPACE_ENTITY = re.compile(r"&(?:nbsp|ensp|emsp|thinsp|#160|#xa0|#32|#x20);", re.IGNORECASE)


def _blank(match: re.Match[str]) -> str:
    return " " * len(match.group(0))


def _view(text: str) -> str:
    """``text`` as the patterns read it: same length, each character at the same position, so
    that a match in the view masks the same span of the text."""
    if "\\" in text:
        # A line break written out ("...sekian.\\n0812..."): 3,287 of the 10,064 Surabaya
        # complaints have one; a number or "nama saya" glued to its "n" was not found.
        # It reads as a line break, which a name does not cross either.
        text = ESCAPED_BREAK.sub(" \n", text)
    if "<" in text:
        text = HTML_TAG.sub(_blank, text)
    if "\t" in text:
        text = text.translate(_BLANKS)
    if text.isascii():
        return text
    # A few non-ASCII characters (an emoji, a curly quote) are folded where they stand;
    # str.translate looks every character up, 1.3 ms for 20,000 where this takes 0.2 ms
    # (2026-12-01). Text mostly in another script is translated whole (2.4 ms this way).
    # "surrogatepass": a lone surrogate (half an emoji cut by a web form) is a character too.
    if len(text.encode("utf-8", "surrogatepass")) - len(text) < len(text) // 8:
        return _NON_ASCII.sub(_folded, text)
    return text.translate({ord(c): _plain(c) for c in set(text) if not c.isascii()})


_NON_ASCII = re.compile(r"[^\x00-\x7f]+")


def _folded(match: re.Match[str]) -> str:
    return "".join(map(_plain, match.group(0)))


# Every pattern runs in time linear in the text (see complaint_nlp.normalize): runs of
# characters are matched possessively and from where the run starts, repetitions are bounded.
#
# E-mail addresses, also written with spaces around "@" ("budi @ gmail.com"); then the domain
# must end in a common top-level domain, so that "2 buah @ Rp.5.000" and "ig @dishub.sby" stay.
_EMAIL = re.compile(
    r"(?<![\w.+-])[\w.+-]++"
    r"(?:@[\w-]++(?:\.[\w-]++)++"
    r"|\s{0,3}+@\s{0,3}+[\w-]++(?:\.[\w-]++)*?\.(?:com|net|org|id|info|biz|edu|gov)(?!\.?[\w-]))"
)


def _email(match: re.Match[str], text: str) -> str | None:
    """An address masked, unless its domain ends in digits: "3kg@Rp25.000" is a price."""
    return None if match.group(0)[-1].isdigit() else "[EMAIL]"


# Spelled out or cut short: "budi(at)gmail.com", "budi [at] gmail [dot] com", "budi@gmail",
# "budi at gmail dot com".
_EMAIL_SPELLED = re.compile(
    r"(?i)(?<![\w.+-])[\w.+-]++"
    r"(?:\s?+[\[(](?:at|@)[\])]\s?+[\w-]++(?:(?:\.|\s?+[\[(]dot[\])]\s?+)[\w-]++)++"
    r"|\s{0,3}+@\s{0,3}+(?:gmail|yahoo|ymail|hotmail|outlook|icloud|live)(?![\w-])(?!\.\w)"
    r"|\s++at\s++(?:gmail|yahoo|ymail|hotmail|outlook|icloud|live)"
    r"(?:\s*+(?:\.|\bdot\b)\s*+[a-z]++)?(?![\w-]))"
)
_SEP = r"(?:[.\-]| {1,2}| [.\-] )?"
# NIK / KK: 16 digits, possibly grouped with spaces (one or two), dots or dashes, and not part
# of a longer run.
_NIK = re.compile(rf"(?<!\d)(?<!\d[ .\-])(?<!\d  )(?:\d{_SEP}){{15}}\d(?!{_SEP}\d)")
# Four years apart ("2023 2024 2025 2026"): a list of years, not a NIK, whose third group is a
# birth day and month ("0112", "4512").
_YEARS = re.compile(r"(?:(?:19|20)\d\d\D{1,2}){3}(?:19|20)\d\d")
# Clock times in a row ("08.00-12.00 13.00-15.00"), money and a tax number after their label
# ("Rp 62.850.000.000", "NPWP 08.123.456.7-401.000") have the digits of a NIK or a phone
# number (a probe, 2026-12-01: they were masked).
_CLOCK_TIMES = re.compile(r"(?:[0-2]?\d[.:][0-5]\d[^\S\n]*+[-/\u2013]?[^\S\n]*+)+")
_MONEY_OR_TAX = re.compile(r"(?i)(?:\brp|\bnpwp)[^\S\n]*+[.:]?[^\S\n]*+$")


def _not_personal(match: re.Match[str], text: str) -> bool:
    """Whether a number the NIK or phone patterns matched is clock times, money or a tax
    number (see _CLOCK_TIMES)."""
    if _CLOCK_TIMES.fullmatch(match.group(0).strip()):
        return True
    return _MONEY_OR_TAX.search(text, max(0, match.start() - 8), match.start()) is not None


def _nik(match: re.Match[str], text: str) -> str | None:
    if _YEARS.fullmatch(match.group(0)) or _not_personal(match, text):
        return None
    return "[NIK]"


# Any 16 digits with separators: a cheap test before the NIK pattern (1.7 vs 8.7 µs a complaint).
_NIK_CANDIDATE = re.compile(r"\d[\d .\-]{14,}\d")
# After its label ("NIK:", "No KK", "KTP"), a number of 12 to 18 characters is a NIK or a KK
# number even one digit short or long, with a letter typed for a digit ("3578O1...") or split
# by slashes ("3604/0112/0385/0001"): in the 10,064 Surabaya complaints six such were left
# readable (2026-12-01).
# A person's relatives, as they stand before a name or a number ("nama ibu saya", "NIK anak
# saya").
_RELATIVES = (
    r"ibu|ayah|bapak|anak|suami|istri|adik|kakak|ortu|orang\s?tua|mertua|menantu|cucu|keponakan"
    r"|paman|bibi|nenek|kakek"
)
# A third probe (2026-12-01): "NIK saya: ...", "NIK nya ...", "NIK anak saya ...", "NIK
# pemohon : ...", "NIK (KTP): ...", "No. Kartu Keluarga: ...".
_LABELLED_NIK = re.compile(
    r"(?i)\b(?:nik|no\.?\s?ktp|ktp|no\.?\s?kk|kk|(?:no\.?|nomor)\s*+kartu\s++keluarga"
    r"|(?:no\.?|nomor)\s*+induk\s++kependudukan)(?:\s?nya)?\b"
    r"(?:\s*+\(\s*+e?-?(?:ktp|kk)\s*+\))?"
    rf"(?:\s++(?:{_RELATIVES}|pemohon|pelapor|almarhum|almarhumah|alm)\b\.?)?"
    r"\s*+(?:(?:saya|sy)\b\s*+)?(?:[:.=]|no\.?|nomor)?\s*+"
    r"((?:[\dOoIil](?:[ .\-/_,]| ?/ ?)?){11,17}(?:\d|[OoIil](?!\w)))(?![ .\-/_,]?\d)"
)
# A phone label ("hp", "WA", "Telp/WA :", "telp kantor").
_PHONE_LABEL = (
    r"(?i)\b(?:hp|wa|whatsapp|telp|tlp|telepon|telpon|kontak)\b[\s:./=-]{0,4}+"
    r"(?:(?:kantor|rumah|rmh|saya|sy)\b[\s:./=-]{0,4}+)?"
)
# After its label ("hp", "WA", "Telp/WA :"), a mobile number without its 0, with a letter O
# for it, or with commas between the groups ("hp 812-3456-7890", "O812 3456 7890", "0821,1234,
# 5678").
_LABELLED_PHONE = re.compile(
    rf"{_PHONE_LABEL}(?:wa\b[\s:.=-]{{0,3}}+)?"
    r"((?:\+?62|[0O])?[ .\-]?8(?:[ .,\-/]?\d){8,11}+)(?![ .,\-/]?\d)"
)
# After the same labels, a landline: an area code and six to eight digits ("telp kantor
# 021-5551234", "(0254) 123456").
_LABELLED_LANDLINE = re.compile(
    rf"{_PHONE_LABEL}((?:\+?62[ .\-]?|\(?0)[1-79]\d{{1,2}}\)?[ .\-]?\d{{3,4}}[ .\-]?\d{{2,4}})"
    r"(?![ .,\-/]?\d)"
)
# What _LABELLED_LANDLINE's number needs: an area code and six digits.
_LOOSE_LANDLINE = re.compile(r"(?:0|62[ .\-]?)[1-79]\d{1,2}\)?[ .\-]?\d{3}")
_PHONE_LABELS = ("hp", "wa", "tel", "tlp", "kontak")
# What _LABELLED_PHONE's number needs: an 8 and eight more digits.
_LOOSE_MOBILE = re.compile(r"8(?:[ .,\-/]?\d){8}")
# Mobile numbers: 08…, +62 8…, 62 8…, (0812)…, in groups separated by spaces, dots, dashes,
# slashes or underscores; or read out in pairs with one separator ("08 12 34 56 78 90"). A
# letter may come right before ("wa081234567890", "kontak_0812..."); a digit may not.
_PHONE_SEP = r"[ .\-/_]"
# A number ends where its digits do, 23 digits at most after the 8 (11 after "08" in pairs): a
# lookahead checks that first, so that a long run of digit groups ("0812-" * 4000) is not split
# every way at every "0" (measured 2026-11-30: 7.7 ms for that run without the check). Its last
# group has two digits or more, as the pattern's has: "(08123456789012345678 5 " repeated,
# which no split can end, took 66.6 ms for 20,000 characters without that (2026-12-01: 0.9 ms).
_PHONE = re.compile(
    rf"(?<![\d+])(?:(?:\+62|62|\(?0)\)?{_PHONE_SEP}?\(?8"
    rf"(?=(?:{_PHONE_SEP}?\d){{0,23}}+(?<=\d\d)(?!{_PHONE_SEP}?\d))"
    rf"\d{{1,3}}\)?(?:{_PHONE_SEP}?\d{{2,5}}){{1,4}}"
    rf"|08(?=(?:{_PHONE_SEP}?\d){{0,11}}+(?!{_PHONE_SEP}?\d))"
    rf"({_PHONE_SEP})\d\d(?:\1\d\d){{3,4}}(?:\1\d)?)(?!{_PHONE_SEP}?\d)"
)


# A word, or a title or an initial with its dot when another word follows ("Hj. Siti",
# "M.Iqbal"); not another "a.n" or "a/n" ("a/n " repeated masked 2,500 "a"s: 12.1 ms for 20,000
# characters), nor another introducer, so that the name after it is found too ("nama saya Budi
# dan nama istri saya Siti": the first name's words had taken the second introducer). Words
# are apart by spaces on one line, or by an initial's dot.
_NAME_WORD = (
    r"(?!a\s?[./]\s?n\b|(?:nama|namanya|namaku|bernama)\b|(?:atas|dengan|dgn)\s+(?:nama|nm)\b)"
    r"[^\W\d_](?:\w{0,2}\.(?=[^\S\n]*[^\W\d_])|[\w'-]*)"
)
_NAME_GAP = r"(?:(?<=\.)[^\S\n]*|[^\S\n]+)"
# Form fields that hold a person's name ("Nama Pemohon :", "Pelapor :").
_PERSON_FIELDS = (
    r"lengkap|pelapor|pasien|siswa|murid|korban|pemilik|pengadu|pemohon|pelanggan|kader"
    r"|mahasiswa|panggilan|wali|ibu\s+kandung|kepala\s+keluarga|ketua\s+r[tw]|kk|penerima"
    r"|pengirim|bayi|wajib\s+pajak|terlapor|peserta(?:\s+bpjs)?|ahli\s+waris|almarhum(?:ah)?"
    r"|pendaftar|calon\s+siswa|nasabah|oknum|pengguna|lengkap\s+pelapor|warga|petugas"
    r"|(?:\(\s*)?sesuai\s+(?:ktp|kk)(?:\s*\))?|" + _RELATIVES
)
# "nama saya (adalah)", "nama sy", "nama lengkap saya", "nama ibu saya", "Nama :", "Nama
# Pemohon :", "Pelapor :", "atas nama (anak) saya", "a.n.", "a/n", "an. Budi", "(saya) bernama",
# "namanya Budi", "dengan nama", "Hormat saya, Budi", then maybe a colon or a comma, maybe a
# quote or a bracket, and up to five words (a title and an honorific may lead); the name stops
# at punctuation, at a line break or at a word that starts the rest of the sentence.
_NAME = re.compile(
    rf"(?i)\b(nama\s+(?:(?:lengkap|panggilan|asli)\s+)?(?:(?:{_RELATIVES})\s+)?"
    r"(?:saya|sy|kami|aku|gue|gw)\b(?:\s+adalah\b)?"
    rf"|nama(?:\s+(?:{_PERSON_FIELDS}))?\s*:|(?:pelapor|pemohon|pengadu|terlapor)\s*:"
    rf"|(?:atas|dengan|dgn)\s+(?:nama|nm\b)(?:\s+(?:(?:{_RELATIVES})\s+)?(?:saya|sy)\b)?"
    r"|a\.\s?n\b\.?|a/n\b\.?|(?<![^\s(\[])an\.(?=\s?(?-i:[A-Z]))|bernama|nama(?:nya|ku)(?=\s*[:,]?\s*(?-i:[A-Z]))"
    r"|hormat\s+(?:saya|kami)\b(?=\s*,?\s*(?-i:[A-Z])))"
    rf"(\s*+[:,\-]?\s*+[\"'\u201c\u2018(]?)({_NAME_WORD}(?:{_NAME_GAP}{_NAME_WORD}){{0,4}})"
)
_NAME_STOP = frozenset(
    {
        "saya", "aku", "kami", "dari", "warga", "di", "ke", "rt", "rw", "nik", "no", "nomor",
        "alamat", "umur", "usia", "yang", "dan", "ingin", "mau", "selaku", "sebagai", "beralamat",
        "tinggal", "hp", "telp", "telepon", "email", "ktp", "kk", "dengan", "untuk", "mohon", "ini",
        "itu", "adalah", "sudah", "belum", "tidak", "jabatan", "pekerjaan", "kelurahan",
        "kecamatan", "desa", "kampung", "jalan", "jl", "anak", "suami", "istri", "adik", "kakak",
        "orang", "keluarga", "kakek", "nenek", "sendiri", "pribadi", "pada", "tersebut", "bin",
        "binti", "tgl", "tanggal", "lahir", "tempat", "ttl", "kepada", "buat", "bagi",
        # what follows "nama (anak) saya" in a sentence about the name ("nama saya tidak muncul")
        "sdh", "tdk", "blm", "tsb", "yg", "dgn", "utk", "krn", "dr", "dri", "bs", "bisa", "gak",
        "ga", "tak", "masih", "juga", "kok", "apa", "kenapa", "si", "salah", "masuk", "punya",
        "daftar", "kategori", "katanya", "hasil", "terdaftar", "tercatat", "tertulis", "muncul",
        "hilang", "diganti", "berubah", "beda", "berbeda", "sama", "sesuai", "ada", "lagi",
        "dalam", "sejak", "karena", "tapi", "namun", "tetapi", "pun", "oleh", "bahwa", "atau",
        "sebelumnya", "sekarang", "kemudian", "lalu", "setelah", "sedang", "akan", "telah",
        "atas", "terima", "terimakasih", "demikian", "hormat", "salam", "perihal", "aja", "saja",
        "tpi", "tp", "msh", "karna", "jadi", "keluar", "pengurus", "ahli", "pt", "cv", "yayasan",
        "pemerintah", "pemkot", "pemkab", "koperasi", "toko", "perusahaan", "instansi",
        # what follows "saya" in a sentence about the writer ("Saya Asli warga ...")
        "asli", "bekerja", "kos", "ngekos", "merupakan", "hanya", "cuma", "seorang", "selalu",
        "bukti",
        # a third probe (2026-12-01): negations, what happens to a name, the next form field
        "nggak", "ngga", "enggak", "engga", "kagak", "ora", "dicoret", "tercantum", "keliru",
        "dipakai", "ternyata", "malah", "terhapus", "dihapus", "double", "dobel", "ganda",
        "tiba", "masyarakat", "seluruh", "semua", "para", "agama", "status", "kelas", "lokasi",
        "keluhan", "jenis", "kelamin",
    }
)  # fmt: skip
# Kept before a name ("atas nama Ibu Siti"), and not a name themselves ("atas nama ibu saya").
_TITLES = frozenset(
    {"bapak", "ibu", "pak", "bu", "bpk", "bp", "mas", "mbak", "sdr", "saudara", "saudari", "ayah",
     "kang", "akang", "teteh", "abah", "ceu", "mang", "cak", "pa", "bapa", "mba", "teh", "bang",
     "kak", "neng", "mbah", "pakde", "bude", "sdri", "tante", "om"}
)  # fmt: skip
# Honorifics between a title and a name ("Ibu Hj. Siti", "Bpk. Dr. Budi"): skipped, not masked.
_HONORIFICS = frozenset(
    {"alm", "almh", "almarhum", "almarhumah", "hj", "h", "haji", "hajjah", "dr", "ir", "drs",
     "dra", "prof", "kh", "ust", "ustadz", "ustad"}
)  # fmt: skip


_WORD = re.compile(r"\S+")
#: Between a person's name and their father's or mother's ("Fulan bin Sumarno").
_PATRONYMIC = frozenset({"bin", "binti"})


def _mask_name(
    match: re.Match[str],
    text: str,
    *,
    skip: frozenset[str],
    ends: frozenset[str],
    most_skipped: int,
) -> str | None:
    """Mask the run of words of a match's third group that starts after up to
    ``most_skipped`` words of ``skip`` (titles, roles) and stops at a word of ``ends``; ``None``
    when no word is left to mask. The match is in the view, the words are taken from ``text``."""
    phrase = match.group(3)
    written = phrase.split()
    read = [word.rstrip(".").lower() for word in written]
    start = 0
    while start < min(most_skipped, len(read)) and read[start] in skip:
        start += 1
    end = start
    # Who writes a name with a capital stops it at the first word without one.
    capitalised = start < len(read) and written[start][0].isupper()
    while end < len(read):
        if read[end] in _PATRONYMIC and end > start and end + 1 < len(read):
            # "Fulan bin Sumarno": the father's name is the person's name too (a probe,
            # 2026-12-01: "bin Sumarno" was left).
            after = end + 1
            if read[after] not in ends and (not capitalised or written[after][0].isupper()):
                end = after + 1
                continue
        if read[end] in ends or (capitalised and not written[end][0].isupper()):
            break
        end += 1
    if end == start:
        return None
    # The words' places in the view are theirs in the text: only the name's span is replaced,
    # whatever stands between the words (a tag, an invisible character) is kept as written.
    spans = [w.span() for w in _WORD.finditer(phrase)]
    offset = match.start(3)
    first, last = offset + spans[start][0], offset + spans[end - 1][1]
    return text[match.start() : first] + "[NAMA]" + text[last : match.end(3)]


# A title and a capitalised word ("Pak Budi", "bu Siti Aminah", "Bpk. BUDI", "Bp.Andi", "Ibu Hj.
# Siti", "Pak M. Ali", "Kang Asep"): a name unless it is a role or a common noun ("Pak Lurah",
# "Bu RT", "Ibu Kota") or starts the sentence that follows ("Pak Terima kasih"). Lower-case
# "pak budi" is not found, nor "PAK BUDI" in a text written in capitals, where the name could
# not be told from the rest of the sentence.
_UPPER = "A-Z\u00c0-\u00d6\u00d8-\u00de"
_LOWER = "a-z\u00df-\u00f6\u00f8-\u00ff"
_TITLED_WORD = (
    rf"[{_UPPER}](?:[a-z]{{0,2}}\.(?=[^\S\n]+[A-Z])|[{_LOWER}'-]+(?:[{_UPPER}][{_LOWER}'-]*)*"
    rf"|[{_UPPER}'-]+)"
)
_TITLE = (
    r"[Bb]apak|[Ii]bu|[Pp]ak|[Bb]u|[Bb]pk|[Bb]p|Mas|[Mm]bak|[Ss]dr|[Ss]audara|[Ss]audari"
    r"|Kang|Akang|Teteh|Abah|Ceu|Mang|Cak|Pakde|Pa|Bapa|Mba|Teh|Bang|Kak|Neng|Mbah|Bude|Sdri"
    r"|Tante|Om"
)
# On the title's line; a dot and no space only after an abbreviation ("Bpk.Budi"): "Pak.
# Semoga" ends a sentence. The words stop before the next title, which is matched anew ("Bapak
# Walikota Bapak [NAMA]"). The lookahead for a title's first letter lets a text be turned away
# faster (5.3 -> 3.1 us for 200 characters).
_TITLED = re.compile(
    rf"(?=[BbIiPpMmSsKATCNO])\b({_TITLE})"
    r"((?<=[Bb]pk|[Ss]dr|dri)\.[^\S\n]*|(?<=[Bb]p)\.[^\S\n]*|[^\S\n]+)"
    rf"({_TITLED_WORD}(?:[^\S\n]+(?:bin(?:ti)?[^\S\n]+)?(?!(?:{_TITLE})\b){_TITLED_WORD}){{0,4}})"
    r"(?!\w)"
)
_ROLES = frozenset(
    {
        "lurah", "camat", "rt", "rw", "wali", "walikota", "wakil", "kepala", "kades", "kadis",
        "ketua", "sekretaris", "bupati", "gubernur", "presiden", "menteri", "direktur", "dokter",
        "guru", "polisi", "petugas", "pegawai", "satpam", "ustadz", "haji", "kapolsek",
        "kapolres", "danramil", "babinsa", "bhabinkamtibmas", "bidan", "perawat", "kepsek",
        "pejabat", "kabid", "kasi", "kasie", "kabag", "sekcam", "sekdes", "seklur", "plt",
        "satpol", "pp", "dewan", "anggota", "staf", "staff", "kapten", "ibu", "bapak", "bpk",
        "pak", "bu", "utama", "pimpinan", "sopir", "supir", "ojek", "kurir", "kasir", "kyai",
        "kiai", "sekda", "mandor", "tukang", "teknisi", "dirut", "kadus", "pj", "kapolda",
        "wawali", "kaling", "jaro", "kadinkes", "kadishub", "kanit", "sekdis", "kader", "admin",
        "security", "pemborong",
    }
)  # fmt: skip
# Institutions and places: what follows them is their name, not a person's ("Ibu Staf Dinas
# Kependudukan", "Bapak Direktur PDAM ...", "Ibu Kota").
_INSTITUTIONS = frozenset(
    {
        "dinas", "kantor", "kota", "kabupaten", "kampung", "kelurahan", "kecamatan", "desa",
        "puskesmas", "rs", "rsud", "dprd", "pdam", "pln", "bpjs", "pemkot", "pemkab", "pemda",
        "dishub", "dispenduk", "bpbd", "dlh", "pu", "dpu", "polsek", "polres", "sekolah", "sd",
        "smp", "sma", "smk", "jalan", "jl", "jln", "gang", "gg", "perumahan", "pasar", "no",
        "negara", "provinsi", "dinsos", "dinkes", "disdik", "dispendukcapil", "disperkim",
        "kk", "ktp", "nik", "kip", "kis", "pkh", "bpnt", "blt", "mbr", "dtks", "sktm", "akta",
        "akte",
    }
)  # fmt: skip
# Words that start the rest of a sentence, not a name ("Bapak Mohon ...", "Pak Terima kasih").
_SENTENCE = frozenset(
    {
        "mohon", "mhn", "tolong", "yang", "dan", "saya", "kami", "terima", "terimakasih",
        "segera", "apakah", "kenapa", "mengapa", "bagaimana", "kapan", "sudah", "belum", "tidak",
        "ini", "itu", "di", "ditempat", "ke", "dari", "untuk", "agar", "supaya", "harap", "minta",
        "selamat", "assalamualaikum", "wassalamualaikum", "dengan", "sebagai", "selaku", "juga",
        "atas", "the", "sekian", "semoga", "seharusnya", "hormat", "yth", "kepada", "karena",
        "kalau", "jika", "apa", "bisa", "kandung", "tiri", "angkat", "rumah", "tangga",
    }
)  # fmt: skip


# A title, and maybe an honorific, may precede an introduced name ("atas nama Ibu Hj. [NAMA]");
# roles and honorifics may precede a titled one ("Pak Camat [NAMA]", "Ibu Hj. [NAMA]").
_INTRODUCED_ENDS = _NAME_STOP | _TITLES | _ROLES | _INSTITUTIONS
_introduced = functools.partial(
    _mask_name, skip=_TITLES | _HONORIFICS, ends=_INTRODUCED_ENDS, most_skipped=2
)
_GOLD = re.compile(r"(?:toko|harga|emas)\s+$", re.IGNORECASE)
# A street or an alley named after a person ("Jl. Mas Mansyur", "Jalan Pak Kasih"): a place.
_STREET = re.compile(r"\b(?:jl|jln|jalan|gg|gang)\.?\s*$", re.IGNORECASE)


def _titled(match: re.Match[str], text: str) -> str | None:
    """A titled name masked (see _mask_name); not after a street's "Jl." ("Jl. Mas Mansyur"), nor
    "Mas" after "toko", "harga" or "emas", which is gold ("Toko Mas Sinar Jaya")."""
    before = max(0, match.start() - 8)
    if _STREET.search(text, before, match.start()):
        return None
    if match.group(1) == "Mas" and _GOLD.search(text, before, match.start()):
        return None
    return _mask_name(match, text, skip=_TITLED_SKIP, ends=_TITLED_ENDS, most_skipped=3)


_TITLED_SKIP = _ROLES | _HONORIFICS
_TITLED_ENDS = _ROLES | _INSTITUTIONS | _SENTENCE


# "Saya Budi Santoso, warga ...": a writer who gives their name without "nama", known by what
# follows it (warga, dari, alamat, selaku, umur, NIK, ...); capitalised words only, and not in a
# text written in capitals ("SAYA MINTA SURAT ..."). 76 such in the 10,064 Surabaya complaints.
_SELF = re.compile(
    r"\b([Ss]aya|[Ss]y|[Aa]ku)(,?[^\S\n]+)"
    r"([A-Z][\w'.-]*+(?:[^\S\n]++[A-Z][\w'.-]*+){0,3})"
    r"(?=[^\S\n]*,?[^\S\n]*(?:[Ww]arga|[Dd]ari|[Tt]inggal|[Aa]lamat|[Bb]eralamat|[Ss]elaku"
    r"|[Ss]ebagai|[Uu]mur|[Uu]sia|[Pp]enduduk|NIK|[Nn]ik|[Kk]etua|RT)\b)"
)


# Masked as an introduced name, but for the words that may follow "saya" in a sentence.
_self_named = functools.partial(
    _mask_name, skip=_TITLES | _HONORIFICS, ends=_INTRODUCED_ENDS | _SENTENCE, most_skipped=2
)

# What may follow a signature on its line and after it: a full stop or a comma, emoji, and lines
# of a number or an address already masked ("Budi Santoso 🙏\nHP [TELEPON]"; a probe,
# 2026-12-01: the name was left).
_AFTER_SIGNATURE = (
    r"[^\S\n]*+[.,]?(?:[^\S\n]*+[^\w\s\x00-\x7f])*+"
    r"(?:\s*+(?i:(?:no\.?[^\S\n]?)?(?:hp|wa|telp|tlp|kontak|email|nik|kk)(?:/(?:hp|wa|telp))?)?"
    r"[^\S\n]*+[:.]?[^\S\n]*+\(?\[(?:TELEPON|EMAIL|NIK)\]\)?[^\S\n]*+[.,]?)*+\s*+$"
)
# A signature: a name alone on the last line, after a closing ("Terima kasih.\nBudi Santoso",
# "Salam,\nSiti"); capitalised words only, not a role, a place or an institution ("Warga
# Surabaya", "Ketua RT 05"). 28 such in the 10,064 Surabaya complaints (a helper's count).
_SIGNED = re.compile(
    r"((?i:terima\s?kasih|terimakasih|trima\s?kasih|makasih|salam|wassalam\w*|hormat\s+kami"
    r"|regards|wr\.?\s?wb\b|hatur\s+nuhun|matur\s+nuwun|thanks|thank\s+you|trims|tks\b"
    r"|tertanda|ttd\b|yang\s+melaporkan|pelapor\s*,))"
    r"([^\n]{0,40}+\n\s*+)"
    r"([A-Z][a-z'.-]++(?:[^\S\n]++[A-Z][a-z'.-]*+){0,3}+)"
    rf"(?={_AFTER_SIGNATURE})"
)
_sign = functools.partial(
    _mask_name, skip=frozenset(), ends=_INTRODUCED_ENDS | _SENTENCE, most_skipped=0
)
_SIGN_OFF = re.compile(r"(?i)alaikum|salam|rahmat|barakat|\bw[rb]\b|\bamin\b|\baamiin\b")


def _signed(match: re.Match[str], text: str) -> str | None:
    """A signature masked (see _mask_name), unless its line is a greeting ("Wassalamu'alaikum
    Wr. Wb.")."""
    if _SIGN_OFF.search(match.group(3)):
        return None
    return _sign(match, text)


# A last line of one to four capitalised words, looked for in the last 80 characters: 215 of the
# 10,064 Surabaya complaints end so, where 645 have a line break and a closing word.
_LAST_LINE = re.compile(
    r"\n[^\S\n]*+[A-Z][a-z'.-]++(?:[^\S\n]++[A-Z][a-z'.-]*+){0,3}+" + _AFTER_SIGNATURE
)

#: Substrings (of the lower-cased view) without which _NAME, or _TITLED, cannot match.
_NAME_HINTS = (
    "nama", "a.n", "a. n", "a/n", "an.", "pelapor", "pemohon", "pengadu", "terlapor", "hormat",
    " nm",
)  # fmt: skip
_TITLE_HINTS = (
    "pa", "bu", "bp", "mas", "mba", "sdr", "saudar", "kang", "teh", "abah", "ceu", "mang", "cak",
    "bang", "kak", "neng", "tante", "om",
)  # fmt: skip


def _phone(match: re.Match[str], text: str) -> str | None:
    if _not_personal(match, text):
        return None
    digits = re.sub(r"\D", "", match.group(0))
    national = digits[2:] if digits.startswith("62") else digits[1:]
    # An Indonesian mobile number has 9 to 12 digits after the 0 / 62 prefix.
    if not 9 <= len(national) <= 12:
        return None
    # "(0812-3456-7890)": the bracket around the number is the writer's ("(0812) 3456..." is
    # the number's own).
    found = match.group(0)
    return "([TELEPON]" if found[0] == "(" and ")" not in found else "[TELEPON]"


# A run of digit groups, each separated by up to six spaces, dots, dashes, slashes or
# underscores ("0812 - 3456 - 7890", a tag read as spaces), bracketed or not: where numbers
# stand next to each other.
_RUN = re.compile(r"(?=[\d ().\-/_]{10})\(?\d++(?:\)?[ .\-/_]{0,6}+\(?\d++)*+")
# Only a run of 10 characters or more can hold one; most complaints have none, and this test
# finds that in 3.7 us where the pass took 10 of a complaint's 68 us of masking (2026-11-30).
_RUN_CANDIDATE = re.compile(r"\d[\d ().\-/_]{8,}\d")
_GROUP = re.compile(r"\d+")
# Inside one mobile number, groups are separated by spaces, dots, dashes or slashes; an
# underscore only stands between two numbers. A NIK here is one group (see _number_at), so a
# letter's reference ("593/1234/436.7.5/2022", 16 digits) is none.
_INSIDE = re.compile(r"\)?[ .\-/]{1,6}\(?|\)|\(")


def _glued(digits: str, *, first: bool = True) -> str | None:
    """The placeholders of mobile numbers written without a break ("081234567890081298765432"),
    a NIK allowed after the first; ``None`` unless every digit belongs to one of them."""
    if not digits:
        return ""
    lengths = [(n, "[TELEPON]") for n in range(10, 14) if digits.startswith("08")]
    lengths += [(n, "[TELEPON]") for n in range(11, 15) if digits.startswith("628")]
    lengths += [] if first else [(16, "[NIK]")]
    for length, placeholder in lengths:
        if length <= len(digits):
            rest = _glued(digits[length:], first=False)
            if rest is not None:
                return f"{placeholder} {rest}".rstrip()
    return None


#: Glued numbers: two or three mobile numbers or a mobile number and a NIK (20 to 42 digits).
_GLUED_DIGITS = range(20, 43)


def _number_at(run: str, groups: list[tuple[int, int, str]], i: int) -> tuple[int, str] | None:
    """The last group and the placeholder of the longest mobile number or NIK that starts at
    group ``i`` of ``run``. A mobile number starts with a group of three digits or more ("0812",
    "628"; "08.12.2023 10.30" is a date and a time), or is "08" read out in pairs, or "62" and
    a group that starts with 8. A NIK is taken only when written whole:
    16 digits in groups inside a longer run are a tax object number (NOP, 18 digits) or a list."""
    first = groups[i][2]
    if len(first) == 16:
        return i, "[NIK]"
    if len(first) in _GLUED_DIGITS and (glued := _glued(first)) is not None:
        return i, glued
    following = groups[i + 1][2] if i + 1 < len(groups) else ""
    # Read out in pairs ("08 12 34 56 78 90") or digit by digit ("0 8 1 2 ..."): every group
    # two digits, or one; "62 812 ..." and "08 1234 5678 90" as written.
    pairs = first == "08" and len(following) < 3
    width = 2 if pairs else 1 if (first, following) == ("0", "8") else None
    if not (
        (len(first) >= 3 and first.startswith(("08", "628")))
        or width
        or (first == "62" and following.startswith("8"))
        or (first == "08" and len(following) >= 3)
    ):
        return None
    found, digits = None, ""
    for j in range(i, len(groups)):
        if j > i and not _INSIDE.fullmatch(run, groups[j - 1][1], groups[j][0]):
            break
        if width and len(groups[j][2]) != width:
            break
        digits += groups[j][2]
        national = len(digits) - (2 if digits.startswith("62") else 1)  # after the 0 or 62
        if national > 12:
            break
        if national >= 9:
            found = (j, "[TELEPON]")
    return found


def _numbers_in_run(match: re.Match[str], text: str) -> str | None:
    """The run with each mobile number or NIK in it masked, the longest that starts at each
    group; ``None`` when there is none. The patterns above read one number per run: two numbers
    in a row ("0812... 0813...", "0812... 3604...") read as one too long to be either, and stayed
    (a hostile probe, 2026-11-30)."""
    run = match.group(0)
    if len(run) < 10 or _not_personal(match, text):
        return None
    groups = [(g.start(), g.end(), g.group(0)) for g in _GROUP.finditer(run)]
    pieces: list[str] = []
    last = i = 0
    while i < len(groups):
        found = _number_at(run, groups, i)
        if found is None:
            i += 1
            continue
        j, placeholder = found
        pieces += (text[match.start() + last : match.start() + groups[i][0]], placeholder)
        last = groups[j][1]
        i = j + 1
    if not pieces:
        return None
    return "".join(pieces) + text[match.start() + last : match.end()]


def _labelled_phone(match: re.Match[str], text: str) -> str:
    """The labelled number masked, its label kept."""
    return text[match.start() : match.start(1)] + "[TELEPON]"


def _labelled_nik(match: re.Match[str], text: str) -> str | None:
    """The labelled number masked, its label kept; ``None`` when it has fewer than 12 digits."""
    if sum(char.isdigit() for char in match.group(1)) < 12:
        return None
    return text[match.start() : match.start(1)] + "[NIK]"


def _placeholder(name: str) -> Callable[[re.Match[str], str], str]:
    return lambda match, text: name


def _substitute(
    pattern: re.Pattern[str],
    replace: Callable[[re.Match[str], str], str | None],
    text: str,
    view: str,
) -> tuple[str, str]:
    """Replace the spans of ``text`` where ``pattern`` matches its ``view`` by
    ``replace(match, text)`` (``None`` keeps a span); returns the new text and its view.

    Where the view reads the text character by character (no tag, no written-out line break),
    the kept spans' views stand and only the replacements are read anew: rebuilding the view of
    a 20,000-character text full of emoji after each of its eleven replacements took 18 of its
    25 ms (a probe, 2026-12-01)."""
    # Tags and written-out breaks are read across characters: then the whole view anew.
    splice = "<" not in text and "\\" not in text
    parts: list[str] = []
    views: list[str] = []
    last = 0
    for match in pattern.finditer(view):
        new = replace(match, text)
        if new is not None:
            parts += (text[last : match.start()], new)
            if splice:
                views += (view[last : match.start()], _view(new))
            last = match.end()
    if not parts:
        return text, view
    parts.append(text[last:])
    masked = "".join(parts)
    if not splice:
        return masked, _view(masked)
    views.append(view[last:])
    return masked, "".join(views)


def mask_pii(text: str, *, names: bool = True) -> str:
    """Return ``text`` with NIK numbers, phone numbers, e-mails and introduced names replaced by
    placeholders; everything else is left as written, but for a space written as an HTML
    entity ("&nbsp;"), which becomes a space, and invisible characters next to a letter or a
    digit, which go (a zero-width space becomes a space).

    The patterns read the text with digits of any script, full-width forms and invisible
    characters folded to plain ASCII, and tags and written-out line breaks ("<br>", "\\n") as
    space, so "\uff10\uff18\uff11\uff12...", "nama saya\u200bBudi" and "...\\n0812..." are found
    too.

    >>> mask_pii("NIK 3173 0112 3456 0001, hp 0812-3456-7890, rt 05 rw 02 no 17")
    'NIK [NIK], hp [TELEPON], rt 05 rw 02 no 17'
    >>> mask_pii("Nama saya Siti Aminah warga RT 03, KTP atas nama ibu saya belum jadi")
    'Nama saya [NAMA] warga RT 03, KTP atas nama ibu saya belum jadi'

    ``names=False`` leaves names as written, for a field that is somebody's name by design (the
    officer who decided): masked, "Pak Budi" and "Pak Andi" were one reviewer, "Pak [NAMA]".

    >>> mask_pii("Pak Budi 0812-3456-7890", names=False)
    'Pak Budi [TELEPON]'
    """
    ensure_text(text)
    if "&" in text:
        text = _SPACE_ENTITY.sub(" ", text)
    if "\u20e3" in text:
        text = _KEYCAP.sub(r"\1", text)
    if not text.isascii():
        text = _MARKED_DIGIT.sub("", _IGNORABLE.sub(_unseen, text))
    view = _view(text)
    if "@" in view:
        text, view = _substitute(_EMAIL, _email, text, view)
    lowered = view.lower()
    if "at)" in lowered or "at]" in lowered or "@" in view or " at " in lowered:
        text, view = _substitute(_EMAIL_SPELLED, _placeholder("[EMAIL]"), text, view)
    if _NIK_CANDIDATE.search(view):
        text, view = _substitute(_NIK, _nik, text, view)
    # A mobile number holds a run of ten digits and separators: most complaints have none, and
    # this test takes 1 of the phone pattern's 7 us (2026-12-01).
    runs = _RUN_CANDIDATE.search(view) is not None
    if runs:
        text, view = _substitute(_PHONE, _phone, text, view)
        runs = _RUN_CANDIDATE.search(view) is not None
    if _LOOSE_MOBILE.search(view) and any(label in lowered for label in _PHONE_LABELS):
        # Masking a labelled number leaves no run that was not there before.
        text, view = _substitute(_LABELLED_PHONE, _labelled_phone, text, view)
    if _LOOSE_LANDLINE.search(view) and any(label in lowered for label in _PHONE_LABELS):
        text, view = _substitute(_LABELLED_LANDLINE, _labelled_phone, text, view)
    if runs:
        before = text
        text, view = _substitute(_RUN, _numbers_in_run, text, view)
        if text is not before and _NIK_CANDIDATE.search(view):  # "[TELEPON] 3604 0112 ..."
            text, view = _substitute(_NIK, _nik, text, view)
    lowered = view.lower()
    if (
        "nik" in lowered
        or "kk" in lowered
        or "ktp" in lowered
        or "induk" in lowered
        or "keluarga" in lowered
    ):
        text, view = _substitute(_LABELLED_NIK, _labelled_nik, text, view)
        lowered = view.lower()
    if not names:
        return text
    # Most complaints name nobody: a substring test skips the regex (measured: 8 µs of a
    # 200-character complaint's 88 µs preprocessing).
    if any(hint in lowered for hint in _NAME_HINTS):
        text, view = _substitute(_NAME, _introduced, text, view)
        lowered = view.lower()
    if "saya" in lowered or "sy" in lowered or "aku" in lowered:
        text, view = _substitute(_SELF, _self_named, text, view)
    if any(hint in lowered for hint in _TITLE_HINTS):
        text, view = _substitute(_TITLED, _titled, text, view)
    if "\n" in view and _LAST_LINE.search(view, max(0, len(view) - 80)):
        text, view = _substitute(_SIGNED, _signed, text, view)
    return text
