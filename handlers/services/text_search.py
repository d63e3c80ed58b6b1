"""Customers whose activities or notes mention some words (/find 普洱): one line per customer,
the newest matching record with a snippet around the words, a page at a time."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from store.clean import strip_invisible
from store.repos.customers import CustomerBrief
from store.repos.text_search import Source, TextHit
from store.scope import Scope
from store.uow import UnitOfWork

PAGE = 8  # customers a reply lists
HITS = 200  # records read per source and search: the newest 200 of each are paged through
MAX_WORDS = 5
MAX_WORD = 40
SNIPPET = 36  # characters of context shown around the first word (Chinese; twice for others)
_SPLIT = re.compile(r"[\s,，、;；。!！?？\"“”‘’()（）]+")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_NOTE_DATE = re.compile(r"^\[(\d{4})-(\d{2})-(\d{2})\]")


@dataclass(frozen=True)
class Match:
    """A customer and their newest record mentioning the words."""

    customer: CustomerBrief
    source: Source
    kind: str  # the activity's kind; "notes"
    at: datetime | None  # None: a note without a date of its own
    snippet: str
    more: int  # other matching records of the same customer among those read


@dataclass(frozen=True)
class Page:
    matches: list[Match]
    page: int  # from 0
    pages: int
    capped: bool  # HITS records of a source were read: older ones are not listed


def words_of(query: str) -> tuple[str, ...]:
    """The words to look for: split on spaces and punctuation, at most five, each cut short."""
    words = [w[:MAX_WORD] for w in _SPLIT.split(strip_invisible(query)) if w]
    return tuple(dict.fromkeys(words))[:MAX_WORDS]


async def find(uow: UnitOfWork, scope: Scope, words: tuple[str, ...], page: int) -> Page:
    """Page `page` of the customers in `scope` whose records mention every word."""
    activities = await uow.text_search.activities(scope, words, HITS)
    notes = await uow.text_search.notes(scope, words, HITS)
    hits = [(*_when(h, words), h) for h in (*activities, *notes)]
    hits.sort(key=lambda p: p[0] or datetime.min.replace(tzinfo=UTC), reverse=True)
    matches: dict[int, Match] = {}
    for at, body, hit in hits:
        seen = matches.get(hit.customer.id)
        if seen is None:
            snippet = snippet_of(body, words)
            matches[hit.customer.id] = Match(hit.customer, hit.source, hit.kind, at, snippet, 0)
        else:
            matches[hit.customer.id] = replace(seen, more=seen.more + 1)
    ordered = list(matches.values())
    pages = max(1, -(-len(ordered) // PAGE))
    shown = ordered[page * PAGE : (page + 1) * PAGE]
    capped = len(activities) == HITS or len(notes) == HITS
    return Page(shown, page, pages, capped)


def _when(hit: TextHit, words: tuple[str, ...]) -> tuple[datetime | None, str]:
    """When the hit happened and the text to cut a snippet from: an activity's time and text;
    for notes, the first line with a word in it, and its date when it starts with one."""
    if hit.source == "activity":
        return (hit.at if hit.at.tzinfo else hit.at.replace(tzinfo=UTC)), hit.text
    for line in hit.text.splitlines():
        if _first(line, words) < 0:
            continue
        dated = _NOTE_DATE.match(line)
        if dated is None:
            return None, line
        year, month, day = (int(x) for x in dated.groups())
        try:
            return datetime(year, month, day, tzinfo=UTC), line[dated.end() :].strip()
        except ValueError:
            return None, line
    return None, hit.text  # the words span two lines


def snippet_of(text: str, words: tuple[str, ...]) -> str:
    """About SNIPPET characters of `text` around the first word found, on one line; twice as
    many, cut at spaces, for text without Chinese (its words are longer)."""
    flat = " ".join(text.split())
    wide = not _CJK.search(flat)
    size = SNIPPET * 2 if wide else SNIPPET
    at = max(_first(flat, words), 0)
    start = max(0, at - size // 3)
    end = min(len(flat), start + size)
    start = max(0, min(start, end - size))
    if wide:  # whole words: move each cut to the nearest space inside the window
        if start > 0 and " " in flat[start:at]:
            start = flat.index(" ", start) + 1
        if end < len(flat) and " " in flat[at:end]:
            end = flat.rindex(" ", at, end)
    cut = flat[start:end]
    return ("…" if start > 0 else "") + cut + ("…" if end < len(flat) else "")


def _first(text: str, words: tuple[str, ...]) -> int:
    lower = text.lower()
    found = [i for i in (lower.find(w.lower()) for w in words) if i >= 0]
    return min(found) if found else -1
