"""chatcrm command line: the composition root. Nothing is built until a command runs."""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import AbstractAsyncContextManager
from pathlib import Path
from typing import TYPE_CHECKING

# Only argparse up front: `--help` and a mistyped command answer at once; the application is
# imported when a command runs.
from bot.cli.parser import DEMO_USERS, OPS_ACTIONS, parser

if TYPE_CHECKING:
    import socket

    from bot.bootstrap import App
    from bot.settings import Settings
    from bot.workers import WorkerRole

__all__ = ["main", "parser", "run"]
DEMO_DB = Path("chatcrm-demo.db")


async def run(args: argparse.Namespace, settings: Settings) -> int:
    from sqlalchemy.exc import DBAPIError

    from bot.bootstrap import build_app

    if args.command == "nlu":
        return print_nlu(args.text, args.now, settings)
    if args.command == "console" and args.demo and "database_url" not in settings.model_fields_set:
        settings = settings.model_copy(update={"database_url": f"sqlite+aiosqlite:///{DEMO_DB}"})
    starting = args.command in ("serve", "poll", "serve-check")
    try:
        app = await build_app(settings, migrate=not starting or settings.migrate_on_start)
    except (OSError, DBAPIError) as exc:  # one clear line for an operator, not a traceback
        print(f"chatcrm: cannot open the database {_problem(settings, exc)}", file=sys.stderr)
        return 1
    try:
        if starting and not await schema_ok(app):
            return 2
        if args.command == "serve-check":
            return 0
        if args.command == "migrate":
            print(f"schema up to date: {app.engine.url.render_as_string(hide_password=True)}")
            return 0
        if args.command == "admin":
            from bot.cli.admin import run_admin

            if args.action in OPS_ACTIONS:
                from bot.cli.ops import run_ops  # team operations

                return await run_ops(app, args)

            return await run_admin(app, args)
        if args.command == "serve":
            return await run_serve(app)
        if args.command == "poll":
            from bot.telegram.runtime import poll

            async with scheduled(app):
                await poll(app)
            return 0
        return await run_console_command(app, args)
    finally:
        await app.close()


async def run_serve(
    app: App, sock: socket.socket | None = None, role: WorkerRole | None = None
) -> int:
    """Every configured channel in one web app, with the jobs' clock beside them."""
    from bot.web import serve
    from bot.wechat.routes import build_wechat
    from bot.workers import WorkerRole

    role = role or WorkerRole()
    wechat = build_wechat(app, policy=role.policy(app.settings.outbox_lease_seconds))
    lifespans: list[Callable[[], AbstractAsyncContextManager[None]]] = [lambda: scheduled(app)]
    if wechat is not None:
        lifespans.append(lambda: wechat.running(deliver=role.delivers))
    routes = wechat.routes if wechat else ()
    await serve(app, routes=routes, lifespans=lifespans, sock=sock, role=role)
    return 0


async def schema_ok(app: App) -> bool:
    """This code and the database agree on the schema; otherwise one line saying why."""
    from store.migrate import schema_status

    status = await schema_status(app.engine)
    if not status.ok:
        print(f"chatcrm: {status.explain()}", file=sys.stderr)
    return status.ok


def serve_worker(sock: socket.socket, role: WorkerRole) -> None:
    """One of CHATCRM_WORKERS serving processes (bot/workers.py); the parent has migrated."""
    from bot.bootstrap import build_app
    from bot.loop import run as run_loop
    from bot.settings import load_settings

    settings = load_settings()
    _configure_logs(settings)

    async def worker() -> int:
        app = await build_app(settings, migrate=False)
        try:
            return await run_serve(app, sock, role)
        finally:
            await app.close()

    run_loop(worker())


@contextlib.asynccontextmanager
async def scheduled(app: App) -> AsyncIterator[None]:
    """The jobs' clock beside a channel, so reminders, briefs and digests go out."""
    from bot.metrics import watch_jobs
    from jobs.scheduler import start_jobs

    jobs = start_jobs(app)
    watch_jobs(jobs.scheduler)  # runs and lag per job at /metrics
    try:
        yield
    finally:
        await jobs.stop()


async def run_console_command(app: App, args: argparse.Namespace) -> int:
    from bot.console.chat import run_console

    user_id = args.user or "console-user"
    if args.demo:
        from handlers.demo import demo_ids, seed_demo

        async with app.uows() as uow:
            if await demo_ids(uow) is None:
                await seed_demo(uow, app.clock.now())
                await uow.commit()
        user_id = DEMO_USERS[args.as_user]
    from bot.console.send import console_ticks
    from jobs.scheduler import start_jobs

    # The jobs' clock runs here too, so reminders fire in the demo; only a person at a
    # terminal sees them printed (a piped script keeps its transcript deterministic).
    media = app.settings.console_media_dir
    jobs = start_jobs(app, extra=console_ticks(app, media=media) if sys.stdin.isatty() else ())
    try:
        await run_console(app.router, user_id, media=media)
    finally:
        await jobs.stop()
    return 0


def print_nlu(text: str, now_iso: str | None, settings: Settings) -> int:
    import json
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from handlers.nlu.intent import understand

    now = (
        datetime.fromisoformat(now_iso) if now_iso else datetime.now(ZoneInfo(settings.default_tz))
    )
    if now.tzinfo is None:
        now = now.replace(tzinfo=ZoneInfo(settings.default_tz))
    understood = understand(text, now, settings.default_reminder_hour)
    print(json.dumps(understood.to_json_dict(), ensure_ascii=False))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    from bot.loop import run as run_loop
    from bot.settings import load_settings

    settings = load_settings()  # a bad setting: one line each, exit 2
    _configure_logs(settings)
    if args.command == "serve" and settings.workers > 1:
        from bot.metrics import share_between_processes
        from bot.workers import check_workers, supervise

        check_workers(settings)
        # migrate (if told to) and check once, before the workers
        if (code := run_loop(run(argparse.Namespace(command="serve-check"), settings))) != 0:
            return code
        clean_up = share_between_processes()  # any worker may answer /metrics for all
        try:
            return supervise(settings, serve_worker)
        finally:
            clean_up()
    return run_loop(run(args, settings))


def _problem(settings: Settings, exc: Exception) -> str:
    """The URL (password hidden) and the driver's first line about what went wrong."""
    from sqlalchemy import make_url
    from sqlalchemy.exc import DBAPIError

    url = make_url(settings.database_url).render_as_string(hide_password=True)
    cause = exc.orig if isinstance(exc, DBAPIError) and exc.orig is not None else exc
    reason = str(cause).strip().splitlines()[0] if str(cause).strip() else ""
    return f"{url}: {type(cause).__name__} {reason}".strip()


def _configure_logs(settings: Settings) -> None:
    from bot import logs

    logs.configure(settings.log_level, settings.log_format, settings.secret_values())


if __name__ == "__main__":
    sys.exit(main())
