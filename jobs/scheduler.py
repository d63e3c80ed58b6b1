"""APScheduler as the clock, nothing more: it ticks, the database says what is due.

Every job is an interval tick (coalesced, one instance at a time): a tick missed while the
process was down or busy is not replayed, because each job reads what is due from the
database and local-time slots from jobs.slots. Several processes may tick side by side.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime
from typing import Any, Protocol

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger

from handlers.clock import Clock
from jobs.brief import run_briefs
from jobs.cadence import run_cadence
from jobs.care import run_care
from jobs.context import JobContext
from jobs.digest import run_digests
from jobs.exports import run_exports
from jobs.housekeeping import run_housekeeping
from jobs.ops import run_ops
from jobs.payments import run_payment_reminders
from jobs.reminders import deliver_due_reminders
from jobs.stale import run_stale
from store.uow import UnitOfWorkFactory

log = logging.getLogger(__name__)
Tick = Callable[[], Awaitable[object]]

# (job, seconds between ticks); reminders tick often, the rest only look for a new slot
JOBS: tuple[tuple[Callable[[JobContext], Awaitable[int]], float], ...] = (
    (deliver_due_reminders, 10),
    (run_briefs, 60),
    (run_exports, 5),  # large chat exports: the user waits for these
    (run_digests, 60),
    (run_payment_reminders, 300),
    (run_stale, 300),
    (run_cadence, 300),
    (run_care, 300),
    (run_ops, 300),
    (run_housekeeping, 3600),
)


class AppLike(Protocol):
    """What start_jobs needs of bot.bootstrap.App (jobs/ never imports bot/)."""

    uows: UnitOfWorkFactory
    clock: Clock
    settings: Any


def job_context(app: AppLike) -> JobContext:
    s = app.settings
    return JobContext(
        app.uows,
        app.clock,
        default_tz=s.default_tz,
        default_lang=s.default_lang,
        default_hour=s.default_reminder_hour,
        outbox_retention_days=s.outbox_retention_days,
    )


GRACE_SECONDS = 2.0  # a tick takes milliseconds; a stuck one is cancelled after this


class Jobs:
    """The running clock: stop() ends the ticks, lets running ones finish briefly, and cancels
    any job still mid-transaction.

    A cancelled job rolls back (its unit of work never committed), so stopping is always safe.
    """

    def __init__(self, scheduler: AsyncIOScheduler) -> None:
        self.scheduler = scheduler
        self.running: set[asyncio.Task[object] | None] = set()
        self.stopping = False

    def guarded(self, name: str, tick: Tick) -> Tick:
        async def run() -> None:
            if self.stopping:  # fired as the clock stopped: nothing new once stop() began
                return
            task = asyncio.current_task()
            if task is not None:
                self.running.add(task)
            try:
                await tick()
            except asyncio.CancelledError:
                if not self.stopping:
                    raise  # a cancel from outside: let it through
            except Exception:  # one failed tick must not stop the clock; the next one retries
                log.exception("job %s failed", name)
            finally:
                self.running.discard(task)

        return run

    async def stop(self, grace: float = GRACE_SECONDS) -> None:
        """Ticks already running get `grace` seconds to finish: a job cancelled inside a query
        leaves its connection to be closed mid-cancel, which the pool logs as a traceback
        (the console printed one at the end of a script). Whatever is left is cancelled."""
        self.stopping = True
        # Paused, not shut down yet: APScheduler's shutdown cancels the ticks it is running
        # at once, which left no grace at all.
        self.scheduler.pause()
        tasks = [task for task in self.running if task is not None]
        if tasks:
            await asyncio.wait(tasks, timeout=grace)
        self.scheduler.shutdown(wait=False)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


def start_jobs(
    app: AppLike, extra: Sequence[tuple[str, Tick, float]] = (), speed: float = 1.0
) -> Jobs:
    """Start the clock on the running event loop; `await jobs.stop()` when done.

    `extra` adds ticks from the composition root (the console's own delivery, say);
    `speed` > 1 shortens every interval (tests and benchmarks).
    """
    ctx = job_context(app)
    scheduler = AsyncIOScheduler(timezone=UTC)
    jobs = Jobs(scheduler)
    ticks = [(job.__name__, _bind(job, ctx), seconds) for job, seconds in JOBS]
    for name, tick, seconds in [*ticks, *extra]:
        scheduler.add_job(
            jobs.guarded(name, tick),
            IntervalTrigger(seconds=seconds / speed, timezone=UTC),
            id=name,
            max_instances=1,
            coalesce=True,
            next_run_time=datetime.now(UTC),  # the scheduler's own clock, not business time
        )
    scheduler.start()
    return jobs


def _bind(job: Callable[[JobContext], Awaitable[int]], ctx: JobContext) -> Tick:
    async def tick() -> int:
        return await job(ctx)

    return tick
