"""The seam through which a handler reads the bytes of a file someone sent: a photo, a document.

Each channel implements it (Telegram: getFile and download; WeCom: the stored media_file row
or media/get; the console: the local path) and passes it to the router with the message, so
handlers say `await ctx.media.read(attachment)` and never see a channel.
"""

from __future__ import annotations

from typing import Protocol

from handlers.messages import MAX_DOCUMENT, Attachment

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
