"""A manager's tools over WeCom, in Chinese: 变更记录, 设置, 分配规则, 时区."""

from __future__ import annotations

from tests.wechat.harness import WeChat


async def test_manager_tools_in_chinese(wx: WeChat) -> None:
    await wx.rep_says("xiaoli", f"/start {wx.invites['rep_a']}")
    await wx.rep_says("wangjl", f"/start {wx.invites['boss']}")
    await wx.rep_says("xiaoli", "/newcustomer 张三 13900000031 华为")
    trail = await wx.rep_says("wangjl", "变更记录 张三")
    assert "张三 的变更记录" in trail and "新建客户 张三" in trail
    assert "跟进节奏：A 类 7 天" in await wx.rep_says("wangjl", "设置")
    assert "rep_a 权重 1 · 上限 无 · 休假中" in await wx.rep_says("wangjl", "分配规则 请假 rep_a")
    assert "时区已设为 Asia/Shanghai" in await wx.rep_says("wangjl", "时区 成都")
