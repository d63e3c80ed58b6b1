"""A company's contacts in chat: named on a visit's card, listed on the profile."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from handlers.chat.context import Ctx, UserError
from handlers.chat.titled import Titled
from handlers.i18n import add_texts
from handlers.numbers import parse_id
from handlers.services import contacts as svc
from handlers.services.ops.privacy import mask
from store.models import Customer

MAX_LISTED = 10

add_texts(
    {
        "ct.card_head": ("👥 联系人（{n}）：", "👥 Contacts ({n}):"),
        "ct.card_line": ("• {who}{phone} — {touch}", "• {who}{phone} — {touch}"),
        "ct.card_more": ("…还有 {n} 位", "…and {n} more"),
        "ct.touch": ("最近联系 {when}（{days} 天前）", "last contact {when} ({days} days ago)"),
        "ct.touch_today": ("今天联系过", "contacted today"),
        "ct.touch_never": ("还没有联系记录", "no contact logged yet"),
        "ct.none_yet": (
            "👥 还没有联系人。添加：/newcontact {name} 姓名 电话",
            "👥 No contacts yet. Add one: /newcontact {name}, Name, phone",
        ),
    }
)


@dataclass(frozen=True)
class ContactTitled:
    """A contact titled as the visit card and choices show it: 张总 · 总经理 · 华为; `id` is
    the customer's, whose activity it is."""

    id: int
    name: str
    title: str | None
    company: str | None
    contact_id: int


async def with_contact(ctx: Ctx, customer: Titled, contact_id: int | None) -> Titled:
    """The customer as the card names it: with the contact when one is set."""
    if contact_id is None or getattr(customer, "contact_id", None) == contact_id:
        return customer
    found = await svc.visible(ctx.uow, ctx.scope, contact_id)
    if found is None or found[1].id != customer.id:
        return customer
    contact, company = found
    return ContactTitled(company.id, contact.name, contact.title, company.name, contact.id)


async def picked_contact(ctx: Ctx, customer: Titled, raw: str) -> ContactTitled:
    """A contact chosen by button for this customer; anything else is a stale button."""
    contact_id = parse_id(raw)
    found = await svc.visible(ctx.uow, ctx.scope, contact_id) if contact_id else None
    if found is None or found[1].id != customer.id:
        raise UserError("error.stale_button")
    contact, company = found
    return ContactTitled(company.id, contact.name, contact.title, company.name, contact.id)


async def still_a_contact(ctx: Ctx, customer_id: int, contact_id: int | None) -> int | None:
    """The draft's contact, unless forgotten or moved away since: then the customer alone."""
    if contact_id is None:
        return None
    return contact_id if await svc.belongs(ctx.uow, ctx.scope, customer_id, contact_id) else None


async def contact_lines(ctx: Ctx, customer: Customer) -> list[str]:
    """The profile's contacts with each one's last touch (a company customer only)."""
    if customer.kind != svc.COMPANY:
        return []
    people = await ctx.uow.contacts.of_customer(customer.id, limit=200)
    if not people:
        return [ctx.t("ct.none_yet", name=customer.name)]
    touches = await ctx.uow.contacts.last_touches(customer.id)
    own = ctx.user.role == "admin" or customer.owner_id == ctx.user.id
    lines = [ctx.t("ct.card_head", n=len(people))]
    for person in people[:MAX_LISTED]:
        who = " · ".join(p for p in (person.name, person.title) if p)
        numbers = [n for n in (person.phone, person.phone2) if n]
        phone = " · ".join(n if own else mask(n) or "" for n in numbers)
        touch = _touch(ctx, touches.get(person.id))
        shown = f" 📞 {phone}" if phone else ""
        lines.append(ctx.t("ct.card_line", who=who, phone=shown, touch=touch))
    if len(people) > MAX_LISTED:
        lines.append(ctx.t("ct.card_more", n=len(people) - MAX_LISTED))
    return lines


def _touch(ctx: Ctx, at: datetime | None) -> str:
    if at is None:
        return ctx.t("ct.touch_never")
    days = (ctx.local_now().date() - at.astimezone(ctx.tz).date()).days
    if days <= 0:
        return ctx.t("ct.touch_today")
    return ctx.t("ct.touch", when=ctx.when(at, False), days=days)
