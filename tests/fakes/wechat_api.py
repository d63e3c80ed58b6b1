"""WeChat's API on 127.0.0.1, for both the Official Account and WeCom: tokens, customer-service,
template and app messages, media downloads. It records every request and answers with WeChat's
error codes."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from tests.fakes.telegram_api import multipart_parts

APPID, APP_SECRET = "wx1234567890abcdef", "oa-secret"
CORP_ID, CORP_SECRET, AGENT_ID = "ww0123456789abcdef", "wecom-secret", 1000002


@dataclass
class Call:
    path: str
    query: dict[str, str]
    body: dict[str, Any]
    at: float  # time.monotonic()
    answer: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return bool(self.answer.get("errcode", 0) == 0)

    @property
    def to(self) -> str:
        return str(self.body.get("touser", ""))

    @property
    def text(self) -> str:
        kind = self.body.get("msgtype", "")
        part = self.body.get(kind) or {}
        if "template_id" in self.body:
            return str(self.body["data"]["content"]["value"])
        if kind == "textcard":
            return f"{part.get('title', '')}\n{part.get('description', '')}"
        if kind in ("file", "image"):
            return f"[{kind} {part.get('media_id', '')}]"
        return str(part.get("content", ""))


@dataclass
class FakeWeChatApi:
    calls: list[Call] = field(default_factory=list)
    outside_window: set[str] = field(default_factory=set)  # openids: 45015 on custom send
    unfollowed: set[str] = field(default_factory=set)  # openids: 43004
    delay: float = 0.0  # seconds before answering a send: a slow WeChat
    token_delay: float = 0.0  # seconds before issuing a token: a slow refresh
    media: dict[str, tuple[bytes, str]] = field(default_factory=dict)  # MediaId: bytes, type
    media_chunked: bool = False  # send media without Content-Length, as a stream
    media_stall: str = ""  # "headers": never answer media/get; "body": stop after 1st piece
    errcodes: dict[str, int] = field(default_factory=dict)  # recipient: errcode on send
    prefix: str = "/cgi-bin/"  # where the API is mounted (a proxy may add a path)
    uploads: dict[str, tuple[str, bytes]] = field(default_factory=dict)  # media_id: name, data
    busy_uploads: int = 0  # the next N media/upload calls answer -1 (system busy)
    port: int = 0

    def __post_init__(self) -> None:
        self._serial = itertools.count(1)
        self.valid_tokens: set[str] = set()
        self._server: uvicorn.Server | None = None
        self._task: asyncio.Task[None] | None = None
        self._unstall = asyncio.Event()  # set on stop: stalled answers end, uvicorn can exit

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}{self.prefix}"

    async def start(self) -> None:
        paths = {
            "token": self._token,
            "stable_token": self._stable_token,
            "gettoken": self._gettoken,
            "message/custom/send": self._send,
            "message/template/send": self._send,
            "message/send": self._send,
        }
        routes = [
            Route(f"{self.prefix}{p}", self._endpoint(f), methods=["GET", "POST"])
            for p, f in paths.items()
        ]
        routes.append(Route(f"{self.prefix}media/get", self._media_get, methods=["GET"]))
        routes.append(Route(f"{self.prefix}media/upload", self._upload, methods=["POST"]))
        config = uvicorn.Config(
            Starlette(routes=routes),
            host="127.0.0.1",
            port=0,
            log_level="warning",
            ws="none",
            lifespan="off",
        )
        self._server = uvicorn.Server(config)
        self._task = asyncio.create_task(self._server.serve())
        while not self._server.started:  # noqa: ASYNC110 - uvicorn has no started event
            await asyncio.sleep(0.005)
        self.port = self._server.servers[0].sockets[0].getsockname()[1]

    async def stop(self) -> None:
        assert self._server is not None and self._task is not None
        self._unstall.set()
        self._server.should_exit = True
        await self._task

    # What the tests read and change

    def sent(self, path: str, to: str | None = None) -> list[Call]:
        return [c for c in self.calls if c.path == path and c.ok and to in (None, c.to)]

    def token_fetches(self) -> list[Call]:
        return [c for c in self.calls if c.path in ("token", "stable_token", "gettoken")]

    def expire_tokens(self) -> None:
        """WeChat voided every token (expiry, or a refresh elsewhere): the next call is 42001."""
        self.valid_tokens.clear()

    async def wait_for(self, check: Callable[[], object], within: float = 10.0) -> None:
        deadline = time.monotonic() + within
        while not check():
            if time.monotonic() > deadline:
                recent = [(c.path, c.to, c.answer) for c in self.calls[-6:]]
                raise AssertionError(f"timed out; last calls: {recent}")
            await asyncio.sleep(0.01)

    # The server side

    def _endpoint(self, answer: Callable[[Call], Any]) -> Any:
        async def endpoint(request: Request) -> JSONResponse:
            path = request.url.path.removeprefix(self.prefix)
            raw = await request.body()
            call = Call(
                path, dict(request.query_params), json.loads(raw) if raw else {}, time.monotonic()
            )
            self.calls.append(call)
            call.answer = await answer(call)
            return JSONResponse(call.answer)

        return endpoint

    async def _media_get(self, request: Request) -> Response:
        """WeCom's media/get: the file itself, or a JSON error (40007 for an unknown or
        expired MediaId), as WeChat answers."""
        call = Call("media/get", dict(request.query_params), {}, time.monotonic())
        self.calls.append(call)
        if call.query.get("access_token") not in self.valid_tokens:
            call.answer = {"errcode": 42001, "errmsg": "access_token expired"}
            return JSONResponse(call.answer)
        found = self.media.get(call.query.get("media_id", ""))
        if found is None:
            call.answer = {"errcode": 40007, "errmsg": "invalid media_id"}
            return JSONResponse(call.answer)
        data, content_type = found
        call.answer = {"errcode": 0, "size": len(data)}
        headers = {"Content-Disposition": f'attachment; filename="{call.query["media_id"]}.jpg"'}
        if self.media_stall == "headers":
            await self._unstall.wait()
        if not self.media_chunked and not self.media_stall:
            return Response(data, media_type=content_type, headers=headers)

        async def pieces() -> Any:
            for at in range(0, len(data), 256 * 1024):
                yield data[at : at + 256 * 1024]
                if self.media_stall == "body":
                    await self._unstall.wait()

        return StreamingResponse(pieces(), media_type=content_type, headers=headers)

    async def _upload(self, request: Request) -> JSONResponse:
        """WeCom's media/upload: a multipart "media" part with its file name; a media_id."""
        call = Call("media/upload", dict(request.query_params), {}, time.monotonic())
        self.calls.append(call)
        media = _multipart_file(await request.body(), request.headers["content-type"], "media")
        if call.query.get("access_token") not in self.valid_tokens:
            call.answer = {"errcode": 42001, "errmsg": "access_token expired"}
        elif call.query.get("type") not in ("file", "image") or media is None:
            call.answer = {"errcode": 40004, "errmsg": "invalid media type"}
        elif call.query["type"] == "image" and not media[1].startswith(b"\x89PNG"):
            call.answer = {"errcode": 40005, "errmsg": "invalid file type"}  # JPG or PNG only
        elif not 5 < len(media[1]) <= (10 if call.query["type"] == "image" else 20) << 20:
            call.answer = {"errcode": 40006, "errmsg": "invalid file size"}
        elif self.busy_uploads > 0:
            self.busy_uploads -= 1
            call.answer = {"errcode": -1, "errmsg": "system busy"}
        else:
            media_id = f"MEDIA-{next(self._serial)}"
            self.uploads[media_id] = media
            call.body = {"filename": media[0], "size": len(media[1])}
            call.answer = {"errcode": 0, "type": call.query["type"], "media_id": media_id}
        return JSONResponse(call.answer)

    async def _issue(self) -> dict[str, Any]:
        if self.token_delay:
            await asyncio.sleep(self.token_delay)
        token = f"TOKEN-{next(self._serial)}"
        self.valid_tokens.add(token)
        return {"access_token": token, "expires_in": 7200}

    async def _token(self, call: Call) -> dict[str, Any]:
        ok = call.query.get("appid") == APPID and call.query.get("secret") == APP_SECRET
        return await self._issue() if ok else {"errcode": 40125, "errmsg": "invalid appsecret"}

    async def _stable_token(self, call: Call) -> dict[str, Any]:
        b = call.body
        if b.get("appid") != APPID or b.get("secret") != APP_SECRET:
            return {"errcode": 40125, "errmsg": "invalid appsecret"}
        return await self._issue()

    async def _gettoken(self, call: Call) -> dict[str, Any]:
        q = call.query
        if q.get("corpid") != CORP_ID or q.get("corpsecret") != CORP_SECRET:
            return {"errcode": 40001, "errmsg": "invalid credential"}
        return {"errcode": 0, "errmsg": "ok", **(await self._issue())}

    async def _send(self, call: Call) -> dict[str, Any]:
        if call.query.get("access_token") not in self.valid_tokens:
            return {"errcode": 42001, "errmsg": "access_token expired"}
        if self.delay:  # cut short when the fake stops, so it stops at once
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._unstall.wait(), self.delay)
        if call.to in self.errcodes:
            return {"errcode": self.errcodes[call.to], "errmsg": "as the test asked"}
        if call.to in self.unfollowed:
            return {"errcode": 43004, "errmsg": "require subscribe"}
        if call.path == "message/custom/send" and call.to in self.outside_window:
            return {"errcode": 45015, "errmsg": "response out of time limit"}
        if call.path == "message/send" and call.body.get("agentid") != AGENT_ID:
            return {"errcode": 40056, "errmsg": "invalid agentid"}
        return {"errcode": 0, "errmsg": "ok", "msgid": str(next(self._serial))}


def _multipart_file(body: bytes, content_type: str, field: str) -> tuple[str, bytes] | None:
    """The (file name, bytes) of one file field of a multipart body."""
    for name, filename, content in multipart_parts(body, content_type):
        if name == field and filename is not None:
            return filename, content
    return None
