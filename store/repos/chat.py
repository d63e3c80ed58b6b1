"""Conversation state, inbound dedupe and the audit log: the bot's own bookkeeping."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as lite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from store.models import AuditLog, ConversationState, InboxEntry


class ChatRepo:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def state(self, channel: str, chat_id: str, user_key: str) -> ConversationState | None:
        stmt = select(ConversationState).where(
            ConversationState.channel == channel,
            ConversationState.chat_id == chat_id,
            ConversationState.user_key == user_key,
        )
        return (await self.session.scalars(stmt)).first()

    async def save_state(
        self,
        key: tuple[str, str, str],
        state: str,
        data: dict[str, Any],
        now: datetime,
        row: ConversationState | None = None,
    ) -> None:
        """Upsert the form; pass the row already loaded this transaction to skip a query."""
        row = row or await self.state(*key)
        if row is None:
            channel, chat_id, user_key = key
            row = ConversationState(channel=channel, chat_id=chat_id, user_key=user_key)
            self.session.add(row)
        row.state, row.data, row.updated_at = state, dict(data), now
        await self.session.flush()

    async def clear_state(self, key: tuple[str, str, str]) -> None:
        channel, chat_id, user_key = key
        await self.session.execute(
            delete(ConversationState).where(
                ConversationState.channel == channel,
                ConversationState.chat_id == chat_id,
                ConversationState.user_key == user_key,
            )
        )

    async def first_delivery(self, channel: str, dedupe_key: str, now: datetime) -> bool:
        """Record an inbound message; False when it was seen before (a redelivery)."""
        values = {"channel": channel, "dedupe_key": dedupe_key, "received_at": now}
        insert = pg_insert if self.session.get_bind().dialect.name == "postgresql" else lite_insert
        stmt = insert(InboxEntry).values(values).on_conflict_do_nothing()
        result = await self.session.execute(stmt)
        return bool(getattr(result, "rowcount", 0))

    async def audit(self, entry: AuditLog) -> None:
        self.session.add(entry)
        await self.session.flush()

    async def audit_trail(self, entity: str, entity_id: int) -> Sequence[AuditLog]:
        stmt = (
            select(AuditLog)
            .where(AuditLog.entity == entity, AuditLog.entity_id == entity_id)
            .order_by(AuditLog.id)
        )
        return (await self.session.scalars(stmt)).all()
