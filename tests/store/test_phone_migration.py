"""0006_money rewrites +86 phones stored before normalisation into the form new writes use."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import JSON, column, table, text
from sqlalchemy.ext.asyncio import AsyncEngine

from handlers.services.phones import normalize
from store.migrate import downgrade, upgrade
from store.types import UTCDateTime

AT = datetime(2026, 11, 20, 8, tzinfo=UTC)
ORG = table(
    "org", column("id"), column("name"), column("settings", JSON()),
    column("created_at", UTCDateTime()),
)  # fmt: skip
CUSTOMER = table(
    "customer", column("org_id"), column("name"), column("phone"), column("tier"),
    column("lifecycle"), column("birthday_lunar"), column("care_consent"), column("search_key"),
    column("created_at", UTCDateTime()), column("updated_at", UTCDateTime()),
)  # fmt: skip
OLD = ["+8613912345678", "+861065521234", "+86075512345678", "+14155550100", "13800000000"]


async def test_0006_normalises_stored_chinese_numbers(engine: AsyncEngine) -> None:
    await downgrade(engine, "0005_inbound")
    async with engine.begin() as conn:
        await conn.execute(ORG.insert().values(id=1, name="测试公司", settings={}, created_at=AT))
        for i, phone in enumerate(OLD):
            await conn.execute(CUSTOMER.insert().values(
                org_id=1, name=f"客户{i}", phone=phone, tier="C", lifecycle="prospect",
                birthday_lunar=False, care_consent=False, search_key="", created_at=AT,
                updated_at=AT,
            ))  # fmt: skip
    await upgrade(engine)
    async with engine.connect() as conn:
        rows = (await conn.execute(text("SELECT phone FROM customer ORDER BY id"))).all()
    stored = [r[0] for r in rows]
    assert stored == ["13912345678", "01065521234", "075512345678", "+14155550100", "13800000000"]
    assert stored == [normalize(p) for p in OLD]  # what a write today would store
