"""Reading a customer mention for matching: pinyin of names, and the (company, person)
readings of what was typed — Acme's Li, 腾讯的陈姐, Li of Acme, 比亚迪 刘洋, 美的赵总."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from pypinyin import lazy_pinyin

from ._text import CJK

# Surnames whose usual reading as a surname differs from the character's first reading.
_SURNAMES = {
    "曾": "zeng", "单": "shan", "仇": "qiu", "解": "xie", "查": "zha", "区": "ou", "朴": "piao",
    "翟": "zhai", "尉": "yu", "乐": "yue", "盖": "ge", "缪": "miao", "覃": "qin", "长": "chang",
    "重": "chong", "万": "wan", "秘": "bi", "种": "chong",
}  # fmt: skip
# How people are addressed after their surname: 张总, 刘主管, 陈姐, 王经理.
_HONORIFIC = re.compile(
    r"(?:总经理|总监|总裁|经理|主管|主任|老板|老师|处长|科长|部长|院长|校长|局长|董事长|先生|女士|"
    r"小姐|助理|专员|工程师|博士|教授|律师|医生|总|工|姐|哥|董|局|老)$"
)
EN_HONORIFIC = re.compile(r"^(?:mr|mrs|ms|miss|dr)\.?\s+")
_POSSESSIVE = re.compile(r"^(?P<c>.+?)(?:'s|’s|的)\s*(?P<p>.+)$")
_OF = re.compile(r"^(?P<p>.+?)\s+(?:of|from|at|@)\s+(?P<c>.+)$")
_MAX_SPLITS = 24
_MAX_PERSON = 6


@lru_cache(maxsize=8192)
def _char_pinyin(ch: str) -> str:
    return lazy_pinyin(ch)[0].lower() if CJK.match(ch) else ch


@lru_cache(maxsize=65536)
def pinyin(text: str, surname: bool = False) -> tuple[str, ...]:
    """Toneless syllables, one per Chinese character; other runs (Latin words) kept whole.

    Character by character (with a cache) because phrase segmentation costs ~80 µs a name,
    too slow to rank a thousand cold candidates.
    """
    syllables: list[str] = []
    for i, ch in enumerate(text):
        if "\u4e00" <= ch <= "\u9fff":
            syllables.append(_SURNAMES.get(ch, "") if surname and i == 0 else "")
            syllables[-1] = syllables[-1] or _char_pinyin(ch)
        elif ch.isalnum() and i > 0 and text[i - 1].isalnum() and text[i - 1].isascii():
            syllables[-1] += ch.lower()  # a Latin word stays one token
        elif ch.isalnum():
            syllables.append(ch.lower())
    return tuple(syllables)


def blur(syllables: tuple[str, ...]) -> str:
    """Pinyin with the sounds people confuse folded together: zh/z, sh/s, ch/c, n/l, -ng/-n."""
    out = []
    for s in syllables:
        s = re.sub(r"^([zcs])h", r"\1", s)
        s = "l" + s[1:] if s.startswith("n") else s
        out.append(s[:-1] if s.endswith("ng") else s)
    return "".join(out)


def squash(text: str) -> str:
    return re.sub(r"[\s·.,'’\-]+", "", text)


@dataclass(frozen=True)
class Person:
    """The person part of a mention: its full text, and the surname when it is 张总-like."""

    compact: str
    surname: str = ""  # 张 of 张总 / 刘主管 / a bare 刘
    word: str = ""  # li of "Acme's Li": one word of a Latin name


def _person(part: str) -> Person:
    part = EN_HONORIFIC.sub("", part.strip())
    compact = squash(part)
    if CJK.match(compact):
        title = _HONORIFIC.search(compact)
        if title and title.start() == 0:
            return Person(compact)
        stem = compact[: title.start()] if title else compact
        surname = stem if len(stem) == 1 or (title and len(stem) == 2) else ""
        return Person(compact, surname)
    words = re.findall(r"[^\W_]+", part)
    return Person(compact, word=words[0] if len(words) == 1 else "")


@dataclass(frozen=True)
class Query:
    text: str
    compact: str
    digits: str
    is_phone: bool
    splits: tuple[Split, ...]
    alone: Person  # the whole mention read as a person
    syllables: tuple[str, ...]
    py: str
    blur: str


def read_mention(text: str) -> Query:
    compact = squash(text)
    digits = phone_digits(text)
    typed = re.sub(r"\D", "", text)
    is_phone = len(typed) >= 4 and len(typed) >= len(re.sub(r"[\s+()\-]", "", text)) - 1
    syllables = pinyin(compact) if CJK.search(compact) else ()
    return Query(
        text,
        compact,
        digits,
        is_phone,
        _splits(text),
        _person(text),
        syllables,
        "".join(syllables),
        blur(syllables),
    )


@dataclass(frozen=True)
class Split:
    company: str
    person: Person
    company_py: str  # for a company typed with a wrong character of the same sound (腾迅)
    cjk: bool
    cjk_person: bool
    head: str  # the person part's first character


def _splits(text: str) -> tuple[Split, ...]:
    """Every plausible (company, person) reading: Acme's Li, 腾讯的陈姐, Li of Acme, Acme Li,
    比亚迪 刘洋, 美的赵总 (a Chinese run split at each point)."""
    pairs: list[tuple[str, str]] = []
    for pattern in (_POSSESSIVE, _OF):
        found = pattern.match(text)
        if found:
            pairs.append((found["c"], found["p"]))
    words = text.split()
    for i in range(1, len(words)):
        head, tail = " ".join(words[:i]), " ".join(words[i:])
        pairs += [(head, tail), (tail, head)]
    if len(words) == 1 and CJK.match(text) and len(text) >= 3:
        # a person part is a name or a surname and title: at most 欧阳总经理's five characters
        at = range(max(2, len(text) - _MAX_PERSON), len(text))
        pairs += [(text[:i], text[i:].removeprefix("的")) for i in at]
    out = []
    for company, person in pairs[:_MAX_SPLITS]:
        c, p = squash(company), _person(person)
        if c and p.compact:
            cjk = bool(CJK.match(c))
            py = "".join(pinyin(c)) if cjk and len(c) >= 2 else ""
            out.append(Split(c, p, py, cjk, bool(CJK.match(p.compact)), p.compact[:1]))
    return tuple(out)


def phone_digits(text: str) -> str:
    digits = re.sub(r"\D", "", text)
    return digits[2:] if len(digits) == 13 and digits.startswith("86") else digits
