"""What an operator watches: /metrics moves with real traffic; /healthz and /readyz."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from prometheus_client import REGISTRY
from prometheus_client.parser import text_string_to_metric_families
from starlette.applications import Starlette

from bot.logs import JsonFormatter
from bot.metrics import Probes, share_between_processes, watch_jobs
from store.db import make_engine, make_sessions
from store.repos.outbox import outbox_row
from store.uow import UnitOfWorkFactory
from tests.telegram.harness import Harness
from tests.telegram.test_telegram_webhook import REP
from tests.test_cli import ROOT

Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


async def scrape(tg: Harness) -> Samples:
    response = await tg.http.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


def moved(before: Samples, after: Samples, name: str, **labels: str) -> float:
    key = (name, tuple(sorted(labels.items())))
    return after.get(key, 0.0) - before.get(key, 0.0)


async def test_an_update_moves_the_counters(tg: Harness) -> None:
    before = await scrape(tg)
    await tg.join(REP, "rep_a")  # one update in, one welcome out
    after = await scrape(tg)
    replied = {"channel": "telegram", "outcome": "replied"}
    assert moved(before, after, "chatcrm_updates_total", **replied) == 1
    assert moved(before, after, "chatcrm_handler_seconds_count", channel="telegram") == 1
    assert moved(before, after, "chatcrm_sends_total", channel="telegram", outcome="sent") == 1
    assert moved(before, after, "chatcrm_handler_errors_total", channel="telegram") == 0
    assert after[("chatcrm_outbox_backlog", ())] == 0  # delivered before the second scrape
    assert after[("chatcrm_outbox_oldest_pending_seconds", ())] == 0


async def test_answers_at_the_edge_are_counted_by_route_and_status(tg: Harness) -> None:
    before = await scrape(tg)
    forged = await tg.post(tg.updates.message(REP, "/help"), secret="wrong")
    assert forged.status_code == 403
    for probe in ("/wp-login.php", "/.env"):  # a scanner: one series for all it tries
        assert (await tg.http.get(probe)).status_code == 404
    after = await scrape(tg)
    webhook = {"path": "/telegram/webhook", "status": "403"}
    assert moved(before, after, "chatcrm_http_responses_total", **webhook) == 1
    other = {"path": "other", "status": "404"}
    assert moved(before, after, "chatcrm_http_responses_total", **other) == 2
    assert moved(before, after, "chatcrm_updates_total", channel="telegram", outcome="error") == 0


async def test_a_redelivered_update_counts_as_silent(tg: Harness) -> None:
    update = tg.updates.message(REP, "/start nothing")
    await tg.send(update)
    before = await scrape(tg)
    assert (await tg.post(update)).status_code == 200  # Telegram sends it again
    after = await scrape(tg)
    assert moved(before, after, "chatcrm_updates_total", channel="telegram", outcome="silent") == 1


async def test_backlog_and_age_of_the_oldest_waiting_row(tg: Harness) -> None:
    queued = tg.app.clock.now() - timedelta(minutes=5)
    async with tg.app.uows() as uow:  # a channel with no sender: it waits
        await uow.outbox.enqueue_many([outbox_row("fax", "1", {}, "metrics-test", queued)])
        await uow.commit()
    after = await scrape(tg)
    assert after[("chatcrm_outbox_backlog", ())] == 1
    assert after[("chatcrm_outbox_oldest_pending_seconds", ())] >= 300


async def test_probes(tg: Harness) -> None:
    alive, ready = await tg.http.get("/healthz"), await tg.http.get("/readyz")
    assert alive.status_code == 200 and alive.json() == {"ok": True}
    assert ready.status_code == 200 and ready.json() == {"ok": True, "db": True, "schema": True}


async def test_readyz_refuses_an_unmigrated_database(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite+aiosqlite:///{tmp_path / 'empty.db'}")
    probes = Probes(UnitOfWorkFactory(make_sessions(engine)), _Clock())
    transport = httpx.ASGITransport(app=Starlette(routes=probes.routes()))
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://crm.test") as http:
            response = await http.get("/readyz")
            assert response.status_code == 503
            assert response.json() == {"ok": False, "db": True, "schema": False}
            assert (await http.get("/healthz")).status_code == 200  # alive, just not ready
    finally:
        await engine.dispose()


class _Clock:
    def now(self) -> datetime:
        return datetime.now(UTC)


async def test_job_ticks_are_counted_with_their_lag() -> None:
    ran = asyncio.Event()

    async def tick() -> None:
        ran.set()

    scheduler = AsyncIOScheduler(timezone=UTC)
    scheduler.add_job(tick, id="metrics_probe", next_run_time=datetime.now(UTC))
    watch_jobs(scheduler)
    runs, lags = _sample("chatcrm_job_runs_total"), _sample("chatcrm_job_lag_seconds_count")
    scheduler.start()
    try:
        await asyncio.wait_for(ran.wait(), 10)
    finally:
        scheduler.shutdown(wait=False)
    assert _sample("chatcrm_job_runs_total") == runs + 1
    assert _sample("chatcrm_job_lag_seconds_count") == lags + 1


def _sample(name: str) -> float:
    return REGISTRY.get_sample_value(name, {"job": "metrics_probe"}) or 0.0


async def test_each_message_logs_ids_and_timing_but_not_its_text(
    tg: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    await tg.join(REP, "rep_a")
    caplog.set_level(logging.INFO, logger="bot.metrics")
    await tg.say(REP, "/newcustomer 王五 13900000055")
    [record] = [r for r in caplog.records if r.name == "bot.metrics"]
    line = json.loads(JsonFormatter().format(record))
    assert line["event"] == "message replied" and line["channel"] == "telegram"
    assert line["user_id"] == str(REP.id) and line["duration_ms"] > 0
    assert line["update_id"] == str(tg.updates.next_id)  # Telegram's update id
    assert "王五" not in json.dumps(line, ensure_ascii=False) and "13900000055" not in str(line)


async def test_workers_sharing_a_port_are_counted_together(
    tg: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    """CHATCRM_WORKERS > 1: whichever worker answers the scrape tells every worker's counts."""
    clean_up = share_between_processes()
    try:
        worker = "from bot.metrics import UPDATES\nUPDATES.labels('telegram', 'replied').inc(3)\n"
        for _ in range(2):  # two worker processes, each its own counters
            done = await asyncio.create_subprocess_exec(sys.executable, "-c", worker, cwd=ROOT)
            assert await asyncio.wait_for(done.wait(), 60) == 0
        samples = await scrape(tg)
    finally:
        clean_up()
    assert (
        samples[("chatcrm_updates_total", (("channel", "telegram"), ("outcome", "replied")))] == 6
    )
    assert "PROMETHEUS_MULTIPROC_DIR" not in os.environ
