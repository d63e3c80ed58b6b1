"""/visit: one message understood, a confirmation card, saved only on confirm."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from store.models import Activity, Customer, Deal, DealStageHistory, Reminder
from tests.world import NOW, Chat, World, join_all


async def _counts(world: World) -> tuple[int, int]:
    async with world.uows() as uow:
        activities = await uow.session.scalar(select(func.count(Activity.id)))
        reminders = await uow.session.scalar(select(func.count(Reminder.id)))
    return int(activities or 0), int(reminders or 0)


async def test_log_visit_in_one_message(people: dict[str, Chat], world: World) -> None:
    rep = people["rep_a"]
    await rep.say("/newcustomer 张三 13900000031 华为技术有限公司")
    await rep.say("/newcustomer 张伟 13900000032 腾讯科技")
    card = await rep.say("/visit 今天拜访华为张总，谈了报价，下周三回访")
    assert "请确认" in card and "张三" in card and "华为" in card
    assert "周三" in card and "方案报价" in card
    assert rep.last[0].choices[0].payload == "vi:ok"  # the confirming choice comes first
    assert await _counts(world) == (0, 0)
    saved = await rep.say("1")
    assert "已记录拜访" in saved and "回访提醒" in saved
    async with world.uows() as uow:
        activity = (await uow.session.scalars(select(Activity))).one()
        reminder = (await uow.session.scalars(select(Reminder))).one()
        customer = (
            await uow.session.scalars(select(Customer).where(Customer.name == "张三"))
        ).one()
        deal = (await uow.session.scalars(select(Deal))).one()
    assert activity.summary == "今天拜访华为张总，谈了报价，下周三回访"
    assert activity.kind == "visit" and activity.customer_id == customer.id
    assert reminder.due_at > NOW and reminder.due_at.astimezone(NOW.tzinfo).weekday() == 2
    assert customer.last_contact_at is not None
    assert deal.stage == "proposal" and deal.customer_id == customer.id
    profile = await rep.say("查客户 张三")
    assert "谈了报价" in profile and "方案报价" in profile and "最近联系：今天" in profile


async def test_edit_fields_before_saving(people: dict[str, Chat], world: World) -> None:
    rep = people["rep_a"]
    await rep.say("/newcustomer 李雷 13900000033 白驼山庄")
    await rep.converse(
        [
            ("拜访 昨天下午和李雷开会，聊了需求", "请确认"),
            ("改类型", "哪种活动"),
            ("电话", "电话"),
            ("改回访", "回访"),
            ("去年三月", "已经过去了"),
            ("后天上午10点", "请确认"),
            ("保存", "已记录电话"),
        ]
    )
    async with world.uows() as uow:
        activity = (await uow.session.scalars(select(Activity))).one()
        reminder = (await uow.session.scalars(select(Reminder))).one()
    assert activity.kind == "call"
    local_due = reminder.due_at.astimezone(NOW.tzinfo)
    assert (local_due.day, local_due.hour) == (25, 10)


async def test_guided_visit_and_cancel(people: dict[str, Chat], world: World) -> None:
    rep = people["rep_a"]
    await rep.say("/newcustomer 韩梅梅 13900000034 新东方")
    await rep.converse(
        [
            ("/visit", "哪个客户"),
            ("韩梅梅", "说说情况"),
            ("送了样品，客户很满意", "请确认"),
            ("取消", "没有保存"),
        ]
    )
    assert await _counts(world) == (0, 0)
    await rep.converse([("/visit", "哪个客户"), ("xyzzy", "没找到"), ("/cancel", "已取消")])
    assert await _counts(world) == (0, 0)


async def test_visit_bad_input(people: dict[str, Chat], world: World) -> None:
    rep = people["rep_a"]
    await rep.say("/newcustomer 周八 13900000035 小米")
    assert "没找到" in await rep.say("/visit 今天拜访了完全不存在的公司刘总")
    assert "请确认" in await rep.say("/visit 拜访周八")
    await rep.say("改时间")
    assert "还没到" in await rep.say("明天下午3点")
    assert "已经过去了" in await rep.say("/visit 拜访周八，去年三月回访")
    assert "太长" in await rep.say("/visit " + "周八" * 2600)
    assert "已经结束" in await rep.say(payload="vi:ok")
    assert await _counts(world) == (0, 0)


async def test_visit_in_english_with_deal_amount(world: World) -> None:
    rep = (await join_all(world, lang="en"))["rep_a"]
    await rep.say("/newcustomer Li Wei 13900000036 Acme Corp")
    card = await rep.say("/visit met Acme's Li today, sent the quote for $5k, follow up Friday")
    assert "Please confirm" in card and "Li Wei" in card and "Fri" in card
    saved = await rep.say("1")
    assert "Logged visit" in saved and "Follow-up reminder" in saved
    async with world.uows() as uow:
        deal = (await uow.session.scalars(select(Deal))).one()
        history = (await uow.session.scalars(select(DealStageHistory))).all()
    assert deal.stage == "proposal" and str(deal.amount) in ("5000", "5000.00")
    assert deal.currency == "USD" and len(history) == 1


async def test_restart_continues_a_half_filled_form(people: dict[str, Chat], world: World) -> None:
    """The form lives in the database: a new router (a restarted process) picks it up."""
    from handlers.chat.app import build_router
    from handlers.chat.context import ChatConfig

    rep = people["rep_a"]
    await rep.say("/newcustomer 孙九 13900000037 华润")
    assert "请确认" in await rep.say("/visit 拜访孙九，谈了合同")
    world.router = build_router(world.uows, world.clock, ChatConfig())
    assert "已记录" in await rep.say("1")
    assert await _counts(world) == (1, 0)


async def test_location_without_words_starts_or_joins_a_visit(
    people: dict[str, Chat], world: World
) -> None:
    from handlers.messages import Attachment

    rep = people["rep_a"]
    here = (Attachment("location", "31.2304,121.4737"),)
    await rep.say("/newcustomer 钱多多 13900000038 陆家嘴银行")
    assert "哪个客户" in await rep.say(attachments=here)
    assert "说说情况" in await rep.say("钱多多")
    card = await rep.say("聊了理财方案")
    assert "已附位置" in card
    photo = (Attachment("photo", "tg-file-id-1"),)
    assert "已附照片" in await rep.say(attachments=photo)  # on the confirmation card
    await rep.say("1")
    async with world.uows() as uow:
        activity = (await uow.session.scalars(select(Activity))).one()
    assert (activity.location, activity.photo) == ("31.2304,121.4737", "tg-file-id-1")


async def test_writing_again_unblocks(people: dict[str, Chat], world: World) -> None:
    from datetime import UTC, datetime

    from store.models import Identity

    async with world.uows() as uow:
        await uow.outbox.mark_blocked("console", "rep_a", datetime(2026, 1, 1, tzinfo=UTC))
        await uow.commit()
    await people["rep_a"].say("/today")
    async with world.uows() as uow:
        identity = (
            await uow.session.scalars(select(Identity).where(Identity.external_id == "rep_a"))
        ).one()
    assert identity.blocked_at is None


async def test_later_visits_move_or_reprice_the_one_open_deal_and_else_leave_it(
    people: dict[str, Chat], world: World
) -> None:
    rep = people["rep_a"]
    await rep.say("/newcustomer 吴十 13900000039 格力电器")
    steps = {
        "/visit 拜访吴十，谈了报价": "💼 新商机「格力电器」：方案报价",
        "/visit 拜访吴十，又谈了报价": "",  # the stage it is at: nothing to say or change
        "/visit 拜访吴十，签了合同，金额8万元": "💼 商机「格力电器」→ 客户承诺",
    }
    for visit, deal_line in steps.items():
        assert "请确认" in await rep.say(visit)
        saved = await rep.say("1")
        assert "已记录拜访" in saved and deal_line in saved
        assert ("💼" in saved) == bool(deal_line), saved
    assert "金额" in saved
    async with world.uows() as uow:
        deal = (await uow.session.scalars(select(Deal))).one()
        history = (await uow.session.scalars(select(DealStageHistory))).all()
    assert deal.stage == "commit" and str(deal.amount) in ("80000", "80000.00")
    assert [h.to_stage for h in history] == ["proposal", "commit"]
    async with world.uows() as uow:  # a second open deal: the visit cannot tell which one
        uow.session.add(
            Deal(
                org_id=deal.org_id, customer_id=deal.customer_id, owner_id=deal.owner_id,
                title="另一单", currency="CNY", stage="needs",
                stage_changed_at=NOW, created_at=NOW,
            )
        )  # fmt: skip
        await uow.commit()
    await rep.say("/visit 拜访吴十，谈了报价")
    assert "多个进行中的商机" in await rep.say("1")
    async with world.uows() as uow:
        stages = sorted((await uow.session.scalars(select(Deal.stage))).all())
    assert stages == ["commit", "needs"]


async def test_today_without_a_time_is_when_the_rep_wrote(
    people: dict[str, Chat], world: World
) -> None:
    """A visit "今天…" written at 15:30 happened today, by 15:30: not at a made-up 09:00, which
    would sort it before the morning's calls. A time written is kept as written."""
    rep = people["rep_a"]
    await rep.say("/newcustomer 张三 13900000031 华为技术有限公司")
    world.clock.at = NOW.replace(hour=15, minute=30)
    said = ("今天拜访华为张总，谈了报价", "今天上午10点给张三打了电话", "昨天见了张三")
    for text in (f"/visit {s}" for s in said):
        await rep.say(text)
        await rep.say("1")
    async with world.uows() as uow:
        rows = (await uow.session.scalars(select(Activity).order_by(Activity.id))).all()
    local = [a.happened_at.astimezone(NOW.tzinfo) for a in rows]
    assert local[0] == world.clock.at
    assert (local[1].hour, local[1].minute) == (10, 0)
    assert local[2].date() == (NOW - timedelta(days=1)).date()


async def test_a_deal_without_an_amount_reads_cleanly(
    people: dict[str, Chat], world: World
) -> None:
    rep = people["rep_a"]
    await rep.say("/newcustomer 张三 13900000031 华为技术有限公司")
    card = await rep.say("/visit 昨天给张三打了电话，他说预算批了，准备签合同")
    assert "\n商机：客户承诺\n" in card, card
    saved = await rep.say("1")
    assert saved.splitlines()[-1].endswith("：客户承诺") or "：客户承诺\n" in saved, saved
