"""What a WeChat callback carries is committed before it is acknowledged, then handled.

WeChat waits 5 seconds for an answer and, once it has `success`, never sends the message
again. So `accept` commits the decrypted message to the inbox first (a database that is away
means no `success`: WeChat retries); the handling then starts at once, and if it fails (the
database went away in between, say) the row stays due and `run` tries it again with backoff,
on whichever instance gets there first. Handling claims the row in its own transaction, so a
message is handled once however many instances try (store/repos/inbox.py).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from handlers.clock import Clock
from handlers.messages import Attachment, InboundMessage
from store.errors import is_unavailable
from store.repos.inbox import InboxRepo, Pending
from store.uow import UnitOfWorkFactory

log = logging.getLogger(__name__)
Handle = Callable[[InboundMessage], Awaitable[object]]
# A signed callback's timestamp must be this close to our clock, either way (callbacks.py), so
# a nonce must be remembered twice as long: a timestamp ahead of ours stays fresh longer.
FRESHNESS = timedelta(seconds=300)
NONCE_KEPT = 2 * FRESHNESS


class Replayed(Exception):
    """The request's nonce was used before: a captured request sent again."""


@dataclass(frozen=True)
class InboxPolicy:
    # How long the worker leaves a fresh row to the handling started by its callback: a row
    # whose instance died before handling it is picked up after this.
    grace: float = 15.0
    poll_every: float = 1.0
    backoff_first: float = 1.0
    backoff_max: float = 300.0
    give_up_after: int = 20  # failures that are not an unavailable database: a bug
    batch: int = 50


class DurableInbox:
    def __init__(
        self,
        uows: UnitOfWorkFactory,
        clock: Clock,
        handlers: dict[str, Handle],
        policy: InboxPolicy | None = None,
    ) -> None:
        self.uows, self.clock, self.handlers = uows, clock, handlers
        self.policy = policy or InboxPolicy()

    async def accept(self, msg: InboundMessage, nonce: str) -> InboundMessage | None:
        """Commit the message (stamped with when it came); None when it came before.
        Raises Replayed for a used nonce, and whatever the database raises."""
        key = msg.dedupe_key
        assert key is not None, "WeChat messages always have one (inbound.py)"
        now = self.clock.now()
        msg = replace(msg, received_at=now)
        async with self.uows() as uow:
            inbox = InboxRepo(uow.session)
            if not await inbox.first_nonce(msg.channel, nonce, now):
                # WeChat's own retry of a request whose `success` it never got (the commit
                # went through, the answer did not) carries what we have: nothing to do.
                # Anything else under a used nonce is someone replaying a captured query.
                if await inbox.received(msg.channel, key):
                    return None
                raise Replayed(nonce)
            due = now + timedelta(seconds=self.policy.grace)
            fresh = await inbox.accept(msg.channel, key, to_payload(msg), now, due)
            await uow.commit()
        return msg if fresh else None

    async def handle(self, msg: InboundMessage, attempts: int = 0) -> None:
        """Handle one accepted message; a failure leaves it due again later."""
        try:
            await self.handlers[msg.channel](msg)
        except Exception as exc:
            assert msg.dedupe_key is not None
            await self._failed(Pending(msg.channel, msg.dedupe_key, {}, attempts), exc)

    async def run(self) -> None:
        """Forever: handle what is due (failed before, or left by an instance that died)."""
        while True:
            try:
                await self.step()
            except Exception as exc:  # the database is away, say: next round
                log.warning("wechat inbox round failed: %r", exc)
            await asyncio.sleep(self.policy.poll_every)

    async def step(self) -> int:
        """One round: every due message tried once; how many were tried."""
        now = self.clock.now()
        async with self.uows() as uow:
            inbox = InboxRepo(uow.session)
            due = await inbox.due(now, self.policy.batch)
            await inbox.forget_nonces(now - NONCE_KEPT)
            await uow.commit()
        for pending in due:
            try:
                msg = from_payload(pending.payload)
            except Exception as exc:  # not ours to read (a row from a newer version?)
                await self._failed(pending, exc)
                continue
            await self.handle(msg, pending.attempts)
        return len(due)

    async def _failed(self, pending: Pending, exc: Exception) -> None:
        away = is_unavailable(exc)
        if away:
            log.warning("wechat %s not handled yet: %r", pending.dedupe_key, exc)
        else:
            log.error("wechat %s failed", pending.dedupe_key, exc_info=exc)
        tries = pending.attempts + 1
        when: datetime | None = self.clock.now() + self._backoff(tries)
        if tries >= self.policy.give_up_after and not away:
            log.error("wechat %s given up after %s attempts", pending.dedupe_key, tries)
            when = None
        try:
            async with self.uows() as uow:
                await InboxRepo(uow.session).retry_at(pending, when)
                await uow.commit()
        except Exception as again:  # still due at its old time: the worker tries it then
            log.warning("wechat %s: retry not recorded: %r", pending.dedupe_key, again)

    def _backoff(self, tries: int) -> timedelta:
        p = self.policy
        return timedelta(seconds=min(p.backoff_first * 2 ** (tries - 1), p.backoff_max))


def to_payload(msg: InboundMessage) -> dict[str, Any]:
    """The message as JSON for the inbox row."""
    data = asdict(msg)
    data["sent_at"] = msg.sent_at.isoformat()
    data["received_at"] = msg.received_at.isoformat() if msg.received_at else None
    return data


def from_payload(data: dict[str, Any]) -> InboundMessage:
    values = dict(data)
    values["sent_at"] = datetime.fromisoformat(values["sent_at"])
    got = values.get("received_at")
    values["received_at"] = datetime.fromisoformat(got) if got else None
    values["attachments"] = tuple(Attachment(**a) for a in values.get("attachments", ()))
    return InboundMessage(**values)
