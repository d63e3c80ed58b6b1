"""Export customers, activities or deals of a scope (optionally one team or owner) as a table.

Rows stream from the database into the writer; phones are masked for viewers who should not
see them (see privacy.py), the CLI exports as the operator and sees everything.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import aliased

from handlers.services.ops.privacy import mask
from handlers.services.ops.tabular import TableWriter
from store.models import Activity, Customer, Deal, User
from store.scope import Scope
from store.uow import UnitOfWork

KINDS = ("customers", "activities", "deals")
Owner = aliased(User)

_HEADERS = {
    "customers": [
        "id", "name", "company", "title", "phone", "email", "wechat", "industry", "source",
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
}  # fmt: skip


def narrowed(scope: Scope, owners: frozenset[int] | None) -> Scope:
    """The viewer's scope cut down to a team's or one person's records."""
    if owners is None:
        return scope
    return Scope(scope.org_id, owners if scope.owner_ids is None else owners & scope.owner_ids)


def _query(what: str, scope: Scope) -> Select[Any]:
    if what == "customers":
        cols = [getattr(Customer, h) for h in _HEADERS["customers"] if h != "owner"]
        return (
            select(*cols[:14], Owner.name, *cols[14:], Customer.owner_id)
            .outerjoin(Owner, Owner.id == Customer.owner_id)
            .where(scope.where(Customer.org_id, Customer.owner_id))
            .where(Customer.merged_into_id.is_(None))
            .order_by(Customer.id)
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


async def export(
    uow: UnitOfWork, scope: Scope, what: str, writer: TableWriter, viewer: User | None = None
) -> int:
    """Write the header and every row; returns the number of data rows."""
    writer.append(list(_HEADERS[what]))
    phone_at = _HEADERS["customers"].index("phone")
    async for row in uow.ops.stream(_query(what, scope)):
        values = [_cell(v) for v in row]
        if what == "customers":
            owner_id = values.pop()
            if viewer is not None and viewer.role != "admin" and owner_id != viewer.id:
                values[phone_at] = mask(values[phone_at])
        writer.append(values)
    writer.close()
    return writer.rows - 1


def _cell(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat(timespec="minutes")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value
