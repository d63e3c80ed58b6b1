"""Delivers outbox rows on every channel: claim with a lease, send through a Sender, mark.

The outbox is the source of truth. A row is marked only after its send returned, so a crash
re-sends at most the rows whose lease ran out (at-least-once). Rows of one recipient go out in
id order: a recipient whose send must wait (429 or a transient error) is *held*, and every row
of it that this process has or claims meanwhile goes back to the table with the same due time,
so the next claim returns them in order again.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal, Protocol

from handlers.clock import Clock
from store.models import OutboxEntry
from store.uow import UnitOfWork, UnitOfWorkFactory

log = logging.getLogger(__name__)
Outcome = Literal["sent", "retry_after", "blocked", "failed", "error"]
Recipient = tuple[str, str]  # (channel, recipient)


@dataclass(frozen=True)
class SendResult:
    """What one send attempt came to; only `retry_after` and `error` are tried again."""

    outcome: Outcome
    detail: str = ""
    provider_message_id: str | None = None
    retry_after: float = 0.0

    @classmethod
    def sent(cls, provider_message_id: str | None) -> SendResult:
        return cls("sent", provider_message_id=provider_message_id)

    @classmethod
    def wait(cls, seconds: float, detail: str = "rate limited") -> SendResult:
        return cls("retry_after", detail, retry_after=seconds)

    @classmethod
    def blocked(cls, detail: str) -> SendResult:
        return cls("blocked", detail)

    @classmethod
    def failed(cls, detail: str) -> SendResult:
        return cls("failed", detail)

    @classmethod
    def error(cls, detail: str) -> SendResult:
        return cls("error", detail)


class Sender(Protocol):
    """One channel's way out; it paces itself and maps provider errors to a SendResult."""

    channel: str

    async def send(self, entry: OutboxEntry) -> SendResult: ...


@dataclass(frozen=True)
class DeliveryPolicy:
    batch: int = 50
    max_in_flight: int = 200  # claimed rows waiting in this process, all recipients together
    per_recipient: int = 30  # more than this for one chat go back for later: leases stay short
    overflow_delay: timedelta = timedelta(seconds=5)
    lease: timedelta = timedelta(minutes=10)
    # How often a claim also looks for rows whose sender died mid-send (lease over); a
    # lease lasts minutes, so looking on every claim would only cost a statement.
    reclaim_every: timedelta = timedelta(seconds=30)
    poll_every: float = 1.0  # seconds; enqueuers in this process wake the loop at once
    backoff_first: float = 2.0
    backoff_cap: float = 300.0
    give_up_after: timedelta = timedelta(days=1)


@dataclass(frozen=True)
class _Mark:
    """A row's new status: sent, failed, or due again at `due`."""

    entry: OutboxEntry
    result: SendResult
    due: datetime | None

    async def apply(self, uow: UnitOfWork, now: datetime) -> None:
        entry, result = self.entry, self.result
        if result.outcome == "sent":
            await uow.outbox.mark_sent(entry.id, result.provider_message_id)
        elif self.due is not None:
            await uow.outbox.mark_retry(entry.id, result.detail, self.due)
        else:
            if result.outcome == "blocked":
                await uow.outbox.mark_blocked(entry.channel, entry.recipient, now)
            await uow.outbox.mark_failed(entry.id, f"{result.outcome}: {result.detail}")


_LATER = SendResult.wait(0, "waiting for earlier messages to the same chat")
_BACKING_OFF = SendResult.wait(0, "the chat is backing off")


