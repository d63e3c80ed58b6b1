"""A manager's tools over Telegram: /history, /settings, /routing by name, /tz by city."""

from __future__ import annotations

from tests.fakes.telegram_api import TgUser
from tests.telegram.harness import Harness

REP = TgUser(7101, "小李", "zh-hans")
BOSS = TgUser(7102, "Ann", "en")


async def test_manager_tools_in_english(tg: Harness) -> None:
    await tg.join(REP, "rep_a")
    await tg.join(BOSS, "boss")
    await tg.say(REP, "/newcustomer 张三 13900000031 华为")
    [trail] = await tg.say(BOSS, "/history 张三")
    assert "Changes to 张三" in trail.text and "created the customer 张三" in trail.text
    [shown] = await tg.say(BOSS, "/settings")
    assert "Follow-up cadence: tier A every 7 days" in shown.text
    [refused] = await tg.say(BOSS, "/settings cadence A 3")
    assert "Only an admin" in refused.text
    [routing] = await tg.say(BOSS, "/routing away rep_a")
    assert "rep_a weight 1 · cap none · away" in routing.text
    [tz] = await tg.say(BOSS, "/tz New York")
    assert "Timezone set to America/New_York" in tz.text
