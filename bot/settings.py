"""Settings from the environment (and .env); read once by main.py and passed down."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from platformdirs import user_data_path
from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")  # what setWebhook accepts as secret_token
ENV_PREFIX = "CHATCRM_"
LANGS = ("zh", "en")  # handlers/i18n.LANGS; not imported, so `--help` stays light
DATABASE_SCHEMES = ("sqlite+aiosqlite", "postgresql+asyncpg")


def default_database_url() -> str:
    folder: Path = user_data_path("chatcrm", appauthor=False)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        folder = Path.cwd()  # a read-only home: fall back to ./chatcrm.db
    return f"sqlite+aiosqlite:///{folder / 'chatcrm.db'}"


class Settings(BaseSettings):
    # An empty value (CHATCRM_WECOM_AGENT_ID= in .env) means unset, as in .env.example.
    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX, env_file=".env", extra="ignore", env_ignore_empty=True
    )

    database_url: str = Field(default_factory=default_database_url)
    # SQLite only. "normal": a commit is safe from a crash of this program but not of the
    # machine (a power cut may undo the last commits); "full": every commit waits for the disk
    # (about 1-3 ms each, taken while holding the one write lock). PostgreSQL is always durable.
    sqlite_synchronous: Literal["normal", "full"] = "normal"
    # PostgreSQL only: connections each process keeps open. Size it for the webhook's
    # concurrency (setWebhook allows Telegram 40 connections, split between the workers):
    # a burst beyond it opens up to as many again, each closed after use, and a connection
    # opened per transaction costs more than the transaction.
    db_pool_size: int = Field(default=20, ge=1, le=500)
    default_tz: str = "Asia/Shanghai"
    default_lang: str = "zh"
    default_reminder_hour: int = Field(default=9, ge=0, le=23)
    # Logs: a level name, and "text" for people or "json" (one object a line) for collectors.
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] = "WARNING"
    log_format: Literal["text", "json"] = "text"

    # WeChat Official Account (customers). Routes are mounted only when appid, secret and token
    # are set; the AES key turns on safe mode. One org owns the account.
    wechat_appid: str | None = None
    wechat_secret: SecretStr | None = None
    wechat_token: SecretStr | None = None
    wechat_aes_key: SecretStr | None = None
    wechat_org_id: int = 1
    wechat_template_id: str | None = None  # outside the 48-hour window; needs a {{content}} slot
    # WeCom self-built app (reps and managers); callbacks are always encrypted.
    wecom_corp_id: str | None = None
    wecom_agent_id: int | None = None
    wecom_secret: SecretStr | None = None
    wecom_token: SecretStr | None = None
    wecom_aes_key: SecretStr | None = None
    # API base for both (…/cgi-bin/); None: WeChat's own hosts. Tests point it at a local fake.
    wechat_api_url: str | None = None
    # How long the link in a WeCom text card (reminders, profiles) opens its page; the cards
    # are sent only when public_url is set, since WeCom opens the link from the phone.
    wecom_card_ttl_hours: int = Field(default=72, ge=1, le=24 * 30)
    # Optional Redis (redis://[:password@]host:6379/0) for the access tokens of both channels;
    # without it they are shared through the database. The prefix keeps deployments apart.
    redis_url: SecretStr | None = None
    redis_prefix: str = "chatcrm:"

    def secret_values(self) -> list[str]:
        """What the logs must never show (bot/logs.py masks each)."""
        return [v.get_secret_value() for v in self.__dict__.values() if isinstance(v, SecretStr)]

    @property
    def wechat_enabled(self) -> bool:
        return bool(self.wechat_appid and self.wechat_secret and self.wechat_token)

    @property
    def wecom_enabled(self) -> bool:
        keys = (self.wecom_secret, self.wecom_token, self.wecom_aes_key)
        return bool(self.wecom_corp_id and self.wecom_agent_id is not None and all(keys))

    # Telegram: the token from BotFather; the Bot API base URL (tests point it at a local fake);
    # the secret Telegram echoes in X-Telegram-Bot-Api-Secret-Token (1-256 of A-Z a-z 0-9 _ -).
    telegram_token: SecretStr | None = None
    telegram_api_url: str = "https://api.telegram.org/bot"
    telegram_webhook_secret: SecretStr | None = None
    public_url: str | None = None  # https://crm.example.com: where Telegram sends the webhook
    http_host: str = "127.0.0.1"
    http_port: int = Field(default=8080, ge=1, le=65535)
    # `serve` processes on this host sharing the port (PostgreSQL only): one per core.
    workers: int = Field(default=1, ge=1, le=64)
    # How long a sender may hold claimed outbox rows before another instance takes them back.
    # Longer than a sender's local queue at the channel's pace; shorter means faster recovery
    # after a crash, and more duplicates if it is too short.
    outbox_lease_seconds: int = Field(default=600, ge=1)
    # Sent and failed outbox rows are deleted this many days after they were queued
    # (jobs/housekeeping.py); a care message's key stays as a small tombstone so it never
    # goes out twice.
    outbox_retention_days: int = Field(default=30, ge=1, le=3650)
    # `serve` (and `poll`) bring the schema up to date before starting, one host at a time.
    # Off: they refuse to start on a schema that is behind and say so (exit code 2); run
    # `python main.py migrate` as a deployment step instead.
    migrate_on_start: bool = True
    # Where the console saves the images it receives (charts), printing each path.
    console_media_dir: Path = Path("chatcrm-media")

    @field_validator("log_level", mode="before")
    @classmethod
    def _level_any_case(cls, level: object) -> object:
        return level.upper() if isinstance(level, str) else level

    @field_validator("default_tz")
    @classmethod
    def _known_zone(cls, zone: str) -> str:
        try:
            ZoneInfo(zone)
        except (ZoneInfoNotFoundError, ValueError):
            why = f"unknown timezone {zone!r}; use an IANA name such as Asia/Shanghai"
            raise ValueError(why) from None
        return zone

    @field_validator("default_lang")
    @classmethod
    def _known_lang(cls, lang: str) -> str:
        if lang not in LANGS:
            raise ValueError(f"{lang!r} is not one of {', '.join(LANGS)}")
        return lang

    @field_validator("database_url")
    @classmethod
    def _database(cls, url: str) -> str:
        scheme = url.partition("://")[0]
        if scheme not in DATABASE_SCHEMES or "://" not in url:
            raise ValueError(
                "use sqlite+aiosqlite:///path.db or postgresql+asyncpg://user@host/db"
            )
        return url

    @field_validator("public_url", "telegram_api_url", "wechat_api_url")
    @classmethod
    def _http_url(cls, url: str | None) -> str | None:
        if url is not None:
            parts = urlsplit(url)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                raise ValueError(f"{url!r} is not an http(s) URL with a host")
        return url

    @field_validator("redis_url")
    @classmethod
    def _redis_url(cls, url: SecretStr | None) -> SecretStr | None:
        if url is not None:
            scheme = urlsplit(url.get_secret_value()).scheme
            if scheme not in ("redis", "rediss", "unix"):
                raise ValueError("use redis://[:password@]host:6379/0 (or rediss://, unix://)")
        return url

    @field_validator("telegram_webhook_secret")
    @classmethod
    def _telegram_accepts(cls, secret: SecretStr | None) -> SecretStr | None:
        if secret is not None and not _SECRET.fullmatch(secret.get_secret_value()):
            raise ValueError("use 1-256 characters of A-Z, a-z, 0-9, _ and - (Telegram's rule)")
        return secret


def load_settings() -> Settings:
    """The settings, or exit 2 with one line per bad variable (never a traceback)."""
    try:
        return Settings()
    except ValidationError as exc:
        print(_report(exc), file=sys.stderr)
        raise SystemExit(2) from None


def _report(exc: ValidationError) -> str:
    lines = []
    for error in exc.errors(include_url=False, include_input=False):
        field = str(error["loc"][0]) if error["loc"] else ""
        message = str(error["msg"]).removeprefix("Value error, ")
        lines.append(f"{ENV_PREFIX}{field.upper()}: {message}")
    return "chatcrm: bad settings\n" + "\n".join(lines)
