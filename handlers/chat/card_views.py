"""The profile card's lines about money owed, open tickets and the last satisfaction score.

Kept apart from cards.py (which only calls `extra_lines`) and free of the list modules, so the
card imports nothing that imports it back.
"""

from __future__ import annotations

from handlers.chat.context import Ctx
from handlers.desk import texts as desk_texts
from handlers.i18n import Totals, add_texts, add_to, fmt_totals
from store.models import Customer

assert desk_texts  # the ticket kinds' names

add_texts(
    {
        "cv2.owed": (
            "💴 未收 {left}{late}（/receivables {name}）",
            "💴 Outstanding {left}{late} (/receivables {name})",
        ),
        "cv2.owed_late": ("，其中逾期 {money}", ", {money} of it overdue"),
        "cv2.tickets": ("🎫 待处理工单（/tickets）：", "🎫 Open tickets (/tickets):"),
        "cv2.ticket": ("• #{id} {kind}：{text}", "• #{id} {kind}: {text}"),
        "cv2.tickets_more": ("……共 {n} 个", "… {n} in all"),
        "cv2.score": ("⭐ 满意度 {score}/5（{when}）", "⭐ Satisfaction {score}/5 ({when})"),
    }
)


async def extra_lines(ctx: Ctx, customer: Customer) -> list[str]:
    """Receivables, open tickets and satisfaction: each only when there is something."""
    lines = []
    owed = await _owed(ctx, customer)
    if owed:
        lines.append(owed)
    lines += await _tickets(ctx, customer)
    feedback = await ctx.uow.views.latest_feedback(customer.id)
    if feedback is not None:
        when = ctx.when(feedback.at, False)
        lines.append(ctx.t("cv2.score", score=feedback.score, when=when))
    return lines


async def _owed(ctx: Ctx, customer: Customer) -> str | None:
    plan = await ctx.uow.views.customer_plan(ctx.scope, customer.id)
    today = ctx.local_now().date()
    left: Totals = {}
    late: Totals = {}
    for inst, _deal in plan:
        owed = inst.amount - inst.paid_amount
        if owed > 0:
            add_to(left, inst.currency, owed)
            if inst.due_date < today:
                add_to(late, inst.currency, owed)
    if not left:
        return None
    overdue = ctx.t("cv2.owed_late", money=fmt_totals(late, ctx.lang)) if late else ""
    return ctx.t("cv2.owed", left=fmt_totals(left, ctx.lang), late=overdue, name=customer.name)


async def _tickets(ctx: Ctx, customer: Customer) -> list[str]:
    tickets = await ctx.uow.views.customer_tickets(customer.id)
    if not tickets:
        return []
    lines = [ctx.t("cv2.tickets")]
    for ticket in tickets:
        kind = ctx.t(f"desk.kind.{ticket.kind}")
        text = " ".join(ticket.text.split())
        text = text if len(text) <= 80 else text[:79] + "…"
        lines.append(ctx.t("cv2.ticket", id=ticket.id, kind=kind, text=text))
    count = await ctx.uow.views.count_customer_tickets(customer.id)
    if count > len(tickets):
        lines.append(ctx.t("cv2.tickets_more", n=count))
    return lines
