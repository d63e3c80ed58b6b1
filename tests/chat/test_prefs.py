"""/lang and /tz, and answers to commands the bot doesn't know."""

from __future__ import annotations

from tests.world import Chat


async def test_switch_language_both_ways(people: dict[str, Chat]) -> None:
    rep = people["rep_a"]
    reply = await rep.say("/lang")
    assert "1. 中文" in reply and "2. English" in reply
    assert "English" in await rep.say("2")
    assert "Here's what I can do" in await rep.say("/help")
    assert "中文" in await rep.say("/lang zh")
    assert "支持的语言" in await rep.say("/lang fr")


async def test_timezone_is_validated(people: dict[str, Chat]) -> None:
    rep = people["rep_a"]
    assert "Asia/Shanghai" in await rep.say("/tz")
    assert "America/New_York" in await rep.say("/tz America/New_York")
    assert "不认识这个时区" in await rep.say("/tz Mars/Olympus_Mons")
    assert "America/New_York" in await rep.say("/tz")


async def test_unknown_command_and_garbage(people: dict[str, Chat]) -> None:
    rep = people["rep_a"]
    assert "不认识这个命令" in await rep.say("/frobnicate")
    assert "没有进行中的操作" in await rep.say("取消")
    reply = await rep.say("🤔🤔🤔")
    assert "没完全明白" in reply and "看看我能做什么" in reply
    assert "太长" in await rep.say("字" * 5000)
