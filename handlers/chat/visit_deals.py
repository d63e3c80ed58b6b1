"""What a logged visit says about the customer's deal: a stage word or an amount."""

from __future__ import annotations

from decimal import Decimal

from handlers.chat.context import Ctx, UserError, int_arg
from handlers.chat.money import money_arg
from handlers.chat.routes import Routes
from handlers.chat.visit_draft import VisitDraft
from handlers.i18n import add_texts, fmt_money
from handlers.messages import Choice, Reply
from handlers.services import deals as deal_svc
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
        "vd.ask_amount": (
            "💼 商机「{title}」现在是 {old}，这次记录写的是 {new}（{why}）。要改吗？",
            '💼 Deal "{title}" is {old}; this visit says {new} ({why}). Change it?',
        ),
        "vd.why_currency": ("币种不同", "a different currency"),
        "vd.why_scale": ("相差超过 10 倍", "more than 10× apart"),
        "vd.btn_change": ("改为 {new}", "Change to {new}"),
        "vd.btn_keep": ("保持 {old}", "Keep {old}"),
        "vd.kept": ("好的，「{title}」金额保持 {old}。", 'OK, "{title}" stays at {old}.'),
        "vd.changed": (
            "「{title}」的金额在这之后又改过了，这个按钮已失效。请用 /deal 查看。",
            '"{title}" changed again since; that button no longer applies. See it with /deal.',
        ),
        "vd.several": (
            "💼 这个客户有多个进行中的商机，请用 /deal 更新阶段。",
            "💼 This customer has several open deals; update the right one with /deal.",
        ),
    }
)


Outcome = tuple[list[str], tuple[Choice, ...]]  # lines for the reply, and a question's choices


async def apply_to_deals(
    ctx: Ctx, customer: CustomerRef, briefs: list[DealBrief], draft: VisitDraft
) -> Outcome:
    """Move the customer's one open deal (of `briefs`, its open deals), or open one, when the
    visit named a stage. Most visits repeat the stage the deal is at: then nothing is loaded.
    An amount in another currency or more than 10× off is asked about, not saved."""
    if not draft.stage and not draft.amount:
        return [], ()
    pipeline = await deal_svc.pipeline(ctx.uow, customer.org_id)
    if len(briefs) > 1:
        return [ctx.t("vd.several")], ()
    amount = Decimal(draft.amount) if draft.amount else None
    if not briefs:
        return await _open_deal(ctx, customer, draft, pipeline, amount), ()
    if not _moves(briefs[0], draft, pipeline) and not _reprices(briefs[0], amount, draft):
        return [], ()
    deal = await ctx.uow.deals.get(ctx.scope, briefs[0].id)
    if deal is None:
        return [], ()
    return await _update_deal(ctx, deal, draft, pipeline, amount)


def _moves(deal: Deal | DealBrief, draft: VisitDraft, pipeline: deal_svc.Pipeline) -> bool:
    return bool(draft.stage) and draft.stage != deal.stage and draft.stage in pipeline.by_key


def _reprices(deal: Deal | DealBrief, amount: Decimal | None, draft: VisitDraft) -> bool:
    if amount is None:
        return False
    return deal.amount != amount or deal.currency != draft.currency


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
    return [ctx.t("vd.created", title=deal.title, stage=name, amount=money).rstrip()]


async def _update_deal(
    ctx: Ctx, deal: Deal, draft: VisitDraft, pipeline: deal_svc.Pipeline, amount: Decimal | None
) -> Outcome:
    lines: list[str] = []
    if draft.stage and _moves(deal, draft, pipeline):
        await deal_svc.move(ctx.uow, ctx.user, deal, draft.stage, ctx.now)
        stage = pipeline.name(draft.stage, ctx.lang)
        lines.append(ctx.t("vd.moved", title=deal.title, stage=stage))
    if amount is None or not _reprices(deal, amount, draft):
        return lines, ()
    if deal_svc.is_big_change(deal.amount, deal.currency, amount, draft.currency):
        line, choices = _ask_amount(ctx, deal, amount, draft.currency)
        return [*lines, line], choices
    await deal_svc.set_amount(ctx.uow, ctx.user, deal, amount, draft.currency, ctx.now)
    money = fmt_money(amount, deal.currency, ctx.lang)
    return [*lines, ctx.t("vd.amount", title=deal.title, amount=money)], ()


def _ask_amount(
    ctx: Ctx, deal: Deal, amount: Decimal, currency: str
) -> tuple[str, tuple[Choice, ...]]:
    old = fmt_money(deal.amount, deal.currency, ctx.lang)
    new = fmt_money(amount, currency, ctx.lang)
    why = ctx.t("vd.why_currency" if currency != deal.currency else "vd.why_scale")
    choices = (
        # The amount asked about rides along, so a button pressed after the deal changed again
        # is refused rather than applied to a figure the rep never saw.
        Choice(
            ctx.t("vd.btn_change", new=new),
            f"vd:amt:{deal.id}:{amount}:{currency}:{deal.amount}:{deal.currency}",
        ),
        Choice(ctx.t("vd.btn_keep", old=old), f"vd:keep:{deal.id}"),
    )
    return ctx.t("vd.ask_amount", title=deal.title, old=old, new=new, why=why), choices


async def on_payload(ctx: Ctx, parts: list[str]) -> list[Reply]:
    """vd:amt:<deal>:<amount>:<currency>:<was>:<was currency> sets the amount asked about;
    vd:keep:<deal> keeps it."""
    deal = await ctx.uow.deals.get(ctx.scope, int_arg(parts, 1))
    if deal is None:
        raise UserError("dl.gone")
    if parts[0] == "keep":
        old = fmt_money(deal.amount, deal.currency, ctx.lang)
        return [Reply(ctx.t("vd.kept", title=deal.title, old=old), private=True)]
    if parts[0] != "amt" or len(parts) != 6:
        raise UserError("error.stale_button")
    amount, currency = money_arg(parts[2], parts[3])
    if (deal.amount, deal.currency) != money_arg(parts[4], parts[5]):
        raise UserError("vd.changed", title=deal.title)
    await deal_svc.set_amount(ctx.uow, ctx.user, deal, amount, currency, ctx.now)
    money = fmt_money(amount, currency, ctx.lang)
    return [Reply(ctx.t("vd.amount", title=deal.title, amount=money), private=True)]




def register(routes: Routes) -> None:
    routes.payloads["vd"] = on_payload
