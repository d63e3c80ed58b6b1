"""#22 on Telegram: ▶ more is an inline button that brings the next page; sorting buttons."""

from __future__ import annotations

from tests.fakes.telegram_api import TgUser
from tests.telegram.harness import Harness

ZH = TgUser(7101, "小李", "zh-hans")
EN = TgUser(7102, "Ann", "en")


async def test_mine_pages_with_the_more_button(tg: Harness) -> None:
    await tg.join(ZH, "rep_a")
    for n in range(10):
        await tg.say(ZH, f"/newcustomer 客户{n:02d} 139000001{n:02d} 公司{n:02d}")
    [first] = await tg.say(ZH, "/mine")
    assert "共 10 条" in first.text and first.text.count("• 客户") == 8
    more = next(data for label, data in first.buttons if label == "▶ 更多")
    assert len(more.encode()) <= 64 and more.startswith("bk:")
    *_, second = await tg.press(ZH, first, more)
    assert second.text.count("• 客户") == 2 and "第 9–10 条" in second.text
    shown = {line for line in first.text.splitlines() + second.text.splitlines() if "• " in line}
    assert len(shown) == 10  # every customer once
    tier = next(data for label, data in second.buttons if label == "🏅 按等级")
    *_, by_tier = await tg.press(ZH, second, tier)
    assert "按等级" in by_tier.text


async def test_agenda_and_reminders_in_english(tg: Harness) -> None:
    await tg.join(EN, "rep_b")
    await tg.say(EN, "/remind tomorrow 3pm call Li")
    [agenda] = await tg.say(EN, "/agenda")
    assert "Your next 7 days" in agenda.text and "⏰ 15:00" in agenda.text
    [listing] = await tg.say(EN, "/reminders")
    cancel = next(data for label, data in listing.buttons if label.startswith("✖️ Cancel"))
    *_, done = await tg.press(EN, listing, cancel)
    assert "Reminder cancelled" in done.text
    undo = next(data for label, data in done.buttons if label == "↩️ Undo")
    *_, back = await tg.press(EN, done, undo)
    assert "Reminder restored" in back.text
