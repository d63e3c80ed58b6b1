"""Date/time grammar: composition, both languages, and numbers that must not become times."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from handlers.nlu.when import When, find_past_whens, find_whens, parse_when

CST = timezone(timedelta(hours=8))
NOW = datetime(2013, 2, 12, 4, 30, tzinfo=timezone(timedelta(hours=-2)))  # a Tuesday
DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"


def _at(text: str, now: datetime = NOW) -> str:
    found = parse_when(text, now)
    assert found is not None, text
    return found.start.strftime("%Y-%m-%d %H:%M")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("今天", "2013-02-12 09:00"),
        ("明天", "2013-02-13 09:00"),
        ("大后天", "2013-02-15 09:00"),
        ("前天", "2013-02-10 09:00"),
        ("下周三", "2013-02-20 09:00"),
        ("这周五", "2013-02-15 09:00"),
        ("本周五下午3点半", "2013-02-15 15:30"),
        ("上周一", "2013-02-04 09:00"),
        ("禮拜天", "2013-02-17 09:00"),
        ("三天后", "2013-02-15 04:30"),
        ("3天后", "2013-02-15 04:30"),
        ("半小时后", "2013-02-12 05:00"),
        ("一个月后", "2013-03-12 04:30"),
        ("两周后", "2013-02-26 04:30"),
        ("月底", "2013-02-28 09:00"),
        ("月初", "2013-02-01 09:00"),
        ("下个月5号", "2013-03-05 09:00"),
        ("3月15日", "2013-03-15 09:00"),
        ("2015年3月3号", "2015-03-03 09:00"),
        ("二零一五年三月三号", "2015-03-03 09:00"),
        ("十点半", "2013-02-12 10:30"),
        ("3点15分", "2013-02-12 15:15"),
        ("15:30", "2013-02-12 15:30"),
        ("下午三点", "2013-02-12 15:00"),
        ("３点", "2013-02-12 15:00"),
        ("明年", "2014-01-01 09:00"),
        ("下个月", "2013-03-01 09:00"),
        ("今晚8点", "2013-02-12 20:00"),
        ("明早", "2013-02-13 09:00"),
        ("国庆", "2013-10-01 09:00"),
        ("春节", "2014-01-31 09:00"),
        ("三天后下午3点", "2013-02-15 15:00"),
        ("today", "2013-02-12 09:00"),
        ("tomorrow 3pm", "2013-02-13 15:00"),
        ("tonight", "2013-02-12 19:00"),
        ("next Tuesday", "2013-02-19 09:00"),
        ("this friday", "2013-02-15 09:00"),
        ("Friday morning", "2013-02-15 09:00"),
        ("in 3 days", "2013-02-15 04:30"),
        ("3 days ago", "2013-02-09 04:30"),
        ("a week from now", "2013-02-19 04:30"),
        ("end of month", "2013-02-28 09:00"),
        ("end of the week", "2013-02-15 09:00"),
        ("March 15th", "2013-03-15 09:00"),
        ("15 March", "2013-03-15 09:00"),
        ("3/15", "2013-03-15 09:00"),
        ("2015-03-03", "2015-03-03 09:00"),
        ("at 3pm", "2013-02-12 15:00"),
        ("3:30 pm", "2013-02-12 15:30"),
        ("noon", "2013-02-12 12:00"),
        ("midnight", "2013-02-13 00:00"),
        ("next month", "2013-03-01 09:00"),
        ("last year", "2012-01-01 09:00"),
        ("the day after tomorrow", "2013-02-14 09:00"),
        ("yesterday evening", "2013-02-11 19:00"),
        ("Thu at 8 am PST", "2013-02-14 14:00"),
    ],
)
def test_parses(text: str, expected: str) -> None:
    assert _at(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "我的电话13912345678",
        "订单号 20240315",
        "报价50万",
        "¥30,000",
        "$5k deal",
        "型号X200-15",
        "便宜一点",
        "call 650-650-6500",
        "3点5万的单子",
        "增长三点五个百分点",
        "I sat with Li",
        "5号楼",
        "24/7 support",
        "一周三次",
        "SELECT * FROM users; DROP TABLE users;--",
        "😀😀😀",
        "",
    ],
)
def test_numbers_that_are_not_times(text: str) -> None:
    assert find_whens(text, NOW) == []


def test_when_fields_for_a_part_of_day() -> None:
    found = parse_when("明天下午", NOW)
    assert found == When(
        start=datetime(2013, 2, 13, 14, tzinfo=NOW.tzinfo), grain="hour",
        end=datetime(2013, 2, 13, 19, tzinfo=NOW.tzinfo), past=False, span=(0, 4),
        text="明天下午", has_time=True,
    )


@pytest.mark.parametrize(
    ("text", "past"),
    [("昨天", True), ("上周", True), ("3 days ago", True), ("上周一", True), ("明天", False),
     ("next week", False)],
)
def test_past_flag(text: str, past: bool) -> None:
    found = parse_when(text, NOW)
    assert found is not None
    assert found.past is past


def test_default_hour_and_timezone_follow_now() -> None:
    now = datetime(2024, 5, 6, 10, tzinfo=CST)
    found = parse_when("后天", now, default_hour=8)
    assert found is not None
    assert found.start == datetime(2024, 5, 8, 8, tzinfo=CST)
    assert not found.has_time


def test_find_whens_returns_all_in_order_with_original_spans() -> None:
    text = "今天拜访华为张总，谈了报价，下周三回访"
    found = find_whens(text, NOW)
    assert [w.text for w in found] == ["今天", "下周三"]
    assert all(text[w.span[0]:w.span[1]] == w.text for w in found)


def test_full_width_keeps_original_offsets() -> None:
    found = find_whens("约在　明天下午３点半", NOW)
    assert [w.text for w in found] == ["明天下午３点半"]
    assert found[0].start.hour == 15
    assert found[0].start.minute == 30


def test_past_bias_reads_bare_weekdays_backwards() -> None:
    assert find_whens("周五", NOW)[0].start.day == 15
    assert find_past_whens("周五", NOW)[0].start.day == 8


def test_naive_now_is_rejected() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        parse_when("明天", datetime(2024, 1, 1))


def test_long_input_is_fast_and_complete() -> None:
    text = ("今天拜访华为张总，谈了报价，下周三回访。" * 250)[:5000]
    found = find_whens(text, NOW)
    assert len(found) > 400


def _matches(got: datetime, case: dict[str, str]) -> bool:
    """Same rule as ../shared/tools/score_when.py, kept small."""
    ref = datetime.fromisoformat(case["reference"])
    got = got.astimezone(ref.tzinfo)
    grain = case["grain"]
    keys = {"year": "%Y", "quarter": "%Y", "month": "%Y-%m", "week": "%G-%V", "day": "%Y-%m-%d",
            "hour": "%Y-%m-%d %H"}
    fmt = keys.get(grain, "%Y-%m-%d %H:%M")
    expected = datetime.fromisoformat(case["expected"])
    if case.get("end") and expected <= got < datetime.fromisoformat(case["end"]):
        return True
    if grain == "quarter" and (got.year, (got.month - 1) // 3) == (
            expected.year, (expected.month - 1) // 3):
        return True
    if grain != "quarter" and got.strftime(fmt) == expected.strftime(fmt):
        return True
    alt = case.get("alt_expected")
    if not alt:
        return False
    alt_fmt = keys.get(case.get("alt_grain") or grain, "%Y-%m-%d %H:%M")
    return got.strftime(alt_fmt) == datetime.fromisoformat(alt).strftime(alt_fmt)


def test_dev_split_accuracy() -> None:
    files = sorted(DATA.glob("*_time_dev.jsonl"))
    if not files:
        pytest.skip(f"no dev data at {DATA} (CI checks out shared/ beside the repo)")
    cases = [json.loads(line) for f in files for line in f.read_text("utf-8").splitlines()
             if line.strip()]
    passed = 0
    for case in cases:
        found = parse_when(case["phrase"], datetime.fromisoformat(case["reference"]))
        passed += found is not None and _matches(found.start, case)
    assert passed / len(cases) >= 0.95
