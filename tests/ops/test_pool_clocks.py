"""公海 clocks start when the current owner got the customer; warnings name the rule that will
fire and offer what keeps the customer; a release tells the rep what went and why."""

from __future__ import annotations

from datetime import timedelta

from handlers.services.ops.notify import MAX_TEXT
from handlers.services.ops.pool import sweep_pool
from handlers.services.ops.pool_notices import Clock, Released, released
from store.models import Customer, OutboxEntry, OwnerChange, Reminder, User
from tests.ops.helpers import add_customer, add_reminder, log_visit, rows, user_id
from tests.world import NOW, Chat, World

# Defaults: back after 30 days without a visit or 90 without a deal move, warned 3 days before.


async def _sweep(world: World) -> tuple[int, int]:
    async with world.uows() as uow:
        result = await sweep_pool(uow, world.org_id, world.clock.now())
        await uow.commit()
    return result.released, result.warned


async def _outbox(world: World, to: str) -> list[str]:
    return [str(r.body["text"]) for r in await rows(world, OutboxEntry) if r.recipient == to]


async def _choices(world: World, to: str) -> list[str]:
    found = [r for r in await rows(world, OutboxEntry) if r.recipient == to]
    return [p for _, p in found[-1].body["choices"]]


async def _owner(world: World, customer_id: int) -> int | None:
    return (await rows(world, Customer, id=customer_id))[0].owner_id


async def test_a_claimed_customer_is_not_released_the_next_night(
    people: dict[str, Chat], world: World
) -> None:
    world.clock.at = NOW - timedelta(days=400)
    old = await add_customer(world, "rep_a", "老客户")
    world.clock.at = NOW.replace(hour=2)
    assert await _sweep(world) == (1, 0)  # a year untouched: back to the pool
    world.clock.at = NOW.replace(hour=11)
    assert "现在由你负责" in await people["rep_b"].say(payload=f"pool:claim:{old}")
    world.clock.at = NOW.replace(hour=2) + timedelta(days=1)
    assert await _sweep(world) == (0, 0)  # was (1, 0): both clocks counted from creation
    assert await _owner(world, old) == await user_id(world, "rep_b")
    world.clock.at = NOW.replace(hour=11) + timedelta(days=1)
    assert "公海里现在没有客户" in await people["rep_b"].say("/pool")  # not handed back


async def test_claimed_and_contacted_customer_stays(people: dict[str, Chat], world: World) -> None:
    world.clock.at = NOW - timedelta(days=200)
    old = await add_customer(world, "rep_a", "刘洋")
    world.clock.at = NOW - timedelta(days=20)
    assert await _sweep(world) == (1, 0)
    assert "现在由你负责" in await people["rep_b"].say(payload=f"pool:claim:{old}")
    await log_visit(world, "rep_b", old, NOW - timedelta(days=2))
    world.clock.at = NOW
    assert await _sweep(world) == (0, 0)  # no deal for 200 days, but rep_b has had it for 20
    assert await _owner(world, old) == await user_id(world, "rep_b")


async def test_warning_names_the_no_deal_rule_and_offers_a_deal(
    people: dict[str, Chat], world: World
) -> None:
    world.clock.at = NOW - timedelta(days=88)
    quiet = await add_customer(world, "rep_a", "孙丽")
    await log_visit(world, "rep_a", quiet, NOW - timedelta(days=2))
    world.clock.at = NOW
    assert await _sweep(world) == (0, 1)
    [warning] = await _outbox(world, "rep_a")
    assert "90 天无商机进展" in warning and "新建或推进一个商机" in warning
    assert "未跟进" not in warning and "记一次拜访" not in warning and "请经理延期" in warning
    assert await _choices(world, "rep_a") == [
        f"dl:new:{quiet}", f"pool:ask:{quiet}", f"pool:rel:{quiet}"
    ]
    rep = people["rep_a"]
    await rep.say(payload=f"dl:new:{quiet}")
    await rep.converse([("年度采购", "金额"), ("10万", "成交"), ("跳过", "新建商机")])
    world.clock.at = NOW + timedelta(days=3)
    assert await _sweep(world) == (0, 0)  # the deal, not a visit, kept them
    assert await _owner(world, quiet) == await user_id(world, "rep_a")


