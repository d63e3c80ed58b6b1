"""/remind (提醒) and /today (今天): set reminders and act on what is due."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta

from handlers.chat import paging, pick
from handlers.chat.context import Ctx, UserError, int_arg
from handlers.chat.dates import sure
from handlers.chat.routes import Routes
from handlers.i18n import add_texts
from handlers.messages import Choice, Reply
from handlers.nlu.intent import understand
from handlers.nlu.when import parse_when
from handlers.services import customers as customer_svc
from handlers.services import reminders as svc
from store.models import Reminder

_LEAD_IN = re.compile(r"^\s*(提醒我|提醒|记得|remind me( to)?|reminder:?)\s*", re.IGNORECASE)

add_texts(
    {
        "rm.ask_text": (
            "提醒什么事？例如「明天下午3点给李总打电话」",
            'Remind you of what? e.g. "tomorrow 3pm call Li"',
        ),
        "rm.ask_when": ("什么时候提醒？例如「明天上午10点」", 'When? e.g. "tomorrow 10am"'),
        "rm.bad_when": (
            "没看懂时间「{text}」。例如「明天上午10点」「下周一」：",
            'I couldn\'t read the time "{text}". Try "tomorrow 10am" or "next Monday":',
        ),
        "rm.past": (
            "{when} 已经过去了，请给一个以后的时间：",
            "{when} has already passed; give me a time ahead:",
        ),
        "rm.set": ("⏰ 好的，{when} 提醒你：{text}", "⏰ OK, I'll remind you {when}: {text}"),
        "rm.for_customer": ("（客户：{name}）", " (customer: {name})"),
        "rm.linked": (
            "🔗 提醒「{text}」已关联到 {name}。",
            '🔗 Reminder "{text}" is now for {name}.',
        ),
        "rm.empty": (
            "🎉 今天没有待办，也没有逾期的跟进。",
            "🎉 Nothing due today and nothing overdue.",
        ),
        "rm.header": ("今天和逾期的待办（{count} 条）：", "Due today and overdue ({count}):"),
        "rm.item": ("{flag}{when} {text}", "{flag}{when} {text}"),
        "rm.overdue_flag": ("⚠️ 逾期 ", "⚠️ overdue "),
        "rm.btn_done": ("✅ 完成", "✅ Done"),
        "rm.btn_snooze": ("⏱ 1小时后", "⏱ Snooze 1h"),
        "rm.btn_tomorrow": ("🌅 明早9点", "🌅 Tomorrow 9:00"),
        "rm.btn_reschedule": ("📅 改时间", "📅 Reschedule"),
        "rm.gone": ("这个提醒不存在了。", "That reminder no longer exists."),
        "rm.done": ("✅ 已完成：{text}", "✅ Done: {text}"),
        "rm.moved": ("⏰ 改到 {when}：{text}", "⏰ Moved to {when}: {text}"),
        "rm.already_done": ("这个提醒已经处理过了。", "That reminder was already dealt with."),
        "rm.more_left": ("还有 {n} 条待办。", "{n} more to do."),
    }
)


async def remind(ctx: Ctx, text: str) -> list[Reply]:
    """/remind <when and what>; without text, asks for it."""
    if not text:
        ctx.conv.go("rm.text")
        return [Reply(ctx.t("rm.ask_text"))]
    when = parse_when(text, ctx.local_now(), ctx.config.default_hour)
    if when is None:
        ctx.conv.go("rm.when", text=text)
        return [Reply(ctx.t("rm.ask_when"))]
    return await _create(ctx, text, sure(ctx, when.start, "ahead", text))


async def _create(ctx: Ctx, text: str, due: datetime) -> list[Reply]:
    if due <= ctx.now:
        raise UserError("rm.past", when=ctx.when(due))
    body = _LEAD_IN.sub("", text).strip() or text.strip()
    mention = understand(text, ctx.local_now()).lookup
    found = await customer_svc.resolve_mention(ctx.uow, ctx.scope, mention or "")
    best = found.certain
    customer_id = best.id if best is not None else None
    reminder = await svc.create(ctx.uow, ctx.user, due, body, ctx.now, customer_id=customer_id)
    ctx.conv.end()
    text = ctx.t("rm.set", when=ctx.when(reminder.due_at), text=body)
    text += ctx.t("rm.for_customer", name=best.name) if best is not None else ""
    replies = [Reply(text, private=True)]
    if best is None and found.ranked and mention:  # set either way; which customer is asked
        candidates = [c for c, _ in found.ranked]
        replies.append(await pick.ask(ctx, mention, candidates, f"rm:link:{reminder.id}:", False))
    return replies


async def on_state(ctx: Ctx, text: str) -> list[Reply]:
    if ctx.conv.state == "rm.text":
        return await remind(ctx, text)
    when = parse_when(text, ctx.local_now(), ctx.config.default_hour)
    if when is None:
        raise UserError("rm.bad_when", text=text[:40])
    due = sure(ctx, when.start, "ahead", text)
    if ctx.conv.state == "rm.when":
        return await _create(ctx, str(ctx.conv.data["text"]), due)
    reminder = await _own(ctx, int(ctx.conv.data["reminder_id"]))
    return await _move(ctx, reminder, due)


async def today(ctx: Ctx, _args: str) -> list[Reply]:
    """/today: what is due before tonight's midnight, overdue first."""
    return await _today_page(ctx, 0)


