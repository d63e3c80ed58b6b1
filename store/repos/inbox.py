"""Inbound messages acknowledged before they were handled, and the nonces of signed callbacks.

WeChat gives a callback 5 seconds. What it carries is committed here first (the decrypted
message as the inbox row's payload, with when to try it next); then `success` is answered, and
the handling commits in its own transaction, which clears the payload (`first_delivery` in
store/repos/chat.py claims the row). A row whose handling failed stays due and is tried again.
Built over a unit of work's session (`InboxRepo(uow.session)`), so it shares that transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, bindparam, delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from store.models import InboxEntry, SeenNonce
from store.repos.once import insert_once

_INBOX = cast(Table, InboxEntry.__table__)
# Not named after the columns: update() reserves those names for its SET clause.
_IS_ROW = (_INBOX.c.channel == bindparam("b_channel")) & (
    _INBOX.c.dedupe_key == bindparam("b_key")
)
# Handling committed: the row is only a dedupe key again. Matches nothing once done, so of two
# instances handling the same row the second one changes nothing and learns it was a repeat.
CLAIM_PENDING = (
    update(_INBOX)
    .where(_IS_ROW, _INBOX.c.next_attempt_at.is_not(None))
    .values(payload=None, next_attempt_at=None)
)


@dataclass(frozen=True)
class Pending:
    """A message acknowledged but not yet handled."""

    channel: str
    dedupe_key: str
    payload: dict[str, Any]
    attempts: int


class InboxRepo:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def accept(
        self, channel: str, dedupe_key: str, payload: dict[str, Any], now: datetime, due: datetime
    ) -> bool:
        """Keep a message to handle from `due` on; False when it was received before."""
        values = {
            "channel": channel,
            "dedupe_key": dedupe_key,
            "received_at": now,
            "payload": payload,
            "attempts": 0,
            "next_attempt_at": due,
        }
        return await insert_once(self.session, InboxEntry, values)

    async def received(self, channel: str, dedupe_key: str) -> bool:
        found = await self.session.scalar(
            select(_INBOX.c.id).where(
                _INBOX.c.channel == channel, _INBOX.c.dedupe_key == dedupe_key
            )
        )
        return found is not None

    async def due(self, now: datetime, limit: int) -> list[Pending]:
        """The oldest messages whose handling is due (never tried, or failed and waited)."""
        stmt = (
            select(_INBOX.c.channel, _INBOX.c.dedupe_key, _INBOX.c.payload, _INBOX.c.attempts)
            .where(_INBOX.c.next_attempt_at.is_not(None), _INBOX.c.next_attempt_at <= now)
            .order_by(_INBOX.c.next_attempt_at, _INBOX.c.id)
            .limit(limit)
        )
        return [Pending(*row) for row in (await self.session.execute(stmt)).all()]

    async def retry_at(self, pending: Pending, when: datetime | None) -> None:
        """One more failed attempt: due again at `when`, or never (None: kept for a person
        to look at, its payload intact)."""
        stmt = (
            update(_INBOX)
            .where(_IS_ROW, _INBOX.c.next_attempt_at.is_not(None))
            .values(attempts=pending.attempts + 1, next_attempt_at=when)
        )
        await self.session.execute(
            stmt, {"b_channel": pending.channel, "b_key": pending.dedupe_key}
        )

    async def pending(self, channel: str) -> Sequence[InboxEntry]:
        """Every row of `channel` not handled yet (due or given up), oldest first."""
        stmt = select(InboxEntry).where(
            InboxEntry.channel == channel, InboxEntry.payload.is_not(None)
        )
        return (await self.session.scalars(stmt.order_by(InboxEntry.id))).all()

    async def first_nonce(self, channel: str, nonce: str, now: datetime) -> bool:
        """Remember a signed request's nonce; False when it was used before (a replay)."""
        values = {"channel": channel, "nonce": nonce, "seen_at": now}
        return await insert_once(self.session, SeenNonce, values)

    async def forget_nonces(self, before: datetime) -> int:
        """Nonces older than the freshness window: a request that old is refused anyway."""
        done = await self.session.execute(delete(SeenNonce).where(SeenNonce.seen_at < before))
        return int(getattr(done, "rowcount", 0))
