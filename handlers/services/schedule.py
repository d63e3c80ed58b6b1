"""An org's schedule settings (Org.settings JSON) over the defaults in code."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import time
from typing import Any

from store.models import Org

DEFAULT_CADENCE = {"A": 7, "B": 14, "C": 30}
DEFAULT_BUDGETS = {"wecom": 4}  # WeCom allows 4 mass messages per external customer a month


@dataclass(frozen=True)
class CareSettings:
    kinds: tuple[str, ...] = ("birthday", "holiday", "post_sale", "win_back")
    holidays: tuple[str, ...] = ("spring_festival", "mid_autumn", "new_year", "christmas")
    post_sale_days: int = 30
    win_back_days: int = 365
    quiet_from: int = 21  # no care message 21:00–09:00 in the customer's time
    quiet_until: int = 9
    budgets: dict[str, int] = field(default_factory=lambda: dict(DEFAULT_BUDGETS))
    templates: dict[str, dict[str, str]] = field(default_factory=dict)  # lang -> kind -> text


@dataclass(frozen=True)
class OrgSchedule:
    tz: str
    lang: str
    cadence_days: dict[str, int] = field(default_factory=lambda: dict(DEFAULT_CADENCE))
    stale_days: dict[str, int] = field(default_factory=dict)  # stage key -> days
    stale_default: int = 14
    brief_at: time = time(8, 30)
    digest_at: time = time(8, 0)
    digest_days: tuple[int, ...] = (0, 1, 2, 3, 4)  # Monday = 0
    weekly_day: int = 0
    payment_lead_days: int = 3
    care: CareSettings = field(default_factory=CareSettings)

    def stale_for(self, stage: str) -> int:
        return self.stale_days.get(stage, self.stale_default)


def _time(value: Any, default: time) -> time:
    return time.fromisoformat(str(value)) if value else default


def org_schedule(org: Org, default_tz: str, default_lang: str) -> OrgSchedule:
    """The org's settings with every missing or empty entry filled from the defaults."""
    s: dict[str, Any] = dict(org.settings or {})
    c: dict[str, Any] = dict(s.get("care") or {})
    care = CareSettings(
        # An explicit empty list is "care messages off"; a missing one means the defaults.
        kinds=tuple(c["kinds"]) if isinstance(c.get("kinds"), list) else CareSettings.kinds,
        holidays=tuple(c.get("holidays") or CareSettings.holidays),
        post_sale_days=int(c.get("post_sale_days") or 30),
        win_back_days=int(c.get("win_back_days") or 365),
        quiet_from=int(c.get("quiet_from", 21)),
        quiet_until=int(c.get("quiet_until", 9)),
        budgets={**DEFAULT_BUDGETS, **(c.get("budgets") or {})},
        templates=dict(c.get("templates") or {}),
    )
    return OrgSchedule(
        tz=str(s.get("tz") or default_tz),
        lang=str(s.get("lang") or default_lang),
        cadence_days={**DEFAULT_CADENCE, **(s.get("cadence_days") or {})},
        stale_days=dict(s.get("stale_days") or {}),
        stale_default=int(s.get("stale_default") or 14),
        brief_at=_time(s.get("brief_at"), time(8, 30)),
        digest_at=_time(s.get("digest_at"), time(8, 0)),
        digest_days=tuple(s.get("digest_days") or (0, 1, 2, 3, 4)),
        weekly_day=int(s.get("weekly_day", 0)),
        payment_lead_days=int(s.get("payment_lead_days") or 3),
        care=care,
    )
