"""Settings from the environment (and .env); read once by main.py and passed down."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Literal

from platformdirs import user_data_path
from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")  # what setWebhook accepts as secret_token


def default_database_url() -> str:
    folder: Path = user_data_path("chatcrm", appauthor=False)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        folder = Path.cwd()  # a read-only home: fall back to ./chatcrm.db
    return f"sqlite+aiosqlite:///{folder / 'chatcrm.db'}"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CHATCRM_", env_file=".env", extra="ignore")

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
    default_reminder_hour: int = 9

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
    http_port: int = 8080
    # `serve` processes on this host sharing the port (PostgreSQL only): one per core.
    workers: int = Field(default=1, ge=1, le=64)
    # How long a sender may hold claimed outbox rows before another instance takes them back.
    # Longer than a sender's local queue at the channel's pace; shorter means faster recovery
    # after a crash, and more duplicates if it is too short.
    outbox_lease_seconds: int = 600
    # Sent and failed outbox rows are deleted this many days after they were queued
    # (jobs/housekeeping.py); a care message's key stays as a small tombstone so it never
    # goes out twice.
    outbox_retention_days: int = Field(default=30, ge=1, le=3650)
    # `serve` (and `poll`) bring the schema up to date before starting, one host at a time.
    # Off: they refuse to start on a schema that is behind and say so (exit code 2); run
    # `python main.py migrate` as a deployment step instead.
    migrate_on_start: bool = True

    @field_validator("telegram_webhook_secret")
    @classmethod
    def _telegram_accepts(cls, secret: SecretStr | None) -> SecretStr | None:
        if secret is not None and not _SECRET.fullmatch(secret.get_secret_value()):
            raise ValueError("use 1-256 characters of A-Z, a-z, 0-9, _ and - (Telegram's rule)")
        return secret
