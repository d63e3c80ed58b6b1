"""The people of company customers (联系人): adding, listing, last touch, duplicates, privacy.

A contact is seen through its customer: every read that takes a scope checks the customer's
org and owner, so a rep sees the contacts of their own customers, a manager their team's.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, extract, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from store.models import Activity, AuditLog, Contact, Customer, CustomerLink
from store.repos.customers import CustomerBrief
from store.repos.once import is_postgres
from store.scope import Scope

PII = ("name", "title", "phone", "phone2", "email", "birthday", "notes", "search_key")


class ContactRepo:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, contact: Contact) -> Contact:
        self.session.add(contact)
        await self.session.flush()
        return contact

    async def get(self, scope: Scope, contact_id: int) -> tuple[Contact, Customer] | None:
        """The contact and its customer, when the customer is visible in `scope`."""
        stmt = (
            select(Contact, Customer)
            .join(Customer, Customer.id == Contact.customer_id)
            .where(Contact.id == contact_id, Contact.anonymised_at.is_(None))
        )
        row = (await self.session.execute(stmt)).first()
        if row is None or not scope.allows(row[1].org_id, row[1].owner_id):
            return None
        return row[0], row[1]

    async def of_customer(self, customer_id: int, limit: int = 50) -> Sequence[Contact]:
        stmt = (
            select(Contact)
            .where(Contact.customer_id == customer_id, Contact.anonymised_at.is_(None))
            .order_by(Contact.id)
            .limit(limit)
        )
        return (await self.session.scalars(stmt)).all()

    async def last_touches(self, customer_id: int) -> dict[int, datetime]:
        """When each contact of a customer was last in an activity (through the customer's
        activity index: the activities of one customer, not all of them)."""
        stmt = (
            select(Activity.contact_id, func.max(Activity.happened_at))
            .where(Activity.customer_id == customer_id, Activity.contact_id.is_not(None))
            .group_by(Activity.contact_id)
        )
        rows = (await self.session.execute(stmt)).all()
        return {int(cid): at for cid, at in rows if cid is not None}

    async def same_phone(self, org_id: int, phone: str) -> Sequence[Contact]:
        either = or_(Contact.phone == phone, Contact.phone2 == phone)
        stmt = select(Contact).where(Contact.org_id == org_id, either, _live_contact())
        return (await self.session.scalars(stmt)).all()

    async def same_email(self, org_id: int, email: str) -> Sequence[Contact]:
        """Case-blind, through migration 0011's (org_id, email) index."""
        postgres = is_postgres(self.session)
        key = func.lower(Contact.email) if postgres else Contact.email.collate("NOCASE")
        stmt = select(Contact).where(
            Contact.org_id == org_id, key == email.lower(), _live_contact()
        )
        return (await self.session.scalars(stmt)).all()

    async def briefs(self, scope: Scope, limit: int) -> list[CustomerBrief]:
        """Every visible contact as a brief of its customer (see contact_brief_columns): the
        whole-book ranking of a small scope sees contacts as it sees customers."""
        stmt = (
            select(*contact_brief_columns())
            .join(Customer, Customer.id == Contact.customer_id)
            .where(scope.where(Customer.org_id, Customer.owner_id), live_contact_of_customer())
            .order_by(Contact.id)
            .limit(limit)
        )
        return [CustomerBrief(*row) for row in (await self.session.execute(stmt)).all()]

    async def of_customers(self, customer_ids: Sequence[int]) -> dict[int, list[Contact]]:
        if not customer_ids:
            return {}
        stmt = (
            select(Contact)
            .where(Contact.customer_id.in_(sorted(set(customer_ids))), _live_contact())
            .order_by(Contact.id)
        )
        found: dict[int, list[Contact]] = {}
        for contact in (await self.session.scalars(stmt)).all():
            found.setdefault(contact.customer_id, []).append(contact)
        return found

    async def forget_of(self, customer_id: int, mark: str, now: datetime) -> list[str]:
        """Anonymise every contact of a customer (their audit rows too); what identified
        them (names, phones, emails), for scrubbing the messages that mention them."""
        contacts = (
            await self.session.scalars(select(Contact).where(Contact.customer_id == customer_id))
        ).all()
        return await self._forget(contacts, mark, now)

    async def forget_one(self, contact_id: int, mark: str, now: datetime) -> list[str]:
        """One contact who asked to be forgotten (see forget_of)."""
        stmt = select(Contact).where(Contact.id == contact_id)
        contacts = (await self.session.scalars(stmt)).all()
        return await self._forget(contacts, mark, now)

    async def _forget(self, contacts: Sequence[Contact], mark: str, now: datetime) -> list[str]:
        mentions: list[str] = []
        for contact in contacts:
            said = (contact.name, contact.phone, contact.phone2, contact.email)
            mentions += [v for v in said if v]
            for field in PII:
                setattr(contact, field, None)
            contact.name, contact.search_key = f"#{contact.id}", ""
            contact.birthday_lunar = contact.care_consent = False
            contact.anonymised_at = contact.updated_at = now
        ids = [c.id for c in contacts]
        if ids:
            ours = and_(AuditLog.entity == "contact", AuditLog.entity_id.in_(ids))
            stmt = select(AuditLog).where(ours)
            for row in (await self.session.scalars(stmt)).all():
                row.before = _scrubbed(row.before, mark)
                row.after = _scrubbed(row.after, mark)
        await self.session.flush()
        return mentions

    async def care_birthdays(self, org_id: int) -> list[tuple[Contact, Customer, CustomerLink]]:
        """Contacts with a birthday who consented to care messages, each with their company's
        newest link that consented and can be written to (contacts have no chat identity of
        their own: the greeting goes where the company is reached)."""
        stmt = (
            select(Contact, Customer, CustomerLink)
            .join(Customer, Customer.id == Contact.customer_id)
            .join(CustomerLink, CustomerLink.customer_id == Customer.id)
            .where(Contact.org_id == org_id, live_contact_of_customer())
            .where(Contact.care_consent.is_(True), Contact.birthday.is_not(None))
            .where(CustomerLink.consent.is_(True), CustomerLink.subscribed.is_(True))
            .where(CustomerLink.opted_out_at.is_(None))
            .order_by(Contact.id, CustomerLink.id.desc())
        )
        seen: dict[int, tuple[Contact, Customer, CustomerLink]] = {}
        for contact, customer, link in (await self.session.execute(stmt)).all():
            seen.setdefault(contact.id, (contact, customer, link))
        return list(seen.values())

    async def birthdays(
        self, owner_ids: Sequence[int], solar: Sequence[tuple[int, int]], lunar: tuple[int, int]
    ) -> list[tuple[str, str, int | None]]:
        """(contact, company, owner) for contacts of these owners' customers born today: the
        reps' morning brief names them as it names customers."""
        month, day = extract("month", Contact.birthday), extract("day", Contact.birthday)
        on_solar = [and_(month == m, day == d) for m, d in solar]
        on_lunar = and_(Contact.birthday_lunar.is_(True), month == lunar[0], day == lunar[1])
        stmt = (
            select(Contact.name, Customer.name, Customer.owner_id)
            .join(Customer, Customer.id == Contact.customer_id)
            .where(Customer.owner_id.in_(sorted(set(owner_ids))), live_contact_of_customer())
            .where(Contact.birthday.is_not(None))
            .where(or_(and_(Contact.birthday_lunar.is_(False), or_(*on_solar)), on_lunar))
            .order_by(Customer.owner_id, Contact.id)
        )
        return [(r[0], r[1], r[2]) for r in (await self.session.execute(stmt)).all()]

    async def touch_search_keys(self, values: dict[int, str]) -> None:
        for contact_id, key in values.items():
            await self.session.execute(
                update(Contact).where(Contact.id == contact_id).values(search_key=key)
            )


def contact_brief_columns() -> list[Any]:
    """A contact as a CustomerBrief: its customer's id and owner, its own name, phone and
    title, the company's name as the company (华为张总: company 华为, person 张总), its id."""
    return [
        Customer.id,
        Contact.name,
        Customer.name,
        Contact.phone,
        Contact.title,
        Customer.owner_id,
        Contact.id,
    ]


def live_contact_of_customer() -> ColumnElement[bool]:
    return and_(
        _live_contact(), Customer.merged_into_id.is_(None), Customer.anonymised_at.is_(None)
    )


def _live_contact() -> ColumnElement[bool]:
    return Contact.anonymised_at.is_(None)


def _scrubbed(values: dict[str, Any] | None, mark: str) -> dict[str, Any] | None:
    if values is None:
        return None
    return {k: (mark if k in PII and v is not None else v) for k, v in values.items()}
