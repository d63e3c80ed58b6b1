"""/agenda (日程): my next 7 days, day by day: reminders, planned visits (follow-ups),
instalments due on my deals, my customers' birthdays (solar and lunar)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from lunardate import LunarDate

from handlers.chat import paging
from handlers.chat.context import Ctx
from handlers.chat.routes import Routes
from handlers.i18n import add_texts, fmt_money
from handlers.messages import Reply
from store.scope import Scope

DAYS = 7
PAGE = 12  # lines of a day-by-day list still fit a phone screen

add_texts(
    {
        "ag.header": ("📅 接下来 7 天的日程{position}：", "📅 Your next 7 days{position}:"),
        "ag.empty": (
            "接下来 7 天没有提醒、计划拜访、到期回款或客户生日。",
            "Nothing in the next 7 days: no reminders, planned visits, payments due or birthdays.",
        ),
        "ag.day": ("【{day}】", "[{day}]"),
        "ag.reminder": ("⏰ {time} {text}", "⏰ {time} {text}"),
        "ag.follow_up": ("🤝 {time} {text}", "🤝 {time} {text}"),
        "ag.payment": (
            "💰 {customer}「{deal}」应收 {amount}",
            "💰 {customer} “{deal}”: {amount} due",
        ),
        "ag.birthday": ("🎂 {name} 生日{lunar}", "🎂 {name}'s birthday{lunar}"),
        "ag.lunar": ("（农历）", " (lunar)"),
        "ag.overdue": (
            "另有 {n} 条逾期提醒（/today）。",
            "{n} overdue reminders too (/today).",
        ),
    }
)


@dataclass(frozen=True)
class Item:
    day: date
    order: str  # within a day: birthdays first, then by time
    text: str


async def agenda_command(ctx: Ctx, _args: str) -> list[Reply]:
    """/agenda: the next 7 days, day by day."""
    return await _page(ctx, 0)


async def _page(ctx: Ctx, number: int) -> list[Reply]:
    items = sorted(await _items(ctx), key=lambda i: (i.day, i.order))
    page = paging.cut(items, number, PAGE)
    paging.check_not_past_end(page)
    overdue = await ctx.uow.views.count_overdue(ctx.user.id, ctx.now)
    late = [ctx.t("ag.overdue", n=overdue)] if overdue and number == 0 else []
    if not items:
        return [Reply("\n".join([ctx.t("ag.empty"), *late]))]
    lines = [ctx.t("ag.header", position=paging.position(ctx, page))]
    shown: date | None = None
    for item in page.items:
        if item.day != shown:
            lines.append(ctx.t("ag.day", day=ctx.when_date(item.day)))
            shown = item.day
        lines.append(item.text)
    lines += late
    return [Reply("\n".join(lines), paging.more(ctx, "ag:", page), private=True)]


async def _items(ctx: Ctx) -> list[Item]:
    today = ctx.local_now().date()
    days = [today + timedelta(days=n) for n in range(DAYS)]
    return [
        *await _reminders(ctx, days),
        *await _payments(ctx, days),
        *await _birthdays(ctx, days),
    ]


async def _reminders(ctx: Ctx, days: list[date]) -> list[Item]:
    end = datetime.combine(days[-1] + timedelta(days=1), time(), ctx.tz)
    items = []
    for r in await ctx.uow.views.reminders_between(ctx.user.id, ctx.now, end):
        local = r.due_at.astimezone(ctx.tz)
        key = "ag.follow_up" if r.kind == "follow_up" else "ag.reminder"
        text = ctx.t(key, time=f"{local:%H:%M}", text=" ".join(r.text.split())[:80])
        items.append(Item(local.date(), f"2{local:%H:%M}", text))
    return items


async def _payments(ctx: Ctx, days: list[date]) -> list[Item]:
    mine = Scope(ctx.user.org_id, frozenset({ctx.user.id}))
    items = []
    for inst, deal, customer in await ctx.uow.views.unpaid(mine, days[-1]):
        if inst.due_date < days[0]:
            continue  # overdue money is /receivables' business
        amount = fmt_money(inst.amount - inst.paid_amount, inst.currency, ctx.lang)
        text = ctx.t("ag.payment", customer=customer.name, deal=deal.title, amount=amount)
        items.append(Item(inst.due_date, "1", text))
    return items


async def _birthdays(ctx: Ctx, days: list[date]) -> list[Item]:
    solar: dict[tuple[int, int], date] = {}
    lunar: dict[tuple[int, int], date] = {}
    for day in days:
        solar[(day.month, day.day)] = day
        if (day.month, day.day) == (2, 28) and (day + timedelta(days=1)).month == 3:
            solar[(2, 29)] = day  # born on 29 Feb: celebrated on the 28th in common years
        moon = LunarDate.from_solar_date(day.year, day.month, day.day)
        lunar.setdefault((moon.month, moon.day), day)
    found = await ctx.uow.views.birthdays(ctx.user.org_id, ctx.user.id, list(solar), list(lunar))
    items = []
    for c in found:
        assert c.birthday is not None
        key = (c.birthday.month, c.birthday.day)
        on = lunar.get(key) if c.birthday_lunar else solar.get(key)
        if on is None:
            continue
        mark = ctx.t("ag.lunar") if c.birthday_lunar else ""
        items.append(Item(on, "0", ctx.t("ag.birthday", name=c.name, lunar=mark)))
    return items


async def on_payload(ctx: Ctx, parts: list[str]) -> list[Reply]:
    """ag:<page>"""
    return await _page(ctx, paging.page_arg(parts, 0))


def register(routes: Routes) -> None:
    routes.command(agenda_command, "/agenda", "日程", "agenda", "本周日程")
    routes.payloads["ag"] = on_payload
