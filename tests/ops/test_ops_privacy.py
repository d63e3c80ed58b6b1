"""Privacy: anonymise on request keeping figures, subject-access summary, chat export with
masked phones, audit retention trimmed by the nightly run."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from handlers.services.ops.nightly import nightly
from store.models import Activity, AuditLog, Customer, Deal, MediaFile
from tests.ops.helpers import add_customer, add_deal, count, log_visit, rows
from tests.world import NOW, Chat, World


async def test_forget_keeps_figures_and_scrubs_text(people: dict[str, Chat], world: World) -> None:
    cid = await add_customer(world, "rep_a", "张三", "13912345678", "华为")
    await log_visit(world, "rep_a", cid, NOW - timedelta(days=1))
    deal = await add_deal(world, "rep_a", cid, "服务器", "50000", "proposal")
    assert "只有管理员" in await people["rep_a"].say("/forget 张三")
    about = await people["admin"].say("/aboutcustomer 张三")
    assert "activity 1" in about and "deal 1" in about
    confirm = await people["admin"].say("/forget 张三")
    assert "确定要匿名化 张三 · 华为（负责人 rep_a）" in confirm and "无法恢复" in confirm
    assert (await rows(world, Customer, id=cid))[0].anonymised_at is None  # not before yes
    assert "张三 已匿名化" in await people["admin"].say("1")
    customer = (await rows(world, Customer, id=cid))[0]
    assert customer.name == f"#{cid}" and customer.phone is None and customer.company is None
    assert customer.anonymised_at is not None
    assert (await rows(world, Activity))[0].summary == "***"
    assert (await rows(world, Deal, id=deal))[0].amount == 50000  # figures stay
    for row in await rows(world, AuditLog, entity="customer", entity_id=cid):
        assert "张三" not in str(row.before) + str(row.after)
    assert "没有找到" in await people["admin"].say("/forget 张三")


async def test_export_masking_and_retention_in_english(
    people_en: dict[str, Chat], world: World
) -> None:
    world.clock.at = NOW - timedelta(days=400)
    await add_customer(world, "rep_a", "Ann", "13912345678")
    world.clock.at = NOW
    await add_customer(world, "rep_b", "Bob", "13987654321")
    reply = await people_en["boss_east"].say("/export customers")
    assert "customers-20261123.xlsx: 2 rows" in reply
    assert "Usage" in await people_en["rep_a"].say("/export everything")
    admin = people_en["admin"]
    assert "kept forever" in await admin.say("/retention")
    assert "at least 30 days" in await admin.say("/retention 10")
    assert "kept 365 days" in await admin.say("/retention 365")
    before = await count(world, AuditLog)
    async with world.uows() as uow:
        result = await nightly(uow, world.org_id, NOW)
        await uow.commit()
    assert (result.audit_purged, result.released, result.segmented) == (1, 1, 2)
    # the 400-day-old create row is gone; the pool release and the segment run are new
    assert await count(world, AuditLog) == before - 1 + 2


async def test_forget_deletes_the_kept_photos_of_their_visits(
    people: dict[str, Chat], world: World
) -> None:
    forgotten = await add_customer(world, "rep_a", "张三", "13912345678", "华为")
    kept = await add_customer(world, "rep_a", "李四", "13912345679", "小米")
    for customer, media_id in ((forgotten, "wx-media-1"), (kept, "wx-media-2")):
        await log_visit(world, "rep_a", customer, NOW - timedelta(days=1))
        async with world.uows() as uow:
            activity = (await uow.session.scalars(select(Activity).order_by(Activity.id))).all()[
                -1
            ]
            activity.photo = media_id
            uow.session.add(
                MediaFile(
                    org_id=world.org_id, user_id=activity.user_id, channel="wecom",
                    external_id=media_id, content_type="image/jpeg", size=3, sha256="0" * 64,
                    data=b"jpg", created_at=NOW,
                )
            )  # fmt: skip
            await uow.commit()
    await people["admin"].say("/forget 张三")
    assert "张三 已匿名化" in await people["admin"].say("1")
    assert [m.external_id for m in await rows(world, MediaFile)] == ["wx-media-2"]
