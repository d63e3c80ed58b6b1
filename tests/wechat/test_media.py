"""A rep's WeCom photo outlives its 3-day MediaId: downloaded through media/get, kept in the
database, audited. Too big or undownloadable: the rep is told, and the visit is still logged."""

from __future__ import annotations

import hashlib
import itertools
import os

import pytest
from sqlalchemy import select

from bot.wechat.media import MAX_PHOTO
from store.models import Activity, AuditLog, MediaFile
from tests.wechat.harness import WeChat

JPEG = b"\xff\xd8\xff\xe0" + os.urandom(300_000)  # a few hundred KB, like a phone photo
_ids = itertools.count(880_000_000_000)


async def _rep_logging_a_visit(wx: WeChat, rep: str, lang: str = "") -> None:
    await wx.rep_says(rep, f"/start {wx.invites['rep_a']}")
    if lang:
        await wx.rep_says(rep, f"/lang {lang}")
    await wx.rep_says(rep, "/newcustomer 张三 13900000031 华为")
    await wx.rep_says(rep, "/visit 今天拜访华为张总，谈了报价")


async def _photo(wx: WeChat, rep: str, media_id: str) -> str:
    """What the rep reads after sending a photo from the phone's album."""
    mark = len(wx.api.calls)
    xml = wx.wecom_xml(
        rep, MsgType="image", PicUrl="https://wework.qpic.cn/x", MediaId=media_id, MsgId=next(_ids)
    )
    assert (await wx.post_wecom(xml)).status_code == 200
    await wx.settled()
    calls = wx.api.calls[mark:]
    return "\n\n".join(c.text for c in calls if c.path == "message/send" and c.to == rep)


async def _kept(wx: WeChat) -> list[MediaFile]:
    async with wx.app.uows() as uow:
        return list((await uow.session.scalars(select(MediaFile))).all())


async def test_photo_is_kept_after_wecom_forgets_it(wx_any: WeChat) -> None:
    wx = wx_any
    await _rep_logging_a_visit(wx, "zhangwei")
    wx.api.media["MEDIA_1"] = (JPEG, "image/jpeg")
    card = await _photo(wx, "zhangwei", "MEDIA_1")
    assert "已附照片" in card and "没有保存" not in card
    assert "已记录拜访" in await wx.rep_says("zhangwei", "1")
    wx.api.media.clear()  # three days later WeCom answers 40007 for it
    async with wx.app.uows() as uow:
        activity = (await uow.session.scalars(select(Activity))).one()
        assert activity.photo == "MEDIA_1"
        kept = await uow.wecom.media("wecom", activity.photo)
        audit = (
            await uow.session.scalars(select(AuditLog).where(AuditLog.action == "media.keep"))
        ).one()
    assert kept is not None and kept.data == JPEG and kept.content_type == "image/jpeg"
    assert kept.size == len(JPEG) and kept.sha256 == hashlib.sha256(JPEG).hexdigest()
    assert audit.entity_id == kept.id and audit.after is not None
    assert audit.after["sha256"] == kept.sha256 and "data" not in audit.after


@pytest.mark.parametrize("chunked", [False, True], ids=["declared-size", "streamed"])
async def test_too_big_photo_is_refused_and_the_visit_still_logged(
    wx: WeChat, chunked: bool
) -> None:
    await _rep_logging_a_visit(wx, "zhangwei")
    wx.api.media_chunked = chunked
    wx.api.media["HUGE"] = (b"\xff\xd8" + b"\0" * MAX_PHOTO, "image/jpeg")
    answer = await _photo(wx, "zhangwei", "HUGE")
    assert "超过 10 MB" in answer and "没有保存" in answer
    assert "已记录拜访" in await wx.rep_says("zhangwei", "1")
    async with wx.app.uows() as uow:
        assert (await uow.session.scalars(select(Activity))).one().summary
    assert await _kept(wx) == []


@pytest.mark.parametrize("problem", ["expired-media-id", "not-an-image"])
async def test_failed_download_is_explained_in_the_reps_language(wx: WeChat, problem: str) -> None:
    await _rep_logging_a_visit(wx, "smith", lang="en")
    if problem == "not-an-image":
        wx.api.media["ODD"] = (b"<html>login</html>", "text/html")
    answer = await _photo(wx, "smith", "ODD")
    assert "could not be downloaded" in answer and "was not saved" in answer
    assert "Logged visit" in await wx.rep_says("smith", "1")
    assert await _kept(wx) == []


async def test_a_rejected_token_is_replaced_and_the_download_retried(wx: WeChat) -> None:
    await _rep_logging_a_visit(wx, "zhangwei")
    wx.api.media["MEDIA_2"] = (JPEG, "image/png")
    wx.api.expire_tokens()
    assert "没有保存" not in await _photo(wx, "zhangwei", "MEDIA_2")
    [kept] = await _kept(wx)
    assert kept.content_type == "image/png"
    answers = [c.answer["errcode"] for c in wx.api.calls if c.path == "media/get"]
    assert answers == [42001, 0]


async def test_retried_callback_downloads_once(wx: WeChat) -> None:
    await _rep_logging_a_visit(wx, "zhangwei")
    wx.api.media["MEDIA_3"] = (JPEG, "image/jpeg")
    xml = wx.wecom_xml("zhangwei", MsgType="image", MediaId="MEDIA_3", MsgId=next(_ids))
    for _ in range(3):
        assert (await wx.post_wecom(xml)).status_code == 200
    await wx.settled()
    assert len([c for c in wx.api.calls if c.path == "media/get"]) == 1
    assert len(await _kept(wx)) == 1


async def test_a_strangers_photo_is_not_downloaded(wx: WeChat) -> None:
    wx.api.media["MEDIA_4"] = (JPEG, "image/jpeg")
    assert "邀请码" in await _photo(wx, "stranger", "MEDIA_4")
    assert not [c for c in wx.api.calls if c.path == "media/get"]
    assert await _kept(wx) == []
