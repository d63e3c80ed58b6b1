"""What a logged visit says about the customer's deal: a stage word or an amount."""

from __future__ import annotations

from decimal import Decimal

from handlers.chat.context import Ctx
from handlers.chat.visit_draft import VisitDraft
from handlers.i18n import add_texts, fmt_money
from handlers.services import deals as deal_svc
from handlers.services.audit import record
from store.models import Deal
from store.repos.customers import CustomerRef
from store.repos.deals import DealBrief

add_texts(
    {
        "vd.moved": ("💼 商机「{title}」→ {stage}", '💼 Deal "{title}" → {stage}'),
        "vd.amount": ("💼 商机「{title}」金额 {amount}", '💼 Deal "{title}" amount {amount}'),
        "vd.created": (
            "💼 新商机「{title}」：{stage} {amount}",
            '💼 New deal "{title}": {stage} {amount}',
        ),
        "vd.several": (
            "💼 这个客户有多个进行中的商机，请用 /deal 更新阶段。",
            "💼 This customer has several open deals; update the right one with /deal.",
        ),
    }
)


async def apply_to_deals(
    ctx: Ctx, customer: CustomerRef, briefs: list[DealBrief], draft: VisitDraft
) -> list[str]:
    """Move the customer's one open deal (of `briefs`, its open deals), or open one, when the
    visit named a stage. Most visits repeat the stage the deal is at: then nothing is loaded."""
    if not draft.stage and not draft.amount:
        return []
    pipeline = await deal_svc.pipeline(ctx.uow, customer.org_id)
    if len(briefs) > 1:
        return [ctx.t("vd.several")]
    amount = Decimal(draft.amount) if draft.amount else None
    if not briefs:
        return await _open_deal(ctx, customer, draft, pipeline, amount)
    if not _moves(briefs[0], draft, pipeline) and not _reprices(briefs[0], amount):
        return []
    deal = await ctx.uow.deals.get(ctx.scope, briefs[0].id)
    return await _update_deal(ctx, deal, draft, pipeline, amount) if deal is not None else []


def _moves(deal: Deal | DealBrief, draft: VisitDraft, pipeline: deal_svc.Pipeline) -> bool:
    return bool(draft.stage) and draft.stage != deal.stage and draft.stage in pipeline.by_key


def _reprices(deal: Deal | DealBrief, amount: Decimal | None) -> bool:
    return amount is not None and deal.amount != amount


async def _open_deal(
    ctx: Ctx,
    customer: CustomerRef,
    draft: VisitDraft,
    pipeline: deal_svc.Pipeline,
    amount: Decimal | None,
) -> list[str]:
    stage = draft.stage if draft.stage and not pipeline.is_closed(draft.stage) else None
    stage = stage or pipeline.open_stages[0].key
    new = deal_svc.NewDeal(customer.company or customer.name, amount, draft.currency)
    deal = await deal_svc.create(ctx.uow, ctx.user, customer, new, stage, ctx.now)
    money = fmt_money(deal.amount, deal.currency, ctx.lang) if amount else ""
    name = pipeline.name(stage, ctx.lang)
    return [ctx.t("vd.created", title=deal.title, stage=name, amount=money)]


async def _update_deal(
    ctx: Ctx, deal: Deal, draft: VisitDraft, pipeline: deal_svc.Pipeline, amount: Decimal | None
) -> list[str]:
    lines = []
    if draft.stage and _moves(deal, draft, pipeline):
        await deal_svc.move(ctx.uow, ctx.user, deal, draft.stage, ctx.now)
        stage = pipeline.name(draft.stage, ctx.lang)
        lines.append(ctx.t("vd.moved", title=deal.title, stage=stage))
    if amount is not None and _reprices(deal, amount):
        before = {"amount": str(deal.amount) if deal.amount is not None else None}
        deal.amount, deal.currency = amount, draft.currency
        after = {"amount": str(amount), "currency": draft.currency}
        await record(ctx.uow, ctx.user, "deal.amount", ("deal", deal.id), ctx.now, before, after)
        money = fmt_money(amount, deal.currency, ctx.lang)
        lines.append(ctx.t("vd.amount", title=deal.title, amount=money))
    return lines
