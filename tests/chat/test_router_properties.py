"""Property: whatever a rep types or whatever button data arrives, the router answers in the
rep's language without a handler failure, and saves no date more than a year away that the
rep did not confirm.

Hypothesis drives short sessions of arbitrary text, numbers, command lines with dates and
amounts, presses of the buttons just shown, and forged button data.
"""

from __future__ import annotations

import logging
import re
from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from store.models import Activity, ConversationState, Deal, Instalment, Reminder
from tests.world import NOW, SHANGHAI, Chat, World, join_all

INTERNAL_ERROR = ("出了点问题", "something went wrong", "Traceback")
CJK = re.compile(r"[\u3400-\u9fff]")
YEAR = timedelta(days=366)
# One company per test, kept across its examples (keyed by an invite code: ids get reused),
# and the dates its rep confirmed.
SEEDED: dict[str, Chat] = {}
CONFIRMED: dict[str, set[date]] = {}
DEAL_STEPS = {"zh": ("项目", "5万", "跳过"), "en": ("Project", "$5k", "skip")}
TODAY_TASK = {"zh": "/remind 今天下午3点给张三打电话", "en": "/remind today 3pm call Amy"}
BOOK = {
    "zh": (("张三 13900000031 华为", "张三"), ("李四 13900000032 腾讯", "李四")),
    "en": (("David Lee 13900000033 Acme", "David Lee"), ("Amy Wong 13900000034 Globex", "Amy")),
}

_days = st.integers(1, 31).map(str)
_months = st.integers(1, 12).map(str)
_years = st.integers(1990, 2040).map(str)
_zh_date = st.builds(lambda y, m, d: f"{y}年{m}月{d}日", _years, _months, _days) | st.builds(
    lambda m, d: f"{m}月{d}日", _months, _days
)
_iso_date = st.builds(lambda y, m, d: f"{y}-{int(m):02d}-{int(d):02d}", _years, _months, _days)
_en_date = st.builds(
    lambda d, m, y: f"{d} {m} {y}", _days, st.sampled_from(["Jan", "Jun", "Dec", "Nov"]), _years
)
_when = _zh_date | _iso_date | _en_date | st.sampled_from(["明天", "昨天", "下周五", "tomorrow"])
_numbers = st.integers(-(10**30), 10**30).map(str) | st.integers(-3, 30).map(str)
_amount = _numbers.map(lambda n: f"{n}万") | st.sampled_from(["-5万", "$5k", "999999999999亿"])
_heads = st.sampled_from(
    [
        "/visit 拜访了华为张三 ", "/visit met David Lee ", "/payment 计划 张三 10万 ",
        "/payment plan David Lee $5000 ", "/payment 张三 ", "/remind ", "/deal ", "/deal new ",
        "/today", "/undomerge ", "/customer ", "华为那单赢了", "Acme deal was won", "腾讯那单丢了",
        "/cancel", "跳过", "skip",
    ]
)
_line = st.builds(lambda h, w, a: f"{h}{w} {a}".strip(), _heads, _when | st.just(""),
                  _amount | st.just(""))
_year_date = _zh_date.filter(lambda d: "年" in d) | _iso_date | _en_date
_dated = st.builds(
    lambda h, w: f"{h} {w}".strip(),
    st.sampled_from(
        ["/remind", "/visit 拜访了华为张三", "/visit met David Lee", "/payment 计划 张三 10万",
         "/payment plan David Lee $5000", "提醒我"]
    ),
    _year_date,
)
_prefixes = st.sampled_from(
    ["cu:show", "dl:open", "dl:won", "dl:lost", "dl:mv", "dl:new", "dl:cust", "rm:done",
     "rm:res", "vi:ok", "vi:cust", "vi:for", "vi:edit", "dq", "cv:back", "in:visit",
     "pool:claim", "ho:ok", "dup:merge", "nope"]
)
_forged = st.builds(lambda p, n: f"{p}:{n}", _prefixes, _numbers | st.text(max_size=12))
# A step: ("text", …), ("forward", …) a message forwarded by the rep, ("payload", …) or
# ("press", index into the buttons last shown).
_step = (
    st.tuples(st.just("text"), _dated | _line | st.text(max_size=40) | _numbers | _when)
    | st.tuples(st.just("forward"), _dated | st.text(max_size=40))
    | st.tuples(st.just("payload"), _forged)
    | st.tuples(st.just("press"), st.integers(0, 12).map(str))
)


