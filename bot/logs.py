"""Logging set up from CHATCRM_LOG_LEVEL and CHATCRM_LOG_FORMAT (text for people, json for
collectors), with secrets and phone numbers masked whatever a library puts in a message.

Structured fields go in `extra=`: `log.info("update handled", extra={"channel": "telegram",
"update_id": 7, "user_id": "42", "duration_ms": 3.1})`. Never pass message text at INFO.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable
from datetime import UTC, datetime

# Fields a JSON line carries when a record has them (from `extra=`).
FIELDS = ("event", "channel", "update_id", "user_id", "job", "duration_ms", "status")
MASK = "***"
# Mobile numbers (CN 1xxxxxxxxxx, or any +country number): customers' data, not the log's.
_PHONE = re.compile(r"(?<![\w+])(?:\+\d[\d -]{7,16}\d|1[3-9]\d{9})(?!\w)")
# A Telegram bot token wherever it appears (PTB and httpx log request URLs at DEBUG/INFO).
_BOT_TOKEN = re.compile(r"(?<!\d)\d{5,12}:[A-Za-z0-9_-]{30,}")


class Redactor(logging.Filter):
    """Masks the configured secrets, bot tokens and phone numbers in every formatted message."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self._secrets = sorted({s for s in secrets if len(s) >= 4}, key=len, reverse=True)

    def redact(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, MASK)
        return _PHONE.sub(MASK, _BOT_TOKEN.sub(MASK, text))

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        clean = self.redact(message)
        if clean != message or record.args:
            record.msg, record.args = clean, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:  # another handler may have formatted it first
            record.exc_text = self.redact(record.exc_text)
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time, level, logger, event (the message) and known fields."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, object] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "event": record.getMessage(),
        }
        for field in FIELDS:
            value = record.__dict__.get(field)
            if value is not None:
                line[field] = value
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            line["exc"] = record.exc_text
        return json.dumps(line, ensure_ascii=False, default=str)


def configure(level: str = "WARNING", fmt: str = "text", secrets: Iterable[str] = ()) -> None:
    """The root logger's one handler; called again (tests, workers) it replaces the old one."""
    handler = logging.StreamHandler()
    handler.addFilter(Redactor(secrets))
    if fmt == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    root = logging.getLogger()
    for old in [h for h in root.handlers if getattr(h, "chatcrm", False)]:
        root.removeHandler(old)
    handler.chatcrm = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level)
    # At INFO httpx logs every request URL (the Bot API's carries the token; the redactor
    # masks it) and APScheduler every tick of every job: noise at INFO, kept for DEBUG.
    for chatty in ("httpx", "apscheduler"):
        logging.getLogger(chatty).setLevel(max(logging.WARNING, root.level))
