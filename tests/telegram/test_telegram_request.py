"""PTB's requests over aiohttp: answers, files, and the errors PTB expects, on real sockets."""

from __future__ import annotations

import asyncio
import socket

import pytest
from telegram import Bot
from telegram.error import NetworkError, TimedOut

from bot.telegram.request import AiohttpRequest
from tests.fakes.telegram_api import TOKEN, FakeBotApi


async def test_a_bot_on_aiohttp_sends_text_and_photos() -> None:
    api = FakeBotApi()
    await api.start()
    try:
        async with Bot(TOKEN, base_url=api.base_url, request=AiohttpRequest()) as bot:
            sent = await bot.send_message(42, "<b>_*[x]", read_timeout=2)
            await bot.send_photo(42, b"\x89PNG-bytes", caption="图")
        assert sent.chat.id == 42 and sent.text == "<b>_*[x]"
        text, photo = api.sent(42)
        assert text.params["text"] == "<b>_*[x]"
        assert photo.method == "sendPhoto" and photo.params["photo"] == b"\x89PNG-bytes"
        assert photo.params["caption"] == "图"
    finally:
        await api.stop()


async def test_nothing_listening_is_a_network_error() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # closed again: nothing listens there
    request = AiohttpRequest()
    await request.initialize()
    try:
        with pytest.raises(NetworkError, match=r"aiohttp\.ClientConnector"):
            await request.do_request(f"http://127.0.0.1:{port}/bot{TOKEN}/getMe", "POST")
    finally:
        await request.shutdown()


async def test_a_server_that_never_answers_times_out() -> None:
    answer = asyncio.Event()

    async def hold(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.read(1 << 16)
        await answer.wait()  # says nothing back until the test is over
        writer.close()
        await writer.wait_closed()

    server = await asyncio.start_server(hold, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    request = AiohttpRequest(read_timeout=0.3)
    await request.initialize()
    try:
        with pytest.raises(TimedOut):
            await request.do_request(f"http://127.0.0.1:{port}/bot{TOKEN}/getMe", "POST")
    finally:
        await request.shutdown()
        answer.set()
        server.close()
        await server.wait_closed()


async def test_requests_go_through_the_environments_proxy(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    asked: list[bytes] = []

    async def proxy(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        asked.append(await reader.readuntil(b"\r\n\r\n"))
        body = b'{"ok": true, "result": {"id": 7, "is_bot": true, "first_name": "P"}}'
        head = f"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {len(body)}"
        writer.write(head.encode() + b"\r\nConnection: close\r\n\r\n" + body)
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(proxy, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{port}")
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    request = AiohttpRequest()
    await request.initialize()
    try:  # a host that resolves nowhere: only the proxy can answer for it
        status, body = await request.do_request(f"http://api.tg.invalid/bot{TOKEN}/getMe", "POST")
        await request.do_request(f"http://api.tg.invalid/bot{TOKEN}/getMe", "POST")
    finally:
        await request.shutdown()
        server.close()
    assert status == 200 and b'"first_name": "P"' in body
    assert [line.split(b"\r\n")[0] for line in asked] == [
        f"POST http://api.tg.invalid/bot{TOKEN}/getMe HTTP/1.1".encode()
    ] * 2


async def test_no_proxy_hosts_are_reached_directly(monkeypatch: pytest.MonkeyPatch) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed = sock.getsockname()[1]  # a proxy that is not there: using it would fail
    monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{closed}")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    api = FakeBotApi()
    await api.start()
    try:
        async with Bot(TOKEN, base_url=api.base_url, request=AiohttpRequest()) as bot:
            sent = await bot.send_message(42, "direct")
        assert sent.text == "direct" and api.sent(42)[0].params["text"] == "direct"
    finally:
        await api.stop()
