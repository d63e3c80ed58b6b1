"""/tickets (工单): customers' complaints and call-back requests from the desk, for the rep
who owns the customer (manager: the team's; admin: all), with Reply and Close.

A reply goes to the customer on the chat they wrote from, through the outbox like every desk
message (the Official Account's sender keeps WeChat's 48-hour rule). Replies and closes are
audited. Buttons: tk:p:<page>, tk:r:<id> (write a reply), tk:c:<id> (close).
"""

from __future__ import annotations

from handlers.chat import paging
from handlers.chat.context import Ctx, UserError, int_arg
from handlers.chat.routes import Routes
from handlers.desk import texts as desk_texts
from handlers.desk.notify import numbered_bodies
from handlers.i18n import add_texts, t
from handlers.messages import Choice, Reply
from handlers.services import reminders
from handlers.services.audit import record
from store.models import Customer, Ticket

MAX_REPLY = 1000
assert desk_texts  # the ticket kinds' names

add_texts(
    {
        "tk.none": ("没有待处理的工单。", "No open tickets."),
        "tk.header": ("🎫 待处理的工单{position}：", "🎫 Open tickets{position}:"),
        "tk.line": (
            "• #{id} {kind} · {customer} · {due}\n  {text}",
            "• #{id} {kind} · {customer} · {due}\n  {text}",
        ),
        "tk.due": ("{when} 前处理", "due {when}"),
        "tk.late": ("⚠️ 已超时（{when}）", "⚠️ overdue (since {when})"),
        "tk.unknown": ("未绑定的客户", "unlinked customer"),
        "tk.btn_reply": ("💬 回复 #{id}", "💬 Reply #{id}"),
        "tk.btn_close": ("✅ 关闭 #{id}", "✅ Close #{id}"),
        "tk.gone": ("这个工单不存在，或不归你处理。", "That ticket doesn't exist or isn't yours."),
        "tk.closed_already": ("工单 #{id} 已经关闭了。", "Ticket #{id} is already closed."),
        "tk.ask_reply": (
            "请输入给 {customer} 的回复（会发到客户的{channel}，/cancel 取消）：",
            "Type your reply to {customer} (it goes to their {channel}; /cancel to stop):",
        ),
        "tk.no_channel": (
            "工单 #{id} 的客户已经无法接收消息（未关注或没有聊天身份），请电话联系。",
            "The customer of ticket #{id} can't be messaged (unfollowed, or no chat); "
            "please phone them.",
        ),
        "tk.too_long": (
            "回复太长了（最多 {limit} 字），没有发送。",
            "That reply is too long (at most {limit} characters); nothing was sent.",
        ),
        "tk.sent": (
            "📤 已发给 {customer}（工单 #{id}）。",
            "📤 Sent to {customer} (ticket #{id}).",
        ),
        "tk.closed": ("✅ 工单 #{id} 已关闭。", "✅ Ticket #{id} closed."),
        "tk.to_customer": (
            "您的顾问 {rep} 回复（编号 {id}）：\n{text}",
            "Your adviser {rep} replies (no. {id}):\n{text}",
        ),
        "tk.channel.wechat_oa": ("公众号", "WeChat Official Account chat"),
        "tk.channel.telegram": ("Telegram", "Telegram chat"),
        "tk.channel.other": ("聊天窗口", "chat"),
        "cv.form.tk": ("工单回复", "ticket reply"),
    }
)


async def tickets_command(ctx: Ctx, _args: str) -> list[Reply]:
    """/tickets: open tickets I handle (manager: team; admin: all), soonest due first."""
    return await _page(ctx, 0)


async def _page(ctx: Ctx, number: int) -> list[Reply]:
    async def fetch(offset: int, limit: int) -> list[tuple[Ticket, Customer | None]]:
        return await ctx.uow.views.open_tickets(ctx.scope, offset, limit)

    page = await paging.load(fetch, number)
    paging.check_not_past_end(page)
    if not page.items:
        return [Reply(ctx.t("tk.none"))]
    lines = [ctx.t("tk.header", position=paging.position(ctx, page))]
    choices: list[Choice] = []
    for ticket, customer in page.items:
        lines.append(_line(ctx, ticket, customer))
        choices.append(Choice(ctx.t("tk.btn_reply", id=ticket.id), f"tk:r:{ticket.id}"))
        choices.append(Choice(ctx.t("tk.btn_close", id=ticket.id), f"tk:c:{ticket.id}"))
    choices.extend(paging.more(ctx, "tk:p:", page))
    return [Reply("\n".join(lines), tuple(choices), private=True)]


