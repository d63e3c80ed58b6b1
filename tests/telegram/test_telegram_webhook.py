"""The webhook's edge: secret, size, garbage, redelivery; and /healthz."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import json
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import func, select

from bot.web import create_app
from store.models import Customer, InboxEntry, OutboxEntry
from tests.fakes.telegram_api import TgUser
from tests.telegram.harness import Harness

REP = TgUser(8001, "小李", "zh-hans")


async def _counts(tg: Harness) -> tuple[int, int]:
    async with tg.app.uows() as uow:
        inbox = await uow.session.scalar(select(func.count(InboxEntry.id)))
        outbox = await uow.session.scalar(select(func.count(OutboxEntry.id)))
    return int(inbox or 0), int(outbox or 0)


@pytest.mark.parametrize("secret", [None, "", "wrong", "test_webhook-Secret2"])
async def test_forged_or_missing_secret_is_refused_and_ignored(
    tg: Harness, secret: str | None
) -> None:
    response = await tg.post(tg.updates.message(REP, "/start X"), secret=secret)
    assert response.status_code == 403
    await asyncio.sleep(0.05)
    assert await _counts(tg) == (0, 0) and tg.api.sent() == []


@pytest.mark.parametrize(
    "body",
    [
        b"{not json",
        b"",
        b"[1, 2, 3]",
        json.dumps({"update_id": "7"}).encode(),
        json.dumps({"update_id": 9, "message": "not a message"}).encode(),
        json.dumps({"update_id": 10, "poll_answer_v9": {"what": "a future kind"}}).encode(),
        json.dumps({"update_id": 11, "edited_message": {"message_id": 1}}).encode(),
        "\udcff".encode("utf-8", "surrogatepass"),
    ],
)
async def test_malformed_or_unknown_updates_get_200_and_change_nothing(
    tg: Harness, body: bytes
) -> None:
    response = await tg.post(body)
    assert response.status_code == 200
    assert await _counts(tg) == (0, 0) and tg.api.sent() == []


async def test_oversized_body_is_refused_unread(tg: Harness) -> None:
    update = tg.updates.message(REP, "x" * 1_100_000)
    response = await tg.post(update)
    assert response.status_code == 413
    assert await _counts(tg) == (0, 0)


async def test_same_update_twice_changes_nothing_the_second_time(tg: Harness) -> None:
    await tg.join(REP, "rep_a")
    update = tg.updates.message(REP, "/newcustomer 王五 13900000055")
    first = await tg.send(update)
    assert "已新建客户" in first[0].text
    before = await _counts(tg)
    again = await tg.post(update)
    assert again.status_code == 200
    await asyncio.sleep(0.1)
    assert await _counts(tg) == before
    async with tg.app.uows() as uow:
        assert await uow.session.scalar(select(func.count(Customer.id))) == 1
    assert len(tg.api.sent(REP.id)) == 2  # the welcome and one confirmation, not two


async def test_duplicate_button_press_saves_once(tg: Harness) -> None:
    await tg.join(REP, "rep_a")
    await tg.say(REP, "/newcustomer 赵六 13900000066 小米")
    [card] = await tg.say(REP, "/visit 今天拜访赵六，聊了续约")
    press = tg.updates.press(REP, card, "vi:ok")
    assert len(await tg.send(press)) == 2  # the edit and the confirmation
    sent = len(tg.api.calls)
    assert (await tg.post(press)).status_code == 200
    await asyncio.sleep(0.1)
    assert [c.method for c in tg.api.calls[sent:]] in ([], ["answerCallbackQuery"])


async def test_button_press_is_answered_in_the_webhook_reply(tg: Harness) -> None:
    await tg.join(REP, "rep_a")
    await tg.say(REP, "/newcustomer 赵六 13900000066 小米")
    [card] = await tg.say(REP, "/visit 今天拜访赵六，聊了续约")
    press = tg.updates.press(REP, card, "vi:ok")
    response = await tg.post(press)
    assert response.status_code == 200
    assert response.json() == {
        "method": "answerCallbackQuery",
        "callback_query_id": press["callback_query"]["id"],
    }
    message = await tg.post(tg.updates.message(REP, "/today"))
    assert message.status_code == 200 and message.content == b""  # nothing to answer with


async def test_healthz(tg: Harness) -> None:
    response = await tg.http.get("/healthz")
    assert response.status_code == 200 and response.json() == {"ok": True}


async def test_what_start_up_built_is_frozen_out_of_collections_until_shutdown(
    tg: Harness,
) -> None:
    built: list[list[int]] = []

    @contextlib.asynccontextmanager
    async def part() -> AsyncIterator[None]:
        built.extend([i] for i in range(5000))  # 5000 containers the collector would track
        yield

    web = create_app(tg.app, lifespans=[part])
    before = gc.get_freeze_count()
    async with web.router.lifespan_context(web):
        assert gc.get_freeze_count() >= before + 5000
    assert gc.get_freeze_count() == 0
