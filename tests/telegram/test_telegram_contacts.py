"""A company with contacts through the Telegram webhook: add people by command and sentence,
log a visit with one by inline button, see them on the profile (English)."""

from __future__ import annotations

from sqlalchemy import select

from store.models import Activity, Contact
from tests.fakes.telegram_api import TgUser
from tests.telegram.harness import Harness

EN = TgUser(7102, "Bob", "en", last_name="Smith")


async def test_contacts_on_telegram(tg: Harness) -> None:
    await tg.join(EN, "rep_a")
    [ask] = await tg.say(EN, "/newcontact Acme, Jane Doe, buyer, +1 415 555 0100")
    assert 'No company customer is called "Acme"' in ask.text
    _, added = await tg.press(EN, ask, "ct:newco")
    assert "Contact added: Jane Doe · buyer" in added.text
    [added] = await tg.say(EN, "new contact at Acme: Bob Lee, 415 555 0199")
    assert "Contact added: Bob Lee" in added.text
    [card] = await tg.say(EN, "/visit met Acme's Jane today, sent the quote")
    assert "Customer: Jane Doe · buyer · Acme" in card.text
    _, saved = await tg.press(EN, card, "vi:ok")
    assert "Logged visit with Jane Doe · buyer · Acme" in saved.text
    [profile] = await tg.say(EN, "/customer Acme")
    assert "Contacts (2):" in profile.text and "— contacted today" in profile.text
    async with tg.app.uows() as uow:
        activity = (await uow.session.scalars(select(Activity))).one()
        jane = (await uow.session.scalars(select(Contact).where(Contact.name == "Jane Doe"))).one()
    assert activity.contact_id == jane.id and activity.customer_id == jane.customer_id


async def test_a_contact_corrected_by_buttons_on_telegram(tg: Harness) -> None:
    await tg.join(EN, "rep_a")
    [ask] = await tg.say(EN, "/newcontact Acme, Jane Doe, +1 415 555 0100")
    await tg.press(EN, ask, "ct:newco")
    [menu] = await tg.say(EN, "/edit Acme")
    [contacts_button] = [p for label, p in menu.buttons if label == "👥 Contacts"]
    *_, people = await tg.press(EN, menu, contacts_button)
    [(who, jane)] = people.buttons
    assert who == "Jane Doe"
    *_, fields = await tg.press(EN, people, jane)
    *_, asked = await tg.press(EN, fields, jane.replace("menu", "f") + ":title")
    assert "Type the new title" in asked.text
    [done] = await tg.say(EN, "Head of Purchasing")
    assert "title changed from “(empty)” to “Head of Purchasing”" in done.text
    async with tg.app.uows() as uow:
        row = (await uow.session.scalars(select(Contact))).one()
    assert row.title == "Head of Purchasing"
