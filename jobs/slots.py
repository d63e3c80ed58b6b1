"""Cron-like slots in local time, and who gets to run them.

A slot is a local date and time in one timezone ("brief", "Asia/Shanghai", 2026-11-23 08:30).
Only the latest slot at or before now is ever considered, so after downtime a job runs once,
not once per missed tick; and it runs only if the inserter of job_run(job, slot) is us.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from store.uow import UnitOfWork

ON_TIME = timedelta(hours=3)  # later than this, the message says it is late
TOO_LATE = timedelta(hours=12)  # later than this, the slot is skipped: the next one is near


@dataclass(frozen=True)
class Slot:
    job: str
    tz: str
    day: date  # the local date the slot belongs to
    at: datetime  # the aware instant it fell due

    @property
    def key(self) -> str:
        return f"{self.tz}:{self.day.isoformat()}"

    def lateness(self, now: datetime) -> timedelta:
        return now - self.at

    def is_late(self, now: datetime) -> bool:
        return self.lateness(now) > ON_TIME


def local_instant(day: date, at: time, tz: ZoneInfo) -> datetime:
    """The instant a wall-clock time happens. zoneinfo's fold=0 puts a time in the spring gap
    after the gap and a time in the repeated autumn hour on its first pass: once, not twice."""
    return datetime.combine(day, at, tz)


def latest_slot(
    job: str, now: datetime, tz_name: str, at: time, weekdays: tuple[int, ...] = tuple(range(7))
) -> Slot | None:
    """The newest slot at or before now on an allowed weekday, unless it is too late."""
    tz = ZoneInfo(tz_name)
    today = now.astimezone(tz).date()
    for back in range(8):
        day = today - timedelta(days=back)
        instant = local_instant(day, at, tz)
        if day.weekday() in weekdays and instant <= now:
            slot = Slot(job, tz_name, day, instant)
            return slot if slot.lateness(now) <= TOO_LATE else None
    return None


async def claim(uow: UnitOfWork, slot: Slot, instance: str, now: datetime) -> bool:
    """True for exactly one caller per (job, slot), ever; the row commits with the job's work."""
    return await uow.jobs.claim_slot(slot.job, slot.key, instance, now)
