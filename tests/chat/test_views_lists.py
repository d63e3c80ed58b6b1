"""/reminders, /today's pages, /agenda and /receivables (#22), on both backends."""

from __future__ import annotations

from datetime import timedelta

from lunardate import LunarDate
from sqlalchemy import select

from store.models import AuditLog, Reminder
from tests.chat.views_data import add_customers, add_deal, add_instalment, add_reminder
from tests.world import NOW, Chat, World


async def _reminder(world: World, reminder_id: int) -> Reminder:
    async with world.uows() as uow:
        row = await uow.session.get(Reminder, reminder_id)
        assert row is not None
        return row


async def test_reminders_list_pages_edits_and_cancels(
    people: dict[str, Chat], world: World
) -> None:
    rep = people["rep_a"]
    ids = [
        await add_reminder(world, "rep_a", NOW + timedelta(days=n, hours=1), f"事项{n:02d}")
        for n in range(10)
    ]
    await add_reminder(world, "rep_a", NOW + timedelta(days=20), "太远的事")
    await add_reminder(world, "rep_b", NOW + timedelta(days=1), "别人的事")
    first = await rep.say("/reminders")
    assert "事项00" in first and "事项07" in first and "事项08" not in first
    assert "太远的事" not in first and "别人的事" not in first
    assert "第 1–8 条" in first and "▶ 更多" in first
    second = await rep.say("更多")
    assert "事项08" in second and "事项09" in second and "事项07" not in second
    cancelled = await rep.say(payload=f"rl:x:{ids[3]}")
    assert "已取消提醒" in cancelled and "事项03" in cancelled
    assert (await _reminder(world, ids[3])).status == "cancelled"
    assert "事项03" not in await rep.say("/reminders")
    assert "已经处理过" in await rep.say(payload=f"rl:x:{ids[3]}")
    assert "提醒已恢复" in await rep.say(payload=f"rl:u:{ids[3]}")
    assert (await _reminder(world, ids[3])).status == "pending"
    listing = await rep.say("/reminders")
    assert "1. ✏️ 改时间：事项00" in listing and "2. ✖️ 取消：事项00" in listing
    assert "什么时候" in await rep.say("1")  # Edit time: /remind's reschedule
    assert "改到" in await rep.say("下周一下午2点")
    moved = await _reminder(world, ids[0])
    assert moved.due_at.astimezone(NOW.tzinfo).strftime("%m-%d %H") == "11-30 14"
    async with world.uows() as uow:
        actions = [
            a.action
            for a in (await uow.session.scalars(select(AuditLog).order_by(AuditLog.id))).all()
            if a.entity == "reminder" and a.entity_id in (ids[0], ids[3])
        ]
    assert actions[-3:] == ["reminder.cancelled", "reminder.pending", "reminder.pending"]


async def test_reminders_list_refuses_others_and_garbage(
    people: dict[str, Chat], world: World
) -> None:
    theirs = await add_reminder(world, "rep_b", NOW + timedelta(days=1), "别人的事")
    rep = people["rep_a"]
    assert "这个提醒不存在" in await rep.say(payload=f"rl:x:{theirs}")
    assert "这个提醒不存在" in await people["boss_east"].say(payload=f"rl:x:{theirs}")
    for forged in ("rl:x:abc", "rl:x:", "rl:zz:1", "rl:p:-1", "rl:x:99999999999999999999"):
        reply = await rep.say(payload=forged)
        assert "失效" in reply or "不存在" in reply, forged
    assert (await _reminder(world, theirs)).status == "pending"
    assert "接下来 14 天没有提醒" in await rep.say("提醒列表")


async def test_today_pages_instead_of_stopping(people: dict[str, Chat], world: World) -> None:
    rep = people["rep_a"]
    for n in range(11):
        await add_reminder(world, "rep_a", NOW + timedelta(minutes=10 * (n + 1)), f"今天{n:02d}")
    first = await rep.say("/today")
    assert "（11 条）" in first and "今天07" in first and "今天08" not in first
    assert "还有 3 条待办" in first and "▶ 更多" in first
    rest = await rep.say("更多")
    assert "今天08" in rest and "今天10" in rest and "今天00" not in rest


