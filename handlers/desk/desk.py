"""The desk's entry point: a customer's message in, answers and rep notices queued, once."""

from __future__ import annotations

import re
from datetime import datetime

from handlers.clock import Clock
from handlers.desk import links, satisfaction, texts, tickets
from handlers.desk.config import DeskConfig
from handlers.desk.notify import notify_user, numbered_bodies
from handlers.i18n import t
from handlers.messages import Choice, InboundMessage, Reply, numbered_choices
from handlers.numbers import parse_small_int
from handlers.services.customers import normalize_phone
from handlers.services.feedback import store_answer
from store.models import CustomerLink
from store.uow import UnitOfWork, UnitOfWorkFactory

assert texts  # registers the desk's texts
OPT_OUT = {"退订", "td", "unsubscribe", "stop", "取消订阅"}
CONSENT = {"同意", "订阅", "yes", "subscribe"}
ANSWER_YES = {"好", "好的", "可以", "是", "y", "ok", "agree"}  # only right after the question
ANSWER_NO = {"不同意", "不用", "不用了", "不要", "否", "no", "n"}
HUMAN = {"人工", "人工服务", "转人工", "human", "agent"}
BIND = re.compile(r"(?:绑定|bind)\s*([A-Za-z0-9]{4,16})", re.IGNORECASE)
PHONE = re.compile(r"\+?[\d\s\-()]{7,20}")


