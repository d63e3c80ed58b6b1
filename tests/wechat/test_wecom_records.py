"""A WeCom rep corrects a visit with numbered choices: edit the time, then delete it."""

from __future__ import annotations

from sqlalchemy import select

from store.models import Activity, AuditLog
from tests.wechat.harness import WeChat


async def test_edit_and_delete_a_visit_by_number(wx: WeChat) -> None:
    await wx.rep_says("zhao", f"/start {wx.invites['rep_a']}")
    await wx.rep_says("zhao", "/newcustomer 张三 13900000031 华为")
    await wx.rep_says("zhao", "/visit 今天拜访华为张总，谈了报价")
    saved = await wx.rep_says("zhao", "1")
    assert "已记录拜访" in saved and "回复 1 " in saved and "撤销" in saved
    card = await wx.rep_says("zhao", "2")  # ✏️ 修改
    assert "记录人" in card and "回复 5 " in card
    assert "是什么时候" in await wx.rep_says("zhao", "1")
    assert "已修改" in await wx.rep_says("zhao", "昨天下午4点")
    asked = await wx.rep_says("zhao", "5")  # 🗑 删除
    assert "确定删除" in asked
    assert "已删除" in await wx.rep_says("zhao", "1")
    async with wx.app.uows() as uow:
        assert not (await uow.session.scalars(select(Activity))).all()
        actions = (await uow.session.scalars(select(AuditLog.action))).all()
    assert "activity.edit" in actions and "activity.delete" in actions
