"""The command line's words: every command, its options and the settings it reads.

Only argparse here, so `chatcrm --help` answers before the application is imported.
"""

from __future__ import annotations

import argparse
from pathlib import Path

DEMO_USERS = {
    "rep": "demo-rep1",
    "rep2": "demo-rep2",
    "rep3": "demo-rep3",
    "manager": "demo-manager",
    "admin": "demo-admin",
}
# The choices of `admin import --on-duplicate` and `admin export --what`; a test checks they
# match handlers/services/ops (importer.STRATEGIES, exporter.KINDS), not imported here.
ON_DUPLICATE = ("skip", "merge", "create")
EXPORT_KINDS = ("customers", "activities", "deals", "contacts")
OPS_ACTIONS = ("handover", "import", "export", "forget", "retention")

DATABASE = "CHATCRM_DATABASE_URL, CHATCRM_DB_POOL_SIZE, CHATCRM_SQLITE_SYNCHRONOUS"
LOGS = "CHATCRM_LOG_LEVEL (WARNING), CHATCRM_LOG_FORMAT (text|json)"
USERS = "CHATCRM_DEFAULT_TZ, CHATCRM_DEFAULT_LANG, CHATCRM_DEFAULT_REMINDER_HOUR"
TELEGRAM = (
    "CHATCRM_TELEGRAM_TOKEN, CHATCRM_TELEGRAM_WEBHOOK_SECRET, CHATCRM_PUBLIC_URL, "
    "CHATCRM_TELEGRAM_API_URL"
)
WECHAT = (
    "CHATCRM_WECOM_CORP_ID, CHATCRM_WECOM_AGENT_ID, CHATCRM_WECOM_SECRET, CHATCRM_WECOM_TOKEN, "
    "CHATCRM_WECOM_AES_KEY, CHATCRM_WECOM_CARD_TTL_HOURS, CHATCRM_WECHAT_APPID, "
    "CHATCRM_WECHAT_SECRET, CHATCRM_WECHAT_TOKEN, CHATCRM_WECHAT_AES_KEY, "
    "CHATCRM_WECHAT_TEMPLATE_ID, CHATCRM_WECHAT_ORG_ID, CHATCRM_WECHAT_API_URL, "
    "CHATCRM_REDIS_URL, CHATCRM_REDIS_PREFIX"
)
SERVE = "CHATCRM_HTTP_HOST, CHATCRM_HTTP_PORT, CHATCRM_WORKERS, CHATCRM_OUTBOX_LEASE_SECONDS"


def _reads(*groups: str) -> str:
    """The epilog naming the environment variables (or .env entries) a command reads."""
    return "reads (environment or ./.env): " + "; ".join(groups)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="chatcrm",
        description="chatcrm: a CRM that lives in the chat app (console, Telegram, WeCom, "
        "WeChat Official Account). `chatcrm COMMAND --help` tells more.",
        epilog="Settings come from CHATCRM_* environment variables or ./.env; see README.md.",
    )
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")
    _console(sub)
    sub.add_parser(
        "migrate",
        help="bring the database schema up to date",
        description="Create the database schema or upgrade it to this version (Alembic).",
        epilog=_reads(DATABASE, LOGS),
    )
    sub.add_parser(
        "serve",
        help="the web app: webhooks, /healthz, /readyz, /metrics, delivery and jobs",
        description="Run every configured channel in one web app (Telegram webhook, WeCom and "
        "Official Account callbacks) with the scheduled jobs and outbox delivery.",
        epilog=_reads(DATABASE, SERVE, TELEGRAM, WECHAT, USERS, LOGS),
    )
    sub.add_parser(
        "poll",
        help="Telegram by long polling, for development (no public URL)",
        description="Run the Telegram bot by long polling, with the scheduled jobs.",
        epilog=_reads(DATABASE, "CHATCRM_TELEGRAM_TOKEN, CHATCRM_TELEGRAM_API_URL", USERS, LOGS),
    )
    nlu = sub.add_parser(
        "nlu",
        help="print what the bot understands of a message, as JSON",
        description="Show the intent, times, amounts and names read from one message.",
        epilog=_reads("CHATCRM_DEFAULT_TZ, CHATCRM_DEFAULT_REMINDER_HOUR", LOGS),
    )
    nlu.add_argument("text")
    nlu.add_argument("--now", default=None, help="ISO datetime to read times against")
    _admin(sub)
    return p


def _console(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    console = sub.add_parser(
        "console",
        help="chat with the bot in this terminal",
        description="Chat with the bot here; each line is a message. --demo seeds a company "
        "in ./chatcrm-demo.db (unless CHATCRM_DATABASE_URL is set).",
        epilog=_reads(DATABASE, USERS, LOGS),
    )
    console.add_argument("--demo", action="store_true", help="use a seeded demo company")
    console.add_argument("--as", dest="as_user", default="rep", choices=sorted(DEMO_USERS))
    console.add_argument("--user", default=None, help="your console user id (not with --demo)")


def _admin(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    admin = sub.add_parser(
        "admin",
        help="organisations, teams, invites, stages and team operations",
        description="What an operator does: set up organisations and invites, pipeline "
        "stages, handovers, imports and exports, privacy requests.",
        epilog=_reads(DATABASE, LOGS),
    )
    asub = admin.add_subparsers(dest="action", required=True, metavar="ACTION")
    org = asub.add_parser("create-org", help="a new organisation and its first admin invite")
    org.add_argument("name")
    team = asub.add_parser("create-team", help="a new team in an organisation")
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
    _operations(asub)


def _operations(asub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Team operations (bot/cli/ops.py runs them)."""
    ho = asub.add_parser("handover", help="hand a leaving rep's work to colleagues, balanced")
    ho.add_argument("--from", dest="from_user", type=int, required=True, help="user id")
    ho.add_argument("--to", required=True, help="user ids, comma-separated")
    imp = asub.add_parser("import", help="import customers from CSV or XLSX")
    imp.add_argument("file", type=Path)
    imp.add_argument("--org", type=int, required=True)
    imp.add_argument("--owner", type=int, default=None, help="user id; omit to route leads")
    imp.add_argument("--mapping", default=None, help="field=Column,… e.g. name=客户名,phone=手机")
    imp.add_argument("--on-duplicate", choices=ON_DUPLICATE, default="skip")
    imp.add_argument("--preview", action="store_true", help="check everything, write nothing")
    imp.add_argument("--rejects", type=Path, default=None, help="write refused rows here (CSV)")
    ex = asub.add_parser("export", help="export customers, activities or deals")
    ex.add_argument("--org", type=int, required=True)
    who = ex.add_mutually_exclusive_group()
    who.add_argument("--team", type=int, default=None)
    who.add_argument("--owner", type=int, default=None)
    ex.add_argument("--what", choices=(*EXPORT_KINDS, "customer"), required=True)
    ex.add_argument("--customer", type=int, default=None, help="with --what customer: one")
    ex.add_argument("--out", type=Path, required=True, help=".csv, .xlsx, or .json for one")
    fg = asub.add_parser("forget", help="anonymise one customer, keeping aggregate figures")
    fg.add_argument("--customer", type=int, required=True)
    rt = asub.add_parser("retention", help="how many days the audit log is kept")
    rt.add_argument("--org", type=int, required=True)
    rt.add_argument("--days", type=int, required=True, help="0 keeps it forever")
