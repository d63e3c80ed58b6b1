"""Text cards within WeCom's byte limits whatever the content; links that only we can make."""

from __future__ import annotations

import html
import string
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

import bot.wechat.card_page
import bot.wechat.media  # registers the wxm.* texts
from bot.wechat.card_links import CARD_PATH, CardLinks, LinkRefused
from bot.wechat.cards import DESCRIPTION_BYTES, TITLE_BYTES, card_worthy, text_card
from handlers.clock import FixedClock
from handlers.i18n import catalog
from store.models import OutboxEntry

NOW = datetime(2026, 11, 23, 2, tzinfo=UTC)
LINKS = CardLinks("https://crm.example.com/", "wecom-secret", FixedClock(NOW), timedelta(hours=72))


def _entry(body: dict[str, Any], key: str = "reminder:1:2026-11-23") -> OutboxEntry:
    return OutboxEntry(id=41, channel="wecom", recipient="rep", body=body, idempotency_key=key)


def _choices(n: int) -> list[list[str]]:
    return [[f"选项{i} & <b>", f"rm:done:{i}"] for i in range(n)]


@pytest.mark.parametrize("filler", ["长", "&", "<>", "a"])
def test_long_and_hostile_content_stays_within_limits(filler: str) -> None:
    text = "\n".join([filler * 300, *(f"第{i}行 {filler * 40}" for i in range(30))])
    body = {"text": text, "choices": _choices(4), "lang": "zh"}
    card = text_card(_entry(body), body, LINKS)
    assert card is not None
    assert len(card.title.encode()) <= TITLE_BYTES and card.title.endswith("…")
    assert len(card.description.encode()) <= DESCRIPTION_BYTES
    assert all(f"回复 {n} 选项{n - 1} &amp; &lt;b&gt;" in card.description for n in (1, 2, 3, 4))
    outside_markup = card.description
    for tag in ('<div class="normal">', '<div class="highlight">', "</div>", "<br>"):
        outside_markup = outside_markup.replace(tag, "")
    assert "<" not in outside_markup and ">" not in outside_markup  # user text is escaped
    assert html.unescape(outside_markup).count("&") == outside_markup.count("&amp;")


def test_too_many_choices_fall_back_to_text() -> None:
    body = {"text": "⏰ 提醒\n内容", "choices": _choices(40), "lang": "zh"}
    assert text_card(_entry(body), body, LINKS) is None


def test_which_messages_become_cards() -> None:
    assert card_worthy(_entry({"text": "x"}))
    profile = {"text": "👤 张三", "choices": [["记录拜访", "vi:for:3"], ["新建商机", "dl:new:3"]]}
    assert card_worthy(_entry(profile, "wecom:123:0"))
    assert not card_worthy(_entry({"text": "你好", "choices": _choices(2)}, "wecom:124:0"))


def test_links_open_once_signed_and_until_they_expire() -> None:
    url = LINKS.url(41)
    assert url.startswith("https://crm.example.com" + CARD_PATH + "41.")
    token = url.rsplit("/", 1)[1]
    assert LINKS.check(token) == 41
    entry_id, expires, sig = token.split(".")
    for forged in (
        f"42.{expires}.{sig}",  # another message
        f"{entry_id}.{int(expires) + 86400}.{sig}",  # a longer life
        f"{entry_id}.{expires}.{sig[:-1]}{'A' if sig[-1] != 'A' else 'B'}",
        f"{entry_id}.{expires}.{sig}=",
        f"{entry_id}.{expires}",
        "",
    ):
        with pytest.raises(LinkRefused, match="invalid"):
            LINKS.check(forged)
    in_73_hours = FixedClock(NOW + timedelta(hours=73))
    later = CardLinks("https://x", "wecom-secret", in_73_hours, LINKS.ttl)
    with pytest.raises(LinkRefused, match="expired"):
        later.check(token)
    other = CardLinks("https://x", "rotated-secret", FixedClock(NOW), LINKS.ttl)
    with pytest.raises(LinkRefused, match="invalid"):
        other.check(token)


def test_card_texts_in_both_languages() -> None:
    formatter = string.Formatter()
    ours = {k: v for k, v in catalog().items() if k.startswith(("wxc.", "wxm."))}
    assert len(ours) >= 9
    for key, (zh, en) in ours.items():
        fields = [{n for _, n, _, _ in formatter.parse(s) if n} for s in (zh, en)]
        assert fields[0] == fields[1], key
        assert not any("\u4e00" <= ch <= "\u9fff" for ch in en), key
    assert bot.wechat.card_page.HEADERS["Cache-Control"] == "no-store"
