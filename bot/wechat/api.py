"""wechatpy's clients, used off the event loop with timeouts, and access tokens shared by all
instances through the database: one instance refreshes, the others read what it stored."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal, TypeVar

from wechatpy import WeChatClient
from wechatpy.enterprise import WeChatClient as WeComClient
from wechatpy.exceptions import WeChatClientException

from handlers.clock import Clock
from store.uow import UnitOfWorkFactory

T = TypeVar("T")
OA_BASE, WECOM_BASE = "https://api.weixin.qq.com/cgi-bin/", "https://qyapi.weixin.qq.com/cgi-bin/"
TOKEN_INVALID = {40001, 40014, 42001}  # invalid / malformed / expired access token
MARGIN = timedelta(minutes=5)  # refresh a little early: a token must not expire mid-send


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
        self, keys: AppKeys, uows: UnitOfWorkFactory, clock: Clock, timeout: float = 5.0
    ) -> None:
        self.keys, self.uows, self.clock, self.timeout = keys, uows, clock, timeout
        self.base = keys.base_url or (OA_BASE if keys.kind == "oa" else WECOM_BASE)
        cls = WeChatClient if keys.kind == "oa" else WeComClient
        # auto_retry off: a rejected token is refreshed through the shared store below,
        # never by this one client on its own.
        self.client: Any = cls(keys.app_id, keys.secret, timeout=timeout, auto_retry=False)
        self.client.API_BASE_URL = self.base
        self._token: tuple[str, datetime] | None = None
        self._refreshing = asyncio.Lock()

    async def call(self, fn: Callable[[Any], T]) -> T:
        """Run a wechatpy call in a thread; a rejected token is replaced once and retried."""
        token = await self.token()
        try:
            return await self._off_loop(fn, token)
        except WeChatClientException as exc:
            if exc.errcode not in TOKEN_INVALID:
                raise
        return await self._off_loop(fn, await self.token(stale=token))

    async def _off_loop(self, fn: Callable[[Any], T], token: str) -> T:
        def run() -> T:
            # expires_at stays None, so wechatpy uses this token as given and never fetches.
            self.client.session.set(self.client.access_token_key, token)
            return fn(self.client)

        return await asyncio.wait_for(asyncio.to_thread(run), self.timeout + 1)

    async def token(self, stale: str | None = None) -> str:
        """A valid access token; `stale` is one WeChat just rejected."""
        if self._usable(self._token, stale):
            assert self._token is not None
            return self._token[0]
        async with self._refreshing:  # one refresh per process …
            token = self._token
            if token is None or not self._usable(token, stale):
                token = self._token = await self._shared_token(stale)
        return token[0]

    async def _shared_token(self, stale: str | None) -> tuple[str, datetime]:
        key = self.keys.token_key
        async with self.uows() as uow:
            await uow.shared.lock(key)  # … and one per database: the others wait, then read
            row = await uow.shared.get(key)
            if row is not None and self._usable((row.value, row.expires_at), stale):
                assert row.expires_at is not None
                return row.value, row.expires_at
            value, expires_in = await self._fetch(force=stale is not None)
            expires_at = self.clock.now() + timedelta(seconds=expires_in)
            await uow.shared.put(key, value, expires_at)
            await uow.commit()
            return value, expires_at

    def _usable(self, token: tuple[str, datetime | None] | None, stale: str | None) -> bool:
        if token is None or token[1] is None or token[0] == stale:
            return False
        return token[1] - MARGIN > self.clock.now()

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
