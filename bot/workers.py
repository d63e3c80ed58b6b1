"""`serve` in several processes on one port: one host's cores for a PostgreSQL deployment.

Each worker answers webhooks and runs the jobs' clock, as several hosts behind one load
balancer would, and the database keeps them correct (inbox dedupe, one person's messages
taking turns, job slots). Only the first worker sends the outbox: one sender keeps each chat's
messages in order and the bot's 30 messages/s exactly, and one process sends far more than
Telegram allows. The others' replies reach it by its poll, every 0.2 s instead of 1 s.
The parent binds the port once, migrates once, starts the workers and stops them all when
told to or when one dies (a process supervisor such as systemd then restarts the service).
SQLite is refused: its one writer at a time is shared fairly inside a process, not across
processes.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from types import FrameType

from bot.delivery import DeliveryPolicy
from bot.settings import Settings

log = logging.getLogger(__name__)
STOP_GRACE_SECONDS = 30.0


def check_workers(settings: Settings) -> None:
    if settings.workers > 1 and settings.database_url.startswith("sqlite"):
        raise SystemExit(
            "CHATCRM_WORKERS > 1 needs PostgreSQL: SQLite takes one writer at a time, and "
            "several processes would starve each other. Use one worker, or set "
            "CHATCRM_DATABASE_URL to a PostgreSQL database."
        )


@dataclass(frozen=True)
class WorkerRole:
    """Which of the host's workers this process is; a lone `serve` is worker 0 of 1."""

    index: int = 0
    count: int = 1

    @property
    def delivers(self) -> bool:
        return self.index == 0

    def policy(self, lease_seconds: int) -> DeliveryPolicy:
        """The sender's poll: quick when other workers queue replies it cannot hear of."""
        poll = 1.0 if self.count == 1 else 0.2
        return DeliveryPolicy(lease=timedelta(seconds=lease_seconds), poll_every=poll)


def bind(host: str, port: int) -> socket.socket:
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.set_inheritable(True)
    return sock


Worker = Callable[[socket.socket, WorkerRole], None]


def supervise(settings: Settings, worker_main: Worker) -> int:
    """Run `worker_main(sock, role)` in `settings.workers` processes; 0 after a clean stop.

    `worker_main` must be a module-level function: each worker is a fresh interpreter.
    """
    check_workers(settings)
    sock = bind(settings.http_host, settings.http_port)
    spawn = multiprocessing.get_context("spawn")
    workers = [
        spawn.Process(
            target=worker_main,
            args=(sock, WorkerRole(index, settings.workers)),
            name=f"chatcrm-{index}",
        )
        for index in range(settings.workers)
    ]
    for worker in workers:
        worker.start()
    stopping = threading.Event()

    def stop(_signum: int, _frame: FrameType | None) -> None:
        stopping.set()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    failed = False
    while not stopping.wait(0.5):
        if any(not worker.is_alive() for worker in workers):
            log.error("a worker exited; stopping the others")
            failed = True
            break
    for worker in workers:
        if worker.is_alive() and worker.pid is not None:
            os.kill(worker.pid, signal.SIGTERM)  # uvicorn finishes its requests, then exits
    for worker in workers:
        worker.join(STOP_GRACE_SECONDS)
        if worker.is_alive():
            worker.kill()
    sock.close()
    return 1 if failed else 0
