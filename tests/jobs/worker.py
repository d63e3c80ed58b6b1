"""One `serve`-like process for bench/reminders.py: jobs ticking + Telegram delivery, no limits.

It is wired like `python main.py serve` (build_app, build_runtime, start_jobs) minus the web
server, with test limits so 5,000 messages take seconds, not Telegram's three minutes.
Run: CHATCRM_DATABASE_URL=… CHATCRM_TELEGRAM_TOKEN=… CHATCRM_TELEGRAM_API_URL=… python worker.py
"""

from __future__ import annotations

import asyncio
import os
from datetime import timedelta

from bot.bootstrap import build_app
from bot.delivery import DeliveryPolicy
from bot.rate_limit import Limits, Rate
from bot.settings import Settings
from bot.telegram.runtime import build_runtime
from jobs.scheduler import start_jobs

FAST = Limits(per_bot=Rate(100_000, 1.0), per_chat=Rate(100_000, 1.0), per_group=Rate(1000, 1.0))
# The lease must outlast a process's local queue (max_in_flight at ~100 msg/s on a busy CI box),
# or a live process's rows are re-claimed by another: then the lease, not the kill, duplicates.
POLICY = DeliveryPolicy(
    batch=50, max_in_flight=100, per_recipient=1000, lease=timedelta(seconds=10), poll_every=0.1
)


async def main() -> None:
    app = await build_app(Settings(), migrate=False)
    limits = Limits() if os.environ.get("CHATCRM_BENCH_LIMITS") == "telegram" else FAST
    runtime = build_runtime(app, limits=limits, policy=POLICY)
    async with runtime.running(webhook=False):
        jobs = start_jobs(app, speed=20)  # the reminder tick every 0.5 s
        print("ready", flush=True)
        try:
            await asyncio.Event().wait()
        finally:
            await jobs.stop()


if __name__ == "__main__":
    asyncio.run(main())
