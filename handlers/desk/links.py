"""A customer's Official Account link: consent, opting out, and binding it to a record."""

from __future__ import annotations

from datetime import datetime, timedelta

from handlers.desk.config import DeskConfig
from handlers.i18n import pick_lang
from handlers.messages import InboundMessage
from handlers.services.audit import record, snapshot
from store.models import Customer, CustomerLink
from store.uow import UnitOfWork

FIELDS = ("org_id", "customer_id", "subscribed", "consent", "opted_out_at")
ATTEMPTS = 5  # binding tries per follower and hour: a 6-character code cannot be guessed
ATTEMPT_WINDOW = timedelta(hours=1)


async def touch(
    uow: UnitOfWork, config: DeskConfig, msg: InboundMessage, now: datetime
) -> CustomerLink:
    """The sender's link, created on first contact. When we received the message opens
    WeChat's 48-hour window: its CreateTime is the sender's to choose, and WeChat counts
    from its own receipt."""
    received = msg.received_at or now
    lang = pick_lang(msg.locale, config.default_lang) if msg.locale else None
    new = CustomerLink(
        org_id=config.org_id,
        channel=msg.channel,
        external_id=msg.user_id,
        subscribed=True,
        consent=False,
        lang=lang,
        created_at=received,
    )
    link = await uow.desk.link_or_new(new)
    if link.last_inbound_at is None or link.last_inbound_at < received:
        link.last_inbound_at = received
    return link


async def set_consent(uow: UnitOfWork, link: CustomerLink, yes: bool, now: datetime) -> None:
    """Yes clears an earlier opt-out; the linked customer record follows the answer."""
    before = snapshot(link, FIELDS)
    link.consent = yes
    if yes:
        link.opted_out_at = None
    await _follow(uow, link, now)
    action = "desk.consent" if yes else "desk.decline"
    await record(
        uow, None, action, ("customer_link", link.id), now, before, snapshot(link, FIELDS)
    )


async def opt_out(uow: UnitOfWork, link: CustomerLink, now: datetime, unsubscribed: bool) -> None:
    """退订 / TD / unfollowing: no care message may reach this customer any more."""
    before = snapshot(link, FIELDS)
    link.consent, link.opted_out_at = False, now
    if unsubscribed:
        link.subscribed = False
    await _follow(uow, link, now)
    after = snapshot(link, FIELDS)
    await record(uow, None, "desk.opt_out", ("customer_link", link.id), now, before, after)


async def bind_by_code(
    uow: UnitOfWork, link: CustomerLink, code: str, now: datetime
) -> Customer | None:
    """A code a rep made with /bind; spent on use, valid only in this link's org. A follower
    gets ATTEMPTS tries an hour (codes are not guessed), after which nothing is looked up."""
    if not may_try_binding(link, now):
        return None
    found = await uow.desk.bind_code(code.upper())
    usable = found is not None and found.used_at is None and found.expires_at > now
    if found is None or not usable or found.org_id != link.org_id:
        count_attempt(link, now)
        return None
    found.used_at = now
    link.bind_failures, link.bind_failed_since = 0, None
    return await _bind(uow, link, found.customer_id, now, "code")


def may_try_binding(link: CustomerLink, now: datetime) -> bool:
    """False while this follower has used up their attempts of the current hour."""
    since = link.bind_failed_since
    if since is None or now - since >= ATTEMPT_WINDOW:
        return True
    return link.bind_failures < ATTEMPTS


def count_attempt(link: CustomerLink, now: datetime) -> None:
    """One more try of this follower's hour (a wrong code, a phone number typed)."""
    since = link.bind_failed_since
    if since is None or now - since >= ATTEMPT_WINDOW:
        link.bind_failures, link.bind_failed_since = 0, now
    link.bind_failures += 1


async def phone_owner(uow: UnitOfWork, link: CustomerLink, phone: str) -> Customer | None:
    """The one customer of this org with that phone, if exactly one: whom to tell that a
    follower claims to be them. Never a binding: anyone can type anyone's number."""
    matches = await uow.customers.same_phone(link.org_id, phone)
    return matches[0] if len(matches) == 1 else None


async def _bind(
    uow: UnitOfWork, link: CustomerLink, customer_id: int, now: datetime, how: str
) -> Customer | None:
    customer = await uow.desk.customer(customer_id)
    if customer is None:
        return None
    before = snapshot(link, FIELDS)
    link.customer_id = customer.id
    await _follow(uow, link, now)
    after = {**snapshot(link, FIELDS), "how": how}
    await record(uow, None, "desk.bind", ("customer_link", link.id), now, before, after)
    return customer


async def _follow(uow: UnitOfWork, link: CustomerLink, now: datetime) -> None:
    """Mirror what the customer said on the link onto their record (audited there too)."""
    if link.customer_id is None:
        return
    customer = await uow.desk.customer(link.customer_id)
    if customer is None:
        return
    wanted = link.consent if (link.consent or link.opted_out_at) else customer.care_consent
    if customer.care_consent == wanted:
        return
    before = snapshot(customer, ("org_id", "care_consent"))
    customer.care_consent, customer.updated_at = wanted, now
    after = snapshot(customer, ("org_id", "care_consent"))
    await record(uow, None, "customer.consent", ("customer", customer.id), now, before, after)
