"""Bulk data work for operations: duplicates, merges, imports, exports and privacy."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    delete,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.ext.asyncio import AsyncSession

from store.clean import clean_values
from store.models import (
    Activity,
    AuditLog,
    Base,
    Contact,
    Customer,
    CustomerLink,
    Deal,
    DealStageHistory,
    Feedback,
    Instalment,
    MediaFile,
    OwnerChange,
    Payment,
    Reminder,
    Ticket,
)
from store.repos.once import is_postgres
from store.scope import Scope

# Rows that hang on a customer and move with it when two customers merge.
CUSTOMER_CHILDREN: dict[str, tuple[type[Base], str]] = {
    "activity": (Activity, "customer_id"),
    "deal": (Deal, "customer_id"),
    "reminder": (Reminder, "customer_id"),
    "ticket": (Ticket, "customer_id"),
    "feedback": (Feedback, "customer_id"),
    "customer_link": (CustomerLink, "customer_id"),
    "contact": (Contact, "customer_id"),  # a company's people go with it
}

T = TypeVar("T")


def _live() -> ColumnElement[bool]:
    return and_(Customer.merged_into_id.is_(None), Customer.anonymised_at.is_(None))


class OpsDataQueries:
    session: AsyncSession

    async def same_value_groups(self, scope: Scope, column: str) -> list[list[int]]:
        """Ids of visible live customers sharing a phone or (case-blind) email, per value."""
        col = getattr(Customer, column)
        key = func.lower(col) if column == "email" else col
        stmt = (
            select(key, Customer.id)
            .where(scope.where(Customer.org_id, Customer.owner_id), _live(), col.is_not(None))
            .where(col != "")
            .where(key.in_(_shared_values(scope, key)))
            .order_by(key, Customer.id)
        )
        groups: dict[str, list[int]] = {}
        for value, cid in (await self.session.execute(stmt)).all():
            groups.setdefault(str(value), []).append(int(cid))
        return list(groups.values())

    async def name_rows(self, scope: Scope) -> list[tuple[int, str, str | None, str]]:
        stmt = select(Customer.id, Customer.name, Customer.company, Customer.search_key).where(
            scope.where(Customer.org_id, Customer.owner_id), _live()
        )
        return [tuple(r) for r in (await self.session.execute(stmt.order_by(Customer.id))).all()]  # type: ignore[misc]

    async def child_ids(self, kind: str, customer_id: int) -> list[int]:
        model, column = CUSTOMER_CHILDREN[kind]
        col = getattr(model, column)
        stmt = select(model.id).where(col == customer_id).order_by(model.id)  # type: ignore[attr-defined]
        return [int(i) for i in (await self.session.scalars(stmt)).all()]

    async def repoint(self, kind: str, ids: Sequence[int], customer_id: int) -> None:
        if not ids:
            return
        model, column = CUSTOMER_CHILDREN[kind]
        stmt = (
            update(model)
            .where(model.id.in_(list(ids)))  # type: ignore[attr-defined]
            .values({column: customer_id})
            .execution_options(synchronize_session="fetch")
        )
        await self.session.execute(stmt)

    async def import_matches(
        self,
        org_id: int,
        phones: Sequence[str],
        emails: Sequence[str],
        named: Sequence[tuple[str, str]],
    ) -> list[tuple[int, str | None, str | None, str, str | None]]:
        """Live customers of an org with one of these phones, (lower-cased) emails or
        (company, name) pairs (company "" for none): what one batch of an import could
        duplicate, read through the (org_id, phone), case-blind (org_id, email),
        (org_id, company, name) and (org_id, name) indexes instead of the whole org. In id
        order, so the oldest customer wins a key."""
        cols = (Customer.id, Customer.phone, Customer.email, Customer.name, Customer.company)
        alone = sorted({n for c, n in named if not c})
        wheres: list[ColumnElement[bool]] = [
            Customer.phone.in_(v) for v in _chunks(sorted(set(phones)), 500)
        ]
        email = _email_ci(self.session)
        wheres += [email.in_(v) for v in _chunks(sorted(set(emails)), 500)]
        # company IN and name IN, not (company, name) IN: SQLite seeks the index for the first
        # and scans the org for the second. Extra rows (a name at another batch company) only
        # add keys nobody asks for.
        for chunk in _chunks(sorted(set(named)), 250):
            companies, names = {c for c, _ in chunk}, {n for _, n in chunk}
            wheres.append(and_(Customer.company.in_(companies), Customer.name.in_(names)))
        wheres += [
            and_(Customer.company.is_(None), Customer.name.in_(v)) for v in _chunks(alone, 500)
        ]
        found: dict[int, tuple[int, str | None, str | None, str, str | None]] = {}
        for where in wheres:
            stmt = select(*cols).where(Customer.org_id == org_id, where, _live())
            for row in (await self.session.execute(stmt)).all():
                found.setdefault(int(row[0]), tuple(row))  # type: ignore[arg-type]
        return [found[i] for i in sorted(found)]

    async def insert_customers(self, rows: Sequence[dict[str, Any]]) -> list[int]:
        """Bulk insert, ids in row order.

        SQLite: ids are assigned here, because RETURNING through aiosqlite fetches row by row
        (a thread hop each, most of a 100k import). Safe: the transaction began IMMEDIATE,
        so nobody else inserts until we commit. PostgreSQL: one RETURNING per batch.
        """
        rows = [clean_values(Customer, r) for r in rows]  # a Core insert: no mapper event
        if self.session.get_bind().dialect.name != "sqlite":
            stmt = insert(Customer).returning(Customer.id, sort_by_parameter_order=True)
            return [int(i) for i in (await self.session.scalars(stmt, list(rows))).all()]
        first = int(await self.session.scalar(select(func.max(Customer.id))) or 0) + 1
        ids = list(range(first, first + len(rows)))
        numbered = [r | {"id": i} for r, i in zip(rows, ids, strict=True)]
        await self.session.execute(insert(Customer), numbered)
        return ids

    async def insert_audit(self, rows: Sequence[dict[str, Any]]) -> None:
        if rows:
            await self.session.execute(insert(AuditLog), list(rows))

    async def stream(self, stmt: Select[Any]) -> AsyncIterator[Any]:
        result = await self.session.stream(stmt.execution_options(yield_per=2000))
        async for row in result:
            yield row

    async def about_customer(self, customer_id: int) -> dict[str, list[Any]]:
        """Every row that mentions one customer, for a subject-access export."""
        deal_ids = select(Deal.id).where(Deal.customer_id == customer_id)
        queries: dict[str, Select[Any]] = {
            **{
                kind: select(model).where(getattr(model, col) == customer_id)
                for kind, (model, col) in CUSTOMER_CHILDREN.items()
            },
            "deal_stage_history": select(DealStageHistory).where(
                DealStageHistory.deal_id.in_(deal_ids)
            ),
            "instalment": select(Instalment).where(Instalment.deal_id.in_(deal_ids)),
            "payment": select(Payment).where(Payment.deal_id.in_(deal_ids)),
            "owner_change": select(OwnerChange).where(OwnerChange.customer_id == customer_id),
            "audit_log": select(AuditLog).where(
                AuditLog.entity == "customer", AuditLog.entity_id == customer_id
            ),
        }
        return {k: list((await self.session.scalars(q)).all()) for k, q in queries.items()}

    async def scrub_customer(self, customer_id: int, mark: str) -> None:
        """Overwrite free text about a customer, drop their chat identities and audit details."""
        touched: list[tuple[str, list[int]]] = [("customer", [customer_id])]
        # Photos of their visits go with the text (kept bytes are found by the media id the
        # activity holds, so before that id is overwritten below).
        photos = select(Activity.photo).where(
            Activity.customer_id == customer_id, Activity.photo.is_not(None)
        )
        await self.session.execute(delete(MediaFile).where(MediaFile.external_id.in_(photos)))
        for model, values in _FREE_TEXT.items():
            stmt = select(model.id).where(model.customer_id == customer_id)  # type: ignore[attr-defined]
            ids = [int(i) for i in (await self.session.scalars(stmt)).all()]
            touched.append((model.__tablename__, ids))
            if ids:
                done = update(model).where(model.id.in_(ids)).values(**{k: mark for k in values})  # type: ignore[attr-defined]
                await self.session.execute(done.execution_options(synchronize_session="fetch"))
        await self.session.execute(
            delete(CustomerLink).where(CustomerLink.customer_id == customer_id)
        )
        for entity, ids in touched:
            stmt = select(AuditLog).where(AuditLog.entity == entity, AuditLog.entity_id.in_(ids))
            for row in (await self.session.scalars(stmt)).all():
                row.before, row.after = _scrubbed(row.before, mark), _scrubbed(row.after, mark)
        await self.session.flush()

    async def purge_audit(self, org_id: int, before: datetime) -> int:
        stmt = delete(AuditLog).where(AuditLog.org_id == org_id, AuditLog.at < before)
        result = await self.session.execute(stmt.execution_options(synchronize_session=False))
        return int(getattr(result, "rowcount", 0) or 0)


_FREE_TEXT: dict[type[Base], tuple[str, ...]] = {
    Activity: ("summary", "outcome", "next_step", "location", "photo"),
    Reminder: ("text",),
    Ticket: ("text",),
    Feedback: ("comment",),
}
_PII_KEYS = {"name", "company", "title", "phone", "email", "wechat", "address", "notes"}
_PII_KEYS |= {"summary", "outcome", "next_step", "text", "comment", "tags", "birthday"}


def _scrubbed(values: dict[str, Any] | None, mark: str) -> dict[str, Any] | None:
    if values is None:
        return None
    return {k: (mark if k in _PII_KEYS and v is not None else v) for k, v in values.items()}


def _email_ci(session: AsyncSession) -> ColumnElement[Any]:
    """The email as migration 0009_dedupe's case-blind index holds it; the values it is
    compared with are lower-cased."""
    if is_postgres(session):
        return func.lower(Customer.email)
    return Customer.email.collate("NOCASE")


def _chunks(values: list[T], size: int) -> list[list[T]]:
    """Short IN lists: a bind parameter each, and backends cap how many one statement has."""
    return [values[i : i + size] for i in range(0, len(values), size)]


def name_key(name: str, company: str | None) -> str:
    return f"{' '.join(name.split()).casefold()}|{' '.join((company or '').split()).casefold()}"


def _shared_values(scope: Scope, key: Any) -> Select[Any]:
    return (
        select(key)
        .where(scope.where(Customer.org_id, Customer.owner_id), _live(), key.is_not(None))
        .group_by(key)
        .having(func.count(Customer.id) > 1)
    )
