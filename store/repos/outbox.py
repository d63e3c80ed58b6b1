"""The outbox: every message to send, claimed by one sender at a time, sent at most once."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, case, delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from store.models import Identity, OutboxEntry
from store.repos.once import insert_many_once, insert_once, is_postgres

# Keys that must never go out twice, however old: a care message (birthday, holiday,
# post-sale, win-back) is queued by handlers/desk/care.queue_care with the outbox key as its
# only guard. Everything else is guarded elsewhere and may go: reminders by their status and
# due time, digests and briefs by their job_run slot, replies by the inbox (which forgets
# update ids after three days, after which a repeated id must be answered again).
TOMBSTONE_KEYS = ("care:",)


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
        holder: str = "",
        takeover: bool = False,
    ) -> Sequence[OutboxEntry]:
        """Take up to `limit` due rows for `holder`; others skip them until the lease ends.

        Rows come in id order, a chat's messages as they were queued. ix_outbox_due holds
        them in that order, so a claim reads about `limit` entries however many rows wait
        (plus the few held back for a retry). With `reclaim`, rows whose sender died (lease
        over, still "sending") come first: a separate, small look that a delivery loop needs
        only now and then. With `takeover` (a sender that has just become the only one, see
        store/leader.py) every "sending" row comes first whatever its lease: whoever held it
        is gone, and a chat's older rows must go out before its newer ones.
        PostgreSQL: FOR UPDATE SKIP LOCKED lets several instances claim side by side.
        SQLite: the transaction began IMMEDIATE, so claimers are already serialised.
        """
        rows: list[OutboxEntry] = []
        if reclaim or takeover:
            expired = OutboxEntry.status == "sending"
            if takeover:  # not the rows this sender already holds
                expired = expired & OutboxEntry.lease_holder.is_distinct_from(holder)
            else:
                expired = expired & (OutboxEntry.lease_until < now)
            rows += await self._take(expired, limit, channels)
        if len(rows) < limit:
            due = (OutboxEntry.status == "pending") & (OutboxEntry.next_attempt_at <= now)
            rows += await self._take(due, limit - len(rows), channels)
        for row in rows:
            row.status, row.lease_until, row.attempts = "sending", now + lease, row.attempts + 1
            row.lease_holder = holder
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

    async def others_sending(self, channels: Sequence[str], holder: str) -> bool:
        """Rows of these channels claimed by another sender (whatever their lease says)."""
        stmt = (
            select(OutboxEntry.id)
            .where(OutboxEntry.status == "sending", OutboxEntry.channel.in_(list(channels)))
            .where(OutboxEntry.lease_holder.is_distinct_from(holder))
            .limit(1)
        )
        return (await self.session.scalar(stmt)) is not None

    async def renew(self, ids: Sequence[int], holder: str, until: datetime) -> set[int]:
        """Extend the lease of the rows `holder` still holds; returns their ids (the rest were
        taken over and are no longer this sender's to send)."""
        if not ids:
            return set()
        stmt = (
            update(OutboxEntry)
            .where(_held_by(ids, holder))
            .values(lease_until=until)
            .returning(OutboxEntry.id)
        )
        return {int(i) for i in (await self.session.scalars(stmt)).all()}

    async def release(self, ids: Sequence[int], holder: str) -> int:
        """Hand claimed, never-tried rows back, due as they were: a sender that stops."""
        if not ids:
            return 0
        stmt = (
            update(OutboxEntry)
            .where(_held_by(ids, holder))
            .values(
                status="pending",
                lease_until=None,
                lease_holder=None,
                attempts=case((OutboxEntry.attempts > 0, OutboxEntry.attempts - 1), else_=0),
            )
        )
        return _count(await self.session.execute(stmt))

    async def mark_sent(
        self, entry_id: int, provider_message_id: str | None, holder: str = ""
    ) -> bool:
        """False when the lease is no longer `holder`'s: the new holder decides the row."""
        return await self._mark(
            entry_id,
            holder,
            status="sent",
            lease_until=None,
            lease_holder=None,
            provider_message_id=provider_message_id,
        )

    async def mark_retry(
        self, entry_id: int, error: str, next_attempt_at: datetime, holder: str = ""
    ) -> bool:
        return await self._mark(
            entry_id,
            holder,
            status="pending",
            lease_until=None,
            lease_holder=None,
            last_error=error[:1000],
            next_attempt_at=next_attempt_at,
        )

    async def mark_failed(self, entry_id: int, error: str, holder: str = "") -> bool:
        """Give up on a row for good (the recipient blocked us, or it can never succeed)."""
        return await self._mark(
            entry_id,
            holder,
            status="failed",
            lease_until=None,
            lease_holder=None,
            last_error=error[:1000],
        )

    async def _mark(self, entry_id: int, holder: str, **values: Any) -> bool:
        stmt = update(OutboxEntry).where(_held_by([entry_id], holder)).values(**values)
        return _count(await self.session.execute(stmt)) > 0

    async def mark_blocked(self, channel: str, external_id: str, now: datetime) -> None:
        """The user blocked the bot on this channel: stop queueing and sending to them."""
        await self.session.execute(
            update(Identity)
            .where(Identity.channel == channel, Identity.external_id == external_id)
            .values(blocked_at=now)
        )

    async def purge_done(
        self, before: datetime, limit: int, keep: Sequence[str] = TOMBSTONE_KEYS
    ) -> int:
        """Up to `limit` sent or failed rows queued before `before`, oldest first, deleted;
        those whose key starts with one of `keep` stay as a tombstone (status "kept", no body)
        so the key can never be queued again. Returns how many rows were done."""
        stmt = (
            select(OutboxEntry.id, OutboxEntry.idempotency_key)
            .where(OutboxEntry.status.in_(("sent", "failed")), OutboxEntry.created_at < before)
            .order_by(OutboxEntry.id)
            .limit(limit)
        )
        rows = (await self.session.execute(stmt)).all()
        kept = [i for i, key in rows if key.startswith(tuple(keep))]
        gone = [i for i, key in rows if not key.startswith(tuple(keep))]
        if kept:
            tomb: dict[str, Any] = {
                "status": "kept",
                "body": {},
                "last_error": None,
                "lease_holder": None,
            }
            await self.session.execute(
                update(OutboxEntry).where(OutboxEntry.id.in_(kept)).values(**tomb)
            )
        if gone:
            await self.session.execute(delete(OutboxEntry).where(OutboxEntry.id.in_(gone)))
        return len(rows)

    async def by_key(self, idempotency_key: str) -> OutboxEntry | None:
        stmt = select(OutboxEntry).where(OutboxEntry.idempotency_key == idempotency_key)
        return (await self.session.scalars(stmt)).first()


def _held_by(ids: Sequence[int], holder: str) -> ColumnElement[bool]:
    """Rows still claimed by `holder` (status "sending" with its name on the lease)."""
    return (
        OutboxEntry.id.in_(list(ids))
        & (OutboxEntry.status == "sending")
        & (OutboxEntry.lease_holder == holder)
    )


def _count(result: Any) -> int:
    return int(getattr(result, "rowcount", 0) or 0)
