"""A customer's Official Account link: consent, opting out, and binding it to a record."""

from __future__ import annotations

from datetime import datetime

from handlers.desk.config import DeskConfig
from handlers.i18n import pick_lang
from handlers.messages import InboundMessage
from handlers.services.audit import record, snapshot
from store.models import Customer, CustomerLink
from store.uow import UnitOfWork

FIELDS = ("org_id", "customer_id", "subscribed", "consent", "opted_out_at")


async def touch(uow: UnitOfWork, config: DeskConfig, msg: InboundMessage) -> CustomerLink:
    """The sender's link, created on first contact; its time opens WeChat's 48-hour window."""
    lang = pick_lang(msg.locale, config.default_lang) if msg.locale else None
    new = CustomerLink(
        org_id=config.org_id,
        channel=msg.channel,
        external_id=msg.user_id,
        subscribed=True,
        consent=False,
        lang=lang,
        created_at=msg.sent_at,
    )
    link = await uow.desk.link_or_new(new)
    if link.last_inbound_at is None or link.last_inbound_at < msg.sent_at:
        link.last_inbound_at = msg.sent_at
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
    """A code a rep made with /bind; spent on use, valid only in this link's org."""
    found = await uow.desk.bind_code(code.upper())
    if found is None or found.used_at is not None or found.expires_at <= now:
        return None
    if found.org_id != link.org_id:
        return None
    found.used_at = now
    return await _bind(uow, link, found.customer_id, now, "code")


async def bind_by_phone(
    uow: UnitOfWork, link: CustomerLink, phone: str, now: datetime
) -> Customer | None:
    """Only an unambiguous match links; the owner is asked to confirm it's really them."""
    matches = await uow.customers.same_phone(link.org_id, phone)
    if len(matches) != 1:
        return None
    return await _bind(uow, link, matches[0].id, now, "phone")


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
