"""/reminders (提醒列表): the next 14 days of my reminders, paged, with Edit time and Cancel.

Edit time is /remind's own Reschedule (`rm:res:ID`, its date read through chat/dates.py);
a cancel is audited and can be undone from the reply (`rl:u:ID`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from handlers.chat import paging
from handlers.chat.context import Ctx, UserError, int_arg
from handlers.chat.routes import Routes
from handlers.i18n import add_texts
from handlers.messages import Choice, Reply
from handlers.services import reminders as svc
from store.models import Reminder

WINDOW = timedelta(days=14)

add_texts(
    {
        "rl.empty": (
            "接下来 14 天没有提醒。用 /remind 设一个，例如「提醒 明天上午10点给李总打电话」。",
            'No reminders in the next 14 days. Set one with /remind, e.g. "/remind '
            'tomorrow 10am call Li".',
        ),
        "rl.header": (
            "⏰ 接下来 14 天的提醒{position}：",
            "⏰ Reminders, next 14 days{position}:",
        ),
        "rl.line": ("• {when} {text}{customer}", "• {when} {text}{customer}"),
        "rl.customer": ("（{name}）", " ({name})"),
        "rl.overdue": (
            "另有 {n} 条已逾期，发送 /today 处理。",
            "{n} more overdue: send /today to deal with them.",
        ),
        "rl.btn_edit": ("✏️ 改时间：{text}", "✏️ Edit time: {text}"),
        "rl.btn_cancel": ("✖️ 取消：{text}", "✖️ Cancel: {text}"),
        "rl.cancelled": ("✖️ 已取消提醒：{when} {text}", "✖️ Reminder cancelled: {when} {text}"),
        "rl.btn_undo": ("↩️ 撤销", "↩️ Undo"),
        "rl.restored": ("↩️ 提醒已恢复：{when} {text}", "↩️ Reminder restored: {when} {text}"),
        "rl.not_cancelled": ("这个提醒没有被取消。", "That reminder isn't cancelled."),
    }
)


async def reminders_command(ctx: Ctx, _args: str) -> list[Reply]:
    """/reminders: what is coming up in the next 14 days, 8 at a time."""
    return await _page(ctx, 0)


async def _page(ctx: Ctx, number: int) -> list[Reply]:
    end = ctx.now + WINDOW

    async def fetch(offset: int, limit: int) -> list[Reminder]:
        found = await ctx.uow.views.reminders_between(ctx.user.id, ctx.now, end, offset, limit)
        return list(found)

    page = await paging.load(fetch, number)
    paging.check_not_past_end(page)
    overdue = await ctx.uow.views.count_overdue(ctx.user.id, ctx.now) if number == 0 else 0
    if not page.items:
        lines = [ctx.t("rl.empty")] + ([ctx.t("rl.overdue", n=overdue)] if overdue else [])
        return [Reply("\n".join(lines))]
    names = await _names(ctx, page.items)
    lines = [ctx.t("rl.header", position=paging.position(ctx, page))]
    choices: list[Choice] = []
    for r in page.items:
        name = names.get(r.customer_id or 0)
        customer = ctx.t("rl.customer", name=name) if name else ""
        lines.append(
            ctx.t("rl.line", when=ctx.when(r.due_at), text=_short(r.text), customer=customer)
        )
        label = _short(r.text, 14 if ctx.lang == "zh" else 24)  # a button's width
        choices.append(Choice(ctx.t("rl.btn_edit", text=label), f"rm:res:{r.id}"))
        choices.append(Choice(ctx.t("rl.btn_cancel", text=label), f"rl:x:{r.id}"))
    if overdue:
        lines.append(ctx.t("rl.overdue", n=overdue))
    choices.extend(paging.more(ctx, "rl:p:", page))
    return [Reply("\n".join(lines), tuple(choices), private=True)]


async def _names(ctx: Ctx, reminders: Sequence[Reminder]) -> dict[int, str]:
    ids = [r.customer_id for r in reminders if r.customer_id is not None]
    found = await ctx.uow.customers.by_ids(ids)
    return {i: c.name for i, c in found.items() if ctx.scope.allows(c.org_id, c.owner_id)}


async def on_payload(ctx: Ctx, parts: list[str]) -> list[Reply]:
    """rl:p:<page> pages, rl:x:<id> cancels, rl:u:<id> undoes the cancel."""
    action = parts[0] if parts else ""
    if action == "p":
        return await _page(ctx, paging.page_arg(parts, 1))
    reminder = await ctx.uow.reminders.get_for_user(ctx.user.id, int_arg(parts, 1))
    if reminder is None:
        raise UserError("rm.gone")
    when = ctx.when(reminder.due_at)
    if action == "x":
        if reminder.status in ("done", "cancelled"):
            raise UserError("rm.already_done")
        await svc.change(ctx.uow, ctx.user, reminder, ctx.now, "cancelled")
        undo = (Choice(ctx.t("rl.btn_undo"), f"rl:u:{reminder.id}"),)
        return [Reply(ctx.t("rl.cancelled", when=when, text=reminder.text), undo, private=True)]
    if action == "u":
        if reminder.status != "cancelled":
            raise UserError("rl.not_cancelled")
        await svc.change(ctx.uow, ctx.user, reminder, ctx.now, "pending")
        return [Reply(ctx.t("rl.restored", when=when, text=reminder.text), private=True)]
    raise UserError("error.stale_button")


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def register(routes: Routes) -> None:
    routes.command(reminders_command, "/reminders", "提醒列表", "我的提醒", "reminders")
    routes.payloads["rl"] = on_payload
