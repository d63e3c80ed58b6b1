"""The one ASGI app: probes, /metrics, the Telegram webhook and routes other channels mount."""

from __future__ import annotations

import contextlib
import gc
import hmac
import json
import logging
import socket
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from contextlib import AbstractAsyncContextManager
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route
from telegram import Update

from bot.bootstrap import App
from bot.metrics import CountResponses, Probes
from bot.telegram.channel import TelegramChannel, spinner_answer
from bot.telegram.runtime import WEBHOOK_PATH, build_runtime
from bot.workers import WorkerRole
from store.errors import is_unavailable

log = logging.getLogger(__name__)
MAX_BODY = 1_000_000  # bytes; a real update is a few kB, anything near this is not Telegram
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
Lifespan = Callable[[], AbstractAsyncContextManager[None]]
AppLifespan = Callable[[Starlette], AbstractAsyncContextManager[None]]


def create_app(
    app: App,
    telegram: TelegramChannel | None = None,
    routes: Sequence[BaseRoute] = (),
    lifespans: Sequence[Lifespan] = (),
) -> Starlette:
    """The web app; other channels pass their `routes` and start their work in `lifespans`."""
    endpoints: list[BaseRoute] = [*Probes(app.uows, app.clock).routes()]
    if telegram is not None:
        secret = app.settings.telegram_webhook_secret
        if secret is None:
            raise SystemExit("CHATCRM_TELEGRAM_WEBHOOK_SECRET must be set to serve the webhook")
        webhook = TelegramWebhook(telegram, secret.get_secret_value())
        endpoints.append(Route(WEBHOOK_PATH, webhook.receive, methods=["POST"]))
    counted = [Middleware(CountResponses)]  # /metrics: answers by route and status
    return Starlette(routes=[*endpoints, *routes], lifespan=_all(lifespans), middleware=counted)


def _all(lifespans: Sequence[Lifespan]) -> AppLifespan:
    @contextlib.asynccontextmanager
    async def lifespan(_web: Starlette) -> AsyncIterator[None]:
        async with contextlib.AsyncExitStack() as stack:
            for part in lifespans:
                await stack.enter_async_context(part())
            with _startup_heap_frozen():
                yield

    return lifespan


@contextlib.contextmanager
def _startup_heap_frozen() -> Iterator[None]:
    """What start-up built (modules, mappers, compiled statements, pools) lives as long as
    the process, yet every full collection walked all ~360k of those objects again: a 65 ms
    pause on the request that triggered it, about 5 % of a visit's CPU on average. Frozen,
    the collector looks only at what came later. Thawed at shutdown, so a process that
    builds apps one after another (the tests) does not keep every old one."""
    gc.collect()  # start-up garbage is freed, not frozen
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


class TelegramWebhook:
    """POST /telegram/webhook: authentic, bounded, idempotent; bad input never loops."""

    def __init__(self, channel: TelegramChannel, secret: str) -> None:
        self.channel = channel
        self._secret = secret.encode()

    async def receive(self, request: Request) -> Response:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, self._secret):
            return Response("forbidden", status_code=403)
        body = await _read_at_most(request, MAX_BODY)
        if body is None:
            return Response("too large", status_code=413)
        update = self._parse(body)
        if update is None:
            return Response(status_code=200)  # Telegram would resend it forever otherwise
        answer = spinner_answer(update)
        done = JSONResponse(answer) if answer else Response(status_code=200)
        try:
            await self.channel.feed(update)
        except Exception as exc:
            if is_unavailable(exc):
                # The database is away: nothing was committed, so let Telegram resend it.
                log.warning(
                    "update %s not handled (%r); asking Telegram to resend", update.update_id, exc
                )
                return Response("unavailable", status_code=503)
            log.exception("update %s failed; dropped", update.update_id)  # a bug: every resend
        return done

    def _parse(self, body: bytes) -> Update | None:
        try:
            data: Any = json.loads(body)
            if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
                raise ValueError("not an update")
            return Update.de_json(data, self.channel.application.bot)
        except Exception as exc:  # any shape of garbage: acknowledged and ignored
            log.warning("ignoring a webhook body that is not an update: %s", exc)
            return None


async def _read_at_most(request: Request, limit: int) -> bytes | None:
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        return None
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            return None
    return bytes(body)


async def serve(
    app: App,
    routes: Sequence[BaseRoute] = (),
    lifespans: Sequence[Lifespan] = (),
    sock: socket.socket | None = None,
    role: WorkerRole | None = None,
) -> None:
    """Production: the web app under uvicorn, every configured channel running.

    The composition root adds other channels' `routes` and what runs beside them (the jobs'
    scheduler, say) as `lifespans`. A worker of several passes the shared `sock` and its `role`
    (only one worker of a host sends; bot/workers.py).
    """
    settings, running = app.settings, list(lifespans)
    telegram = None
    role = role or WorkerRole()
    if settings.telegram_token is not None:
        runtime = build_runtime(app, policy=role.policy(settings.outbox_lease_seconds))
        telegram = runtime.channel
        running.append(lambda: runtime.running(webhook=True, deliver=role.delivers))
    web = create_app(app, telegram, routes, running)
    config = uvicorn.Config(
        web,
        host=settings.http_host,
        port=settings.http_port,
        proxy_headers=True,  # behind the HTTPS proxy: client addresses from X-Forwarded-For
        # Longer than the proxy keeps idle upstream connections (nginx: 60 s), or a request
        # sent just as uvicorn closes one fails with a 502.
        timeout_keep_alive=75,
        ws="none",
        log_config=None,  # uvicorn logs through ours (bot/logs.py): level, format, masking
        log_level=None,
    )
    hide_query_strings(logging.getLogger("uvicorn.access"))  # after Config set logging up
    await uvicorn.Server(config).serve(sockets=[sock] if sock is not None else None)


class _QueryStringHidden(logging.Filter):
    """uvicorn logs `POST /wechat/oa?signature=…&timestamp=…&nonce=…`: whoever reads the log
    could replay it. The path is kept, the query string is not."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) > 2 and isinstance(args[2], str):
            path, mark, _query = args[2].partition("?")
            record.args = (*args[:2], path + ("?…" if mark else ""), *args[3:])
        return True


def hide_query_strings(access_log: logging.Logger) -> None:
    if not any(isinstance(f, _QueryStringHidden) for f in access_log.filters):
        access_log.addFilter(_QueryStringHidden())
