"""Who may see and change what: a rep their own, a manager their team's, an admin all."""

from __future__ import annotations

from store.models import User
from store.scope import Scope
from store.uow import UnitOfWork


async def scope_for(uow: UnitOfWork, user: User) -> Scope:
    if user.role == "admin":
        return Scope(user.org_id, None)
    if user.role == "manager" and user.team_id is not None:
        members = await uow.users.team_member_ids(user.team_id)
        return Scope(user.org_id, members | {user.id})
    return Scope(user.org_id, frozenset({user.id}))
