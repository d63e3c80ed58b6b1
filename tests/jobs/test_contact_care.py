"""A company's contacts get their birthday greeting when they consented, by name, where the
company is reached; once; and not when they did not consent."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from jobs.care import run_care
from jobs.context import JobContext
from store.models import Contact, Customer, CustomerLink
from tests.jobs.helpers import outbox
from tests.world import NOW, Chat, World

BIRTHDAY = date(1985, 11, 23)


async def test_a_consenting_contact_is_greeted_on_their_birthday(
    people: dict[str, Chat], world: World, jobs: JobContext
) -> None:
    rep = people["rep_a"]
    await rep.say("/newcontact 华为 李工 13800000000")
    await rep.say("1")
    await rep.say("/newcontact 华为 王工 13800000001")
    async with world.uows() as uow:
        company = (await uow.session.scalars(select(Customer))).one()
        for contact in (await uow.session.scalars(select(Contact))).all():
            contact.birthday = BIRTHDAY
            contact.care_consent = contact.name == "李工"  # 王工 did not agree
        uow.session.add(CustomerLink(
            org_id=world.org_id, customer_id=company.id, channel="wechat_oa",
            external_id="oa-huawei", consent=True, lang="zh", created_at=NOW,
        ))  # fmt: skip
        await uow.commit()
    world.clock.at = NOW.replace(hour=10, minute=5)
    assert await run_care(jobs) == 1
    world.clock.at += timedelta(hours=1)
    assert await run_care(jobs) == 0  # once a year
    [greeting] = await outbox(world, "care:")
    assert greeting.recipient == "oa-huawei" and "李工，生日快乐" in str(greeting.body["text"])
    [note] = await outbox(world, "care_note:")
    assert note.recipient == "rep_a" and "李工（华为）" in str(note.body["text"])
