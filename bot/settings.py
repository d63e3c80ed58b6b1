"""Settings from the environment (and .env); read once by main.py and passed down."""

from __future__ import annotations

from pathlib import Path

from platformdirs import user_data_path
from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


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
    default_tz: str = "Asia/Shanghai"
    default_lang: str = "zh"
    default_reminder_hour: int = 9
