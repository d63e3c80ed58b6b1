"""/handover (交接): an admin hands a leaving rep's work to colleagues; /owners shows history."""

from __future__ import annotations

import re

from handlers.chat.context import Ctx, UserError, int_arg
from handlers.chat.ops_util import (
    colleague,
    colleagues,
    guarded,
    one_customer,
    picked,
    reason_text,
    require,
)
from handlers.chat.routes import Routes
from handlers.i18n import add_texts
from handlers.messages import Choice, Reply
from handlers.services.ops.handover import handover
from store.models import Customer, User

add_texts(
    {
        "ho.usage": (
            "用法：交接 离职同事 给 同事A、同事B",
            "Usage: /handover leaving_rep to colleague_a,colleague_b",
        ),
        "ho.confirm": (
            "将把 {name} 的 {customers} 位客户、{deals} 个商机和 {reminders} 个待办提醒"
            "平均交接给：{to}。确认吗？",
            "Hand {name}'s {customers} customers, {deals} deals and {reminders} open reminders "
            "to {to}, balanced. Go ahead?",
        ),
        "ho.btn_ok": ("✅ 确认交接", "✅ Hand over"),
        "ho.btn_no": ("❌ 取消", "❌ Cancel"),
        "ho.done": (
            "✅ 交接完成：{lines}\n商机 {deals} 个，提醒 {reminders} 个，工单 {tickets} 个。"
            "已给每位新负责人发送客户简报。",
            "✅ Handed over: {lines}\n{deals} deals, {reminders} reminders, {tickets} tickets. "
            "Each new owner got a brief per customer.",
        ),
        "ho.line": ("{name} {n} 位", "{name} {n}"),
        "ho.cancelled": ("好的，没有交接。", "OK, nothing was handed over."),
        "ho.no_receivers": (
            "请至少指定一位接手的同事。",
            "Name at least one colleague to receive.",
        ),
        "ho.bad_user": ("{name} 不能接手这次交接。", "{name} can't take part in this handover."),
        "ow.title": ("👥 {name} 的负责人变更：", "👥 Owner history of {name}:"),
        "ow.line": ("• {when} {frm} → {to}（{reason}）", "• {when} {frm} → {to} ({reason})"),
        "ow.none": ("{name} 还没有换过负责人。", "{name} has never changed hands."),
        "ow.pool": ("公海", "pool"),
    }
)


async def handover_command(ctx: Ctx, args: str) -> list[Reply]:
    """/handover <leaving> to <a>,<b>: admins only, confirmed before anything moves."""
    require(ctx, "admin")
    # "to" needs spaces around it (names hold letters); 给 and arrows need none.
    parts = re.split(r"\s+to\s+|\s*(?:给|->|→)\s*", args.strip(), maxsplit=1)
    if len(parts) != 2 or not parts[0] or not parts[1]:
        raise UserError("ho.usage")
    leaving = await colleague(ctx, parts[0])
    receivers = list(dict.fromkeys(await colleagues(ctx, parts[1])))
    if not receivers:
        raise UserError("ho.no_receivers")
    customers = await ctx.uow.ops.customers_of(ctx.user.org_id, leaving.id)
    deals = await ctx.uow.ops.deals_of(ctx.user.org_id, leaving.id)
    reminders = await ctx.uow.ops.open_reminders_of(leaving.id)
    to = "、".join(r.name for r in receivers)
    text = ctx.t(
        "ho.confirm",
        name=leaving.name,
        customers=len(customers),
        deals=len(deals),
        reminders=len(reminders),
        to=to,
    )
    payload = f"ho:ok:{leaving.id}:" + ".".join(str(r.id) for r in receivers)
    choices = (Choice(ctx.t("ho.btn_ok"), payload), Choice(ctx.t("ho.btn_no"), "ho:no"))
    return [Reply(text, choices)]


async def on_payload(ctx: Ctx, parts: list[str]) -> list[Reply]:
    if parts[:1] == ["ow"]:  # the customer picked for /owners
        return await _owners(ctx, await picked(ctx, int_arg(parts, 1)))
    if parts[:1] != ["ok"]:
        return [Reply(ctx.t("ho.cancelled"))]
    require(ctx, "admin")
    leaving = await _user(ctx, int_arg(parts, 1))
    ids = parts[2].split(".") if len(parts) > 2 and parts[2] else []
    receivers = [await _user(ctx, int_arg(ids, i)) for i in range(len(ids))]
    result = await guarded(handover(ctx.uow, ctx.user, leaving, receivers, ctx.now))
    names = {r.id: r.name for r in receivers}
    lines = "，".join(
        ctx.t("ho.line", name=names[k], n=len(v)) for k, v in result.customers.items()
    )
    return [
        Reply(
            ctx.t(
                "ho.done",
                lines=lines,
                deals=result.deals,
                reminders=result.reminders,
                tickets=result.tickets,
            )
        )
    ]


async def _user(ctx: Ctx, user_id: int) -> User:
    user = await ctx.uow.users.get(user_id)
    if user is None or user.org_id != ctx.user.org_id:
        raise UserError("error.stale_button")
    return user


async def owners_command(ctx: Ctx, args: str) -> list[Reply]:
    """/owners <customer>: every change of hands, oldest first."""
    found = await one_customer(ctx, args, "ho:ow:")
    return found if isinstance(found, list) else await _owners(ctx, found)


async def _owners(ctx: Ctx, customer: Customer) -> list[Reply]:
    changes = await ctx.uow.ops.owner_history(customer.id)
    if not changes:
        return [Reply(ctx.t("ow.none", name=customer.name))]
    users = {u.id: u.name for u in await ctx.uow.users.in_org(ctx.user.org_id)}
    lines = [ctx.t("ow.title", name=customer.name)]
    for c in changes:
        frm = users.get(c.from_owner_id or 0, ctx.t("ow.pool"))
        to = users.get(c.to_owner_id or 0, ctx.t("ow.pool"))
        when, why = ctx.when(c.at, False), reason_text(ctx, c.reason)
        lines.append(ctx.t("ow.line", when=when, frm=frm, to=to, reason=why))
    return [Reply("\n".join(lines), private=True)]


def register(routes: Routes) -> None:
    routes.command(handover_command, "/handover", "交接", prefix=("交接",))
    routes.command(owners_command, "/owners", "归属记录", prefix=("归属记录",))
    routes.payloads["ho"] = on_payload
