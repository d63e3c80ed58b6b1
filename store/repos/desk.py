"""The customer desk: customers' chat links, binding codes, tickets and care budgets."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from store.models import BindCode, CareLog, Customer, CustomerLink, Ticket, User


class DeskRepo:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def link(self, channel: str, external_id: str) -> CustomerLink | None:
        stmt = select(CustomerLink).where(
            CustomerLink.channel == channel, CustomerLink.external_id == external_id
        )
        return (await self.session.scalars(stmt)).first()

    async def link_or_new(self, new: CustomerLink) -> CustomerLink:
        """The existing link of this chat identity, or `new` added; safe against a racing twin."""
        found = await self.link(new.channel, new.external_id)
        if found is not None:
            return found
        try:
            async with self.session.begin_nested():
                self.session.add(new)
        except IntegrityError:  # another instance linked the same openid a moment ago
            found = await self.link(new.channel, new.external_id)
            assert found is not None
            return found
        return new

    async def links_of_customer(self, customer_id: int) -> Sequence[CustomerLink]:
        stmt = select(CustomerLink).where(CustomerLink.customer_id == customer_id)
        return (await self.session.scalars(stmt.order_by(CustomerLink.id))).all()

    async def customer(self, customer_id: int) -> Customer | None:
        return await self.session.get(Customer, customer_id)

    async def add(self, row: Ticket | CareLog) -> None:
        self.session.add(row)
        await self.session.flush()

    async def add_bind_code(self, row: BindCode) -> bool:
        """False when the code is taken already (the caller draws another)."""
        try:
            async with self.session.begin_nested():
                self.session.add(row)
        except IntegrityError:
            return False
        return True

    async def bind_code(self, code: str) -> BindCode | None:
        stmt = select(BindCode).where(BindCode.code == code).with_for_update()
        return (await self.session.scalars(stmt)).first()

    async def open_ticket(
        self, link_id: int, kinds: tuple[str, ...], since: datetime
    ) -> Ticket | None:
        """The customer's still-open ticket of these kinds from `since` on, to add to."""
        stmt = select(Ticket).where(
            Ticket.link_id == link_id,
            Ticket.kind.in_(kinds),
            Ticket.status == "open",
            Ticket.created_at >= since,
        )
        return (await self.session.scalars(stmt.order_by(Ticket.id.desc()))).first()

    async def tickets(self, org_id: int) -> Sequence[Ticket]:
        stmt = select(Ticket).where(Ticket.org_id == org_id).order_by(Ticket.id)
        return (await self.session.scalars(stmt)).all()

    async def supervisors(self, org_id: int, team_id: int | None) -> Sequence[User]:
        """Active managers (the team's first), then admins: who takes an unowned request."""
        stmt = select(User).where(
            User.org_id == org_id, User.active.is_(True), User.role.in_(("manager", "admin"))
        )
        rows = (await self.session.scalars(stmt.order_by(User.id))).all()
        rank = {"manager": 0, "admin": 1}
        return sorted(rows, key=lambda u: (u.team_id != team_id, rank[u.role], u.id))
