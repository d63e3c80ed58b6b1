"""Strangers get only a join prompt; an invite code makes them a user, once."""

from __future__ import annotations

from sqlalchemy import func, select

from store.models import AuditLog, User
from tests.world import World


async def test_stranger_gets_only_the_join_prompt(world: World) -> None:
    chat = world.chat("nobody")
    for text in ("/help", "查客户 张三", "/customer x", "hello", "1"):
        assert "邀请码" in await chat.say(text)
    english = world.chat("someone", lang="en")
    assert "invite code" in await english.say("/today")


async def test_join_with_invite_then_code_is_spent(world: World) -> None:
    rep = world.chat("rep_a")
    assert "欢迎加入" in await rep.say(f"/start {world.invites['rep_a']}")
    assert "我可以帮你" in await rep.say("帮助")
    thief = world.chat("thief")
    assert "已经用过" in await thief.say(f"/start {world.invites['rep_a']}")
    assert "无效" in await thief.say("/start NOPE1234")
    async with world.uows() as uow:
        users = await uow.session.scalar(select(func.count(User.id)))
        joins = await uow.session.scalar(
            select(func.count(AuditLog.id)).where(AuditLog.action == "user.join")
        )
    assert (users, joins) == (1, 1)


async def test_english_speaker_is_answered_in_english(world: World) -> None:
    rep = world.chat("rep_b", lang="en")
    assert "Welcome aboard" in await rep.say(f"/start {world.invites['rep_b']}")
    assert "Here's what I can do" in await rep.say("/help")
    assert "already set up" in await rep.say("/start")
