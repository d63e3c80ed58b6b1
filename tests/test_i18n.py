"""Every text a user can read exists in Chinese and English with the same placeholders."""

from __future__ import annotations

import importlib
import pkgutil
import string
import sys
from pathlib import Path

from handlers.i18n import catalog, fmt_date, fmt_money, pick_lang

FORMATTER = string.Formatter()
ROOT = Path(__file__).resolve().parents[1]
LAYERS = ("bot", "handlers", "jobs")


def _import_everything() -> None:
    """Texts register when their module is imported: import every module, so the catalog
    is whole whatever this test process happened to import before."""
    for layer in LAYERS:
        package = importlib.import_module(layer)
        for found in pkgutil.walk_packages(package.__path__, f"{layer}."):
            importlib.import_module(found.name)


_import_everything()


def test_every_module_with_texts_was_imported() -> None:
    with_texts = {
        ".".join(path.relative_to(ROOT).with_suffix("").parts)
        for layer in LAYERS
        for path in (ROOT / layer).rglob("*.py")
        if "add_texts(" in path.read_text("utf-8")
    }
    assert len(with_texts) > 20
    assert with_texts - {"handlers.i18n"} <= set(sys.modules)


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


def test_english_counts_of_one_read_singular() -> None:
    from handlers.chat import cards  # noqa: F401  (registers card.last_contact)
    from handlers.i18n import t

    assert "goes back to the team pool in 1 day:" in t(
        "en", "pool.warn", name="Li", days=1, why="x", fixes="y"
    )
    assert "in 2 days" in t("en", "pool.warn", name="Li", days=2, why="x", fixes="y")
    assert "（1 天前）" in t("zh", "card.last_contact", when="周一", days=1)
    assert "(11 days ago)" in t("en", "card.last_contact", when="Mon", days=11)
    assert "(1 day ago)" in t("en", "card.last_contact", when="Mon", days=1)
