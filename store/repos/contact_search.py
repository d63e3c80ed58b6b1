"""Which contacts a mention could mean, read from migration 0011_contacts' indexes: the same
tiers as customers (store/repos/customer_search.py), each row a brief of the contact's
customer with the contact's name, phone and title and the company's name as the company, so
ranking reads 华为张总 as it reads a person at 华为.

1. B-tree: exact names (org_id, name), exact phones (org_id, phone) and (org_id, phone2), name
   prefixes, and a company prefix with a surname: the company customer's name range
   (ix_customer_org_name), then its contacts by name (ix_contact_customer_name);
2. trigrams: PostgreSQL pg_trgm over the padded search key and the phones, SQLite the FTS5
   table contact_fts;
3. typos: the same whole-word probes.
"""

from __future__ import annotations

import functools
from typing import Any, cast

from sqlalchemy import (
    ColumnElement,
    Select,
    Table,
    and_,
    bindparam,
    column,
    func,
    literal_column,
    or_,
    select,
    table,
    text,
)
from sqlalchemy.sql.elements import TextClause

from store.models import Contact, Customer
from store.repos.customers import CustomerBrief
from store.scope import Shape, bound_where

PER_TIER = 200
TITLED = 50

_CONTACT = cast(Table, Contact.__table__)
_K = _CONTACT.c
_C = cast(Table, Customer.__table__).c
_FTS = table("contact_fts", column("rowid"))
_FTS_MATCH = text("contact_fts MATCH :m")


def _briefs(
    shape: Shape,
    where: ColumnElement[bool] | TextClause,
    limit: int = PER_TIER,
    phone: Any = None,
) -> Select[Any]:
    """Contact briefs in scope: the customer's org and owner, both alive."""
    columns = [_C.id, _K.name, _C.name, _K.phone if phone is None else phone, _K.title]
    columns += [_C.owner_id, _K.id]
    labelled = [c.label(n) for c, n in zip(columns, CustomerBrief._fields, strict=True)]
    stmt = select(*labelled).select_from(
        _CONTACT.join(cast(Table, Customer.__table__), _C.id == _K.customer_id)
    )
    live = and_(
        _K.anonymised_at.is_(None), _C.merged_into_id.is_(None), _C.anonymised_at.is_(None)
    )
    org = _K.org_id == bindparam("scope_org")
    return stmt.where(org, bound_where(_C.org_id, _C.owner_id + 0, shape), live, where).limit(
        limit
    )


def _starts(col: Any, name: str) -> ColumnElement[bool]:
    return and_(col >= bindparam(name), col < bindparam(name + "_end"))


def exact_parts(
    shape: Shape, names: bool, phones: bool, prefixes: int, titled: int
) -> list[Select[Any]]:
    """Tier 1 for contacts, with customer_search._exact's bind names (names, phones, p0…,
    c0/s0…): parts of the customers' UNION ALL, so a lookup stays one round trip."""
    parts: list[Select[Any]] = []
    if names:
        parts.append(_briefs(shape, _K.name.in_(bindparam("names", expanding=True))))
    if phones:
        parts.append(_briefs(shape, _K.phone.in_(bindparam("phones", expanding=True))))
        parts.append(
            _briefs(shape, _K.phone2.in_(bindparam("phones", expanding=True)), phone=_K.phone2)
        )
    for i in range(titled):
        company_and_surname = and_(_starts(_C.name, f"c{i}"), _starts(_K.name, f"s{i}"))
        parts.append(_briefs(shape, company_and_surname, TITLED).order_by(_C.name))
    parts += [_briefs(shape, _starts(_K.name, f"p{i}")).order_by(_K.name) for i in range(prefixes)]
    return parts


@functools.cache
def fts_stmt(shape: Shape) -> Select[Any]:
    return _briefs(shape, _K.id.in_(select(_FTS.c.rowid).where(_FTS_MATCH)))


@functools.cache
def pg_stmt(shape: Shape, patterns: int, digits: int) -> Select[Any]:
    """The expressions ix_contact_search_trgm and ix_contact_phone_trgm index."""
    key = cast(ColumnElement[str], literal_column("(' ' || contact.search_key || ' ')"))
    phones = func.coalesce(_K.phone, "") + " " + func.coalesce(_K.phone2, "")
    likes = [key.like(bindparam(f"k{i}"), escape="\\") for i in range(patterns)]
    likes += [phones.like(bindparam(f"d{i}"), escape="\\") for i in range(digits)]
    return _briefs(shape, or_(*likes))


def brief(row: Any) -> CustomerBrief:
    return CustomerBrief(*row)
