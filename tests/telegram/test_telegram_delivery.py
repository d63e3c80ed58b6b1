"""Outbox delivery to the Bot API: 429s delay, 403s stop, errors retry, order holds."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from handlers.charts.draw import Chart, Panel, Row, render
from handlers.messages import Choice, Reply, reply_to_dict
from store.models import Activity, Customer, Identity
from tests.fakes.telegram_api import TgUser
from tests.telegram.harness import QUICK, Harness, running

REP = TgUser(6001, "小陈", "zh-hans")
OTHER = TgUser(6002, "小王", "zh-hans")
GROUP = -100_777


async def test_429_delays_the_message_and_loses_nothing(tg: Harness) -> None:
    await tg.join(REP, "rep_a")
    tg.api.flood_next = 1
    [helped] = await tg.say(REP, "/help")
    refused = tg.api.refused(429)
    assert len(refused) == 1 and "我可以帮你" in helped.text
    assert helped.at - refused[0].at >= tg.api.retry_after * 0.95  # waited as told
    [row] = await tg.rows(f"tg:{tg.updates.next_id}:")
    assert row.status == "sent" and row.attempts == 2


async def test_blocked_user_is_marked_and_not_retried(tg: Harness) -> None:
    await tg.join(REP, "rep_a")
    tg.api.blocked.add(REP.id)
    assert await tg.say(REP, "/help") == []
    blocked_update = tg.updates.next_id
    await tg.join(OTHER, "rep_b")  # later claims and sends go by, without the blocked row
    [row] = await tg.rows(f"tg:{blocked_update}:")
    assert row.status == "failed" and row.attempts == 1 and "blocked" in (row.last_error or "")
    assert len(tg.api.refused(403)) == 1
    async with tg.app.uows() as uow:
        identities = (await uow.session.scalars(select(Identity).order_by(Identity.id))).all()
    assert [i.blocked_at is not None for i in identities] == [True, False]


async def test_transient_errors_retry_with_backoff(tg: Harness) -> None:
    await tg.join(REP, "rep_a")
    tg.api.bad_gateway_next = 2
    [helped] = await tg.say(REP, "/help")
    assert "我可以帮你" in helped.text
    first, second = tg.api.refused(502)
    assert second.at - first.at >= QUICK.backoff_first  # waited, and then twice as long:
    assert helped.at - second.at >= 2 * QUICK.backoff_first  # (lower bounds: load can't break)
    [row] = await tg.rows(f"tg:{tg.updates.next_id}:")
    assert row.attempts == 3 and row.status == "sent"


@pytest.mark.slow
async def test_burst_of_200_in_one_chat_arrives_in_order(tg: Harness) -> None:
    await tg.join(REP, "rep_a")
    tg.api.flood_every = 50  # four 429s along the way
    updates = [tg.updates.message(REP, f"/newcustomer 客户{i:03d} 139{i:08d}") for i in range(200)]
    responses = await asyncio.gather(*(tg.post(u) for u in updates))
    assert {r.status_code for r in responses} == {200}
    await tg.api.wait_for(lambda: len(tg.api.sent(REP.id)) == 201, within=30)
    names = [call.text.split("👤 ")[1].split("\n")[0] for call in tg.api.sent(REP.id)[1:]]
    assert names == [f"客户{i:03d}" for i in range(200)]
    assert len(tg.api.refused(429)) >= 4
    async with tg.app.uows() as uow:
        stored = (await uow.session.scalars(select(Customer).order_by(Customer.id))).all()
    assert [c.name for c in stored] == names  # handled in the order they arrived


async def test_rows_queued_by_jobs_are_split_and_keep_their_keyboard(tg: Harness) -> None:
    lines = [f"第 {i} 行：" + "很长的内容" * 30 for i in range(60)]  # ≈ 9,600 characters
    reply = Reply(
        "\n".join(lines), (Choice("✅ 完成", "rm:done:1"), Choice("⏱ 1小时后", "rm:snz:1"))
    )
    async with tg.app.uows() as uow:
        now = tg.app.clock.now()
        await uow.outbox.enqueue("telegram", str(REP.id), reply_to_dict(reply), "job:1", now)
        await uow.commit()
    await tg.api.wait_for(lambda: len(tg.api.sent(REP.id)) == 3)  # found by the poll
    parts = tg.api.sent(REP.id)
    assert all(len(p.text) <= 4096 for p in parts)
    assert "\n".join(p.text for p in parts) == "\n".join(lines)  # cut between lines only
    assert [p.buttons for p in parts] == [
        [],
        [],
        [("✅ 完成", "rm:done:1"), ("⏱ 1小时后", "rm:snz:1")],
    ]


async def test_group_and_chat_limits_are_kept(tg: Harness) -> None:
    async with tg.app.uows() as uow:
        now = tg.app.clock.now()
        for i in range(26):
            body = reply_to_dict(Reply(f"通知 {i}"))
            await uow.outbox.enqueue("telegram", str(GROUP), body, f"g:{i}", now)
        await uow.commit()
    tg.runtime.delivery.wake()
    await tg.api.wait_for(lambda: len(tg.api.sent(GROUP)) == 26)
    times = [c.at for c in tg.api.sent(GROUP)]
    assert [c.text for c in tg.api.sent(GROUP)] == [f"通知 {i}" for i in range(26)]
    assert times[20] - times[0] >= 0.3 * 0.95  # at most 20 per window (test scale of 20/min)


async def test_buttons_still_work_after_a_restart(sqlite_engine: AsyncEngine) -> None:
    async with running(sqlite_engine) as before:
        await before.join(REP, "rep_a")
        await before.say(REP, "/newcustomer 周九 13900000099")
        [card] = await before.say(REP, "/visit 今天拜访周九，签了意向书")
    async with running(sqlite_engine) as after:  # a new process: nothing kept in memory
        after.updates.next_id = before.updates.next_id
        _edit, saved = await after.press(REP, card, "vi:ok")
    assert "已记录拜访" in saved.text
    async with after.app.uows() as uow:
        assert (await uow.session.scalars(select(Activity))).one().summary.endswith("意向书")


async def test_image_replies_are_sent_as_photos_with_caption(tg: Harness) -> None:
    png = render(Chart("漏斗", [Panel("各阶段商机数", [Row("方案报价", 2, "2 个")])]))  # real
    assert len(png) < 10 * 1024 * 1024  # sendPhoto's limit
    reply = Reply("📊 漏斗 <本月>", (Choice("详情", "dl:list"),), image_png=png)
    async with tg.app.uows() as uow:
        body = reply_to_dict(reply)
        await uow.outbox.enqueue("telegram", str(REP.id), body, "chart:1", tg.app.clock.now())
        await uow.commit()
    tg.runtime.delivery.wake()
    await tg.api.wait_for(lambda: tg.api.sent(REP.id))
    [photo] = tg.api.sent(REP.id)
    assert photo.method == "sendPhoto" and photo.params["photo"] == png
    assert photo.params["caption"] == "📊 漏斗 &lt;本月&gt;"
    assert photo.buttons == [("详情", "dl:list")]


async def test_a_long_reply_interrupted_by_429_resumes_without_repeating(tg: Harness) -> None:
    lines = [f"{i:02d} " + "内容" * 1000 for i in range(6)]  # three messages of two lines
    async with tg.app.uows() as uow:
        body = reply_to_dict(Reply("\n".join(lines)))
        await uow.outbox.enqueue("telegram", str(REP.id), body, "long:1", tg.app.clock.now())
        await uow.commit()
    tg.api.flood_every = 2  # the second and fourth calls are refused
    tg.runtime.delivery.wake()
    await tg.api.wait_for(lambda: len(tg.api.sent(REP.id)) == 3)
    assert [p.text[:2] for p in tg.api.sent(REP.id)] == ["00", "02", "04"]
    assert len(tg.api.refused(429)) == 2
