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
from handlers.services.ops import pool_notices as notices
from handlers.services.ops.config import OpsSettings, ops_settings
from handlers.services.ops.notify import queue
from handlers.services.ops.ownership import OpsError
from store.models import Customer, Reminder, User
from store.uow import UnitOfWork

add_texts(
    {
        "pool.ask_sent": (
            "🙋 已请 {managers} 为「{name}」延期。",
            "🙋 Asked {managers} to extend {name}.",
        ),
        "pool.ask_none": (
            "你的团队没有经理可以延期，请联系管理员。",
            "Your team has no manager to extend it; ask an admin.",
        ),
        "pool.ask": (
            "🙋 {rep} 请求延期保留客户「{name}」，免得退回公海。延期后两个计时都从现在重新开始。",
            "🙋 {rep} asks to keep {name} out of the team pool. Extending restarts both "
            "clocks from now.",
        ),
        "pool.btn_extend": ("✅ 延期", "✅ Extend"),
        "pool.extended": (
            "✅ 「{name}」已延期：{rep} 继续负责，从现在重新计时。",
            "✅ {name} extended: {rep} keeps them, the clocks restart now.",
        ),
        "pool.extended_rep": (
            "✅ 经理 {manager} 已为「{name}」延期，从现在重新计时。",
            "✅ {manager} extended {name}; the clocks restart now.",
        ),
    }
)


@dataclass
class Sweep:
    released: int = 0
    warned: int = 0


async def sweep_pool(uow: UnitOfWork, org_id: int, now: datetime) -> Sweep:
    """Nightly: release what is due, warn owners of what falls due within D days, and tell
    each owner which customers went, why, and which of their reminders ended."""
    org = await uow.users.org(org_id)
    assert org is not None
    cfg = ops_settings(org)
    warn = timedelta(days=cfg.pool_warn_days)
    contact_cut = now - timedelta(days=cfg.pool_contact_days)
    deal_cut = now - timedelta(days=cfg.pool_deal_days)
    users = {u.id: u for u in await uow.users.in_org(org_id)}
    sweep, notes = Sweep(), []
    gone: dict[int, list[notices.Released]] = {}
    for customer, contact, dealt in await uow.ops.pool_candidates(
        org_id, contact_cut + warn, deal_cut + warn
    ):
        owner = users.get(customer.owner_id or 0)
        if owner is None or owner.team_id is None:
            continue  # only team members' customers have a team pool to go back to
        clocks = _clocks(cfg, contact, dealt)
        if clocks[0].due <= now:
            ended = await release(uow, None, customer, now, "pool_auto")
            fired = [c for c in clocks if c.due <= now]
            gone.setdefault(owner.id, []).append(notices.Released(customer, fired, ended))
            sweep.released += 1
            continue
        soon = [c for c in clocks if c.due <= now + warn]
        notes.append((owner.id, notices.warning(owner, customer, soon, now), _key(customer, soon)))
    sweep.warned = await queue(uow, notes, now)
    told = [(o, reply, f"pool.gone:{o}:{now.date()}:{n}")
            for o, items in gone.items()
            for n, reply in enumerate(notices.released(users[o], items, now))]  # fmt: skip
    await queue(uow, told, now)
    return sweep


def _clocks(cfg: OpsSettings, contact: datetime, dealt: datetime) -> list[notices.Clock]:
    """The two rules for one customer, the first to fire first."""
    n, m = cfg.pool_contact_days, cfg.pool_deal_days
    clocks = [
        notices.Clock("contact", n, contact + timedelta(days=n)),
        notices.Clock("deal", m, dealt + timedelta(days=m)),
    ]
    return sorted(clocks, key=lambda c: (c.due, c.rule))


def _key(customer: Customer, clocks: list[notices.Clock]) -> str:
    rules = "+".join(c.rule for c in clocks)
    return f"pool.warn:{customer.id}:{clocks[0].due.date().isoformat()}:{rules}"


async def release(
    uow: UnitOfWork, actor: User | None, customer: Customer, now: datetime, reason: str
) -> list[Reminder]:
    """Back to the owner's team pool; their open reminders on it end (returned, so the owner
    can be told what they were), open deals go ownerless."""
    owner = await uow.users.get(customer.owner_id) if customer.owner_id else None
    if owner is None or owner.team_id is None:
        raise OpsError("pool.no_team")
    ended = list(await uow.ops.open_reminders_of(owner.id, customer.id))
    for reminder in ended:
        await own.cancel_reminder(uow, actor, reminder, now)
    for deal in await uow.ops.open_deals_of_customer(customer.id):
        await own.move_deal(uow, actor, deal, None, now)
    await own.change_owner(uow, actor, customer, None, reason, now, pool_team=owner.team_id)
    return ended


async def ask_extension(uow: UnitOfWork, rep: User, customer: Customer, now: datetime) -> str:
    """The rep asks their team's managers to keep a customer; the managers' names."""
    if customer.owner_id != rep.id:
        raise OpsError("pool.not_yours")
    managers = [u for u in await uow.users.in_org(rep.org_id)
                if u.active and u.role == "manager" and u.team_id == rep.team_id]  # fmt: skip
    if not managers:
        raise OpsError("pool.ask_none")
    asks = [(m.id, _ask(m, rep, customer), f"pool.ask:{customer.id}:{m.id}:{now.date()}")
            for m in managers]  # fmt: skip
    await queue(uow, asks, now)
    return ("、" if rep.lang == "zh" else ", ").join(m.name for m in managers)


def _ask(manager: User, rep: User, customer: Customer) -> Reply:
    lang = manager.lang
    text = t(lang, "pool.ask", rep=rep.name, name=customer.name)
    button = Choice(t(lang, "pool.btn_extend"), f"pool:ext:{customer.id}")
    return Reply(text, (button,), private=True)


async def extend(uow: UnitOfWork, manager: User, customer: Customer, now: datetime) -> User:
    """A manager keeps the customer with its owner: both pool clocks restart now (an
    ownership row to the same owner, which is where the clocks start). The owner."""
    if manager.role not in ("manager", "admin"):
        raise OpsError("ops.manager_only")
    owner = await uow.users.get(customer.owner_id) if customer.owner_id else None
    if owner is None:
        raise OpsError("pool.gone")
    await own.log_change(uow, manager, customer, owner.id, "extend", now)
    after = {"org_id": customer.org_id, "owner_id": owner.id}
    await record(uow, manager, "customer.extend", ("customer", customer.id), now, None, after)
    text = t(owner.lang, "pool.extended_rep", manager=manager.name, name=customer.name)
    await queue(uow, [(owner.id, Reply(text), f"pool.ext:{customer.id}:{now.isoformat()}")], now)
    return owner


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
