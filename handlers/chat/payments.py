"""/payment (回款): record money received, add instalments to a plan, see what is owed."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from handlers.chat import pick
from handlers.chat.context import Ctx, UserError, int_arg
from handlers.chat.dates import sure
from handlers.chat.money import MAX_AMOUNT, read_amount
from handlers.chat.routes import Routes
from handlers.i18n import add_texts, fmt_money
from handlers.messages import Reply
from handlers.nlu.amount import Amount
from handlers.nlu.when import parse_when
from handlers.services import payments as svc
from store.models import Customer, Deal

_YUAN = re.compile(r"[¥元块]|rmb|cny|人民币", re.IGNORECASE)
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
        "pay.currency": (
            "「{deal}」是 {deal_amount}，和 {amount} 币种不同，没有记录。请用商机的币种输入金额。",
            "“{deal}” is {deal_amount}, another currency than {amount}; nothing was recorded. "
            "Type the amount in the deal's currency.",
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
    amount = read_amount(text)
    if amount is None:
        raise UserError("pay.no_amount")
    rest = (text[: amount.span[0]] + " " + text[amount.span[1] :]).strip()
    if planning:
        return await _plan(ctx, rest, amount.value, _stated(amount))
    button = f"pay:r:{amount.value}:{_stated(amount) or '-'}:"
    found = await pick.find(ctx, rest.strip() or "?", button)
    if found.customer is None:
        return found.replies
    return await _record(ctx, found.customer.id, amount.value, _stated(amount))


async def _record(
    ctx: Ctx, customer_id: int, value: Decimal, currency: str | None
) -> list[Reply]:
    customer, deal = await _deal(ctx, customer_id)
    _same_currency(ctx, value, currency, deal)
    payment, left = await svc.record_payment(ctx.uow, ctx.user, deal, value, ctx.now)
    money = {"amount": _money(ctx, payment.amount, deal), "left": _money(ctx, left, deal)}
    return [Reply(ctx.t("pay.recorded", name=customer.name, deal=deal.title, **money))]


async def _plan(ctx: Ctx, text: str, value: Decimal, currency: str | None) -> list[Reply]:
    when = parse_when(text, ctx.local_now(), ctx.config.default_hour)
    if when is None:
        raise UserError("pay.no_date")
    query = (text[: when.span[0]] + " " + text[when.span[1] :]).strip()
    due = sure(ctx, when.start, "due", when.text).astimezone(ctx.tz).date()
    button = f"pay:p:{value}:{currency or '-'}:{due.isoformat()}:"
    found = await pick.find(ctx, query or "?", button)
    if found.customer is None:
        return found.replies
    return await _add_instalment(ctx, found.customer.id, value, currency, due)


async def _add_instalment(
    ctx: Ctx, customer_id: int, value: Decimal, currency: str | None, due: date
) -> list[Reply]:
    _, deal = await _deal(ctx, customer_id)
    _same_currency(ctx, value, currency, deal)
    row = await svc.add_instalment(ctx.uow, ctx.user, deal, due, value, ctx.now)
    amount = _money(ctx, row.amount, deal)
    return [Reply(ctx.t("pay.planned", deal=deal.title, when=ctx.when_date(due), amount=amount))]


async def on_payload(ctx: Ctx, parts: list[str]) -> list[Reply]:
    """The customer picked from a "did you mean…?", with what the command said kept in the
    button: pay:r:<amount>:<currency>:<customer> or pay:p:<amount>:<currency>:<due>:<customer>
    (currency "-" when the command named none)."""
    try:
        value = Decimal(parts[1])
        currency = None if parts[2] == "-" else parts[2]
        due = date.fromisoformat(parts[3]) if parts[0] == "p" else None
    except (IndexError, ValueError, ArithmeticError):
        raise UserError("error.stale_button") from None
    if not value.is_finite() or not 0 < value <= MAX_AMOUNT or parts[0] not in ("r", "p"):
        raise UserError("error.stale_button")
    if currency is not None and not re.fullmatch(r"[A-Z]{3}", currency):
        raise UserError("error.stale_button")
    customer_id = int_arg(parts, len(parts) - 1)
    if due is not None:
        return await _add_instalment(ctx, customer_id, value, currency, due)
    return await _record(ctx, customer_id, value, currency)


async def _deal(ctx: Ctx, customer_id: int) -> tuple[Customer, Deal]:
    """The customer, and their deal with money still owed (else the newest)."""
    customer = await ctx.uow.customers.get(ctx.scope, customer_id)
    if customer is None:
        raise UserError("cu.gone")
    deals = await ctx.uow.payments.customer_deals(ctx.scope, customer.id)
    if not deals:
        raise UserError("pay.no_deal", name=customer.name)
    for deal in deals:
        if any(i.paid_amount < i.amount for i in await ctx.uow.payments.plan(deal.id)):
            return customer, deal
    return customer, deals[0]


def _stated(amount: Amount) -> str | None:
    """The currency the text names; None for 5万 alone, which carries none of its own (it
    reads as yuan) and is taken in the deal's currency."""
    implied = amount.currency == "CNY" and not _YUAN.search(amount.text)
    return None if implied else amount.currency


def _same_currency(ctx: Ctx, value: Decimal, currency: str | None, deal: Deal) -> None:
    """Money in one currency is never booked against a deal in another."""
    if currency is not None and currency != deal.currency:
        mine = fmt_money(value, currency, ctx.lang)
        theirs = fmt_money(deal.amount, deal.currency, ctx.lang)
        raise UserError("pay.currency", amount=mine, deal=deal.title, deal_amount=theirs)


def _money(ctx: Ctx, value: Decimal, deal: Deal) -> str:
    return fmt_money(value, deal.currency, ctx.lang)


def register(routes: Routes) -> None:
    routes.command(payment_command, "/payment", "回款", prefix=("回款",))
    routes.payloads["pay"] = on_payload