async def test_agenda_week(people: dict[str, Chat], world: World) -> None:
    rep = people["rep_a"]
    today = NOW.date()
    in4 = today + timedelta(days=4)
    moon = LunarDate.from_solar_date(in4.year, in4.month, in4.day)
    solar = (today + timedelta(days=2)).replace(year=1980)
    lunar = solar.replace(month=moon.month, day=moon.day)
    far = (today + timedelta(days=12)).replace(year=1980)
    await add_customers(world, "rep_a", ["阳历寿星"], birthday=solar)
    await add_customers(world, "rep_a", ["农历寿星"], birthday=lunar, birthday_lunar=True)
    [payer] = await add_customers(world, "rep_a", ["远期寿星"], birthday=far)
    await add_reminder(world, "rep_a", NOW + timedelta(days=1), "交周报")
    await add_reminder(world, "rep_a", NOW + timedelta(days=3), "回访华为", kind="follow_up")
    await add_reminder(world, "rep_a", NOW + timedelta(days=9), "下下周的事")
    await add_reminder(world, "rep_a", NOW - timedelta(days=1), "逾期的事")
    deal = await add_deal(world, "rep_a", payer, "80000")
    await add_instalment(world, "rep_a", deal, today + timedelta(days=5), "30000")
    await add_instalment(world, "rep_a", deal, today + timedelta(days=20), "50000")
    agenda = await rep.say("/agenda")
    assert "⏰ 10:00 交周报" in agenda and "🤝 10:00 回访华为" in agenda
    assert "🎂 阳历寿星 生日" in agenda and "🎂 农历寿星 生日（农历）" in agenda
    assert "💰 远期寿星「项目远期寿星」应收 ¥30,000" in agenda and "¥50,000" not in agenda
    assert "下下周" not in agenda and "远期寿星 生日" not in agenda
    assert "另有 1 条逾期提醒" in agenda
    days = [line for line in agenda.splitlines() if line.startswith("【")]
    assert days == sorted(days) and len(days) == 5
    assert agenda.index("阳历寿星") > agenda.index("交周报")  # day by day
    assert "远期寿星" not in await people["rep_b"].say("/agenda")


async def test_agenda_in_english(people_en: dict[str, Chat], world: World) -> None:
    await add_reminder(world, "rep_a", NOW + timedelta(days=1), "weekly report")
    agenda = await people_en["rep_a"].say("/agenda")
    assert "Your next 7 days" in agenda and "[Tue 24 Nov]" in agenda
    assert "⏰ 10:00 weekly report" in agenda
    assert "Nothing in the next 7 days" in await people_en["rep_b"].say("/agenda")


async def test_receivables_per_currency_and_scope(people: dict[str, Chat], world: World) -> None:
    today = NOW.date()
    a, b = await add_customers(world, "rep_a", ["欠款甲", "欠款乙"])
    [west] = await add_customers(world, "rep_w", ["西区欠款"])
    yuan = await add_deal(world, "rep_a", a, "100000")
    dollars = await add_deal(world, "rep_a", b, "9000", "USD")
    await add_instalment(world, "rep_a", yuan, today - timedelta(days=5), "40000", paid="10000")
    await add_instalment(world, "rep_a", yuan, today + timedelta(days=10), "60000")
    await add_instalment(world, "rep_a", dollars, today - timedelta(days=2), "3000")
    await add_instalment(world, "rep_a", dollars, today + timedelta(days=60), "6000")
    west_deal = await add_deal(world, "rep_w", west, "5000")
    await add_instalment(world, "rep_w", west_deal, today, "5000")
    mine = await people["rep_a"].say("/receivables")
    assert "已逾期：¥30,000 + $3,000（2 期）" in mine
    assert "30 天内到期：¥60,000（1 期）" in mine
    assert "逾期 5 天" in mine and "未收 ¥30,000（共 ¥40,000，已收 ¥10,000）" in mine
    assert "$6,000" not in mine and "西区欠款" not in mine
    assert "没有逾期" in await people["rep_b"].say("/receivables")
    team = await people["boss_east"].say("应收")
    assert "欠款甲" in team and "西区欠款" not in team
    everyone = await people["admin"].say("/receivables")
    assert "欠款甲" in everyone and "西区欠款" in everyone
    plan = await people["rep_a"].say("应收款 欠款甲")
    assert "应收 ¥100,000，已收 ¥10,000，未收 ¥90,000" in plan
    assert "⚠️" in plan and "（逾期 5 天）" in plan and "合计未收：¥90,000" in plan
    profile = await people["rep_a"].say("/customer 欠款甲")
    assert "💴 未收 ¥90,000，其中逾期 ¥30,000" in profile
    assert "没有找到" in await people["rep_b"].say("应收款 欠款甲")
    assert "失效" in await people["rep_b"].say(payload=f"rcv:d:{yuan.id}")
    assert "不存在" in await people["boss_west"].say(payload=f"rcv:c:{a.id}")


async def test_receivables_in_english(people_en: dict[str, Chat], world: World) -> None:
    [a] = await add_customers(world, "rep_a", ["Acme"])
    deal = await add_deal(world, "rep_a", a, "5000", "USD")
    await add_instalment(world, "rep_a", deal, NOW.date() - timedelta(days=3), "5000")
    text = await people_en["rep_a"].say("/receivables")
    assert "Overdue: $5,000 (1)" in text and "3 days overdue" in text and "$5,000 owed" in text
