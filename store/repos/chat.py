"""Conversation state, inbound dedupe and the audit log: the bot's own bookkeeping."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple, cast

from sqlalchemy import Table, and_, bindparam, delete, func, insert, select, tuple_, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from store.models import AuditLog, ConversationState, Identity, InboxEntry, Org, User
from store.repos import pipelines
from store.repos.inbox import CLAIM_PENDING
from store.repos.once import insert_once, is_postgres, upsert

STATE_KEY = ("channel", "chat_id", "user_key")

# The statements every message runs, built once: building one costs as much as running it.
_IS_ADDRESS = and_(
    Identity.channel == bindparam("channel"), Identity.external_id == bindparam("user_key")
)
_IS_FORM = and_(
    ConversationState.channel == bindparam("channel"),
    ConversationState.chat_id == bindparam("chat_id"),
    ConversationState.user_key == bindparam("user_key"),
)
# One entity (the user, whom handlers may change); the address and the form as plain columns:
# building an ORM object costs more than the rest of the row.
_SENDER = (
    select(
        User,
        Identity.id,
        Identity.blocked_at,
        ConversationState.state,
        ConversationState.data,
        Org.pipeline_rev,
    )
    .join(Identity, Identity.user_id == User.id)
    .join(Org, Org.id == User.org_id)
    .outerjoin(ConversationState, _IS_FORM)
    .where(_IS_ADDRESS)
)
_LOCK_ADDRESS = select(Identity.id).where(_IS_ADDRESS).with_for_update()
_INBOX = cast(Table, InboxEntry.__table__)
# PostgreSQL: the inbox row and the person's turn (the address lock) in one round trip. The
# count makes the locking sub-select run to the end; the row goes in whether or not the address
# exists (a stranger has none yet).
_FIRST_IN_TURN = (
    pg_insert(_INBOX)
    .from_select(
        ["channel", "dedupe_key", "received_at"],
        select(
            bindparam("channel", type_=_INBOX.c.channel.type),
            bindparam("dedupe_key", type_=_INBOX.c.dedupe_key.type),
            bindparam("received_at", type_=_INBOX.c.received_at.type),
        ).where(select(func.count()).select_from(_LOCK_ADDRESS.subquery()).scalar_subquery() >= 0),
    )
    .on_conflict_do_nothing()
)
_FIRST_KEPT = (
    select(_INBOX.c.id)
    .where(_INBOX.c.received_at >= bindparam("before"))
    .order_by(_INBOX.c.id)
    .limit(1)
)
_PURGE_INBOX = delete(_INBOX).where(
    _INBOX.c.id < bindparam("upto"),
    _INBOX.c.received_at < bindparam("before"),
    _INBOX.c.next_attempt_at.is_(None),  # acknowledged but not handled yet: kept
)
_IDENTITY = cast(Table, Identity.__table__)
_UNBLOCK = (
    update(_IDENTITY).where(_IDENTITY.c.id == bindparam("identity_id")).values(blocked_at=None)
)
_CLEAR_FORM = delete(cast(Table, ConversationState.__table__)).where(_IS_FORM)
# The table, not the entity: an audit row is written at once, by a plain INSERT, instead of
# waiting as an ORM object for the next flush (a flush costs several times the statement).
ADD_AUDIT_ROW = insert(cast(Table, AuditLog.__table__))


class Form(NamedTuple):
    """A form in progress in one chat: its step and what was entered so far."""

    state: str
    data: dict[str, Any]


@dataclass(frozen=True)
class Sender:
    """Who wrote: the user, the chat address they wrote from, and their form in progress."""

    user: User
    identity_id: int
    blocked: bool  # the bot was told it is blocked at this address
    state: Form | None


class ChatRepo:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self._turn: tuple[str, str] | None = None  # the address locked in this transaction

    async def state(self, channel: str, chat_id: str, user_key: str) -> ConversationState | None:
        stmt = select(ConversationState).where(
            ConversationState.channel == channel,
            ConversationState.chat_id == chat_id,
            ConversationState.user_key == user_key,
        )
        return (await self.session.scalars(stmt)).first()

    async def sender(self, channel: str, chat_id: str, user_key: str) -> Sender | None:
        """The user behind a chat address and their conversation here, in one query."""
        await self._take_turn(channel, user_key)
        key = {"channel": channel, "chat_id": chat_id, "user_key": user_key}
        row = (await self.session.execute(_SENDER, key)).first()
        if row is None:
            return None
        user, identity_id, blocked_at, state, data, pipeline_rev = row
        pipelines.saw_rev(self.session, user.org_id, pipeline_rev)  # stages from memory
        form = Form(state, data or {}) if state is not None else None
        return Sender(user, identity_id, blocked_at is not None, form)

    async def unblock(self, identity_id: int) -> None:
        """The person wrote from this address again, so they no longer block the bot."""
        await self.session.execute(_UNBLOCK, {"identity_id": identity_id})

    async def _take_turn(self, channel: str, user_key: str) -> None:
        """PostgreSQL: lock the person's address row until commit, so two instances given
        messages of the same person take turns on the form instead of both editing it.

        A statement of its own: a query that waits for a lock still answers from the snapshot
        it began with, so the form must be read after the lock is held. SQLite needs nothing,
        its BEGIN IMMEDIATE already lets one writer in at a time.
        """
        if self._turn == (channel, user_key) or not is_postgres(self.session):
            return
        await self.session.execute(_LOCK_ADDRESS, {"channel": channel, "user_key": user_key})
        self._turn = (channel, user_key)

    async def save_state(
        self, key: tuple[str, str, str], state: str, data: dict[str, Any], now: datetime
    ) -> None:
        """Insert or replace the form in one statement, whether or not one was there."""
        values: dict[str, Any] = dict(zip(STATE_KEY, key, strict=True))
        values.update(state=state, data=dict(data), updated_at=now)
        await upsert(
            self.session, ConversationState, values, STATE_KEY, ("state", "data", "updated_at")
        )

    async def offered(
        self, keys: Sequence[tuple[str, str, str]], since: datetime
    ) -> dict[tuple[str, str, str], list[list[str]]]:
        """The choices still on screen (offered since `since`, no form in progress) in these
        chats, so a new message's numbers can follow them instead of repeating 1, 2, 3."""
        if not keys:
            return {}
        stmt = select(ConversationState).where(
            tuple_(*(getattr(ConversationState, c) for c in STATE_KEY)).in_(list(keys)),
            ConversationState.state == "",
            ConversationState.updated_at >= since,
        )
        found = {}
        for row in await self.session.scalars(stmt):
            choices = (row.data or {}).get("_choices")
            if isinstance(choices, list) and choices:
                found[(row.channel, row.chat_id, row.user_key)] = choices
        return found

    async def offer_choices(
        self, offers: dict[tuple[str, str, str], list[list[str]]], now: datetime
    ) -> None:
        """Make each chat's typed number pick from these [label, payload] choices, as after a
        reply, unless a form is in progress there (its answers must not become choices)."""
        if not offers:
            return
        rows: list[dict[str, Any]] = [
            {**dict(zip(STATE_KEY, key, strict=True)), "state": "", "updated_at": now}
            | {"data": {"_choices": choices}}
            for key, choices in offers.items()
        ]
        no_form = ConversationState.state == ""
        await upsert(
            self.session, ConversationState, rows, STATE_KEY, ("data", "updated_at"), no_form
        )

    async def clear_state(self, key: tuple[str, str, str]) -> None:
        # The table, not the entity: no ORM bulk delete to sync the (unloaded) rows with.
        await self.session.execute(_CLEAR_FORM, dict(zip(STATE_KEY, key, strict=True)))

    async def first_delivery(
        self, channel: str, dedupe_key: str, now: datetime, turn_of: str | None = None
    ) -> bool:
        """Record an inbound message; False when it was seen before (a redelivery) and
        handled. One acknowledged earlier but not handled yet is claimed instead: True.

        With `turn_of` (the sender's user key) PostgreSQL also takes that person's turn in the
        same statement, so sender() needs no lock statement of its own.
        """
        values = {"channel": channel, "dedupe_key": dedupe_key, "received_at": now}
        if turn_of is None or not is_postgres(self.session):
            first = await insert_once(self.session, InboxEntry, values)
        else:
            result = await self.session.execute(_FIRST_IN_TURN, {**values, "user_key": turn_of})
            self._turn = (channel, turn_of)
            first = bool(getattr(result, "rowcount", 0))
        return first or await self._claim_pending(channel, dedupe_key)

    async def _claim_pending(self, channel: str, dedupe_key: str) -> bool:
        """The row is there: True when it was acknowledged but not yet handled (store/repos/
        inbox.py), so this transaction handles it and marks it handled with its effect."""
        key = {"b_channel": channel, "b_key": dedupe_key}
        result = await self.session.execute(CLAIM_PENDING, key)
        return bool(getattr(result, "rowcount", 0))

    async def purge_inbox(self, before: datetime, batch: int) -> int:
        """Forget up to `batch` of the oldest inbound messages received before `before`; how
        many. By id, oldest first: the first row kept is found by walking the primary key
        over the rows to drop (no index on received_at for every message to maintain)."""
        handled = _INBOX.c.next_attempt_at.is_(None)
        oldest = await self.session.scalar(select(func.min(_INBOX.c.id)).where(handled))
        if oldest is None:
            return 0
        kept = await self.session.scalar(_FIRST_KEPT, {"before": before})
        upto = oldest + batch if kept is None else min(kept, oldest + batch)
        done = await self.session.execute(_PURGE_INBOX, {"upto": upto, "before": before})
        return int(getattr(done, "rowcount", 0))

    async def audit(self, values: dict[str, Any]) -> None:
        """Write one audit row (AuditLog's columns, no id) in this transaction."""
        await self.session.execute(ADD_AUDIT_ROW, values)

    async def audit_trail(self, entity: str, entity_id: int) -> Sequence[AuditLog]:
        stmt = (
            select(AuditLog)
            .where(AuditLog.entity == entity, AuditLog.entity_id == entity_id)
            .order_by(AuditLog.id)
        )
        return (await self.session.scalars(stmt)).all()
