"""`main.py admin …`: the bootstrap an operator does before anyone can chat."""

from __future__ import annotations

import argparse
from datetime import datetime

from bot.bootstrap import App
from handlers.services import deals as deal_svc
from handlers.services import org as org_svc
from store.uow import UnitOfWork


async def run_admin(app: App, args: argparse.Namespace) -> int:
    now = app.clock.now()
    async with app.uows() as uow:
        if args.action == "create-org":
            org = await org_svc.create_org(uow, args.name, now)
            invite = await org_svc.create_invite(uow, org.id, "admin", now, name=None)
            await uow.commit()
            print(f"org {org.id} created: {org.name}")
            print(f"admin invite code: {invite.code}   (send in chat: /start {invite.code})")
            return 0
        if await uow.users.org(args.org) is None:
            print(f"no organisation with id {args.org}")
            return 2
        if args.action == "create-team":
            team = await org_svc.create_team(uow, args.org, args.name, now)
            await uow.commit()
            print(f"team {team.id} created: {team.name}")
            return 0
        if args.action == "invite":
            return await _invite(uow, args, now)
        if args.action in ("stages", "set-stage"):
            return await _stages(uow, args, now)
        return await _list_users(uow, args.org)


async def _invite(uow: UnitOfWork, args: argparse.Namespace, now: datetime) -> int:
    if args.team is not None:
        team = await uow.users.team(args.team)
        if team is None or team.org_id != args.org:
            print(f"no team {args.team} in organisation {args.org}")
            return 2
    invite = await org_svc.create_invite(uow, args.org, args.role, now, args.team, args.name)
    await uow.commit()
    print(f"{args.role} invite code: {invite.code}   (valid until {invite.expires_at:%Y-%m-%d})")
    return 0


async def _list_users(uow: UnitOfWork, org_id: int) -> int:
    teams = {t.id: t.name for t in await uow.users.teams(org_id)}
    for user in await uow.users.in_org(org_id):
        team = teams.get(user.team_id or 0, "-")
        print(f"{user.id:>5}  {user.role:<8} {team:<20} {user.name}  ({user.lang}, {user.tz})")
    return 0


async def _stages(uow: UnitOfWork, args: argparse.Namespace, now: datetime) -> int:
    if args.action == "set-stage":
        if args.key in ("won", "lost") or not 0 <= args.probability <= 100:
            print("won/lost are fixed; probability must be 0-100")
            return 2
        names = (args.zh, args.en)
        await deal_svc.set_stage(
            uow, args.org, args.key, names, args.probability, now, args.position
        )
        await uow.commit()
    for stage in await uow.users.stages(args.org):
        label = f"{stage.name_zh} / {stage.name_en}"
        print(f"{stage.position:>3}  {stage.key:<12} {stage.probability:>3}%  {label}")
    return 0
