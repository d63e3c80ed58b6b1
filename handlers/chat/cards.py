"""Text cards shown in chat: the customer profile and the deal."""

from __future__ import annotations

import re

from handlers.chat.card_views import extra_lines
from handlers.chat.contact_card import contact_lines
from handlers.chat.context import Ctx
from handlers.chat.titled import Titled
from handlers.i18n import add_texts, fmt_money, t
from handlers.services.deals import Pipeline
from handlers.services.ops.privacy import visible_phone
from store.models import Customer, Deal

add_texts(
    {
        "card.contact": ("📞 {phone}", "📞 {phone}"),
        "card.address": ("📍 {address}", "📍 {address}"),
        "card.tier": (
            "等级 {tier} · 负责人 {owner}",
            "Tier {tier} · owner {owner}",
        ),
        "card.last_contact": (
            "最近联系：{when}（{days} 天前）",
            "Last contact: {when} ({days} days ago)",
        ),
        "card.last_contact_today": ("最近联系：今天（{when}）", "Last contact: today ({when})"),
        "card.never_contacted": ("还没有联系记录", "No contact logged yet"),
        "card.deals": ("进行中的商机：", "Open deals:"),
        "card.deals_more": ("• ……更多商机：/deal {name}", "• … more: /deal {name}"),
        "card.deal_line": ("• {title} — {stage} · {amount}", "• {title} — {stage} · {amount}"),
        "card.reminders": ("接下来的提醒：", "Next reminders:"),
        "card.reminder_line": ("• {when} {text}", "• {when} {text}"),
        "card.activities": ("最近 5 次活动：", "Last 5 activities:"),
        "card.activity_line": ("• {when} [{kind}] {summary}", "• {when} [{kind}] {summary}"),
        "card.birthday": ("🎂 生日：{date}{lunar}", "🎂 Birthday: {date}{lunar}"),
        "card.lunar": ("（农历）", " (lunar)"),
        "card.notes": ("📝 {notes}", "📝 {notes}"),
        "card.tags": ("🏷 {tags}", "🏷 {tags}"),
        "kind.visit": ("拜访", "visit"),
        "kind.call": ("电话", "call"),
        "kind.message": ("消息", "message"),
        "kind.meeting": ("会议", "meeting"),
        "deal.card": (
            "💼 {title}\n客户：{customer}\n阶段：{stage}\n金额：{amount}\n预计成交：{close}",
            "💼 {title}\nCustomer: {customer}\nStage: {stage}\nAmount: {amount}\n"
            "Expected close: {close}",
        ),
    }
)


def customer_title(customer: Titled) -> str:
    parts = [customer.name]
    if customer.title:
        parts.append(customer.title)
    if customer.company:
        parts.append(customer.company)
    return " · ".join(parts)


async def profile(ctx: Ctx, customer: Customer) -> str:
    """Everything a rep wants before a call, on one screen."""
    lines = [f"👤 {customer_title(customer)}"]
    phone = visible_phone(ctx.user, customer)  # masked unless it is yours to call
    phone2 = visible_phone(ctx.user, customer, customer.phone2) if customer.phone2 else None
    contact = " · ".join(p for p in (phone, phone2, customer.email, customer.wechat) if p)
    if contact:
        lines.append(ctx.t("card.contact", phone=contact))
    if customer.address:  # where the visit is: read off a business card, or edited in
        lines.append(ctx.t("card.address", address=customer.address))
    owner = await ctx.uow.users.get(customer.owner_id) if customer.owner_id else None
    lines.append(ctx.t("card.tier", tier=customer.tier, owner=owner.name if owner else "—"))
    segment = segment_line(customer, ctx.lang)
    if segment:
        lines.append(segment)
    lines.append(_last_contact(ctx, customer))
    lines.extend(await contact_lines(ctx, customer))  # a company's people
    lines.extend(await _deal_lines(ctx, customer))
    lines.extend(await _reminder_lines(ctx, customer))
    lines.extend(await _activity_lines(ctx, customer))
    lines.extend(await extra_lines(ctx, customer))  # owed, open tickets, satisfaction
    if customer.birthday:
        lunar = ctx.t("card.lunar") if customer.birthday_lunar else ""
        date = f"{customer.birthday.month}-{customer.birthday.day}"
        lines.append(ctx.t("card.birthday", date=date, lunar=lunar))
    if customer.tags:  # stored comma-separated (handlers/services/fields.py tags_of)
        tags = " ".join(f"#{t}" for t in re.split(r"[\s,，;；、#]+", customer.tags) if t)
        lines.append(ctx.t("card.tags", tags=tags))
    if customer.notes:
        lines.append(ctx.t("card.notes", notes=customer.notes))
    return "\n".join(lines)


