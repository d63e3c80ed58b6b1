"""Care reaches only consenting customers, on their link, in their language, in daytime."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select, update

from handlers.services.feedback import store_answer
from jobs.care import run_care
from jobs.context import JobContext
from jobs.occasions import holiday_on, period
from store.models import CareLog, Customer, CustomerLink, Feedback, Org
from tests.jobs.helpers import add_customer, add_deal, move_deal, outbox
from tests.world import NOW, Chat, World

BIRTHDAY = date(1985, 11, 23)


async def _link(world: World, customer_id: int, ext: str, consent: bool, lang: str) -> None:
    async with world.uows() as uow:
        row = CustomerLink(
            org_id=world.org_id,
            customer_id=customer_id,
            channel="wechat_oa",
            external_id=ext,
            consent=consent,
            lang=lang,
            created_at=NOW,
        )
        uow.session.add(row)
        await uow.commit()


async def test_only_consenting_customers_get_care(
    people: dict[str, Chat], world: World, jobs: JobContext
) -> None:
    yes = await add_customer(world, "rep_a", "张三", birthday=BIRTHDAY, care_consent=True)
    no_flag = await add_customer(world, "rep_a", "李四", birthday=BIRTHDAY, care_consent=False)
    no_link = await add_customer(world, "rep_a", "王五", birthday=BIRTHDAY, care_consent=True)
    en = await add_customer(world, "rep_a", "Jane", birthday=BIRTHDAY, care_consent=True)
    await _link(world, yes, "oa-zhang", True, "zh")
    await _link(world, no_flag, "oa-li", True, "zh")
    await _link(world, no_link, "oa-wang", False, "zh")
    await _link(world, en, "oa-jane", True, "en")
    world.clock.at = NOW.replace(hour=7)  # 07:00 Shanghai: quiet hours, nothing goes out
    assert await run_care(jobs) == 0
    world.clock.at = NOW.replace(hour=10, minute=5)
    assert await run_care(jobs) == 2
    world.clock.at += timedelta(hours=1)
    assert await run_care(jobs) == 0  # the care_log key: once per birthday
    rows = await outbox(world, "care:")
    assert {r.recipient for r in rows} == {"oa-zhang", "oa-jane"}
    texts = {r.recipient: str(r.body["text"]) for r in rows}
    assert "张三，生日快乐" in texts["oa-zhang"] and "Happy birthday, Jane" in texts["oa-jane"]
    [note] = await outbox(world, "care_note:")
    assert note.recipient == "rep_a" and "• 张三：生日祝福" in str(note.body["text"])
    assert "birthday" not in str(note.body["text"])  # the kind in the rep's language


async def test_post_sale_win_back_templates_and_budget(
    people: dict[str, Chat], world: World, jobs: JobContext
) -> None:
    async with world.uows() as uow:
        templates = {"zh": {"win_back": "{name}您好，好久不见（{period}）！"}}
        care = {"budgets": {"wechat_oa": 1}, "templates": templates, "post_sale_days": 30}
        await uow.session.execute(update(Org).values(settings={"care": care}))
        await uow.commit()
    world.clock.at = NOW - timedelta(days=31)
    tomorrow = date(1990, 11, 24)
    buyer = await add_customer(world, "rep_a", "买家", care_consent=True, birthday=tomorrow)
    deal = await add_deal(world, "rep_a", buyer, "单子", "1000", "commit")
    await move_deal(world, "rep_a", deal, "won")
    away = await add_customer(world, "rep_a", "老朋友", care_consent=True)
    async with world.uows() as uow:
        three_years = NOW - timedelta(days=3 * 365 + 10)
        await uow.session.execute(
            update(Customer).where(Customer.id == away).values(last_contact_at=three_years)
        )
        await uow.commit()
    await _link(world, buyer, "oa-buyer", True, "zh")
    await _link(world, away, "oa-away", True, "zh")
    world.clock.at = NOW.replace(hour=10)
    assert await run_care(jobs) == 2
    rows = {r.recipient: r.body for r in await outbox(world, "care:")}
    assert rows["oa-buyer"]["choices"] == [[str(n), f"fb:{deal}:{n}"] for n in range(1, 6)]
    assert rows["oa-away"]["text"] == "老朋友您好，好久不见（三年）！"
    world.clock.at += timedelta(days=1)
    assert await run_care(jobs) == 0  # a birthday, but this month's budget of 1 is spent
    world.clock.at = datetime(2026, 12, 25, 3, 0, tzinfo=UTC)  # Christmas, 11:00 Shanghai
    assert await run_care(jobs) == 2  # a new month, a new budget
    async with world.uows() as uow:
        kinds = sorted(c.kind for c in (await uow.session.scalars(select(CareLog))).all())
    assert kinds == ["holiday", "holiday", "post_sale", "win_back"]


def test_calendar() -> None:
    assert holiday_on(date(2027, 2, 6)) == "spring_festival"
    assert holiday_on(date(2026, 9, 25)) == "mid_autumn"
    assert holiday_on(date(2026, 12, 25)) == "christmas"
    assert holiday_on(date(2026, 12, 24)) is None
    assert period(3 * 365 + 10, "zh") == "三年" and period(400, "en") == "1 year"
    assert period(65, "zh") == "两个月"


async def test_post_sale_answer_is_stored(people: dict[str, Chat], world: World) -> None:
    buyer = await add_customer(world, "rep_a", "买家", care_consent=True)
    deal = await add_deal(world, "rep_a", buyer, "单子", "1000", "won")
    async with world.uows() as uow:
        assert await store_answer(uow, world.org_id, buyer, "fb:1:9", NOW) is None
        row = await store_answer(uow, world.org_id, buyer, f"fb:{deal}:4", NOW)
        await uow.commit()
    assert row is not None
    async with world.uows() as uow:
        [stored] = (await uow.session.scalars(select(Feedback))).all()
        trail = await uow.chat.audit_trail("feedback", stored.id)
    assert (stored.deal_id, stored.score, stored.customer_id) == (deal, 4, buyer)
    assert [a.action for a in trail] == ["feedback.create"]


async def test_budget_months_are_the_companys_not_utcs(
    people: dict[str, Chat], world: World, jobs: JobContext
) -> None:
    new_york = {"tz": "America/New_York", "care": {"budgets": {"wechat_oa": 1}}}
    async with world.uows() as uow:
        await uow.session.execute(update(Org).values(settings=new_york))
        await uow.commit()
    born = date(1980, 11, 30)
    customer = await add_customer(world, "rep_a", "Ann", care_consent=True, birthday=born)
    await _link(world, customer, "oa-ann", True, "en")
    world.clock.at = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)  # 8 p.m. on 30 November there
    assert await run_care(jobs) == 1  # November's one message: her birthday
    world.clock.at = datetime(2026, 12, 25, 15, 0, tzinfo=UTC)  # 10 a.m. Christmas there
    assert await run_care(jobs) == 1  # December's budget was not spent on a November evening
    texts = [str(r.body["text"]) for r in await outbox(world, "care:")]
    assert len(texts) == 2 and "Happy birthday, Ann" in texts[0]
