"""A rep on WeCom: join, log a visit, confirm by number, look a customer up; all delivered."""

from __future__ import annotations

from sqlalchemy import func, select

from store.models import Activity, Identity, InboxEntry
from tests.fakes.wechat_api import AGENT_ID
from tests.wechat.harness import WeChat


async def test_url_verification_echoes_the_decrypted_echostr(wx: WeChat) -> None:
    query, body = wx.wecom_request("1234567890123456789")  # WeCom encrypts the echostr
    echostr = body.split("<Encrypt><![CDATA[")[1].split("]]>")[0]
    response = await wx.http.get("/wechat/work", params={**query, "echostr": echostr})
    assert (response.status_code, response.text) == (200, "1234567890123456789")
    forged = {**query, "msg_signature": "0" * 40, "echostr": echostr}
    assert (await wx.http.get("/wechat/work", params=forged)).status_code == 403


async def test_rep_transcript_visit_confirmed_by_number(wx: WeChat) -> None:
    assert "邀请码" in await wx.rep_says("zhangwei", "你好")  # unknown: only the join prompt
    assert "欢迎加入" in await wx.rep_says("zhangwei", f"/start {wx.invites['rep_a']}")
    assert "已新建客户" in await wx.rep_says("zhangwei", "/newcustomer 张三 13900000031 华为")
    card = await wx.rep_says("zhangwei", "/visit 今天拜访华为张总，谈了报价，下周三回访")
    assert "请确认" in card and "张三" in card
    assert "回复 1 " in card and "回复 2 " in card  # choices as numbered lines
    saved = await wx.rep_says("zhangwei", "1")
    assert "已记录拜访" in saved
    profile = await wx.rep_says("zhangwei", "查客户 张三")
    assert "谈了报价" in profile and "方案报价" in profile
    async with wx.app.uows() as uow:
        activity = (await uow.session.scalars(select(Activity))).one()
        identity = (await uow.session.scalars(select(Identity))).one()
    assert activity.summary == "今天拜访华为张总，谈了报价，下周三回访"
    assert (identity.channel, identity.external_id) == ("wecom", "zhangwei")
    sends = wx.api.sent("message/send", "zhangwei")
    assert all(c.body["agentid"] == AGENT_ID and c.body["msgtype"] == "text" for c in sends)


async def test_menu_click_and_location_reach_the_router(wx: WeChat) -> None:
    await wx.rep_says("li", f"/start {wx.invites['rep_b']}")
    mark = len(wx.api.calls)
    click = wx.wecom_xml("li", MsgType="event", Event="click", EventKey="/help")
    assert (await wx.post_wecom(click)).status_code == 200
    await wx.settled()
    assert any("/visit" in c.text for c in wx.api.calls[mark:])
    where = wx.wecom_xml(
        "li",
        MsgType="location",
        Location_X="31.2304",
        Location_Y="121.4737",
        Scale=15,
        Label="上海市黄浦区",
        MsgId=42,
    )
    assert (await wx.post_wecom(where)).status_code == 200
    await wx.settled()
    async with wx.app.uows() as uow:
        keys = set((await uow.session.scalars(select(InboxEntry.dedupe_key))).all())
    assert "42" in keys  # the location went through the router, deduplicated by MsgId


async def test_retried_callback_is_handled_once(wx: WeChat) -> None:
    await wx.rep_says("wang", f"/start {wx.invites['rep_a']}")
    xml = wx.wecom_xml("wang", "/newcustomer 李四 13900000041 腾讯")
    for _ in range(3):  # WeChat's retries: same MsgId, fresh nonce and signature each time
        assert (await wx.post_wecom(xml)).status_code == 200
    await wx.settled()
    created = [c for c in wx.api.sent("message/send", "wang") if "已新建客户" in c.text]
    assert len(created) == 1
    async with wx.app.uows() as uow:
        rows = await uow.session.scalar(select(func.count(InboxEntry.id)))
    assert rows == 2  # the join and the one new-customer message
