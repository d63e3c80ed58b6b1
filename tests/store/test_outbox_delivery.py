"""Outbound guarantees: a send's mark is on record before the chat's next send, marks count
only from the lease holder, long queues keep their lease, stopping hands rows back, and one
sender leads per bot account."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.delivery import Delivery, DeliveryPolicy, SendResult
from handlers.clock import FixedClock, SystemClock
from store.db import make_sessions
from store.leader import AdvisoryLeader
from store.models import OutboxEntry
from store.uow import UnitOfWorkFactory
from tests.conftest import require_pg

T = datetime(2026, 12, 6, 9, 0, tzinfo=UTC)
LEASE = timedelta(seconds=5)


class Checking:
    """Sends at once; before each send, reads which earlier rows of the chat are not marked."""

    channel = "telegram"

    def __init__(self, uows: UnitOfWorkFactory, gate: str | None = None) -> None:
        self.uows, self.gate = uows, gate
        self.sent: dict[str, list[str]] = defaultdict(list)
        self.unmarked_before: list[str] = []
        self.started = asyncio.Event()  # the gated chat's first send has begun
        self.release = asyncio.Event()
        self.count: asyncio.Queue[str] = asyncio.Queue()

    async def send(self, entry: OutboxEntry) -> SendResult:
        async with self.uows() as uow:
            earlier = select(OutboxEntry.body).where(
                OutboxEntry.recipient == entry.recipient,
                OutboxEntry.id < entry.id,
                OutboxEntry.status != "sent",
            )
            self.unmarked_before += [b["text"] for b in (await uow.session.scalars(earlier))]
        if entry.recipient == self.gate:
            self.started.set()
            await self.release.wait()
        self.sent[entry.recipient].append(entry.body["text"])
        self.count.put_nowait(entry.body["text"])
        return SendResult.sent(None)


async def queue(uows: UnitOfWorkFactory, chat: str, n: int, at: datetime) -> list[str]:
    texts = [f"{chat}-{i}" for i in range(n)]
    async with uows() as uow:
        for text in texts:
            await uow.outbox.enqueue("telegram", chat, {"text": text}, text, at)
        await uow.commit()
    return texts


async def statuses(uows: UnitOfWorkFactory) -> dict[str, tuple[str, int, str | None]]:
    async with uows() as uow:
        rows = (await uow.session.scalars(select(OutboxEntry).order_by(OutboxEntry.id))).all()
    return {r.idempotency_key: (r.status, r.attempts, r.lease_holder) for r in rows}


async def wait_sent(sender: Checking | OnTheWire, n: int) -> None:
    async with asyncio.timeout(10):
        for _ in range(n):
            await sender.count.get()


async def test_each_send_is_on_record_before_the_chat_next_send(uows: UnitOfWorkFactory) -> None:
    sender = Checking(uows)
    chats = {c: await queue(uows, c, 6, T) for c in ("1", "2", "3")}
    delivery = Delivery(uows, FixedClock(T), [sender], DeliveryPolicy(lease=LEASE))
    task = asyncio.create_task(delivery.run())
    await wait_sent(sender, 18)
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    assert dict(sender.sent) == chats  # each chat in order
    assert sender.unmarked_before == []  # at a crash, at most the one on the wire re-sends
    assert {s for s, _, _ in (await statuses(uows)).values()} == {"sent"}


async def test_stopping_hands_claimed_rows_back_at_once(uows: UnitOfWorkFactory) -> None:
    sender = Checking(uows, gate="slow")
    slow = await queue(uows, "slow", 4, T)
    quick = await queue(uows, "quick", 3, T)
    policy = DeliveryPolicy(lease=timedelta(minutes=10), stop_grace=0.05)
    delivery = Delivery(uows, FixedClock(T), [sender], policy)
    task = asyncio.create_task(delivery.run())
    await wait_sent(sender, 3)
    await sender.started.wait()  # "slow" is stuck in its first send
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    rows = await statuses(uows)
    assert [rows[k] for k in quick] == [("sent", 1, None)] * 3
    # the stuck send may have reached the chat (at-least-once); the rest were never tried
    assert [rows[k] for k in slow] == [("pending", 0, None)] * 4
    sender.release.set()
    again = Delivery(uows, FixedClock(T), [sender], policy)  # no 10-minute lease to wait out
    task = asyncio.create_task(again.run())
    await wait_sent(sender, 4)
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    assert sender.sent["slow"] == slow


async def test_marks_count_only_from_the_lease_holder(uows: UnitOfWorkFactory) -> None:
    await queue(uows, "7", 2, T)
    async with uows() as uow:
        first, second = await uow.outbox.claim(T, 2, LEASE, holder="a")
        await uow.commit()
    async with uows() as uow:  # "b" leads now: it takes a's rows whatever their lease says
        taken = await uow.outbox.claim(T, 2, LEASE, holder="b", takeover=True)
        assert [r.id for r in taken] == [first.id, second.id]
        assert await uow.outbox.claim(T, 2, LEASE, holder="b", takeover=True) == []
        await uow.commit()
    async with uows() as uow:
        assert not await uow.outbox.mark_sent(first.id, "late", holder="a")
        assert not await uow.outbox.mark_retry(second.id, "429", T, holder="a")
        assert await uow.outbox.renew([first.id, second.id], "a", T + LEASE) == set()
        assert await uow.outbox.mark_sent(first.id, "m1", holder="b")
        assert await uow.outbox.release([second.id], "b") == 1
        await uow.commit()
    rows = await statuses(uows)
    assert list(rows.values()) == [("sent", 2, None), ("pending", 1, None)]


async def test_a_draining_queue_keeps_its_lease(uows: UnitOfWorkFactory) -> None:
    sender, clock = Checking(uows, gate="7"), FixedClock(T)
    await queue(uows, "7", 3, T)
    delivery = Delivery(uows, clock, [sender], DeliveryPolicy(lease=LEASE))
    await delivery.step()
    await sender.started.wait()
    clock.at = T + timedelta(seconds=2)  # past a third of the lease: renewed on this step
    await delivery.step()
    async with uows() as uow:
        leases = (await uow.session.scalars(select(OutboxEntry.lease_until))).all()
        assert set(leases) == {T + timedelta(seconds=2) + LEASE}
        stolen = await uow.outbox.claim(T + LEASE + timedelta(seconds=1), 5, LEASE, holder="x")
        assert stolen == []  # the first lease is over, the renewed one is not
    writer = asyncio.create_task(delivery.marks.run())  # what run() starts beside the steps
    sender.release.set()
    await wait_sent(sender, 3)
    writer.cancel()
    await asyncio.gather(writer, return_exceptions=True)
    assert sender.sent["7"] == ["7-0", "7-1", "7-2"]


async def test_one_leader_per_bot_account_and_a_quick_takeover(engine: AsyncEngine) -> None:
    if engine.dialect.name != "postgresql":
        return  # SQLite serves one host: every process there leads (store/leader.py)
    await require_pg()
    uows = UnitOfWorkFactory(make_sessions(engine))
    texts = await queue(uows, "9", 6, datetime.now(UTC) - timedelta(seconds=1))
    sender = Checking(uows, gate="9")
    first = Delivery(uows, SystemClock(), [sender], DeliveryPolicy(stop_grace=0.05))
    running = asyncio.create_task(first.run())
    await sender.started.wait()  # leading, and stuck on "9-0"
    other = AdvisoryLeader(engine, "outbox:telegram")
    assert not await other.acquire()  # a second host cannot send for the same bot
    another_account = AdvisoryLeader(engine, "outbox:wecom")
    assert await another_account.acquire()  # another bot account has a sender of its own
    await another_account.release()
    running.cancel()
    await asyncio.gather(running, return_exceptions=True)
    assert await other.acquire()  # the leader's lock went with it
    await other.release()
    sender.release.set()
    second = Delivery(uows, SystemClock(), [sender], DeliveryPolicy())
    running = asyncio.create_task(second.run())
    await wait_sent(sender, 6)
    running.cancel()
    await asyncio.gather(running, return_exceptions=True)
    assert sender.sent["9"] == texts  # 9-0 handed back at the stop, then all in order


class Losing:
    """Leads until told it lost; the next acquire leads again (a new term)."""

    exclusive = False

    def __init__(self, on_lost: asyncio.Event) -> None:
        self.lost, self.on_lost = False, on_lost

    async def acquire(self) -> bool:
        self.lost = False
        return True

    async def holding(self) -> bool:
        if self.lost:
            self.on_lost.set()
        return not self.lost

    async def release(self) -> None:
        return None


class OnTheWire:
    """A chat API seen from outside: a message counts as delivered once its request is out,
    whether or not this side waits for the answer."""

    channel = "telegram"

    def __init__(self) -> None:
        self.delivered: list[str] = []
        self.count: asyncio.Queue[str] = asyncio.Queue()
        self.first_out = asyncio.Event()
        self.answer = asyncio.Event()

    async def send(self, entry: OutboxEntry) -> SendResult:
        self.delivered.append(entry.body["text"])
        self.count.put_nowait(entry.body["text"])
        self.first_out.set()
        await self.answer.wait()
        return SendResult.sent(None)


async def test_a_send_on_the_wire_when_leadership_is_lost_is_not_sent_again(
    uows: UnitOfWorkFactory,
) -> None:
    texts = await queue(uows, "5", 3, T)
    noticed, sender = asyncio.Event(), OnTheWire()
    leader = Losing(noticed)
    policy = DeliveryPolicy(lease=timedelta(minutes=10), leader_check=0.01, leader_retry=0.01)
    delivery = Delivery(uows, FixedClock(T), [sender], policy, leader=leader)
    task = asyncio.create_task(delivery.run())
    await sender.first_out.wait()  # "5-0" is out, its answer not back yet
    leader.lost = True
    await noticed.wait()  # standing down now; the answer comes a moment later
    asyncio.get_running_loop().call_later(0.05, sender.answer.set)
    await wait_sent(sender, len(texts))
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    assert sender.delivered == texts  # each once, in order
    assert {s for s, _, _ in (await statuses(uows)).values()} == {"sent"}