def _line(ctx: Ctx, ticket: Ticket, customer: Customer | None) -> str:
    when = ctx.when(ticket.due_by)
    due = ctx.t("tk.late", when=when) if ticket.due_by < ctx.now else ctx.t("tk.due", when=when)
    return ctx.t(
        "tk.line",
        id=ticket.id,
        kind=ctx.t(f"desk.kind.{ticket.kind}"),
        customer=customer.name if customer else ctx.t("tk.unknown"),
        due=due,
        text=_short(ticket.text, 160),
    )


async def _visible(ctx: Ctx, ticket_id: int) -> tuple[Ticket, Customer | None]:
    found = await ctx.uow.views.ticket(ctx.scope, ticket_id)
    if found is None:
        raise UserError("tk.gone")
    if found[0].status != "open":
        raise UserError("tk.closed_already", id=ticket_id)
    return found


async def _ask_reply(ctx: Ctx, ticket_id: int) -> list[Reply]:
    ticket, customer = await _visible(ctx, ticket_id)
    link = await ctx.uow.views.link(ticket.link_id) if ticket.link_id else None
    if link is None or not link.subscribed:
        raise UserError("tk.no_channel", id=ticket.id)
    channel = link.channel if link.channel in ("wechat_oa", "telegram") else "other"
    ctx.conv.go("tk.reply", ticket_id=ticket.id)
    name = customer.name if customer else ctx.t("tk.unknown")
    return [Reply(ctx.t("tk.ask_reply", customer=name, channel=ctx.t(f"tk.channel.{channel}")))]


async def on_reply_text(ctx: Ctx, text: str) -> list[Reply]:
    """The reply typed after 💬 Reply: queued to the customer, audited."""
    if len(text) > MAX_REPLY:
        raise UserError("tk.too_long", limit=MAX_REPLY)
    ticket, customer = await _visible(ctx, int(ctx.conv.data["ticket_id"]))
    link = await ctx.uow.views.link(ticket.link_id) if ticket.link_id else None
    if link is None or not link.subscribed:
        raise UserError("tk.no_channel", id=ticket.id)
    lang = link.lang or ctx.config.default_lang
    message = Reply(t(lang, "tk.to_customer", rep=ctx.user.name, id=ticket.id, text=text))
    body = numbered_bodies([message], lang)[0]
    ref = ctx.msg.dedupe_key or ctx.msg.message_id or ctx.now.isoformat()
    key = f"ticket:{ticket.id}:reply:{ctx.msg.channel}:{ref}"
    await ctx.uow.outbox.enqueue(link.channel, link.external_id, body, key, ctx.now)
    after = {"reply": text, "channel": link.channel}
    await record(ctx.uow, ctx.user, "ticket.reply", ("ticket", ticket.id), ctx.now, after=after)
    ctx.conv.end()
    name = customer.name if customer else ctx.t("tk.unknown")
    close = (Choice(ctx.t("tk.btn_close", id=ticket.id), f"tk:c:{ticket.id}"),)
    return [Reply(ctx.t("tk.sent", customer=name, id=ticket.id), close)]


async def _close(ctx: Ctx, ticket_id: int) -> list[Reply]:
    ticket, _customer = await _visible(ctx, ticket_id)
    before = {"status": ticket.status}
    ticket.status, ticket.closed_at = "closed", ctx.now
    after = {"status": "closed"}
    await record(ctx.uow, ctx.user, "ticket.close", ("ticket", ticket.id), ctx.now, before, after)
    for reminder in await ctx.uow.reminders.open_for_ticket(ticket.id):  # nothing left to do
        await reminders.change(ctx.uow, ctx.user, reminder, ctx.now, "done")
    if ctx.conv.state == "tk.reply":
        ctx.conv.end()
    return [Reply(ctx.t("tk.closed", id=ticket.id))]


async def on_payload(ctx: Ctx, parts: list[str]) -> list[Reply]:
    action = parts[0] if parts else ""
    if action == "p":
        return await _page(ctx, paging.page_arg(parts, 1))
    if action == "r":
        return await _ask_reply(ctx, int_arg(parts, 1))
    if action == "c":
        return await _close(ctx, int_arg(parts, 1))
    raise UserError("error.stale_button")


def _short(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def register(routes: Routes) -> None:
    routes.command(tickets_command, "/tickets", "工单", "tickets")
    routes.states["tk"] = on_reply_text
    routes.payloads["tk"] = on_payload
