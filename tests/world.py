"""A small company for tests: two teams, a manager each, reps, an admin; and a chat driver."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.console.chat import render
from bot.console.media import LocalFiles
from handlers.chat.app import build_router
from handlers.chat.context import ChatConfig
from handlers.chat.router import Router
from handlers.clock import FixedClock
from handlers.media import MediaReader
from handlers.messages import Attachment, InboundMessage, Reply
from handlers.services import org as org_svc
from store.uow import UnitOfWorkFactory

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=SHANGHAI)  # a Monday morning


@dataclass
class World:
    router: Router
    clock: FixedClock
    uows: UnitOfWorkFactory
    org_id: int = 0
    invites: dict[str, str] = field(default_factory=dict)
    media: MediaReader = field(default_factory=LocalFiles)  # how sent files are read

    def chat(self, who: str, lang: str = "zh") -> Chat:
        return Chat(self, who, lang)


@dataclass
class Chat:
    """One person typing into the console channel; each call returns the rendered reply."""

    world: World
    who: str
    lang: str
    counter: int = 0
    last: list[Reply] = field(default_factory=list)

    async def say(
        self,
        text: str | None = None,
        payload: str | None = None,
        attachments: tuple[Attachment, ...] = (),
        forwarded: bool = False,
    ) -> str:
        self.counter += 1
        msg = InboundMessage(
            channel="console",
            user_id=self.who,
            chat_id=self.who,
            sent_at=self.world.clock.now(),
            text=text,
            payload=payload,
            message_id=str(self.counter),
            locale=self.lang,
            display_name=self.who,
            attachments=attachments,
            forwarded=forwarded,
        )
        self.last = await self.world.router.handle(msg, media=self.world.media)
        return render(self.last)

    async def converse(self, steps: list[tuple[str, str]]) -> None:
        """Each (message, expected fragment of the reply); fails at the first mismatch."""
        for text, expected in steps:
            reply = await self.say(text)
            assert expected in reply, f"after {text!r} expected {expected!r} in:\n{reply}"


async def build_world(uows: UnitOfWorkFactory, now: datetime = NOW) -> World:
    clock = FixedClock(now)
    world = World(build_router(uows, clock, ChatConfig()), clock, uows)
    async with uows() as uow:
        org = await org_svc.create_org(uow, "测试公司", now)
        east = await org_svc.create_team(uow, org.id, "East", now)
        west = await org_svc.create_team(uow, org.id, "West", now)
        plan = {
            "rep_a": ("rep", east.id),
            "rep_b": ("rep", east.id),
            "boss_east": ("manager", east.id),
            "rep_w": ("rep", west.id),
            "boss_west": ("manager", west.id),
            "admin": ("admin", None),
        }
        for who, (role, team_id) in plan.items():
            invite = await org_svc.create_invite(uow, org.id, role, now, team_id, name=who)
            world.invites[who] = invite.code
        world.org_id = org.id
        await uow.commit()
    return world


async def join_all(world: World, lang: str = "zh") -> dict[str, Chat]:
    chats = {}
    for who, code in world.invites.items():
        chat = world.chat(who, lang)
        reply = await chat.say(f"/start {code}")
        assert who in reply, reply
        chats[who] = chat
    return chats


async def seed_small_org(uows: UnitOfWorkFactory, now: datetime) -> tuple[int, dict[str, str]]:
    """One team, two reps and a manager, who join through their channel like real users."""
    async with uows() as uow:
        org = await org_svc.create_org(uow, "测试公司", now)
        team = await org_svc.create_team(uow, org.id, "East", now)
        invites = {}
        for who, role in (("rep_a", "rep"), ("rep_b", "rep"), ("boss", "manager")):
            invite = await org_svc.create_invite(uow, org.id, role, now, team.id, name=who)
            invites[who] = invite.code
        await uow.commit()
    return org.id, invites
