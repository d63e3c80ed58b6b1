"""Editing a profile on WeCom: the menu and the values as numbered choices, in Chinese."""

from __future__ import annotations

from sqlalchemy import select

from store.models import Customer
from tests.wechat.harness import WeChat


async def test_edit_by_numbered_choices_and_sentences(wx: WeChat) -> None:
    await wx.rep_says("liuyang", f"/start {wx.invites['rep_a']}")
    await wx.rep_says("liuyang", "/newcustomer 刘洋 13900000301 比亚迪")
    menu = await wx.rep_says("liuyang", "/edit 刘洋")
    assert "要改哪一项" in menu and "回复 9 " in menu and "回复 15 " in menu
    choices = await wx.rep_says("liuyang", "9")  # 等级
    assert "回复 2 " in choices and "B 类" in choices
    assert "等级已从「C」改为「B」" in await wx.rep_says("liuyang", "2")
    assert "3-5（农历）" in await wx.rep_says("liuyang", "刘洋生日是农历三月初五")
    assert "这一天不存在" in await wx.rep_says("liuyang", "刘洋生日是2月30日")
    assert "已记到" in await wx.rep_says("liuyang", "刘洋喜欢喝普洱茶")
    async with wx.app.uows() as uow:
        customer = (await uow.session.scalars(select(Customer))).one()
    assert (customer.tier, customer.birthday_lunar) == ("B", True)
    assert (customer.notes or "").endswith("喜欢喝普洱茶")