async def _today_page(ctx: Ctx, number: int) -> list[Reply]:
    """One page of /today; the rest behind ▶ more (rm:today:<page>), never cut silently."""
    midnight = datetime.combine(ctx.local_now().date() + timedelta(days=1), time(), ctx.tz)
    due = await ctx.uow.reminders.due_for_user(ctx.user.id, midnight)
    page = paging.cut(due, number)
    paging.check_not_past_end(page)
    if not due:
        return [Reply(ctx.t("rm.empty"))]
    header = ctx.t("rm.header", count=len(due)) + paging.position(ctx, page)
    replies = [Reply(header)] + [_item(ctx, r) for r in page.items]
    if page.has_more:
        more = paging.more(ctx, "rm:today:", page)
        replies.append(Reply(ctx.t("rm.more_left", n=len(due) - page.last), more))
    return replies


def _item(ctx: Ctx, r: Reminder) -> Reply:
    flag = ctx.t("rm.overdue_flag") if r.due_at < ctx.now else ""
    text = ctx.t("rm.item", flag=flag, when=ctx.when(r.due_at), text=r.text)
    actions = (("done", "rm.btn_done"), ("snz", "rm.btn_snooze"), ("tmr", "rm.btn_tomorrow"))
    choices = [Choice(ctx.t(label), f"rm:{a}:{r.id}") for a, label in actions]
    choices.append(Choice(ctx.t("rm.btn_reschedule"), f"rm:res:{r.id}"))
    return Reply(text, tuple(choices), private=True)


async def on_payload(ctx: Ctx, parts: list[str]) -> list[Reply]:
    action = parts[0] if parts else ""
    if action == "today":
        return await _today_page(ctx, paging.page_arg(parts, 1))
    reminder = await _own(ctx, int_arg(parts, 1))
    if reminder.status in ("done", "cancelled"):
        raise UserError("rm.already_done")
    if action == "done":
        await svc.change(ctx.uow, ctx.user, reminder, ctx.now, "done")
        return [Reply(ctx.t("rm.done", text=reminder.text), private=True)]
    if action == "snz":
        return await _move(ctx, reminder, ctx.now + timedelta(hours=1), "snoozed")
    if action == "tmr":
        tomorrow = ctx.local_now().date() + timedelta(days=1)
        nine = datetime.combine(tomorrow, time(ctx.config.default_hour), ctx.tz)
        return await _move(ctx, reminder, nine)
    if action == "link":
        customer = await ctx.uow.customers.ref(ctx.scope, int_arg(parts, 2))
        if customer is None:
            raise UserError("cu.gone")
        await svc.link(ctx.uow, ctx.user, reminder, customer.id, ctx.now)
        return [Reply(ctx.t("rm.linked", name=customer.name, text=reminder.text), private=True)]
    if action == "res":
        ctx.conv.go("rm.res", reminder_id=reminder.id)
        return [Reply(ctx.t("rm.ask_when"))]
    raise UserError("error.stale_button")


async def _own(ctx: Ctx, reminder_id: int) -> Reminder:
    reminder = await ctx.uow.reminders.get_for_user(ctx.user.id, reminder_id)
    if reminder is None:
        raise UserError("rm.gone")
    return reminder


async def _move(
    ctx: Ctx, reminder: Reminder, due: datetime, status: str = "pending"
) -> list[Reply]:
    if due <= ctx.now:
        raise UserError("rm.past", when=ctx.when(due))
    await svc.change(ctx.uow, ctx.user, reminder, ctx.now, status, due_at=due)
    ctx.conv.end()
    return [Reply(ctx.t("rm.moved", when=ctx.when(due), text=reminder.text), private=True)]


def register(routes: Routes) -> None:
    routes.command(remind, "/remind", "提醒", prefix=("提醒我", "提醒"))
    routes.command(today, "/today", "今天", "today", "待办")
    routes.states["rm"] = on_state
    routes.payloads["rm"] = on_payload
