"""Building data for operations tests through the real services, and reading rows back."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any, TypeVar

from sqlalchemy import func, select

from handlers.services import customers as customer_svc
from handlers.services import reminders as reminder_svc
from handlers.services.customers import NewCustomer
from store.models import Base, Instalment
from tests.jobs.helpers import add_deal, log_visit, move_deal, user_named
from tests.world import World

__all__ = ["add_deal", "log_visit", "move_deal", "user_named"]
M = TypeVar("M", bound=Base)


async def add_customer(
    world: World, owner: str, name: str, phone: str | None = None, company: str | None = None
) -> int:
    async with world.uows() as uow:
        actor = await user_named(uow, owner)
        new = NewCustomer(name, phone, company)
        customer = await customer_svc.create(uow, actor, new, world.clock.now())
        await uow.commit()
        return customer.id


async def rows(world: World, model: type[M], **where: Any) -> list[M]:
    async with world.uows() as uow:
        stmt = select(model).filter_by(**where).order_by(model.id)  # type: ignore[attr-defined]
        return list((await uow.session.scalars(stmt)).all())


async def count(world: World, model: type[Base], **where: Any) -> int:
    async with world.uows() as uow:
        stmt = select(func.count()).select_from(model).filter_by(**where)
        return int(await uow.session.scalar(stmt) or 0)


async def user_id(world: World, name: str) -> int:
    async with world.uows() as uow:
        return (await user_named(uow, name)).id


async def add_reminder(world: World, owner: str, customer_id: int | None, due: datetime) -> int:
    async with world.uows() as uow:
        actor = await user_named(uow, owner)
        r = await reminder_svc.create(
            uow, actor, due, "带报价单回访", world.clock.now(), customer_id=customer_id
        )
        await uow.commit()
        return r.id


async def add_instalment(world: World, deal_id: int, org_id: int, due: date) -> None:
    async with world.uows() as uow:
        row = Instalment(
            org_id=org_id,
            deal_id=deal_id,
            due_date=due,
            amount=Decimal(5000),
            created_at=world.clock.now(),
        )
        await uow.payments.add(row)
        await uow.commit()
