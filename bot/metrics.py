"""What an operator watches: Prometheus series at /metrics, and /healthz and /readyz.

The hooks are wrappers, so the code they watch does not know about them: a Router that
counts and times each message, a Sender that counts each send's outcome, a listener on the
jobs' scheduler. Database figures (outbox backlog) are read when /metrics is scraped.
With CHATCRM_WORKERS > 1 the workers share one port, so any of them may answer a scrape:
they keep their series in files (prometheus-client's multiprocess mode, set up by
`share_between_processes` before they start) and each scrape adds all of them up.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)
from sqlalchemy.exc import SQLAlchemyError
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot.delivery import FoldingSender, Outcome, Sender, SendResult
from handlers.chat.context import Ctx, UserError
from handlers.chat.router import OnReplies, Router
from handlers.media import NO_MEDIA, MediaReader
from handlers.messages import InboundMessage, Reply
from store.models import OutboxEntry
from store.uow import UnitOfWorkFactory

if TYPE_CHECKING:
    from apscheduler.schedulers.base import BaseScheduler

    from handlers.clock import Clock

log = logging.getLogger(__name__)
UPDATES = Counter(
    "chatcrm_updates_total",
    "Messages received, by channel and outcome (replied, silent, failed, error)",
    ["channel", "outcome"],
)
HANDLER_ERRORS = Counter(
    "chatcrm_handler_errors_total", "Handlers that raised (the user got an apology)", ["channel"]
)
HANDLER_SECONDS = Histogram(
    "chatcrm_handler_seconds",
    "Time to answer one message, its transaction included",
    ["channel"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
SENDS = Counter(
    "chatcrm_sends_total",
    "Send attempts by channel and outcome (sent, rate_limited, retried, blocked, failed)",
    ["channel", "outcome"],
)
# Read from the database at each scrape: with several workers, the latest reading counts.
OUTBOX_BACKLOG = Gauge(
    "chatcrm_outbox_backlog", "Outbox rows not yet delivered", multiprocess_mode="mostrecent"
)
OUTBOX_OLDEST = Gauge(
    "chatcrm_outbox_oldest_pending_seconds",
    "Age of the oldest undelivered outbox row",
    multiprocess_mode="mostrecent",
)
SHARED_DIR = "PROMETHEUS_MULTIPROC_DIR"  # prometheus-client's own variable
HTTP_RESPONSES = Counter(
    "chatcrm_http_responses_total",
    "Answers by route and status: webhooks refused (403, 413), asked again (503), served",
    ["path", "status"],
)
JOB_RUNS = Counter("chatcrm_job_runs_total", "Scheduled job ticks started", ["job"])
JOB_LAG = Histogram(
    "chatcrm_job_lag_seconds",
    "How late a job tick started after its scheduled time",
    ["job"],
    buckets=(0.01, 0.1, 0.5, 1, 5, 15, 60, 300),
)
# The SendResult outcomes in the words an operator reads on a dashboard.
SEND_OUTCOMES: dict[Outcome, str] = {
    "sent": "sent",
    "retry_after": "rate_limited",  # 429 or the channel's own pacing: tried again later
    "error": "retried",  # transient: tried again with backoff until it gives up
    "blocked": "blocked",
    "failed": "failed",
}


class MeteredRouter(Router):
    """The Router, counting each message's outcome and timing it."""

    @classmethod
    def around(cls, router: Router) -> MeteredRouter:
        return cls(router.uows, router.clock, router.config, router.routes)

    async def handle(
        self,
        msg: InboundMessage,
        on_replies: OnReplies | None = None,
        media: MediaReader = NO_MEDIA,
    ) -> list[Reply]:
        started, outcome = time.perf_counter(), "error"
        try:
            replies = await super().handle(msg, on_replies, media)
            outcome = "replied" if replies else "silent"
            return replies
        finally:
            seconds = time.perf_counter() - started
            HANDLER_SECONDS.labels(msg.channel).observe(seconds)
            UPDATES.labels(msg.channel, outcome).inc()
            if log.isEnabledFor(logging.INFO):  # ids and timing only, never what was written
                log.info(
                    "message %s",
                    outcome,
                    extra={
                        "channel": msg.channel,
                        "update_id": msg.dedupe_key or msg.message_id,
                        "user_id": msg.user_id,
                        "duration_ms": round(seconds * 1000, 1),
                        "status": outcome,
                    },
                )

    async def _guarded(self, ctx: Ctx) -> list[Reply]:
        try:
            return await super()._guarded(ctx)
        except Exception as failure:
            if not isinstance(failure.__cause__, UserError):  # a user's mistake is no error
                HANDLER_ERRORS.labels(ctx.msg.channel).inc()
            raise


