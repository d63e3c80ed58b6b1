"""Every text a user can read exists in Chinese and English with the same placeholders."""

from __future__ import annotations

import string

import bot.bootstrap  # noqa: F401  (imports every feature, so every text is registered)
from handlers.i18n import catalog, fmt_date, fmt_money, pick_lang

FORMATTER = string.Formatter()


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in FORMATTER.parse(text) if name}


def test_every_text_in_both_languages_with_the_same_fields() -> None:
    texts = catalog()
    assert len(texts) > 100
    for key, (zh, en) in texts.items():
        assert zh.strip(), key
        assert en.strip(), key
        assert _fields(zh) == _fields(en), key


def test_english_texts_hold_no_chinese() -> None:
    for key, (_zh, en) in catalog().items():
        if any("\u4e00" <= ch <= "\u9fff" for ch in en):
            assert key.startswith("lang."), f"{key}: the English text holds Chinese"


def test_formatting_helpers() -> None:
    from datetime import date
    from decimal import Decimal

    assert fmt_date(date(2026, 11, 25), "zh", 2026) == "11月25日 周三"
    assert fmt_date(date(2027, 1, 4), "en", 2026) == "Mon 04 Jan 2027"
    assert fmt_money(Decimal("500000"), "CNY", "zh") == "¥500,000"
    assert fmt_money(Decimal("1234.5"), "USD", "en") == "$1,234.50"
    assert pick_lang("zh-Hans", "en") == "zh"
    assert pick_lang("en-US", "zh") == "en"
    assert pick_lang("fr", "zh") == "zh"
