"""The one place numbers typed or carried in buttons are checked before anything uses them.

Ids are database keys: a 30-digit id from a forged button or a typo must become a clear
"no such thing" answer, never an OverflowError from the driver. A number in free text with
more digits than any real amount or phone (a cat on the keyboard) is refused before the
parsers multiply it by 亿 past what Decimal can hold.
"""

from __future__ import annotations

import re

from handlers.i18n import add_texts

MAX_ID = 2**31 - 1  # PostgreSQL `integer` keys; SQLite's are wider, so this bounds both
MAX_DIGITS = 19  # a bank card number; no amount, id or phone a rep writes is longer
_ID = re.compile(r"[0-9]{1,10}")
_SMALL_INT = re.compile(r"[+-]?[0-9]{1,9}")
_DIGIT_RUN = re.compile(r"[0-9０-９]+(?:[,，][0-9０-９]{3}(?![0-9０-９]))*")

add_texts(
    {
        "error.number_range": (
            "数字「{text}」太大了，没有保存任何内容。",
            'The number "{text}" is out of range; nothing was saved.',
        ),
    }
)


def parse_id(text: str) -> int | None:
    """A database id written in ASCII digits, within the key range; else None."""
    text = text.strip()
    if not _ID.fullmatch(text):
        return None
    value = int(text)
    return value if 1 <= value <= MAX_ID else None


def parse_small_int(text: str) -> int | None:
    """A whole number such as a menu pick (`-1`, `0`, `99` included, so they can be refused
    by range); None for anything else, however long, so int() never sees it."""
    text = text.strip()
    return int(text) if _SMALL_INT.fullmatch(text) else None


def oversized_number(text: str) -> str | None:
    """The first run of more than MAX_DIGITS digits (thousands separators allowed), if any."""
    for match in _DIGIT_RUN.finditer(text):
        digits = sum(ch.isdigit() for ch in match.group())
        if digits > MAX_DIGITS:
            return match.group()
    return None
