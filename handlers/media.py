"""The bytes of a photo or file sent into the chat, fetched by the channel it came on.

Handlers see an Attachment (its `value` is the channel's file id); the channel adapter in
`bot/` knows how to download it and is handed to the router as a MediaReader.
"""

from __future__ import annotations

from typing import Protocol

from handlers.messages import Attachment


class MediaReader(Protocol):
    async def read(self, attachment: Attachment) -> bytes | None:
        """The attachment's bytes; None when this channel cannot fetch them."""
        ...


class NoMedia:
    """A channel that fetches nothing (the default until an adapter provides a reader)."""

    async def read(self, attachment: Attachment) -> bytes | None:
        return None
