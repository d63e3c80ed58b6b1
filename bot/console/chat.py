"""The console channel: a terminal chat, or one message per line when stdin is piped."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

from bot.console.media import image_lines
from handlers.chat.router import Router
from handlers.messages import InboundMessage, Reply

CHANNEL = "console"


def render(replies: Sequence[Reply], first: int = 1) -> str:
    """Replies as plain text; choices numbered across the whole batch, as the router counts
    (from `first`: a job's message continues the numbers already on screen)."""
    blocks, number = [], first - 1
    for reply in replies:
        lines = [reply.text]
        for choice in reply.choices:
            number += 1
            lines.append(f"  {number}. {choice.label}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


MEDIA_DIR = Path("chatcrm-media")  # Settings.console_media_dir


class Console:
    def __init__(
        self, router: Router, user_id: str, locale: str | None = None, media: Path = MEDIA_DIR
    ) -> None:
        self.router, self.user_id, self.locale, self.media = router, user_id, locale, media
        self.counter = 0

    async def send(self, text: str) -> str:
        self.counter += 1
        msg = InboundMessage(
            channel=CHANNEL,
            user_id=self.user_id,
            chat_id=self.user_id,
            sent_at=datetime.now(UTC),
            text=text,
            message_id=str(self.counter),
            locale=self.locale,
            display_name=self.user_id,
        )
        replies = await self.router.handle(msg)
        return "\n".join([render(replies), *image_lines(replies, self.media)])

    async def run(self, stdin: TextIO, stdout: TextIO) -> None:
        interactive = stdin.isatty()
        if interactive:
            stdout.write("chatcrm console — /help for commands, Ctrl-D to quit\n")
        while True:
            if interactive:
                stdout.write("\n> ")
                stdout.flush()
            line = await asyncio.to_thread(stdin.readline)
            if not line:
                return
            text = line.rstrip("\n")
            if not text.strip():
                continue
            if not interactive:
                stdout.write(f"> {text}\n")
            stdout.write(await self.send(text) + "\n")
            if not interactive:
                stdout.write("\n")
            stdout.flush()


async def run_console(
    router: Router, user_id: str, locale: str | None = None, media: Path = MEDIA_DIR
) -> None:
    await Console(router, user_id, locale, media).run(sys.stdin, sys.stdout)
