"""Payment plans: instalments on a deal, and money received paid into them oldest first."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from handlers.services.audit import record, snapshot
from store.models import Deal, Instalment, Payment, User
from store.uow import UnitOfWork

INSTALMENT_FIELDS = ("deal_id", "due_date", "amount", "currency", "paid_amount")


async def add_instalment(
    uow: UnitOfWork, actor: User, deal: Deal, due: date, amount: Decimal, now: datetime
) -> Instalment:
    if amount <= 0:
        raise ValueError("an instalment needs a positive amount")
    row = Instalment(
        org_id=deal.org_id,
        deal_id=deal.id,
        due_date=due,
        amount=amount,
        currency=deal.currency,
        paid_amount=Decimal(0),
        created_at=now,
    )
    await uow.payments.add(row)
    after = snapshot(row, INSTALMENT_FIELDS)
    await record(uow, actor, "instalment.create", ("instalment", row.id), now, after=after)
    return row


async def record_payment(
    uow: UnitOfWork, actor: User, deal: Deal, amount: Decimal, now: datetime
) -> tuple[Payment, Decimal]:
    """Money received; it settles the earliest unpaid instalments. Returns what is left unpaid.

    Money beyond the plan is still recorded (customers pay ahead); it just settles nothing.
    The money is in the deal's currency: instalments planned in another one (before the deal's
    currency changed) are neither settled by it nor added to what is left.
    """
    if amount <= 0:
        raise ValueError("a payment needs a positive amount")
    plan = [i for i in await uow.payments.plan(deal.id) if i.currency == deal.currency]
    left, first_touched = amount, None
    for instalment in plan:
        open_amount = instalment.amount - instalment.paid_amount
        if left <= 0 or open_amount <= 0:
            continue
        paid = min(left, open_amount)
        before = snapshot(instalment, INSTALMENT_FIELDS)
        instalment.paid_amount += paid
        if instalment.paid_amount >= instalment.amount:
            instalment.paid_at = now
        left -= paid
        first_touched = first_touched or instalment.id
        after = snapshot(instalment, INSTALMENT_FIELDS)
        target = ("instalment", instalment.id)
        await record(uow, actor, "instalment.pay", target, now, before, after)
    payment = Payment(
        org_id=deal.org_id,
        deal_id=deal.id,
        instalment_id=first_touched,
        user_id=actor.id,
        amount=amount,
        received_at=now,
    )
    await uow.payments.add(payment)
    after = snapshot(payment, ("deal_id", "instalment_id", "amount"))
    await record(uow, actor, "payment.create", ("payment", payment.id), now, after=after)
    outstanding = sum((i.amount - i.paid_amount for i in plan), Decimal(0))
    return payment, max(outstanding, Decimal(0))
