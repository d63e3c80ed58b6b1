"""A book to look at for the views tests (#22): customers, deals, instalments, reminders."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from handlers.services import customers, deals, payments, reminders
from store.models import Customer, Deal, User
from tests.world import World


async def user(world: World, name: str) -> User:
    async with world.uows() as uow:
        return (await uow.session.scalars(select(User).where(User.name == name))).one()


async def add_customers(
    world: World, owner: str, names: list[str], **extra: Any
) -> list[Customer]:
    """Customers of `owner`, the first contacted longest ago (a day apart)."""
    now = world.clock.now()
    made: list[Customer] = []
    async with world.uows() as uow:
        rep = (await uow.session.scalars(select(User).where(User.name == owner))).one()
        for i, name in enumerate(names):
            new = customers.NewCustomer(name, f"139{rep.id:02d}{len(made):06d}", "公司", extra)
            customer = await customers.create(uow, rep, new, now)
            customer.last_contact_at = now - timedelta(days=len(names) - i)
            made.append(customer)
        await uow.commit()
    return made


async def add_deal(
    world: World, owner: str, customer: Customer, amount: str, currency: str = "CNY"
) -> Deal:
    async with world.uows() as uow:
        rep = (await uow.session.scalars(select(User).where(User.name == owner))).one()
        new = deals.NewDeal("项目" + customer.name, Decimal(amount), currency)
        deal = await deals.create(uow, rep, customer, new, "discover", world.clock.now())
        await uow.commit()
    return deal


async def add_instalment(
    world: World, owner: str, deal: Deal, due: date, amount: str, paid: str = "0"
) -> None:
    async with world.uows() as uow:
        rep = (await uow.session.scalars(select(User).where(User.name == owner))).one()
        held = await uow.session.get(Deal, deal.id)
        assert held is not None
        now = world.clock.now()
        await payments.add_instalment(uow, rep, held, due, Decimal(amount), now)
        if Decimal(paid):
            await payments.record_payment(uow, rep, held, Decimal(paid), now)
        await uow.commit()


async def add_reminder(
    world: World, owner: str, due: datetime, text: str, kind: str = "custom"
) -> int:
    async with world.uows() as uow:
        rep = (await uow.session.scalars(select(User).where(User.name == owner))).one()
        row = await reminders.create(uow, rep, due, text, world.clock.now(), kind=kind)
        await uow.commit()
        return row.id
