"""Telling a rep something from the desk: an outbox row on a channel the rep reads."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from handlers.messages import Reply, reply_to_dict
from store.models import User
from store.uow import UnitOfWork


async def notify_user(
    uow: UnitOfWork,
    user: User,
    reply: Reply,
    key: str,
    now: datetime,
    channels: Sequence[str],
) -> bool:
    """Queue `reply` to the user's first reachable identity, in the order of `channels`.

    False when the user has no identity on a channel this deployment can send to (their
    reminder still stands) or the key was used before.
    """
    identities = [i for i in await uow.users.identities(user.id) if i.blocked_at is None]
    for channel in channels:
        for identity in identities:
            if identity.channel == channel:
                recipient = identity.chat_id or identity.external_id
                body = numbered_bodies([reply], user.lang)[0]
                return await uow.outbox.enqueue(channel, recipient, body, key, now)
    return False


def numbered_bodies(replies: Sequence[Reply], lang: str) -> list[dict[str, Any]]:
    """Outbox bodies of a batch; each knows where its choices' numbering starts, so text
    channels number them across the batch exactly as the router counts."""
    bodies, first = [], 1
    for reply in replies:
        bodies.append({**reply_to_dict(reply), "lang": lang, "first_choice": first})
        first += len(reply.choices)
    return bodies
