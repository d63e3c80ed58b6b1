"""The demo's money owed, a customer's ticket and a satisfaction score, so /receivables,
/tickets, /agenda and the profile card have something to show (#22)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from decimal import Decimal

from handlers.services import payments
from store.models import CustomerLink, Feedback, Ticket, User
from store.uow import UnitOfWork


async def seed_views(uow: UnitOfWork, reps: Sequence[User], now: datetime) -> None:
    """Each won deal: a third paid, a third overdue, a third due in 5 days; a complaint from
    the first won deal's customer on the Official Account, who also rated the deal 4/5."""
    won = [
        (r, d) for r in reps for d in await uow.ops.deals_of(r.org_id, r.id) if d.stage == "won"
    ]
    today = now.date()
    for owner, deal in won:
        if deal.amount is None:
            continue
        part = (deal.amount / 3).quantize(Decimal(1))
        for days, amount in ((-40, part), (-10, part), (5, deal.amount - 2 * part)):
            due = today + timedelta(days=days)
            await payments.add_instalment(uow, owner, deal, due, amount, now)
        await payments.record_payment(uow, owner, deal, part, now - timedelta(days=38))
    if not won:
        return
    org_id, first = won[0][0].org_id, won[0][1]
    link = CustomerLink(
        org_id=org_id,
        customer_id=first.customer_id,
        channel="wechat_oa",
        external_id=f"demo-oa-{first.customer_id}",
        consent=True,
        last_inbound_at=now - timedelta(hours=3),
        lang="zh",
        created_at=now - timedelta(days=30),
    )
    uow.session.add(link)
    await uow.session.flush()
    ticket = Ticket(
        org_id=org_id,
        customer_id=first.customer_id,
        link_id=link.id,
        assignee_id=first.owner_id,
        kind="complaint",
        text="发票抬头开错了，麻烦尽快重开一张。",
        status="open",
        due_by=now + timedelta(hours=21),
        created_at=now - timedelta(hours=3),
    )
    feedback = Feedback(
        org_id=org_id, customer_id=first.customer_id, deal_id=first.id, score=4,
        at=now - timedelta(days=2),
    )  # fmt: skip
    uow.session.add_all([ticket, feedback])
