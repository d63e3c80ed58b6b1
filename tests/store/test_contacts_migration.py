"""0011_contacts keeps every customer as it was: a person with the firm as text, nothing lost
or duplicated; activities and deals keep their customer and name no contact."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import JSON, column, table, text
from sqlalchemy.ext.asyncio import AsyncEngine

from store.migrate import downgrade, upgrade
from store.types import UTCDateTime

AT = datetime(2026, 11, 20, 8, tzinfo=UTC)
ORG = table(
    "org", column("id"), column("name"), column("settings", JSON()),
    column("created_at", UTCDateTime()),
)  # fmt: skip
USER = table(
    "app_user", column("id"), column("org_id"), column("name"), column("role"), column("lang"),
    column("tz"), column("active"), column("away"), column("lead_weight"),
    column("created_at", UTCDateTime()),
)  # fmt: skip
CUSTOMER = table(
    "customer", column("id"), column("org_id"), column("owner_id"), column("name"),
    column("company"), column("title"), column("phone"), column("email"), column("tier"),
    column("lifecycle"), column("birthday_lunar"), column("care_consent"), column("search_key"),
    column("created_at", UTCDateTime()), column("updated_at", UTCDateTime()),
)  # fmt: skip
ACTIVITY = table(
    "activity", column("id"), column("org_id"), column("customer_id"), column("user_id"),
    column("kind"), column("happened_at", UTCDateTime()), column("summary"),
    column("created_at", UTCDateTime()),
)  # fmt: skip
DEAL = table(
    "deal", column("id"), column("org_id"), column("customer_id"), column("owner_id"),
    column("title"), column("currency"), column("stage"),
    column("stage_changed_at", UTCDateTime()), column("created_at", UTCDateTime()),
)  # fmt: skip
PEOPLE = [
    (1, "张总", "华为", "总经理", "13800000001", "zhang@huawei.com"),
    (2, "李工", "华为", "采购", "13800000002", None),
    (3, "David Lee", None, None, None, "d@lee.io"),
]
SELECT_CUSTOMERS = "SELECT id, name, company, title, phone, email FROM customer ORDER BY id"


async def _seed_0009(engine: AsyncEngine) -> None:
    await downgrade(engine, "0009_dedupe")
    async with engine.begin() as conn:
        await conn.execute(text("DELETE FROM org"))  # nothing else at 0009 in a fresh schema
        await conn.execute(ORG.insert().values(id=1, name="测试公司", settings={}, created_at=AT))
        await conn.execute(USER.insert().values(
            id=1, org_id=1, name="王芳", role="rep", lang="zh", tz="Asia/Shanghai", active=True,
            away=False, lead_weight=1, created_at=AT,
        ))  # fmt: skip
        for id_, name, company, title, phone, email in PEOPLE:
            await conn.execute(CUSTOMER.insert().values(
                id=id_, org_id=1, owner_id=1, name=name, company=company, title=title,
                phone=phone, email=email, tier="B", lifecycle="prospect", birthday_lunar=False,
                care_consent=True, search_key=name.lower(), created_at=AT, updated_at=AT,
            ))  # fmt: skip
        await conn.execute(ACTIVITY.insert().values(
            id=1, org_id=1, customer_id=1, user_id=1, kind="visit", happened_at=AT,
            summary="谈了报价", created_at=AT,
        ))  # fmt: skip
        await conn.execute(DEAL.insert().values(
            id=1, org_id=1, customer_id=2, owner_id=1, title="服务器", currency="CNY",
            stage="proposal", stage_changed_at=AT, created_at=AT,
        ))  # fmt: skip


async def test_0011_keeps_each_customer_as_a_person(engine: AsyncEngine) -> None:
    await _seed_0009(engine)
    await upgrade(engine)
    async with engine.connect() as conn:
        rows = [tuple(r) for r in (await conn.execute(text(SELECT_CUSTOMERS))).all()]
        kinds = (await conn.execute(text("SELECT DISTINCT kind FROM customer"))).scalars().all()
        contacts = await conn.scalar(text("SELECT count(*) FROM contact"))
        activity = (await conn.execute(text("SELECT customer_id, contact_id FROM activity"))).one()
        deal = (await conn.execute(text("SELECT customer_id, contact_id FROM deal"))).one()
    assert rows == PEOPLE  # nothing lost, nothing duplicated, the company text kept
    assert kinds == ["person"] and contacts == 0
    assert tuple(activity) == (1, None) and tuple(deal) == (2, None)


async def test_0011_undone_keeps_the_customers_and_their_history(engine: AsyncEngine) -> None:
    await _seed_0009(engine)
    await upgrade(engine)
    await downgrade(engine, "0009_dedupe")
    async with engine.connect() as conn:
        rows = [tuple(r) for r in (await conn.execute(text(SELECT_CUSTOMERS))).all()]
        history = await conn.scalar(text("SELECT count(*) FROM activity"))
        deals = await conn.scalar(text("SELECT count(*) FROM deal"))
    assert rows == PEOPLE and history == 1 and deals == 1
    await upgrade(engine)  # and forward again
