"""A Bot API server on 127.0.0.1: records every request and answers like Telegram does.

The real PTB client talks HTTP to it. It can answer 429 with `retry_after`, 403 for users who
blocked the bot or never opened a chat with it, and serves getUpdates for polling. `Updates`
builds the update JSON Telegram would POST to a webhook.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from typing import Any
from urllib.parse import parse_qsl

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

TOKEN = "123456:TEST-token"
BOT_ID = 123456
BOT_USERNAME = "chatcrm_test_bot"
SENDS = ("sendMessage", "sendPhoto", "sendDocument")
EDITS = ("editMessageText", "editMessageReplyMarkup")
_PLAIN = {"text", "caption", "secret_token", "url", "callback_query_id", "language_code"}
_PLAIN |= {"document.filename", "file_id"}


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    at: float  # time.monotonic()
    status: int = 200
    result: Any = None

    @property
    def chat_id(self) -> int | None:
        chat = self.params.get("chat_id")
        return int(chat) if chat is not None else None

    @property
    def text(self) -> str:
        return str(self.params.get("text") or self.params.get("caption") or "")

    @property
    def buttons(self) -> list[tuple[str, str]]:
        markup = self.params.get("reply_markup") or {}
        rows = markup.get("inline_keyboard", [])
        return [(b["text"], b.get("callback_data", "")) for row in rows for b in row]


@dataclass
class FakeBotApi:
    token: str = TOKEN
    calls: list[Call] = field(default_factory=list)
    blocked: set[int] = field(default_factory=set)  # 403: bot was blocked by the user
    strangers: set[int] = field(default_factory=set)  # 403: never opened a chat with the bot
    flood_every: int = 0  # every Nth send or edit gets a 429
    flood_next: int = 0  # the next N sends or edits get a 429
    retry_after: int = 1
    bad_gateway_next: int = 0  # the next N sends or edits get a 502 (a transient error)
    port: int = 0  # 0: any free port
    record: bool = True  # off for long benchmark runs
    files: dict[str, bytes] = field(default_factory=dict)  # file_id: what getFile serves

    def __post_init__(self) -> None:
        self._ids = itertools.count(1000)
        self._sends = 0
        self._updates: list[dict[str, Any]] = []
        self._new_update = asyncio.Event()
        self._server: uvicorn.Server | None = None
        self._task: asyncio.Task[None] | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def me(self) -> dict[str, Any]:
        return {"id": BOT_ID, "is_bot": True, "first_name": "CRM", "username": BOT_USERNAME}

    async def start(self) -> None:
        app = Starlette(
            routes=[
                Route("/bot{token}/{method}", self._endpoint, methods=["POST"]),
                Route("/file/bot{token}/{path:path}", self._file, methods=["GET"]),
            ]
        )
        config = uvicorn.Config(
            app, host="127.0.0.1", port=self.port, log_level="warning", ws="none"
        )
        config.lifespan = "off"
        self._server = uvicorn.Server(config)
        self._task = asyncio.create_task(self._server.serve())
        while not self._server.started:  # noqa: ASYNC110 (uvicorn offers a flag, no event)
            await asyncio.sleep(0.005)
        self.port = self._server.servers[0].sockets[0].getsockname()[1]

    async def stop(self) -> None:
        assert self._server is not None and self._task is not None
        self._server.should_exit = True
        await self._task

    # What the tests read

    def called(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method and c.status == 200]

    def sent(self, chat_id: int | None = None) -> list[Call]:
        """Messages delivered (not refused), optionally to one chat."""
        return [
            c
            for c in self.calls
            if c.method in SENDS and c.status == 200 and chat_id in (None, c.chat_id)
        ]

    def texts(self, chat_id: int) -> list[str]:
        return [c.text for c in self.sent(chat_id)]

    def refused(self, status: int) -> list[Call]:
        return [c for c in self.calls if c.status == status]

    async def wait_for(self, check: Callable[[], object], within: float = 10.0) -> None:
        deadline = time.monotonic() + within
        while not check():
            if time.monotonic() > deadline:
                recent = [(c.method, c.status, c.text[:60]) for c in self.calls[-8:]]
                raise AssertionError(f"timed out; last calls: {recent}")
            await asyncio.sleep(0.01)

    def push_update(self, update: dict[str, Any]) -> None:
        """For getUpdates (polling)."""
        self._updates.append(update)
        self._new_update.set()

    # The server side

    async def _endpoint(self, request: Request) -> JSONResponse:
        if request.path_params["token"] != self.token:
            return _error(401, "Unauthorized")
        method = request.path_params["method"]
        params = await _params(request)
        call = Call(method, params, time.monotonic())
        if self.record:
            self.calls.append(call)
        status, result, description = await self._answer(method, params)
        call.status, call.result = status, result
        if status != 200:
            extra = {"retry_after": self.retry_after} if status == 429 else None
            return _error(status, description, extra)
        return JSONResponse({"ok": True, "result": result})

    async def _answer(self, method: str, params: dict[str, Any]) -> tuple[int, Any, str]:
        if method in SENDS + EDITS:
            refusal = self._refusal(method, int(params["chat_id"]))
            if refusal is not None:
                return refusal
        if method == "getMe":
            return 200, self.me, ""
        if method in SENDS:
            return 200, self._message(params, method == "sendPhoto"), ""
        if method == "getFile":
            return self._get_file(str(params.get("file_id", "")))
        if method in EDITS:
            return 200, self._message(params, False, int(params["message_id"])), ""
        if method == "getUpdates":
            return 200, await self._get_updates(params), ""
        return 200, True, ""  # setWebhook, setMyCommands, answerCallbackQuery, deleteWebhook…

    def _refusal(self, method: str, chat: int) -> tuple[int, Any, str] | None:
        self._sends += 1
        if self.flood_next > 0 or (self.flood_every and self._sends % self.flood_every == 0):
            self.flood_next = max(0, self.flood_next - 1)
            return 429, None, f"Too Many Requests: retry after {self.retry_after}"
        if self.bad_gateway_next > 0:
            self.bad_gateway_next -= 1
            return 502, None, "Bad Gateway"
        if chat in self.blocked:
            return 403, None, "Forbidden: bot was blocked by the user"
        if chat in self.strangers and method in SENDS:
            return 403, None, "Forbidden: bot can't initiate conversation with a user"
        return None

    def _get_file(self, file_id: str) -> tuple[int, Any, str]:
        """Telegram's getFile: a path to download from, or 400 as Telegram answers."""
        if file_id not in self.files:
            return 400, None, "Bad Request: invalid file_id"
        size = len(self.files[file_id])
        if size > 20 * 1024 * 1024:
            return 400, None, "Bad Request: file is too big"
        result = {"file_id": file_id, "file_unique_id": f"u-{file_id}", "file_size": size}
        return 200, result | {"file_path": f"documents/{file_id}"}, ""

    async def _file(self, request: Request) -> Response:
        """The file download (base_file_url): the bytes getFile pointed at."""
        self.calls.append(Call("download", dict(request.path_params), time.monotonic()))
        if request.path_params["token"] != self.token:
            return Response(status_code=401)
        data = self.files.get(str(request.path_params["path"]).rsplit("/", 1)[-1])
        return Response(status_code=404) if data is None else Response(data)

    def _message(self, params: dict[str, Any], photo: bool, message_id: int = 0) -> Any:
        chat = int(params["chat_id"])
        message: dict[str, Any] = {
            "message_id": message_id or next(self._ids),
            "date": int(time.time()),
            "chat": {"id": chat, "type": "private" if chat > 0 else "supergroup"},
            "from": self.me,
        }
        if photo:
            size = {"file_id": "AgAD-sent", "file_unique_id": "u1", "width": 9, "height": 9}
            message |= {"photo": [size], "caption": params.get("caption")}
        elif "document" in params:
            name = params.get("document.filename")
            doc = {"file_id": "BQAD-sent", "file_unique_id": "u2", "file_name": name}
            message |= {"document": doc, "caption": params.get("caption")}
        else:
            message["text"] = params.get("text", "")
        if params.get("reply_markup"):
            message["reply_markup"] = params["reply_markup"]
        return message

    async def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        self._updates = [u for u in self._updates if u["update_id"] >= offset]
        if not self._updates:
            self._new_update.clear()
            wait = min(float(params.get("timeout") or 0), 0.5)
            try:
                async with asyncio.timeout(wait):
                    await self._new_update.wait()
            except TimeoutError:
                pass
        return list(self._updates)


