"""chatcrm command line: the composition root. Nothing is built until a command runs."""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import socket
import sys
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import AbstractAsyncContextManager
from datetime import datetime
from pathlib import Path

from bot.bootstrap import App, build_app
from bot.loop import run as run_loop
from bot.settings import Settings
from bot.workers import WorkerRole

DEMO_DB = Path("chatcrm-demo.db")
DEMO_USERS = {
    "rep": "demo-rep1",
    "rep2": "demo-rep2",
    "rep3": "demo-rep3",
    "manager": "demo-manager",
    "admin": "demo-admin",
}


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="chatcrm", description=__doc__)
    sub = p.add_subparsers(dest="command", required=True)
    console = sub.add_parser("console", help="chat with the bot in this terminal")
    console.add_argument("--demo", action="store_true", help="use a seeded demo company")
    console.add_argument("--as", dest="as_user", default="rep", choices=sorted(DEMO_USERS))
    console.add_argument("--user", default=None, help="your console user id (not with --demo)")
    sub.add_parser("migrate", help="bring the database schema up to date")
    sub.add_parser("serve", help="the web app: Telegram webhook, /healthz (needs CHATCRM_* env)")
    sub.add_parser("poll", help="Telegram by long polling, for development (no public URL)")
    nlu = sub.add_parser("nlu", help="print what the bot understands of a message, as JSON")
    nlu.add_argument("text")
    nlu.add_argument("--now", default=None, help="ISO datetime to read times against")
    admin = sub.add_parser("admin", help="bootstrap organisations, teams and invites")
    asub = admin.add_subparsers(dest="action", required=True)
    org = asub.add_parser("create-org", help="a new organisation and its first admin invite")
    org.add_argument("name")
    team = asub.add_parser("create-team")
    team.add_argument("--org", type=int, required=True)
    team.add_argument("name")
    invite = asub.add_parser("invite", help="an invite code for a new user")
    invite.add_argument("--org", type=int, required=True)
    invite.add_argument("--role", choices=("rep", "manager", "admin"), default="rep")
    invite.add_argument("--team", type=int, default=None)
    invite.add_argument("--name", default=None)
    users = asub.add_parser("users", help="list an organisation's teams and users")
    users.add_argument("--org", type=int, required=True)
    stages = asub.add_parser("stages", help="list the pipeline stages")
    stages.add_argument("--org", type=int, required=True)
    stage = asub.add_parser("set-stage", help="rename, re-weight or add a pipeline stage")
    stage.add_argument("--org", type=int, required=True)
    stage.add_argument("key", help="stable key, e.g. proposal; a new key adds a stage")
    stage.add_argument("--zh", required=True, help="中文名称")
    stage.add_argument("--en", required=True, help="English name")
    stage.add_argument("--probability", type=int, required=True, help="win probability, %%")
    stage.add_argument("--position", type=int, default=None)
    from bot.cli.ops import add_commands as add_ops_commands  # team operations

    add_ops_commands(asub)
    return p


async def run(args: argparse.Namespace, settings: Settings) -> int:
    if args.command == "nlu":
        return print_nlu(args.text, args.now, settings)
    if args.command == "console" and args.demo and "database_url" not in settings.model_fields_set:
        settings = settings.model_copy(update={"database_url": f"sqlite+aiosqlite:///{DEMO_DB}"})
    starting = args.command in ("serve", "poll", "serve-check")
    app = await build_app(settings, migrate=not starting or settings.migrate_on_start)
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
            from bot.cli.ops import ACTIONS, run_ops  # team operations

            if args.action in ACTIONS:
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
    _log_warnings()

    async def worker() -> int:
        app = await build_app(Settings(), migrate=False)
        try:
            return await run_serve(app, sock, role)
        finally:
            await app.close()

    run_loop(worker())


@contextlib.asynccontextmanager
async def scheduled(app: App) -> AsyncIterator[None]:
    """The jobs' clock beside a channel, so reminders, briefs and digests go out."""
    from jobs.scheduler import start_jobs

    jobs = start_jobs(app)
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
    jobs = start_jobs(app, extra=console_ticks(app) if sys.stdin.isatty() else ())
    try:
        await run_console(app.router, user_id)
    finally:
        await jobs.stop()
    return 0


def print_nlu(text: str, now_iso: str | None, settings: Settings) -> int:
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
    _log_warnings()
    args = parser().parse_args(argv)
    settings = Settings()
    if args.command == "serve" and settings.workers > 1:
        from bot.workers import check_workers, supervise

        check_workers(settings)
        # migrate (if told to) and check once, before the workers
        if (code := run_loop(run(argparse.Namespace(command="serve-check"), settings))) != 0:
            return code
        return supervise(settings, serve_worker)
    return run_loop(run(args, settings))


def _log_warnings() -> None:
    logging.basicConfig(
        level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s %(message)s"
    )


if __name__ == "__main__":
    sys.exit(main())
