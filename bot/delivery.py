"""Delivers outbox rows on every channel: claim with a lease, send through a Sender, mark.

The outbox is the source of truth; docs/delivery.md ("Outbound") states the guarantees. One
process per bot account sends (store/leader.py), so the cluster keeps the bot's limits and each
chat's order. A row is marked right after its send returns, and a chat's next message waits
for that commit, so a crash re-sends at most the message each chat had on the wire
(at-least-once). Rows of one recipient go out in id order: a recipient whose send must wait
(429 or a transient error) is *held*, and every row of it that this process has or claims
meanwhile goes back to the table with the same due time, so the next claim returns them in
order again. Stopping hands every claimed, unsent row back at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import os
import socket
import uuid
from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal, Protocol, runtime_checkable

from bot.delivery_marks import Mark, MarkWriter
from handlers.clock import Clock
from store.leader import Leader, leader_for
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


@runtime_checkable
class FoldingSender(Sender, Protocol):
    """A sender that can send a recipient's next rows as one message."""

    def foldable(self, entries: Sequence[OutboxEntry]) -> int: ...

    async def send_folded(self, entries: Sequence[OutboxEntry]) -> SendResult: ...


FOLD_LOOKAHEAD = 30


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
    # Leadership (store/leader.py): how often the leader checks it still leads, how often
    # a waiting process tries to take over. Together: a dead host's bot is taken over
    # within the lock's keepalive time plus `leader_retry`.
    leader_check: float = 1.0
    leader_retry: float = 1.0
    # A new leader that finds rows another sender still holds waits this long first: the
    # old one notices within leader_check plus the check's timeout (store/leader.py), and
    # the bot's one-second window then holds none of its sends.
    takeover_pause: float = 3.0
    # Stopping: sends in progress get this long to finish (and be marked) before the rest
    # is handed back.
    stop_grace: float = 5.0
    # Leadership lost: sends already on the wire still get this long. Cancelling one would
    # not unsend it, only forget that it went, and the next leader would send it again.
    # Shorter than takeover_pause, which a new leader waits before taking such rows.
    lost_grace: float = 1.5


_LATER = SendResult.wait(0, "waiting for earlier messages to the same chat")
_BACKING_OFF = SendResult.wait(0, "the chat is backing off")


