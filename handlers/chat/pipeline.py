"""/pipeline (漏斗): open deals by stage, per currency, with the weighted total."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from handlers.charts.draw import png
from handlers.charts.parts import StageBar
from handlers.charts.sales import pipeline_chart
from handlers.chat.context import Ctx
from handlers.chat.routes import Routes
from handlers.i18n import Totals, add_texts, add_to, fmt_totals
from handlers.messages import Reply
from handlers.services import deals as svc
from store.models import Deal

add_texts(
    {
        "dl.pipeline_total": (
            "合计 {amount}，加权 {weighted}",
            "Total {amount}, weighted {weighted}",
        ),
        "dl.pipeline": ("📊 我的漏斗（{scope}）", "📊 Pipeline ({scope})"),
        "dl.pipeline_line": ("{stage}：{count} 个 · {amount}", "{stage}: {count} · {amount}"),
        "dl.scope_own": ("我的", "mine"),
        "dl.scope_team": ("团队", "team"),
        "dl.scope_all": ("全公司", "company"),
    }
)


async def pipeline_view(ctx: Ctx, _args: str) -> list[Reply]:
    """/pipeline: open deals by stage, with totals and the probability-weighted sum."""
    pipeline = await svc.pipeline(ctx.uow, ctx.user.org_id)
    deals = await ctx.uow.deals.open_deals(ctx.scope, limit=10_000)
    scope = ctx.t(f"dl.scope_{scope_key(ctx.user.role)}")
    lines = [ctx.t("dl.pipeline", scope=scope)]
    bars = stage_bars(pipeline, deals, ctx.lang)
    total: Totals = {}
    weighted: Totals = {}
    for bar in bars:
        money = fmt_totals(bar.amounts, ctx.lang)
        lines.append(ctx.t("dl.pipeline_line", stage=bar.name, count=bar.count, amount=money))
        for currency, amount in bar.amounts.items():
            add_to(total, currency, amount)
        for currency, amount in (bar.weighted or {}).items():
            add_to(weighted, currency, amount)
    money, weighted_money = fmt_totals(total, ctx.lang), fmt_totals(weighted, ctx.lang)
    lines.append(ctx.t("dl.pipeline_total", amount=money, weighted=weighted_money))
    if not deals:  # an empty chart says less than the text's zeros
        return [Reply("\n".join(lines), private=True)]
    chart = await png(pipeline_chart(bars, scope, ctx.lang))
    return [Reply("\n".join(lines), image_png=chart, private=True)]


def scope_key(role: str) -> str:
    return "own" if role == "rep" else "team" if role == "manager" else "all"


def stage_bars(pipeline: svc.Pipeline, deals: Sequence[Deal], lang: str) -> list[StageBar]:
    """Open deals per stage: count, amount and weighted amount, each per currency."""
    bars = []
    for stage in pipeline.open_stages:
        in_stage = [d for d in deals if d.stage == stage.key]
        amounts: Totals = {}
        weighted: Totals = {}
        for deal in in_stage:
            add_to(amounts, deal.currency, deal.amount or Decimal(0))
            add_to(weighted, deal.currency, (deal.amount or Decimal(0)) * stage.probability / 100)
        bars.append(StageBar(pipeline.name(stage.key, lang), len(in_stage), amounts, weighted))
    return bars


def register(routes: Routes) -> None:
    routes.command(pipeline_view, "/pipeline", "漏斗", "我的漏斗")