class Desk:
    def __init__(self, uows: UnitOfWorkFactory, clock: Clock, config: DeskConfig) -> None:
        self.uows, self.clock, self.config = uows, clock, config

    async def handle(self, msg: InboundMessage) -> list[Reply]:
        """Answer one customer message; a redelivered one changes and sends nothing."""
        async with self.uows() as uow:
            now = self.clock.now()
            if msg.dedupe_key and not await uow.chat.first_delivery(
                msg.channel, msg.dedupe_key, now
            ):
                return []
            replies = await self._dispatch(uow, msg, now)
            await self._answer(uow, msg, replies, now)
            await uow.commit()
            return replies

    async def _dispatch(self, uow: UnitOfWork, msg: InboundMessage, now: datetime) -> list[Reply]:
        if msg.payload == "unsubscribe":  # they can no longer be written to: no answer
            link = await uow.desk.link(msg.channel, msg.user_id)
            if link is not None:
                await links.opt_out(uow, link, now, unsubscribed=True)
            return []
        link = await links.touch(uow, self.config, msg, now)
        if msg.payload is not None and msg.payload.split(":")[0] == "subscribe":
            return await self._welcome(uow, link, msg.payload.partition(":")[2], now)
        text = (msg.text or "").strip()
        if not text and any(a.kind == "voice" for a in msg.attachments):
            return [Reply(t(self._lang(link), "desk.voice"))]  # not recognised: ask for text
        return await self._on_text(uow, link, msg, text, now) if text else []

    async def _welcome(
        self, uow: UnitOfWork, link: CustomerLink, code: str, now: datetime
    ) -> list[Reply]:
        """Following (again): hello, a binding from the rep's QR code, and the consent question."""
        link.subscribed = True
        replies = []
        if code and (customer := await links.bind_by_code(uow, link, code, now)):
            replies.append(Reply(t(self._lang(link), "desk.bound", name=customer.name)))
        lang = self._lang(link)
        choices = (
            Choice(t(lang, "desk.consent_yes"), "consent:yes"),
            Choice(t(lang, "desk.consent_no"), "consent:no"),
        )
        return [*replies, Reply(t(lang, "desk.welcome"), choices)]

    async def _on_text(
        self, uow: UnitOfWork, link: CustomerLink, msg: InboundMessage, text: str, now: datetime
    ) -> list[Reply]:
        word = text.casefold()
        chosen = await self._pending_answer(uow, msg, word)
        if chosen is not None and chosen.startswith("pick:"):
            return [Reply(t(self._lang(link), "desk.pick_range", n=chosen[5:]))]
        if chosen is not None and chosen.startswith("fb:"):
            return await self._feedback(uow, link, chosen, now)
        if chosen is None and _menu_number(word) is not None:
            # A stray number (a second rating, a mistyped choice) is no request: no ticket.
            return [Reply(t(self._lang(link), "desk.just_number"))]
        asked = None if chosen is None else chosen == "consent:yes"
        if word in OPT_OUT:
            await links.opt_out(uow, link, now, unsubscribed=False)
            return [Reply(t(self._lang(link), "desk.opted_out"))]
        if asked is not None or word in CONSENT:
            yes = asked if asked is not None else True
            await links.set_consent(uow, link, yes, now)
            return [Reply(t(self._lang(link), "desk.consented" if yes else "desk.declined"))]
        if word in HUMAN:
            return await self._ticket(uow, link, "callback", text, now)
        return await self._bind_or_ticket(uow, link, text, now)

    async def _bind_or_ticket(
        self, uow: UnitOfWork, link: CustomerLink, text: str, now: datetime
    ) -> list[Reply]:
        lang = self._lang(link)
        if bind := BIND.fullmatch(text):
            if not links.may_try_binding(link, now):
                return [Reply(t(lang, "desk.bind_later"))]
            customer = await links.bind_by_code(uow, link, bind.group(1), now)
            if customer is None:
                return [Reply(t(lang, "desk.bad_code"))]
            return [Reply(t(lang, "desk.bound", name=customer.name))]
        phone = normalize_phone(text) if PHONE.fullmatch(text) else None
        if phone is not None and link.customer_id is None:
            await self._phone_claimed(uow, link, phone, now)
            # The same answer whoever's number it is: it must not tell a stranger anything.
            return [Reply(t(lang, "desk.phone_need_code"))]
        return await self._ticket(uow, link, tickets.kind_of(text), text, now)

    async def _ticket(
        self, uow: UnitOfWork, link: CustomerLink, kind: str, text: str, now: datetime
    ) -> list[Reply]:
        ticket, new = await tickets.open_ticket(uow, self.config, link, kind, text, now)
        lang = self._lang(link)
        if not new:
            return [Reply(t(lang, "desk.ticket_more", id=ticket.id))]
        who = t(lang, "desk.your_adviser" if link.customer_id else "desk.our_team")
        key = "desk.callback" if kind == "callback" else "desk.ticket"
        return [Reply(t(lang, key, id=ticket.id, who=who))]

    async def _phone_claimed(
        self, uow: UnitOfWork, link: CustomerLink, phone: str, now: datetime
    ) -> None:
        """Anyone can type a phone number, so it binds nothing: the owner of that number's
        customer hears of it and can send the real customer a code. Counted as a binding
        attempt, so a follower cannot page reps with every number they try."""
        if not links.may_try_binding(link, now):
            return
        links.count_attempt(link, now)
        customer = await links.phone_owner(uow, link, phone)
        if customer is None:
            return
        user = await tickets.assignee_for(uow, link.org_id, customer)
        if user is None:
            return
        name = tickets.customer_label(customer, user.lang)
        notice = Reply(t(user.lang, "desk.n_phone_claim", customer=name), private=True)
        key = f"claim:{link.id}:{now.isoformat()}"
        await notify_user(uow, user, notice, key, now, self.config.notify_channels)

    async def _feedback(
        self, uow: UnitOfWork, link: CustomerLink, payload: str, now: datetime
    ) -> list[Reply]:
        """A 1–5 answer to the post-sale question: stored for the rep and the digest."""
        if link.customer_id is not None:
            row = await store_answer(uow, link.org_id, link.customer_id, payload, now)
            if row is not None:  # the owning rep hears of it at once, good or bad
                await satisfaction.tell_owner(uow, self.config, row, now)
        return [Reply(t(self._lang(link), "desk.feedback_thanks"))]

    @staticmethod
    async def _pending_answer(uow: UnitOfWork, msg: InboundMessage, word: str) -> str | None:
        """The payload of the choice just offered (consent, satisfaction), picked by number or
        word; then forget the offer. A number outside the offer keeps it: "pick:<N>"."""
        key = (msg.channel, msg.user_id, msg.user_id)
        row = await uow.chat.state(*key)
        if row is None:
            return None
        offered: list[list[str]] = row.data.get("_choices", [])
        number = _menu_number(word)
        if offered and number is not None and not 1 <= number <= len(offered):
            return f"pick:{len(offered)}"
        await uow.chat.clear_state(key)
        if number is not None and offered:
            return offered[number - 1][1]
        is_consent = any(payload.startswith("consent:") for _label, payload in offered)
        if is_consent and (word in ANSWER_YES or word in ANSWER_NO):
            return "consent:yes" if word in ANSWER_YES else "consent:no"
        return None

    async def _answer(
        self, uow: UnitOfWork, msg: InboundMessage, replies: list[Reply], now: datetime
    ) -> None:
        """Queue the answers with the change; remember offered choices so "1" works next."""
        ref = msg.dedupe_key or msg.message_id or now.isoformat()
        link = await uow.desk.link(msg.channel, msg.user_id)
        lang = self._lang(link) if link else self.config.default_lang
        for i, body in enumerate(numbered_bodies(replies, lang)):
            await uow.outbox.enqueue(
                msg.channel, msg.user_id, body, f"{msg.channel}:{ref}:{i}", now
            )
        offered = [[c.label, c.payload] for c in numbered_choices(replies)]
        if offered:
            state_key = (msg.channel, msg.user_id, msg.user_id)
            await uow.chat.save_state(state_key, "desk.ask", {"_choices": offered}, now)

    def _lang(self, link: CustomerLink) -> str:
        return link.lang or self.config.default_lang


def _menu_number(word: str) -> int | None:
    """A short number as typed to pick from a menu (phones and codes are longer)."""
    return parse_small_int(word) if len(word) <= 3 else None
