"""How the desk is set up: which org owns the account and where reps read their notices."""

from __future__ import annotations

from dataclasses import dataclass

OA_CHANNEL = "wechat_oa"


@dataclass(frozen=True)
class DeskConfig:
    org_id: int = 1  # one organisation per Official Account
    notify_channels: tuple[str, ...] = ("wecom", "telegram", "console")  # in preference order
    default_lang: str = "zh"
