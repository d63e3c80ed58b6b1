"""Time expressions reps write that the Duckling split lacks: lunar festivals, shifted dates,
Cantonese and Traditional forms, full-width digits, "the day after" chains."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from lunardate import LunarDate

from handlers.nlu.when import find_past_whens, find_whens, parse_when

CST = timezone(timedelta(hours=8))
NOW = datetime(2026, 12, 6, 12, 40, tzinfo=CST)  # a Sunday lunchtime


def _at(text: str, now: datetime = NOW) -> str:
    found = parse_when(text, now)
    assert found is not None, text
    return found.start.strftime("%Y-%m-%d %H:%M")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("中秋回访王总", "2027-09-15 09:00"),
        ("重阳节拜访", "2027-10-08 09:00"),
        ("端午節", "2027-06-09 09:00"),
        ("元宵节那天", "2027-02-20 09:00"),
        ("除夕", "2027-02-05 09:00"),
        ("mid-autumn festival", "2027-09-15 09:00"),
        ("dragon boat festival", "2027-06-09 09:00"),
    ],
)
def test_lunar_festivals_come_from_the_lunar_calendar(text: str, expected: str) -> None:
    assert _at(text) == expected


@pytest.mark.parametrize("year", [2031, 2040, 2061, 2098])
def test_lunar_festivals_work_for_any_year(year: int) -> None:
    start = datetime(year, 1, 1, 9, tzinfo=CST)
    for word, (month, day) in (("中秋节", (8, 15)), ("春节", (1, 1)), ("端午", (5, 5))):
        want = LunarDate(year, month, day).to_solar_date()
        assert _at(word, start) == f"{want.isoformat()} 09:00"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("春节前一周", "2027-01-30 09:00"),
        ("端午节前两天", "2027-06-07 09:00"),
        ("圣诞节后三天", "2026-12-28 09:00"),
        ("the day before Christmas", "2026-12-24 09:00"),
        ("two days after Christmas", "2026-12-27 09:00"),
        ("an hour before 3pm", "2026-12-06 14:00"),
        ("half an hour before 4:30pm", "2026-12-06 16:00"),
    ],
)
def test_an_offset_next_to_a_date_moves_that_date(text: str, expected: str) -> None:
    assert _at(text) == expected


def test_a_shift_without_a_date_is_not_a_time() -> None:
    assert find_whens("remind me an hour before the meeting", NOW) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("明早9点提醒我", "2026-12-07 09:00"),
        ("明晚七点", "2026-12-07 19:00"),
        ("今朝", "2026-12-06 09:00"),
        ("听朝十点", "2026-12-07 10:00"),
        ("琴日", "2026-12-05 09:00"),
        ("下禮拜一前", "2026-12-07 09:00"),
        ("這週五", "2026-12-11 09:00"),
        ("１２月３号下午两点半", "2027-12-03 14:30"),
        ("EOD tomorrow", "2026-12-07 18:00"),
        ("next tues", "2026-12-08 09:00"),
        ("9am", "2026-12-07 09:00"),
    ],
)
def test_rep_forms(text: str, expected: str) -> None:
    assert _at(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("下周二评审，评审完第二天再去", "2026-12-09"),
        ("the review is on Dec 15, see them the next day", "2026-12-16"),
    ],
)
def test_the_next_day_counts_from_the_time_before_it(text: str, expected: str) -> None:
    assert find_whens(text, NOW)[-1].start.date().isoformat() == expected


def test_the_next_day_alone_is_not_a_time() -> None:
    assert find_whens("第二天再说", NOW) == []


MON = datetime(2026, 11, 23, 10, 0, tzinfo=CST)


@pytest.mark.parametrize(("text", "expected"), [
    ("下周初", "2026-11-30"), ("月中", "2026-11-15"), ("couple days", "2026-11-25"),
    ("半个月后", "2026-12-08"), ("一个半月后", "2027-01-07"), ("三个月后", "2027-02-23"),
    ("over the weekend", "2026-11-28"), ("week after next", "2026-12-07"),
    ("yday", "2026-11-22"), ("tmrw", "2026-11-24"),
])
def test_ranges_and_slang(text: str, expected: str) -> None:
    assert _at(text, MON)[:10] == expected


def test_a_bare_weekend_reads_both_ways() -> None:
    assert _at("周末", MON)[:10] == "2026-11-28"
    found = find_past_whens("周末", MON)
    assert found[0].start.date().isoformat() == "2026-11-21"


def test_english_time_words_touching_chinese() -> None:
    assert _at("提醒我tomorrow下午2点", MON) == "2026-11-24 14:00"
