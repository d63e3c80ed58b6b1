"""Undo and Edit under a saved visit, as inline buttons through the real PTB stack."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from store.models import Activity, Reminder
from tests.fakes.telegram_api import Call, TgUser
from tests.telegram.harness import Harness

ZH = TgUser(7101, "小李", "zh-hans")
EN = TgUser(7102, "Ann", "en")


async def _saved(tg: Harness, user: TgUser, text: str) -> Call:
    [card] = await tg.say(user, text)
    _edited, saved = await tg.press(user, card, "vi:ok")
    return saved


async def test_undo_and_edit_buttons_under_a_saved_visit(tg: Harness) -> None:
    await tg.join(ZH, "rep_a")
    await tg.say(ZH, "/newcustomer 张三 13900000031 华为")
    saved = await _saved(tg, ZH, "/visit 今天拜访华为张总，谈了报价，下周三回访")
    labels = [label for label, _ in saved.buttons]
    assert labels[-2:] == ["↩️ 撤销（10 分钟内）", "✏️ 修改"]
    edit = saved.buttons[-1][1]
    _pressed, card = await tg.press(ZH, saved, edit)
    assert "记录人" in card.text and "谈了报价" in card.text
    undo = saved.buttons[-2][1]
    _pressed, undone = await tg.press(ZH, saved, undo)
    assert "已撤销" in undone.text
    async with tg.app.uows() as uow:
        assert not (await uow.session.scalars(select(Activity))).all()
        [reminder] = (await uow.session.scalars(select(Reminder))).all()
    assert reminder.status == "cancelled"


async def test_undo_after_the_window_says_so_in_english(tg: Harness) -> None:
    await tg.join(EN, "rep_b")
    await tg.say(EN, "/newcustomer Alice 13900000077 Acme")
    saved = await _saved(tg, EN, "/visit called Alice today about the renewal")
    assert saved.buttons[-2][0] == "↩️ Undo (10 min)"
    async with tg.app.uows() as uow:  # saved eleven minutes ago
        activity = (await uow.session.scalars(select(Activity))).one()
        activity.created_at -= timedelta(minutes=11)
        await uow.commit()
    _pressed, late = await tg.press(EN, saved, saved.buttons[-2][1])
    assert "Undo only works for 10 minutes" in late.text
    async with tg.app.uows() as uow:
        assert len((await uow.session.scalars(select(Activity))).all()) == 1
