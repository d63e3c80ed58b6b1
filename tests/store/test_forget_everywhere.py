"""/forget leaves the customer's name and phone nowhere: every text and JSON column of every
table is searched afterwards, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import timedelta

from sqlalchemy import JSON, LargeBinary, String, Text, cast, or_, select

from handlers.messages import Reply, reply_to_dict
from jobs.context import JobContext
from jobs.reminders import deliver_due_reminders
from store.models import Base, Customer, OutboxEntry
from tests.jobs.helpers import add_deal, log_visit
from tests.ops.helpers import add_customer, add_reminder
from tests.world import NOW, Chat, World

NAME, PHONE = "欧阳娜娜", "13977712345"
OTHER = "李四"


async def mentions(world: World, *needles: str) -> list[str]:
    """table.column of every stored value that contains one of `needles` (as stored)."""
    forms = {f for n in needles for f in (n, json.dumps(n)[1:-1])}
    found = []
    async with world.uows() as uow:
        for table in Base.metadata.sorted_tables:
            for column in table.columns:
                if isinstance(column.type, LargeBinary) or not isinstance(
                    column.type, String | Text | JSON
                ):
                    continue
                as_text = cast(column, Text) if isinstance(column.type, JSON) else column
                hit = or_(*(as_text.contains(f, autoescape=True) for f in forms))
                if await uow.session.scalar(select(column).where(hit).limit(1)) is not None:
                    found.append(f"{table.name}.{column.name}")
    return found


async def test_forget_leaves_the_name_and_phone_in_no_column(
    people: dict[str, Chat], world: World
) -> None:
    cid = await add_customer(world, "rep_a", NAME, PHONE, "华为")
    kept = await add_customer(world, "rep_a", OTHER, "13900000001", "华为")
    await log_visit(world, "rep_a", cid, NOW - timedelta(days=1))
    await add_deal(world, "rep_a", cid, f"{NAME}的服务器", "50000", "proposal")
    await add_reminder(world, "rep_a", cid, NOW - timedelta(minutes=1))
    await add_reminder(world, "rep_a", kept, NOW - timedelta(minutes=1))
    assert await deliver_due_reminders(JobContext(world.uows, world.clock)) == 2
    async with world.uows() as uow:  # what the chat and the desk keep: a reply, a form
        reply = Reply(f"👤 {NAME}\n📞 {PHONE}\n{OTHER} 也在")
        await uow.outbox.enqueue("telegram", "7", reply_to_dict(reply), "tg:1:0", NOW)
        await uow.chat.save_state(("telegram", "7", "7"), "visit.confirm", {"q": NAME}, NOW)
        await uow.commit()
    assert len(await mentions(world, NAME, PHONE)) >= 5  # the test finds them before

    assert "确定要匿名化" in await people["admin"].say(f"/forget {NAME}")  # named, then confirmed
    assert "已匿名化" in await people["admin"].say("1")
    assert await mentions(world, NAME, PHONE) == []
    assert await mentions(world, OTHER) != []  # the other customer is untouched
    async with world.uows() as uow:
        assert (await uow.session.get(Customer, kept)) is not None
        body = (await uow.outbox.by_key("tg:1:0")) or OutboxEntry()
        assert body.body["text"] == f"👤 ***\n📞 ***\n{OTHER} 也在"
