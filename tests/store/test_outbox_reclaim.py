"""A delivery loop takes back rows whose sender died mid-send, at start and then now and then."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from bot.delivery import Delivery, DeliveryPolicy, SendResult
from handlers.clock import FixedClock
from store.models import OutboxEntry
from store.uow import UnitOfWorkFactory

T = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
LEASE = timedelta(seconds=5)


class Recording:
    """A sender that delivers at once and remembers what it sent."""

    channel = "telegram"

    def __init__(self) -> None:
        self.sent: list[str] = []
        self.done: asyncio.Queue[str] = asyncio.Queue()

    async def send(self, entry: OutboxEntry) -> SendResult:
        self.sent.append(entry.body["text"])
        self.done.put_nowait(entry.body["text"])
        return SendResult.sent(None)


async def abandoned(uows: UnitOfWorkFactory, text: str, at: datetime) -> None:
    """A row claimed at `at` by a sender that then died (never marked)."""
    async with uows() as uow:
        await uow.outbox.enqueue("telegram", "7", {"text": text}, text, at)
        assert len(await uow.outbox.claim(at, 1, LEASE)) == 1
        await uow.commit()


async def run_steps(delivery: Delivery, sender: Recording) -> None:
    """A claim, its sends (in their own tasks), and the commit that records them."""
    await delivery.step()
    async with asyncio.timeout(5):
        for _ in range(delivery.in_flight):
            await sender.done.get()
    assert await delivery.marks.write()


async def test_abandoned_rows_are_taken_back_at_start_then_every_interval(
    uows: UnitOfWorkFactory,
) -> None:
    clock, sender = FixedClock(T), Recording()
    policy = DeliveryPolicy(lease=LEASE, reclaim_every=timedelta(seconds=30))
    delivery = Delivery(uows, clock, [sender], policy)
    await abandoned(uows, "before the restart", T - LEASE * 2)
    await run_steps(delivery, sender)
    assert sender.sent == ["before the restart"]

    await abandoned(uows, "died later", T)
    clock.at = T + LEASE * 2  # its lease is over, but the last look was 10 s ago
    await run_steps(delivery, sender)
    assert sender.sent == ["before the restart"]
    clock.at = T + timedelta(seconds=31)
    await run_steps(delivery, sender)
    assert sender.sent == ["before the restart", "died later"]
    async with uows() as uow:
        row = await uow.outbox.by_key("died later")
        assert row is not None and (row.status, row.attempts) == ("sent", 2)
