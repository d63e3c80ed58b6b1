"""A birthday as people write it: solar (3月5日, 1990-03-05, May 3, 3 May 1985) or lunar
(农历三月初五, 阴历腊月廿三, lunar 3/5).

Only the month and day matter for a birthday; a year is kept when given. A date that cannot
exist (2月30日, April 31) is refused, never rolled over; an ambiguous one (3/5 without 农历
or a year in front) is refused too, with the forms that are understood.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

# Stored when no year was given: a leap year, so 2月29日 is a birthday too. Only month and
# day are ever read (the care job, the brief, the card).
NO_YEAR = 1904
_MONTHS_EN = {
    m: i + 1
    for i, names in enumerate(
        (
            ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
            ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
            ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
            ("december", "dec"),
        )
    )
    for m in names
}  # fmt: skip
_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6,
           "七": 7, "八": 8, "九": 9}  # fmt: skip
_LUNAR_MONTHS = {"正": 1, "冬": 11, "腊": 12, "臘": 12}
_LUNAR_CUE = re.compile(r"农历|農曆|阴历|陰曆|旧历|舊曆|(?<![a-z])lunar(?![a-z])", re.I)
_NUM = r"(\d{1,2}|[一二三四五六七八九十两]{1,3}|[正冬腊臘])"
_DAY = r"(\d{1,2}|初[一二三四五六七八九十]|廿[一二三四五六七八九]?|卅|[一二三四五六七八九十]{1,3})"
_ZH = re.compile(r"(?:(\d{4})\s*年\s*)?" + _NUM + r"\s*月(?:份)?\s*" + _DAY + r"\s*(?:日|号|號)?")
_ISO = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")
_EN_MD = re.compile(
    r"(?<![a-z])([a-z]{3,9})\.?\s+(\d{1,2})(?!\d)(?:st|nd|rd|th)?(?:,?\s+(\d{4}))?", re.I
)
_EN_DM = re.compile(
    r"(?<!\d)(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?([a-z]{3,9})\.?(?:,?\s+(\d{4}))?", re.I
)
_SLASH = re.compile(r"(?<!\d)(\d{1,2})\s*[/.-]\s*(\d{1,2})(?!\d)")
_LEAP = re.compile(r"闰|閏|leap", re.I)


@dataclass(frozen=True)
class Birthday:
    month: int
    day: int
    year: int | None
    lunar: bool

    def as_date(self) -> date:
        """The stored form: the year given, else NO_YEAR (only month and day are read)."""
        return date(self.year or NO_YEAR, self.month, self.day)


class BadBirthday(ValueError):
    """Why the text is not a birthday: "impossible" (no such day), "leap" (a leap lunar
    month, which the care job cannot tell apart) or "unclear"."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def parse_birthday(text: str) -> Birthday:
    """The birthday in `text`, or BadBirthday saying why not."""
    text = text.strip()
    lunar = bool(_LUNAR_CUE.search(text))
    if lunar and _LEAP.search(text):
        raise BadBirthday("leap")
    found = _read(_LUNAR_CUE.sub(" ", text), lunar)
    if found is None:
        raise BadBirthday("unclear")
    year, month, day = found
    if not _exists(year, month, day, lunar):
        raise BadBirthday("impossible")
    return Birthday(month, day, year, lunar)


def _read(text: str, lunar: bool) -> tuple[int | None, int, int] | None:
    if m := _ISO.search(text):
        return int(m[1]), int(m[2]), int(m[3])
    if m := _ZH.search(text):
        month, day = _zh_number(m[2], months=True), _zh_number(m[3])
        return (int(m[1]) if m[1] else None, month, day) if month and day else None
    if (m := _EN_MD.search(text)) and m[1].lower() in _MONTHS_EN:
        return (int(m[3]) if m[3] else None), _MONTHS_EN[m[1].lower()], int(m[2])
    if (m := _EN_DM.search(text)) and m[2].lower() in _MONTHS_EN:
        return (int(m[3]) if m[3] else None), _MONTHS_EN[m[2].lower()], int(m[1])
    if lunar and (m := _SLASH.search(text)):  # 农历 3/5: Chinese order, month first
        return None, int(m[1]), int(m[2])
    return None


def _zh_number(text: str, months: bool = False) -> int | None:
    """初五 5, 十二 12, 廿三 23, 三十 30, 正 1, 腊 12, 12 12."""
    if text.isdigit():
        return int(text)
    if months and text in _LUNAR_MONTHS:
        return _LUNAR_MONTHS[text]
    text = text.removeprefix("初")
    if text.startswith("廿"):
        return 20 + (_DIGITS.get(text[1:], 0) if text[1:] else 0)
    if text == "卅":
        return 30
    if "十" in text:
        tens, _, ones = text.partition("十")
        ten = _DIGITS.get(tens, -99) if tens else 1
        value = ten * 10 + (_DIGITS.get(ones, -99) if ones else 0)
        return value if value > 0 else None
    return _DIGITS.get(text) if len(text) == 1 else None


def _exists(year: int | None, month: int, day: int, lunar: bool) -> bool:
    if year is not None and not 1900 <= year <= 2100:
        return False
    # Lunar months have 29 or 30 days; the stored date must exist too, so 二月三十 cannot.
    return _valid(year or NO_YEAR, month, day) and (not lunar or day <= 30)


def _valid(year: int, month: int, day: int) -> bool:
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True
