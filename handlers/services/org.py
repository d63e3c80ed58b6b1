"""Bootstrap: organisations, teams, invites, and joining with an invite code."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from handlers.services.audit import record, snapshot
from store.models import Identity, Invite, Org, PipelineStage, Team, User
from store.uow import UnitOfWork

ROLES = ("rep", "manager", "admin")
INVITE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I: codes are typed by hand

# (key, 中文, English, win probability %, outcome)
DEFAULT_PIPELINE: tuple[tuple[str, str, str, int, str], ...] = (
    ("meet", "见到客户", "Met customer", 5, "open"),
    ("discover", "发现机会", "Opportunity found", 10, "open"),
    ("confirm", "确认机会", "Opportunity confirmed", 20, "open"),
    ("needs", "明确需求", "Needs defined", 35, "open"),
    ("proposal", "方案报价", "Proposal / quote", 50, "open"),
    ("commit", "客户承诺", "Customer committed", 75, "open"),
    ("acceptance", "验收", "Acceptance", 90, "open"),
    ("payment", "收款", "Payment", 95, "open"),
    ("won", "赢单", "Won", 100, "won"),
    ("lost", "输单", "Lost", 0, "lost"),
)


@dataclass(frozen=True)
class JoinResult:
    user: User | None
    error: str | None = None  # i18n key when joining failed


async def create_org(uow: UnitOfWork, name: str, now: datetime) -> Org:
    org = Org(name=name, settings={}, created_at=now)
    await uow.users.add(org)
    for position, (key, zh, en, probability, outcome) in enumerate(DEFAULT_PIPELINE):
        stage = PipelineStage(
            org_id=org.id,
            key=key,
            name_zh=zh,
            name_en=en,
            position=position,
            probability=probability,
            outcome=outcome,
        )
        await uow.users.add(stage)
    await record(uow, None, "org.create", ("org", org.id), now, after={"org_id": org.id})
    return org


async def create_team(uow: UnitOfWork, org_id: int, name: str, now: datetime) -> Team:
    team = Team(org_id=org_id, name=name)
    await uow.users.add(team)
    after = {"org_id": org_id, "name": name}
    await record(uow, None, "team.create", ("team", team.id), now, after=after)
    return team


async def create_invite(
    uow: UnitOfWork,
    org_id: int,
    role: str,
    now: datetime,
    team_id: int | None = None,
    name: str | None = None,
    valid_days: int = 14,
) -> Invite:
    if role not in ROLES:
        raise ValueError(f"role must be one of {ROLES}")
    code = "".join(secrets.choice(INVITE_ALPHABET) for _ in range(8))
    invite = Invite(
        org_id=org_id,
        code=code,
        role=role,
        team_id=team_id,
        name=name,
        created_at=now,
        expires_at=now + timedelta(days=valid_days),
    )
    await uow.users.add(invite)
    after = snapshot(invite, ("org_id", "role", "team_id", "name", "expires_at"))
    await record(uow, None, "invite.create", ("invite", invite.id), now, after=after)
    return invite


@dataclass(frozen=True)
class Newcomer:
    channel: str
    external_id: str
    chat_id: str
    display_name: str
    lang: str
    tz: str


async def join(uow: UnitOfWork, code: str, who: Newcomer, now: datetime) -> JoinResult:
    invite = await uow.users.invite(code.strip().upper())
    if invite is None:
        return JoinResult(None, "join.bad_code")
    if invite.used_by is not None:
        return JoinResult(None, "join.used_code")
    if invite.expires_at <= now:
        return JoinResult(None, "join.expired_code")
    user = User(
        org_id=invite.org_id,
        team_id=invite.team_id,
        name=invite.name or who.display_name,
        role=invite.role,
        lang=who.lang,
        tz=who.tz,
        active=True,
        created_at=now,
    )
    await uow.users.add(user)
    identity = Identity(
        user_id=user.id, channel=who.channel, external_id=who.external_id, chat_id=who.chat_id
    )
    await uow.users.add(identity)
    invite.used_by = user.id
    after = snapshot(user, ("org_id", "team_id", "name", "role", "lang", "tz"))
    await record(uow, user, "user.join", ("user", user.id), now, after=after)
    return JoinResult(user)
