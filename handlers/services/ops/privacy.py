"""Privacy: who sees full phone numbers, subject-access export, anonymising, audit retention.

Phone rule: admins and a customer's own rep see the full number. Everyone else — a manager
looking at a team member's customer, anyone browsing the team pool — sees it masked
(139****5678): managers coach and review, they do not call their reps' customers.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from handlers.i18n import add_texts
from handlers.services.audit import record, snapshot
from handlers.services.ops.config import ops_settings
from handlers.services.ops.ownership import OpsError
from store.models import Contact, Customer, User
from store.uow import UnitOfWork

PII_FIELDS = (
    "name", "company", "title", "phone", "phone2", "email", "wechat", "address", "notes", "tags",
    "birthday", "search_key",
)  # fmt: skip
SCRUBBED = "***"

add_texts(
    {
        "pv.already": ("这个客户已经匿名化了。", "That customer is already anonymised."),
        "pv.retention_short": ("审计日志至少保留 30 天。", "Keep the audit log at least 30 days."),
    }
)


def mask(phone: str | None) -> str | None:
    if not phone:
        return phone
    if len(phone) <= 6:
        return "*" * len(phone)
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]


def visible_phone(viewer: User, customer: Customer, number: str | None = None) -> str | None:
    """The customer's phone (or `number`, another of theirs) as this viewer may see it."""
    number = customer.phone if number is None else number
    if viewer.role == "admin" or customer.owner_id == viewer.id:
        return number
    return mask(number)


async def export_customer(uow: UnitOfWork, customer: Customer) -> dict[str, Any]:
    """Everything stored about one customer, as JSON-safe values."""
    found = await uow.ops.about_customer(customer.id)
    return {
        "customer": _row(customer),
        **{kind: [_row(r) for r in rows] for kind, rows in found.items()},
    }


def _row(row: Any) -> dict[str, Any]:
    names = tuple(c.key for c in row.__table__.columns)
    return snapshot(row, names)


async def anonymise(
    uow: UnitOfWork, actor: User | None, customer: Customer, now: datetime
) -> None:
    """Forget who the person is; keep deals, amounts and counts so the figures still add up."""
    if customer.anonymised_at is not None:
        raise OpsError("pv.already")
    # Their own identifiers, looked for in stored messages (outbox, forms, audit): not the
    # company, which other customers share.
    mentions = [customer.name, customer.phone, customer.phone2, customer.email, customer.wechat]
    mentions += await uow.contacts.forget_of(customer.id, SCRUBBED, now)  # a company's people
    for field in PII_FIELDS:
        setattr(customer, field, None)
    customer.name, customer.search_key = f"#{customer.id}", ""
    customer.birthday_lunar = customer.care_consent = False
    customer.anonymised_at = customer.updated_at = now
    await uow.ops.scrub_customer(customer.id, SCRUBBED)
    await uow.ops.scrub_mentions(customer.id, [m for m in mentions if m], SCRUBBED)
    after = {"org_id": customer.org_id, "anonymised_at": now.isoformat()}
    await record(uow, actor, "customer.anonymise", ("customer", customer.id), now, after=after)


async def anonymise_contact(
    uow: UnitOfWork, actor: User | None, contact: Contact, customer: Customer, now: datetime
) -> None:
    """Forget one of a company's people; the company and its history stay."""
    mentions = await uow.contacts.forget_one(contact.id, SCRUBBED, now)
    await uow.ops.scrub_mentions(customer.id, mentions, SCRUBBED)
    after: dict[str, object] = {"org_id": customer.org_id, "customer_id": customer.id}
    after["anonymised_at"] = now.isoformat()
    await record(uow, actor, "contact.anonymise", ("contact", contact.id), now, after=after)


async def set_retention(
    uow: UnitOfWork, actor: User | None, org_id: int, days: int | None, now: datetime
) -> None:
    from handlers.services.ops.config import update_settings

    if days is not None and days < 30:
        raise OpsError("pv.retention_short")
    org = await uow.users.org(org_id)
    assert org is not None
    await update_settings(uow, actor, org, now, audit_retention_days=days)


async def purge_audit(uow: UnitOfWork, org_id: int, now: datetime) -> int:
    """Nightly: drop audit rows older than the org's retention (never when unset)."""
    org = await uow.users.org(org_id)
    assert org is not None
    days = ops_settings(org).audit_retention_days
    if days is None:
        return 0
    return await uow.ops.purge_audit(org_id, now - timedelta(days=days))
