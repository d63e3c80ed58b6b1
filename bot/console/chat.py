"""The console channel: a terminal chat, or one message per line when stdin is piped."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

from bot.console.media import MEDIA_DIR, LocalFiles, attachment_for, image_lines, save
from handlers.chat.router import Router
from handlers.messages import Attachment, InboundMessage, Reply

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


def saved_files(replies: Sequence[Reply], folder: Path = MEDIA_DIR) -> list[str]:
    """Write each reply's document to the media folder; a line naming each file written."""
    lines = []
    for reply in replies:
        if reply.document is not None:
            path = save(reply.document.filename, reply.document.data, folder)
            lines.append(f"📎 {path} ({len(reply.document.data):,} bytes)")
    return lines


def attach(text: str) -> tuple[str | None, tuple[Attachment, ...]] | str:
    """`/attach PATH [caption]` as a file sent with its caption; an error line if no file."""
    _cmd, _, rest = text.partition(" ")
    raw, _, caption = rest.strip().partition(" ")
    path = Path(raw).expanduser()
    if not raw or not path.is_file():
        return f"/attach: no such file: {raw or '(none given)'}"
    return caption.strip() or None, (attachment_for(path),)


class Console:
    def __init__(
        self,
        router: Router,
        user_id: str,
        locale: str | None = None,
        media: Path = MEDIA_DIR,  # where images and files the bot sends are written
    ) -> None:
        self.router, self.user_id, self.locale = router, user_id, locale
        self.counter, self.media, self.files = 0, media, LocalFiles()

    async def send(self, text: str) -> str:
        attachments: tuple[Attachment, ...] = ()
        said: str | None = text
        if text.split(" ", 1)[0].lower() == "/attach":
            parsed = attach(text)
            if isinstance(parsed, str):
                return parsed
            said, attachments = parsed
        self.counter += 1
        msg = InboundMessage(
            channel=CHANNEL,
            user_id=self.user_id,
            chat_id=self.user_id,
            sent_at=datetime.now(UTC),
            text=said,
            message_id=str(self.counter),
            locale=self.locale,
            display_name=self.user_id,
            attachments=attachments,
        )
        replies = await self.router.handle(msg, media=self.files)
        sent = [*image_lines(replies, self.media), *saved_files(replies, self.media)]
        return "\n".join([render(replies), *sent])

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
