"""/pipeline (漏斗): open deals by stage, per currency, with the weighted total."""

from __future__ import annotations

from decimal import Decimal

from handlers.charts.draw import png
from handlers.charts.parts import StageBar
from handlers.charts.sales import pipeline_chart
from handlers.chat.context import Ctx
from handlers.chat.routes import Routes
from handlers.i18n import Totals, add_texts, add_to, fmt_totals
from handlers.messages import Reply
from handlers.services import deals as svc

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
    scope = "own" if ctx.user.role == "rep" else "team" if ctx.user.role == "manager" else "all"
    lines = [ctx.t("dl.pipeline", scope=ctx.t(f"dl.scope_{scope}"))]
    total: Totals = {}
    weighted: Totals = {}
    bars = []
    for stage in pipeline.open_stages:
        in_stage = [d for d in deals if d.stage == stage.key]
        amounts: Totals = {}
        stage_weighted: Totals = {}
        for deal in in_stage:
            add_to(amounts, deal.currency, deal.amount or Decimal(0))
            add_to(total, deal.currency, deal.amount or Decimal(0))
            share = (deal.amount or Decimal(0)) * stage.probability / 100
            add_to(weighted, deal.currency, share)
            add_to(stage_weighted, deal.currency, share)
        name = pipeline.name(stage.key, ctx.lang)
        bars.append(StageBar(name, len(in_stage), amounts, stage_weighted))
        money = fmt_totals(amounts, ctx.lang)
        lines.append(ctx.t("dl.pipeline_line", stage=name, count=len(in_stage), amount=money))
    money, weighted_money = fmt_totals(total, ctx.lang), fmt_totals(weighted, ctx.lang)
    lines.append(ctx.t("dl.pipeline_total", amount=money, weighted=weighted_money))
    if not deals:  # an empty chart says less than the text's zeros
        return [Reply("\n".join(lines), private=True)]
    chart = await png(pipeline_chart(bars, ctx.t(f"dl.scope_{scope}"), ctx.lang))
    return [Reply("\n".join(lines), image_png=chart, private=True)]


def register(routes: Routes) -> None:
    routes.command(pipeline_view, "/pipeline", "漏斗", "我的漏斗")
