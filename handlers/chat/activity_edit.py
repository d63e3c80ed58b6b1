"""Correcting a logged visit, call or meeting: undo right after saving, or open it from the
customer's activity list to edit its time, type, text or follow-up, or delete it.

Buttons (all stateless, each re-checked against who may change the activity):
`ae:list:CUSTOMER[:OFFSET]`, `ae:open:ID`, `ae:ed:ID:FIELD`, `ae:kind:ID:KIND`,
`ae:del:ID` → `ae:delok:ID` / `ae:open:ID`, and `ae:undo:ID` (only within UNDO_WINDOW).
"""

from __future__ import annotations

from datetime import datetime
from typing import NoReturn

from handlers.chat import pick
from handlers.chat.cards import customer_title
from handlers.chat.context import Ctx, UserError, int_arg
from handlers.chat.dates import sure
from handlers.chat.routes import Routes
from handlers.chat.visit_draft import FUTURE_SLACK_S
from handlers.chat.visit_edit import NONE_WORDS, parse_time
from handlers.i18n import add_texts
from handlers.messages import Choice, Reply
from handlers.services import records as svc
from handlers.services.activities import KINDS
from store.models import Activity, Customer

PAGE = 8
LABEL = 30  # characters of the notes in a list button
UNDO_MINUTES = int(svc.UNDO_WINDOW.total_seconds() // 60)
MAX_TEXT = 2000
FIELDS = {"when": ("ae.when", "ae.ask_when"), "fu": ("ae.fu", "ae.ask_fu"),
          "text": ("ae.text", "ae.ask_text")}  # fmt: skip

add_texts(
    {
        "ae.btn_undo": ("↩️ 撤销（{n} 分钟内）", "↩️ Undo ({n} min)"),
        "ae.btn_edit": ("✏️ 修改", "✏️ Edit"),
        "ae.btn_list": ("📋 活动记录", "📋 Activities"),
        "ae.list": (
            "「{customer}」的活动记录（选一条查看或修改）：",
            "Activities with {customer} (pick one to view or change):",
        ),
        "ae.list_none": (
            "「{customer}」还没有活动记录。",
            "No activities logged with {customer} yet.",
        ),
        "ae.btn_more": ("▶ 更多", "▶ More"),
        "ae.card": (
            "📝 {kind} · {customer}\n时间：{when}\n记录人：{who}\n下次回访：{follow_up}\n"
            "内容：{summary}",
            "📝 {kind} · {customer}\nWhen: {when}\nLogged by: {who}\nFollow-up: {follow_up}\n"
            "Notes: {summary}",
        ),
        "ae.btn_when": ("✏️ 改时间", "✏️ Time"),
        "ae.btn_kind": ("✏️ 改类型", "✏️ Type"),
        "ae.btn_text": ("✏️ 改内容", "✏️ Notes"),
        "ae.btn_fu": ("✏️ 改回访", "✏️ Follow-up"),
        "ae.btn_delete": ("🗑 删除", "🗑 Delete"),
        "ae.ask_when": ("是什么时候？例如「昨天下午3点」", 'When was it? e.g. "yesterday 3pm"'),
        "ae.ask_fu": (
            "下次什么时候回访？例如「下周三」，取消回访就回复「无」",
            'When to follow up? e.g. "next Wednesday", or "none" to cancel it',
        ),
        "ae.ask_text": ("请输入新的内容：", "Type the new notes:"),
        "ae.ask_kind": ("改成哪种活动？", "Change it to which kind?"),
        "ae.bad_text": (
            "内容需要 1 到 {n} 个字，请重新输入：",
            "Notes need 1 to {n} characters; type again:",
        ),
        "ae.future": (
            "{when} 还没到，活动记录只能是已发生的。请重新输入时间：",
            "{when} is in the future; an activity must have happened. Type the time again:",
        ),
        "ae.past_fu": (
            "回访时间 {when} 已经过去了。请输入以后的时间（或「无」）：",
            'The follow-up {when} has passed. Type a time ahead (or "none"):',
        ),
        "ae.changed": ("✅ 已修改：", "✅ Changed:"),
        "ae.unchanged": (
            "和原来一样，没有修改。",
            "That's what it already says; nothing changed.",
        ),
        "ae.ask_delete": (
            "确定删除这条{kind}记录吗？\n{customer} · {when}\n「{summary}」",
            'Delete this {kind}?\n{customer} · {when}\n"{summary}"',
        ),
        "ae.delete_follow_up": (
            "它的回访提醒也会取消。",
            "Its follow-up reminder is cancelled too.",
        ),
        "ae.btn_delete_yes": ("🗑 确定删除", "🗑 Yes, delete"),
        "ae.btn_keep": ("保留", "Keep it"),
        "ae.deleted": (
            "🗑 已删除这条{kind}记录（{customer}）。",
            "🗑 Deleted the {kind} with {customer}.",
        ),
        "ae.undone": (
            "↩️ 已撤销：这条{kind}记录（{customer}）已删除。",
            "↩️ Undone: the {kind} with {customer} is removed.",
        ),
        "ae.deal_undone": (
            "💼 这次保存对商机「{title}」的改动也已撤回。",
            '💼 What this save did to the deal "{title}" is undone too.',
        ),
        "ae.deal_kept": (
            "💼 商机「{title}」之后又改过，保持现状；需要的话用 /deal 修改。",
            '💼 The deal "{title}" changed again since, so it stays as it is; use /deal to '
            "change it.",
        ),
        "ae.follow_up_ended": (
            "⏰ 它的回访提醒已取消。",
            "⏰ Its follow-up reminder is cancelled.",
        ),
        "ae.last_contact": ("最近联系改为：{when}", "Last contact is now {when}"),
        "ae.no_contact": (
            "这个客户现在没有联系记录了。",
            "This customer now has no contact logged.",
        ),
        "ae.undo_expired": (
            "撤销只能在保存后 {n} 分钟内使用，现在已经过期，什么都没有改。"
            "要删除它，请在客户资料里点「📋 活动记录」打开这条记录。",
            "Undo only works for {n} minutes after saving; it has expired and nothing "
            "changed. To delete it, open it from the customer's 📋 Activities.",
        ),
        "ae.undo_not_yours": (
            "只有记录人本人可以撤销，什么都没有改。",
            "Only whoever logged it can undo it; nothing changed.",
        ),
        "ae.gone": (
            "这条活动记录不存在，或你无权修改。",
            "That activity doesn't exist or isn't yours to change.",
        ),
        "ae.kept": ("好的，保留了。", "OK, kept."),
        "cv.form.ae": ("修改活动记录", "activity edit"),
        "ae.ask_who": (
            "请写上客户，例如「/activities 张三」。",
            'Name the customer, e.g. "/activities Jane Doe".',
        ),
    }
)


def after_save(ctx: Ctx, activity_id: int) -> tuple[Choice, ...]:
    """The buttons under a saved visit's confirmation."""
    return (
        Choice(ctx.t("ae.btn_undo", n=UNDO_MINUTES), f"ae:undo:{activity_id}"),
        Choice(ctx.t("ae.btn_edit"), f"ae:open:{activity_id}"),
    )


def list_button(ctx: Ctx, customer_id: int) -> Choice:
    return Choice(ctx.t("ae.btn_list"), f"ae:list:{customer_id}")


async def _load(ctx: Ctx, activity_id: int) -> tuple[Activity, Customer]:
    found = await svc.activity_in_scope(ctx.uow, ctx.user, ctx.scope, activity_id)
    return found if found is not None else _gone(ctx)


def _gone(ctx: Ctx) -> NoReturn:
    ctx.conv.end()
    raise UserError("ae.gone")


async def _list(ctx: Ctx, customer_id: int, offset: int) -> list[Reply]:
    customer = await ctx.uow.customers.get(ctx.scope, customer_id)
    if customer is None:
        raise UserError("cu.gone")
    rows = await ctx.uow.records.activities_of(customer.id, PAGE + 1, offset)
    title = customer_title(customer)
    if not rows:
        return [Reply(ctx.t("ae.list_none", customer=title), private=True)]
    choices = [Choice(_label(ctx, a), f"ae:open:{a.id}") for a in rows[:PAGE]]
    if len(rows) > PAGE:
        choices.append(Choice(ctx.t("ae.btn_more"), f"ae:list:{customer.id}:{offset + PAGE}"))
    return [Reply(ctx.t("ae.list", customer=title), tuple(choices), private=True)]


def _label(ctx: Ctx, a: Activity) -> str:
    summary = " ".join(a.summary.split())
    summary = summary if len(summary) <= LABEL else summary[: LABEL - 1] + "…"
    return f"{ctx.when(a.happened_at, False)} {ctx.t(f'kind.{a.kind}')} · {summary}"


async def _card(ctx: Ctx, activity: Activity, customer: Customer, lead: str = "") -> list[Reply]:
    follow = await ctx.uow.records.follow_ups(activity.id)
    author = await ctx.uow.users.get(activity.user_id)
    kind = ctx.t(f"kind.{activity.kind}")
    text = ctx.t(
        "ae.card",
        kind=kind[:1].upper() + kind[1:],  # a heading: "Call · …"
        customer=customer_title(customer),
        when=ctx.when(activity.happened_at),
        who=author.name if author else "—",
        follow_up=ctx.when(follow[0].due_at) if follow else ctx.t("vi.no_follow_up"),
        summary=activity.summary,
    )
    i = activity.id
    choices = (
        Choice(ctx.t("ae.btn_when"), f"ae:ed:{i}:when"),
        Choice(ctx.t("ae.btn_kind"), f"ae:ed:{i}:kind"),
        Choice(ctx.t("ae.btn_text"), f"ae:ed:{i}:text"),
        Choice(ctx.t("ae.btn_fu"), f"ae:ed:{i}:fu"),
        Choice(ctx.t("ae.btn_delete"), f"ae:del:{i}"),
    )
    return [Reply(f"{lead}\n{text}" if lead else text, choices, private=True)]


async def on_payload(ctx: Ctx, parts: list[str]) -> list[Reply]:
    action = parts[0] if parts else ""
    if action == "list":
        offset = int_arg(parts, 2) if len(parts) > 2 else 0
        return await _list(ctx, int_arg(parts, 1), offset)
    if action == "undo":
        return await _undo(ctx, int_arg(parts, 1))
    activity, customer = await _load(ctx, int_arg(parts, 1))
    if action == "open":
        ctx.conv.end()
        return await _card(ctx, activity, customer)
    if action == "ed" and len(parts) > 2:
        return _ask(ctx, activity, parts[2])
    if action == "kind" and len(parts) > 2 and parts[2] in KINDS:
        return await _apply(ctx, activity, customer, {"kind": parts[2]})
    if action == "del":
        return await _ask_delete(ctx, activity, customer)
    if action == "delok":
        return await _delete(ctx, activity, customer, "activity.delete", "ae.deleted")
    raise UserError("error.stale_button")


def _ask(ctx: Ctx, activity: Activity, field: str) -> list[Reply]:
    if field == "kind":
        choices = tuple(Choice(ctx.t(f"kind.{k}"), f"ae:kind:{activity.id}:{k}") for k in KINDS)
        return [Reply(ctx.t("ae.ask_kind"), choices)]
    if field not in FIELDS:
        raise UserError("error.stale_button")
    state, question = FIELDS[field]
    ctx.conv.end()
    ctx.conv.go(state, activity_id=activity.id)
    return [Reply(ctx.t(question))]


async def on_state(ctx: Ctx, text: str) -> list[Reply]:
    """The new time, follow-up or notes for the activity being edited."""
    step = ctx.conv.state
    activity, customer = await _load(ctx, int(ctx.conv.data.get("activity_id") or 0))
    if step == "ae.text":
        summary = text.strip()
        if not 1 <= len(summary) <= MAX_TEXT:
            raise UserError("ae.bad_text", n=MAX_TEXT)
        return await _apply(ctx, activity, customer, {"summary": summary})
    if step == "ae.when":
        when = sure(ctx, parse_time(ctx, text), "happened", text)
        if (when - ctx.now).total_seconds() > FUTURE_SLACK_S:
            raise UserError("ae.future", when=ctx.when(when))
        return await _apply(ctx, activity, customer, {"happened_at": when})
    if text.strip().lower() in NONE_WORDS:
        return await _follow_up(ctx, activity, customer, None)
    due = sure(ctx, parse_time(ctx, text), "ahead", text)
    if due <= ctx.now:
        raise UserError("ae.past_fu", when=ctx.when(due))
    return await _follow_up(ctx, activity, customer, due)


async def _apply(
    ctx: Ctx, activity: Activity, customer: Customer, changes: dict[str, object]
) -> list[Reply]:
    ctx.conv.end()
    changed = await svc.edit_activity(ctx.uow, ctx.user, activity, changes, ctx.now)
    lead = ctx.t("ae.changed" if changed else "ae.unchanged")
    if changed and "happened_at" in changes:
        lead = f"{lead}\n{_contact_line(ctx, customer)}"
    return await _card(ctx, activity, customer, lead)


async def _follow_up(
    ctx: Ctx, activity: Activity, customer: Customer, due: datetime | None
) -> list[Reply]:
    ctx.conv.end()
    await svc.set_follow_up(ctx.uow, ctx.user, activity, due, ctx.now, customer.owner_id)
    return await _card(ctx, activity, customer, ctx.t("ae.changed"))


async def _ask_delete(ctx: Ctx, activity: Activity, customer: Customer) -> list[Reply]:
    text = ctx.t(
        "ae.ask_delete",
        kind=ctx.t(f"kind.{activity.kind}"),
        customer=customer_title(customer),
        when=ctx.when(activity.happened_at),
        summary=" ".join(activity.summary.split())[:80],
    )
    if await ctx.uow.records.follow_ups(activity.id):
        text += "\n" + ctx.t("ae.delete_follow_up")
    choices = (
        Choice(ctx.t("ae.btn_delete_yes"), f"ae:delok:{activity.id}"),
        Choice(ctx.t("ae.btn_keep"), f"ae:open:{activity.id}"),
    )
    return [Reply(text, choices, private=True)]


async def _undo(ctx: Ctx, activity_id: int) -> list[Reply]:
    activity, customer = await _load(ctx, activity_id)
    if activity.user_id != ctx.user.id:
        raise UserError("ae.undo_not_yours")
    if svc.undo_expired(activity, ctx.now):
        raise UserError("ae.undo_expired", n=UNDO_MINUTES)
    deals = await svc.undo_deal_changes(ctx.uow, ctx.user, ctx.scope, activity, ctx.now)
    replies = await _delete(ctx, activity, customer, "activity.undo", "ae.undone")
    lines = [ctx.t("ae.deal_undone", title=title) for title in deals.reverted]
    lines += [ctx.t("ae.deal_kept", title=title) for title in deals.kept]
    text = "\n".join([replies[0].text, *lines])
    return [Reply(text, private=True)]


async def _delete(
    ctx: Ctx, activity: Activity, customer: Customer, action: str, key: str
) -> list[Reply]:
    ctx.conv.end()
    kind, title = ctx.t(f"kind.{activity.kind}"), customer_title(customer)
    ended = await svc.delete_activity(ctx.uow, ctx.user, activity, ctx.now, action)
    lines = [ctx.t(key, kind=kind, customer=title)]
    lines += [ctx.t("ae.follow_up_ended")] if ended else []
    lines.append(_contact_line(ctx, customer))
    return [Reply("\n".join(lines), private=True)]


def _contact_line(ctx: Ctx, customer: Customer) -> str:
    if customer.last_contact_at is None:
        return ctx.t("ae.no_contact")
    return ctx.t("ae.last_contact", when=ctx.when(customer.last_contact_at))


async def activities_command(ctx: Ctx, args: str) -> list[Reply]:
    """/activities <customer>: their activities, to open, edit or delete one."""
    if not args:
        raise UserError("ae.ask_who")
    found = await pick.find(ctx, args, "ae:list:")
    if found.customer is None:
        return found.replies
    return await _list(ctx, found.customer.id, 0)


def register(routes: Routes) -> None:
    routes.command(activities_command, "/activities", "活动记录", prefix=("活动记录",))
    routes.payloads["ae"] = on_payload
    routes.states["ae"] = on_state
