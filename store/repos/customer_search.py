"""Which customers a mention could mean, read from indexes: a small but complete candidate set
for the fuzzy ranking, whatever the number of customers in scope.

Three tiers, each one query with the scope inside it and a limit of its own:
1. B-tree (both backends): exact names, exact phones in each written form, name / company
   prefixes (one- and two-character names, which trigrams cannot serve), and a company prefix
   with a surname (美的42号分公司赵总);
2. trigrams: whole words (full pinyin, initials, a homophone's pinyin, a company) and
   substrings of three or more characters of the search key, digits of the phone. PostgreSQL
   reads pg_trgm GIN indexes, SQLite an FTS5 trigram table (migration 0006_search);
3. only when the first two found nobody: typo-tolerant trigram similarity, best first.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import (
    ColumnElement,
    Select,
    Table,
    and_,
    column,
    literal,
    literal_column,
    or_,
    select,
    table,
    text,
    union_all,
)
from sqlalchemy.ext.asyncio import AsyncSession

from store.models import Customer
from store.repos.customers import CustomerBrief
from store.repos.once import is_postgres
from store.scope import Scope, bound_where

PER_TIER = 200  # rows a tier may add: enough for any real ambiguity, little to rank
FUZZY = 30
# Migration 0006_search's dialect-specific objects, which the models do not describe.
SEARCH_OBJECT_PREFIXES = ("customer_fts", "ix_customer_search_trgm", "ix_customer_phone_trgm")
_TOP = "\U0010ffff"  # sorts after every character: [p, p + _TOP) is "starts with p"


@dataclass(frozen=True)
class SearchTerms:
    """What to look up for one mention; handlers/nlu/search_terms.py builds it."""

    names: tuple[str, ...] = ()  # exact names
    phones: tuple[str, ...] = ()  # exact phones, in each written form
    prefixes: tuple[str, ...] = ()  # a name or company starting so
    titled: tuple[tuple[str, str], ...] = ()  # (company prefix, surname): 美的 + 赵 of 美的赵总
    words: tuple[str, ...] = ()  # whole words of the search key: pinyin, initials, a company
    fragments: tuple[str, ...] = ()  # substrings of the search key, three characters or more
    digits: tuple[str, ...] = ()  # substrings of the phone, three digits or more
    fuzzy: tuple[str, ...] = ()  # typo-tolerant probes, tried when nothing else matched


class CustomerSearch:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def candidates(
        self, scope: Scope, terms: SearchTerms, limit: int = PER_TIER
    ) -> list[CustomerBrief]:
        """Live customers in `scope` the terms could mean; exact matches first."""
        found: dict[int, CustomerBrief] = {}
        for stmt in (_exact(scope, terms, limit), self._trigram(scope, terms, limit)):
            if stmt is not None:
                await self._collect(stmt, scope, found)
        if not found and terms.fuzzy:
            await self._collect(await self._fuzzy(scope, terms.fuzzy), scope, found)
        return list(found.values())

    async def _collect(
        self, stmt: Select[Any], scope: Scope, found: dict[int, CustomerBrief]
    ) -> None:
        for row in (await self.session.execute(stmt, scope.binds())).all():
            found.setdefault(row[0], CustomerBrief._make(row))

    def _trigram(self, scope: Scope, terms: SearchTerms, limit: int) -> Select[Any] | None:
        if not (terms.words or terms.fragments or terms.digits):
            return None
        if is_postgres(self.session):
            return _briefs(scope, _pg_contains(terms), limit)
        match = _fts_match(terms)
        return _briefs(scope, _C.id.in_(_fts_rowids().where(_FTS_MATCH)), limit).params(m=match)

    async def _fuzzy(self, scope: Scope, probes: Sequence[str]) -> Select[Any]:
        if is_postgres(self.session):
            schema = await self._trgm_schema()
            key = _padded_key()
            near = or_(*(key.op(f"OPERATOR({schema}.%>)")(literal(p)) for p in probes))
            distance = literal(probes[0]).op(f"OPERATOR({schema}.<<->)")(key)
            return _briefs(scope, near, FUZZY).order_by(distance)
        grams = {p[i : i + 3] for p in probes for i in range(len(p) - 2)}
        match = "words : (" + " OR ".join(_phrase(g) for g in sorted(grams)) + ")"
        fts = _fts()
        stmt = _briefs(scope, _FTS_MATCH, FUZZY).join_from(_CUSTOMER, fts, fts.c.rowid == _C.id)
        return stmt.order_by(fts.c.rank).params(m=match)

    async def _trgm_schema(self) -> str:
        """pg_trgm's schema, quoted: its operators are not on every schema's search path."""
        if not _PG_TRGM_SCHEMA:
            found = await self.session.scalar(
                text(
                    "SELECT n.nspname FROM pg_extension e"
                    " JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm'"
                )
            )
            _PG_TRGM_SCHEMA.append('"' + str(found).replace('"', '""') + '"')
        return _PG_TRGM_SCHEMA[0]


_PG_TRGM_SCHEMA: list[str] = []  # the same for every connection of a process's database
_CUSTOMER = cast(Table, Customer.__table__)
_C = _CUSTOMER.c
_FTS_MATCH = text("customer_fts MATCH :m")


def _fts() -> Any:
    return table("customer_fts", column("rowid"), column("rank"))


def _fts_rowids() -> Select[Any]:
    return select(_fts().c.rowid)


def _exact(scope: Scope, terms: SearchTerms, limit: int) -> Select[Any] | None:
    """Tier 1 as one UNION ALL of index lookups, each limited on its own."""
    parts: list[ColumnElement[bool]] = []
    if terms.names:
        parts.append(_C.name.in_(terms.names))
    if terms.phones:
        parts.append(_C.phone.in_(terms.phones))
    parts += [_starts(_C.name, p) for p in terms.prefixes]
    parts += [_starts(_C.company, p) for p in terms.prefixes]
    parts += [and_(_starts(_C.company, co), _starts(_C.name, s)) for co, s in terms.titled]
    if not parts:
        return None
    if len(parts) == 1:
        return _briefs(scope, parts[0], limit)
    each = [select(*_brief_columns(_briefs(scope, p, limit).subquery())) for p in parts]
    merged = union_all(*each).subquery()
    return select(*(merged.c[name] for name in CustomerBrief._fields))


def _brief_columns(sub: Any) -> list[Any]:
    return [sub.c[name] for name in CustomerBrief._fields]


def _briefs(scope: Scope, where: ColumnElement[bool], limit: int) -> Select[Any]:
    stmt = select(*(_C[name] for name in CustomerBrief._fields))
    live = and_(_C.merged_into_id.is_(None), _C.anonymised_at.is_(None))
    return stmt.where(bound_where(_C.org_id, _C.owner_id, scope.shape), live, where).limit(limit)


def _starts(col: Any, prefix: str) -> ColumnElement[bool]:
    """A range, not LIKE 'p%': both backends read a B-tree range for it, whatever collation."""
    return and_(col >= prefix, col < prefix + _TOP)


def _padded_key() -> ColumnElement[str]:
    """The expression ix_customer_search_trgm indexes, written out as the index has it."""
    return cast(ColumnElement[str], literal_column("(' ' || customer.search_key || ' ')"))


def _pg_contains(terms: SearchTerms) -> ColumnElement[bool]:
    key = _padded_key()
    likes = [key.like(f"% {_escape(w)} %", escape="\\") for w in terms.words]
    likes += [key.like(f"%{_escape(f)}%", escape="\\") for f in terms.fragments]
    likes += [_C.phone.like(f"%{_escape(d)}%", escape="\\") for d in terms.digits]
    return or_(*likes)


def _fts_match(terms: SearchTerms) -> str:
    words = [_phrase(f" {w} ") for w in terms.words] + [_phrase(f) for f in terms.fragments]
    parts = ["words : (" + " OR ".join(words) + ")"] if words else []
    if terms.digits:
        parts.append("phone : (" + " OR ".join(_phrase(d) for d in terms.digits) + ")")
    return " OR ".join(parts)


def _phrase(text_: str) -> str:
    return '"' + text_.replace('"', '""') + '"'


def _escape(text_: str) -> str:
    return text_.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