def segment_line(customer: Customer, lang: str) -> str | None:
    """For the profile card: None until the nightly run has scored the customer."""
    if customer.segmented_at is None or customer.segment_abc is None:
        return None
    value = t(lang, f"value.{customer.value_class}") if customer.value_class else "—"
    life = t(lang, f"life.{customer.lifecycle}")
    return t(
        lang, "seg.profile", abc=customer.segment_abc, rfm=customer.rfm, value=value, life=life
    )


def _last_contact(ctx: Ctx, customer: Customer) -> str:
    if customer.last_contact_at is None:
        return ctx.t("card.never_contacted")
    days = (ctx.local_now().date() - customer.last_contact_at.astimezone(ctx.tz).date()).days
    when = ctx.when(customer.last_contact_at, False)
    if days == 0:
        return ctx.t("card.last_contact_today", when=when)
    return ctx.t("card.last_contact", when=when, days=days)


async def _deal_lines(ctx: Ctx, customer: Customer) -> list[str]:
    deals = await ctx.uow.deals.open_deals(ctx.scope, customer.id, limit=6)
    if not deals:
        return []
    pipeline = Pipeline(await ctx.uow.users.pipeline(customer.org_id))
    lines = [ctx.t("card.deals")] + [_deal_line(ctx, pipeline, d) for d in deals[:5]]
    if len(deals) > 5:  # never cut silently: say where the rest is
        lines.append(ctx.t("card.deals_more", name=customer.name))
    return lines


def _deal_line(ctx: Ctx, pipeline: Pipeline, deal: Deal) -> str:
    stage = pipeline.name(deal.stage, ctx.lang)
    amount = fmt_money(deal.amount, deal.currency, ctx.lang)
    return ctx.t("card.deal_line", title=deal.title, stage=stage, amount=amount)


async def _reminder_lines(ctx: Ctx, customer: Customer) -> list[str]:
    reminders = await ctx.uow.reminders.upcoming_for_customer(customer.id, ctx.now)
    if not reminders:
        return []
    lines = [ctx.t("card.reminders")]
    for r in reminders:
        lines.append(ctx.t("card.reminder_line", when=ctx.when(r.due_at), text=_short(r.text)))
    return lines


async def _activity_lines(ctx: Ctx, customer: Customer) -> list[str]:
    activities = await ctx.uow.customers.recent_activities(customer.id, 5)
    if not activities:
        return []
    lines = [ctx.t("card.activities")]
    for a in activities:
        kind = ctx.t(f"kind.{a.kind}")
        when = ctx.when(a.happened_at, False)
        lines.append(ctx.t("card.activity_line", when=when, kind=kind, summary=_short(a.summary)))
    return lines


async def deal_card(ctx: Ctx, deal: Deal, pipeline: Pipeline) -> str:
    customer = await ctx.uow.customers.get(ctx.scope, deal.customer_id)
    close = ctx.when_date(deal.expected_close) if deal.expected_close else "—"
    return ctx.t(
        "deal.card",
        title=deal.title,
        customer=customer_title(customer) if customer else "—",
        stage=pipeline.name(deal.stage, ctx.lang),
        amount=fmt_money(deal.amount, deal.currency, ctx.lang),
        close=close,
    )


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
