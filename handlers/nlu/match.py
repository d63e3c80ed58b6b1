"""Customer matching: 张三, zhangsan, zs, 华为张总, "Acme's Li", 5678 -> who is meant.

Two questions, kept apart. `resolve` says whether one customer is *certain*: only a strong fit
that no other customer shares (the exact name, the exact phone, or a company part that fits the
customer's company and a person part — 张总, 刘主管, Li, the full name, the title — that fits
the person). Everything else is ranked by `rank` as suggestions for a "did you mean…?" choice:
pinyin, initials, homophones (张山 → 张三), typos (腾迅 → 腾讯), phone tails, a surname alone.

Pure functions over in-memory candidates; the store narrows the set first.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Generic, Protocol, TypeVar

from pypinyin import Style, lazy_pinyin
from rapidfuzz import fuzz

from ._readings import (
    EN_HONORIFIC,
    Person,
    Query,
    blur,
    phone_digits,
    pinyin,
    read_mention,
    squash,
)
from ._text import normalize

__all__ = ["Candidate", "Matchable", "Resolution", "rank", "resolve", "search_key"]

THRESHOLD = 60.0
STRONG = 100.0  # only a strong fit scores this; every suggestion stays below
WEAK_CAP = 99.0
MAX_NAMESAKES = 10  # namesakes offered at most


class Matchable(Protocol):
    """What matching reads of a customer: a Candidate, or a store row with these fields."""

    @property
    def name(self) -> str: ...
    @property
    def company(self) -> str | None: ...
    @property
    def phone(self) -> str | None: ...
    @property
    def title(self) -> str | None: ...


M = TypeVar("M", bound=Matchable)


@dataclass(frozen=True)
class Candidate:
    id: int
    name: str
    company: str | None = None
    phone: str | None = None
    title: str | None = None


@dataclass(frozen=True)
class Resolution(Generic[M]):
    """`certain`: the one customer meant, or None; `ranked`: who to offer, best first."""

    certain: M | None
    ranked: list[tuple[M, float]]


@dataclass(frozen=True)
class _Features:
    name: str
    company: str
    title: str
    name_compact: str
    company_compact: str
    name_words: tuple[str, ...]
    company_grams: frozenset[str]  # runs of whole words: acme, acmecorp, corp
    name_py: str
    name_initials: str
    name_blur: str
    company_py: str
    company_initials: str
    phone: str


@lru_cache(maxsize=65536)
def _features(name: str, company: str | None, phone: str | None, title: str | None) -> _Features:
    name_n, company_n = normalize(name).strip(), normalize(company or "").strip()
    name_syl, company_syl = pinyin(name_n, surname=True), pinyin(company_n)
    return _Features(
        name_n,
        company_n,
        normalize(title or "").strip(),
        squash(name_n),
        squash(company_n),
        tuple(re.findall(r"[^\W_]+", name_n)),
        _word_runs(company_n),
        "".join(name_syl),
        "".join(s[0] for s in name_syl),
        blur(name_syl),
        "".join(company_syl),
        "".join(s[0] for s in company_syl),
        phone_digits(phone or ""),
    )


def _word_runs(text: str) -> frozenset[str]:
    words = re.findall(r"[^\W_]+", text)
    return frozenset(
        "".join(words[i:j])
        for i in range(len(words))
        for j in range(i + 1, min(len(words), i + 4) + 1)
    )


def search_key(name: str, company: str | None) -> str:
    """Lower-case blob for a LIKE prefilter: names, full pinyin (no tones) and initials."""
    parts: list[str] = []
    for text in (name, company or ""):
        norm = normalize(text).strip()
        if not norm:
            continue
        syllables = pinyin(norm, surname=text is name)
        phrase = "".join(lazy_pinyin(norm, style=Style.NORMAL)).lower().replace(" ", "")
        parts += [norm, "".join(syllables), "".join(s[0] for s in syllables)]
        parts += [phrase] if phrase != parts[-2] else []
    return " ".join(dict.fromkeys(p for p in parts if p))


def _person_fits(p: Person, f: _Features) -> bool:
    """The person part names this person: the full name, the surname with a title (张总),
    one word of a Latin name (Li of Li Wei), or the title itself (采购经理)."""
    return (
        p.compact == f.name_compact
        or (bool(p.surname) and f.name.startswith(p.surname))
        or (bool(p.word) and p.word in f.name_words)
        or (len(p.compact) >= 2 and bool(f.title) and f.title.endswith(p.compact))
    )


def _exact(q: Query, f: _Features) -> bool:
    if q.compact == f.name_compact:
        return True
    return q.compact.isascii() and len(q.compact) >= 4 and q.compact == f.name_py  # zengxiaoming


def _split_score(q: Query, f: _Features) -> float:
    """STRONG when a company part and a person part both fit. Otherwise a hint when only one
    does: someone else at that company, the same person at another company, or a company
    typed by sound (腾迅张总). One pass over the readings: this runs for every candidate."""
    best = 0.0
    company, head = f.company_compact, f.name[:1]
    for split in q.splits:
        fits_company = bool(company) and (
            (len(split.company) >= 2 and split.company in company)
            if split.cjk
            else (split.company == company or split.company in f.company_grams)
        )
        if not fits_company and (
            best >= 90.0
            or (
                split.cjk_person
                and split.head != head
                and not f.title.endswith(split.person.compact)
            )
        ):
            continue  # cheap: a Chinese person part starts as the name does, or is the title
        fits_person = _person_fits(split.person, f)
        if fits_company:
            if fits_person:
                return STRONG
            best = max(best, 75.0)
        elif fits_person:
            if split.company_py and f.company_py.startswith(split.company_py):
                best = 90.0
            elif len(split.person.compact) >= 2:
                best = max(best, 65.0)
    return best


def _text_score(query: str, target: str, py: str, initials: str) -> float:
    if not target:
        return 0.0
    if query == target:
        return 100.0
    scores = [fuzz.ratio(query, target) * 0.9]
    if query in target:
        scores.append(_contained(query, target))
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


def _contained(query: str, target: str) -> float:
    # Li at the start of a word of "Kevin Liu" is a fair guess; li inside "Hooli" is not.
    if len(query) < 2:
        return 70.0 if target.startswith(query) else 0.0
    if not query.isascii() or re.search(r"(?:^|[^a-z0-9])" + re.escape(query), target):
        return 90.0
    return 60.0 if len(query) >= 4 else 0.0


def _sounds_like(q: Query, f: _Features) -> float:
    """Chinese typed with the wrong character of the same or a near sound: 张山, 腾迅."""
    if len(q.syllables) < 2:
        return 0.0
    if q.py == f.name_py:
        return 88.0
    if q.blur == f.name_blur:
        return 84.0
    return 82.0 if f.company_py.startswith(q.py) else 0.0


def _phone_score(q: Query, f: _Features) -> float:
    if not f.phone:
        return 0.0
    if q.digits == f.phone:
        return STRONG if len(q.digits) >= 7 else 92.0
    return 92.0 if f.phone.endswith(q.digits) else 85.0 if q.digits in f.phone else 0.0


def _weak(q: Query, f: _Features, split: float) -> float:
    if q.alone.surname and len(q.compact) <= 4:  # 张总 alone: anyone surnamed 张
        base = 80.0 if f.name.startswith(q.alone.surname) else 0.0
    else:
        base = max(
            _text_score(q.text, f.name, f.name_py, f.name_initials),
            _text_score(q.text, f.company, f.company_py, f.company_initials),
        )
    return min(WEAK_CAP, max(base, _sounds_like(q, f), split))


def _score(q: Query, f: _Features) -> float:
    if q.is_phone:
        return _phone_score(q, f)
    if _exact(q, f):
        return STRONG
    split = _split_score(q, f)
    return STRONG if split >= STRONG else _weak(q, f, split)


def _scored(query: str, candidates: Sequence[M]) -> tuple[Query | None, list[tuple[M, float]]]:
    text = EN_HONORIFIC.sub("", normalize(query).strip())  # Mr Li is Li
    if not text:
        return None, []
    q = read_mention(text)
    scored = []
    for cand in candidates:
        score = _score(q, _features(cand.name, cand.company, cand.phone, cand.title))
        if score >= THRESHOLD:
            scored.append((cand, round(score, 1)))
    scored.sort(key=lambda pair: -pair[1])
    return q, scored


def rank(query: str, candidates: Sequence[M], limit: int = 5) -> list[tuple[M, float]]:
    """Best matches first with scores 0-100 (100 only for a strong fit); implausible ones
    (below THRESHOLD) dropped."""
    return _scored(query, candidates)[1][:limit] if limit > 0 else []


def resolve(query: str, candidates: Sequence[M], limit: int = 6) -> Resolution[M]:
    """The customer meant when exactly one fits strongly; else who to offer. When several fit
    strongly (two 张三), only they are offered."""
    q, scored = _scored(query, candidates)
    strong = [pair for pair in scored if pair[1] >= STRONG]
    if len(strong) == 1:
        if not (q and _addressed_alike(q, scored)):
            return Resolution(strong[0][0], strong)
        strong = []  # offer the one named so and the others addressed alike
    return Resolution(None, (strong or scored)[: max(limit, min(len(strong), MAX_NAMESAKES))])


def _addressed_alike(q: Query, scored: Sequence[tuple[Matchable, float]]) -> bool:
    """张总 is a customer's stored name, but every 张 is called 张总: without a company,
    the others surnamed 张 are as likely."""
    surname = q.alone.surname
    if not surname or q.compact == surname or q.splits:
        return False
    return any(s < STRONG and normalize(c.name).startswith(surname) for c, s in scored)
