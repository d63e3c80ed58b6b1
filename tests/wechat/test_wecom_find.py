"""/find on WeCom: the matches as text, customers picked by number, ▶ more by number too."""

from __future__ import annotations

from sqlalchemy import update

from store.models import Customer
from tests.wechat.harness import WeChat


async def test_find_then_pick_a_customer_by_number(wx: WeChat) -> None:
    await wx.rep_says("zhangwei", f"/start {wx.invites['rep_a']}")
    for i in range(9):
        await wx.rep_says("zhangwei", f"/newcustomer 客户{i} 1390000030{i} 公司{i}")
    async with wx.app.uows() as uow:
        await uow.session.execute(update(Customer).values(notes="[2026-11-20] 要普洱样品"))
        await uow.commit()
    listing = await wx.rep_says("zhangwei", "搜索 普洱样品")
    assert "提到「普洱样品」" in listing and "要普洱样品" in listing
    assert "回复 9 " in listing and "更多" in listing
    page2 = await wx.rep_says("zhangwei", "9")
    assert "第 2/2 页" in page2 and "客户0" in page2
    profile = await wx.rep_says("zhangwei", "1")
    assert "客户0" in profile and "要普洱样品" in profile
    fallback = await wx.rep_says("zhangwei", "查客户 样品")
    assert "文字匹配" in fallback and "没有叫「样品」的客户" in fallback
