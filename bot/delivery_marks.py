"""Outbox marks written as soon as a send returns: the window a crash can re-send stays one
message per chat.

A sent row not yet marked is sent again after a crash (its lease ends, another sender takes
it). So a send's mark is committed right after it, in one transaction with whatever other
marks arrived meanwhile (never waiting for more), and the chat's next message waits for that
commit. Marks apply only while this sender still holds the row's lease: one whose lease was
taken over (a new leader, an expired lease) belongs to its new holder.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from handlers.clock import Clock
from store.uow import UnitOfWork, UnitOfWorkFactory

if TYPE_CHECKING:
    from bot.delivery import SendResult
    from store.models import OutboxEntry

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Mark:
    """A row's new status: sent, failed, or due again at `due`."""

    entry: OutboxEntry
    result: SendResult
    due: datetime | None

    async def apply(self, uow: UnitOfWork, now: datetime, holder: str) -> bool:
        """False when the lease is no longer ours (nothing written)."""
        entry, result, outbox = self.entry, self.result, uow.outbox
        if result.outcome == "sent":
            return await outbox.mark_sent(entry.id, result.provider_message_id, holder)
        if self.due is not None:
            return await outbox.mark_retry(entry.id, result.detail, self.due, holder)
        done = await outbox.mark_failed(entry.id, f"{result.outcome}: {result.detail}", holder)
        if done and result.outcome == "blocked":
            await outbox.mark_blocked(entry.channel, entry.recipient, now)
        return done


class MarkWriter:
    """Commits marks in the order they come; a failed commit is retried with backoff."""

    def __init__(
        self, uows: UnitOfWorkFactory, clock: Clock, holder: str, retry_cap: float = 5.0
    ) -> None:
        self.uows, self.clock, self.holder, self.retry_cap = uows, clock, holder, retry_cap
        self._waiting: list[tuple[Mark, asyncio.Future[None]]] = []
        self._ready = asyncio.Event()
        self._lock = asyncio.Lock()
        self.refused = 0  # marks whose lease had been taken over

    def add(self, mark: Mark) -> asyncio.Future[None]:
        """Queue a mark; the future is done once it is committed."""
        done = asyncio.get_running_loop().create_future()
        self._waiting.append((mark, done))
        self._ready.set()
        return done

    async def run(self) -> None:
        """Write until cancelled."""
        delay = 0.0
        while True:
            await self._ready.wait()
            self._ready.clear()
            if await self.write():
                delay = 0.0
                continue
            delay = min(self.retry_cap, max(0.2, delay * 2))
            await asyncio.sleep(delay)
            self._ready.set()

    async def write(self, release: Sequence[int] = ()) -> bool:
        """Every waiting mark, and `release` (claimed rows never tried) handed back, in one
        transaction; False when the database refused (the marks wait for the next try)."""
        if not self._waiting and not release:
            return True
        try:
            async with self.transaction() as uow:
                await uow.outbox.release(release, self.holder)
                await uow.commit()
        except Exception as exc:
            log.warning("writing outbox marks failed: %r", exc)
            return False
        return True

    @contextlib.asynccontextmanager
    async def transaction(self) -> AsyncIterator[UnitOfWork]:
        """A unit of work that begins by recording every waiting mark; the caller commits.

        One at a time: a claim must not run while rows this process gave back are still
        being written, or it would take a chat's later rows before them.
        """
        async with self._lock:
            batch, self._waiting = self._waiting, []
            try:
                async with self.uows() as uow:
                    now = self.clock.now()
                    kept = [await mark.apply(uow, now, self.holder) for mark, _ in batch]
                    yield uow
            except BaseException:
                self._waiting[:0] = batch  # tried again, before anything that came since
                raise
        self._settle(batch, kept)

    def _settle(self, batch: list[tuple[Mark, asyncio.Future[None]]], kept: list[bool]) -> None:
        for (mark, done), ok in zip(batch, kept, strict=True):
            if not ok:
                self.refused += 1
                log.warning("outbox row %s: lease taken over, not marked", mark.entry.id)
            if not done.done():
                done.set_result(None)

    async def close(self, task: asyncio.Task[None], release: Sequence[int]) -> None:
        """Stop writing in the background; write what is left and hand `release` back."""
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        if not await self.write(release):  # the leases (or the next term) return the rows
            log.warning("outbox marks not written at stand-down; %d kept", len(self._waiting))
        for _, done in self._waiting:
            done.cancel()  # nobody waits for them any more; the marks stay for flush()

    async def flush(self) -> None:
        """Write the marks a stand-down could not, retrying until the database answers: a
        row sent but not on record would be sent again by whoever claims it next."""
        delay = 0.2
        while not await self.write():
            await asyncio.sleep(delay)
            delay = min(self.retry_cap, delay * 2)
