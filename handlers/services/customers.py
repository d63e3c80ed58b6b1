"""Creating, finding and de-duplicating customers."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from handlers.nlu.match import STRONG, Resolution, rank, resolve, search_key
from handlers.nlu.search_terms import search_terms
from handlers.services import phones
from handlers.services.audit import record, snapshot
from store.models import Customer, User
from store.repos.customers import CustomerBrief
from store.scope import Scope
from store.uow import UnitOfWork

PROFILE_FIELDS = ("org_id", "owner_id", "name", "company", "phone", "tier", "care_consent")
FULL_SCAN_LIMIT = 3000  # a scope up to this size is ranked whole, in memory
SIMILAR_NAME_SCORE = 85.0


@dataclass
class NewCustomer:
    name: str
    phone: str | None = None
    company: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)  # tier, birthday, notes …


def normalize_phone(text: str | None) -> str | None:
    """The stored form of a phone number (see phones.normalize); None when it cannot be one."""
    return phones.normalize(text)


async def search_ranked(
    uow: UnitOfWork, scope: Scope, query: str, limit: int = 8
) -> list[tuple[Customer, float]]:
    """Visible customers matching a name, company, phone, pinyin or initials, best first."""
    ranked = await search_briefs(uow, scope, query, limit)
    loaded = await uow.customers.by_ids([c.id for c, _ in ranked])
    # A contact's match is its company's: each customer once, at its best score.
    best = dict.fromkeys(c.id for c, _ in ranked)
    scores = {c.id: s for c, s in reversed(ranked)}
    return [(loaded[i], scores[i]) for i in best if i in loaded]


async def search_briefs(
    uow: UnitOfWork, scope: Scope, query: str, limit: int = 8
) -> list[tuple[CustomerBrief, float]]:
    """search_ranked's matches as briefs (id, name, company, phone, title): enough to offer
    them or to name the one meant, without loading each customer."""
    if not query.strip():
        return []
    return rank(query, await _pool(uow, scope, query), limit=limit)


async def resolve_mention(
    uow: UnitOfWork, scope: Scope, query: str, limit: int = 6
) -> Resolution[CustomerBrief]:
    """Who a mention names: `certain` only for a strong fit no other visible customer shares
    (exact name or phone, company + surname/title); otherwise the candidates to offer."""
    if not query.strip():
        return Resolution(None, [])
    return resolve(query, await _pool(uow, scope, query), limit=limit)


async def _pool(uow: UnitOfWork, scope: Scope, query: str) -> list[CustomerBrief]:
    # The indexes find every strong fit (exact name or phone, company + surname or title), so
    # when they hold exactly one, that is the answer, as it would be over the whole book. Only
    # otherwise is a book that fits in memory ranked whole, so every weak look-alike (a
    # homophone, a typo in Chinese, "Li" for Kevin Liu) can be offered; a larger scope keeps
    # the indexes' exact, pinyin, trigram and typo candidates.
    indexed = await uow.customer_search.candidates(scope, search_terms(query))
    if resolve(query, indexed).certain is not None:
        return indexed
    if await uow.customers.visible_up_to(scope, FULL_SCAN_LIMIT + 1) <= FULL_SCAN_LIMIT:
        whole = await uow.customers.candidates(scope, limit=FULL_SCAN_LIMIT)
        return whole + await uow.contacts.briefs(scope, limit=FULL_SCAN_LIMIT)
    return indexed


async def duplicates(uow: UnitOfWork, org_id: int, new: NewCustomer) -> list[Customer]:
    """Customers anywhere in the company that are likely the same person or firm."""
    whole_org = Scope(org_id, None)
    found: dict[int, Customer] = {}
    if new.phone:
        found.update((c.id, c) for c in await uow.customers.same_phone(org_id, new.phone))
    probe = " ".join(p for p in (new.company, new.name) if p)
    for customer, score in await search_ranked(uow, whole_org, probe, limit=5):
        if score >= SIMILAR_NAME_SCORE and _similar_person(customer, new):
            found.setdefault(customer.id, customer)
    if new.company:  # a namesake at another firm is worth a look before adding a second
        for customer, score in await search_ranked(uow, whole_org, new.name, limit=5):
            if score >= STRONG:
                found.setdefault(customer.id, customer)
    return list(found.values())


def _similar_person(existing: Customer, new: NewCustomer) -> bool:
    """Same firm but a different person is not a duplicate; a similar name is."""
    best = rank(new.name, [existing], limit=1)
    return bool(best) and best[0][1] >= SIMILAR_NAME_SCORE


async def create(uow: UnitOfWork, actor: User, new: NewCustomer, now: datetime) -> Customer:
    customer = Customer(
        org_id=actor.org_id,
        owner_id=actor.id,
        name=new.name.strip(),
        company=(new.company or "").strip() or None,
        phone=new.phone,
        search_key=search_key(new.name, new.company),
        created_at=now,
        updated_at=now,
        **({"tier": "C", "lifecycle": "prospect"} | new.extra),
    )
    await uow.customers.add(customer)
    after = snapshot(customer, (*PROFILE_FIELDS, *new.extra))  # a card's title, email …
    await record(uow, actor, "customer.create", ("customer", customer.id), now, after=after)
    return customer
