"""Masking personal data: NIK numbers, Indonesian phone numbers, e-mail addresses and the
names writers give for themselves or others ("nama saya ...", "atas nama ...", "Pak Budi").

Used before a complaint is logged, stored or shown: ``[NIK]``, ``[TELEPON]``, ``[EMAIL]`` and
``[NAMA]`` replace them. Ordinary numbers (RT/RW, house numbers, years, amounts) are left alone.
A name without such an introducer or a title is not found: there is no list of names.
"""

from __future__ import annotations

import functools
import re

from complaint_nlp._validation import ensure_text

__all__ = ["mask_pii"]

_SEP = r"[ .\-]?"
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# NIK / KK: 16 digits, possibly grouped with spaces, dots or dashes, and not part of a longer run.
_NIK = re.compile(rf"(?<!\d)(?<!\d[ .\-])(?:\d{_SEP}){{15}}\d(?![ .\-]?\d)")
# Any 16 digits with separators: a cheap test before the NIK pattern (1.7 vs 8.7 µs a complaint).
_NIK_CANDIDATE = re.compile(r"\d[\d .\-]{14,}\d")
# Mobile numbers: 08…, +62 8…, 62 8…, (0812)…, in groups separated by spaces, dots or dashes.
_PHONE = re.compile(
    r"(?<![\w+])(?:\+62|62|\(?0)\)?[ .\-]?\(?8\d{1,3}\)?(?:[ .\-]?\d{2,5}){1,4}(?![ .\-]?\d)"
)


# "nama saya", "Nama :", "atas nama", "a.n.", "(saya) bernama", "dengan nama", then up to three
# words; the name stops at punctuation or at a word that starts the rest of the sentence.
_NAME = re.compile(
    r"(?i)\b(nama\s+saya|nama\s*:|atas\s+nama|a\.\s?n\b\.?|bernama|dengan\s+nama)"
    r"(\s*)([^\W\d_][\w'-]*(?:\s+[^\W\d_][\w'-]*){0,2})"
)
_NAME_STOP = frozenset(
    {
        "saya", "aku", "kami", "dari", "warga", "di", "ke", "rt", "rw", "nik", "no", "nomor",
        "alamat", "umur", "usia", "yang", "dan", "ingin", "mau", "selaku", "sebagai", "beralamat",
        "tinggal", "hp", "telp", "telepon", "email", "ktp", "kk", "dengan", "untuk", "mohon", "ini",
        "itu", "adalah", "sudah", "belum", "tidak", "jabatan", "pekerjaan", "kelurahan",
        "kecamatan", "desa", "kampung", "jalan", "jl", "anak", "suami", "istri", "adik", "kakak",
        "orang", "keluarga", "kakek", "nenek",
    }
)  # fmt: skip
# Kept before a name ("atas nama Ibu Siti"), and not a name themselves ("atas nama ibu saya").
_TITLES = frozenset(
    {"bapak", "ibu", "pak", "bu", "mas", "mbak", "sdr", "saudara", "saudari", "ayah", "alm"}
)


# Where a name introduced by _NAME ends: a word of the sentence that follows, or a title.
_NAME_ENDS = _NAME_STOP | _TITLES


def _mask_name(
    match: re.Match[str], *, skip: frozenset[str], ends: frozenset[str], most_skipped: int
) -> str:
    """Mask the run of words of a match's third group that starts after up to
    ``most_skipped`` words of ``skip`` (titles, roles) and stops at a word of ``ends``."""
    words = match.group(3).split()
    start = 0
    while start < min(most_skipped, len(words)) and words[start].lower() in skip:
        start += 1
    end = start
    while end < len(words) and words[end].lower() not in ends:
        end += 1
    if end == start:
        return match.group(0)
    return f"{match.group(1)}{match.group(2)}" + " ".join([*words[:start], "[NAMA]", *words[end:]])


# A title and a capitalised word ("Pak Budi", "Bu Siti Aminah"): a name unless it is a role or
# a common noun ("Pak Lurah", "Bu RT", "Ibu Kota"). Lower-case "pak budi" is not found.
_TITLED = re.compile(
    r"\b(Bapak|Ibu|Pak|Bu|Mas|Mbak|Sdr|Saudara|Saudari)(\.?\s+)([A-Z][a-z'-]+(?:\s+[A-Z][a-z'-]+){0,2})\b"
)
_ROLES = frozenset(
    {
        "lurah", "camat", "rt", "rw", "wali", "walikota", "wakil", "kepala", "kades", "kadis",
        "ketua", "sekretaris", "bupati", "gubernur", "presiden", "menteri", "direktur", "dokter",
        "guru", "polisi", "petugas", "pegawai", "satpam", "ustadz", "haji", "kota", "kampung",
        "kapolsek", "kapolres", "danramil", "babinsa", "bhabinkamtibmas", "bidan", "perawat",
        "kepsek", "dinas", "kantor", "pejabat", "mohon", "tolong", "yang", "dan", "saya",
    }
)  # fmt: skip


_TITLE_HINTS = ("Pak", "Bapak", "Bu", "Ibu", "Mas", "Mbak", "Sdr", "Saudar")
# One title may precede an introduced name ("atas nama Ibu [NAMA]"); roles may precede a titled
# one ("Pak Camat [NAMA]").
_introduced = functools.partial(_mask_name, skip=_TITLES, ends=_NAME_ENDS, most_skipped=1)
_titled = functools.partial(_mask_name, skip=_ROLES, ends=_ROLES, most_skipped=3)


def _phone(match: re.Match[str]) -> str:
    digits = re.sub(r"\D", "", match.group(0))
    national = digits[2:] if digits.startswith("62") else digits[1:]
    # An Indonesian mobile number has 9 to 12 digits after the 0 / 62 prefix.
    return "[TELEPON]" if 9 <= len(national) <= 12 else match.group(0)


def mask_pii(text: str) -> str:
    """Return ``text`` with NIK numbers, phone numbers, e-mails and introduced names replaced by
    placeholders.

    >>> mask_pii("NIK 3173 0112 3456 0001, hp 0812-3456-7890, rt 05 rw 02 no 17")
    'NIK [NIK], hp [TELEPON], rt 05 rw 02 no 17'
    >>> mask_pii("Nama saya Siti Aminah warga RT 03, KTP atas nama ibu saya belum jadi")
    'Nama saya [NAMA] warga RT 03, KTP atas nama ibu saya belum jadi'
    """
    ensure_text(text)
    if "@" in text:
        text = _EMAIL.sub("[EMAIL]", text)
    if _NIK_CANDIDATE.search(text):
        text = _NIK.sub("[NIK]", text)
    text = _PHONE.sub(_phone, text)
    lowered = text.lower()
    # Most complaints name nobody: a substring test skips the regex (measured: 8 µs of a
    # 200-character complaint's 88 µs preprocessing).
    if "nama" in lowered or "a.n" in lowered or "a. n" in lowered:
        text = _NAME.sub(_introduced, text)
    if any(hint in text for hint in _TITLE_HINTS):
        text = _TITLED.sub(_titled, text)
    return text