def _error(
    status: int, description: str, parameters: dict[str, Any] | None = None
) -> JSONResponse:
    body: dict[str, Any] = {"ok": False, "error_code": status, "description": description}
    if parameters:
        body["parameters"] = parameters
    return JSONResponse(body, status_code=status)


async def _params(request: Request) -> dict[str, Any]:
    """Form or multipart, the way PTB sends them (JSON-encoded values except plain strings),
    or a JSON object, the way Telegram itself passes on a call made in a webhook reply."""
    body = await request.body()
    kind = request.headers.get("content-type", "")
    if kind.startswith("application/json"):
        decoded: dict[str, Any] = json.loads(body)
        return decoded
    if kind.startswith("multipart/"):
        raw: dict[str, Any] = {}
        for name, filename, content in multipart_parts(body, kind):
            raw[name] = content if filename is not None else content.decode()
            if filename is not None:
                raw[f"{name}.filename"] = filename
    else:
        raw = dict(parse_qsl(body.decode()))
    return {key: _decode(key, value) for key, value in raw.items()}


def multipart_parts(body: bytes, content_type: str) -> list[tuple[str, str | None, bytes]]:
    """(field name, file name or None, content) of each part of a multipart/form-data body."""
    parsed: EmailMessage = BytesParser(policy=policy.default).parsebytes(
        f"Content-Type: {content_type}\r\n\r\n".encode() + body
    )
    parts = []
    for part in parsed.iter_parts():
        name = str(part.get_param("name", header="content-disposition"))
        content = part.get_payload(decode=True)
        assert isinstance(content, bytes)
        parts.append((name, part.get_filename(), content))
    return parts


