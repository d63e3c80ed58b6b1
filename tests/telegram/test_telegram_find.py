"""/find through the Telegram webhook: inline buttons for each customer and ▶ More."""

from __future__ import annotations

from sqlalchemy import update

from store.models import Customer
from tests.fakes.telegram_api import TgUser
from tests.telegram.harness import Harness

ZH = TgUser(7101, "小王", "zh-hans")
EN = TgUser(7102, "Bob", "en")


async def test_find_pages_with_inline_buttons_and_opens_a_profile(tg: Harness) -> None:
    await tg.join(ZH, "rep_a")
    await tg.join(EN, "rep_b")
    for i in range(9):
        await tg.say(ZH, f"/newcustomer 客户{i} 1390000020{i} 公司{i}")
    async with tg.app.uows() as uow:
        await uow.session.execute(update(Customer).values(notes="[2026-11-20] 想喝普洱"))
        await uow.commit()
    [listing] = await tg.say(ZH, "/find 普洱")
    assert "提到「普洱」" in listing.text and "第 1/2 页" in listing.text
    assert listing.buttons[-1] == ("▶ 更多", "fd:more:1:普洱")
    *_, page2 = await tg.press(ZH, listing, "fd:more:1:普洱")
    assert "第 2/2 页" in page2.text and "客户0" in page2.text
    [(_label, tap)] = page2.buttons
    *_, profile = await tg.press(ZH, page2, tap)
    assert "客户0" in profile.text and "想喝普洱" in profile.text
    *_, other = await tg.press(EN, page2, tap)  # not his customer: a forged press
    assert "isn't yours to see" in other.text
    [none] = await tg.say(EN, "/find 普洱")
    assert "No customer's visits or notes mention" in none.text
