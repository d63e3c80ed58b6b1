"""Telegram-native input and output: escaping, attachments, contact cards, group chats."""

from __future__ import annotations

import html

from sqlalchemy import select

from store.models import Activity, Customer
from tests.fakes.telegram_api import BOT_ID, BOT_USERNAME, TgUser
from tests.telegram.harness import Harness

REP = TgUser(9001, "小张", "zh-hans")
EN_REP = TgUser(9002, "Dana", "en")
GROUP = -100_555


async def test_user_text_is_escaped_for_html(tg: Harness) -> None:
    await tg.join(REP, "rep_a")
    [created] = await tg.say(REP, "/newcustomer <b>_*[x]&amp; 13900000091")
    assert created.params["parse_mode"] == "HTML"
    assert "&lt;b&gt;_*[x]&amp;amp;" in created.text
    assert "<b>_*[x]&amp;" in html.unescape(created.text)  # what the user sees, literally


async def test_photo_with_caption_attaches_file_id_to_the_visit(tg: Harness) -> None:
    await tg.join(REP, "rep_a")
    await tg.say(REP, "/newcustomer 钱七 13900000092 格力")
    sizes = [
        {"file_id": f"AgAD-{w}", "file_unique_id": f"u{w}", "width": w, "height": w}
        for w in (90, 1280, 320)
    ]
    update = tg.updates.message(REP, None, caption="/visit 今天拜访钱七，看了样机", photo=sizes)
    [card] = await tg.send(update)
    await tg.press(REP, card, "vi:ok")
    async with tg.app.uows() as uow:
        activity = (await uow.session.scalars(select(Activity))).one()
    assert activity.photo == "AgAD-1280"  # the largest size's file id


async def test_location_sent_during_a_visit_lands_on_it(tg: Harness) -> None:
    await tg.join(REP, "rep_a")
    await tg.say(REP, "/newcustomer 赵六 13900000066 小米")
    [card] = await tg.say(REP, "/visit 今天拜访赵六，聊了续约")
    location = {"latitude": 31.2304, "longitude": 121.4737}
    [again] = await tg.send(tg.updates.message(REP, None, location=location))
    assert "请确认" in again.text and again.buttons[0] == ("✅ 保存", "vi:ok")
    await tg.press(REP, again, "vi:ok")
    async with tg.app.uows() as uow:
        activity = (await uow.session.scalars(select(Activity))).one()
    assert activity.location == "31.230400,121.473700"
    assert card.result["message_id"] != again.result["message_id"]  # a fresh card to confirm


async def test_contact_card_creates_a_customer(tg: Harness) -> None:
    await tg.join(EN_REP, "rep_b")
    contact = {
        "phone_number": "+8613900000093",
        "first_name": "Mary",
        "last_name": "Major",
        "vcard": "BEGIN:VCARD\nVERSION:3.0\nFN:Mary Major\nORG:Contoso Ltd;\nEND:VCARD",
    }
    [created] = await tg.send(tg.updates.message(EN_REP, None, contact=contact))
    assert "Customer added" in created.text
    async with tg.app.uows() as uow:
        customer = (await uow.session.scalars(select(Customer))).one()
    assert customer.name == "Mary Major" and customer.company == "Contoso Ltd"
    assert customer.phone == "13900000093"  # +86 numbers are stored in national form


async def test_group_answers_only_what_is_addressed_to_the_bot(tg: Harness) -> None:
    await tg.join(REP, "rep_a")
    ignored = [
        tg.updates.message(REP, "大家好", GROUP),
        tg.updates.message(REP, "/help@some_other_bot", GROUP),
    ]
    for update in ignored:
        assert await tg.send(update) == []
    [by_command] = await tg.say(REP, f"/help@{BOT_USERNAME}", GROUP)
    assert by_command.chat_id == GROUP and "我可以帮你" in by_command.text
    assert by_command.params["reply_parameters"]["message_id"]  # answers the asker's message
    mention = f"@{BOT_USERNAME} 帮助"
    entities = [{"type": "mention", "offset": 0, "length": len(BOT_USERNAME) + 1}]
    [by_mention] = await tg.send(tg.updates.message(REP, mention, GROUP, entities=entities))
    assert "我可以帮你" in by_mention.text
    bot_said = {"message_id": 5, "date": 0, "chat": {"id": GROUP, "type": "supergroup"}}
    bot_said["from"] = {"id": BOT_ID, "is_bot": True, "first_name": "CRM"}
    [by_reply] = await tg.send(tg.updates.message(REP, "帮助", GROUP, reply_to_message=bot_said))
    assert "我可以帮你" in by_reply.text


async def test_customer_data_asked_in_a_group_goes_to_the_private_chat(tg: Harness) -> None:
    await tg.join(REP, "rep_a")
    await tg.say(REP, "/newcustomer 孙八 13900000094 联想")
    [card] = await tg.say(REP, f"/customer@{BOT_USERNAME} 孙八", GROUP)
    assert card.chat_id == REP.id and "孙八" in card.text
    assert all("孙八" not in call.text for call in tg.api.sent(GROUP))
    # a form started in the group continues with the private card's buttons
    [visit_card] = await tg.say(REP, "/visit 今天拜访孙八，谈了方案", GROUP)
    assert visit_card.chat_id == REP.id
    _edit, saved = await tg.press(REP, visit_card, "vi:ok")
    assert "已记录拜访" in saved.text


async def test_member_without_a_private_chat_is_told_in_the_group(tg: Harness) -> None:
    await tg.say(EN_REP, f"/start@{BOT_USERNAME} {tg.invites['rep_b']}", GROUP)
    await tg.say(EN_REP, f"/newcustomer@{BOT_USERNAME} Zed 13900000095", GROUP)
    tg.api.strangers.add(EN_REP.id)  # never pressed Start in a private chat with the bot
    update = tg.updates.message(EN_REP, f"/customer@{BOT_USERNAME} Zed", GROUP)
    assert await tg.send(update) == []
    [notice] = [c for c in tg.api.sent(GROUP) if "private chat" in c.text]
    assert f"t.me/{BOT_USERNAME}" in notice.text and "Zed" not in notice.text
    assert f"tg://user?id={EN_REP.id}" in notice.text
    [row] = await tg.rows(f"tg:{update['update_id']}:")
    assert row.status == "failed" and row.recipient == str(EN_REP.id)


async def test_forged_button_and_forwarded_message_end_to_end(tg: Harness) -> None:
    """A forged `cu:show:<30 digits>` got an OverflowError; a forwarded 'Can …' was logged as
    the rep's visit. Through real PTB both now get a plain answer and save nothing wrong."""
    await tg.join(EN_REP, "rep_a")
    await tg.say(EN_REP, "/newcustomer David Lee 13900000093 Acme")
    origin = {"type": "hidden_user", "sender_user_name": "Can Wang", "date": 1_700_000_000}
    text = "Can David Lee call me back today?"
    [offer] = await tg.send(tg.updates.message(EN_REP, text, forward_origin=origin))
    assert "forwarded message" in offer.text
    [(label, data), *_] = offer.buttons
    assert "David Lee" in label
    forged = tg.updates.press(EN_REP, offer, data)
    forged["callback_query"]["data"] = "cu:show:99999999999999999999999"
    assert any("no longer valid" in c.text for c in await tg.send(forged))
    saved = await tg.press(EN_REP, offer, data)
    assert any("notes" in c.text for c in saved)
    async with tg.app.uows() as uow:
        customer = (await uow.session.scalars(select(Customer))).one()
        assert (await uow.session.scalars(select(Activity))).first() is None
    assert "call me back" in (customer.notes or "")
