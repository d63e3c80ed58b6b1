"""Customers and what their profile card shows."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from datetime import datetime
from typing import Any, NamedTuple, cast

from sqlalchemy import (
    ColumnElement,
    Select,
    Table,
    and_,
    bindparam,
    func,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key
from sqlalchemy.sql.dml import Insert
from sqlalchemy.sql.elements import BindParameter

from store.clean import clean_values
from store.models import Activity, AuditLog, Customer, Deal
from store.repos.chat import ADD_AUDIT_ROW
from store.repos.deals import DealBrief, still_open
from store.repos.once import is_postgres
from store.scope import Scope, Shape, bound_where


class CustomerBrief(NamedTuple):
    """What ranking a customer by name and showing the match need, without building an ORM
    object for each."""

    id: int
    name: str
    company: str | None
    phone: str | None
    title: str | None
    owner_id: int | None  # a choice between namesakes names each one's owner
    # Set when the match is a contact of this (company) customer: then name, phone and title
    # are the contact's and company the customer's name (store/repos/contacts.py).
    contact_id: int | None = None


# The customer columns a brief reads (a contact brief reads its own: contact_brief_columns).
BRIEF_FIELDS = CustomerBrief._fields[:6]


class CustomerRef(NamedTuple):
    """A customer as logging an activity on them reads it: who owns them, how they are named,
    and when they were last contacted. A plain row: the Save of a visit needs no more."""

    id: int
    org_id: int
    owner_id: int | None
    name: str
    title: str | None
    company: str | None
    last_contact_at: datetime | None


class CustomerRepo:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, customer: Customer) -> Customer:
        self.session.add(customer)
        await self.session.flush()
        return customer

    async def get(self, scope: Scope, customer_id: int) -> Customer | None:
        # A built statement, not session.get: that builds its query anew each time, on
        # every Save. An object this session already holds is the one returned.
        customer = (await self.session.scalars(_BY_ID, {"id": customer_id})).first()
        if customer is None or not scope.allows(customer.org_id, customer.owner_id):
            return None
        return customer

    async def ref(self, scope: Scope, customer_id: int) -> CustomerRef | None:
        """`get`'s customer as a plain row, or None when it is not visible in `scope`."""
        row = (await self.session.execute(_REF_BY_ID, {"id": customer_id})).first()
        if row is None or not scope.allows(row.org_id, row.owner_id):
            return None
        return CustomerRef._make(row)

    async def ref_and_open_deals(
        self, scope: Scope, customer_id: int, limit: int = 50
    ) -> tuple[CustomerRef, list[DealBrief]] | None:
        """`ref`, and the customer's open deals visible in `scope` (latest move first), in one
        query: what the Save of a visit reads before it writes."""
        binds = {**scope.binds(), "id": customer_id}
        rows = (await self.session.execute(_ref_and_open_deals(scope.shape, limit), binds)).all()
        if not rows:
            return None
        width = len(CustomerRef._fields)
        ref = CustomerRef._make(rows[0][:width])
        if not scope.allows(ref.org_id, ref.owner_id):
            return None
        return ref, [DealBrief._make(row[width:]) for row in rows if row[width] is not None]

    async def contacted(self, customer_id: int, at: datetime) -> None:
        """Move the customer's last contact to `at`, unless it is already later (also when
        another transaction moved it meanwhile); a copy this session holds follows."""
        await self.session.execute(_CONTACTED, {"customer_id": customer_id, "at": at})
        held = self.session.identity_map.get(identity_key(Customer, customer_id))
        if isinstance(held, Customer) and (
            held.last_contact_at is None or held.last_contact_at < at
        ):
            set_committed_value(held, "last_contact_at", at)

    async def candidates(
        self, scope: Scope, needles: Sequence[str] = (), limit: int = 2000
    ) -> list[CustomerBrief]:
        """Briefs of visible customers whose search key or phone holds any needle (all when
        none). Plain rows: ranking a rep's whole book needs no ORM objects."""
        if needles:  # a big scope, prefiltered: rare, and its shape varies with the query
            stmt = _briefs(scope.shape, limit).where(or_(*(_contains(n) for n in needles)))
        else:
            stmt = _briefs(scope.shape, limit)
        rows = await self.session.execute(stmt, scope.binds())
        return [CustomerBrief(*row) for row in rows.all()]

    async def by_ids(self, ids: Sequence[int]) -> dict[int, Customer]:
        """Customers by id, in one query (callers have checked the scope)."""
        if not ids:
            return {}
        found = await self.session.scalars(_BY_IDS, {"ids": sorted(set(ids))})
        return {c.id: c for c in found.all()}

    async def same_phone(self, org_id: int, phone: str) -> Sequence[Customer]:
        either = or_(Customer.phone == phone, Customer.phone2 == phone)
        stmt = select(Customer).where(Customer.org_id == org_id, either, _live())
        return (await self.session.scalars(stmt)).all()

    async def visible_up_to(self, scope: Scope, cap: int) -> int:
        """How many customers the scope sees, counted no further than cap: cheap for a whole
        company, where a full count or a sorted read would walk every row."""
        visible = scope.where(Customer.org_id, Customer.owner_id)
        some = select(Customer.id).where(visible, _live()).limit(cap).subquery()
        return int((await self.session.scalar(select(func.count()).select_from(some))) or 0)

    async def count(self, scope: Scope) -> int:
        visible = scope.where(Customer.org_id, Customer.owner_id)
        stmt = select(func.count(Customer.id)).where(visible, _live())
        return int((await self.session.scalar(stmt)) or 0)

    async def recent_activities(self, customer_id: int, limit: int = 5) -> Sequence[Activity]:
        stmt = (
            select(Activity)
            .where(Activity.customer_id == customer_id)
            .order_by(Activity.happened_at.desc(), Activity.id.desc())
            .limit(limit)
        )
        return (await self.session.scalars(stmt)).all()

    async def add_activity(self, values: dict[str, Any], audit: dict[str, Any]) -> int:
        """Insert an activity (`values`: the columns a logged activity has) and its audit row
        (AuditLog's columns; the activity's id is filled in as entity_id); the activity's id."""
        values = clean_values(Activity, values)  # a Core insert: no mapper event cleans it
        if is_postgres(self.session):
            params = {f"a_{k}": values.get(k) for k in _ACTIVITY_COLUMNS}
            params.update((f"l_{k}", audit[k]) for k in _AUDIT_COLUMNS)
            return int((await self.session.execute(_ADD_AUDITED_ACTIVITY, params)).scalar_one())
        activity_id = int((await self.session.execute(_ADD_ACTIVITY, values)).scalar_one())
        await self.session.execute(ADD_AUDIT_ROW, {**audit, "entity_id": activity_id})
        return activity_id


