"""0013_records links each visit's follow-up reminder to its visit, on a database with data."""

from __future__ import annotations

from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from store.migrate import downgrade, upgrade
from tests.world import Chat, World


def _reminder_columns(conn: Connection) -> set[str]:
    return {c["name"] for c in inspect(conn).get_columns("reminder")}


async def test_0013_links_existing_follow_ups(
    engine: AsyncEngine, people: dict[str, Chat], world: World
) -> None:
    rep = people["rep_a"]
    await rep.say("/newcustomer 张三 13900000031 华为")
    for visit in ("/visit 昨天拜访张三，下周三回访", "/visit 今天给张三打电话，下周五回访"):
        await rep.say(visit)
        await rep.say(payload="vi:ok")
    await rep.say("/remind 明天10点 给张三寄样品")  # a reminder of no visit
    await downgrade(engine, "0009_dedupe")
    async with engine.connect() as conn:
        assert "activity_id" not in await conn.run_sync(_reminder_columns)
        count = (await conn.execute(text("SELECT count(*) FROM reminder"))).scalar_one()
    assert count == 3
    await upgrade(engine)
    async with engine.connect() as conn:
        rows = (
            await conn.execute(
                text(
                    "SELECT r.kind, r.activity_id, a.summary FROM reminder r "
                    "LEFT JOIN activity a ON a.id = r.activity_id ORDER BY r.id"
                )
            )
        ).all()
    assert [(kind, summary) for kind, _, summary in rows] == [
        ("follow_up", "昨天拜访张三，下周三回访"),
        ("follow_up", "今天给张三打电话，下周五回访"),
        ("custom", None),
    ]
