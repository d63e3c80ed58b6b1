"""WeCom text cards: reminders and profiles arrive as cards whose button opens the whole message
on a read-only page of ours, behind a signed, expiring link; the rep still answers by number."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.wechat.card_links import CARD_PATH, CardLinks
from bot.wechat.cards import DESCRIPTION_BYTES, TITLE_BYTES
from jobs.context import JobContext
from jobs.reminders import deliver_due_reminders
from store.models import OutboxEntry
from tests.fakes.wechat_api import CORP_SECRET, Call
from tests.wechat.harness import WeChat, running
from tests.wechat.test_security import _traces

PUBLIC = "https://crm.example.com"
HOSTILE = '<script>alert("x")</script> & <img src=x>'


@pytest.fixture
async def wxc(engine: AsyncEngine) -> AsyncIterator[WeChat]:
    """Both channels on each backend, with a public URL: WeCom text cards on."""
    async with running(engine, public_url=PUBLIC) as harness:
        yield harness


def _cards(wx: WeChat, to: str) -> list[Call]:
    sent = wx.api.sent("message/send", to)
    cards = [c for c in sent if c.body["msgtype"] == "textcard"]
    for card in cards:  # every card keeps within WeCom's limits, and is escaped
        part = card.body["textcard"]
        assert len(part["title"].encode()) <= TITLE_BYTES
        assert len(part["description"].encode()) <= DESCRIPTION_BYTES
        assert "<script" not in part["description"] and "<img" not in part["description"]
    return cards


def _path(card: Call) -> str:
    url = str(card.body["textcard"]["url"])
    assert url.startswith(PUBLIC + CARD_PATH)
    return url.removeprefix(PUBLIC)


async def _profile_card(wx: WeChat, rep: str = "zhangwei") -> Call:
    await wx.rep_says(rep, f"/start {wx.invites['rep_a']}")
    await wx.rep_says(rep, "/newcustomer 张三 13900000031 华为")
    await wx.rep_says(rep, f"/visit 今天拜访华为张总，谈了报价，{HOSTILE}，下周三回访")
    await wx.rep_says(rep, "1")
    await wx.rep_says(rep, "查客户 张三")
    return _cards(wx, rep)[-1]


async def test_profile_card_opens_the_whole_profile_read_only(wxc: WeChat) -> None:
    wx = wxc
    card = await _profile_card(wx)
    part = card.body["textcard"]
    assert part["title"].startswith("👤 张三") and part["btntxt"] == "查看全文"
    assert "回复 1 " in part["description"] and "回复 2 " in part["description"]
    assert "&lt;script&gt;" in part["description"] or "…" in part["description"]

    before = await _traces(wx)
    page = await wx.http.get(_path(card))
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "谈了报价" in page.text and "方案报价" in page.text and "回复 1 " in page.text
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;img src=x&gt;" in page.text
    assert "<script" not in page.text and "<img" not in page.text
    csp = page.headers["content-security-policy"]
    assert "default-src 'none'" in csp and "script-src" not in csp and "unsafe" not in csp
    assert page.headers["cache-control"] == "no-store"
    assert page.headers["referrer-policy"] == "no-referrer"
    assert (await wx.http.post(_path(card))).status_code == 405  # nothing to change here
    assert await _traces(wx) == before  # reading it changed nothing

    assert "说说情况" in await wx.rep_says("zhangwei", "1")  # choice 1 on the card: log a visit


async def test_bad_expired_and_missing_links(wxc: WeChat) -> None:
    wx = wxc
    path = _path(await _profile_card(wx))
    forged = path[:-1] + ("A" if path[-1] != "A" else "B")
    other_key = CardLinks(PUBLIC, "another-secret", wx.clock, timedelta(hours=1))
    entry_id = int(path.removeprefix(CARD_PATH).split(".")[0])
    for bad in (forged, CARD_PATH + "abc", CARD_PATH + "1.2.3", _strip(other_key.url(entry_id))):
        page = await wx.http.get(bad)
        assert page.status_code == 403, bad
        assert "链接无效" in page.text and "Invalid link" in page.text
    later = _strip(CardLinks(PUBLIC, CORP_SECRET, wx.clock, timedelta(days=30)).url(entry_id))
    push = int(path.split(".")[1]) + 10  # one second past the original link's expiry
    wx.clock.advance(timedelta(seconds=push - wx.clock.now().timestamp()))
    page = await wx.http.get(path)
    assert page.status_code == 403 and "链接已过期" in page.text and "Link expired" in page.text
    assert "72" in page.text
    async with wx.app.uows() as uow:  # a valid link to a message that no longer exists
        row = await uow.session.get(OutboxEntry, entry_id)
        await uow.session.delete(row)
        await uow.commit()
    page = await wx.http.get(later)
    assert page.status_code == 404 and "内容不存在" in page.text and "Not found" in page.text


async def test_a_valid_link_to_another_channels_message_opens_nothing(wxc: WeChat) -> None:
    wx = wxc
    await wx.customer_event("oCustomer", "subscribe")
    async with wx.app.uows() as uow:
        oa_row = (await uow.session.scalars(select(OutboxEntry))).first()
    assert oa_row is not None and oa_row.channel == "wechat_oa"
    links = CardLinks(PUBLIC, CORP_SECRET, wx.clock, timedelta(hours=1))
    assert (await wx.http.get(_strip(links.url(oa_row.id)))).status_code == 404


def _strip(url: str) -> str:
    return url.removeprefix(PUBLIC)


async def test_reminder_card_in_the_readers_language(wxc: WeChat) -> None:
    wx = wxc
    await wx.rep_says("smith", f"/start {wx.invites['rep_b']}")
    await wx.rep_says("smith", "/lang en")
    await wx.rep_says("smith", f"/remind today 3pm call Mr Zhang about {HOSTILE}")
    wx.clock.advance(timedelta(hours=5, minutes=30))
    assert await deliver_due_reminders(JobContext(wx.app.uows, wx.clock)) == 1
    wx.runtime.wake()
    await wx.settled()
    [card] = _cards(wx, "smith")
    part = card.body["textcard"]
    assert part["title"].startswith("⏰ Reminder:") and "call Mr Zhang" in part["title"]
    assert part["btntxt"] == "View"
    assert re.search(r"Reply 1: .*Reply 4: ", part["description"])  # not "回复 1"
    page = await wx.http.get(_path(card))
    assert page.status_code == 200 and "Reply 4: " in page.text and "Read-only" in page.text
    assert '<html lang="en">' in page.text and "<script" not in page.text


async def test_without_a_public_url_everything_stays_text(wx: WeChat) -> None:
    await wx.rep_says("zhangwei", f"/start {wx.invites['rep_a']}")
    await wx.rep_says("zhangwei", "/newcustomer 张三 13900000031 华为")
    profile = await wx.rep_says("zhangwei", "查客户 张三")
    assert "👤 张三" in profile
    sends = wx.api.sent("message/send", "zhangwei")
    assert sends and all(c.body["msgtype"] == "text" for c in sends)
    assert (await wx.http.get(CARD_PATH + "1.2.3")).status_code == 404  # no such route


async def test_reminder_as_text_numbers_in_the_readers_language(wx: WeChat) -> None:
    """Jobs queue bodies without a language; the choices still read "Reply 1:" in English."""
    await wx.rep_says("smith", f"/start {wx.invites['rep_b']}")
    await wx.rep_says("smith", "/lang en")
    await wx.rep_says("smith", "/remind today 3pm call Mr Zhang")
    wx.clock.advance(timedelta(hours=5, minutes=30))
    assert await deliver_due_reminders(JobContext(wx.app.uows, wx.clock)) == 1
    wx.runtime.wake()
    await wx.settled()
    reminder = wx.api.sent("message/send", "smith")[-1]
    assert reminder.body["msgtype"] == "text" and "Reply 1: " in reminder.text
    assert "回复" not in reminder.text
