"""Partial time expressions ("pieces") and how neighbouring pieces combine.

A grammar rule recognises one small thing (a weekday, a clock time, a part of day, an offset)
and fills a few slots of a Piece. Adjacent pieces whose slots do not collide are merged, so
"下周三" + "下午" + "3点半" composes without any rule knowing about the others.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, fields, replace
from datetime import date

from ._calendar import HolidayRule


@dataclass(frozen=True)
class Clock:
    hour: int
    minute: int = 0
    second: int = 0
    meridiem: str | None = None  # "am" / "pm" when the text said so
    ambiguous: bool = True       # a 12-hour reading is possible (3点, "at 3")


@dataclass(frozen=True)
class Pod:
    """A part of day: [start, end) hours and the hour a reminder should fire."""

    start: int
    end: int
    typical: int
    pm: bool  # clock hours 1-11 inside it mean the afternoon/evening


@dataclass
class Piece:
    span: tuple[int, int]
    date: date | None = None
    day_rel: int | None = None       # 今天 0, 明天 1, yesterday -1
    holiday: HolidayRule | None = None
    year: int | None = None
    year_rel: int | None = None
    month: int | None = None
    month_rel: int | None = None
    dom: int | None = None
    week_rel: int | None = None
    weekday: int | None = None
    weekday_mode: str | None = None  # "next" (strictly after today), "this", "last", "after"
    nth: int | None = None           # nth weekday of the month; -1 = last
    quarter: int | None = None
    quarter_rel: int | None = None
    part: str | None = None          # "begin" / "mid" / "end" / "weekend"
    part_of: str | None = None       # unit the part applies to: "week" / "month" / "year"
    pod: Pod | None = None
    clock: Clock | None = None
    offset: tuple[str, float] | None = None  # (unit, signed amount) from now
    count_weekday: tuple[int, int] | None = None  # ("2 sundays from now"): weekday, n
    tz: int | None = None            # minutes east of UTC
    shift: tuple[str, float] | None = None  # moves the named time: "春节前一周", "the day before"
    # Counted from the time the text named before: "第二天" (day, 1), "提前半小时" (hour, -0.5)
    chain: tuple[str, float] | None = None
    now: bool = False
    past: bool = False
    needs_anchor: bool = False       # only meaningful next to a date ("周一晚")


_MERGE_FREE = {"span", "past", "needs_anchor", "weekday_mode"}
_SLOTS = [f.name for f in fields(Piece) if f.name not in _MERGE_FREE]
_DATE_SLOTS = (
    "date", "day_rel", "holiday", "year", "year_rel", "month", "month_rel", "dom", "week_rel",
    "weekday",
    "quarter", "quarter_rel", "offset", "count_weekday", "part",
)

Rule = tuple[re.Pattern[str], Callable[[re.Match[str]], Piece | None]]

_GLUE = re.compile(
    r"(?:[\s,，、]|\b(?:at|on|in|the|of|from|around|about|approximately|for|this|by)\b|@|的|在|于)*"
)
_RANGE = re.compile(r"\s*(?:-|~|–|—|to|till|until|thru|through|and|至|到)\s*")


def has_date(piece: Piece) -> bool:
    return any(getattr(piece, name) is not None for name in _DATE_SLOTS)


def _set(value: object) -> bool:
    return value is not None and value is not False  # 0 is a real value (week_rel=0, UTC)


def _can_merge(a: Piece, b: Piece) -> bool:
    if any(_set(getattr(a, n)) and _set(getattr(b, n)) for n in _SLOTS):
        return False
    # "三天后" fixes the day itself: it may take a clock time, not another date.
    if a.offset or b.offset:
        return not has_date(b if a.offset else a)
    return True


def merge(a: Piece, b: Piece) -> Piece:
    values = {n: getattr(b, n) for n in _SLOTS if _set(getattr(b, n))}
    merged = replace(a, **values)
    merged.span = (a.span[0], b.span[1])
    merged.past = a.past or b.past
    merged.weekday_mode = a.weekday_mode or b.weekday_mode
    merged.needs_anchor = a.needs_anchor and b.needs_anchor
    return merged


def _same_kind(a: Piece, b: Piece) -> bool:
    return [getattr(a, n) is None for n in _SLOTS] == [getattr(b, n) is None for n in _SLOTS]


def select(candidates: list[Piece]) -> list[Piece]:
    """Longest-first, non-overlapping pieces, returned in text order."""
    chosen: list[Piece] = []
    taken: list[tuple[int, int]] = []
    for piece in sorted(candidates, key=lambda p: (p.span[0] - p.span[1], p.span[0])):
        s, e = piece.span
        if all(e <= ts or s >= te for ts, te in taken):
            chosen.append(piece)
            taken.append(piece.span)
    return sorted(chosen, key=lambda p: p.span[0])


def _shifts(anchor: Piece, piece: Piece, gap: str, text: str) -> bool:
    """ "春节前一周", "端午节后两天": an offset written straight after a date moves that date."""
    return (gap == "" and piece.offset is not None and text[piece.span[0]] in "前后"
            and has_date(anchor) and anchor.offset is None and anchor.shift is None)


_SAME_CLAUSE = re.compile(r"[^,，.。;；!！?？\n]{0,40}")
_EVENT_GAP = re.compile(r"[^,，.。;；!！?？\n\d]{1,6}")


def _reaches(anchor: Piece, piece: Piece, gap: str, text: str) -> Piece | None:
    """ "30 minutes before the Globex call at 3pm", "3点开会前半小时": a shift by minutes or
    hours moves the time of the event named between them, within one clause."""
    if anchor.shift and anchor.needs_anchor and (has_date(piece) or piece.clock is not None) \
            and _SAME_CLAUSE.fullmatch(gap):
        # Written together ("the day before Christmas") the span covers both; across an
        # event ("before the Globex call at 3pm") only the time, as the event may hold a name.
        span = (anchor.span[0], piece.span[1]) if _GLUE.fullmatch(gap) else piece.span
        return replace(piece, shift=anchor.shift, span=span)
    short = piece.offset is not None and piece.offset[0] in ("minute", "hour")
    if short and text[piece.span[0]] == "前" and anchor.clock is not None \
            and _EVENT_GAP.fullmatch(gap):
        return replace(anchor, shift=piece.offset)
    return None


def group(pieces: list[Piece], text: str) -> list[Piece]:
    """Merge neighbours joined by glue words; a range ("3-4pm", "周三至周五") keeps its start."""
    groups: list[Piece] = []
    for piece in pieces:
        if groups:
            last = groups[-1]
            gap = text[last.span[1]:piece.span[0]]
            if _shifts(last, piece, gap, text):
                groups[-1] = replace(last, shift=piece.offset, span=(last.span[0], piece.span[1]))
                continue
            reached = _reaches(last, piece, gap, text)
            if reached is not None:
                groups[-1] = reached
                continue
            if _GLUE.fullmatch(gap) and _can_merge(last, piece):
                groups[-1] = merge(last, piece)
                continue
            if _RANGE.fullmatch(gap) and _same_kind(last, piece):
                last.span = (last.span[0], piece.span[1])
                continue
        if piece.shift and piece.needs_anchor and groups:  # "at 3pm, remind me 30 min before"
            piece = replace(piece, chain=piece.shift, shift=None, needs_anchor=False)
        groups.append(piece)
    return [g for g in groups if not g.needs_anchor]
