"""Forgetting a customer in the stored messages: the outbox, half-finished forms, audit rows,
merge snapshots. These hold no customer id to go by, so the customer's own identifiers (name,
phone, email, WeChat id) are found as text and replaced wherever they appear.

JSON columns are stored as text by json.dumps, which escapes non-ASCII characters: "张三" is
stored as "\\u5f20\\u4e09", so both spellings are searched.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy import JSON, ColumnElement, Text, cast, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from store.models import (
    AuditLog,
    Base,
    ConversationState,
    Deal,
    InboxEntry,
    MergeLog,
    OutboxEntry,
)


def _text_columns(model: type[Base]) -> tuple[tuple[type[Base], str], ...]:
    """A table's text and JSON columns: the inbox keeps what arrived, whatever its shape."""
    kinds = (Text, JSON)
    return tuple((model, c.key) for c in model.__table__.columns if isinstance(c.type, kinds))


# Every column that keeps a message's or a change's text without a customer id. A new one
# belongs here, or /forget leaves the customer in it.
MESSAGE_TEXT: tuple[tuple[type[Base], str], ...] = (
    (OutboxEntry, "body"),
    (OutboxEntry, "last_error"),
    (ConversationState, "data"),
    (AuditLog, "before"),
    (AuditLog, "after"),
    (MergeLog, "snapshot"),
    *_text_columns(InboxEntry),
)
# Columns of the customer's own rows where their name may be part of other text.
OWN_TEXT: tuple[tuple[type[Base], str], ...] = ((Deal, "title"), (Deal, "close_reason"))


class OpsScrubQueries:
    session: AsyncSession

    async def scrub_mentions(self, customer_id: int, values: Sequence[str], mark: str) -> int:
        """Replace `values` by `mark` in every stored message and the customer's own deals;
        returns how many rows changed."""
        values = sorted({v for v in values if v and len(v) >= 2}, key=len, reverse=True)
        if not values:
            return 0
        changed = 0
        for model, column in MESSAGE_TEXT:
            changed += await self._replace(model, column, values, mark, None)
        for model, column in OWN_TEXT:
            own = model.customer_id == customer_id  # type: ignore[attr-defined]
            changed += await self._replace(model, column, values, mark, own)
        return changed

    async def _replace(
        self,
        model: type[Base],
        column: str,
        values: Sequence[str],
        mark: str,
        where: ColumnElement[bool] | None,
    ) -> int:
        col = getattr(model, column)
        is_json = isinstance(col.type, JSON)
        as_text = cast(col, Text) if is_json else col
        forms = {f for v in values for f in (v, json.dumps(v)[1:-1])}
        found = or_(*(as_text.contains(form, autoescape=True) for form in forms))
        stmt = select(model.id, col).where(found)  # type: ignore[attr-defined]
        if where is not None:
            stmt = stmt.where(where)
        rows = (await self.session.execute(stmt)).all()
        for row_id, value in rows:
            new = _replaced(value, values, mark)
            done = update(model).where(model.id == row_id).values({column: new})  # type: ignore[attr-defined]
            await self.session.execute(done.execution_options(synchronize_session="fetch"))
        return len(rows)


def _replaced(value: Any, values: Sequence[str], mark: str) -> Any:
    """`value` with every occurrence of `values` replaced, through dicts and lists."""
    if isinstance(value, str):
        for v in values:
            value = value.replace(v, mark)
        return value
    if isinstance(value, dict):
        return {k: _replaced(v, values, mark) for k, v in value.items()}
    if isinstance(value, list):
        return [_replaced(v, values, mark) for v in value]
    return value
