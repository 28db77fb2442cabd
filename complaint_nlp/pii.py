"""Masking personal data: NIK numbers, Indonesian phone numbers and e-mail addresses.

Used before a complaint is logged, stored or shown: ``[NIK]``, ``[TELEPON]`` and ``[EMAIL]``
replace them. Ordinary numbers (RT/RW, house numbers, years, amounts) are left alone.
"""

from __future__ import annotations

import re

from complaint_nlp._validation import ensure_text

__all__ = ["mask_pii"]

_SEP = r"[ .\-]?"
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# NIK / KK: 16 digits, possibly grouped with spaces, dots or dashes, and not part of a longer run.
_NIK = re.compile(rf"(?<!\d)(?<!\d[ .\-])(?:\d{_SEP}){{15}}\d(?![ .\-]?\d)")
# Mobile numbers: 08…, +62 8…, 62 8…, (0812)…, in groups separated by spaces, dots or dashes.
_PHONE = re.compile(
    r"(?<![\w+])(?:\+62|62|\(?0)\)?[ .\-]?\(?8\d{1,3}\)?(?:[ .\-]?\d{2,5}){1,4}(?![ .\-]?\d)"
)


def _phone(match: re.Match[str]) -> str:
    digits = re.sub(r"\D", "", match.group(0))
    national = digits[2:] if digits.startswith("62") else digits[1:]
    # An Indonesian mobile number has 9 to 12 digits after the 0 / 62 prefix.
    return "[TELEPON]" if 9 <= len(national) <= 12 else match.group(0)


def mask_pii(text: str) -> str:
    """Return ``text`` with NIK numbers, phone numbers and e-mails replaced by placeholders.

    >>> mask_pii("NIK 3173 0112 3456 0001, hp 0812-3456-7890, rt 05 rw 02 no 17")
    'NIK [NIK], hp [TELEPON], rt 05 rw 02 no 17'
    """
    ensure_text(text)
    text = _EMAIL.sub("[EMAIL]", text)
    text = _NIK.sub("[NIK]", text)
    return _PHONE.sub(_phone, text)
