"""/funnel (漏斗) and /leaderboard (排行榜): the sales funnel for a period, and reps ranked."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from handlers.charts.draw import png
from handlers.charts.sales import funnel_chart, leaderboard_chart
from handlers.chat.context import Ctx
from handlers.chat.ops_util import require
from handlers.chat.routes import Routes
from handlers.i18n import Totals, add_texts, fmt_money, fmt_totals
from handlers.messages import Reply
from handlers.services.ops.funnel import Funnel, RepFigures, funnel, main_currency

PERIODS = {"week": 7, "周": 7, "month": 30, "月": 30, "quarter": 90, "季度": 90, "year": 365}

add_texts(
    {
        "fn.title": (
            "📈 销售漏斗（最近 {days} 天新建的商机）",
            "📈 Sales funnel (deals created in the last {days} days)",
        ),
        "fn.stage": (
            "{n}. {stage}：{reached} 个{conv}{days}",
            "{n}. {stage}: {reached}{conv}{days}",
        ),
        "fn.conv": ("，{pct}% 进入下一阶段", ", {pct}% moved on"),
        "fn.days": ("，平均停留 {d} 天", ", {d} days on average"),
        "fn.closed": (
            "成交 {won} 单 / 输单 {lost} 单，赢单率 {rate}；平均单额 {avg}；"
            "平均销售周期 {cycle} 天",
            "Won {won} / lost {lost}, win rate {rate}; average deal {avg}; "
            "sales cycle {cycle} days",
        ),
        "lb.title": ("🏆 最近 {days} 天排行榜：", "🏆 Leaderboard, last {days} days:"),
        "lb.line": (
            "{rank}. {name} {amount} · {won} 单 · 赢单率 {rate}",
            "{rank}. {name} {amount} · {won} won · win rate {rate}",
        ),
        "lb.empty": ("这段时间还没有成交或输单。", "No deals were closed in this period."),
    }
)


def _window(ctx: Ctx, args: str) -> tuple[int, datetime, datetime]:
    days = PERIODS.get(args.strip().lower(), 30)
    return days, ctx.now - timedelta(days=days), ctx.now


def fmt_each(values: Totals, lang: str) -> str:
    """Per-currency figures side by side ("¥200,000 / $30,000"): averages are not sums."""
    return " / ".join(fmt_money(v, c, lang) for c, v in sorted(values.items())) or "—"


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{round(value * 100)}%"


async def funnel_command(ctx: Ctx, args: str) -> list[Reply]:
    """/funnel [week|month|quarter]: the viewer's own, team's or org's deals."""
    days, start, end = _window(ctx, args)
    result = await funnel(ctx.uow, ctx.user.org_id, start, end, ctx.scope.owner_ids)
    lines = [ctx.t("fn.title", days=days), *_stage_lines(ctx, result)]
    total = result.total
    lines.append(
        ctx.t(
            "fn.closed",
            won=total.won,
            lost=total.lost,
            rate=_pct(total.win_rate),
            avg=fmt_each(total.average, ctx.lang),
            cycle=round(total.cycle_days, 1),
        )
    )
    if not any(n for _, n in result.reached) and not total.won + total.lost:
        return [Reply("\n".join(lines))]  # nothing to draw
    return [Reply("\n".join(lines), image_png=await png(funnel_chart(result, days, ctx.lang)))]


def _stage_lines(ctx: Ctx, result: Funnel) -> list[str]:
    lines = []
    for i, (key, reached) in enumerate(result.reached):
        conv = result.conversion(i)
        stay = result.days_in.get(key)
        lines.append(
            ctx.t(
                "fn.stage",
                n=i + 1,
                stage=result.pipe.name(key, ctx.lang),
                reached=reached,
                conv=ctx.t("fn.conv", pct=round(conv * 100)) if conv is not None else "",
                days=ctx.t("fn.days", d=round(stay, 1)) if stay is not None else "",
            )
        )
    return lines


async def leaderboard_command(ctx: Ctx, args: str) -> list[Reply]:
    """/leaderboard [week|month|quarter]: managers see their team, admins everyone."""
    require(ctx, "manager", "admin")
    days, start, end = _window(ctx, args)
    result = await funnel(ctx.uow, ctx.user.org_id, start, end, ctx.scope.owner_ids)
    if not result.reps:
        return [Reply(ctx.t("lb.empty"))]
    names = {u.id: u.name for u in await ctx.uow.users.in_org(ctx.user.org_id)}
    main = main_currency(result)
    ranked = ranking(result, main)
    lines = [ctx.t("lb.title", days=days)]
    for rank, (owner, rep) in enumerate(ranked, start=1):
        lines.append(_line(ctx, rank, names.get(owner, "—"), rep))
    named = [(names.get(owner, "—"), rep) for owner, rep in ranked]
    chart = await png(leaderboard_chart(named, main, days, ctx.lang))
    return [Reply("\n".join(lines), image_png=chart)]


def ranking(result: Funnel, main: str) -> list[tuple[int, RepFigures]]:
    """Reps by won amount in the main currency (amounts in different currencies can't be
    compared), then by deals won."""
    return sorted(
        result.reps.items(),
        key=lambda kv: (-kv[1].amounts.get(main, Decimal(0)), -kv[1].won, kv[0]),
    )


def _line(ctx: Ctx, rank: int, name: str, rep: RepFigures) -> str:
    amount = fmt_totals(rep.amounts, ctx.lang)
    return ctx.t(
        "lb.line", rank=rank, name=name, amount=amount, won=rep.won, rate=_pct(rep.win_rate)
    )


def register(routes: Routes) -> None:
    routes.command(funnel_command, "/funnel", "销售漏斗")
    routes.command(leaderboard_command, "/leaderboard", "排行榜")
