"""Start-up as an operator meets it: clear errors for bad settings, light --help, safe logs."""

from __future__ import annotations

import io
import json
import logging
import subprocess
import sys
from pathlib import Path

import pytest

from bot import logs
from bot.cli.parser import EXPORT_KINDS, ON_DUPLICATE, parser
from handlers import i18n
from handlers.services.ops import exporter, importer
from tests.test_cli import ROOT, run

BAD = {
    "CHATCRM_DEFAULT_TZ": "Mars/Olympus",
    "CHATCRM_DEFAULT_LANG": "fr",
    "CHATCRM_DEFAULT_REMINDER_HOUR": "25",
    "CHATCRM_PUBLIC_URL": "crm.example.com",
    "CHATCRM_DB_POOL_SIZE": "0",
    "CHATCRM_HTTP_PORT": "80800",
    "CHATCRM_DATABASE_URL": "mysql://root@db/crm",
    "CHATCRM_LOG_FORMAT": "xml",
}
COMMANDS = [[], ["console"], ["migrate"], ["serve"], ["poll"], ["nlu"], ["admin"]]


def test_each_bad_setting_is_one_line_and_exit_2(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "main.py"), "migrate"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={"PATH": "/usr/bin:/bin", **BAD},
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()[1:]  # after the one heading line
    assert sorted(line.split(":")[0] for line in lines) == sorted(BAD)
    assert "'Mars/Olympus'" in done.stderr
    assert not list(tmp_path.iterdir())  # nothing was created


def test_a_good_setting_in_any_case_is_accepted(tmp_path: Path) -> None:
    db = {"CHATCRM_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'crm.db'}"}
    env = db | {"CHATCRM_LOG_LEVEL": "info", "CHATCRM_DEFAULT_TZ": "Europe/Berlin"}
    env |= {"CHATCRM_WECOM_AGENT_ID": "", "CHATCRM_TELEGRAM_TOKEN": ""}  # as in .env.example
    assert "schema up to date" in run(["migrate"], tmp_path, env=env)


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "chatcrm")
def test_help_is_light_and_names_the_settings(command: list[str]) -> None:
    """--help imports neither the application nor its libraries (so it answers at once)."""
    probe = (
        "import sys, main\n"
        f"try: main.main({[*command, '--help']!r})\n"
        "except SystemExit: pass\n"
        "heavy = ('sqlalchemy', 'telegram', 'pydantic', 'handlers', 'store', 'wechatpy')\n"
        "print([m for m in heavy if m in sys.modules])\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert done.stdout.strip().endswith("[]"), done.stdout
    if command and command != ["admin"]:
        assert "CHATCRM_" in done.stdout  # each command says which settings it reads


def test_cli_choices_match_the_operations() -> None:
    assert ON_DUPLICATE == importer.STRATEGIES
    assert EXPORT_KINDS == exporter.KINDS
    args = parser().parse_args(["admin", "export", "--org", "1", "--what", "deals", "--out", "x"])
    assert args.what == "deals"


def test_settings_languages_are_the_bots() -> None:
    from bot.settings import LANGS

    assert i18n.LANGS == LANGS


def _captured(fmt: str, secrets: list[str]) -> tuple[logging.Logger, io.StringIO]:
    logs.configure("INFO", fmt, secrets)
    stream = io.StringIO()
    for handler in logging.getLogger().handlers:
        if getattr(handler, "chatcrm", False):
            assert isinstance(handler, logging.StreamHandler)
            handler.setStream(stream)
    return logging.getLogger("chatcrm.test"), stream


def test_json_logs_are_structured_and_never_show_secrets_or_phones() -> None:
    token = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
    log, out = _captured("json", ["wechat-s3cret-value"])
    try:
        log.info(
            "update handled via https://api.telegram.org/bot%s/sendMessage",
            token,
            extra={"channel": "telegram", "update_id": 7, "user_id": "42", "duration_ms": 3.5},
        )
        log.warning("refused: secret wechat-s3cret-value, phone 13912345678, +44 20 7946 0958")
    finally:
        logs.configure()  # back to the default for the tests after
    first, second = (json.loads(line) for line in out.getvalue().splitlines())
    assert first["channel"] == "telegram" and first["update_id"] == 7
    assert first["user_id"] == "42" and first["duration_ms"] == 3.5
    assert first["level"] == "INFO" and first["logger"] == "chatcrm.test"
    assert token not in out.getvalue()
    for leaked in ("wechat-s3cret-value", "13912345678", "7946"):
        assert leaked not in second["event"]
    assert second["event"].count(logs.MASK) == 3


def test_text_logs_mask_secrets_in_tracebacks_too() -> None:
    log, out = _captured("text", ["hunter2-secret"])
    try:
        try:
            raise RuntimeError("connect to redis://:hunter2-secret@cache failed")
        except RuntimeError:
            log.exception("token refresh failed")
    finally:
        logs.configure()
    text = out.getvalue()
    assert "token refresh failed" in text and "RuntimeError" in text
    assert "hunter2-secret" not in text


def test_an_unreachable_database_is_one_line_without_the_password(tmp_path: Path) -> None:
    for url in (
        "postgresql+asyncpg://crm:hunter2@127.0.0.1:1/crm",  # nothing listens on port 1
        f"sqlite+aiosqlite:///{tmp_path / 'no' / 'such' / 'dir.db'}",
    ):
        done = subprocess.run(
            [sys.executable, str(ROOT / "main.py"), "migrate"],
            capture_output=True,
            text=True,
            cwd=tmp_path,
            env={"PATH": "/usr/bin:/bin", "CHATCRM_DATABASE_URL": url},
            timeout=60,
            check=False,
        )
        assert done.returncode == 1
        [line] = done.stderr.strip().splitlines()
        assert line.startswith("chatcrm: cannot open the database ")
        assert "hunter2" not in line and "Traceback" not in done.stderr
