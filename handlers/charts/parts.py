"""Panels several charts share: deals per stage, and amounts per stage, one panel per currency.

Amounts in different currencies are never added: each currency gets its own panel (its own
scale), so ¥ and $ bars are never compared and no figure mixes the two.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from handlers.charts.draw import COLORS, MUTED, Panel, Row
from handlers.i18n import Totals, add_texts, fmt_money, t

MAX_ROWS = 15  # a phone scrolls, but a 60-rep org's chart would be a poster
MAX_CURRENCIES = 3

_CURRENCIES = {
    "CNY": ("人民币", "yuan"),
    "USD": ("美元", "US dollars"),
    "EUR": ("欧元", "euros"),
    "GBP": ("英镑", "pounds"),
    "JPY": ("日元", "yen"),
    "HKD": ("港币", "HK dollars"),
}

add_texts(
    {
        "ch.stages": ("各阶段商机数（进行中）", "Open deals per stage"),
        "ch.deals": ("{n} 个", "{n}"),
        "ch.amount": ("各阶段金额 · {currency}", "Amount per stage · {currency}"),
        "ch.currency": ("{name}（{code}）", "{code} ({name})"),
        "ch.each_currency": (
            "每种货币单独一栏，金额从不跨币种相加",
            "Each currency has its own panel: amounts are never added across currencies",
        ),
        "ch.more": ("……还有 {n} 项未列出", "… and {n} more not shown"),
        "ch.none": ("（暂无）", "(none)"),
        "ch.more_currencies": (
            "另有 {n} 种货币，见文字",
            "{n} more currencies: see the text",
        ),
        "ch.weighted": ("（加权 {amount}）", " (weighted {amount})"),
    }
)


@dataclass(frozen=True)
class StageBar:
    name: str  # in the reader's language
    count: int
    amounts: Totals  # per currency
    weighted: Totals | None = None


def currency_name(code: str, lang: str) -> str:
    zh, en = _CURRENCIES.get(code, (code, code))
    return t(lang, "ch.currency", name=zh if lang == "zh" else en, code=code)


def capped(rows: Sequence[Row], lang: str) -> list[Row]:
    """At most MAX_ROWS rows; the rest counted in a last, bar-less row."""
    if len(rows) <= MAX_ROWS:
        return list(rows)
    rest = len(rows) - MAX_ROWS
    return [*rows[:MAX_ROWS], Row(t(lang, "ch.more", n=rest), 0, "")]


def stage_panels(stages: Sequence[StageBar], lang: str) -> list[Panel]:
    """Counts per stage, then one amount panel per currency the stages hold."""
    counts = [Row(s.name, s.count, t(lang, "ch.deals", n=s.count)) for s in stages]
    panels = [Panel(t(lang, "ch.stages"), capped(counts, lang), empty=t(lang, "ch.none"))]
    currencies = sorted({c for s in stages for c in s.amounts})

    def rows(currency: str) -> list[Row]:
        held = [s for s in stages if currency in s.amounts]  # a ¥ panel lists ¥ stages only
        return [Row(s.name, float(s.amounts[currency]), _money(s, currency, lang)) for s in held]

    return panels + per_currency(
        currencies, lang, lambda c: t(lang, "ch.amount", currency=c), rows
    )


def _money(stage: StageBar, currency: str, lang: str) -> str:
    text = fmt_money(stage.amounts.get(currency), currency, lang)
    if stage.weighted and currency in stage.weighted:
        weighted = fmt_money(stage.weighted[currency], currency, lang)
        text += t(lang, "ch.weighted", amount=weighted)
    return text


def currency_note(totals: Sequence[Totals], lang: str) -> list[str]:
    """The reminder under a chart with more than one currency in it."""
    return [t(lang, "ch.each_currency")] if len({c for x in totals for c in x}) > 1 else []


def per_currency(
    currencies: Sequence[str],
    lang: str,
    title: Callable[[str], str],
    rows: Callable[[str], Sequence[Row]],
) -> list[Panel]:
    """One panel per currency, each with its own rows and scale; past MAX_CURRENCIES a line
    sends the reader to the text, so the image stays within Telegram's 10,000 px (w + h)."""
    panels = [
        Panel(title(currency_name(c, lang)), capped(rows(c), lang), COLORS[2 + i % 4])
        for i, c in enumerate(currencies[:MAX_CURRENCIES])
    ]
    rest = len(currencies) - MAX_CURRENCIES
    if rest > 0:
        panels.append(Panel(t(lang, "ch.more_currencies", n=rest), (), MUTED, empty=""))
    return panels
