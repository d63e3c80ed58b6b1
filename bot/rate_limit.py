"""Send pacing: exact sliding windows per key, so a provider's limits are kept, never guessed."""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Rate:
    """At most `count` events in any `per` seconds."""

    count: int
    per: float


class SlidingWindow:
    """Remembers the last `count` event times of each key; the oldest decides the next slot."""

    def __init__(self, rate: Rate) -> None:
        self.rate = rate
        self._events: dict[str, deque[float]] = {}

    def wait(self, key: str, now: float) -> float:
        """Seconds until `key` may have one more event (0 when it may now)."""
        events = self._events.get(key)
        if events is None or len(events) < self.rate.count:
            return 0.0
        return max(0.0, events[0] + self.rate.per - now)

    def record(self, key: str, now: float) -> None:
        events = self._events.setdefault(key, deque(maxlen=self.rate.count))
        events.append(now)

    def forget_idle(self, now: float) -> None:
        """Drop keys whose newest event left the window: memory stays bounded by active keys."""
        idle = [k for k, ev in self._events.items() if ev[-1] + self.rate.per <= now]
        for key in idle:
            del self._events[key]


@dataclass(frozen=True)
class Limits:
    """A bot's send limits; Telegram's by default, tighter ones in tests (same code path)."""

    per_bot: Rate = Rate(30, 1.0)
    per_chat: Rate = Rate(1, 1.0)
    per_group: Rate = Rate(20, 60.0)


class Pacer:
    """Waits until a message to one chat fits every window, then counts it in all of them."""

    def __init__(self, limits: Limits, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self._bot = SlidingWindow(limits.per_bot)
        self._chat = SlidingWindow(limits.per_chat)
        self._group = SlidingWindow(limits.per_group)
        self._paused_until: dict[str, float] = {}
        self._sends = 0

    def pause(self, chat: str, seconds: float) -> None:
        """The provider said "retry after": nothing goes to this chat before then."""
        until = self.clock() + seconds
        self._paused_until[chat] = max(until, self._paused_until.get(chat, 0.0))

    def delay(self, chat: str, is_group: bool) -> float:
        now = self.clock()
        waits = [
            self._bot.wait("", now),
            self._chat.wait(chat, now),
            self._paused_until.get(chat, 0.0) - now,
        ]
        if is_group:
            waits.append(self._group.wait(chat, now))
        return max(0.0, *waits)

    async def acquire(self, chat: str, is_group: bool) -> None:
        # Check-and-record has no await in between, so concurrent callers cannot both take
        # the last slot; whoever loses simply waits for the next one.
        while (wait := self.delay(chat, is_group)) > 0:  # noqa: ASYNC110 (waiting on time)
            await asyncio.sleep(wait)
        now = self.clock()
        self._bot.record("", now)
        self._chat.record(chat, now)
        if is_group:
            self._group.record(chat, now)
        self._sends += 1
        if self._sends % 1000 == 0:
            self._forget_idle(now)

    def _forget_idle(self, now: float) -> None:
        for window in (self._chat, self._group):
            window.forget_idle(now)
        self._paused_until = {c: t for c, t in self._paused_until.items() if t > now}


@dataclass(frozen=True)
class MemberLimits:
    """WeCom app messages reaching one member: beyond these WeCom drops them without an error
    (its message API documentation: 30 a minute, 1,000 an hour per member)."""

    per_minute: Rate = Rate(30, 60.0)
    per_hour: Rate = Rate(1000, 3600.0)


class MemberPacer:
    """Per-member windows for WeCom; one API call is one message, a split text several."""

    def __init__(
        self, limits: MemberLimits | None = None, clock: Callable[[], float] = time.monotonic
    ) -> None:
        limits = limits or MemberLimits()
        self.clock = clock
        self._windows = (SlidingWindow(limits.per_minute), SlidingWindow(limits.per_hour))
        self._sends = 0

    def delay(self, member: str) -> float:
        now = self.clock()
        return max(window.wait(member, now) for window in self._windows)

    def record(self, member: str) -> None:
        now = self.clock()
        for window in self._windows:
            window.record(member, now)
        self._sends += 1
        if self._sends % 1000 == 0:
            for window in self._windows:
                window.forget_idle(now)