class Delivery:
    def __init__(
        self,
        uows: UnitOfWorkFactory,
        clock: Clock,
        senders: Iterable[Sender],
        policy: DeliveryPolicy | None = None,
    ) -> None:
        self.uows, self.clock = uows, clock
        self.senders = {sender.channel: sender for sender in senders}
        self.policy = policy or DeliveryPolicy()
        self._queues: dict[Recipient, deque[OutboxEntry]] = {}
        self._workers: dict[Recipient, asyncio.Task[None]] = {}
        self._held: dict[Recipient, datetime] = {}
        self._in_flight = 0
        self._starved = False  # the last claim found no room: a finished send should wake it
        self._wake = asyncio.Event()
        self._marks: list[_Mark] = []  # written by the next step
        self._reclaim_at: datetime | None = None  # None: look on the next claim

    def wake(self) -> None:
        """New rows are due: claim now instead of at the next poll."""
        self._wake.set()

    @property
    def in_flight(self) -> int:
        return self._in_flight

    async def run(self) -> None:
        """Deliver until cancelled; a failing database only delays, it never ends the loop."""
        try:
            while True:
                try:
                    full = await self.step()
                except Exception:
                    log.exception("outbox claim failed; retrying")
                    full = False
                if not full:
                    await self._sleep()
        finally:
            workers = list(self._workers.values())
            for task in workers:
                task.cancel()
            await asyncio.gather(*workers, return_exceptions=True)
            await self._last_marks()

    async def _last_marks(self) -> None:
        """What was sent gets marked before we go; if that fails, the leases will tell."""
        if not self._marks:
            return
        try:
            async with self.uows() as uow:
                for mark in self._marks:
                    await mark.apply(uow, self.clock.now())
                await uow.commit()
        except Exception:
            log.exception("marking %d outbox rows at shutdown failed", len(self._marks))

    async def step(self) -> bool:
        """Record finished sends, claim one batch and hand it out; True if the batch was full.

        One transaction does both: rows given back are due in the table before the claim
        runs, and a send costs no commit of its own.
        """
        room = min(self.policy.batch, self.policy.max_in_flight - self._in_flight)
        self._starved = room <= 0
        marks, self._marks = self._marks, []
        now = self.clock.now()
        try:
            async with self.uows() as uow:
                for mark in marks:
                    await mark.apply(uow, now)
                rows = await self._claim(uow, now, room)
                await uow.commit()
        except BaseException:
            self._marks[:0] = marks  # written with the next step instead
            raise
        for entry in rows:
            due = self._accept(entry, now)
            if due is not None:
                self._mark(_Mark(entry, _LATER, due))
        return room > 0 and len(rows) == room

    async def _claim(self, uow: UnitOfWork, now: datetime, room: int) -> Sequence[OutboxEntry]:
        if room <= 0:
            return ()
        reclaim = self._reclaim_at is None or now >= self._reclaim_at
        rows = await uow.outbox.claim(
            now, room, self.policy.lease, tuple(self.senders), reclaim=reclaim
        )
        if reclaim:
            self._reclaim_at = now + self.policy.reclaim_every
        return rows

    def _accept(self, entry: OutboxEntry, now: datetime) -> datetime | None:
        """Queue a claimed row for its recipient, or say when it should be claimed again."""
        key = (entry.channel, entry.recipient)
        held = self._held.get(key)
        if held is not None and held > now:
            return held
        self._held.pop(key, None)
        queue = self._queues.setdefault(key, deque())
        if len(queue) >= self.policy.per_recipient:
            # Hold the whole chat, not just this row: a later row claimed before this one
            # comes due again must not overtake it.
            self._held[key] = now + self.policy.overflow_delay
            return self._held[key]
        queue.append(entry)
        self._in_flight += 1
        if key not in self._workers:
            self._workers[key] = asyncio.create_task(self._work(key), name=f"deliver:{key}")
        return None

    async def _work(self, key: Recipient) -> None:
        queue = self._queues[key]
        try:
            while queue:
                entry = queue[0]
                result = await self._send(entry)
                queue.popleft()
                self._in_flight -= 1
                if self._starved:
                    self._starved = False
                    self._wake.set()
                due = self._next_attempt(entry, result, self.clock.now())
                self._mark(_Mark(entry, result, due))
                if due is not None:
                    self._held[key] = due
                    for later in queue:
                        self._mark(_Mark(later, _BACKING_OFF, due))
                    self._in_flight -= len(queue)
                    queue.clear()
        finally:
            del self._workers[key]
            if not queue:
                del self._queues[key]
            self._wake.set()  # record this chat's sends now, not at the next poll

    async def _send(self, entry: OutboxEntry) -> SendResult:
        try:
            return await self.senders[entry.channel].send(entry)
        except Exception as exc:  # a sender bug must not stop this chat's queue for good
            log.exception("sending outbox row %s failed", entry.id)
            return SendResult.error(f"{type(exc).__name__}: {exc}")

    def _mark(self, mark: _Mark) -> None:
        """A row's new status, written by the next step's transaction."""
        self._marks.append(mark)
        outcome = mark.result.outcome
        if outcome in ("failed", "blocked") or (outcome == "error" and mark.due is None):
            log.warning("outbox row %s not delivered: %s", mark.entry.id, mark.result.detail)
        if len(self._marks) >= self.policy.batch:
            self._wake.set()

    def _next_attempt(
        self, entry: OutboxEntry, result: SendResult, now: datetime
    ) -> datetime | None:
        if result.outcome == "retry_after":  # never counts as lost, however often it happens
            return now + timedelta(seconds=result.retry_after)
        if result.outcome != "error" or now - entry.created_at > self.policy.give_up_after:
            return None
        exponent = max(0, entry.attempts - 1)
        delay = min(self.policy.backoff_cap, self.policy.backoff_first * 2**exponent)
        return now + timedelta(seconds=delay)

    async def _sleep(self) -> None:
        timeout, now = self.policy.poll_every, self.clock.now()
        self._held = {key: due for key, due in self._held.items() if due > now}
        if self._held:
            soonest = (min(self._held.values()) - now).total_seconds()
            timeout = min(timeout, soonest)
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(timeout):
                await self._wake.wait()
        self._wake.clear()
