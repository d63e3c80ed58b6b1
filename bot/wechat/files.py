"""WeCom's half of the MediaReader seam (media/get, while a MediaId lives: 3 days), and file
messages out (media/upload, then a file app message).

The reader runs inside the router's transaction, so it downloads rather than look in the
media_file table: a second transaction there would wait on the first (SQLite has one writer).
"""

from __future__ import annotations

import logging

from bot.wechat.api import WeChatApi
from bot.wechat.http import Download
from handlers.media import MAX_INBOUND, too_large
from handlers.messages import Attachment, Document

log = logging.getLogger(__name__)
DOWNLOAD_SECONDS = 60.0  # 20 MB over a slow uplink, but not forever
UPLOAD_SECONDS = 60.0


class WeComMedia:
    def __init__(
        self, api: WeChatApi, limit: int = MAX_INBOUND, seconds: float = DOWNLOAD_SECONDS
    ) -> None:
        self.api, self.limit, self.seconds = api, limit, seconds

    async def read(self, attachment: Attachment) -> bytes | None:
        got = await self.download(attachment)
        return got.data if got is not None else None

    async def download(self, attachment: Attachment) -> Download | None:
        """The file with its content type; None when it cannot be had (logged)."""
        if attachment.kind not in ("photo", "document") or too_large(attachment, self.limit):
            return None

        async def fetch(token: str) -> Download:
            params = {"access_token": token, "media_id": attachment.value}
            return await self.api.http.download_any("media/get", params, self.limit, self.seconds)

        try:
            return await self.api.call(fetch)
        except Exception as exc:  # too large, expired (40007), timeouts, connection failures
            log.warning("WeCom %s %s not downloaded: %r", attachment.kind, attachment.value, exc)
            return None


class Remembered:
    """One message's reader: what the router downloaded (a card photo it read) is kept for
    the PhotoKeeper, so a photo is fetched from WeCom once, not twice."""

    def __init__(self, media: WeComMedia) -> None:
        self.media = media
        self.seen: dict[str, Download] = {}

    async def read(self, attachment: Attachment) -> bytes | None:
        got = await self.media.download(attachment)
        if got is None:
            return None
        self.seen[attachment.value] = got
        return got.data


async def upload_file(api: WeChatApi, document: Document) -> str:
    """media/upload?type=file: the file's media_id (valid 3 days) for a file message."""
    return await upload(api, "file", document)


async def upload_image(api: WeChatApi, png: bytes) -> str:
    """media/upload?type=image: a chart's media_id for an image message (PNG, at most 10 MB)."""
    return await upload(api, "image", Document("chart.png", png, "image/png"))


async def upload(api: WeChatApi, kind: str, document: Document) -> str:
    async def post(token: str) -> str:
        params = {"access_token": token, "type": kind}
        answer = await api.http.upload(
            "media/upload", params, document.filename, document.data, document.mime,
            UPLOAD_SECONDS,
        )  # fmt: skip
        return str(answer["media_id"])

    return await api.call(post)
