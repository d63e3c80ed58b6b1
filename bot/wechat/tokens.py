"""Where instances share access tokens: the database by default, Redis when configured.

Every store keeps one promise: however many instances ask at once, one of them fetches a new
token and the others wait, then read what it stored. A token WeChat rejected (`stale`) is
replaced once, not once per instance that saw it rejected.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from typing import Protocol

from handlers.clock import Clock
from store.uow import UnitOfWorkFactory

Token = tuple[str, datetime]  # value, expires at
Fetch = Callable[[bool], Awaitable[tuple[str, int]]]  # force -> (value, expires in seconds)
MARGIN = timedelta(minutes=5)  # refresh a little early: a token must not expire mid-send


def usable(token: tuple[str, datetime | None] | None, stale: str | None, now: datetime) -> bool:
    """Not rejected by WeChat and not about to expire."""
    if token is None or token[1] is None or token[0] == stale:
        return False
    return token[1] - MARGIN > now


class TokenStore(Protocol):
    async def shared(self, key: str, stale: str | None, fetch: Fetch) -> Token:
        """A usable token for `key`, fetched by at most one instance at a time."""
        ...


class DbTokenStore:
    """shared_value rows, refreshed under a lock the database holds for one transaction."""

    def __init__(self, uows: UnitOfWorkFactory, clock: Clock) -> None:
        self.uows, self.clock = uows, clock

    async def shared(self, key: str, stale: str | None, fetch: Fetch) -> Token:
        async with self.uows() as uow:
            await uow.shared.lock(key)  # the others wait here, then read
            row = await uow.shared.get(key)
            if row is not None and usable((row.value, row.expires_at), stale, self.clock.now()):
                assert row.expires_at is not None
                return row.value, row.expires_at
            value, expires_in = await fetch(stale is not None)
            expires_at = self.clock.now() + timedelta(seconds=expires_in)
            await uow.shared.put(key, value, expires_at)
            await uow.commit()
            return value, expires_at
