"""Fuzzy customer matching: 张三, zhangsan, zs, 华为张总, "Acme's Li", 5678 -> ranked candidates.

Pure functions over in-memory candidates; the store narrows the set first with a LIKE on
search_key(), then rank() orders the survivors.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol, TypeVar

from pypinyin import Style, lazy_pinyin
from rapidfuzz import fuzz

from ._lexicon import TITLE_ZH
from ._text import CJK, normalize

__all__ = ["Candidate", "Matchable", "is_clear_winner", "rank", "search_key"]

THRESHOLD = 60.0
# Surnames whose usual reading as a surname differs from the character's first reading.
_SURNAMES = {"曾": "zeng", "单": "shan", "仇": "qiu", "解": "xie", "查": "zha", "区": "ou",
             "朴": "piao", "翟": "zhai", "尉": "yu", "乐": "yue", "盖": "ge", "缪": "miao",
             "覃": "qin", "长": "chang", "重": "chong", "万": "wan", "秘": "bi", "种": "chong"}


class Matchable(Protocol):
    """What ranking reads of a customer: a Candidate, or a store row with these fields."""

    @property
    def name(self) -> str: ...
    @property
    def company(self) -> str | None: ...
    @property
    def phone(self) -> str | None: ...


M = TypeVar("M", bound=Matchable)


@dataclass(frozen=True)
class Candidate:
    id: int
    name: str
    company: str | None = None
    phone: str | None = None


@lru_cache(maxsize=8192)
def _char_pinyin(ch: str) -> str:
    return lazy_pinyin(ch)[0].lower() if CJK.match(ch) else ch


@lru_cache(maxsize=65536)
def _pinyin(text: str, surname: bool = False) -> tuple[str, ...]:
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


@dataclass(frozen=True)
class _Features:
    name: str
    company: str
    name_py: str
    name_initials: str
    company_py: str
    company_initials: str
    phone: str


@lru_cache(maxsize=65536)
def _features(name: str, company: str | None, phone: str | None) -> _Features:
    name_n, company_n = normalize(name).strip(), normalize(company or "").strip()
    name_syl, company_syl = _pinyin(name_n, surname=True), _pinyin(company_n)
    return _Features(
        name_n, company_n, "".join(name_syl), "".join(s[0] for s in name_syl),
        "".join(company_syl), "".join(s[0] for s in company_syl),
        re.sub(r"\D", "", phone or ""),
    )


def search_key(name: str, company: str | None) -> str:
    """Lower-case blob for a LIKE prefilter: names, full pinyin (no tones) and initials."""
    parts: list[str] = []
    for text in (name, company or ""):
        norm = normalize(text).strip()
        if not norm:
            continue
        syllables = _pinyin(norm, surname=text is name)
        phrase = "".join(lazy_pinyin(norm, style=Style.NORMAL)).lower().replace(" ", "")
        parts += [norm, "".join(syllables), "".join(s[0] for s in syllables)]
        parts += [phrase] if phrase != parts[-2] else []
    return " ".join(dict.fromkeys(p for p in parts if p))


def _split_mention(query: str) -> tuple[str, str, bool]:
    """(company part, person part, titled) from 华为张总 / 腾讯的陈姐 / acme's li / 张总."""
    if "'s " in query:
        company, _, person = query.partition("'s ")
        return company.strip(), person.strip(), False
    title = TITLE_ZH.search(query) if CJK.search(query) else None
    if title and title.start() >= 1:
        surname_at = title.start() - 1
        return query[:surname_at].rstrip("的 "), query[surname_at], True
    return "", query, False


def _text_score(query: str, target: str, py: str, initials: str) -> float:
    if not target:
        return 0.0
    if query == target:
        return 100.0
    scores = [fuzz.ratio(query, target) * 0.9]
    if target.startswith(query) or query in target:
        scores.append(90.0 if len(query) >= 2 else 70.0)
    if query.isascii():
        if query.replace(" ", "") == py.replace(" ", ""):  # "zhang san" is zhangsan
            scores.append(98.0)
        elif query == initials and len(query) >= 2:
            scores.append(88.0)
        elif len(query) >= 3 and py.startswith(query):
            scores.append(85.0)
        elif len(query) >= 4:
            scores.append(fuzz.ratio(query, py) * 0.85)
    return max(scores)


def _score(query: str, company_q: str, person_q: str, titled: bool, f: _Features) -> float:
    digits = re.sub(r"\D", "", query)
    if len(digits) >= 4 and len(digits) >= len(query.replace(" ", "")) - 1:
        if not f.phone:
            return 0.0
        return 100.0 if digits == f.phone else 92.0 if f.phone.endswith(digits) else (
            85.0 if digits in f.phone else 0.0)
    if titled:  # 张总: anyone surnamed 张, better when the company also matches
        base = 80.0 if f.name.startswith(person_q) else 0.0
    else:
        base = max(_text_score(person_q, f.name, f.name_py, f.name_initials),
                   _text_score(person_q, f.company, f.company_py, f.company_initials)
                   if not company_q else 0.0)
    if company_q and base:
        company = _text_score(company_q, f.company, f.company_py, f.company_initials)
        # Only an exact person + company match may reach 100.
        base = min(base + 15.0, 100.0 if base == 100 else 99.0) if company >= 80 else base - 10

    return base


def rank(query: str, candidates: Sequence[M], limit: int = 5) -> list[tuple[M, float]]:
    """Best matches first with scores 0-100; implausible ones (below THRESHOLD) dropped."""
    q = normalize(query).strip()
    if not q or limit <= 0:
        return []
    company_q, person_q, titled = _split_mention(q)
    scored = []
    for cand in candidates:
        score = _score(q, company_q, person_q, titled,
                       _features(cand.name, cand.company, cand.phone))
        if score >= THRESHOLD:
            scored.append((cand, round(score, 1)))
    scored.sort(key=lambda pair: -pair[1])
    return scored[:limit]


def is_clear_winner(ranked: Sequence[tuple[object, float]], margin: float = 8.0) -> bool:
    """True when the top match is good (>= 90) and clearly ahead of the runner-up."""
    if not ranked or ranked[0][1] < 90:
        return False
    return len(ranked) == 1 or ranked[0][1] - ranked[1][1] >= margin
