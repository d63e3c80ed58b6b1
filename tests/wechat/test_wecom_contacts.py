"""A rep on WeCom adds a company's people and logs a visit with one; numbered choices."""

from __future__ import annotations

from sqlalchemy import select

from store.models import Activity, Contact
from tests.wechat.harness import WeChat


async def test_contacts_on_wecom(wx: WeChat) -> None:
    await wx.rep_says("zhangwei", f"/start {wx.invites['rep_a']}")
    ask = await wx.rep_says("zhangwei", "/newcontact 华为 李工 13800000000")
    assert "还没有公司客户叫「华为」" in ask and "回复 1 " in ask
    assert "已添加联系人：李工" in await wx.rep_says("zhangwei", "1")
    added = await wx.rep_says("zhangwei", "华为新来的采购张总，电话13900000009")
    assert "已添加联系人：张总 · 采购 📞 13900000009" in added
    card = await wx.rep_says("zhangwei", "/visit 今天拜访华为张总，谈了报价")
    assert "客户：张总 · 采购 · 华为" in card
    assert "已记录拜访：张总 · 采购 · 华为" in await wx.rep_says("zhangwei", "1")
    profile = await wx.rep_says("zhangwei", "查客户 华为")
    assert "联系人（2）" in profile and "张总 · 采购 📞 13900000009 — 今天联系过" in profile
    async with wx.app.uows() as uow:
        activity = (await uow.session.scalars(select(Activity))).one()
        zhang = (await uow.session.scalars(select(Contact).where(Contact.name == "张总"))).one()
    assert activity.contact_id == zhang.id


async def test_a_contact_corrected_with_numbered_replies_on_wecom(wx: WeChat) -> None:
    await wx.rep_says("zhangwei", f"/start {wx.invites['rep_a']}")
    await wx.rep_says("zhangwei", "/newcontact 华为 李工 13800000000")
    await wx.rep_says("zhangwei", "1")
    menu = await wx.rep_says("zhangwei", "编辑 华为")
    assert "回复 16 👥 联系人" in menu
    assert "回复 1 李工" in await wx.rep_says("zhangwei", "16")
    assert "回复 4 第二个电话" in await wx.rep_says("zhangwei", "1")
    assert "请输入新的第二个电话" in await wx.rep_says("zhangwei", "4")
    done = await wx.rep_says("zhangwei", "0755-8888 6666")
    assert "第二个电话已从「（空）」改为「075588886666」" in done
    async with wx.app.uows() as uow:
        row = (await uow.session.scalars(select(Contact))).one()
    assert (row.phone, row.phone2) == ("13800000000", "075588886666")