class CountResponses:
    """ASGI middleware: each response by route and status. The route is its template
    (/wechat/work/card/{link}) and "other" when none matched, so a scanner trying paths
    cannot grow the series."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def counted(message: Message) -> None:
            if message["type"] == "http.response.start":
                path = getattr(scope.get("route"), "path", "other")  # set by the router
                HTTP_RESPONSES.labels(path, str(message["status"])).inc()
            await send(message)

        await self.app(scope, receive, counted)


class MeteredSender:
    """A channel's Sender, counting each attempt's outcome."""

    def __init__(self, sender: Sender) -> None:
        self.sender, self.channel = sender, sender.channel

    async def send(self, entry: OutboxEntry) -> SendResult:
        return await self._counted(self.sender.send(entry))

    async def _counted(self, sending: Awaitable[SendResult]) -> SendResult:
        try:
            result = await sending
        except Exception:
            SENDS.labels(self.channel, "retried").inc()  # Delivery treats it as an error
            raise
        SENDS.labels(self.channel, SEND_OUTCOMES[result.outcome]).inc()
        return result


class MeteredFoldingSender(MeteredSender):
    """The same for a sender that folds a burst into one message (WeCom): the wrapper must
    still fold, or every row of a morning's burst would go out alone and hit the limit."""

    def __init__(self, sender: FoldingSender) -> None:
        super().__init__(sender)
        self.folding = sender

    def foldable(self, entries: Sequence[OutboxEntry]) -> int:
        return self.folding.foldable(entries)

    async def send_folded(self, entries: Sequence[OutboxEntry]) -> SendResult:
        return await self._counted(self.folding.send_folded(entries))


def metered(senders: list[Sender]) -> list[Sender]:
    return [
        MeteredFoldingSender(s) if isinstance(s, FoldingSender) else MeteredSender(s)
        for s in senders
    ]


def watch_jobs(scheduler: BaseScheduler) -> None:
    """Count each job tick and how late it started (the scheduler says when it was due)."""
    from apscheduler.events import EVENT_JOB_SUBMITTED, JobSubmissionEvent

    def submitted(event: JobSubmissionEvent) -> None:
        JOB_RUNS.labels(event.job_id).inc()
        if event.scheduled_run_times:
            due = event.scheduled_run_times[-1]
            lag = time.time() - due.timestamp()
            JOB_LAG.labels(event.job_id).observe(max(0.0, lag))

    scheduler.add_listener(submitted, EVENT_JOB_SUBMITTED)


class Probes:
    """GET /healthz (the process answers), /readyz (database and schema), /metrics."""

    def __init__(self, uows: UnitOfWorkFactory, clock: Clock) -> None:
        self.uows, self.clock = uows, clock

    def routes(self) -> list[Route]:
        return [
            Route("/healthz", self.healthz, methods=["GET"]),
            Route("/readyz", self.readyz, methods=["GET"]),
            Route("/metrics", self.metrics, methods=["GET"]),
        ]

    async def healthz(self, _request: Request) -> Response:
        """Alive: the event loop answers. The database is /readyz's business."""
        return JSONResponse({"ok": True})

    async def readyz(self, _request: Request) -> Response:
        """200 when the database answers at this code's schema; 503 sends traffic elsewhere."""
        db = schema = False
        try:
            async with self.uows() as uow:
                await uow.health.ping()
                db = True
                schema = await uow.health.schema_current()
        except (SQLAlchemyError, OSError):
            pass
        body: dict[str, Any] = {"ok": db and schema, "db": db, "schema": schema}
        return JSONResponse(body, status_code=200 if body["ok"] else 503)

    async def metrics(self, _request: Request) -> Response:
        try:
            async with self.uows() as uow:
                backlog, oldest = await uow.health.outbox_backlog()
        except (SQLAlchemyError, OSError):
            pass  # the process's own series still tell something; /readyz says why
        else:
            OUTBOX_BACKLOG.set(backlog)
            age = (self.clock.now() - oldest).total_seconds() if oldest else 0.0
            OUTBOX_OLDEST.set(max(0.0, age))
        return Response(generate_latest(_registry()), media_type=CONTENT_TYPE_LATEST)


def _registry() -> CollectorRegistry:
    """This process's series, or every worker's added up when they share a folder."""
    if not os.environ.get(SHARED_DIR):
        return REGISTRY
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    return registry


def share_between_processes() -> Callable[[], None]:
    """Before starting workers: a fresh folder for their series; returns its clean-up."""
    if os.environ.get(SHARED_DIR):  # the operator chose one (and empties it between runs)
        return lambda: None
    folder = tempfile.mkdtemp(prefix="chatcrm-metrics-")
    os.environ[SHARED_DIR] = folder  # inherited by the spawned workers

    def clean_up() -> None:
        os.environ.pop(SHARED_DIR, None)
        shutil.rmtree(folder, ignore_errors=True)

    return clean_up
