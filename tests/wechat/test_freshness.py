"""Callbacks signed too long ago or too far ahead are refused: no replaying a captured one."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.wechat.callbacks import FRESHNESS
from tests.wechat.harness import WeChat
from tests.wechat.test_security import _traces

LIMIT = FRESHNESS.total_seconds()


@pytest.mark.parametrize("skew", [-LIMIT - 1, LIMIT + 1, -86_400, 10**9])
async def test_stale_or_future_timestamps_are_403_and_store_nothing(
    wx_any: WeChat, skew: float
) -> None:
    wx = wx_any
    before = await _traces(wx)
    query, body = wx.wecom_request(wx.wecom_xml("rep", "/help"), skew=skew)
    response = await wx.http.post("/wechat/work", params=query, content=body.encode())
    assert response.status_code == 403
    for safe in (True, False):
        query, body = wx.oa_request(wx.oa_xml("oCustomer", "投诉"), safe=safe, skew=skew)
        response = await wx.http.post("/wechat/oa", params=query, content=body.encode())
        assert response.status_code == 403
    await wx.settled()
    assert await _traces(wx) == before
    assert not wx.api.calls  # nothing was answered either


@pytest.mark.parametrize("skew", [-LIMIT + 2, LIMIT - 2])
async def test_inside_the_window_is_handled(wx: WeChat, skew: float) -> None:
    query, body = wx.wecom_request(wx.wecom_xml("newbie", "你好"), skew=skew)
    response = await wx.http.post("/wechat/work", params=query, content=body.encode())
    assert response.status_code == 200
    await wx.settled()
    assert any("邀请码" in c.text for c in wx.api.sent("message/send", "newbie"))


async def test_a_captured_callback_replayed_later_is_refused(wx: WeChat) -> None:
    """Correctly signed and never seen before, but six minutes old: refused, not handled."""
    before = await _traces(wx)
    captured = wx.wecom_request(wx.wecom_xml("newbie", "你好"))
    captured_oa = wx.oa_request(wx.oa_xml("oCustomer", "我要投诉"))
    wx.clock.advance(FRESHNESS + timedelta(seconds=60))
    query, body = captured
    assert (await wx.http.post("/wechat/work", params=query, content=body)).status_code == 403
    query, body = captured_oa
    assert (await wx.http.post("/wechat/oa", params=query, content=body)).status_code == 403
    await wx.settled()
    assert await _traces(wx) == before and not wx.api.calls


async def test_url_checks_and_garbled_timestamps(wx: WeChat) -> None:
    query, body = wx.wecom_request("1234567890", skew=-LIMIT - 60)  # WeCom encrypts echostr
    echostr = body.split("<Encrypt><![CDATA[")[1].split("]]>")[0]
    response = await wx.http.get("/wechat/work", params={**query, "echostr": echostr})
    assert response.status_code == 403
    query, _ = wx.oa_request(wx.oa_xml("oA", "x"), safe=False, skew=LIMIT + 60)
    response = await wx.http.get("/wechat/oa", params={**query, "echostr": "e-1"})
    assert response.status_code == 403
    query, body = wx.oa_request(wx.oa_xml("oA", "x"), safe=False)
    for garbled in ("", "-5", "1e9", "９９", "9" * 40):
        bad = {**query, "timestamp": garbled}
        response = await wx.http.post("/wechat/oa", params=bad, content=body.encode())
        assert response.status_code == 403, garbled
