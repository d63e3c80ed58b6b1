"""Which activities and customer notes mention some words, read from the indexes of migration
0010_text_search, newest first, with the scope inside the query.

Every word must appear (AND), anywhere in the record, case-blind. A word of three characters
or more is looked up through trigrams (SQLite FTS5 `trigram`, PostgreSQL pg_trgm); a shorter
one (普洱, 茶) through the one- and two-character index (SQLite: FTS5 over the text spaced out
character by character; PostgreSQL: text_search_grams). Each call reads at most `limit` rows.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from datetime import datetime
from typing import Any, Literal, NamedTuple, cast

from sqlalchemy import (
    ColumnElement,
    Select,
    Table,
    and_,
    bindparam,
    column,
    literal,
    literal_column,
    select,
    table,
    text,
)
from sqlalchemy.ext.asyncio import AsyncSession

from store.models import Activity, Customer
from store.repos.customers import BRIEF_FIELDS, CustomerBrief
from store.repos.once import is_postgres
from store.scope import Scope, Shape, bound_where

SHORT = 3  # words shorter than this cannot be served by trigrams
Source = Literal["activity", "notes"]


class TextHit(NamedTuple):
    """One record that mentions every word: an activity, or a customer's notes."""

    source: Source
    ref: int  # the activity's id; for notes, the customer's
    at: datetime  # when the activity happened; for notes, when the customer was last changed
    text: str  # the record's text: the activity's summary, outcome and next step; the notes
    kind: str  # the activity's kind (visit, call, …); "notes" for notes
    customer: CustomerBrief


class TextSearch:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def activities(self, scope: Scope, words: Sequence[str], limit: int) -> list[TextHit]:
        """Activities on live customers in `scope` whose text has every word, newest first."""
        return await self._hits("activity", scope, words, limit)

    async def notes(self, scope: Scope, words: Sequence[str], limit: int) -> list[TextHit]:
        """Live customers in `scope` whose notes have every word, newest first."""
        return await self._hits("notes", scope, words, limit)

    async def _hits(
        self, source: Source, scope: Scope, words: Sequence[str], limit: int
    ) -> list[TextHit]:
        words = [w for w in words if w]
        if not words:
            return []
        binds: dict[str, Any] = {**scope.binds(), "limit": limit}
        if is_postgres(self.session):
            short = tuple(len(w) < SHORT for w in words)
            stmt = _pg_statement(source, scope.shape, short)
            for i, word in enumerate(words):
                binds[f"w{i}"] = [word.lower()] if short[i] else f"%{_escape(word)}%"
        else:
            chars = any(len(w) < SHORT for w in words)
            stmt = _sqlite_statement(source, scope.shape, chars)
            binds["m"] = _fts_query(words, chars)
            if not binds["m"]:
                return []
        rows = (await self.session.execute(stmt, binds)).all()
        return [_hit(source, row) for row in rows]


def _hit(source: Source, row: Any) -> TextHit:
    ref, at, body, kind, *brief = row
    return TextHit(source, ref, at, body or "", kind, CustomerBrief(*brief))


_C = cast(Table, Customer.__table__).c
_A = cast(Table, Activity.__table__).c
_BRIEF = [_C[name] for name in BRIEF_FIELDS]  # a text hit is the customer's, never a contact's
# The text of an activity as PostgreSQL's indexes have it (migration 0010_text_search).
_PG_ACTIVITY = (
    "(activity.summary || ' ' || coalesce(activity.outcome, '') || ' '"
    " || coalesce(activity.next_step, ''))"
)


def _live_in(shape: Shape) -> ColumnElement[bool]:
    live = and_(_C.merged_into_id.is_(None), _C.anonymised_at.is_(None))
    return and_(bound_where(_C.org_id, _C.owner_id, shape), live)


def _activity_text() -> ColumnElement[str]:
    return cast(ColumnElement[str], literal_column(_PG_ACTIVITY))


def _base(source: Source) -> Select[Any]:
    if source == "activity":
        cols = [_A.id, _A.happened_at, _activity_text().label("body"), _A.kind, *_BRIEF]
        return select(*cols).select_from(
            cast(Table, Activity.__table__).join(
                cast(Table, Customer.__table__), _C.id == _A.customer_id
            )
        )
    return select(_C.id, _C.updated_at, _C.notes, literal("notes").label("kind"), *_BRIEF)


@functools.cache
def _sqlite_statement(source: Source, shape: Shape, chars: bool) -> Select[Any]:
    """The FTS table drives: its rowids come newest first and the scope is checked on each,
    so a query stops after `limit` hits instead of reading every match."""
    stem = "text_search_activity" if source == "activity" else "text_search_notes"
    name = f"{stem}_chars" if chars else stem
    fts = table(name, column("rowid"))
    own = _A.id if source == "activity" else _C.id
    stmt = _base(source)
    froms = stmt.get_final_froms()[0]
    return (
        select(*stmt.selected_columns)
        .select_from(fts.join(froms, own == fts.c.rowid))
        .where(text(f"{name} MATCH :m"), _live_in(shape))
        .order_by(fts.c.rowid.desc())
        .limit(bindparam("limit"))
    )


@functools.cache
def _pg_statement(source: Source, shape: Shape, short: tuple[bool, ...]) -> Select[Any]:
    """pg_trgm (ILIKE) for long words, text_search_grams (@>) for short ones. Sorted by
    `id + 0`: ordered by the primary key itself, PostgreSQL may walk it backwards and test
    every row's text, reading a whole table for a rare word."""
    body = _activity_text() if source == "activity" else _C.notes
    grams = (
        "text_search_grams" + _PG_ACTIVITY if source == "activity" else "text_search_grams(notes)"
    )
    conds: list[Any] = []
    for i, is_short in enumerate(short):
        if is_short:
            conds.append(text(f"{grams} @> CAST(:w{i} AS text[])"))
        else:
            conds.append(body.ilike(bindparam(f"w{i}"), escape="\\"))
    own = _A.id if source == "activity" else _C.id
    return (
        _base(source)
        .where(*conds, _live_in(shape))
        .order_by((own + 0).desc())
        .limit(bindparam("limit"))
    )


def _fts_query(words: Sequence[str], chars: bool) -> str:
    """Every word as a phrase; for the character table, its letters and digits spaced out
    (what unicode61 keeps as tokens: punctuation is not indexed there)."""
    if not chars:
        return " AND ".join(_phrase(w) for w in words)
    spaced = [" ".join(c for c in w if c.isalnum()) for w in words]
    return " AND ".join(_phrase(s) for s in spaced if s)


def _phrase(text_: str) -> str:
    return '"' + text_.replace('"', '""') + '"'


def _escape(text_: str) -> str:
    return text_.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
