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


async def test_timezone_by_city_in_either_language(people: dict[str, Chat]) -> None:
    rep = people["rep_a"]
    assert "时区已设为 America/New_York" in await rep.say("/tz 纽约")
    assert "时区已设为 Asia/Shanghai" in await rep.say("时区 北京")
    assert "时区已设为 America/New_York" in await rep.say("/tz New York")
    assert "时区已设为 Europe/London" in await rep.say("/tz london")
    assert "时区已设为 America/Los_Angeles" in await rep.say("/tz los angeles")
    assert "时区已设为 Asia/Shanghai" in await rep.say("/tz 成都市")
    assert "时区已设为 Etc/GMT-8" in await rep.say("/tz UTC+8")
    assert "时区已设为 Asia/Tokyo" in await rep.say("/tz asia/tokyo")
    assert "不认识这个时区" in await rep.say("/tz 火星")
    assert "Asia/Tokyo" in await rep.say("/tz")
    await rep.say("/lang en")
    assert "Timezone set to Asia/Singapore" in await rep.say("/tz Singapore")
    assert "Name a city" in await rep.say("/tz Atlantis")
