"""Organisations, teams, users, channel identities and invites."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from store.models import Identity, Invite, Org, PipelineStage, Team, User
from store.repos import pipelines
from store.repos.pipelines import Stage

# Read on every visit and deal move; built once (building costs as much as running it).
_STAGES = (
    select(PipelineStage)
    .where(PipelineStage.org_id == bindparam("org_id"))
    .order_by(PipelineStage.position)
)
_TEAM_MEMBERS = select(User.id).where(User.team_id == bindparam("team_id"))


class UserRepo:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def add(self, row: Org | Team | User | Identity | Invite | PipelineStage) -> None:
        self.session.add(row)
        await self.session.flush()

    async def org(self, org_id: int) -> Org | None:
        return await self.session.get(Org, org_id)

    async def get(self, user_id: int) -> User | None:
        return await self.session.get(User, user_id)

    async def team(self, team_id: int) -> Team | None:
        return await self.session.get(Team, team_id)

    async def by_identity(self, channel: str, external_id: str) -> User | None:
        found = await self.with_identity(channel, external_id)
        return found[0] if found else None

    async def with_identity(self, channel: str, external_id: str) -> tuple[User, Identity] | None:
        """The user behind a chat address, and the address (blocked or not), in one query."""
        stmt = (
            select(User, Identity)
            .join(Identity, Identity.user_id == User.id)
            .where(Identity.channel == channel, Identity.external_id == external_id)
        )
        row = (await self.session.execute(stmt)).first()
        return (row[0], row[1]) if row else None

    async def identities(self, user_id: int) -> Sequence[Identity]:
        stmt = select(Identity).where(Identity.user_id == user_id).order_by(Identity.id)
        return (await self.session.scalars(stmt)).all()

    async def team_member_ids(self, team_id: int) -> frozenset[int]:
        members = await self.session.scalars(_TEAM_MEMBERS, {"team_id": team_id})
        return frozenset(members.all())

    async def in_org(self, org_id: int) -> Sequence[User]:
        stmt = select(User).where(User.org_id == org_id).order_by(User.id)
        return (await self.session.scalars(stmt)).all()

    async def teams(self, org_id: int) -> Sequence[Team]:
        return (await self.session.scalars(select(Team).where(Team.org_id == org_id))).all()

    async def invite(self, code: str) -> Invite | None:
        stmt = select(Invite).where(Invite.code == code).with_for_update()
        return (await self.session.scalars(stmt)).first()

    async def orgs(self) -> Sequence[Org]:
        return (await self.session.scalars(select(Org).order_by(Org.id))).all()

    async def pipeline(self, org_id: int) -> tuple[Stage, ...]:
        """The org's stages to read (from memory while they are unchanged)."""
        return await pipelines.stages(self.session, org_id)

    async def pipeline_changed(self, org_id: int) -> None:
        org = await self.session.get(Org, org_id)
        if org is not None:
            pipelines.changed(self.session, org)

    async def stages(self, org_id: int) -> Sequence[PipelineStage]:
        """The org's stages as rows to change; `pipeline` is the one to read."""
        return (await self.session.scalars(_STAGES, {"org_id": org_id})).all()
