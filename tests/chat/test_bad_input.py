"""Bad input to every command gets a clear answer in the user's language and saves nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from store.models import AuditLog
from tests.world import World, join_all

COMMANDS = ("/newcustomer", "/customer", "/visit", "/deal", "/remind", "/today", "/lang", "/tz")
ALIASES = ("新客户", "查客户", "拜访", "商机", "提醒", "今天")
BAD = (
    "",
    "长" * 5000,
    "🙂🙂🙂",
    "'; DROP TABLE customer; --",
    "不存在的客户王某某",
    "昨天",
    "\x00\x1b[31m",
    "１２３４５６７８９０１２３４５",
)
PLAUSIBLE_NAMES = ("不存在的客户王某某", "昨天")
INTERNAL_ERROR = ("出了点问题", "something went wrong")


async def _audit_rows(world: World) -> int:
    async with world.uows() as uow:
        return int(await uow.session.scalar(select(func.count(AuditLog.id))) or 0)


@pytest.mark.parametrize("lang", ["zh", "en"])
async def test_every_command_with_bad_input(world: World, lang: str) -> None:
    rep = (await join_all(world, lang=lang))["rep_a"]
    before = await _audit_rows(world)
    for command in COMMANDS + ALIASES:
        for bad in BAD:
            if command in ("/newcustomer", "新客户") and bad in PLAUSIBLE_NAMES:
                continue  # "/newcustomer 昨天" is a strange name, not a bad input
            reply = await rep.say(f"{command} {bad}".strip())
            assert reply.strip(), (command, bad)
            assert not any(e in reply for e in INTERNAL_ERROR), (command, bad, reply)
            assert "Traceback" not in reply
            if lang == "en":
                assert not any("\u4e00" <= ch <= "\u9fff" for ch in _without_echo(reply, bad)), (
                    command,
                    bad,
                    reply,
                )
            await rep.say("/cancel")
    assert await _audit_rows(world) == before


def _without_echo(reply: str, bad: str) -> str:
    """The reply minus the user's own words it quotes back, and language names."""
    for part in (bad, bad[:40], bad[:30], bad[:60], "中文", "(中文)"):
        reply = reply.replace(part, "") if part else reply
    return reply
