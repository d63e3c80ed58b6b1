"""Queueing messages to users from operations (handover briefs, pool warnings) via the outbox."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from handlers.messages import Reply, reply_to_dict
from store.uow import UnitOfWork

MAX_TEXT = 3500  # under Telegram's 4096 with room for the channel's own framing


async def queue(uow: UnitOfWork, items: Sequence[tuple[int, Reply, str]], now: datetime) -> int:
    """One outbox row per (user id, reply, idempotency key); unreachable users skipped."""
    identities = await uow.jobs.identities([user_id for user_id, _, _ in items])
    rows = []
    for user_id, reply, key in items:
        identity = identities.get(user_id)
        if identity is None:
            continue
        rows.append(
            {
                "channel": identity.channel,
                "recipient": identity.chat_id or identity.external_id,
                "body": reply_to_dict(reply),
                "idempotency_key": key[:200],
                "status": "pending",
                "attempts": 0,
                "next_attempt_at": now,
                "created_at": now,
            }
        )
    return await uow.outbox.enqueue_many(rows)


def chunks(blocks: Sequence[str], limit: int = MAX_TEXT) -> list[str]:
    """Blocks joined into messages no longer than `limit`; a block is never split."""
    messages: list[str] = []
    for block in blocks:
        if messages and len(messages[-1]) + len(block) + 2 <= limit:
            messages[-1] += "\n\n" + block
        else:
            messages.append(block[:limit])
    return messages
