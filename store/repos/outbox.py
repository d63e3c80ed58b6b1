"""The outbox: every message to send, claimed by one sender at a time, sent at most once."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from store.models import Identity, OutboxEntry
from store.repos.once import insert_many_once, insert_once, is_postgres


def outbox_row(
    channel: str, recipient: str, body: dict[str, Any], key: str, now: datetime
) -> dict[str, Any]:
    """One outbox row, due now, as values for OutboxRepo.enqueue_many."""
    return {
        "channel": channel,
        "recipient": recipient,
        "body": body,
        "idempotency_key": key,
        "status": "pending",
        "attempts": 0,
        "next_attempt_at": now,
        "created_at": now,
    }


class OutboxRepo:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def enqueue(
        self,
        channel: str,
        recipient: str,
        body: dict[str, Any],
        idempotency_key: str,
        now: datetime,
        not_before: datetime | None = None,
    ) -> bool:
        """Queue a message; False when the same key was queued before (nothing added)."""
        row = outbox_row(channel, recipient, body, idempotency_key, not_before or now)
        row["created_at"] = now
        return await insert_once(self.session, OutboxEntry, row)

    async def enqueue_many(self, rows: Sequence[dict[str, Any]]) -> int:
        """Queue `outbox_row`s in one statement; a known key is skipped; returns how many were
        added. Reminders come in thousands, a message's replies in twos and threes."""
        return await insert_many_once(self.session, OutboxEntry, rows)

    async def claim(
        self,
        now: datetime,
        limit: int,
        lease: timedelta,
        channels: Sequence[str] = (),
        reclaim: bool = True,
    ) -> Sequence[OutboxEntry]:
        """Take up to `limit` due rows for this sender; others skip them until the lease ends.

        Rows come in id order, a chat's messages as they were queued. ix_outbox_due holds
        them in that order, so a claim reads about `limit` entries however many rows wait
        (plus the few held back for a retry). With `reclaim`, rows whose sender died (lease
        over, still "sending") come first: a separate, small look that a delivery loop needs
        only now and then.
        PostgreSQL: FOR UPDATE SKIP LOCKED lets several instances claim side by side.
        SQLite: the transaction began IMMEDIATE, so claimers are already serialised.
        """
        rows: list[OutboxEntry] = []
        if reclaim:
            expired = (OutboxEntry.status == "sending") & (OutboxEntry.lease_until < now)
            rows += await self._take(expired, limit, channels)
        if len(rows) < limit:
            due = (OutboxEntry.status == "pending") & (OutboxEntry.next_attempt_at <= now)
            rows += await self._take(due, limit - len(rows), channels)
        for row in rows:
            row.status, row.lease_until, row.attempts = "sending", now + lease, row.attempts + 1
        await self.session.flush()
        return rows

    async def _take(
        self,
        where: ColumnElement[bool],
        limit: int,
        channels: Sequence[str],
    ) -> Sequence[OutboxEntry]:
        stmt = select(OutboxEntry).where(where).order_by(OutboxEntry.id).limit(limit)
        if channels:
            stmt = stmt.where(OutboxEntry.channel.in_(channels))
        if is_postgres(self.session):
            stmt = stmt.with_for_update(skip_locked=True)
        return (await self.session.scalars(stmt)).all()

    async def mark_sent(self, entry_id: int, provider_message_id: str | None) -> None:
        await self.session.execute(
            update(OutboxEntry)
            .where(OutboxEntry.id == entry_id)
            .values(status="sent", lease_until=None, provider_message_id=provider_message_id)
        )

    async def mark_retry(self, entry_id: int, error: str, next_attempt_at: datetime) -> None:
        await self.session.execute(
            update(OutboxEntry)
            .where(OutboxEntry.id == entry_id)
            .values(
                status="pending",
                lease_until=None,
                last_error=error[:1000],
                next_attempt_at=next_attempt_at,
            )
        )

    async def mark_failed(self, entry_id: int, error: str) -> None:
        """Give up on a row for good (the recipient blocked us, or it can never succeed)."""
        await self.session.execute(
            update(OutboxEntry)
            .where(OutboxEntry.id == entry_id)
            .values(status="failed", lease_until=None, last_error=error[:1000])
        )

    async def mark_blocked(self, channel: str, external_id: str, now: datetime) -> None:
        """The user blocked the bot on this channel: stop queueing and sending to them."""
        await self.session.execute(
            update(Identity)
            .where(Identity.channel == channel, Identity.external_id == external_id)
            .values(blocked_at=now)
        )

    async def by_key(self, idempotency_key: str) -> OutboxEntry | None:
        stmt = select(OutboxEntry).where(OutboxEntry.idempotency_key == idempotency_key)
        return (await self.session.scalars(stmt)).first()
