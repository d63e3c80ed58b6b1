"""End to end through POST /telegram/webhook with Bot API update JSON, in both languages."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from handlers.services import reminders as reminder_svc
from jobs.context import JobContext
from jobs.reminders import deliver_due_reminders
from store.models import Activity, Deal, Identity, Reminder
from tests.fakes.telegram_api import TgUser
from tests.telegram.harness import Harness, text_of

ZH = TgUser(7001, "小王", "zh-hans")
EN = TgUser(7002, "Bob", "en", last_name="Smith")


async def test_onboarding_with_invite_deep_link(tg_any: Harness) -> None:
    tg = tg_any
    [prompt] = await tg.say(ZH, "你好")
    assert "邀请码" in prompt.text  # strangers get nothing but the join prompt
    [welcome] = await tg.say(ZH, f"/start {tg.invites['rep_a']}")
    assert "欢迎加入" in welcome.text and welcome.chat_id == ZH.id
    [welcome] = await tg.say(EN, f"/start {tg.invites['rep_b']}")
    assert "Welcome aboard" in welcome.text
    async with tg.app.uows() as uow:
        identity = (
            await uow.session.scalars(select(Identity).where(Identity.external_id == "7002"))
        ).one()
    assert identity.channel == "telegram" and identity.chat_id == "7002"
    commands = tg.api.called("setMyCommands")
    assert {c.params.get("language_code") for c in commands} == {"zh", "en", None}
    zh_menu = next(c for c in commands if c.params.get("language_code") == "zh")
    assert {"command": "visit", "description": "记录拜访/电话/会议"} in zh_menu.params["commands"]


async def test_log_visit_confirmed_with_inline_button(tg_any: Harness) -> None:
    tg = tg_any
    await tg.join(ZH, "rep_a")
    await tg.say(ZH, "/newcustomer 张三 13900000031 华为技术有限公司")
    [card] = await tg.say(ZH, "/visit 今天拜访华为张总，谈了报价，下周三回访")
    assert "请确认" in card.text and card.buttons[0] == ("✅ 保存", "vi:ok")
    assert card.params["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "vi:ok"
    edited, saved = await tg.press(ZH, card, "vi:ok")
    assert (
        edited.method == "editMessageText"
        and edited.params["message_id"] == card.result["message_id"]
    )
    assert edited.params["text"].endswith("→ ✅ 保存") and "reply_markup" not in edited.params
    assert "已记录拜访" in saved.text and "回访提醒" in saved.text
    assert [c.params["callback_query_id"] for c in tg.api.called("answerCallbackQuery")]
    async with tg.app.uows() as uow:
        activity = (await uow.session.scalars(select(Activity))).one()
        assert (await uow.session.scalars(select(Reminder))).one().customer_id
    assert activity.summary == "今天拜访华为张总，谈了报价，下周三回访"


async def test_profile_and_deal_in_english(tg_any: Harness) -> None:
    tg = tg_any
    await tg.join(EN, "rep_b")
    await tg.say(EN, "/newcustomer Alice 13900000077 Acme")
    [profile] = await tg.say(EN, "/customer Alice")
    assert "Alice" in profile.text and "Acme" in profile.text
    labels = [label for label, _ in profile.buttons]
    assert labels == ["📝 Log visit", "💼 New deal", "📋 Activities", "✏️ Edit"]
    for text in ("/deal new Alice", "Servers", "$5k", "skip"):
        calls = await tg.say(EN, text)
    assert "Deal created" in text_of(calls)
    [listing] = await tg.say(EN, "/deal")
    opened = (await tg.press(EN, listing, listing.buttons[0][1]))[-1]
    move = next(data for label, data in opened.buttons if label.startswith("➡️"))
    edited, moved = await tg.press(EN, opened, move)
    assert "→ ➡️" in edited.params["text"] and "✅" in moved.text
    async with tg.app.uows() as uow:
        deal = (await uow.session.scalars(select(Deal))).one()
    assert deal.stage == move.rsplit(":", 1)[1]


async def test_reminder_snooze_button(tg_any: Harness) -> None:
    tg = tg_any
    await tg.join(ZH, "rep_a")
    [done] = await tg.say(ZH, "/remind 今天下午5点发报价")
    assert "提醒你" in done.text
    _header, item = await tg.say(ZH, "/today")
    assert "发报价" in item.text
    snooze = next(data for _, data in item.buttons if data.startswith("rm:snz:"))
    edited, moved = await tg.press(ZH, item, snooze)
    assert "→ ⏱ 1小时后" in edited.params["text"] and "改到" in moved.text
    async with tg.app.uows() as uow:
        reminder = await uow.session.get(Reminder, int(snooze.rsplit(":", 1)[1]))
    assert reminder is not None and reminder.status == "snoozed"


async def test_reminder_from_the_jobs_is_snoozed_by_button(tg_any: Harness) -> None:
    tg = tg_any
    await tg.join(EN, "rep_b")
    async with tg.app.uows() as uow:
        user = await uow.users.by_identity("telegram", str(EN.id))
        assert user is not None
        now = tg.app.clock.now()
        await reminder_svc.create(uow, user, now - timedelta(minutes=1), "call Alice", now)
        await uow.commit()
    assert await deliver_due_reminders(JobContext(tg.app.uows, tg.app.clock)) == 1
    tg.runtime.delivery.wake()
    await tg.api.wait_for(lambda: len(tg.api.sent(EN.id)) == 2)
    reminder = tg.api.sent(EN.id)[-1]
    assert "Reminder: call Alice" in reminder.text
    snooze = next(data for label, data in reminder.buttons if data.startswith("rm:snz:"))
    edited, moved = await tg.press(EN, reminder, snooze)
    assert edited.params["text"].endswith("→ ⏱ Snooze 1h") and "Moved to" in moved.text
    async with tg.app.uows() as uow:
        assert (await uow.session.scalars(select(Reminder))).one().status == "snoozed"
