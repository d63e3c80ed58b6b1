"""Changing an org's schedule settings (Org.settings JSON) from chat, validated and audited.

Reading them stays in handlers/services/schedule.py (defaults filled in); this writes only the
keys a change names, so settings an operator put in the JSON by hand are kept.
"""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from handlers.services.audit import record
from store.models import Org, User
from store.uow import UnitOfWork

TIERS = ("A", "B", "C")
CARE_KINDS = ("birthday", "holiday", "post_sale", "win_back")
MAX_DAYS = 365


class SettingError(ValueError):
    """A value out of range: `key` is the i18n key of the answer."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _days(days: int) -> int:
    if not 1 <= days <= MAX_DAYS:
        raise SettingError("set.bad_days")
    return days


async def _write(
    uow: UnitOfWork, actor: User, org: Org, now: datetime, changes: dict[str, Any]
) -> None:
    """Replace the JSON whole (so the ORM sees it) and audit the keys that changed."""
    current = dict(org.settings or {})
    before = {k: current.get(k) for k in changes} | {"org_id": org.id}
    org.settings = {**current, **changes}
    await uow.session.flush()
    after = {k: changes[k] for k in changes} | {"org_id": org.id}
    await record(uow, actor, "org.settings", ("org", org.id), now, before, after)


async def set_cadence(
    uow: UnitOfWork, actor: User, org: Org, now: datetime, tier: str, days: int
) -> None:
    if tier not in TIERS:
        raise SettingError("set.bad_tier")
    cadence = dict((org.settings or {}).get("cadence_days") or {})
    cadence[tier] = _days(days)
    await _write(uow, actor, org, now, {"cadence_days": cadence})


async def set_stale(
    uow: UnitOfWork, actor: User, org: Org, now: datetime, stage: str | None, days: int
) -> None:
    """Days a deal may sit in `stage` (None: every stage without its own) before a nudge."""
    if stage is None:
        await _write(uow, actor, org, now, {"stale_default": _days(days)})
        return
    stale = dict((org.settings or {}).get("stale_days") or {})
    stale[stage] = _days(days)
    await _write(uow, actor, org, now, {"stale_days": stale})


async def set_digest_time(uow: UnitOfWork, actor: User, org: Org, now: datetime, at: time) -> None:
    await _write(uow, actor, org, now, {"digest_at": at.strftime("%H:%M")})


async def set_care(
    uow: UnitOfWork, actor: User, org: Org, now: datetime, on: bool, kind: str | None
) -> None:
    """Care messages on or off, all of them or one kind."""
    care = dict((org.settings or {}).get("care") or {})
    kinds = list(care["kinds"]) if isinstance(care.get("kinds"), list) else list(CARE_KINDS)
    wanted = [kind] if kind else list(CARE_KINDS)
    kinds = [k for k in CARE_KINDS if (k in kinds or (on and k in wanted))]
    kinds = kinds if on else [k for k in kinds if k not in wanted]
    await _write(uow, actor, org, now, {"care": {**care, "kinds": kinds}})


async def set_quiet_hours(
    uow: UnitOfWork, actor: User, org: Org, now: datetime, start: int, end: int
) -> None:
    if not (0 <= start <= 23 and 0 <= end <= 23) or start == end:
        raise SettingError("set.bad_hours")
    care = dict((org.settings or {}).get("care") or {})
    await _write(uow, actor, org, now, {"care": {**care, "quiet_from": start, "quiet_until": end}})
