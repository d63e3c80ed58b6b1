"""✏️ Edit on a Telegram profile card: inline buttons down to the value, in English."""

from __future__ import annotations

from sqlalchemy import select

from store.models import AuditLog, Customer
from tests.fakes.telegram_api import TgUser
from tests.telegram.harness import Harness

EN = TgUser(7101, "Emily", "en", last_name="Chen")


async def test_edit_tier_and_birthday_with_buttons(tg: Harness) -> None:
    await tg.join(EN, "rep_a")
    await tg.say(EN, "/newcustomer Li Wei 13900000201 Acme")
    [card] = await tg.say(EN, "/customer Li Wei")
    edit = next(data for label, data in card.buttons if label == "✏️ Edit")
    menu = (await tg.press(EN, card, edit))[-1]
    assert "which field?" in menu.text and ("Tier", "tier") not in menu.buttons
    tier = next(data for label, data in menu.buttons if label == "tier")
    choices = (await tg.press(EN, menu, tier))[-1]
    assert [label for label, _ in choices.buttons] == ["Tier A", "Tier B", "Tier C"]
    done = (await tg.press(EN, choices, choices.buttons[0][1]))[-1]
    assert "tier changed from “C” to “A”" in done.text
    more = (await tg.press(EN, done, next(d for lbl, d in done.buttons if "Edit more" in lbl)))[-1]
    birthday = next(data for label, data in more.buttons if label == "birthday")
    question = (await tg.press(EN, more, birthday))[-1]
    assert "Type the new birthday" in question.text
    [bad] = await tg.say(EN, "February 30")
    assert "not a real date" in bad.text
    [saved] = await tg.say(EN, "3 May 1985")
    assert "birthday changed from “(empty)” to “1985-5-3”" in saved.text
    async with tg.app.uows() as uow:
        customer = (await uow.session.scalars(select(Customer))).one()
        actions = (await uow.session.scalars(select(AuditLog.action))).all()
    assert (customer.tier, str(customer.birthday)) == ("A", "1985-05-03")
    assert actions.count("customer.edit") == 2
