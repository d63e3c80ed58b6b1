"""The seam through which a handler reads the bytes of a file someone sent: a photo, a document.

Each channel implements it (Telegram: getFile and download; WeCom: the stored media_file row
or media/get; the console: the local path) and passes it to the router with the message, so
handlers say `await ctx.media.read(attachment)` and never see a channel.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Hashable
from typing import Protocol, TypeVar, cast

from handlers.messages import MAX_DOCUMENT, Attachment

T = TypeVar("T")

MAX_INBOUND = MAX_DOCUMENT  # Telegram's bot download limit, and WeCom's for a file


class MediaReader(Protocol):
    async def read(self, attachment: Attachment) -> bytes | None:
        """The attachment's bytes; None when they cannot be had (expired, gone, over
        MAX_INBOUND, a download that failed). Never raises for those: the handler answers."""
        ...


class NoMedia:
    """A channel that cannot fetch files (or a test that sends none)."""

    async def read(self, attachment: Attachment) -> bytes | None:
        return None


NO_MEDIA: MediaReader = NoMedia()


def too_large(attachment: Attachment, limit: int = MAX_INBOUND) -> bool:
    """What the channel said of the size before any download: over the limit."""
    return attachment.size is not None and attachment.size > limit


class NeedsOutside(Exception):
    """Raised inside the router's transaction: slow work to do outside it first."""

    def __init__(self, key: Hashable, work: Callable[[], Awaitable[object]]) -> None:
        super().__init__(repr(key))
        self.key, self.work = key, work


class OutsideWork:
    """Slow work a message needs (a download, reading a card, parsing a table) done outside the
    router's transaction, which on SQLite holds the one write lock every other message waits
    for, and on PostgreSQL one of a few pooled connections.

    Inside a transaction, `get` returns the work's result if it was done, else raises
    NeedsOutside; the router then rolls back, runs the work, and handles the message again
    from the start with the result at hand (an exception the work raised is raised again
    there). `inline` (the router's last round) runs work where it is asked for. As a
    MediaReader it downloads this way."""

    def __init__(self, media: MediaReader = NO_MEDIA) -> None:
        self.media = media
        self.inline = False
        self._done: dict[Hashable, tuple[bool, object]] = {}

    async def get(self, key: Hashable, work: Callable[[], Awaitable[T]]) -> T:
        if self.inline and key not in self._done:
            await self._run(key, work)
        if key not in self._done:
            raise NeedsOutside(key, work)
        ok, value = self._done[key]
        if not ok:
            raise cast(Exception, value)
        return cast(T, value)

    async def read(self, attachment: Attachment) -> bytes | None:
        key = ("media", attachment.kind, attachment.value)
        return await self.get(key, lambda: self.media.read(attachment))

    async def run(self, need: NeedsOutside) -> None:
        """Do what an attempt asked for; the next attempt finds it done."""
        await self._run(need.key, need.work)

    async def _run(self, key: Hashable, work: Callable[[], Awaitable[object]]) -> None:
        try:
            self._done[key] = (True, await work())
        except Exception as exc:  # raised again to the handler, inside its transaction
            self._done[key] = (False, exc)
