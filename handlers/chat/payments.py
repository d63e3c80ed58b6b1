"""/payment (回款): record money received, add instalments to a plan, see what is owed."""

from __future__ import annotations

import re
from decimal import Decimal

from handlers.chat.context import Ctx, UserError
from handlers.chat.dates import sure
from handlers.chat.routes import Routes
from handlers.i18n import add_texts, fmt_money
from handlers.messages import Reply
from handlers.nlu.amount import parse_amount
from handlers.nlu.when import parse_when
from handlers.services import customers as customer_svc
from handlers.services import payments as svc
from store.models import Customer, Deal

_PLAN_WORDS = re.compile(r"^\s*(plan|计划|分期)\s+", re.IGNORECASE)

add_texts(
    {
        "pay.usage": (
            "用法：\n• /payment 张三 5万 — 记录收到张三的回款\n"
            "• /payment 计划 张三 10万 12月30日 — 给张三的商机加一期应收款",
            "Usage:\n• /payment Li 50000 — record money received from Li\n"
            "• /payment plan Li 100000 Dec 30 — add an instalment to Li's deal",
        ),
        "pay.no_amount": (
            "没看到金额，例如「/payment 张三 5万」。",
            'No amount; e.g. "/payment Li 50000".',
        ),
        "pay.no_date": (
            "这一期什么时候到期？例如「12月30日」。",
            'When is it due? e.g. "Dec 30".',
        ),
        "pay.no_deal": ("{name} 没有可以记回款的商机。", "{name} has no deal to record money on."),
        "pay.recorded": (
            "💰 已记录 {name}「{deal}」回款 {amount}，剩余应收 {left}。",
            "💰 Recorded {amount} from {name} on “{deal}”; {left} still due.",
        ),
        "pay.planned": (
            "🗓 已给「{deal}」加一期：{when} 应收 {amount}。",
            "🗓 Added to “{deal}”: {amount} due {when}.",
        ),
    }
)


async def payment_command(ctx: Ctx, args: str) -> list[Reply]:
    """/payment <customer> <amount>, or /payment plan <customer> <amount> <date>."""
    if not args.strip():
        return [Reply(ctx.t("pay.usage"))]
    planning = _PLAN_WORDS.match(args)
    text = args[planning.end() :] if planning else args
    amount = parse_amount(text)
    if amount is None:
        raise UserError("pay.no_amount")
    rest = (text[: amount.span[0]] + " " + text[amount.span[1] :]).strip()
    if planning:
        return await _plan(ctx, rest, amount.value)
    customer, deal = await _deal(ctx, rest)
    payment, left = await svc.record_payment(ctx.uow, ctx.user, deal, amount.value, ctx.now)
    money = {"amount": _money(ctx, payment.amount, deal), "left": _money(ctx, left, deal)}
    return [Reply(ctx.t("pay.recorded", name=customer.name, deal=deal.title, **money))]


async def _plan(ctx: Ctx, text: str, value: Decimal) -> list[Reply]:
    when = parse_when(text, ctx.local_now(), ctx.config.default_hour)
    if when is None:
        raise UserError("pay.no_date")
    query = (text[: when.span[0]] + " " + text[when.span[1] :]).strip()
    _, deal = await _deal(ctx, query)
    due = sure(ctx, when.start, "due", when.text).astimezone(ctx.tz).date()
    row = await svc.add_instalment(ctx.uow, ctx.user, deal, due, value, ctx.now)
    amount = _money(ctx, row.amount, deal)
    return [Reply(ctx.t("pay.planned", deal=deal.title, when=ctx.when_date(due), amount=amount))]


async def _deal(ctx: Ctx, query: str) -> tuple[Customer, Deal]:
    """The customer named, and their deal with money still owed (else the newest)."""
    ranked = await customer_svc.search_ranked(ctx.uow, ctx.scope, query.strip() or "?")
    customer = customer_svc.clear_winner(ranked) if ranked else None
    if customer is None:
        raise UserError("cu.none", q=query[:40])
    deals = await ctx.uow.payments.customer_deals(ctx.scope, customer.id)
    if not deals:
        raise UserError("pay.no_deal", name=customer.name)
    for deal in deals:
        if any(i.paid_amount < i.amount for i in await ctx.uow.payments.plan(deal.id)):
            return customer, deal
    return customer, deals[0]


def _money(ctx: Ctx, value: Decimal, deal: Deal) -> str:
    return fmt_money(value, deal.currency, ctx.lang)


def register(routes: Routes) -> None:
    routes.command(payment_command, "/payment", "回款", prefix=("回款",))
