"""Files, voice and location through WeCom (real wechatpy crypto, the fake API): /export as a
file message (media/upload, then msgtype file), a table sent as a file message downloaded
with media/get and imported, voice notes answered, a location landing on the visit; and the
Official Account's voice recognition."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from handlers.services.ops.tabular import read_table_bytes
from store.models import Activity, Customer
from tests.wechat.harness import WeChat


async def _sends(wx: WeChat, user: str, **fields: Any) -> list[tuple[str, str]]:
    """What the rep receives for one message of any type: (msgtype, text) in order."""
    mark = len(wx.api.calls)
    response = await wx.post_wecom(wx.wecom_xml(user, None, MsgId=next(wx._ids), **fields))
    assert response.status_code == 200, response.text
    await wx.settled()
    calls = [c for c in wx.api.calls[mark:] if c.path == "message/send" and c.to == user]
    return [(c.body["msgtype"], c.text) for c in calls]


def _uploaded(wx: WeChat, text: str) -> tuple[str, bytes]:
    return wx.api.uploads[text.removeprefix("[file ").removesuffix("]")]


async def test_export_arrives_as_a_file_message(wx: WeChat) -> None:
    await wx.rep_says("boss", f"/start {wx.invites['boss']}")
    await wx.rep_says("boss", "/newcustomer 张三 13900000031 华为")
    mark = len(wx.api.calls)
    await wx.rep_says("boss", "导出 客户")
    sent = [c for c in wx.api.calls[mark:] if c.path == "message/send"]
    assert [c.body["msgtype"] for c in sent] == ["text", "file"]
    assert "customers-20261123.xlsx：1 行" in sent[0].text
    [upload] = [c for c in wx.api.calls[mark:] if c.path == "media/upload"]
    assert upload.query["type"] == "file" and upload.body["filename"] == "customers-20261123.xlsx"
    _name, data = _uploaded(wx, sent[1].text)
    table = list(read_table_bytes(data, xlsx=True))
    assert table[1][table[0].index("name")] == "张三"


async def test_a_failed_upload_sends_nothing_and_the_retry_sends_each_part_once(
    wx: WeChat,
) -> None:
    """The file is uploaded before its words go out: WeCom busy on the upload must not leave
    the rep with the text now and the same text again when the retry gets the file through."""
    await wx.rep_says("boss", f"/start {wx.invites['boss']}")
    await wx.rep_says("boss", "/newcustomer 张三 13900000031 华为")
    wx.api.busy_uploads = 1
    mark = len(wx.api.calls)
    await wx.rep_says("boss", "导出 客户")
    calls = wx.api.calls[mark:]
    assert [c.path for c in calls if c.path == "media/upload"] == ["media/upload"] * 2
    sent = [c for c in calls if c.path == "message/send"]
    assert [c.body["msgtype"] for c in sent] == ["text", "file"]


async def test_import_by_sending_a_file_message(wx: WeChat) -> None:
    await wx.rep_says("boss", f"/start {wx.invites['boss']}")
    await wx.rep_says("boss", "/lang en")
    wx.api.media["FILE-1"] = (b"name,phone\nAnn,13912345678\nBad,12\n", "text/plain")
    [(kind, preview)] = await _sends(
        wx, "boss", MsgType="file", MediaId="FILE-1", FileName="leads.csv", FileSize=40
    )
    assert kind == "text" and "1 new customers, 0 already exist, 1 rows have problems" in preview
    assert "Reply 2: Skip the duplicates" in preview
    sends = await _sends(wx, "boss", MsgType="text", Content="2")
    assert [k for k, _ in sends] == ["text", "file"]
    assert "1 created" in sends[0][1] and "row 3: not a phone number" in sends[0][1]
    name, data = _uploaded(wx, sends[1][1])
    assert name == "rejects-leads.csv" and b"not a phone number" in data
    async with wx.app.uows() as uow:
        assert [c.name for c in (await uow.session.scalars(select(Customer))).all()] == ["Ann"]


async def test_refused_files_and_voice(wx: WeChat) -> None:
    await wx.rep_says("rep", f"/start {wx.invites['rep_a']}")
    await wx.rep_says("boss", f"/start {wx.invites['boss']}")
    big = {"MsgType": "file", "MediaId": "FILE-big", "FileName": "a.xlsx", "FileSize": 30 << 20}
    [(_, said)] = await _sends(wx, "boss", **big)
    assert "超过 20 MB" in said and not [c for c in wx.api.calls if c.path == "media/get"]
    gone = {"MsgType": "file", "MediaId": "FILE-gone", "FileName": "a.xlsx", "FileSize": 99}
    [(_, said)] = await _sends(wx, "boss", **gone)
    assert "没能取到这个文件" in said  # 40007 from media/get: nothing imported
    [(_, said)] = await _sends(wx, "rep", **gone)
    assert "经理或管理员" in said
    [(_, said)] = await _sends(wx, "rep", MsgType="voice", MediaId="V-1", Format="amr")
    assert "请把内容打字发给我" in said


async def test_location_lands_on_the_visit_being_logged(wx: WeChat) -> None:
    await wx.rep_says("li", f"/start {wx.invites['rep_b']}")
    await wx.rep_says("li", "/newcustomer 赵六 13900000066 小米")
    assert "请确认" in await wx.rep_says("li", "/visit 今天拜访赵六，聊了续约")
    where = {"MsgType": "location", "Location_X": "31.2304", "Location_Y": "121.4737",
             "Scale": 15, "Label": "上海市黄浦区"}  # fmt: skip
    [(_, card)] = await _sends(wx, "li", **where)
    assert "请确认" in card and "📍" in card
    assert "已记录拜访" in await wx.rep_says("li", "1")
    async with wx.app.uows() as uow:
        activity = (await uow.session.scalars(select(Activity))).one()
    assert activity.location == "31.230400,121.473700"  # as Telegram's are written
    for x, y in (("abc", "121.4"), ("91", "121.4"), ("nan", "1"), ("31.2", "")):
        assert await _sends(wx, "li", MsgType="location", Location_X=x, Location_Y=y) == []


async def test_oa_voice_uses_wechats_recognition(wx: WeChat) -> None:
    heard = wx.oa_xml(
        "oVoice", MsgType="voice", MediaId="m1", Format="amr", Recognition="人工服务",
        MsgId=next(wx._ids),
    )  # fmt: skip
    answer = await wx._customer(heard, "oVoice", True)
    assert "人工" in answer or "客服" in answer
    silent = wx.oa_xml("oVoice", MsgType="voice", MediaId="m2", Format="amr", MsgId=next(wx._ids))
    assert "请打字" in await wx._customer(silent, "oVoice", True)


async def test_a_manager_gets_the_digest_chart_as_an_image_message(wx: WeChat) -> None:
    await wx.rep_says("boss", f"/start {wx.invites['boss']}")
    await wx.rep_says("xiaoli", f"/start {wx.invites['rep_a']}")
    await wx.rep_says("xiaoli", "/newcustomer 张三 13900000031 华为")
    await wx.rep_says("xiaoli", "/visit 今天拜访张三，谈了报价")
    await wx.rep_says("xiaoli", "1")
    mark = len(wx.api.calls)
    await wx.rep_says("boss", "/digest")
    sent = [c for c in wx.api.calls[mark:] if c.path == "message/send" and c.to == "boss"]
    assert sent[-1].body["msgtype"] == "image"  # the chart, after the digest's words
    assert "日报" in sent[0].text
    [upload] = [c for c in wx.api.calls[mark:] if c.path == "media/upload"]
    assert upload.query["type"] == "image" and upload.ok
    _name, png = wx.api.uploads[sent[-1].text.removeprefix("[image ").removesuffix("]")]
    assert png.startswith(b"\x89PNG")
