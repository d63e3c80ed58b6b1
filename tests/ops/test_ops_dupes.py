"""Duplicates: found by phone, email and sound-alike name; merged with everything; undone."""

from __future__ import annotations

from datetime import timedelta

from store.models import Activity, AuditLog, Customer, Deal, MergeLog, OwnerChange, Reminder
from tests.ops.helpers import add_customer, add_deal, add_reminder, count, log_visit, rows
from tests.world import Chat, World


async def test_merge_moves_everything_and_undo_restores(
    people: dict[str, Chat], world: World
) -> None:
    keep = await add_customer(world, "rep_a", "张三", "13900000001", "华为")
    dup = await add_customer(world, "rep_a", "张叁", None, "华为技术")
    other = await add_customer(world, "rep_a", "李四", "13900000009", "腾讯")
    await log_visit(world, "rep_a", dup, world.clock.now() - timedelta(days=1))
    deal = await add_deal(world, "rep_a", dup, "交换机", "9000", "proposal")
    await add_reminder(world, "rep_a", dup, world.clock.now() + timedelta(days=1))
    rep = people["rep_a"]
    listing = await rep.say("/dupes")
    assert "合并 张叁（华为技术） → 张三（华为）（名字相近）" in listing and "李四" not in listing
    confirm = await rep.say("1")
    assert "把 张叁 · 华为技术（负责人 rep_a）\n合并到 张三 · 华为（负责人 rep_a）" in confirm
    assert (await rows(world, Customer, id=dup))[0].merged_into_id is None  # not before yes
    assert "没有合并" in await rep.say("2")
    await rep.say("/dupes")
    await rep.say("1")
    reply = await rep.say("1")
    assert "没有发现" in await people["rep_b"].say("/dupes")
    assert "已把 张叁 合并到 张三" in reply and "活动 1 条、商机 1 个、提醒 1 个" in reply
    assert (await rows(world, Activity))[0].customer_id == keep
    assert (await rows(world, Deal, id=deal))[0].customer_id == keep
    assert (await rows(world, Reminder))[0].customer_id == keep
    hidden = (await rows(world, Customer, id=dup))[0]
    assert hidden.merged_into_id == keep and hidden.owner_id is None
    assert (await rows(world, Customer, id=keep))[0].last_contact_at is not None
    assert "已撤销合并" in await rep.say("撤销合并")  # the button's label, typed
    assert (await rows(world, Deal, id=deal))[0].customer_id == dup
    assert (await rows(world, Activity))[0].customer_id == dup
    restored = (await rows(world, Customer, id=dup))[0]
    assert restored.merged_into_id is None and restored.owner_id is not None
    assert (await rows(world, Customer, id=keep))[0].last_contact_at is None
    assert (await rows(world, MergeLog))[0].undone_at is not None
    assert [c.reason for c in await rows(world, OwnerChange)] == ["merge", "unmerge"]
    assert await count(world, AuditLog, action="customer.merge") == 1
    assert await count(world, AuditLog, action="customer.unmerge") == 1
    assert other


async def test_phone_and_email_duplicates_in_english(
    people_en: dict[str, Chat], world: World
) -> None:
    a = await add_customer(world, "rep_a", "Jane Doe", "13900000001", "Acme")
    b = await add_customer(world, "rep_a", "J. Doe", "13900000001", "Other Co")
    await add_customer(world, "rep_b", "Jim Doe", "13900000001", "Acme")  # not rep_a's to see
    rep = people_en["rep_a"]
    assert "Merge J. Doe (Other Co) → Jane Doe (Acme) (same phone)" in await rep.say("/dupes")
    assert "Merge J. Doe · Other Co (owner rep_a)\ninto Jane Doe · Acme" in await rep.say(
        payload=f"dup:m:{a}:{b}"
    )
    reply = await rep.say("Merge")  # the confirming button's label, typed
    assert "Merged J. Doe into Jane Doe" in reply
    log = (await rows(world, MergeLog))[0]
    assert "Merge undone" in await rep.say(f"/undomerge {log.id}")
    assert "already undone" in await rep.say(f"/undomerge {log.id}")
    assert "isn't yours" in await people_en["rep_w"].say(payload=f"dup:m:{a}:{b}")
    assert "isn't yours" in await people_en["rep_w"].say(payload=f"dup:ok:{a}:{b}")
    assert "No such merge" in await people_en["rep_w"].say(f"/undomerge {log.id}")
    assert "No likely duplicates" not in await people_en["boss_east"].say("/dupes")


async def test_two_pairs_with_the_same_names_read_differently(
    people: dict[str, Chat], world: World
) -> None:
    await add_customer(world, "rep_a", "张三", "13900000001")
    await add_customer(world, "rep_a", "章三", "13900000002")
    await add_customer(world, "rep_b", "张三", "13700000003")
    await add_customer(world, "rep_b", "章三", "13700000004")
    listing = await people["admin"].say("/dupes")
    lines = [line.split(". ", 1)[1] for line in listing.splitlines()[1:]]
    assert len(lines) >= 2 and len(set(lines)) == len(lines)  # no two read the same
    assert "合并 章三（尾号0004，rep_b） → 张三（尾号0001，rep_a）" in listing
