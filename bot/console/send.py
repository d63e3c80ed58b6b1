"""The console's delivery: print pending console outbox rows (reminders, briefs, digests).

Hook (main.py, console command): `jobs = start_jobs(app, extra=console_ticks(app))`,
then `await jobs.stop()` when the console ends.
"""

from __future__ import annotations

import sys
from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path
from typing import TextIO

from bot.bootstrap import App
from bot.console.chat import CHANNEL, render, saved_files
from bot.console.media import MEDIA_DIR, image_lines
from handlers.messages import reply_from_dict

LEASE = timedelta(minutes=1)


async def print_console_rows(
    app: App, out: TextIO = sys.stdout, limit: int = 50, media: Path = MEDIA_DIR
) -> int:
    """Claim due console rows, print each with its recipient, mark them sent."""
    async with app.uows() as uow:
        rows = await uow.outbox.claim(app.clock.now(), limit, LEASE, channels=(CHANNEL,))
        for row in rows:
            reply = reply_from_dict(row.body)
            text = render([reply], int(row.body.get("first_choice", 1)))
            images = "".join(f"\n{line}" for line in image_lines([reply], media))
            files = "".join(f"\n{line}" for line in saved_files([reply], media))
            out.write(f"\n📨 → {row.recipient}\n{text}{images}{files}\n")
            await uow.outbox.mark_sent(row.id, None)
        await uow.commit()
    out.flush()
    return len(rows)


def console_ticks(
    app: App, every: float = 5.0, media: Path = MEDIA_DIR
) -> list[tuple[str, Callable[[], Awaitable[object]], float]]:
    async def tick() -> int:
        return await print_console_rows(app, media=media)

    return [("console_delivery", tick, every)]
