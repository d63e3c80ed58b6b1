"""Find date/time expressions in Chinese or English chat text.

A small composable grammar: rules in _when_zh / _when_en each recognise one piece (a day, a
weekday, a clock time, a part of day, an offset, a holiday), neighbouring pieces merge, and
_resolve turns the merged piece into datetimes relative to "now".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

from . import _when_en, _when_zh
from ._calendar import add_months
from ._pieces import Piece, group, has_date, select
from ._resolve import Grain, at_time, clock_hour, date_span, in_zone, roll_clock
from ._text import normalize

__all__ = ["Grain", "When", "find_whens", "parse_when"]

_CJK = re.compile(r"[\u3000-\u9fff]")
# English rules see Chinese characters as spaces, so "提醒我tomorrow下午" still has a word
# boundary before "tomorrow"; rules that spell Chinese themselves (北京时间) see the text as is.
_ZH_RULES = _when_zh.RULES + [r for r in _when_en.RULES if _CJK.search(r[0].pattern)]
_EN_RULES = [r for r in _when_en.RULES if not _CJK.search(r[0].pattern)]
_UNIT_GRAIN: dict[str, Grain] = {
    "second": "minute", "minute": "minute", "hour": "hour", "day": "day", "week": "week",
    "month": "month", "year": "year",
}


@dataclass(frozen=True)
class When:
    start: datetime
    grain: Grain
    end: datetime | None
    past: bool
    span: tuple[int, int]
    text: str
    has_time: bool


def add_months_dt(now: datetime, months: int) -> datetime:
    return datetime.combine(add_months(now.date(), months), now.timetz())


def _shift(now: datetime, unit: str, amount: float) -> datetime:
    if unit in ("month", "year"):
        months = amount * (12 if unit == "year" else 1)
        if months != int(months):  # "半个月后", "一个半月后": half a month is about 15 days
            return _shift(add_months_dt(now, int(months)), "day", 30 * (months - int(months)))
        return add_months_dt(now, int(months))
    seconds = {"second": 1, "minute": 60, "hour": 3600, "day": 86400, "week": 604800}[unit]
    return now + timedelta(seconds=amount * seconds)


def _offset_when(p: Piece, now: datetime) -> tuple[datetime, Grain, bool]:
    assert p.offset is not None
    unit, amount = p.offset
    start = _shift(now, unit, amount)
    if p.clock is not None:  # "三天后下午3点": the offset picks the day, the clock the time
        hour = clock_hour(p.clock, p.pod, True)
        return at_time(start.date(), hour, p.clock.minute, now), "minute", True
    if p.pod is not None:
        return at_time(start.date(), p.pod.typical, 0, now), "hour", True
    return start, _UNIT_GRAIN[unit], unit in ("second", "minute", "hour")


def _resolve(p: Piece, now: datetime, default_hour: int, past_bias: bool,
             ) -> tuple[datetime, Grain, datetime | None, bool] | None:
    """(start, grain, end, has_time) for a merged piece."""
    if p.now:
        return now, "minute", None, True
    if p.offset is not None:
        start, grain, timed = _offset_when(p, now)
        return start, grain, None, timed
    span = date_span(p, now.date(), past_bias) if has_date(p) else None
    if span is None and has_date(p):
        return None
    if p.clock is not None:
        if span is None and not past_bias and p.pod is None:
            start = roll_clock(p.clock, now)
        else:
            day = span[0] if span else now.date()
            start = at_time(day, clock_hour(p.clock, p.pod, span is not None), p.clock.minute,
                            now, p.clock.second)
        if p.tz is not None:
            start = in_zone(start, p.tz, now)
        return start, ("minute" if p.clock.minute else "hour"), None, True
    day = span[0] if span else now.date()
    if p.pod is not None:
        return (at_time(day, p.pod.typical, 0, now), "hour", at_time(day, p.pod.end, 0, now),
                True)
    if span is None:
        return None
    _, grain, end_day = span
    end = at_time(end_day, 0, 0, now) if end_day else None
    return at_time(day, default_hour, 0, now), grain, end, False


def _chained(p: Piece, previous: When | None, now: datetime, default_hour: int,
             ) -> tuple[datetime, Grain, datetime | None, bool] | None:
    """ "评审完第二天": days counted from the time the text named just before."""
    if previous is None or p.chain is None:
        return None
    unit, amount = p.chain
    if unit in ("day", "week", "month", "year"):
        day = _shift(previous.start, unit, amount).date()
        return at_time(day, default_hour, 0, now), "day", None, False
    return _shift(previous.start, unit, amount), "minute", None, True


def _bare_clock(p: Piece) -> bool:
    return p.clock is not None and not has_date(p) and p.tz is None and not p.now


def _same_day(p: Piece, previous: When, now: datetime,
              ) -> tuple[datetime, Grain, datetime | None, bool]:
    """A clock time alone after a day ahead is on that day."""
    assert p.clock is not None
    hour = clock_hour(p.clock, p.pod, True)
    start = at_time(previous.start.date(), hour, p.clock.minute, now, p.clock.second)
    return start, ("minute" if p.clock.minute else "hour"), None, True


def _moved(resolved: tuple[datetime, Grain, datetime | None, bool], shift: tuple[str, float],
           ) -> tuple[datetime, Grain, datetime | None, bool]:
    start, grain, _, timed = resolved
    unit, amount = shift
    moved = _shift(start, unit, amount)
    return moved, (grain if timed else "day"), None, timed


def _find(text: str, now: datetime, default_hour: int, past_bias: bool) -> list[When]:
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    norm = normalize(text)
    results: list[When] = []
    for piece in _grouped(norm):
        if piece.chain is not None:
            resolved = _chained(piece, results[-1] if results else None, now, default_hour)
        elif _bare_clock(piece) and results and results[-1].start.date() > now.date():
            resolved = _same_day(piece, results[-1], now)  # "听日下昼得闲，约咗三点见面"
        else:
            resolved = _resolve(piece, now, default_hour, past_bias)
        if resolved is None:
            continue
        if piece.shift is not None:
            resolved = _moved(resolved, piece.shift)
        start, grain, end, timed = resolved
        s, e = piece.span
        past = piece.past or (start.date() < now.date() if not timed else start < now)
        results.append(When(start, grain, end, past, (s, e), text[s:e], timed))
    return results


@lru_cache(maxsize=256)
def _grouped(norm: str) -> tuple[Piece, ...]:
    """The time pieces of a normalised text, merged. Cached: reading a visit asks for them
    twice (times ahead, then times past), and the rules' regex scan is most of the cost.
    Nothing downstream changes a piece once grouped."""
    found: list[Piece] = []
    spaced = _CJK.sub(" ", norm)
    for rules, text in ((_ZH_RULES, norm), (_EN_RULES, spaced)):
        for pattern, build in rules:
            for match in pattern.finditer(text):
                piece = build(match)
                if piece is not None:
                    found.append(piece)
    return tuple(group(select(found), norm))


def find_whens(text: str, now: datetime, default_hour: int = 9) -> list[When]:
    """All non-overlapping time expressions in text, in text order."""
    return _find(text, now, default_hour, past_bias=False)


def parse_when(text: str, now: datetime, default_hour: int = 9) -> When | None:
    """The first time expression in text, or None."""
    whens = _find(text, now, default_hour, past_bias=False)
    return whens[0] if whens else None


def find_past_whens(text: str, now: datetime, default_hour: int = 9) -> list[When]:
    """Like find_whens, but yearless dates and bare weekdays point backwards (for logging)."""
    return _find(text, now, default_hour, past_bias=True)
