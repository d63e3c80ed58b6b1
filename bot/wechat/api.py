"""One app's WeChat / WeCom API over aiohttp (bot/wechat/http.py), and access tokens shared by
all instances through a TokenStore (database or Redis): one refreshes, the others read it."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal, TypeVar

from wechatpy.exceptions import WeChatClientException

from bot.wechat.http import WeChatHttp
from bot.wechat.tokens import Token, TokenStore, usable
from handlers.clock import Clock

T = TypeVar("T")
OA_BASE, WECOM_BASE = "https://api.weixin.qq.com/cgi-bin/", "https://qyapi.weixin.qq.com/cgi-bin/"
TOKEN_INVALID = {40001, 40014, 42001}  # invalid / malformed / expired access token


@dataclass(frozen=True)
class AppKeys:
    kind: Literal["oa", "wecom"]
    app_id: str  # the OA's AppID, or the WeCom CorpID
    secret: str
    base_url: str | None = None  # None: WeChat's own host for this kind
    agent_id: int | None = None  # WeCom only

    @property
    def token_key(self) -> str:
        agent = f":{self.agent_id}" if self.agent_id is not None else ""
        return f"token:{self.kind}:{self.app_id}{agent}"


class WeChatApi:
    """Calls one app's API: `await api.post("message/send", body)`, or `await api.call(fn)`
    with `fn(token)` for anything else; a token WeChat rejects is replaced once."""

    def __init__(
        self, keys: AppKeys, tokens: TokenStore, clock: Clock, timeout: float = 5.0
    ) -> None:
        self.keys, self.tokens, self.clock, self.timeout = keys, tokens, clock, timeout
        self.base = keys.base_url or (OA_BASE if keys.kind == "oa" else WECOM_BASE)
        self.http = WeChatHttp(self.base, timeout)
        self._token: tuple[str, datetime] | None = None
        self._refreshing = asyncio.Lock()

    async def close(self) -> None:
        await self.http.close()

    async def post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        """POST `body` to `path` (under the API base) with the access token."""
        return await self.call(lambda token: self.http.post(path, body, {"access_token": token}))

    async def call(self, fn: Callable[[str], Awaitable[T]]) -> T:
        """`fn(token)`; if WeChat rejects the token it is replaced (once, for all instances)
        and `fn` called again with the new one."""
        token = await self.token()
        try:
            return await fn(token)
        except WeChatClientException as exc:
            if exc.errcode not in TOKEN_INVALID:
                raise
        return await fn(await self.token(stale=token))

    async def token(self, stale: str | None = None) -> str:
        """A valid access token; `stale` is one WeChat just rejected."""
        if self._usable(self._token, stale):
            assert self._token is not None
            return self._token[0]
        async with self._refreshing:  # one refresh per process, one per store
            token = self._token
            if token is None or not self._usable(token, stale):
                token = self._token = await self._shared_token(stale)
        return token[0]

    async def _shared_token(self, stale: str | None) -> Token:
        return await self.tokens.shared(self.keys.token_key, stale, self._fetch)

    def _usable(self, token: tuple[str, datetime] | None, stale: str | None) -> bool:
        return usable(token, stale, self.clock.now())

    async def _fetch(self, force: bool) -> tuple[str, int]:
        if self.keys.kind == "wecom":
            params = {"corpid": self.keys.app_id, "corpsecret": self.keys.secret}
            result = await self.http.get("gettoken", params)
        else:
            result = await self._stable_token(force)
        return str(result["access_token"]), int(result.get("expires_in", 7200))

    async def _stable_token(self, force: bool) -> dict[str, Any]:
        """The OA's stable token: unlike /token, fetching it does not void the one other
        instances (or other systems using this AppID) hold."""
        body = {
            "grant_type": "client_credential",
            "appid": self.keys.app_id,
            "secret": self.keys.secret,
            "force_refresh": force,
        }
        return await self.http.post("stable_token", body)
