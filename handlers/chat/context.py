"""What a feature handler gets: the user, their scope, the open transaction and the form."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from handlers.i18n import fmt_date, fmt_dt, t
from handlers.media import NO_MEDIA, MediaReader, OutsideWork
from handlers.messages import InboundMessage
from handlers.numbers import parse_id
from store.models import User
from store.scope import Scope
from store.uow import UnitOfWork

T = TypeVar("T")


@dataclass(frozen=True)
class ChatConfig:
    default_lang: str = "zh"
    default_tz: str = "Asia/Shanghai"
    default_hour: int = 9  # a reminder day given without a time
    max_text: int = 2000  # longer messages are refused rather than half-saved


@dataclass
class Conversation:
    """The user's form in progress: a state name and what was filled in so far."""

    state: str | None = None
    data: dict[str, Any] = field(default_factory=dict)

    def go(self, state: str, **data: Any) -> None:
        self.state = state
        self.data.update(data)

    def end(self) -> None:
        self.state, self.data = None, {}


class UserError(Exception):
    """A bad input the user can fix: the reply is the text, and nothing is saved."""

    def __init__(self, key: str, **values: Any) -> None:
        super().__init__(key)
        self.key, self.values = key, values


@dataclass
class Ctx:
    uow: UnitOfWork
    msg: InboundMessage
    user: User
    scope: Scope
    now: datetime
    config: ChatConfig
    conv: Conversation
    confirmed: dict[str, str] = field(default_factory=dict)  # date asked about → date meant
    media: MediaReader = NO_MEDIA  # reads the bytes of a file the user sent (handlers/media.py)

    @property
    def lang(self) -> str:
        return self.user.lang

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.user.tz)

    def t(self, key: str, **values: Any) -> str:
        return t(self.lang, key, **values)

    async def outside(self, key: Hashable, work: Callable[[], Awaitable[T]]) -> T:
        """Slow work (OCR, parsing a file) done outside the message's transaction when the
        router allows (handlers/media.py OutsideWork); else here and now."""
        if isinstance(self.media, OutsideWork):
            return await self.media.get(key, work)
        return await work()

    def local_now(self) -> datetime:
        return self.now.astimezone(self.tz)

    def when(self, value: datetime, with_time: bool = True) -> str:
        return fmt_dt(value.astimezone(self.tz), self.lang, with_time, self.local_now().year)

    def when_date(self, value: date) -> str:
        return fmt_date(value, self.lang, self.local_now().year)


def int_arg(parts: list[str], index: int) -> int:
    """A numeric id from button data; anything else (missing, not digits, beyond any key)
    is a stale or forged button."""
    value = parse_id(parts[index]) if index < len(parts) else None
    if value is None:
        raise UserError("error.stale_button")
    return value
