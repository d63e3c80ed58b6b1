"""The digest as text: exceptions first, then everyone else, then the team's pipeline."""

from __future__ import annotations

from datetime import datetime, timedelta

from handlers.charts.digest import digest_chart
from handlers.charts.draw import png
from handlers.i18n import Totals, add_texts, add_to, fmt_date, fmt_totals, t
from handlers.messages import Reply
from handlers.services.digest import Digest, RepFigures, StageFigures

STALE_LISTED = 10  # the digest names at most this many stale deals; the count covers all

add_texts(
    {
        "dg.title": ("📊 {team} 日报 · {day}", "📊 {team} daily digest · {day}"),
        "dg.title_week": (
            "📊 {team} 周报 · {first} 至 {day}",
            "📊 {team} weekly · {first} – {day}",
        ),
        "dg.late": (
            "（迟到的日报：本应在 {when} 发出）",
            "(late digest: it was due at {when})",
        ),
        "dg.attention": ("⚠️ 需要关注：", "⚠️ Needs attention:"),
        "dg.others": ("其他成员：", "Everyone else:"),
        "dg.no_reps": ("（没有销售成员）", "(no reps)"),
        "dg.rep": (
            "• {name}：拜访 {visits} · 新客户 {new} · 推进 {moved} · 赢单 {won} · 输单 {lost}",
            "• {name}: visits {visits} · new customers {new} · moved {moved} · won {won}"
            " · lost {lost}",
        ),
        "dg.rep_flags": (
            "  ↳ 逾期跟进 {overdue} · 停滞商机 {stale} · 逾期回款 {pay}",
            "  ↳ overdue follow-ups {overdue} · stale deals {stale} · payments overdue {pay}",
        ),
        "dg.pipeline": ("团队漏斗（进行中）：", "Team pipeline (open):"),
        "dg.stage": (
            "  {name}：{count} 个 · {amount} · 加权 {weighted}",
            "  {name}: {count} · {amount} · weighted {weighted}",
        ),
        "dg.total": (
            "  合计：{count} 个 · {amount} · 加权 {weighted}",
            "  Total: {count} · {amount} · weighted {weighted}",
        ),
        "dg.payments": (
            "💰 逾期回款：{count} 笔，{amount}",
            "💰 Payments overdue: {count}, {amount}",
        ),
        "dg.stale_head": ("🐢 停滞商机：", "🐢 Stale deals:"),
        "dg.stale": (
            "  • {owner} · {title}（{stage}，{days} 天未推进）",
            "  • {owner} · {title} ({stage}, {days} days without progress)",
        ),
        "dg.more": ("  ……还有 {n} 个", "  … and {n} more"),
        "dg.chart": (
            "图：各阶段商机数与金额（每种货币单独一栏），各成员拜访数",
            "Chart: deals and amounts per stage (one panel per currency), visits per rep",
        ),
    }
)


def render(digest: Digest, lang: str, now: datetime, due_at: datetime | None = None) -> str:
    w = digest.window
    last_day = fmt_date(w.today - timedelta(days=1), lang)
    if w.days == 1:
        lines = [t(lang, "dg.title", team=digest.title, day=last_day)]
    else:
        first = fmt_date(w.start().date(), lang)
        lines = [t(lang, "dg.title_week", team=digest.title, first=first, day=last_day)]
    if digest.late and due_at is not None:
        lines.append(t(lang, "dg.late", when=due_at.strftime("%H:%M")))
    lines += _reps(digest, lang)
    lines += _pipeline(digest, lang)
    count, amount = digest.overdue_payments
    if count:
        lines.append(t(lang, "dg.payments", count=count, amount=fmt_totals(amount, lang)))
    lines += _stale(digest, lang, now)
    return "\n".join(lines)


def _reps(digest: Digest, lang: str) -> list[str]:
    if not digest.reps:
        return [t(lang, "dg.no_reps")]
    flagged = [r for r in digest.reps if r.needs_attention]
    calm = [r for r in digest.reps if not r.needs_attention]
    lines = []
    if flagged:
        lines.append(t(lang, "dg.attention"))
        lines += [line for r in flagged for line in _rep(r, lang, flags=True)]
    if calm:
        lines.append(t(lang, "dg.others") if flagged else "")
        lines += [line for r in calm for line in _rep(r, lang, flags=False)]
    return [line for line in lines if line]


def _rep(r: RepFigures, lang: str, flags: bool) -> list[str]:
    values = {"visits": r.visits, "new": r.new_customers, "moved": r.moved}
    lines = [t(lang, "dg.rep", name=r.user.name, won=r.won, lost=r.lost, **values)]
    if flags:
        flag = {"overdue": r.overdue, "stale": len(r.stale), "pay": r.overdue_payments}
        lines.append(t(lang, "dg.rep_flags", **flag))
    return lines


def _pipeline(digest: Digest, lang: str) -> list[str]:
    lines = [t(lang, "dg.pipeline")]
    for s in digest.stages:
        name = digest.pipeline.name(s.key, lang)
        lines.append(t(lang, "dg.stage", name=name, count=s.count, **_money(s, lang)))
    count = sum(s.count for s in digest.stages)
    amount: Totals = {}
    weighted: Totals = {}
    for s in digest.stages:
        for currency, value in s.amount.items():
            add_to(amount, currency, value)
        for currency, value in s.weighted.items():
            add_to(weighted, currency, value)
    total = {"amount": fmt_totals(amount, lang), "weighted": fmt_totals(weighted, lang)}
    lines.append(t(lang, "dg.total", count=count, **total))
    return lines


def _money(s: StageFigures, lang: str) -> dict[str, str]:
    return {"amount": fmt_totals(s.amount, lang), "weighted": fmt_totals(s.weighted, lang)}


def _stale(digest: Digest, lang: str, now: datetime) -> list[str]:
    stale = [(r.user.name, d) for r in digest.reps for d in r.stale]
    if not stale:
        return []
    lines = [t(lang, "dg.stale_head")]
    for owner, deal in stale[:STALE_LISTED]:
        days = (now - deal.stage_changed_at).days
        stage = digest.pipeline.name(deal.stage, lang)
        lines.append(t(lang, "dg.stale", owner=owner, title=deal.title, stage=stage, days=days))
    if len(stale) > STALE_LISTED:
        lines.append(t(lang, "dg.more", n=len(stale) - STALE_LISTED))
    return lines


async def digest_reply(
    digest: Digest, lang: str, now: datetime, due_at: datetime | None = None
) -> Reply:
    """Text and chart together; the chart names stages and reps itself."""
    chart = await png(digest_chart(digest, lang))
    text = render(digest, lang, now, due_at) + "\n" + t(lang, "dg.chart")
    return Reply(text, image_png=chart, private=True)
