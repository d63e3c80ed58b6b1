"""The manager digest's chart: the team's open deals per stage (counts, then amounts per
currency) and each rep's visits; the weekly summary adds the week's won deals per rep."""

from __future__ import annotations

from datetime import timedelta

from handlers.charts.draw import COLORS, Chart, Panel, Row
from handlers.charts.parts import StageBar, capped, currency_note, stage_panels
from handlers.i18n import add_texts, fmt_date, t
from handlers.services.digest import CHART_DAYS, Digest, RepFigures

add_texts(
    {
        "ch.dg_title": ("{team} 日报", "{team} daily digest"),
        "ch.dg_title_week": ("{team} 周报", "{team} weekly"),
        "ch.dg_day": ("{day}", "{day}"),
        "ch.dg_week": ("{first} 至 {day}", "{first} – {day}"),
        "ch.visits_14d": (
            "近 {days} 天拜访次数（每人）",
            "Visits per rep, last {days} days",
        ),
        "ch.visits_week": ("本周拜访次数（每人）", "Visits per rep this week"),
        "ch.won_week": ("本周赢单数（每人）", "Deals won per rep this week"),
        "ch.visits_n": ("{n} 次", "{n}"),
        "ch.won_n": ("{n} 单", "{n}"),
        "ch.no_reps": ("（没有销售成员）", "(no reps)"),
    }
)


def digest_chart(digest: Digest, lang: str) -> Chart:
    w = digest.window
    day = fmt_date(w.today - timedelta(days=1), lang)
    stages = [
        StageBar(digest.pipeline.name(s.key, lang), s.count, s.amount, s.weighted)
        for s in digest.stages
    ]
    panels = stage_panels(stages, lang)
    reps = digest.reps
    if w.days == 1:
        title = t(lang, "ch.dg_title", team=digest.title)
        subtitle = t(lang, "ch.dg_day", day=day)
        visits = t(lang, "ch.visits_14d", days=CHART_DAYS)
        panels.append(_per_rep(reps, "visits_14d", visits, "ch.visits_n", lang, COLORS[1]))
    else:
        title = t(lang, "ch.dg_title_week", team=digest.title)
        subtitle = t(lang, "ch.dg_week", first=fmt_date(w.start().date(), lang), day=day)
        visits = t(lang, "ch.visits_week")
        panels.append(_per_rep(reps, "visits", visits, "ch.visits_n", lang, COLORS[1]))
        panels.append(_per_rep(reps, "won", t(lang, "ch.won_week"), "ch.won_n", lang, COLORS[0]))
    notes = currency_note([s.amount for s in digest.stages], lang)
    return Chart(title, panels, subtitle=subtitle, notes=notes)


def _per_rep(
    reps: list[RepFigures], figure: str, title: str, unit: str, lang: str, color: str
) -> Panel:
    """Reps by the figure, most first; ties by name so the order is stable."""
    ranked = sorted(reps, key=lambda r: (-getattr(r, figure), r.user.name))
    rows = [
        Row(r.user.name, getattr(r, figure), t(lang, unit, n=getattr(r, figure))) for r in ranked
    ]
    return Panel(title, capped(rows, lang), color, empty=t(lang, "ch.no_reps"))
