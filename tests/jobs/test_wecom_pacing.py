"""WeCom drops app messages beyond 30 a minute and 1,000 an hour per member without an error:
delivery paces each member and folds a burst for one person into fewer messages."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.rate_limit import MemberLimits, MemberPacer, Rate
from bot.wechat.send import WeComSender
from store.models import OutboxEntry
from tests.wechat.harness import WeChat, running


class Ticks:
    """A monotonic clock the test moves."""

    def __init__(self) -> None:
        self.at = 1000.0

    def __call__(self) -> float:
        return self.at


def test_a_member_gets_30_a_minute_and_1000_an_hour() -> None:
    ticks = Ticks()
    pacer = MemberPacer(clock=ticks)
    for _ in range(30):
        assert pacer.delay("li") == 0
        pacer.record("li")
        ticks.at += 0.1
    assert 56 < pacer.delay("li") <= 60  # the 31st waits for the first to leave the minute
    assert pacer.delay("wang") == 0  # per member
    ticks.at += 60
    for _ in range(970):
        ticks.at += 2.1  # 29 a minute: within the minute's limit
        assert pacer.delay("li") == 0
        pacer.record("li")
    ticks.at += 2.1
    assert pacer.delay("li") > 60  # 1,000 in the last hour: the hour decides now


async def queue(wx: WeChat, to: str, texts: list[str], choices: bool = False) -> None:
    async with wx.app.uows() as uow:
        now = wx.clock.now()
        for i, text in enumerate(texts):
            body: dict[str, object] = {"text": text, "lang": "zh"}
            if choices:
                body["choices"] = [["✅ 完成", f"rm:done:{i}"]]
            await uow.outbox.enqueue("wecom", to, body, f"burst:{to}:{i}", now)
        await uow.commit()
    wx.runtime.wake()


async def test_a_morning_of_reminders_is_folded_into_few_messages(
    engine: AsyncEngine,
) -> None:
    async with running(engine) as wx:
        texts = [f"⏰ 提醒 {i}：回访客户 {i}" for i in range(40)]
        await queue(wx, "li", texts)
        await wx.settled()
        calls = wx.sent_to("li")
        assert 1 <= len(calls) <= 3  # 40 rows, at most three messages
        assert "\n\n".join(c.text for c in calls) == "\n\n".join(texts)  # all, in order
        assert {r.status for r in await wx.rows("burst:")} == {"sent"}


async def held_back(wx: WeChat, key: str, within: float = 10.0) -> OutboxEntry:
    """The row once it is back in the table (pending), polled until then."""
    async with asyncio.timeout(within):
        while True:
            async with wx.app.uows() as uow:
                row = await uow.outbox.by_key(key)
            if row is not None and row.status == "pending" and row.last_error:
                return row
            await asyncio.sleep(0.02)


async def test_beyond_the_member_limit_rows_wait_in_the_table(engine: AsyncEngine) -> None:
    async with running(engine) as wx:
        [wecom] = [s for s in wx.runtime.senders if isinstance(s, WeComSender)]
        wecom.pacer = MemberPacer(MemberLimits(per_minute=Rate(3, 60.0)))  # a tight test scale
        await queue(wx, "li", [f"报价 {i}" for i in range(5)], choices=True)  # not foldable
        fourth = await held_back(wx, "burst:li:3")
        assert fourth.next_attempt_at > wx.clock.now() + timedelta(seconds=50)
        assert "30 a minute" in (fourth.last_error or "")
        fifth = await held_back(wx, "burst:li:4")  # behind it, in order
        assert fifth.next_attempt_at == fourth.next_attempt_at
        assert [c.text.split("\n")[0] for c in wx.sent_to("li")] == ["报价 0", "报价 1", "报价 2"]