async def test_both_rules_due_needs_both_fixes_in_english(
    people_en: dict[str, Chat], world: World
) -> None:
    world.clock.at = NOW - timedelta(days=88)
    both = await add_customer(world, "rep_a", "Kevin Liu")
    world.clock.at = NOW - timedelta(days=88) + timedelta(days=61)
    await log_visit(world, "rep_a", both, world.clock.now())
    world.clock.at = NOW
    assert await _sweep(world) == (0, 1)
    [warning] = await _outbox(world, "rep_a")
    assert "no deal created or moved for 90 days, and no follow-up for 30 days" in warning
    assert "To keep them: open or move a deal and log a visit" in warning
    assert "ask your manager for an extension" in warning
    assert await _choices(world, "rep_a") == [
        f"dl:new:{both}", f"vi:for:{both}", f"pool:ask:{both}", f"pool:rel:{both}"
    ]


async def test_manager_extension_keeps_the_customer(
    people: dict[str, Chat], world: World
) -> None:
    world.clock.at = NOW - timedelta(days=28)
    quiet = await add_customer(world, "rep_a", "周七")
    world.clock.at = NOW
    assert await _sweep(world) == (0, 1)
    rep, boss = people["rep_a"], people["boss_east"]
    assert "已请 boss_east 为「周七」延期" in await rep.say(payload=f"pool:ask:{quiet}")
    [ask] = await _outbox(world, "boss_east")
    assert "rep_a 请求延期保留客户「周七」" in ask
    assert await _choices(world, "boss_east") == [f"pool:ext:{quiet}"]
    assert "只有经理" in await rep.say(payload=f"pool:ext:{quiet}")
    assert "不存在" in await people["boss_west"].say(payload=f"pool:ext:{quiet}")
    assert "不存在" in await people["rep_b"].say(payload=f"pool:ask:{quiet}")  # not theirs
    assert "rep_a 继续负责" in await boss.say(payload=f"pool:ext:{quiet}")
    assert any("已为「周七」延期" in text for text in await _outbox(world, "rep_a"))
    reasons = [c.reason for c in await rows(world, OwnerChange, customer_id=quiet)]
    assert reasons == ["extend"]
    world.clock.at = NOW + timedelta(days=5)
    assert await _sweep(world) == (0, 0)
    assert await _owner(world, quiet) == await user_id(world, "rep_a")


async def test_release_tells_the_rep_what_went_and_why(
    people: dict[str, Chat], people_en: dict[str, Chat], world: World
) -> None:
    world.clock.at = NOW - timedelta(days=40)
    gone = await add_customer(world, "rep_a", "张三")
    kept = await add_customer(world, "rep_a", "李四")
    await log_visit(world, "rep_a", kept, NOW - timedelta(days=1))
    await add_reminder(world, "rep_a", gone, NOW + timedelta(days=2))
    world.clock.at = NOW
    assert await _sweep(world) == (1, 0)
    [notice] = await _outbox(world, "rep_a")
    assert "以下客户已退回公海" in notice and "张三：30 天未跟进" in notice
    assert "已取消的提醒" in notice and "带报价单回访" in notice and "李四" not in notice
    assert (await rows(world, Reminder))[0].status == "cancelled"


async def test_release_notice_in_english_and_manual_release_lists_reminders(
    people_en: dict[str, Chat], world: World
) -> None:
    world.clock.at = NOW - timedelta(days=40)
    gone = await add_customer(world, "rep_a", "David Lee")
    mine = await add_customer(world, "rep_b", "Emily's lead")
    await add_reminder(world, "rep_b", mine, NOW + timedelta(days=2))
    world.clock.at = NOW
    await log_visit(world, "rep_b", mine, NOW)
    assert await _sweep(world) == (1, 0)
    [notice] = await _outbox(world, "rep_a")
    assert "went back to the team pool" in notice and "David Lee: no follow-up for 30 days" in (
        notice
    )
    assert gone
    asked = await people_en["rep_b"].say(payload=f"pool:rel:{mine}")
    assert "Give Emily's lead back to the team pool?" in asked  # irreversible: asked first
    reply = await people_en["rep_b"].say(payload=f"pool:go:{mine}")
    assert "went back to the team pool" in reply and "Reminders cancelled" in reply
    assert "带报价单回访" in reply


def test_a_long_release_notice_is_split_within_the_channel_limit() -> None:
    owner = User(name="rep_a", lang="zh", tz="Asia/Shanghai")
    clock = Clock("contact", 30, NOW)
    gone = [Released(Customer(name=f"客户{i:03d}"), [clock], []) for i in range(300)]
    replies = released(owner, gone, NOW)
    assert len(replies) > 1 and all(len(r.text) <= MAX_TEXT for r in replies)
    text = "\n".join(r.text for r in replies)
    assert all(f"客户{i:03d}：30 天未跟进" in text for i in range(300))