def sender_name() -> str:
    """This delivery loop's name on the leases it holds: host, process, and a nonce."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class Delivery:
    def __init__(
        self,
        uows: UnitOfWorkFactory,
        clock: Clock,
        senders: Iterable[Sender],
        policy: DeliveryPolicy | None = None,
        leader: Leader | None = None,
    ) -> None:
        self.uows, self.clock = uows, clock
        self.senders = {sender.channel: sender for sender in senders}
        self.policy = policy or DeliveryPolicy()
        self.holder = sender_name()
        engine = uows.sessions.kw["bind"]
        self.leader = leader or leader_for(engine, "outbox:" + ",".join(sorted(self.senders)))
        self.marks = MarkWriter(uows, clock, self.holder)
        self._queues: dict[Recipient, deque[OutboxEntry]] = {}
        self._workers: dict[Recipient, asyncio.Task[None]] = {}
        self._held: dict[Recipient, datetime] = {}
        self._lost: set[int] = set()  # queued rows whose lease another sender took
        self._in_flight = 0
        self._starved = False  # the last claim found no room: a finished send should wake it
        self._stopping = False
        self._takeover = False  # a new leader's first claims take every row still "sending"
        self._wake = asyncio.Event()
        self._reclaim_at: datetime | None = None  # None: look on the next claim
        self._renew_at: datetime | None = None

    def wake(self) -> None:
        """New rows are due: claim now instead of at the next poll."""
        self._wake.set()

    @property
    def in_flight(self) -> int:
        return self._in_flight

    async def run(self) -> None:
        """Deliver while leading, until cancelled; a failing database only delays."""
        try:
            while True:
                while not await self.leader.acquire():  # noqa: ASYNC110 (polls the database)
                    await asyncio.sleep(self.policy.leader_retry)
                # A new name for each term: rows a past term could not hand back (the database
                # was away) are then another sender's, and this term takes them over.
                self.holder = self.marks.holder = sender_name()
                writer = asyncio.create_task(self.marks.run(), name="outbox-marks")
                grace = self.policy.stop_grace
                try:
                    await self._lead()
                    grace = self.policy.lost_grace  # another process may lead already
                except Exception:  # the database went away mid-lead: step down, try again
                    log.exception("outbox delivery lost its footing; standing down")
                    grace = self.policy.lost_grace
                finally:
                    await self._stand_down(writer, grace)
                await self.marks.flush()  # under this term's name, before the next term's
                await self.leader.release()  # a clean slate before leading again
        finally:
            await self.leader.release()

    async def _lead(self) -> None:
        """Claim and send until this process no longer leads."""
        loop = asyncio.get_running_loop()
        if self.leader.exclusive and await self._others_sending():
            # The last leader may not have noticed yet that it lost (it checks every
            # leader_check), and its last second of sends still counts against the bot.
            await asyncio.sleep(self.policy.takeover_pause)
        self._takeover, self._reclaim_at, check_at = self.leader.exclusive, None, loop.time()
        while True:
            if loop.time() >= check_at:
                if not await self.leader.holding():
                    return
                check_at = loop.time() + self.policy.leader_check
            try:
                full = await self.step()
            except Exception:
                log.exception("outbox claim failed; retrying")
                full = False
            if not full:
                await self._sleep()

    async def _others_sending(self) -> bool:
        async with self.uows() as uow:
            return await uow.outbox.others_sending(tuple(self.senders), self.holder)

    async def _stand_down(self, writer: asyncio.Task[None], grace: float) -> None:
        """Let sends in progress finish (for `grace` seconds), then hand every claimed,
        unsent row back."""
        self._stopping = True
        workers = list(self._workers.values())
        if workers:
            _, late = await asyncio.wait(workers, timeout=grace) if grace > 0 else ((), workers)
            for task in late:  # its row may be on the wire: it goes back all the same
                task.cancel()
            await asyncio.gather(*late, return_exceptions=True)
        left = [e.id for q in self._queues.values() for e in q if e.id not in self._lost]
        self._queues.clear()
        self._held.clear()
        self._lost.clear()
        self._in_flight = 0
        await self.marks.close(writer, left)
        self._stopping = False

    async def step(self) -> bool:
        """Renew this sender's leases, claim one batch and hand it out; True if it was full."""
        room = min(self.policy.batch, self.policy.max_in_flight - self._in_flight)
        self._starved = room <= 0
        now = self.clock.now()
        async with self.marks.transaction() as uow:  # marks first: rows given back are due
            await self._renew(uow, now)
            rows = await self._claim(uow, now, room)
            await uow.commit()
        for entry in rows:
            due = self._accept(entry, now)
            if due is not None:
                self.marks.add(Mark(entry, _LATER, due))
        return room > 0 and len(rows) == room

    async def _renew(self, uow: UnitOfWork, now: datetime) -> None:
        """Keep the leases of rows still queued here: a long queue outlives its first lease."""
        if self._renew_at is not None and now < self._renew_at:
            return
        self._renew_at = now + self.policy.lease / 3
        queued = [e.id for q in self._queues.values() for e in q]
        kept = await uow.outbox.renew(queued, self.holder, now + self.policy.lease)
        self._lost |= set(queued) - kept

    async def _claim(self, uow: UnitOfWork, now: datetime, room: int) -> Sequence[OutboxEntry]:
        if room <= 0:
            return ()
        reclaim = self._reclaim_at is None or now >= self._reclaim_at
        rows = await uow.outbox.claim(
            now,
            room,
            self.policy.lease,
            tuple(self.senders),
            reclaim=reclaim,
            holder=self.holder,
            takeover=self._takeover,
        )
        if reclaim:
            self._reclaim_at = now + self.policy.reclaim_every
        self._takeover = self._takeover and len(rows) == room  # more may still be left
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
            while queue and not self._stopping:
                entry = queue[0]
                if entry.id in self._lost:  # another sender holds it now
                    self._done(queue)
                    self._lost.discard(entry.id)
                    continue
                group = self._fold(entry, queue)
                result = await self._send(group)
                due = self._next_attempt(entry, result, self.clock.now())
                for sent in group:
                    recorded = self._mark(Mark(sent, result, due))
                    self._done(queue)
                if due is not None:
                    self._held[key] = due
                    for later in queue:
                        self._mark(Mark(later, _BACKING_OFF, due))
                    self._in_flight -= len(queue)
                    queue.clear()
                await recorded  # this chat's next send waits until this one is on record
        finally:
            del self._workers[key]
            if not queue and self._queues.get(key) is queue:
                del self._queues[key]
            self._wake.set()

    def _done(self, queue: deque[OutboxEntry]) -> None:
        queue.popleft()
        self._in_flight -= 1
        if self._starved:
            self._starved = False
            self._wake.set()

    def _fold(self, entry: OutboxEntry, queue: deque[OutboxEntry]) -> list[OutboxEntry]:
        """The rows that go out as one message: a sender that can fold (WeCom, where each
        member gets 30 messages a minute) takes a burst's next rows with the first."""
        sender = self.senders[entry.channel]
        if not isinstance(sender, FoldingSender) or len(queue) < 2:
            return [entry]
        lost = self._lost
        candidates = list(itertools.takewhile(lambda e: e.id not in lost, queue))
        return candidates[: sender.foldable(candidates[:FOLD_LOOKAHEAD])] or [entry]

    async def _send(self, group: list[OutboxEntry]) -> SendResult:
        sender = self.senders[group[0].channel]
        try:
            if len(group) > 1 and isinstance(sender, FoldingSender):
                return await sender.send_folded(group)
            return await sender.send(group[0])
        except Exception as exc:  # a sender bug must not stop this chat's queue for good
            log.exception("sending outbox row %s failed", group[0].id)
            return SendResult.error(f"{type(exc).__name__}: {exc}")

    def _mark(self, mark: Mark) -> asyncio.Future[None]:
        outcome = mark.result.outcome
        if outcome in ("failed", "blocked") or (outcome == "error" and mark.due is None):
            log.warning("outbox row %s not delivered: %s", mark.entry.id, mark.result.detail)
        return self.marks.add(mark)

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
        timeout, now = min(self.policy.poll_every, self.policy.leader_check), self.clock.now()
        self._held = {key: due for key, due in self._held.items() if due > now}
        if self._held:
            soonest = (min(self._held.values()) - now).total_seconds()
            timeout = min(timeout, soonest)
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(timeout):
                await self._wake.wait()
        self._wake.clear()
