"""What the store looks up for a customer mention: 张三, zhangsan, zs, 美的赵总, 139 0000 0042.

The store answers each kind from an index (store/repos/customer_search.py); this module only
decides which strings to ask for, generously: ranking (match.rank) judges the candidates.
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache

from pypinyin import lazy_pinyin

from store.repos.customer_search import SearchTerms

from ._lexicon import TITLE_ZH
from ._text import normalize

SHORT_RUN = 4  # Chinese runs longer than a name are sentences, not names
MAX_QUERY = 60  # a mention, or the start of a message; longer text adds no better probes
_HAN = re.compile(r"[\u4e00-\u9fff]+")
_RUN = re.compile(r"[\u4e00-\u9fff0-9a-z]+")  # a company with its number: 顺丰19999号分公司
_LATIN = re.compile(r"[a-z]+")
_PHONE = re.compile(r"\+?\d[\d\s\-()./]{2,}\d")


def search_terms(query: str) -> SearchTerms:
    """The probes for one mention (a whole message works too, at some cost in candidates)."""
    q = normalize(query[:MAX_QUERY]).strip()
    han = _HAN.findall(q)
    latin = _LATIN.findall(q)
    titled, surnames = _titled(q)
    exact = SearchTerms(
        names=tuple(dict.fromkeys(_windows(han, 2, 4) + _latin_names(q))),
        phones=_phone_forms(q),
        prefixes=tuple(dict.fromkeys([*han, *surnames, *_whole(q)])),
    )
    if titled:  # 美的赵总 means someone surnamed 赵 at 美的: a company and a surname, no pinyin
        return replace(exact, prefixes=(), titled=titled)
    return replace(
        exact,
        words=tuple(dict.fromkeys(_words(han, latin))),
        fragments=tuple(dict.fromkeys(_fragments(han, latin))),
        digits=_partial_numbers(q),
        fuzzy=tuple(dict.fromkeys(_fuzzy(han, latin))),
    )


def _whole(q: str) -> list[str]:
    return [q] if q and " " not in q else []


def _windows(runs: list[str], shortest: int, longest: int) -> list[str]:
    """Every substring of `shortest`..`longest` characters: where a Chinese name may be."""
    found = []
    for run in runs:
        for size in range(shortest, min(longest, len(run)) + 1):
            found += [run[i : i + size] for i in range(len(run) - size + 1)]
    return found


def _latin_names(q: str) -> list[str]:
    """Latin names are stored as written (Emily Chen), the query is folded: ask both."""
    words = " ".join(_LATIN.findall(q))
    return [words, words.title()] if words else []


def _titled(q: str) -> tuple[tuple[tuple[str, str], ...], list[str]]:
    """(company, surname) pairs of 美的赵总 / 腾讯的陈姐, and the surnames of a bare 张总."""
    pairs: list[tuple[str, str]] = []
    surnames: list[str] = []
    for run in _RUN.findall(q):
        title = TITLE_ZH.search(run)
        if not title or title.start() < 1 or not _HAN.match(run[title.start() - 1]):
            continue
        surname, typed = run[title.start() - 1], run[: title.start() - 1]
        company = typed.removesuffix("的") if len(typed) > 2 else typed  # 腾讯的陈姐, not 美的
        if company:  # as typed, and its leading Chinese: 比亚迪 of 比亚迪公司, 比亚迪21号分公司
            lead = _HAN.match(company)
            pairs += [(company, surname)] + ([(lead[0], surname)] if lead else [])
        else:
            surnames.append(surname)
    return tuple(dict.fromkeys(pairs)), surnames


def _words(han: list[str], latin: list[str]) -> list[str]:
    """Whole words of a search key: the pinyin of a name-sized run (a homophone's too) or of a
    run's end, where a mention puts the name (顺丰19号分公司张山); the initials or pinyin typed.
    Not Chinese runs (a company named 华为 is a prefix, found from a B-tree), nor every window
    of a sentence: both would only add slow probes, " 华为" being in every 华为 branch's key."""
    words = [_pinyin(w) for r in han for w in {r[-2:], r[-3:], r[-SHORT_RUN:]}]
    words += [w for w in latin if len(w) == 2]  # longer: a fragment, which covers the word
    words += ["".join(latin)] if len(latin) > 1 else []
    return words


def _fragments(han: list[str], latin: list[str]) -> list[str]:
    """Parts of a name or company (张三丰 in 张三丰集团, zhao in zhaowei). Only short runs: a
    longer one is a sentence, and its common trigrams (分公司) would cost a read of most of the
    index while finding what the name windows already found."""
    return [r for r in han if 3 <= len(r) <= SHORT_RUN] + [w for w in latin if len(w) >= 3]


def _fuzzy(han: list[str], latin: list[str]) -> list[str]:
    """A typo in pinyin (zhangsna), or a Chinese name no word of which matched exactly."""
    return [w for w in latin if len(w) >= 4] + [_pinyin(r) for r in han if 2 <= len(r) <= 4]


def _digit_runs(q: str) -> list[str]:
    return [re.sub(r"\D", "", m) for m in _PHONE.findall(q)]


def _partial_numbers(q: str) -> tuple[str, ...]:
    """A phone's tail or middle (0042, 0000 0042) when the query is one. A whole number is
    found by its exact forms, and the number of a firm's branch (顺丰19号) is no phone."""
    digits = re.sub(r"\D", "", q)
    if not 3 <= len(digits) < 11 or len(digits) < len(re.sub(r"[\s\-()+./]", "", q)):
        return ()
    return (digits,)


def _phone_forms(q: str) -> tuple[str, ...]:
    """A number as it may be stored: bare, with +, with or without China's 86."""
    forms: list[str] = []
    for digits in _digit_runs(q):
        if len(digits) < 5:
            continue
        national = digits[2:] if digits.startswith("86") and len(digits) == 13 else digits
        forms += [digits, "+" + digits, national, "+86" + national, "86" + national]
    return tuple(dict.fromkeys(forms))


@lru_cache(maxsize=8192)
def _pinyin(text: str) -> str:
    return "".join(lazy_pinyin(text)).lower()
