"""Access tokens in Redis (CHATCRM_REDIS_URL): one instance refreshes, the others wait and read.

The refresher holds a `SET NX PX` lock; if it dies mid-fetch the lock expires and the next
instance takes over. The lock is released only by its holder (compare-and-delete in Lua), so
a holder that overran its lease can't release the lock of the instance that took over.
"""

from __future__ import annotations

import asyncio
import json
import secrets
import time
from datetime import datetime, timedelta

from redis.asyncio import Redis

from bot.wechat.tokens import Fetch, Token, usable
from handlers.clock import Clock

_RELEASE = """
if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end
return 0
"""


class RedisTokenStore:
    def __init__(
        self,
        redis: Redis,
        clock: Clock,
        prefix: str = "chatcrm:",
        lock_ttl: float = 15.0,  # longer than a token fetch may take (timeout + 1 s)
        poll: float = 0.05,
    ) -> None:
        self.redis, self.clock, self.prefix = redis, clock, prefix
        self.lock_ttl, self.poll = lock_ttl, poll
        self._release = redis.register_script(_RELEASE)

    async def shared(self, key: str, stale: str | None, fetch: Fetch) -> Token:
        # A waiter gives up only after a dead holder's lock would have expired twice over.
        deadline = time.monotonic() + 2 * self.lock_ttl
        while True:
            token = await self._read(key)
            if token is not None and usable(token, stale, self.clock.now()):
                return token
            owner = secrets.token_hex(16)
            lock = f"{self.prefix}lock:{key}"
            if await self.redis.set(lock, owner, nx=True, px=int(self.lock_ttl * 1000)):
                try:
                    return await self._refresh(key, stale, fetch)
                finally:
                    await self._release(keys=[lock], args=[owner])
            if time.monotonic() > deadline:
                raise TimeoutError(f"no token for {key}: another instance holds the refresh")
            await asyncio.sleep(self.poll)

    async def _refresh(self, key: str, stale: str | None, fetch: Fetch) -> Token:
        token = await self._read(key)  # refreshed between our read and our lock?
        if token is not None and usable(token, stale, self.clock.now()):
            return token
        value, expires_in = await fetch(stale is not None)
        expires_at = self.clock.now() + timedelta(seconds=expires_in)
        stored = json.dumps({"value": value, "expires_at": expires_at.isoformat()})
        # Redis forgets it when WeChat does; `expires_at` (by our clock) decides usability.
        await self.redis.set(f"{self.prefix}{key}", stored, ex=max(expires_in, 1))
        return value, expires_at

    async def _read(self, key: str) -> Token | None:
        raw = await self.redis.get(f"{self.prefix}{key}")
        if raw is None:
            return None
        try:
            data = json.loads(raw)
            return str(data["value"]), datetime.fromisoformat(data["expires_at"])
        except (ValueError, KeyError, TypeError):  # not ours, or an older format: refetch
            return None
