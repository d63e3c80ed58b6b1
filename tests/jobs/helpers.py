"""Reading what the jobs wrote: outbox rows, reminders, job runs."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from handlers.services import activities as activity_svc
from handlers.services import customers as customer_svc
from handlers.services import deals as deal_svc
from handlers.services.activities import NewActivity
from handlers.services.customers import NewCustomer
from handlers.services.deals import NewDeal
from store.models import Customer, Deal, JobRun, OutboxEntry, Reminder, User
from store.uow import UnitOfWork
from tests.world import World


async def outbox(world: World, prefix: str = "") -> list[OutboxEntry]:
    async with world.uows() as uow:
        stmt = select(OutboxEntry).order_by(OutboxEntry.id)
        rows = (await uow.session.scalars(stmt)).all()
    return [r for r in rows if r.idempotency_key.startswith(prefix)]


async def reminders(world: World) -> list[Reminder]:
    async with world.uows() as uow:
        return list((await uow.session.scalars(select(Reminder).order_by(Reminder.id))).all())


async def job_runs(world: World) -> list[JobRun]:
    async with world.uows() as uow:
        return list((await uow.session.scalars(select(JobRun).order_by(JobRun.id))).all())


def texts(rows: list[OutboxEntry]) -> list[str]:
    return [str(r.body["text"]) for r in rows]


def payloads(body: dict[str, Any]) -> list[str]:
    return [p for _, p in body.get("choices", [])]


async def user_named(uow: UnitOfWork, name: str) -> User:
    found = await uow.session.scalar(select(User).where(User.name == name))
    assert found is not None, name
    return found


async def add_customer(world: World, owner: str, name: str, **extra: Any) -> int:
    """A customer owned by `owner`, created through the service (audit rows and all)."""
    async with world.uows() as uow:
        actor = await user_named(uow, owner)
        new = NewCustomer(name, extra=extra)
        customer = await customer_svc.create(uow, actor, new, world.clock.now())
        await uow.commit()
        return customer.id


async def add_deal(
    world: World,
    owner: str,
    customer_id: int,
    title: str,
    amount: str,
    stage: str,
    currency: str = "CNY",
) -> int:
    async with world.uows() as uow:
        actor = await user_named(uow, owner)
        customer = await uow.session.get(Customer, customer_id)
        assert customer is not None
        new = NewDeal(title, Decimal(amount), currency)
        deal = await deal_svc.create(uow, actor, customer, new, stage, world.clock.now())
        await uow.commit()
        return deal.id


async def move_deal(world: World, owner: str, deal_id: int, stage: str) -> None:
    async with world.uows() as uow:
        actor = await user_named(uow, owner)
        deal = await uow.session.get(Deal, deal_id)
        assert deal is not None
        await deal_svc.move(uow, actor, deal, stage, world.clock.now())
        await uow.commit()


async def log_visit(world: World, owner: str, customer_id: int, at: datetime) -> None:
    async with world.uows() as uow:
        actor = await user_named(uow, owner)
        customer = await uow.session.get(Customer, customer_id)
        assert customer is not None
        new = NewActivity("visit", at, "拜访")
        await activity_svc.log(uow, actor, customer, new, world.clock.now())
        await uow.commit()
