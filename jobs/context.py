"""What every job receives: units of work, the clock and who is running it."""

from __future__ import annotations

import os
import socket
from dataclasses import dataclass, field
from datetime import datetime

from handlers.clock import Clock
from store.uow import UnitOfWork, UnitOfWorkFactory


def instance_name() -> str:
    """Host and pid: job_run rows say which instance ran a slot."""
    return f"{socket.gethostname()}:{os.getpid()}"[:64]


@dataclass
class JobContext:
    uows: UnitOfWorkFactory
    clock: Clock
    default_tz: str = "Asia/Shanghai"
    default_lang: str = "zh"
    default_hour: int = 9
    outbox_retention_days: int = 30  # CHATCRM_OUTBOX_RETENTION_DAYS
    instance: str = field(default_factory=instance_name)

    def now(self) -> datetime:
        return self.clock.now()

    def uow(self) -> UnitOfWork:
        return self.uows()
