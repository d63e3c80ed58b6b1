"""Two instances behind one webhook: one person's messages take turns, whoever receives them."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import event

from handlers.chat.app import build_router
from handlers.chat.context import ChatConfig
from handlers.messages import InboundMessage, Reply
from store.uow import UnitOfWork
from tests.world import Chat, World


def _message(world: World, who: str, text: str, number: int, dedupe: bool) -> InboundMessage:
    return InboundMessage(
        dedupe_key=f"instances-{number}" if dedupe else None,
        channel="console",
        user_id=who,
        chat_id=who,
        sent_at=world.clock.now(),
        text=text,
        message_id=f"instances-{number}",
        locale="zh",
        display_name=who,
    )


@contextlib.asynccontextmanager
async def _database_touched(world: World) -> AsyncIterator[asyncio.Event]:
    """Set when anyone begins a transaction or sends a statement (SQLite's BEGIN IMMEDIATE
    waits for the lock in `begin`; PostgreSQL's turn is taken by the first statement)."""
    engine = world.uows.sessions.kw["bind"].sync_engine
    touched = asyncio.Event()

    def seen(*_args: object, **_kwargs: object) -> None:
        touched.set()

    event.listen(engine, "begin", seen)
    event.listen(engine, "before_cursor_execute", seen)
    try:
        yield touched
    finally:
        event.remove(engine, "begin", seen)
        event.remove(engine, "before_cursor_execute", seen)


# With a dedupe key (Telegram, WeCom) PostgreSQL takes the turn in the inbox insert; without
# one (the console) in a lock statement of its own. Both must hold the second instance back.
@pytest.mark.parametrize("dedupe", [True, False], ids=["deduped", "no-dedupe-key"])
async def test_second_instance_waits_for_the_first_and_continues_its_form(
    world: World, people: dict[str, Chat], dedupe: bool
) -> None:
    other = build_router(world.uows, world.clock, ChatConfig())  # another process, say
    inside, release = asyncio.Event(), asyncio.Event()

    async def hold_the_transaction(_uow: UnitOfWork, _replies: list[Reply]) -> None:
        inside.set()
        await release.wait()

    first = asyncio.create_task(
        world.router.handle(_message(world, "rep_a", "新客户", 1, dedupe), hold_the_transaction)
    )
    await inside.wait()  # the first has asked for the name, but not yet committed
    async with _database_touched(world) as touched:  # by the second: the first is parked
        second = asyncio.create_task(other.handle(_message(world, "rep_a", "张三", 2, dedupe)))
        await touched.wait()  # it began its transaction while the first holds its turn
    assert not second.done(), "the second instance read the form before the first committed"
    release.set()
    [asked_name] = await first
    [asked_phone] = await asyncio.wait_for(second, 20)
    assert "名字" in asked_name.text
    assert "电话" in asked_phone.text  # it answered the form the first one had just started
