"""Company customers and their contacts (客户 / 联系人): adding, finding, duplicates.

A customer is a person (as every customer was before contacts existed: one person, the firm as
text) or a company whose people are contacts. Activities and deals stay the customer's and may
name a contact. Contacts are read and written through their customer's scope, and every change
is audited like a customer's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from handlers.nlu.match import Candidate, rank, search_key
from handlers.services.audit import record, snapshot
from handlers.services.customers import SIMILAR_NAME_SCORE
from handlers.services.notes import MAX_NOTES
from store.models import Contact, Customer, User
from store.scope import Scope
from store.uow import UnitOfWork

PERSON, COMPANY = "person", "company"
CONTACT_FIELDS = ("org_id", "customer_id", "name", "title", "phone", "email", "care_consent")


@dataclass
class NewContact:
    name: str
    phone: str | None = None
    title: str | None = None
    email: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)  # birthday, notes, consent, lang …


@dataclass(frozen=True)
class ContactDup:
    """An existing record the new contact may be: a contact (contact_id set) or a customer."""

    customer_id: int
    contact_id: int | None
    label: str  # 李工 · 华为, or the customer's name
    org_id: int
    owner_id: int | None


async def create_company(uow: UnitOfWork, actor: User, name: str, now: datetime) -> Customer:
    """A company customer owned by the actor: the account its contacts belong to."""
    company = Customer(
        org_id=actor.org_id,
        owner_id=actor.id,
        name=name.strip(),
        kind=COMPANY,
        search_key=search_key(name, None),
        tier="C",
        lifecycle="prospect",
        created_at=now,
        updated_at=now,
    )
    await uow.customers.add(company)
    after = snapshot(company, ("org_id", "owner_id", "name", "kind"))
    await record(uow, actor, "customer.create", ("customer", company.id), now, after=after)
    return company


async def add(
    uow: UnitOfWork, actor: User, customer: Customer, new: NewContact, now: datetime
) -> Contact:
    """Add a contact to a customer the caller has checked is in the actor's scope; a person
    customer that gets a contact becomes a company (its own fields stay as they were)."""
    contact = Contact(
        org_id=customer.org_id,
        customer_id=customer.id,
        name=new.name.strip(),
        title=(new.title or "").strip() or None,
        phone=new.phone,
        email=(new.email or "").strip() or None,
        search_key=search_key(new.name, None),
        created_at=now,
        updated_at=now,
        **({"birthday_lunar": False, "care_consent": False} | new.extra),
    )
    await uow.contacts.add(contact)
    if customer.kind != COMPANY:
        before = {"org_id": customer.org_id, "kind": customer.kind}
        customer.kind, customer.updated_at = COMPANY, now
        after = {"org_id": customer.org_id, "kind": COMPANY}
        await record(uow, actor, "customer.kind", ("customer", customer.id), now, before, after)
    after = snapshot(contact, CONTACT_FIELDS)
    await record(uow, actor, "contact.create", ("contact", contact.id), now, after=after)
    return contact


async def duplicates(
    uow: UnitOfWork, org_id: int, company: Customer | None, new: NewContact
) -> list[ContactDup]:
    """Records anywhere in the company that are likely this person: a contact or customer
    with the same phone or email, or a contact of the same company with a similar name."""
    found: dict[tuple[int, int | None], ContactDup] = {}
    contacts: list[Contact] = []
    if new.phone:
        contacts += await uow.contacts.same_phone(org_id, new.phone)
        for customer in await uow.customers.same_phone(org_id, new.phone):
            _put(found, _customer_dup(customer))
    if new.email:
        contacts += await uow.contacts.same_email(org_id, new.email)
    if company is not None:
        same_firm = {c.id: c for c in await uow.contacts.of_customer(company.id, limit=500)}
        named = [Candidate(c.id, c.name, None, c.phone, c.title) for c in same_firm.values()]
        ranked = rank(new.name, named, 3)
        contacts += [same_firm[c.id] for c, s in ranked if s >= SIMILAR_NAME_SCORE]
    if not contacts:
        return list(found.values())
    owners = await uow.customers.by_ids([c.customer_id for c in contacts])
    for contact in contacts:
        owner = owners.get(contact.customer_id)
        if owner is not None and owner.merged_into_id is None:
            _put(found, _contact_dup(contact, owner))
    return list(found.values())


def _put(found: dict[tuple[int, int | None], ContactDup], dup: ContactDup) -> None:
    found.setdefault((dup.customer_id, dup.contact_id), dup)


def _customer_dup(customer: Customer) -> ContactDup:
    label = " · ".join(p for p in (customer.name, customer.company) if p)
    return ContactDup(customer.id, None, label, customer.org_id, customer.owner_id)


def _contact_dup(contact: Contact, customer: Customer) -> ContactDup:
    label = " · ".join(p for p in (contact.name, contact.title, customer.name) if p)
    return ContactDup(customer.id, contact.id, label, customer.org_id, customer.owner_id)


async def visible(
    uow: UnitOfWork, scope: Scope, contact_id: int
) -> tuple[Contact, Customer] | None:
    """A contact and its customer, when the customer is the scope's to see."""
    return await uow.contacts.get(scope, contact_id)


async def belongs(uow: UnitOfWork, scope: Scope, customer_id: int, contact_id: int) -> bool:
    """Is this contact one of this customer's, seen from `scope`? (A forged button may name
    another company's.)"""
    found = await uow.contacts.get(scope, contact_id)
    return found is not None and found[1].id == customer_id


EDITABLE = ("name", "title", "phone", "phone2", "email", "birthday", "notes", "care")


async def set_field(
    uow: UnitOfWork, actor: User, contact: Contact, field: str, value: Any, now: datetime
) -> None:
    """Store one checked value (handlers/services/fields.py parse_value) with an audit row of
    old → new. Notes are appended as a dated line, never replaced; a new name keeps the
    contact findable (its search key)."""
    values: dict[str, Any]
    if field == "birthday":
        values = {
            "birthday": value[0] if value else None,
            "birthday_lunar": bool(value and value[1]),
        }
    elif field == "care":
        values = {"care_consent": value}
    elif field == "notes":
        line = f"[{now:%Y-%m-%d}] {value}"
        values = {"notes": (f"{contact.notes}\n{line}" if contact.notes else line)[-MAX_NOTES:]}
    elif field in EDITABLE:
        values = {field: value}
    else:
        raise ValueError(field)
    before = {"org_id": contact.org_id, **snapshot(contact, tuple(values))}
    for column, new in values.items():
        setattr(contact, column, new)
    if field == "name":
        contact.search_key = search_key(value, None)
    contact.updated_at = now
    after = {"org_id": contact.org_id, **snapshot(contact, tuple(values))}
    await record(uow, actor, "contact.edit", ("contact", contact.id), now, before, after)
