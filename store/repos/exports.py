"""The queries behind exports: customers, activities or deals of a scope, as plain rows."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import aliased

from store.models import Activity, Contact, Customer, Deal, User
from store.scope import Scope

Owner = aliased(User)

EXPORT_HEADERS = {
    "customers": [
        "id", "name", "company", "title", "phone", "phone2", "email", "wechat", "industry",
        "source",
        "tier", "lifecycle", "segment_abc", "rfm", "value_class", "owner", "last_contact_at",
        "created_at",
    ],
    "activities": [
        "id", "customer_id", "customer", "by", "kind", "happened_at", "summary", "outcome",
        "next_step",
    ],
    "deals": [
        "id", "customer_id", "customer", "title", "amount", "currency", "stage", "owner",
        "expected_close", "created_at", "closed_at", "close_reason",
    ],
    "contacts": [
        "id", "customer_id", "company", "name", "title", "phone", "phone2", "email", "birthday",
        "birthday_lunar", "care_consent", "lang", "created_at",
    ],
}  # fmt: skip


def export_query(what: str, scope: Scope) -> Select[Any]:
    if what == "customers":
        cols = [getattr(Customer, h) for h in EXPORT_HEADERS["customers"] if h != "owner"]
        at = EXPORT_HEADERS["customers"].index("owner")
        return (
            select(*cols[:at], Owner.name, *cols[at:], Customer.owner_id)
            .outerjoin(Owner, Owner.id == Customer.owner_id)
            .where(scope.where(Customer.org_id, Customer.owner_id))
            .where(Customer.merged_into_id.is_(None))
            .order_by(Customer.id)
        )
    if what == "contacts":  # a company's people, seen through the company's owner
        k = Contact
        return (
            select(k.id, k.customer_id, Customer.name, k.name, k.title, k.phone, k.phone2)
            .add_columns(k.email, k.birthday, k.birthday_lunar, k.care_consent, k.lang)
            .add_columns(k.created_at, Customer.owner_id)
            .join(Customer, Customer.id == k.customer_id)
            .where(scope.where(Customer.org_id, Customer.owner_id))
            .where(Customer.merged_into_id.is_(None), k.anonymised_at.is_(None))
            .order_by(k.id)
        )
    if what == "activities":
        a = Activity
        return (
            select(a.id, a.customer_id, Customer.name, Owner.name, a.kind, a.happened_at)
            .add_columns(a.summary, a.outcome, a.next_step)
            .join(Customer, Customer.id == a.customer_id)
            .join(Owner, Owner.id == a.user_id)
            .where(scope.where(a.org_id, a.user_id))
            .order_by(a.id)
        )
    d = Deal
    return (
        select(d.id, d.customer_id, Customer.name, d.title, d.amount, d.currency, d.stage)
        .add_columns(Owner.name, d.expected_close, d.created_at, d.closed_at, d.close_reason)
        .join(Customer, Customer.id == d.customer_id)
        .outerjoin(Owner, Owner.id == d.owner_id)
        .where(scope.where(d.org_id, d.owner_id))
        .order_by(d.id)
    )
