"""What delivering one outbox row to Telegram costs the server, in CPU.

In one process: the real outbox Delivery loop, TelegramSender and PTB, at Telegram's limits
(30 messages/s, 1/s per chat), sending confirmation cards (text and two buttons) to 200 chats
through the fake Bot API on 127.0.0.1. The fake server runs in the same process, so its CPU is
in the figure too (about 1.5 ms a message here). It compares PTB's own httpx backend with the
aiohttp one chatcrm uses (bot/telegram/request.py).

Run from the repo root:  python bench/delivery_cost.py [--rows 300] [--unlimited]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.webhook_cost import offline_app  # noqa: E402  (needs the repo root on sys.path)

CHATS, WARM_UP = 200, 100
CARD = {
    "text": "请确认这条记录：赵伟 · 今天 拜访 · 谈了报价",
    "choices": [["✅ 保存", "vi:ok"], ["❌ 取消", "vi:no"]],
}


async def measure(transport: str, rows: int, unlimited: bool) -> tuple[float, float]:
    """(messages/s, CPU ms per message) after a warm-up of WARM_UP messages."""
    from sqlalchemy import func, select
    from telegram.request import HTTPXRequest

    from bot.rate_limit import Limits, Rate
    from bot.telegram.runtime import build_runtime
    from store.models import OutboxEntry
    from store.repos.outbox import outbox_row

    api, app = await offline_app("delivery")
    fast = Rate(1_000_000, 1.0)
    runtime = build_runtime(app, limits=Limits(fast, fast, fast) if unlimited else None)
    if transport == "httpx":  # PTB's default backend, as it was before bot/telegram/request.py
        bot: Any = runtime.application.bot
        bot._request = (bot._request[0], HTTPXRequest(connection_pool_size=256))

    async def fill(tag: str, count: int) -> None:
        async with app.uows() as uow:
            now = app.clock.now()
            keyed = (
                outbox_row("telegram", str(10_000_000 + i % CHATS), CARD, f"{tag}{i}", now)
                for i in range(count)
            )
            await uow.outbox.enqueue_many(list(keyed))
            await uow.commit()
        runtime.delivery.wake()

    async def delivered() -> int:
        async with app.uows() as uow:
            stmt = select(func.count()).where(OutboxEntry.status == "sent")
            return int((await uow.session.scalar(stmt)) or 0)

    async def until_delivered(count: int) -> None:
        while await delivered() < count:  # noqa: ASYNC110 (the outbox is the thing to watch)
            await asyncio.sleep(0.1)

    try:
        async with runtime.running(webhook=False):
            await fill("warm", WARM_UP)
            await until_delivered(WARM_UP)
            await fill("row", rows)
            started, cpu = time.perf_counter(), time.thread_time()
            await until_delivered(WARM_UP + rows)
            wall, cpu = time.perf_counter() - started, time.thread_time() - cpu
    finally:
        await app.close()
        await api.stop()
    return rows / wall, cpu / rows * 1000


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=300)
    parser.add_argument("--unlimited", action="store_true", help="no send limits, full speed")
    args = parser.parse_args()
    print("| PTB backend | messages/s | CPU ms per message (fake Bot API included) |")
    print("|---|---|---|")
    for transport in ("httpx", "aiohttp"):
        rate, cpu = asyncio.run(measure(transport, args.rows, args.unlimited))
        print(f"| {transport} | {rate:.1f} | {cpu:.2f} |")


if __name__ == "__main__":
    main()