_ACTIVITY = cast(Table, Activity.__table__)
# A plain INSERT … RETURNING, not an ORM object and a flush: logging a visit is the hot path,
# and nothing reads the activity back as an object in the same transaction.
_ADD_ACTIVITY = insert(_ACTIVITY).returning(_ACTIVITY.c.id)
_AUDIT_LOG = cast(Table, AuditLog.__table__)
_ACTIVITY_COLUMNS = (
    "org_id", "customer_id", "user_id", "kind", "happened_at", "summary", "location", "photo",
    "created_at", "contact_id",
)  # fmt: skip
_AUDIT_COLUMNS = ("org_id", "user_id", "action", "entity", "before", "after", "at")


def _audited_activity_insert() -> Insert:
    """PostgreSQL: the activity and its audit row in one statement (the activity's INSERT as
    a data-modifying CTE), one round trip where SQLite takes two."""

    def typed(table: Table, prefix: str, column: str) -> BindParameter[Any]:
        return bindparam(prefix + column, type_=table.c[column].type)

    activity = insert(_ACTIVITY).values({c: typed(_ACTIVITY, "a_", c) for c in _ACTIVITY_COLUMNS})
    new = activity.returning(_ACTIVITY.c.id).cte("new_activity")
    row = select(*(typed(_AUDIT_LOG, "l_", c) for c in _AUDIT_COLUMNS), new.c.id)
    audit = insert(_AUDIT_LOG).from_select([*_AUDIT_COLUMNS, "entity_id"], row)
    return audit.returning(_AUDIT_LOG.c.entity_id)


_ADD_AUDITED_ACTIVITY = _audited_activity_insert()
_CUSTOMER = cast(Table, Customer.__table__)
_BY_ID = select(Customer).where(Customer.id == bindparam("id"))
_REF_BY_ID = select(*(_CUSTOMER.c[name] for name in CustomerRef._fields)).where(
    _CUSTOMER.c.id == bindparam("id")
)
_CONTACTED = (
    update(_CUSTOMER)
    .where(
        _CUSTOMER.c.id == bindparam("customer_id"),
        or_(_CUSTOMER.c.last_contact_at.is_(None), _CUSTOMER.c.last_contact_at < bindparam("at")),
    )
    .values(last_contact_at=bindparam("at"))
)
_BY_IDS = select(Customer).where(Customer.id.in_(bindparam("ids", expanding=True)))


@functools.cache
def _ref_and_open_deals(shape: Shape, limit: int) -> Select[Any]:
    """The customer row joined to each open deal in scope (one row with no deal when none)."""
    deal = cast(Table, Deal.__table__)
    its_open_deal = and_(
        deal.c.customer_id == _CUSTOMER.c.id,
        still_open(deal.c.stage),
        bound_where(deal.c.org_id, deal.c.owner_id, shape),
    )
    columns = [
        *(_CUSTOMER.c[n] for n in CustomerRef._fields),
        *(deal.c[n] for n in DealBrief._fields),
    ]
    stmt = select(*columns).select_from(_CUSTOMER.outerjoin(deal, its_open_deal))
    stmt = stmt.where(_CUSTOMER.c.id == bindparam("id"))
    return stmt.order_by(deal.c.stage_changed_at.desc(), deal.c.id.desc()).limit(limit)


@functools.cache
def _briefs(shape: Shape, limit: int) -> Select[Any]:
    """Built once per shape: finding the customer a message names starts here every time."""
    # The table's columns, not the mapped attributes: a statement that names none of those
    # skips the ORM's statement setup and row loading, which cost more than these rows.
    c = _CUSTOMER.c
    stmt = select(*(c[name] for name in BRIEF_FIELDS))
    stmt = stmt.where(bound_where(c.org_id, c.owner_id, shape), _live())
    return stmt.order_by(c.last_contact_at.desc(), c.id).limit(limit)


def _live() -> ColumnElement[bool]:
    """Merged-away and anonymised customers are kept for history, never offered again."""
    return and_(_CUSTOMER.c.merged_into_id.is_(None), _CUSTOMER.c.anonymised_at.is_(None))


def _contains(needle: str) -> ColumnElement[bool]:
    pattern = f"%{_escape_like(needle.lower())}%"
    return or_(
        _CUSTOMER.c.search_key.like(pattern, escape="\\"),
        _CUSTOMER.c.phone.like(pattern, escape="\\"),
    )


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
