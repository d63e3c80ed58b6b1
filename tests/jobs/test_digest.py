"""The manager digest: figures checked against what the test itself did, slots run once."""

from __future__ import annotations

import base64
from datetime import timedelta

from jobs.context import JobContext
from jobs.digest import run_digests
from tests.jobs.helpers import (
    add_customer,
    add_deal,
    job_runs,
    log_visit,
    move_deal,
    outbox,
)
from tests.world import NOW, Chat, World

SUNDAY = NOW - timedelta(days=1)  # NOW is Monday 2026-11-23 10:00 Shanghai


async def _seed(world: World) -> None:
    """On Sunday: rep_a 2 visits, 2 new customers, one deal moved and one won; rep_b nothing."""
    world.clock.at = SUNDAY
    zhang = await add_customer(world, "rep_a", "张三")
    li = await add_customer(world, "rep_a", "李四")
    await log_visit(world, "rep_a", zhang, SUNDAY - timedelta(hours=1))
    await log_visit(world, "rep_a", li, SUNDAY - timedelta(hours=2))
    big = await add_deal(world, "rep_a", zhang, "华为年度采购", "100000", "meet")
    small = await add_deal(world, "rep_a", li, "李四小单", "20000", "proposal")
    await move_deal(world, "rep_a", big, "discover")
    await move_deal(world, "rep_a", small, "won")
    west = await add_customer(world, "rep_w", "王五")
    await add_deal(world, "rep_w", west, "West deal", "50000", "needs")


async def test_digest_figures_and_once_per_slot(
    people: dict[str, Chat], world: World, jobs: JobContext
) -> None:
    await _seed(world)
    world.clock.at = NOW.replace(hour=7, minute=59)
    assert await run_digests(jobs) == 0  # before 08:00 nothing
    world.clock.at = NOW.replace(hour=8, minute=0, second=5)
    queued = await run_digests(jobs)
    assert queued == 4  # two managers × (daily + Monday weekly)
    assert await run_digests(jobs) == 0
    rows = await outbox(world, "digest:")
    east = next(r for r in rows if r.recipient == "boss_east")
    text = str(east.body["text"])
    assert "East 日报" in text and "West" not in text
    assert "rep_a：拜访 2 · 新客户 2 · 推进 1 · 赢单 1 · 输单 0" in text
    assert text.index("需要关注") < text.index("rep_b")  # rep_b had no visits: flagged
    assert "发现机会：1 个 · ¥100,000 · 加权 ¥10,000" in text
    assert "合计：1 个 · ¥100,000 · 加权 ¥10,000" in text
    assert base64.b64decode(str(east.body["image_png"])).startswith(b"\x89PNG")
    west = next(r for r in rows if r.recipient == "boss_west")
    assert "明确需求：1 个 · ¥50,000" in str(west.body["text"])
    assert {r.idempotency_key.split(":")[0] for r in await outbox(world)} >= {"digest", "weekly"}
    runs = await job_runs(world)
    assert sorted(r.slot for r in runs) == ["Asia/Shanghai:2026-11-23"] * 2
    assert all(r.finished_at is not None for r in runs)


async def test_digest_command_on_demand(people: dict[str, Chat], world: World) -> None:
    await _seed(world)
    world.clock.at = NOW
    reply = await people["boss_east"].say("/digest")
    assert "rep_a：拜访 2" in reply and "rep_w" not in reply
    assert people["boss_east"].last[0].image_png is not None
    whole = await people["admin"].say("日报")
    assert "rep_a" in whole and "rep_w" in whole
    weekly = await people["boss_west"].say("/digest week")
    assert "周报" in weekly and "rep_w" in weekly


async def test_late_digest_marked_and_too_late_skipped(
    people: dict[str, Chat], world: World, jobs: JobContext
) -> None:
    world.clock.at = NOW.replace(hour=12)  # four hours late: sent, marked late
    await run_digests(jobs)
    rows = await outbox(world, "digest:")
    assert len(rows) == 2 and all("迟到的日报" in str(r.body["text"]) for r in rows)
    world.clock.at = NOW + timedelta(days=1, hours=-2, minutes=-1)  # Tuesday 07:59
    assert await run_digests(jobs) == 0
    world.clock.at = NOW + timedelta(days=1, hours=11)  # Tuesday 21:00: 13 h late, skipped
    assert await run_digests(jobs) == 0
    assert len(await outbox(world, "digest:")) == 2


async def test_digest_never_adds_dollars_to_yuan(
    people: dict[str, Chat], world: World, jobs: JobContext
) -> None:
    from sqlalchemy import update

    from store.models import Deal

    world.clock.at = SUNDAY
    acme = await add_customer(world, "rep_b", "Acme")
    usd = await add_deal(world, "rep_b", acme, "Acme licences", "20000", "needs")
    await add_deal(world, "rep_b", acme, "Acme services", "50000", "needs")
    async with world.uows() as uow:
        await uow.session.execute(update(Deal).where(Deal.id == usd).values(currency="USD"))
        await uow.commit()
    world.clock.at = NOW.replace(hour=8, minute=0, second=5)
    await run_digests(jobs)
    east = next(r for r in await outbox(world, "digest:") if r.recipient == "boss_east")
    text = str(east.body["text"])
    assert "明确需求：2 个 · ¥50,000 + $20,000 · 加权 ¥17,500 + $7,000" in text
    assert "合计：2 个 · ¥50,000 + $20,000" in text
    assert "¥70,000" not in text