async def _rep(world: World, lang: str) -> Chat:
    key = world.invites["rep_a"]
    if key not in SEEDED:
        rep = (await join_all(world, lang))["rep_a"]
        for line, name in BOOK[lang]:
            await rep.say(f"/newcustomer {line}")
            for step in (f"/deal new {name}", *DEAL_STEPS[lang]):
                await rep.say(step)
        await rep.say(TODAY_TASK[lang])
        SEEDED[key] = rep
    return SEEDED[key]


async def _dates(world: World) -> list[date]:
    """Every date a rep's action can have saved, as local days."""
    async with world.uows() as uow:
        found = [a.happened_at for a in await uow.session.scalars(select(Activity))]
        found += [r.due_at for r in await uow.session.scalars(select(Reminder))]
        days = [d.astimezone(SHANGHAI).date() for d in found]
        days += [d.expected_close for d in await uow.session.scalars(select(Deal))
                 if d.expected_close is not None]
        days += [i.due_date for i in await uow.session.scalars(select(Instalment))]
    return days


async def _asked_dates(world: World, rep: Chat) -> set[date]:
    """The readings of the date question on screen: what the next answer may confirm."""
    async with world.uows() as uow:
        row = await uow.session.scalar(
            select(ConversationState).where(ConversationState.user_key == rep.who)
        )
    asked: dict[str, Any] = (row.data if row else {}).get("_date_ask") or {}
    return {date.fromisoformat(r[:10]) for r in asked.get("readings", [])}


async def _say(rep: Chat, kind: str, value: str) -> tuple[str, str]:
    """Send one step; the reply and what the rep typed (for echoes in the reply)."""
    if kind == "press":
        shown = [c for r in rep.last for c in r.choices]
        if not shown:
            return await rep.say("/today"), "/today"
        return await rep.say(payload=shown[int(value) % len(shown)].payload), ""
    if kind == "payload":
        return await rep.say(payload=value), ""
    if kind == "forward":
        return await rep.say(value, forwarded=True), value
    return await rep.say(value), value


def _check_reply(reply: str, lang: str, typed: str) -> None:
    assert reply.strip(), "no reply"
    assert not any(e in reply for e in INTERNAL_ERROR), reply
    if lang == "en":
        foreign = set(CJK.findall(reply)) - set(typed) - set("张三李四华为腾讯项目")
        assert not foreign, (typed, reply)
    else:
        assert CJK.search(reply), (typed, reply)


@pytest.mark.parametrize("lang", ["zh", "en"])
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(_step, min_size=1, max_size=5))
async def test_router_answers_anything_safely(
    world: World, lang: str, steps: list[tuple[str, str]], caplog: pytest.LogCaptureFixture
) -> None:
    rep = await _rep(world, lang)
    await rep.say("/cancel")
    allowed = CONFIRMED.setdefault(world.invites["rep_a"], set())
    today = NOW.date()
    typed_so_far = ""
    for kind, value in steps:
        allowed |= await _asked_dates(world, rep)
        with caplog.at_level(logging.ERROR, logger="handlers"):
            caplog.clear()
            reply, typed = await _say(rep, kind, value)
            failures = [r for r in caplog.records if r.levelno >= logging.ERROR]
        assert not failures, (kind, value, failures[0].getMessage())
        typed_so_far += typed
        _check_reply(reply, lang, typed_so_far)
        far = {d for d in await _dates(world) if abs(d - today) > YEAR}
        assert far <= allowed, (kind, value, far - allowed, reply)