def _decode(key: str, value: Any) -> Any:
    if not isinstance(value, str) or key in _PLAIN:
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value


@dataclass(frozen=True)
class TgUser:
    id: int
    first_name: str
    language_code: str = "zh-hans"
    last_name: str | None = None

    def json(self) -> dict[str, Any]:
        user: dict[str, Any] = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        if self.last_name:
            user["last_name"] = self.last_name
        return user | {"language_code": self.language_code}


@dataclass
class Updates:
    """Update JSON as Telegram POSTs it to the webhook; update ids count up."""

    next_id: int = 500_000

    def _next(self) -> int:
        self.next_id += 1
        return self.next_id

    def message(
        self, user: TgUser, text: str | None = None, chat: int | None = None, **extra: Any
    ) -> dict[str, Any]:
        chat_id = chat if chat is not None else user.id
        kind = "private" if chat_id == user.id else "supergroup"
        chat_json: dict[str, Any] = {"id": chat_id, "type": kind}
        if kind == "private":
            chat_json["first_name"] = user.first_name
        else:
            chat_json["title"] = "Sales team"
        message: dict[str, Any] = {
            "message_id": self.next_id % 100_000,
            "from": user.json(),
            "chat": chat_json,
            "date": int(time.time()),
        }
        if text is not None:
            message["text"] = text
            if text.startswith("/"):
                length = len(text.split(" ", 1)[0].encode("utf-16-le")) // 2
                message["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
        message.update(extra)
        return {"update_id": self._next(), "message": message}

    def press(self, user: TgUser, shown: Call, data: str) -> dict[str, Any]:
        """The user taps the button with callback `data` under a message the bot sent."""
        assert data in [payload for _, payload in shown.buttons], (data, shown.buttons)
        return {
            "update_id": self._next(),
            "callback_query": {
                "id": f"cq{self.next_id}",
                "from": user.json(),
                "chat_instance": "ci-1",
                "data": data,
                "message": shown.result,
            },
        }
