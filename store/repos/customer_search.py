"""Which customers a mention could mean, read from indexes: a small but complete candidate set
for the fuzzy ranking (handlers/nlu/match.py), whatever the number of customers in scope.

Three tiers, each one query with the scope inside it and limits of its own:
1. B-tree (both backends): exact names, exact phones in each written form, name / company
   prefixes (one- and two-character names, which trigrams cannot serve), and a company prefix
   with a surname (美的42号分公司赵总). When this finds someone by exact name or phone, stop;
2. trigrams: whole words (full pinyin, initials, a homophone's pinyin, a company) and
   substrings of three or more characters of the search key, digits of the phone. PostgreSQL
   reads pg_trgm GIN indexes, SQLite an FTS5 trigram table (migration 0008_search);
3. only when the first two found nobody, typos: the words one swapped or one extra letter
   away, looked up as whole words through the same trigram indexes.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import (
    ARRAY,
    ColumnElement,
    Integer,
    Select,
    Table,
    and_,
    bindparam,
    column,
    literal_column,
    null,
    or_,
    select,
    table,
    text,
    union_all,
)
from sqlalchemy import Text as TextType
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import TextClause

from store.models import Customer
from store.repos import contact_search
from store.repos.customers import BRIEF_FIELDS, CustomerBrief
from store.repos.once import is_postgres
from store.scope import Scope, Shape, bound_where

PER_TIER = 200  # rows a tier may add: enough for any real ambiguity, little to rank
TITLED = 50  # 美的赵总 at a million: a thousand such; 50 to choose from is plenty
# Migration 0008_search's dialect-specific objects, which the models do not describe, and
# 0009_dedupe's case-blind email index (store/repos/ops_data.py import_matches).
SEARCH_OBJECT_PREFIXES = (
    "customer_fts",
    "ix_customer_search_trgm",
    "ix_customer_phone_trgm",
    "ix_customer_email_ci",
    "text_search",  # 0010_text_search (store/repos/text_search.py)
    "ix_text_search",
    "ix_customer_search_words",
    "contact_fts",  # 0011_contacts: the same for contacts
    "ix_contact_search_trgm",
    "ix_contact_phone_trgm",
    "ix_contact_email_ci",
)
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

    async def candidates(self, scope: Scope, terms: SearchTerms) -> list[CustomerBrief]:
        """Live customers in `scope` the terms could mean, and the contacts of company
        customers as briefs of their customer (CustomerBrief.contact_id); exact matches first."""
        found: dict[tuple[int, int | None], CustomerBrief] = {}
        if terms.names or terms.phones or terms.prefixes or terms.titled:
            await self._collect(*_exact(scope, terms), found)  # contacts too, in one statement
        if _named_exactly(terms, found.values()):
            return list(found.values())  # the best a ranking can score is among these
        if terms.words or terms.fragments or terms.digits:
            await self._collect(*self._trigram(scope, terms), found)
        if not found and terms.fuzzy:
            await self._collect(*self._fuzzy(scope, terms.fuzzy), found)
        return list(found.values())

    async def _collect(
        self,
        stmt: Select[Any],
        binds: dict[str, Any],
        found: dict[tuple[int, int | None], CustomerBrief],
    ) -> None:
        for row in (await self.session.execute(stmt, binds)).all():
            brief = CustomerBrief(*row)
            found.setdefault((brief.id, brief.contact_id), brief)

    def _trigram(
        self, scope: Scope, terms: SearchTerms, many: bool = False
    ) -> tuple[Select[Any], dict[str, Any]]:
        """Customers and contacts, one statement."""
        if not is_postgres(self.session):
            stmt = _both(_fts_contains(scope.shape), contact_search.fts_stmt(scope.shape))
            return stmt, {**scope.binds(), "m": _fts_match(terms)}
        patterns = [f"% {_escape(w)} %" for w in terms.words]
        patterns += [f"%{_escape(f)}%" for f in terms.fragments]
        digits = [f"%{_escape(d)}%" for d in terms.digits]
        binds = {f"k{i}": p for i, p in enumerate(patterns)}
        binds.update((f"d{i}", d) for i, d in enumerate(digits))
        stmt = _both(
            _pg_contains(scope.shape, len(patterns), len(digits), many),
            contact_search.pg_stmt(scope.shape, len(patterns), len(digits)),
        )
        return stmt, {**scope.binds(), **binds}

    def _fuzzy(self, scope: Scope, probes: Sequence[str]) -> tuple[Select[Any], dict[str, Any]]:
        """Typos: the words one swapped or one extra letter away, each looked up whole.
        Trigram similarity misses these in short words (heqniyan shares 5 of 13 trigrams with
        heqinyan), and ranking every row sharing a trigram reads most of the index."""
        slips = SearchTerms(words=tuple(sorted({v for p in probes for v in _one_slip(p)})))
        if is_postgres(self.session):  # customers: whole words, one GIN lookup, no trigram scan
            patterns = {f"k{i}": f"% {_escape(w)} %" for i, w in enumerate(slips.words)}
            contacts = contact_search.pg_stmt(scope.shape, len(patterns), 0)
            binds = {**scope.binds(), "words": list(slips.words), **patterns}
            return _both(_pg_words(scope.shape), contacts), binds
        return self._trigram(scope, slips, many=True)


def _named_exactly(terms: SearchTerms, found: Iterable[CustomerBrief]) -> bool:
    """Did the B-tree tier find someone by exact name or phone? Then the trigram tier would
    add only weaker matches (a pinyin look-alike, a name inside a firm's name), at a cost."""
    names, phones = set(terms.names), set(terms.phones)
    return any(b.name in names or b.phone in phones for b in found)


_CUSTOMER = cast(Table, Customer.__table__)
_C = _CUSTOMER.c
_FTS = table("customer_fts", column("rowid"))
_FTS_MATCH = text("customer_fts MATCH :m")


def _exact(scope: Scope, terms: SearchTerms) -> tuple[Select[Any], dict[str, Any]]:
    """Tier 1: one UNION ALL of index lookups, each limited on its own."""
    binds = {**scope.binds(), "names": list(terms.names), "phones": list(terms.phones)}
    for i, prefix in enumerate(terms.prefixes):
        binds |= {f"p{i}": prefix, f"p{i}_end": prefix + _TOP}
    for i, (company, surname) in enumerate(terms.titled):
        binds |= {f"c{i}": company, f"c{i}_end": company + _TOP}
        binds |= {f"s{i}": surname, f"s{i}_end": surname + _TOP}
    shape = (bool(terms.names), bool(terms.phones), len(terms.prefixes), len(terms.titled))
    return _exact_stmt(scope.shape, *shape), binds


@functools.cache
def _exact_stmt(
    shape: Shape, names: bool, phones: bool, prefixes: int, titled: int
) -> Select[Any]:
    """Built once per shape: building a statement costs about as much as running it."""
    # Each prefix in its index's order: a deterministic pick when a prefix is common (华为),
    # and a plan that reads the index rather than the table until the limit is reached.
    parts: list[Select[Any]] = []
    if names:
        parts.append(_briefs(shape, _C.name.in_(bindparam("names", expanding=True))))
    if phones:
        parts.append(_briefs(shape, _C.phone.in_(bindparam("phones", expanding=True))))
        # a second number finds its customer too, shown with the number that matched
        second = _C.phone2.in_(bindparam("phones", expanding=True))
        parts.append(_briefs(shape, second, phone=_C.phone2))
    for i in range(titled):  # before the broader prefixes: ranking keeps the order of ties
        company_and_surname = and_(_starts(_C.company, f"c{i}"), _starts(_C.name, f"s{i}"))
        parts.append(_briefs(shape, company_and_surname, TITLED).order_by(_C.company))
    for col in (_C.name, _C.company):
        parts += [_briefs(shape, _starts(col, f"p{i}")).order_by(col) for i in range(prefixes)]
    parts += contact_search.exact_parts(shape, names, phones, prefixes, titled)
    each = [part.subquery() for part in parts]
    merged = union_all(*(select(*_columns(sub)) for sub in each)).subquery()
    return select(*_columns(merged))


def _columns(sub: Any) -> list[Any]:
    return [sub.c[name] for name in CustomerBrief._fields]


def _briefs(
    shape: Shape,
    where: ColumnElement[bool] | TextClause,
    limit: int = PER_TIER,
    org_indexed: bool = True,
    phone: Any = None,
) -> Select[Any]:
    cols = [phone.label("phone") if name == "phone" and phone is not None else _C[name]
            for name in BRIEF_FIELDS]  # fmt: skip
    stmt = select(*cols, null().cast(Integer).label("contact_id"))
    live = and_(_C.merged_into_id.is_(None), _C.anonymised_at.is_(None))
    # The owner as `owner_id + 0`, which no index serves: SQLite without statistics takes an
    # owner for a few rows and would read a rep's whole book through ix_customer_owner_id
    # instead of the name, phone or trigram index (then the owner is checked on those rows).
    org = _C.org_id if org_indexed else _C.org_id + 0
    scope = bound_where(org, _C.owner_id + 0, shape)
    return stmt.where(scope, live, where).limit(limit)


def _starts(col: Any, name: str) -> ColumnElement[bool]:
    """A range, not LIKE 'p%': both backends read a B-tree range for it, whatever collation."""
    return and_(col >= bindparam(name), col < bindparam(name + "_end"))


@functools.cache
def _fts_contains(shape: Shape) -> Select[Any]:
    return _briefs(shape, _C.id.in_(select(_FTS.c.rowid).where(_FTS_MATCH)), PER_TIER)


@functools.cache
def _both(customers: Select[Any], contacts: Select[Any]) -> Select[Any]:
    """Customers' and contacts' matches as one statement (each keeps its own limit)."""
    merged = union_all(*(select(*s.subquery().c) for s in (customers, contacts))).subquery()
    return select(*merged.c)


def _one_slip(word: str) -> set[str]:
    """The words one swap or one extra letter away (zhaowiena, zhaoweinna). A wrong or a
    missing letter is not served: 25 or 26 variants a letter would be too many probes."""
    swaps = {word[:i] + word[i + 1] + word[i] + word[i + 2 :] for i in range(len(word) - 1)}
    extra = {word[:i] + word[i + 1 :] for i in range(len(word))}
    return {v for v in swaps | extra if len(v) >= 2}


def _padded_key() -> ColumnElement[str]:
    """The expression ix_customer_search_trgm indexes, written out as the index has it."""
    return cast(ColumnElement[str], literal_column("(' ' || customer.search_key || ' ')"))


@functools.cache
def _pg_contains(shape: Shape, patterns: int, digits: int, many: bool) -> Select[Any]:
    """`many`: twenty typo patterns, whose GIN scans PostgreSQL overprices; it would read a
    whole org through ix_customer_org_id (40 ms for 10,000 rows) rather than the index (8 ms
    over a million), unless the org too is checked on the rows found."""
    key = _padded_key()
    likes = [key.like(bindparam(f"k{i}"), escape="\\") for i in range(patterns)]
    likes += [_C.phone.like(bindparam(f"d{i}"), escape="\\") for i in range(digits)]
    return _briefs(shape, or_(*likes), PER_TIER, org_indexed=not many)


@functools.cache
def _pg_words(shape: Shape) -> Select[Any]:
    """Typo variants as whole words of the key (ix_customer_search_words, 0010_text_search):
    twenty exact keys in one GIN scan, where twenty LIKE '% word %' scans each read the long
    trigram lists (" li", "ei ") again: 66 ms became ~1 ms for a rep over 10,000."""
    words: ColumnElement[Any] = literal_column("string_to_array(customer.search_key, ' ')")
    has = words.op("&&")(bindparam("words", type_=ARRAY(TextType)))
    return _briefs(shape, cast(ColumnElement[bool], has), PER_TIER, org_indexed=False)


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
