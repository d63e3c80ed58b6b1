"""The rep morning brief at 08:30 local: today's reminders, overdue ones, birthdays, payments."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from typing import NamedTuple
from zoneinfo import ZoneInfo

from lunardate import LunarDate

from handlers.i18n import add_texts, fmt_date, fmt_money, t
from handlers.messages import Reply
from jobs.common import OrgView, SlotWork, org_views, queue_for_users, run_slot
from jobs.context import JobContext
from jobs.slots import Slot, latest_slot
from store.models import Customer, Deal, Instalment, Reminder, User
from store.uow import UnitOfWork

ROLES = ("rep", "manager")
LISTED = 15  # per section; the header counts them all


class Born(NamedTuple):
    """A company's contact born today, listed as a customer is: name (company)."""

    name: str
    company: str | None

add_texts(
    {
        "br.title": ("☀️ 早上好，{name}！{day} 简报", "☀️ Good morning, {name}! Brief for {day}"),
        "br.late": ("（这份简报晚发了）", "(this brief is late)"),
        "br.today": ("⏰ 今天的待办（{n}）：", "⏰ Due today ({n}):"),
        "br.overdue": ("⚠️ 逾期未处理（{n}）：", "⚠️ Overdue, not dealt with ({n}):"),
        "br.birthdays": ("🎂 今天生日（{n}）：", "🎂 Birthdays today ({n}):"),
        "br.payments": ("💰 回款（{n}）：", "💰 Payments ({n}):"),
        "br.item": ("  • {when} {text}", "  • {when} {text}"),
        "br.payment": (
            "  • {deal} {amount}，{due} 到期{flag}",
            "  • {deal} {amount}, due {due}{flag}",
        ),
        "br.pay_overdue": ("（已逾期）", " (overdue)"),
        "br.nothing": ("🎉 今天没有待办。", "🎉 Nothing on today."),
        "br.hint": ("发送 /today 逐条处理。", "Send /today to act on them."),
        "br.more": ("  ……还有 {n} 条", "  … and {n} more"),
    }
)


async def run_briefs(ctx: JobContext) -> int:
    queued, now = 0, ctx.now()
    for view in await org_views(ctx):
        for tz, users in view.by_tz(ROLES).items():
            slot = latest_slot(f"brief:{view.org.id}", now, tz, view.sched.brief_at)
            if slot is not None:
                queued += await run_slot(ctx, slot, _sender(view, users)) or 0
    return queued


def _sender(view: OrgView, users: list[User]) -> SlotWork:
    async def send(uow: UnitOfWork, slot: Slot, now: datetime) -> int:
        return await send_briefs(uow, view, users, slot, now)

    return send


def birthday_days(day: date) -> tuple[list[tuple[int, int]], tuple[int, int]]:
    """Solar (month, day)s that have a birthday today (29 Feb counts on 28 Feb in common
    years) and today's lunar (month, day)."""
    solar = [(day.month, day.day)]
    if (day.month, day.day) == (2, 28) and (day + timedelta(days=1)).month == 3:
        solar.append((2, 29))
    lunar = LunarDate.from_solar_date(day.year, day.month, day.day)
    return solar, (lunar.month, lunar.day)


async def send_briefs(
    uow: UnitOfWork, view: OrgView, users: list[User], slot: Slot, now: datetime
) -> int:
    """Three queries for everyone in one timezone, then one message each."""
    tz, ids = ZoneInfo(slot.tz), [u.id for u in users]
    start = datetime.combine(slot.day, time(), tz)
    end = start + timedelta(days=1)
    reminders: dict[int, list[Reminder]] = defaultdict(list)
    for r in await uow.reports.open_reminders(ids, end):
        reminders[r.user_id].append(r)
    birthdays: dict[int, list[Customer | Born]] = defaultdict(list)
    for c in await uow.reports.birthdays(ids, *birthday_days(slot.day)):
        birthdays[c.owner_id or 0].append(c)
    for name, company, owner_id in await uow.contacts.birthdays(ids, *birthday_days(slot.day)):
        birthdays[owner_id or 0].append(Born(name, company))  # a company's contact
    payments: dict[int, list[tuple[Instalment, Deal]]] = defaultdict(list)
    until = slot.day + timedelta(days=view.sched.payment_lead_days)
    for i, d in await uow.reports.instalments_due(ids, until):
        payments[d.owner_id or 0].append((i, d))
    items = []
    for user in users:
        parts = (reminders[user.id], birthdays[user.id], payments[user.id])
        text = brief_text(user, slot, now, start, *parts)
        items.append((user, Reply(text, private=True), f"brief:{user.id}:{slot.day}"))
    return await queue_for_users(uow, items, now)


def brief_text(
    user: User,
    slot: Slot,
    now: datetime,
    day_start: datetime,
    reminders: list[Reminder],
    birthdays: Sequence[Customer | Born],
    payments: list[tuple[Instalment, Deal]],
) -> str:
    lang, tz = user.lang, ZoneInfo(slot.tz)
    lines = [t(lang, "br.title", name=user.name, day=fmt_date(slot.day, lang))]
    if slot.is_late(now):
        lines.append(t(lang, "br.late"))
    due_today = [r for r in reminders if r.due_at >= day_start]
    overdue = [r for r in reminders if r.due_at < day_start]
    for key, rows, fmt in (("br.today", due_today, "%H:%M"), ("br.overdue", overdue, "%m-%d")):
        if rows:
            lines.append(t(lang, key, n=len(rows)))
            lines += [
                t(lang, "br.item", when=r.due_at.astimezone(tz).strftime(fmt), text=r.text)
                for r in rows[:LISTED]
            ]
            lines += [t(lang, "br.more", n=len(rows) - LISTED)] if len(rows) > LISTED else []
    if birthdays:
        lines.append(t(lang, "br.birthdays", n=len(birthdays)))
        lines += [f"  • {c.name}" + (f"（{c.company}）" if c.company else "") for c in birthdays]
    if payments:
        lines.append(t(lang, "br.payments", n=len(payments)))
        lines += [_payment(lang, i, d, slot.day) for i, d in payments[:LISTED]]
    if len(lines) == 1 + slot.is_late(now):
        lines.append(t(lang, "br.nothing"))
    elif reminders:
        lines.append(t(lang, "br.hint"))
    return "\n".join(lines)


def _payment(lang: str, i: Instalment, deal: Deal, today: date) -> str:
    flag = t(lang, "br.pay_overdue") if i.due_date < today else ""
    amount = fmt_money(i.amount - i.paid_amount, i.currency, lang)
    due = fmt_date(i.due_date, lang)
    return t(lang, "br.payment", deal=deal.title, amount=amount, due=due, flag=flag)
