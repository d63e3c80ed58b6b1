"""Lead routing: ownerless new customers go to a rep of their team, round-robin by weight.

Stateless by design: whose turn it is comes from the OwnerChange rows of the last 30 days
(leads routed per rep, divided by weight; ties to whoever waited longest), so several bot
instances need no shared cursor. Away reps and reps at their capacity are skipped.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from handlers.services.audit import record, snapshot
from handlers.services.ops.config import ops_settings
from handlers.services.ops.notify import queue
from handlers.services.ops.ownership import change_owner
from handlers.services.ops.routing_notices import routed_to_you
from store.models import Customer, User
from store.uow import UnitOfWork

LOOKBACK = timedelta(days=30)
NEVER = datetime.min.replace(tzinfo=UTC)
USER_FIELDS = ("org_id", "away", "lead_weight", "lead_capacity")


def pick(
    rule: str,
    reps: Sequence[User],
    routed: dict[int, tuple[int, datetime]],
    loads: dict[int, int],
) -> User:
    """Whose turn it is under a rule; deterministic for the same history."""

    def key(rep: User) -> tuple[float, datetime, int]:
        count, last = routed.get(rep.id, (0, NEVER))
        weight = max(1, rep.lead_weight) if rule != "round_robin" else 1
        share = loads.get(rep.id, 0) if rule == "least_loaded" else count
        return share / weight, last, rep.id

    return min(reps, key=key)


def eligible(users: Sequence[User], team: int | None, loads: dict[int, int]) -> list[User]:
    return [
        u
        for u in users
        if u.role == "rep" and u.active and not u.away
        and (team is None or u.team_id == team)
        and (u.lead_capacity is None or loads.get(u.id, 0) < u.lead_capacity)
    ]  # fmt: skip


async def route_new(uow: UnitOfWork, org_id: int, now: datetime) -> int:
    """Give every unrouted lead an owner; returns how many were routed."""
    org = await uow.users.org(org_id)
    assert org is not None
    cfg = ops_settings(org)
    if cfg.routing_rule == "off":
        return 0
    users = list(await uow.users.in_org(org_id))
    loads = await uow.ops.owned_counts(org_id)
    routed = await uow.ops.routing_history([u.id for u in users], now - LOOKBACK)
    done: list[tuple[User, Customer]] = []
    for lead in await uow.ops.unrouted(org_id):
        reps = eligible(users, lead.pool_team_id or cfg.routing_team, loads)
        if not reps:
            continue  # nobody free: the lead waits for the next run
        rep = pick(cfg.routing_rule, reps, routed, loads)
        await change_owner(uow, None, lead, rep.id, "routing", now)
        count, _ = routed.get(rep.id, (0, NEVER))
        routed[rep.id] = (count + 1, now)
        loads[rep.id] = loads.get(rep.id, 0) + 1
        done.append((rep, lead))
    await queue(uow, routed_to_you(done), now)
    return len(done)


async def set_rep(
    uow: UnitOfWork, actor: User, rep: User, now: datetime, **changes: object
) -> None:
    """Weight, capacity or away for one rep; audited."""
    before = snapshot(rep, USER_FIELDS)
    for name, value in changes.items():
        setattr(rep, name, value)
    after = snapshot(rep, USER_FIELDS)
    await record(uow, actor, "user.routing", ("app_user", rep.id), now, before, after)
