"""Turn a merged Piece into concrete dates, relative to "now"."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from typing import Literal

from ._calendar import add_months, monday_of, month_last_day, nth_weekday, safe_date
from ._pieces import Clock, Piece, Pod

Grain = Literal["year", "quarter", "month", "week", "day", "hour", "minute"]
DateSpan = tuple[date, Grain, date | None]  # day, grain, exclusive end day


def _days(n: int) -> timedelta:
    return timedelta(days=n)


def _weekday_span(p: Piece, today: date, past_bias: bool) -> DateSpan:
    wd = p.weekday
    if p.week_rel is not None:
        monday = monday_of(today) + _days(7 * p.week_rel)
        if wd is not None:
            return monday + _days(wd), "day", None
        if p.part in ("weekend", "end"):  # a rep's "end of the week" is Friday
            first = 5 if p.part == "weekend" else 4
            return monday + _days(first), "day", monday + _days(7)
        if p.part == "begin":
            return monday, "day", monday + _days(3)
        return monday, "week", monday + _days(7)
    assert wd is not None
    ahead = (wd - today.weekday()) % 7
    if p.weekday_mode == "this":
        delta = ahead
    elif p.weekday_mode == "last" or (past_bias and p.weekday_mode is None):
        behind = (today.weekday() - wd) % 7
        delta = -(behind or (7 if p.weekday_mode == "last" else 0))
    elif p.weekday_mode == "after":
        delta = (ahead or 7) + 7
    else:  # bare weekday or "next <weekday>": the nearest one after today
        delta = ahead or 7
    return today + _days(delta), "day", None


def _pick_year(candidate: date, build: int, today: date, past_bias: bool) -> int:
    """Year for a yearless date: the next occurrence, or the last one when logging the past."""
    if past_bias:
        return build - 1 if candidate > today else build
    return build + 1 if candidate < today else build


def _dom_span(p: Piece, today: date, year: int | None, month: int | None,
              past_bias: bool) -> DateSpan | None:
    assert p.dom is not None
    if month is None:  # "5号", "the 15th": this month if still ahead, else a following one
        for shift in range(0, -4, -1) if past_bias else range(13):
            base = add_months(today.replace(day=1), shift)
            found = safe_date(base.year, base.month, p.dom)
            if found is None or (p.weekday is not None and found.weekday() != p.weekday):
                continue
            if shift == 0 and (found > today if past_bias else found < today):
                continue
            return found, "day", None
        return None
    y = year if year is not None else today.year
    found = safe_date(y, month, p.dom)
    if found is None:
        return None
    if year is None and p.weekday is not None:  # "Fri, Jul 18": the year where it is a Friday
        for y2 in (y, y + 1, y - 1, y + 2, y - 2, y + 3):
            cand = safe_date(y2, month, p.dom)
            if cand and cand.weekday() == p.weekday:
                return cand, "day", None
    if year is None and p.month_rel is None:
        found = safe_date(_pick_year(found, y, today, past_bias), month, p.dom) or found
    return found, "day", None


def _month_span(p: Piece, today: date, year: int | None, month: int,
                past_bias: bool) -> DateSpan | None:
    y = year if year is not None else today.year
    if year is None and p.month_rel is None:
        y = _pick_year(date(y, month, 1), y, today.replace(day=1), past_bias)
    if p.nth is not None and p.weekday is not None:
        found = nth_weekday(y, month, p.weekday, p.nth)
        if found and year is None and found < today and not past_bias:
            found = nth_weekday(y + 1, month, p.weekday, p.nth)
        return (found, "day", None) if found else None
    first = date(y, month, 1)
    nxt = add_months(first, 1)
    if p.part == "begin":
        return first, "day", first + _days(10)
    if p.part == "mid":
        return first + _days(14), "day", first + _days(20)
    if p.part == "end":
        return month_last_day(y, month), "day", nxt
    return first, "month", nxt


def _year_span(p: Piece, year: int, today: date) -> DateSpan:
    if p.quarter is not None or p.quarter_rel is not None:
        current = (today.month - 1) // 3 + 1
        q = p.quarter if p.quarter is not None else current + (p.quarter_rel or 0)
        first = add_months(date(year, 1, 1), 3 * (q - 1))
        return first, "quarter", add_months(first, 3)
    if p.part == "begin":
        return date(year, 1, 1), "month", date(year, 4, 1)
    if p.part == "end":
        return date(year, 12, 31), "day", date(year + 1, 1, 1)
    return date(year, 1, 1), "year", date(year + 1, 1, 1)


def _holiday_span(p: Piece, today: date, past_bias: bool) -> DateSpan | None:
    assert p.holiday is not None
    year = p.year if p.year is not None else today.year + (p.year_rel or 0)
    found = p.holiday(year)
    if p.year is None and p.year_rel is None and found is not None:
        backwards = past_bias or p.weekday_mode == "last"
        if (found < today and not backwards) or (found >= today and backwards):
            found = p.holiday(year + (-1 if backwards else 1))
    return (found, "day", None) if found else None


def date_span(p: Piece, today: date, past_bias: bool) -> DateSpan | None:
    """The day (or period) a piece names, or None when it names no date."""
    if p.date is not None:
        return p.date, "day", None
    if p.day_rel is not None:
        return today + _days(p.day_rel), "day", None
    if p.holiday is not None:
        return _holiday_span(p, today, past_bias)
    if p.count_weekday is not None:  # "2 sundays from now"
        wd, count = p.count_weekday
        return today + _days(((wd - today.weekday()) % 7 or 7) + 7 * (count - 1)), "day", None
    year = p.year if p.year is not None else (
        today.year + p.year_rel if p.year_rel is not None else None)
    month = p.month
    if p.month_rel is not None:
        shifted = add_months(today.replace(day=1), p.month_rel)
        year, month = shifted.year, shifted.month
    if p.dom is not None:
        return _dom_span(p, today, year, month, past_bias)
    if month is not None:
        return _month_span(p, today, year, month, past_bias)
    if p.week_rel is not None or p.weekday is not None:
        return _weekday_span(p, today, past_bias)
    if p.part_of == "month" and p.part:
        return _month_span(p, today, today.year, today.month, past_bias)
    if year is not None or p.quarter is not None or p.quarter_rel is not None or p.part_of:
        return _year_span(p, year if year is not None else today.year, today)
    return None


def clock_hour(clock: Clock, pod: Pod | None, dated: bool) -> int:
    """24-hour value of a clock time, using am/pm, the part of day, or business hours."""
    hour = clock.hour % 24
    if clock.meridiem == "pm" and hour < 12:
        return hour + 12
    if clock.meridiem == "am" and hour == 12:
        return 0
    if clock.meridiem or not clock.ambiguous:
        return hour
    if pod is not None:
        if pod.pm and hour < 12 and (pod.start >= 12 or hour < 6):
            return hour + 12
        if hour == 12:  # 晚上12点 is midnight at the end of the day, 凌晨12点 its start
            return 24 if pod.start >= 18 else 0 if pod.end <= 6 else 12
        return hour
    # With a named day and no am/pm, a rep's "3点" is an afternoon appointment.
    return hour + 12 if dated and 1 <= hour <= 6 else hour


def roll_clock(clock: Clock, now: datetime) -> datetime:
    """Next occurrence of a bare clock time; a time earlier within this hour still counts."""
    hours = [clock_hour(clock, None, False)]
    if clock.ambiguous and clock.meridiem is None and hours[0] < 12:
        hours.append(hours[0] + 12)
    floor = now.replace(minute=0, second=0, microsecond=0)
    for day in (now.date(), now.date() + _days(1)):
        for hour in hours:
            at = at_time(day, hour, clock.minute, now, clock.second)
            if at >= floor:
                return at
    return at_time(now.date() + _days(1), hours[0], clock.minute, now)


def at_time(day: date, hour: int, minute: int, now: datetime, second: int = 0) -> datetime:
    extra = _days(1) if hour >= 24 else timedelta()
    return datetime.combine(day + extra, time(hour % 24, minute, second), tzinfo=now.tzinfo)


def in_zone(at: datetime, minutes_east: int, now: datetime) -> datetime:
    """Reinterpret a wall-clock time as being in an explicit zone (8am PST), seen from now."""
    zone = timezone(timedelta(minutes=minutes_east))
    return at.replace(tzinfo=zone).astimezone(now.tzinfo)
