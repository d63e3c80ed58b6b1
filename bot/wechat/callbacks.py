"""The two callback URLs: check the signature, decrypt, parse, store, answer in time.

WeChat waits 5 seconds and then retries (three times). What a callback carries is committed to
the inbox before anything is answered (bot/wechat/inbox.py); then the work starts and the
answer goes out when it is done or when `budget` seconds have passed, whichever is first. Work
that runs longer finishes in the background; work that fails is tried again by the inbox.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from wechatpy.exceptions import InvalidSignatureException
from wechatpy.utils import check_signature

from bot.wechat.inbox import FRESHNESS as FRESHNESS
from bot.wechat.inbox import DurableInbox, Replayed
from bot.wechat.inbox import Handle as Handle
from bot.wechat.xmlsafe import Rejected, parse_xml, read_body
from handlers.clock import Clock
from handlers.messages import InboundMessage
from store.errors import is_unavailable

log = logging.getLogger(__name__)
Parse = Callable[[dict[str, Any]], InboundMessage | None]
ACK_BUDGET = 3.0  # seconds of work before answering anyway; WeChat gives up after 5
# A signed callback stays valid forever; FRESHNESS makes a captured one useless after a few
# minutes, and the nonces seen inside it are refused a second time. WeChat signs at send
# time, so honest callbacks sit within seconds of our clock; 5 minutes leaves room for drift.
MAX_NONCE = 64  # seen_nonce.nonce; WeChat's are about ten digits


class Acker:
    """Starts callback work and keeps it alive past the answer; drain() waits for it all."""

    def __init__(self, budget: float = ACK_BUDGET) -> None:
        self.budget = budget
        self._tasks: set[asyncio.Task[object]] = set()

    async def run(self, work: Awaitable[object]) -> None:
        task = asyncio.ensure_future(work)
        self._tasks.add(task)
        task.add_done_callback(self._finished)
        await asyncio.wait({task}, timeout=self.budget)

    def _finished(self, task: asyncio.Task[object]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("wechat callback work failed", exc_info=task.exception())

    async def drain(self) -> None:
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)


def _refuse(status: int, why: str) -> Response:
    log.warning("wechat callback refused (%s): %s", status, why)
    return PlainTextResponse("forbidden" if status == 403 else why, status_code=status)


def _check_fresh(clock: Clock, timestamp: str) -> None:
    """403 unless the signed `timestamp` is within FRESHNESS of now, either way."""
    if not (timestamp.isascii() and timestamp.isdigit()) or len(timestamp) > 12:
        raise Rejected(403, "no usable timestamp")
    skew = abs(clock.now().timestamp() - int(timestamp))
    if skew > FRESHNESS.total_seconds():
        raise Rejected(403, f"timestamp {int(skew)} s away from now")


def _decrypted(crypto: Any, outer: dict[str, Any], query: Any) -> str:
    """The inner XML; a wrong signature or receiver id is 403, a broken envelope 400."""
    if not isinstance(outer.get("Encrypt"), str):
        raise Rejected(400, "no Encrypt element")
    args = (query.get("msg_signature", ""), query.get("timestamp", ""), query.get("nonce", ""))
    try:
        return str(crypto.decrypt_message(outer, *args))
    except InvalidSignatureException:
        raise Rejected(403, "bad msg_signature") from None
    except Exception as exc:  # bad base64 / padding / receiver id: not from WeChat
        status = 403 if "Id" in type(exc).__name__ else 400
        raise Rejected(status, f"cannot decrypt: {type(exc).__name__}") from None


class Callback:
    """One callback URL. `crypto` is wechatpy's WeChatCrypto (None: OA in plain mode)."""

    def __init__(
        self,
        token: str,
        crypto: Any,
        parse: Parse,
        inbox: DurableInbox,
        acker: Acker,
        always_encrypted: bool,
        answer: str,
        clock: Clock,
    ) -> None:
        self.token, self.crypto, self.parse, self.inbox = token, crypto, parse, inbox
        self.acker, self.always_encrypted, self.answer = acker, always_encrypted, answer
        self.clock = clock

    async def verify(self, request: Request) -> Response:
        """GET: the URL check made when the URL is saved in the admin console."""
        q = request.query_params
        echo = q.get("echostr", "")
        try:
            _check_fresh(self.clock, q.get("timestamp", ""))
            if self.always_encrypted:  # WeCom: echostr is encrypted and signed as msg_signature
                sig, ts, nonce = (
                    q.get("msg_signature", ""),
                    q.get("timestamp", ""),
                    q.get("nonce", ""),
                )
                return PlainTextResponse(str(self.crypto.check_signature(sig, ts, nonce, echo)))
            check_signature(
                self.token, q.get("signature", ""), q.get("timestamp", ""), q.get("nonce", "")
            )
        except Rejected as err:
            return _refuse(err.status, str(err))
        except InvalidSignatureException:
            return _refuse(403, "bad signature")
        except Exception as exc:
            return _refuse(400, f"bad echostr: {type(exc).__name__}")
        return PlainTextResponse(echo)

    async def receive(self, request: Request) -> Response:
        """POST: a message or event. Refusals store nothing; what is answered `success` is
        committed first, and its handling starts at once (bot/wechat/inbox.py)."""
        try:
            msg = self.parse(await self._inner_xml(request))
        except Rejected as err:
            return _refuse(err.status, str(err))
        if msg is None:
            return PlainTextResponse(self.answer)
        try:
            accepted = await self.inbox.accept(msg, request.query_params.get("nonce", ""))
        except Replayed:
            return _refuse(403, "nonce used before")
        except Exception as exc:
            if not is_unavailable(exc):
                raise
            log.warning("wechat callback not stored (%r): WeChat will retry", exc)
            return PlainTextResponse("unavailable", status_code=503)
        if accepted is not None:
            await self.acker.run(self.inbox.handle(accepted))
        return PlainTextResponse(self.answer)

    async def _inner_xml(self, request: Request) -> dict[str, Any]:
        q = request.query_params
        _check_fresh(self.clock, q.get("timestamp", ""))  # before any work on the body
        if not self.always_encrypted:  # OA: every request carries the plain signature too
            try:
                check_signature(
                    self.token, q.get("signature", ""), q.get("timestamp", ""), q.get("nonce", "")
                )
            except InvalidSignatureException:
                raise Rejected(403, "bad signature") from None
        nonce = q.get("nonce", "")
        if not nonce or len(nonce) > MAX_NONCE:
            raise Rejected(403, "no usable nonce")
        outer = parse_xml(await read_body(request))
        encrypted = self.always_encrypted or q.get("encrypt_type", "raw") == "aes"
        if not encrypted and self.crypto is not None:
            # The plain signature covers the query, not the body: with a key set, a plain
            # message could be anyone's body under a captured query string.
            raise Rejected(403, "plain message but safe mode is configured")
        if not encrypted:
            return outer
        if self.crypto is None:
            raise Rejected(400, "safe mode message but no AES key configured")
        return parse_xml(_decrypted(self.crypto, outer, q))
