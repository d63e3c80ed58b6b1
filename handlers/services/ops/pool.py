"""The team pool (公海): neglected customers go back to their team, reps claim from it.

A customer returns when nobody followed up for N days or no deal was created or moved for
M days; the owner is warned D days before. Claims are capped per rep per local day. Every
move is an OwnerChange row plus an audit row.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from handlers.i18n import add_texts, t
from handlers.messages import Choice, Reply
from handlers.services.audit import record
from handlers.services.ops import ownership as own
from handlers.services.ops.config import OpsSettings, ops_settings
from handlers.services.ops.notify import queue
from handlers.services.ops.ownership import OpsError
from store.models import Customer, User
from store.uow import UnitOfWork

add_texts(
    {
        "pool.warn": (
            "⏳ 客户「{name}」{days} 天后将退回公海（{why}）。记一次拜访即可保留。",
            "⏳ {name} goes back to the team pool in {days} days ({why}). "
            "Log a visit to keep them.",
        ),
        "pool.why_contact": ("{n} 天未跟进", "no follow-up for {n} days"),
        "pool.why_deal": ("{n} 天无商机进展", "no deal activity for {n} days"),
        "pool.btn_visit": ("📝 记录拜访", "📝 Log visit"),
        "pool.btn_release": ("↩️ 释放到公海", "↩️ Release"),
    }
)


@dataclass
class Sweep:
    released: int = 0
    warned: int = 0


async def sweep_pool(uow: UnitOfWork, org_id: int, now: datetime) -> Sweep:
    """Nightly: release what is due, warn owners of what falls due within D days."""
    org = await uow.users.org(org_id)
    assert org is not None
    cfg = ops_settings(org)
    warn = timedelta(days=cfg.pool_warn_days)
    contact_cut = now - timedelta(days=cfg.pool_contact_days)
    deal_cut = now - timedelta(days=cfg.pool_deal_days)
    users = {u.id: u for u in await uow.users.in_org(org_id)}
    sweep, warnings = Sweep(), []
    for customer, contact, dealt in await uow.ops.pool_candidates(
        org_id, contact_cut + warn, deal_cut + warn
    ):
        owner = users.get(customer.owner_id or 0)
        if owner is None or owner.team_id is None:
            continue  # only team members' customers have a team pool to go back to
        due, why = _due(cfg, contact, dealt)
        if due <= now:
            await release(uow, None, customer, now, "pool_auto")
            sweep.released += 1
        else:
            warnings.append(
                (owner.id, _warning(owner, customer, due, now, why), _key(customer, due))
            )
    sweep.warned = await queue(uow, warnings, now)
    return sweep


def _due(cfg: OpsSettings, contact: datetime, dealt: datetime) -> tuple[datetime, str]:
    by_contact = contact + timedelta(days=cfg.pool_contact_days)
    by_deal = dealt + timedelta(days=cfg.pool_deal_days)
    if by_contact <= by_deal:
        return by_contact, f"contact:{cfg.pool_contact_days}"
    return by_deal, f"deal:{cfg.pool_deal_days}"


def _warning(owner: User, customer: Customer, due: datetime, now: datetime, why: str) -> Reply:
    kind, n = why.split(":")
    reason = t(owner.lang, f"pool.why_{kind}", n=n)
    days = max(1, (due - now).days + (1 if (due - now).seconds else 0))
    text = t(owner.lang, "pool.warn", name=customer.name, days=days, why=reason)
    choices = (
        Choice(t(owner.lang, "pool.btn_visit"), f"vi:for:{customer.id}"),
        Choice(t(owner.lang, "pool.btn_release"), f"pool:rel:{customer.id}"),
    )
    return Reply(text, choices, private=True)


def _key(customer: Customer, due: datetime) -> str:
    return f"pool.warn:{customer.id}:{due.date().isoformat()}"


async def release(
    uow: UnitOfWork, actor: User | None, customer: Customer, now: datetime, reason: str
) -> None:
    """Back to the owner's team pool; their open reminders on it end, open deals go ownerless."""
    owner = await uow.users.get(customer.owner_id) if customer.owner_id else None
    if owner is None or owner.team_id is None:
        raise OpsError("pool.no_team")
    for reminder in await uow.ops.open_reminders_of(owner.id, customer.id):
        await own.cancel_reminder(uow, actor, reminder, now)
    for deal in await uow.ops.open_deals_of_customer(customer.id):
        await own.move_deal(uow, actor, deal, None, now)
    await own.change_owner(uow, actor, customer, None, reason, now, pool_team=owner.team_id)


async def pool_teams(uow: UnitOfWork, user: User) -> list[int]:
    if user.role == "admin":
        return [team.id for team in await uow.users.teams(user.org_id)]
    return [user.team_id] if user.team_id is not None else []


async def claims_left(uow: UnitOfWork, user: User, now: datetime) -> int:
    """Claims the user may still make today (their local day)."""
    org = await uow.users.org(user.org_id)
    assert org is not None
    local = now.astimezone(ZoneInfo(user.tz))
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    return max(
        0, ops_settings(org).claim_cap - await uow.ops.changes_by(user.id, "claim", midnight)
    )


async def claim(uow: UnitOfWork, actor: User, customer_id: int, now: datetime) -> Customer:
    if actor.role != "admin" and await claims_left(uow, actor, now) <= 0:
        org = await uow.users.org(actor.org_id)
        raise OpsError("pool.cap", cap=ops_settings(org).claim_cap if org else 0)
    teams = await pool_teams(uow, actor)
    if not await uow.ops.take_from_pool(customer_id, teams, actor.id):
        raise OpsError("pool.gone")
    customer = await uow.ops.customer(customer_id, fresh=True)
    assert customer is not None
    await own.log_change(uow, actor, customer, None, "claim", now)
    after = {"org_id": customer.org_id, "owner_id": actor.id, "pool_team_id": None}
    await record(uow, actor, "customer.claim", ("customer", customer.id), now, None, after)
    for deal in await uow.ops.open_deals_of_customer(customer.id):
        if deal.owner_id is None:
            await own.move_deal(uow, actor, deal, actor.id, now)
    return customer
