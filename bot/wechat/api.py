"""wechatpy's clients, used off the event loop with timeouts, and access tokens shared by all
instances through a TokenStore (database or Redis): one refreshes, the others read it."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal, TypeVar

from wechatpy import WeChatClient
from wechatpy.enterprise import WeChatClient as WeComClient
from wechatpy.exceptions import WeChatClientException

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
    """Calls one app's API: `await api.call(lambda client: client.message.send_text(...))`."""

    def __init__(
        self, keys: AppKeys, tokens: TokenStore, clock: Clock, timeout: float = 5.0
    ) -> None:
        self.keys, self.tokens, self.clock, self.timeout = keys, tokens, clock, timeout
        self.base = keys.base_url or (OA_BASE if keys.kind == "oa" else WECOM_BASE)
        cls = WeChatClient if keys.kind == "oa" else WeComClient
        # auto_retry off: a rejected token is refreshed through the shared store below,
        # never by this one client on its own.
        self.client: Any = cls(keys.app_id, keys.secret, timeout=timeout, auto_retry=False)
        self.client.API_BASE_URL = self.base
        self._token: tuple[str, datetime] | None = None
        self._refreshing = asyncio.Lock()

    async def call(self, fn: Callable[[Any], T], seconds: float | None = None) -> T:
        """Run a wechatpy call in a thread; a rejected token is replaced once and retried.
        `seconds` replaces the API's timeout, for calls that move more than a few KB."""
        token = await self.token()
        try:
            return await self._off_loop(fn, token, seconds)
        except WeChatClientException as exc:
            if exc.errcode not in TOKEN_INVALID:
                raise
        return await self._off_loop(fn, await self.token(stale=token), seconds)

    async def _off_loop(self, fn: Callable[[Any], T], token: str, seconds: float | None) -> T:
        def run() -> T:
            # expires_at stays None, so wechatpy uses this token as given and never fetches.
            self.client.session.set(self.client.access_token_key, token)
            return fn(self.client)

        return await asyncio.wait_for(asyncio.to_thread(run), (seconds or self.timeout) + 1)

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
        def run() -> dict[str, Any]:
            if self.keys.kind == "wecom":
                params = {"corpid": self.keys.app_id, "corpsecret": self.keys.secret}
                return dict(self.client._fetch_access_token(self.base + "gettoken", params))
            return self._stable_token(force)

        result = await asyncio.wait_for(asyncio.to_thread(run), self.timeout + 1)
        return str(result["access_token"]), int(result.get("expires_in", 7200))

    def _stable_token(self, force: bool) -> dict[str, Any]:
        """The OA's stable token: unlike /token, fetching it does not void the one other
        instances (or other systems using this AppID) hold. wechatpy 1.8 has no call for it."""
        body = {
            "grant_type": "client_credential",
            "appid": self.keys.app_id,
            "secret": self.keys.secret,
            "force_refresh": force,
        }
        res = self.client._http.post(self.base + "stable_token", json=body, timeout=self.timeout)
        result: dict[str, Any] = res.json()
        if result.get("errcode"):
            raise WeChatClientException(
                result["errcode"], result.get("errmsg"), client=self.client
            )
        return result
