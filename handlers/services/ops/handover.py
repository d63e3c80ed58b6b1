"""Handover: everything a leaving rep holds goes to one or several reps, balanced, audited.

Customers carry their work: a customer's deals, open reminders and open tickets go to
whoever receives the customer. Payment plans hang on deals and travel with them. Work not tied
to a handed customer goes to the least-loaded receiver. The leaving rep is marked away so
lead routing stops feeding them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from handlers.services.audit import record
from handlers.services.ops import ownership as own
from handlers.services.ops.brief import queue_briefs
from handlers.services.ops.ownership import OpsError
from store.models import Customer, User
from store.uow import UnitOfWork


@dataclass
class HandoverResult:
    customers: dict[int, list[int]] = field(default_factory=dict)  # receiver -> customer ids
    deals: int = 0
    reminders: int = 0
    tickets: int = 0
    briefs: int = 0


def balance(
    customers: Sequence[Customer], weights: dict[int, int], receivers: Sequence[int]
) -> dict[int, int]:
    """Customer id -> receiver: heaviest first to whoever has the least handed work so far."""
    load = dict.fromkeys(receivers, 0)
    plan: dict[int, int] = {}
    for customer in sorted(customers, key=lambda c: (-weights.get(c.id, 1), c.id)):
        receiver = min(receivers, key=lambda r: (load[r], receivers.index(r)))
        plan[customer.id] = receiver
        load[receiver] += weights.get(customer.id, 1)
    return plan


async def handover(
    uow: UnitOfWork, actor: User | None, leaving: User, receivers: Sequence[User], now: datetime
) -> HandoverResult:
    """actor None: the operator at the command line."""
    _check(actor, leaving, receivers)
    ids = [r.id for r in receivers]
    customers = await uow.ops.customers_of(leaving.org_id, leaving.id)
    deals = await uow.ops.deals_of(leaving.org_id, leaving.id)
    weights = {c.id: 1 for c in customers}
    for deal in deals:
        if deal.stage not in ("won", "lost") and deal.customer_id in weights:
            weights[deal.customer_id] += 1  # an open deal is work: spread those evenly too
    plan = balance(customers, weights, ids)
    result = HandoverResult({r: [] for r in ids})
    for customer in customers:
        await own.change_owner(uow, actor, customer, plan[customer.id], "handover", now)
        result.customers[plan[customer.id]].append(customer.id)
    least = min(ids, key=lambda r: (len(result.customers[r]), ids.index(r)))
    for deal in deals:
        await own.move_deal(uow, actor, deal, plan.get(deal.customer_id, least), now)
    result.deals = len(deals)
    for reminder in await uow.ops.open_reminders_of(leaving.id):
        to = plan.get(reminder.customer_id or 0, least)
        await own.move_reminder(uow, actor, reminder, to, now)
        result.reminders += 1
    for ticket in await uow.ops.open_tickets_of(leaving.id):
        await own.move_ticket(uow, actor, ticket, plan.get(ticket.customer_id or 0, least), now)
        result.tickets += 1
    leaving.away = True
    await _audit(uow, actor, leaving, result, now)
    result.briefs = await queue_briefs(uow, leaving, receivers, result.customers, now)
    return result


def _check(actor: User | None, leaving: User, receivers: Sequence[User]) -> None:
    if actor is not None and (actor.role != "admin" or actor.org_id != leaving.org_id):
        raise OpsError("ops.admin_only")
    if not receivers:
        raise OpsError("ho.no_receivers")
    for user in receivers:
        if user.org_id != leaving.org_id:
            raise OpsError("ho.bad_user", name=user.name)
    for user in receivers:
        if user.id == leaving.id or not user.active:
            raise OpsError("ho.bad_user", name=user.name)


async def _audit(
    uow: UnitOfWork, actor: User | None, leaving: User, result: HandoverResult, now: datetime
) -> None:
    after = {
        "org_id": leaving.org_id,
        "customers": {str(k): v for k, v in result.customers.items()},
        "deals": result.deals,
        "reminders": result.reminders,
        "tickets": result.tickets,
        "away": True,
    }
    await record(uow, actor, "user.handover", ("app_user", leaving.id), now, after=after)
