"""/receivables (应收): money overdue and due in 30 days, per currency; a customer's and a
deal's instalments with what is paid and what is still owed.

Scope as everywhere: a rep their own deals, a manager the team's, an admin all. Currencies are
never added to each other.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from handlers.chat import paging, pick
from handlers.chat.context import Ctx, UserError, int_arg
from handlers.chat.routes import Routes
from handlers.i18n import Totals, add_texts, add_to, fmt_money, fmt_totals
from handlers.messages import Choice, Reply
from store.models import Customer, Deal, Instalment

AHEAD = timedelta(days=30)

add_texts(
    {
        "rcv.header": ("💴 应收款（{scope}）", "💴 Receivables ({scope})"),
        "rcv.scope_own": ("我的", "mine"),
        "rcv.scope_team": ("团队", "team"),
        "rcv.scope_all": ("全公司", "company"),
        "rcv.overdue_total": ("⚠️ 已逾期：{money}（{n} 期）", "⚠️ Overdue: {money} ({n})"),
        "rcv.soon_total": ("🗓 30 天内到期：{money}（{n} 期）", "🗓 Due in 30 days: {money} ({n})"),
        "rcv.none": (
            "没有逾期或 30 天内到期的应收款。",
            "Nothing overdue or due in the next 30 days.",
        ),
        "rcv.list": ("明细{position}：", "Instalments{position}:"),
        "rcv.line_late": (
            "• ⚠️ 逾期 {days} 天 · {when} · {customer}「{deal}」未收 {left}{part}",
            "• ⚠️ {days} days overdue · {when} · {customer} “{deal}”: {left} owed{part}",
        ),
        "rcv.line": (
            "• {when} · {customer}「{deal}」未收 {left}{part}",
            "• {when} · {customer} “{deal}”: {left} owed{part}",
        ),
        "rcv.part": ("（共 {amount}，已收 {paid}）", " (of {amount}; {paid} paid)"),
        "rcv.customer": ("💴 {name} 的回款计划：", "💴 Payment plans of {name}:"),
        "rcv.customer_none": ("{name} 没有回款计划。", "{name} has no payment plan."),
        "rcv.deal": (
            "💼 {deal}：应收 {planned}，已收 {paid}，未收 {left}",
            "💼 {deal}: planned {planned}, paid {paid}, outstanding {left}",
        ),
        "rcv.inst": (
            "  {mark} {when} {amount}，已收 {paid}{late}",
            "  {mark} {when} {amount}, paid {paid}{late}",
        ),
        "rcv.inst_late": ("（逾期 {days} 天）", " ({days} days overdue)"),
        "rcv.customer_total": ("合计未收：{left}", "Outstanding in all: {left}"),
        "rcv.btn_customer": ("💴 {name}", "💴 {name}"),
        "rcv.btn_deal": ("💼 {deal}", "💼 {deal}"),
        "rcv.deal_none": ("「{deal}」没有回款计划。", "“{deal}” has no payment plan."),
    }
)


async def receivables_command(ctx: Ctx, args: str) -> list[Reply]:
    """/receivables: overdue and due-soon money; /receivables <customer>: their plans."""
    if args.strip():
        found = await pick.find(ctx, args, "rcv:c:")
        if found.customer is None:
            return found.replies
        return await _customer(ctx, found.customer.id)
    return await _overview(ctx, 0)


async def _overview(ctx: Ctx, number: int) -> list[Reply]:
    today = ctx.local_now().date()
    until = today + AHEAD

    async def fetch(offset: int, limit: int) -> list[tuple[Instalment, Deal, Customer]]:
        return await ctx.uow.views.unpaid(ctx.scope, until, offset, limit)

    page = await paging.load(fetch, number)
    paging.check_not_past_end(page)
    totals = await ctx.uow.views.unpaid_totals(ctx.scope, today, until)
    (late, n_late), (soon, n_soon) = totals[True], totals[False]
    role = {"rep": "own", "manager": "team"}.get(ctx.user.role, "all")
    lines = [ctx.t("rcv.header", scope=ctx.t(f"rcv.scope_{role}"))]
    if not page.items:
        return [Reply("\n".join([*lines, ctx.t("rcv.none")]))]
    if n_late:
        lines.append(ctx.t("rcv.overdue_total", money=fmt_totals(late, ctx.lang), n=n_late))
    if n_soon:
        lines.append(ctx.t("rcv.soon_total", money=fmt_totals(soon, ctx.lang), n=n_soon))
    lines.append(ctx.t("rcv.list", position=paging.position(ctx, page)))
    choices: dict[str, Choice] = {}
    for inst, deal, customer in page.items:
        lines.append(_line(ctx, inst, deal, customer))
        label = ctx.t("rcv.btn_customer", name=customer.name)
        choices.setdefault(label, Choice(label, f"rcv:c:{customer.id}"))
    more = paging.more(ctx, "rcv:p:", page)
    return [Reply("\n".join(lines), (*choices.values(), *more), private=True)]


def _line(ctx: Ctx, inst: Instalment, deal: Deal, customer: Customer) -> str:
    days = (ctx.local_now().date() - inst.due_date).days
    values = {
        "when": ctx.when_date(inst.due_date),
        "customer": customer.name,
        "deal": deal.title,
        "left": fmt_money(inst.amount - inst.paid_amount, inst.currency, ctx.lang),
        "part": "",
    }
    if inst.paid_amount > 0:
        amount = fmt_money(inst.amount, inst.currency, ctx.lang)
        paid = fmt_money(inst.paid_amount, inst.currency, ctx.lang)
        values["part"] = ctx.t("rcv.part", amount=amount, paid=paid)
    if days > 0:
        return ctx.t("rcv.line_late", days=days, **values)
    return ctx.t("rcv.line", **values)


async def _customer(ctx: Ctx, customer_id: int) -> list[Reply]:
    customer = await ctx.uow.customers.get(ctx.scope, customer_id)
    if customer is None:
        raise UserError("cu.gone")
    plan = await ctx.uow.views.customer_plan(ctx.scope, customer.id)
    if not plan:
        return [Reply(ctx.t("rcv.customer_none", name=customer.name))]
    by_deal: dict[int, tuple[Deal, list[Instalment]]] = {}
    for inst, deal in plan:
        by_deal.setdefault(deal.id, (deal, []))[1].append(inst)
    lines = [ctx.t("rcv.customer", name=customer.name)]
    left_all: Totals = {}
    for deal, rows in by_deal.values():
        lines += _deal_lines(ctx, deal, rows, left_all)
    lines.append(ctx.t("rcv.customer_total", left=fmt_totals(left_all, ctx.lang)))
    choices = tuple(
        Choice(ctx.t("rcv.btn_deal", deal=deal.title[:30]), f"rcv:d:{deal.id}")
        for deal, _ in by_deal.values()
    )
    return [Reply("\n".join(lines), choices if len(by_deal) > 1 else (), private=True)]


def _deal_lines(ctx: Ctx, deal: Deal, rows: list[Instalment], left_all: Totals) -> list[str]:
    planned: Totals = {}
    paid: Totals = {}
    left: Totals = {}
    lines = []
    today = ctx.local_now().date()
    for inst in rows:
        owed = inst.amount - inst.paid_amount
        add_to(planned, inst.currency, inst.amount)
        add_to(paid, inst.currency, inst.paid_amount)
        add_to(left, inst.currency, max(owed, Decimal(0)))
        add_to(left_all, inst.currency, max(owed, Decimal(0)))
        days = (today - inst.due_date).days
        late = ctx.t("rcv.inst_late", days=days) if owed > 0 and days > 0 else ""
        mark = "✅" if owed <= 0 else ("⚠️" if late else "•")
        lines.append(
            ctx.t(
                "rcv.inst",
                mark=mark,
                when=ctx.when_date(inst.due_date),
                amount=fmt_money(inst.amount, inst.currency, ctx.lang),
                paid=fmt_money(inst.paid_amount, inst.currency, ctx.lang),
                late=late,
            )
        )
    head = ctx.t(
        "rcv.deal",
        deal=deal.title,
        planned=fmt_totals(planned, ctx.lang),
        paid=fmt_totals(paid, ctx.lang),
        left=fmt_totals(left, ctx.lang),
    )
    return [head, *lines]


async def _deal(ctx: Ctx, deal_id: int) -> list[Reply]:
    deal = await ctx.uow.deals.get(ctx.scope, deal_id)
    if deal is None:
        raise UserError("error.stale_button")
    rows = list(await ctx.uow.payments.plan(deal.id))
    if not rows:
        return [Reply(ctx.t("rcv.deal_none", deal=deal.title))]
    return [Reply("\n".join(_deal_lines(ctx, deal, rows, {})), private=True)]


async def on_payload(ctx: Ctx, parts: list[str]) -> list[Reply]:
    """rcv:p:<page>, rcv:c:<customer>, rcv:d:<deal>"""
    action = parts[0] if parts else ""
    if action == "p":
        return await _overview(ctx, paging.page_arg(parts, 1))
    if action == "c":
        return await _customer(ctx, int_arg(parts, 1))
    if action == "d":
        return await _deal(ctx, int_arg(parts, 1))
    raise UserError("error.stale_button")


def register(routes: Routes) -> None:
    routes.command(receivables_command, "/receivables", "应收", "应收款", prefix=("应收款",))
    routes.payloads["rcv"] = on_payload
