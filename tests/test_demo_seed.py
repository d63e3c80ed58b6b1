"""The demo seed builds a consistent, realistic company on a real migrated database."""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from handlers.demo import DemoIds, demo_ids, seed_demo
from handlers.services.org import DEFAULT_PIPELINE
from store.db import make_engine, make_sessions
from store.migrate import upgrade
from store.models import (
    Activity,
    AuditLog,
    Customer,
    Deal,
    DealStageHistory,
    Identity,
    Org,
    Reminder,
    Team,
    User,
)
from store.uow import UnitOfWork, UnitOfWorkFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=SHANGHAI).astimezone(UTC)
TABLES = (Org, Team, User, Identity, Customer, Activity, Deal, DealStageHistory, Reminder)


async def _factory(path: Path) -> tuple[AsyncEngine, UnitOfWorkFactory]:
    engine = make_engine(f"sqlite+aiosqlite:///{path}")
    await upgrade(engine)
    return engine, UnitOfWorkFactory(make_sessions(engine))


@pytest.fixture(scope="module")
async def uows(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[UnitOfWorkFactory]:
    engine, factory = await _factory(tmp_path_factory.mktemp("demo") / "demo.db")
    yield factory
    await engine.dispose()


@pytest.fixture(scope="module")
async def seeded(uows: UnitOfWorkFactory) -> DemoIds:
    async with uows() as uow:
        ids = await seed_demo(uow, NOW)
        await uow.commit()
    return ids


async def _all(uow: UnitOfWork, model: type[Any]) -> list[Any]:
    rows = list((await uow.session.scalars(select(model).order_by(model.id))).all())
    uow.session.expunge_all()  # detached rows keep their values after the uow rolls back
    return rows


async def _counts(uow: UnitOfWork) -> dict[str, int]:
    counts = {}
    for model in (*TABLES, AuditLog):
        counts[model.__name__] = int(await uow.session.scalar(select(func.count(model.id))) or 0)
    return counts


async def test_people_and_identities(uows: UnitOfWorkFactory, seeded: DemoIds) -> None:
    async with uows() as uow:
        users = await uow.users.in_org(seeded.org_id)
        assert len(users) == 5
        assert {u.role for u in users} == {"admin", "manager", "rep"}
        org = await uow.users.org(seeded.org_id)
        assert org is not None
        assert org.settings == {"demo": True}
        keys = ("admin", "manager", "rep1", "rep2", "rep3")
        expected = (seeded.admin_id, seeded.manager_id, *seeded.rep_ids)
        for key, user_id in zip(keys, expected, strict=True):
            user = await uow.users.by_identity("console", f"demo-{key}")
            assert user is not None
            assert user.id == user_id
            (identity,) = await uow.users.identities(user_id)
            assert identity.chat_id == f"demo-{key}"
        first = await uow.users.get(seeded.rep_ids[0])
        third = await uow.users.get(seeded.rep_ids[2])
        assert first is not None
        assert (first.name, first.lang) == ("李娜", "zh")
        assert first.tz == "Asia/Shanghai"
        assert third is not None
        assert (third.lang, third.tz) == ("en", "America/New_York")
        assert await uow.users.team_member_ids(seeded.team_id) >= set(seeded.rep_ids)


async def test_customers(uows: UnitOfWorkFactory, seeded: DemoIds) -> None:
    async with uows() as uow:
        clients: list[Customer] = await _all(uow, Customer)
    assert 28 <= len(clients) <= 32
    assert {c.owner_id for c in clients} == set(seeded.rep_ids)
    pairs = {(c.name, c.company) for c in clients}
    assert {
        ("张三", "华为技术有限公司"),
        ("张总", "腾讯科技"),
        ("欧阳娜娜", "白驼山庄贸易"),
        ("王芳", "阿里巴巴"),
        ("Li Wei", "Acme Corp"),
        ("John Smith", "Globex"),
    } <= pairs
    phones = [c.phone or "" for c in clients]
    assert len(set(phones)) == len(phones)
    assert all(p.startswith("139") and len(p) == 11 and p.isdigit() for p in phones)
    assert {c.tier for c in clients} == {"A", "B", "C"}
    assert any(c.birthday_lunar and c.birthday for c in clients)
    assert 0.3 < sum(c.care_consent for c in clients) / len(clients) < 0.7
    assert all(c.search_key for c in clients)


async def test_every_stage_has_a_deal_with_a_consistent_history(
    uows: UnitOfWorkFactory, seeded: DemoIds
) -> None:
    async with uows() as uow:
        all_deals: list[Deal] = await _all(uow, Deal)
        rows: list[DealStageHistory] = await _all(uow, DealStageHistory)
    assert {key for key, *_ in DEFAULT_PIPELINE} <= {d.stage for d in all_deals}
    assert "USD" in {d.currency for d in all_deals}
    chains: dict[int, list[DealStageHistory]] = defaultdict(list)
    for row in rows:
        chains[row.deal_id].append(row)
    for deal in all_deals:
        chain = chains[deal.id]
        assert chain[0].from_stage is None
        for prev, row in itertools.pairwise(chain):
            assert row.from_stage == prev.to_stage
            assert row.at >= prev.at
        assert chain[-1].to_stage == deal.stage
        assert deal.amount is not None
        assert deal.amount > 0
        assert deal.expected_close is not None
        if deal.stage in ("won", "lost"):
            assert deal.close_reason
            assert deal.closed_at is not None
        assert chain[-1].at <= NOW


async def test_activities_are_recent_and_touch_customers(
    uows: UnitOfWorkFactory, seeded: DemoIds
) -> None:
    async with uows() as uow:
        acts: list[Activity] = await _all(uow, Activity)
        clients: list[Customer] = await _all(uow, Customer)
    assert all(NOW - timedelta(days=60) <= a.happened_at < NOW for a in acts)
    per_customer: dict[int, list[Activity]] = defaultdict(list)
    for act in acts:
        per_customer[act.customer_id].append(act)
    for client in clients:
        mine = per_customer[client.id]
        assert 2 <= len(mine) <= 6
        assert client.last_contact_at == max(a.happened_at for a in mine)
    assert {a.kind for a in acts} == {"visit", "call", "message", "meeting"}


async def test_rep1_has_reminders_today_and_overdue(
    uows: UnitOfWorkFactory, seeded: DemoIds
) -> None:
    today_start = datetime(2026, 11, 23, tzinfo=SHANGHAI)
    async with uows() as uow:
        rows: list[Reminder] = await _all(uow, Reminder)
    mine = [r for r in rows if r.user_id == seeded.rep_ids[0]]
    today = [r for r in mine if r.due_at.astimezone(SHANGHAI).date() == today_start.date()]
    overdue = [r for r in mine if r.due_at < today_start]
    upcoming = [r for r in mine if today_start + timedelta(days=1) <= r.due_at]
    assert len(today) >= 2
    assert len(overdue) == 2
    assert len(upcoming) >= 3
    assert all(r.due_at <= NOW + timedelta(days=14) for r in mine)
    assert {r.kind for r in mine} == {"follow_up", "custom"}
    assert {r.user_id for r in rows} == set(seeded.rep_ids)


async def test_audit_log_is_written(uows: UnitOfWorkFactory, seeded: DemoIds) -> None:
    async with uows() as uow:
        entries: list[AuditLog] = await _all(uow, AuditLog)
    actions = {e.action for e in entries}
    expected = {"org.create", "team.create", "customer.create", "activity.create"}
    assert expected | {"deal.create", "deal.move", "reminder.create"} <= actions


async def test_seeding_twice_is_a_no_op(uows: UnitOfWorkFactory, seeded: DemoIds) -> None:
    async with uows() as uow:
        before = await _counts(uow)
        assert await demo_ids(uow) == seeded
        again = await seed_demo(uow, NOW + timedelta(days=1))
        await uow.commit()
    async with uows() as uow:
        assert again == seeded
        assert await _counts(uow) == before


async def test_seed_is_deterministic(tmp_path: Path) -> None:
    snapshots = []
    for name in ("a.db", "b.db"):
        engine, factory = await _factory(tmp_path / name)
        async with factory() as uow:
            assert await demo_ids(uow) is None
            await seed_demo(uow, NOW)
            clients: list[Customer] = await _all(uow, Customer)
            snapshots.append([(c.name, c.phone, c.tier, c.last_contact_at) for c in clients])
        await engine.dispose()
    assert snapshots[0] == snapshots[1]
