"""Telegram's half of the MediaReader seam: getFile, then the file download, both through the
configured Bot API (a bot may download files of at most 20 MB)."""

from __future__ import annotations

import logging

from telegram import Bot
from telegram.error import TelegramError

from handlers.media import MAX_INBOUND, too_large
from handlers.messages import Attachment

log = logging.getLogger(__name__)
FILES = ("photo", "document", "voice")


class TelegramMedia:
    def __init__(self, bot: Bot, limit: int = MAX_INBOUND) -> None:
        self.bot, self.limit = bot, limit

    async def read(self, attachment: Attachment) -> bytes | None:
        if attachment.kind not in FILES or too_large(attachment, self.limit):
            return None
        try:
            file = await self.bot.get_file(attachment.value)
            if file.file_size is not None and file.file_size > self.limit:
                return None
            data = bytes(await file.download_as_bytearray())
        except (TelegramError, OSError) as err:  # "file is too big", expired, network
            log.warning("Telegram file %s not downloaded: %r", attachment.kind, err)
            return None
        return data if len(data) <= self.limit else None
