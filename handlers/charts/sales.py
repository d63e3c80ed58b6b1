"""Charts for /funnel (reach, conversion, days in stage), /leaderboard and /pipeline."""

from __future__ import annotations

from collections.abc import Sequence

from handlers.charts.draw import COLORS, Chart, Panel, Row
from handlers.charts.parts import StageBar, capped, currency_note, per_currency, stage_panels
from handlers.i18n import add_texts, fmt_money, t
from handlers.services.ops.funnel import Funnel, RepFigures

add_texts(
    {
        "ch.fn_title": (
            "销售漏斗 · 最近 {days} 天新建的商机",
            "Sales funnel · deals created in the last {days} days",
        ),
        "ch.fn_reached": (
            "到达各阶段的商机数与转化率",
            "Deals reaching each stage, and moving on",
        ),
        "ch.fn_row": ("{n} 个 · {pct} 进入下一阶段", "{n} · {pct} moved on"),
        "ch.fn_last": ("{n} 个", "{n}"),
        "ch.fn_days": ("各阶段平均停留天数", "Average days in each stage"),
        "ch.fn_day_n": ("{d} 天", "{d} days"),
        "ch.fn_closed": (
            "成交 {won} 单 · 输单 {lost} 单 · 赢单率 {rate}",
            "Won {won} · lost {lost} · win rate {rate}",
        ),
        "ch.lb_title": ("排行榜 · 最近 {days} 天", "Leaderboard · last {days} days"),
        "ch.lb_amount": ("赢单金额 · {currency}", "Won amount · {currency}"),
        "ch.lb_amount_row": ("{amount} · {n} 单", "{amount} · {n} won"),
        "ch.lb_won": ("赢单数与赢单率", "Deals won and win rate"),
        "ch.lb_won_row": ("{n} 单 · 赢单率 {rate}", "{n} won · win rate {rate}"),
        "ch.pl_title": ("进行中的商机（{scope}）", "Open deals ({scope})"),
    }
)


def pct(value: float | None) -> str:
    return "—" if value is None else f"{round(value * 100)}%"


def funnel_chart(result: Funnel, days: int, lang: str) -> Chart:
    reached, stays = [], []
    for i, (key, n) in enumerate(result.reached):
        name = result.pipe.name(key, lang)
        last = i + 1 == len(result.reached)
        text = t(lang, "ch.fn_last" if last else "ch.fn_row", n=n, pct=pct(result.conversion(i)))
        reached.append(Row(name, n, text))
        stay = result.days_in.get(key)
        stay_text = "—" if stay is None else t(lang, "ch.fn_day_n", d=round(stay, 1))
        stays.append(Row(name, stay or 0.0, stay_text))
    total = result.total
    closed = t(lang, "ch.fn_closed", won=total.won, lost=total.lost, rate=pct(total.win_rate))
    panels = [
        Panel(t(lang, "ch.fn_reached"), capped(reached, lang), empty=t(lang, "ch.none")),
        Panel(t(lang, "ch.fn_days"), capped(stays, lang), COLORS[2], empty=t(lang, "ch.none")),
    ]
    return Chart(t(lang, "ch.fn_title", days=days), panels, subtitle=closed)


def leaderboard_chart(
    ranked: Sequence[tuple[str, RepFigures]], main: str, days: int, lang: str
) -> Chart:
    """Won amounts per currency (the ranking's currency first), then deals won per rep."""
    currencies = sorted({c for _, r in ranked for c in r.amounts}, key=lambda c: (c != main, c))

    def rows(currency: str) -> list[Row]:
        holders = [(name, r) for name, r in ranked if currency in r.amounts]
        holders.sort(key=lambda nr: -nr[1].amounts[currency])
        return [
            Row(name, float(r.amounts[currency]), _won_amount(r, currency, lang))
            for name, r in holders
        ]

    panels = per_currency(currencies, lang, lambda c: t(lang, "ch.lb_amount", currency=c), rows)
    won = [
        Row(name, r.won, t(lang, "ch.lb_won_row", n=r.won, rate=pct(r.win_rate)))
        for name, r in ranked
    ]
    panels.append(Panel(t(lang, "ch.lb_won"), capped(won, lang), COLORS[0]))
    notes = currency_note([r.amounts for _, r in ranked], lang)
    return Chart(t(lang, "ch.lb_title", days=days), panels, notes=notes)


def _won_amount(rep: RepFigures, currency: str, lang: str) -> str:
    """The amount and the won deals priced in that currency (a $ deal is not a ¥ one)."""
    amount = fmt_money(rep.amounts[currency], currency, lang)
    return t(lang, "ch.lb_amount_row", amount=amount, n=rep.priced.get(currency, 0))


def pipeline_chart(stages: Sequence[StageBar], scope: str, lang: str) -> Chart:
    notes = currency_note([s.amounts for s in stages], lang)
    return Chart(t(lang, "ch.pl_title", scope=scope), stage_panels(stages, lang), notes=notes)
