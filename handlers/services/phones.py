"""Phone numbers as people write them, read and normalised to one stored form.

"+86 139 1234 5678", "0086-139-1234-5678", "139 1234 5678" and "13912345678" are one number,
stored as 13912345678; Chinese landlines keep their trunk zero ("(010) 6552-1234",
"+86 10 6552 1234" → 01065521234); other countries keep "+" and the country code
("+1 (415) 555-0100" → +14155550100). Same number, same text: duplicates and links find it.
"""

from __future__ import annotations

import re

_FULLWIDTH = str.maketrans("０１２３４５６７８９＋（）－　", "0123456789+()- ")
_SEP = r"[\s.\-]*"
# A run of digit groups, optionally led by +CC / 00CC and an area code in parentheses; never
# the tail of a word ("客户000 139…" is a name, then a phone), though a word may follow it.
_PHONE = re.compile(
    r"(?<![\w+])(?:(?:\+|00)\d{1,3}" + _SEP + r")?(?:\(\d{1,4}\)" + _SEP + r")?"
    r"\d{2,}(?:" + _SEP + r"\d{2,})*(?![A-Za-z0-9])"
)
MIN_DIGITS, MAX_DIGITS = 5, 15  # short service numbers (95588) .. E.164's longest


def normalize(text: str | None) -> str | None:
    """The stored form of a phone number, or None when text cannot be one."""
    if not text:
        return None
    raw = text.translate(_FULLWIDTH).strip()
    international = raw.startswith(("+", "00"))
    digits = re.sub(r"\D", "", raw)
    if raw.startswith("00"):
        digits = digits[2:]
    if not MIN_DIGITS <= len(digits) <= MAX_DIGITS:
        return None
    return _national(digits) if international else digits


def _national(digits: str) -> str:
    if not digits.startswith("86"):
        return "+" + digits
    rest = digits[2:]
    if rest.startswith("1") and len(rest) == 11:  # a mobile
        return rest
    return rest if rest.startswith("0") else "0" + rest  # a landline: trunk zero back


def find(text: str, min_digits: int = 7) -> tuple[str, int, int] | None:
    """The first phone number written in text: (stored form, start, end)."""
    spaced = text.translate(_FULLWIDTH)
    for m in _PHONE.finditer(spaced):
        found = m.group().rstrip(" .-")
        phone = normalize(found)
        if phone is not None and len(re.sub(r"\D", "", found)) >= min_digits:
            return phone, m.start(), m.start() + len(found)
    return None
