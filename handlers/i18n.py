"""Everything a user reads, in Chinese and English, and how dates and money are written."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from typing import Any

LANGS = ("zh", "en")
_CATALOG: dict[str, tuple[str, str]] = {}
_WEEKDAYS_ZH = "一二三四五六日"
_SYMBOLS = {"CNY": "¥", "USD": "$", "EUR": "€", "GBP": "£", "JPY": "JP¥", "HKD": "HK$"}


def add_texts(texts: dict[str, tuple[str, str]]) -> None:
    """Register a feature's (中文, English) texts; a key may be defined once."""
    clash = _CATALOG.keys() & texts.keys()
    if clash:
        raise KeyError(f"text keys defined twice: {sorted(clash)}")
    _CATALOG.update(texts)


def catalog() -> dict[str, tuple[str, str]]:
    return dict(_CATALOG)


# English texts are written for the plural ("in {days} days"); a count of one reads "in 1 day".
_ONE_OF = re.compile(
    r"(?<![\d.,])1 (day|week|month|year|hour|minute|customer|deal|reminder|lead|ticket|visit|"
    r"change|contact|message|payment|instalment|rep)s\b"
)


def t(lang: str, key: str, **values: Any) -> str:
    zh, en = _CATALOG[key]
    if lang == "zh":
        return zh.format(**values)
    return _ONE_OF.sub(r"1 \1", en.format(**values))


def pick_lang(locale: str | None, default: str) -> str:
    """A chat client's locale (zh-CN, en-US …) to one of our languages."""
    if locale:
        lowered = locale.lower()
        for lang in LANGS:
            if lowered.startswith(lang):
                return lang
    return default


def fmt_date(value: date, lang: str, this_year: int | None = None) -> str:
    """11月25日 周三 / Wed 25 Nov; the year only when it is not this year."""
    if lang == "zh":
        text = f"{value.month}月{value.day}日 周{_WEEKDAYS_ZH[value.weekday()]}"
        return text if value.year == this_year else f"{value.year}年{text}"
    text = value.strftime("%a %d %b")
    return text if value.year == this_year else f"{text} {value.year}"


def fmt_dt(
    value: datetime, lang: str, with_time: bool = True, this_year: int | None = None
) -> str:
    text = fmt_date(value.date(), lang, this_year)
    return f"{text} {value:%H:%M}" if with_time else text


def fmt_money(amount: Decimal | None, currency: str, lang: str) -> str:
    if amount is None:
        return "—"
    symbol = _SYMBOLS.get(currency, currency + " ")
    text = f"{amount:,.0f}" if amount == amount.to_integral_value() else f"{amount:,.2f}"
    return f"{symbol}{text}"


Totals = dict[str, Decimal]  # currency → amount: currencies are never added to each other


def add_to(totals: Totals, currency: str, amount: Decimal) -> None:
    totals[currency] = totals.get(currency, Decimal(0)) + amount


def fmt_totals(totals: Totals, lang: str) -> str:
    """¥500,000 + $20,000; ¥0 when there is nothing."""
    if not totals:
        return fmt_money(Decimal(0), "CNY", lang)
    return " + ".join(fmt_money(v, c, lang) for c, v in sorted(totals.items()))
