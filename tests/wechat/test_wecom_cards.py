"""A business-card photo through WeCom (real wechatpy crypto, the fake API): the image message's
MediaId is fetched with media/get, read by the real OCR engine, shown with numbered choices,
corrected and saved; in Chinese and in English."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from store.models import Customer, MediaFile
from tests.card_images import card_photo
from tests.wechat.harness import QUICK_INBOX, WeChat, running

pytestmark = pytest.mark.slow  # OCR: a second or more a photo


@pytest.fixture
async def wx(sqlite_engine: AsyncEngine) -> AsyncIterator[WeChat]:
    """WeCom with the inbox's real grace (15 s) before it tries an unfinished message again:
    the test harness's 0.2 s is shorter than reading a card, and a second handling would
    download the photo again (its effects still happen once)."""
    async with running(sqlite_engine, inbox_policy=replace(QUICK_INBOX, grace=15.0)) as harness:
        yield harness


async def _photo(wx: WeChat, user: str, media_id: str, png: bytes) -> str:
    """What the rep reads back after sending a photo: WeCom's image message."""
    wx.api.media[media_id] = (png, "image/png")
    mark = len(wx.api.calls)
    xml = wx.wecom_xml(
        user, None, MsgType="image", PicUrl="http://p.test/x.png", MediaId=media_id,
        MsgId=next(wx._ids),
    )  # fmt: skip
    response = await wx.post_wecom(xml)
    assert response.status_code == 200, response.text
    await wx.settled()
    calls = wx.api.calls[mark:]
    # read for the card and kept (media_file, as every WeCom photo: MediaIds expire) from
    # one download
    assert [c.query.get("media_id") for c in calls if c.path == "media/get"] == [media_id]
    return "\n\n".join(c.text for c in calls if c.path == "message/send" and c.to == user)


async def _customers(wx: WeChat) -> list[Customer]:
    async with wx.app.uows() as uow:
        return list(await uow.session.scalars(select(Customer).order_by(Customer.id)))


async def test_a_card_photo_is_read_corrected_and_saved_in_chinese(wx: WeChat) -> None:
    await wx.rep_says("rep_a", f"/start {wx.invites['rep_a']}")
    png, truth = card_photo(21, en=False, layout=2)
    card = await _photo(wx, "rep_a", "MEDIA-zh", png)
    assert "名片上读到的" in card and "回复 2 ✏️ 修改" in card
    for value in (truth.name, truth.company, truth.title, truth.email, truth.phones[0][0]):
        assert str(value) in card, (value, card)
    assert "回复 5 邮箱" in await wx.rep_says("rep_a", "2")
    assert "新的邮箱" in await wx.rep_says("rep_a", "5")
    edited = await wx.rep_says("rep_a", "zhang.na@ruida.cn")
    assert "邮箱：zhang.na@ruida.cn" in edited and "回复 1 ✅ 保存为新客户" in edited
    saved = await wx.rep_says("rep_a", "1")
    assert "已新建客户" in saved and truth.name in saved
    async with wx.app.uows() as uow:
        kept = (await uow.session.execute(select(MediaFile.external_id, MediaFile.data))).all()
    assert [tuple(row) for row in kept] == [("MEDIA-zh", png)]
    [customer] = await _customers(wx)
    assert (customer.name, customer.company) == (truth.name, truth.company)
    assert customer.email == "zhang.na@ruida.cn"


async def test_card_command_then_photo_in_english(wx: WeChat) -> None:
    await wx.rep_says("rep_a", f"/start {wx.invites['rep_a']}")
    await wx.rep_says("rep_a", "/lang en")
    assert "Send a photo of the business card" in await wx.rep_says("rep_a", "/card")
    png, truth = card_photo(22, en=True, layout=3)
    card = await _photo(wx, "rep_a", "MEDIA-en", png)
    assert "Read from the card" in card and truth.name in card and str(truth.email) in card
    assert "Reply 1: ✅ Save as new customer" in card and "Visit photo" not in card
    saved = await wx.rep_says("rep_a", "1")
    assert "Customer added" in saved and truth.name in saved
    [customer] = await _customers(wx)
    assert (customer.name, customer.email) == (truth.name, truth.email)
