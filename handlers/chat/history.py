"""/history (变更记录): who changed what about a customer and when, newest first.

The trail is the audit log of the customer and of everything under it (deals, visits,
reminders, payments, tickets). A rep sees their own customers', a manager their team's, an
admin everyone's: the customer is found in the user's scope, so nobody reads another's book.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from handlers.chat.context import Ctx, UserError, int_arg
from handlers.chat.ops_util import one_customer, picked, reason_text
from handlers.chat.routes import Routes
from handlers.i18n import add_texts, fmt_money
from handlers.messages import Choice, Reply
from handlers.services.deals import Pipeline, pipeline
from store.models import AuditLog, Customer

PAGE = 12
MAX_VALUE = 30  # characters of an old or new value shown

# What each audited action reads as; "customer.<reason>" of ownership changes share one text.
ACTIONS: dict[str, tuple[str, str]] = {
    "customer.create": ("新建客户", "created the customer"),
    "customer.import": ("导入客户", "imported the customer"),
    "customer.update": ("修改资料", "edited the profile"),
    "customer.edit": ("修改资料", "edited the profile"),
    "customer.note": ("加备注", "added a note"),
    "customer.kind": ("改为公司客户", "became a company"),
    "customer.bind_code": ("生成微信绑定码", "made a WeChat binding code"),
    "customer.consent": ("关怀消息同意", "care consent"),
    "customer.merge": ("合并重复客户", "merged a duplicate"),
    "customer.unmerge": ("撤销合并", "undid a merge"),
    "customer.import_merge": ("导入时合并", "merged on import"),
    "customer.extend": ("公海延期", "pool extension"),
    "customer.anonymise": ("匿名化", "anonymised"),
    "deal.create": ("新建商机", "opened a deal"),
    "deal.move": ("推进商机", "moved a deal"),
    "deal.amount": ("修改商机金额", "changed a deal's amount"),
    "deal.owner": ("商机换负责人", "deal changed hands"),
    "activity.create": ("记录拜访", "logged contact"),
    "activity.edit": ("修改活动记录", "edited an activity"),
    "activity.delete": ("删除活动记录", "deleted an activity"),
    "activity.undo": ("撤销活动记录", "undid an activity"),
    "deal.edit": ("修改商机", "edited a deal"),
    "deal.reopen": ("重新打开商机", "reopened a deal"),
    "deal.undo": ("撤回商机改动", "undid a deal change"),
    "reminder.create": ("新建提醒", "set a reminder"),
    "reminder.cancelled": ("取消提醒", "cancelled a reminder"),
    "reminder.done": ("完成提醒", "completed a reminder"),
    "reminder.pending": ("改提醒时间", "moved a reminder"),
    "reminder.owner": ("提醒换负责人", "reminder changed hands"),
    "reminder.link": ("提醒关联客户", "linked a reminder"),
    "payment.create": ("记录回款", "recorded a payment"),
    "instalment.create": ("新建付款计划", "planned an instalment"),
    "instalment.pay": ("分期已付", "instalment paid"),
    "ticket.create": ("客户提交工单", "ticket raised"),
    "ticket.assignee": ("工单指派", "ticket assigned"),
    "ticket.reply": ("回复客户", "replied to the customer"),
    "ticket.close": ("关闭工单", "closed the ticket"),
    "contact.create": ("新增联系人", "added a contact"),
    "contact.import": ("导入联系人", "imported a contact"),
    "contact.edit": ("修改联系人", "edited a contact"),
    "contact.anonymise": ("联系人匿名化", "contact anonymised"),
}
FIELDS: dict[str, tuple[str, str]] = {
    "name": ("姓名", "name"),
    "company": ("公司", "company"),
    "title": ("职务", "title"),
    "phone": ("电话", "phone"),
    "phone2": ("第二个电话", "second phone"),
    "email": ("邮箱", "email"),
    "wechat": ("微信", "WeChat"),
    "address": ("地址", "address"),
    "tier": ("等级", "tier"),
    "birthday": ("生日", "birthday"),
    "birthday_lunar": ("农历生日", "lunar birthday"),
    "notes": ("备注", "notes"),
    "tags": ("标签", "tags"),
    "care_consent": ("关怀同意", "care consent"),
    "lang": ("语言", "language"),
    "owner_id": ("负责人", "owner"),
    "user_id": ("负责人", "owner"),
    "stage": ("阶段", "stage"),
    "amount": ("金额", "amount"),
    "currency": ("币种", "currency"),
    "expected_close": ("预计成交", "expected close"),
    "title_deal": ("商机", "deal"),
    "summary": ("内容", "text"),
    "happened_at": ("时间", "time"),
    "due_at": ("时间", "due"),
    "text": ("内容", "text"),
    "status": ("状态", "status"),
    "kind": ("类型", "type"),
}
QUIET = {"org_id", "updated_at", "created_at", "search_key", "customer_id", "deal_id", "id"}
SHOWN_ON_CREATE = ("name", "title", "summary", "text", "amount", "stage")

add_texts(
    {
        "hist.title": ("🕘 {name} 的变更记录：", "🕘 Changes to {name}:"),
        "hist.line": ("• {when} {who}：{what}", "• {when} {who}: {what}"),
        "hist.none": ("{name} 还没有任何变更记录。", "Nothing has been changed on {name} yet."),
        "hist.system": ("系统", "system"),
        "hist.owner_change": ("负责人变更（{reason}）", "owner changed ({reason})"),
        "hist.change": ("{field} {old} → {new}", "{field} {old} → {new}"),
        "hist.more": ("▶ 更早的记录", "▶ Older changes"),
        "hist.usage": ("用法：/history 客户名", "Usage: /history customer name"),
        "hist.empty_value": ("（空）", "(empty)"),
    }
)


async def history_command(ctx: Ctx, args: str) -> list[Reply]:
    """/history <customer>: the newest changes, a page at a time."""
    if not args.strip():
        raise UserError("hist.usage")
    found = await one_customer(ctx, args, "hist:show:")
    return found if isinstance(found, list) else await _page(ctx, found, 0)


async def on_payload(ctx: Ctx, parts: list[str]) -> list[Reply]:
    customer = await picked(ctx, int_arg(parts, 1))  # in the user's scope, or "gone"
    skip = int_arg(parts, 2) if parts[:1] == ["more"] else 0
    return await _page(ctx, customer, skip)


async def _page(ctx: Ctx, customer: Customer, skip: int) -> list[Reply]:
    records = await ctx.uow.history.records_of(customer.id)
    rows = await ctx.uow.history.changes(ctx.user.org_id, records, skip, PAGE + 1)
    if not rows:
        return [Reply(ctx.t("hist.none", name=customer.name))]
    names = {u.id: u.name for u in await ctx.uow.users.in_org(ctx.user.org_id)}
    stages = await pipeline(ctx.uow, ctx.user.org_id)
    lines = [ctx.t("hist.title", name=customer.name)]
    for row in rows[:PAGE]:
        who = names.get(row.user_id or 0, ctx.t("hist.system"))
        what = _what(ctx, row, names, stages)
        lines.append(ctx.t("hist.line", when=ctx.when(row.at), who=who, what=what))
    choices: tuple[Choice, ...] = ()
    if len(rows) > PAGE:
        more = f"hist:more:{customer.id}:{skip + PAGE}"
        choices = (Choice(ctx.t("hist.more"), more),)
    return [Reply("\n".join(lines), choices, private=True)]


def _what(ctx: Ctx, row: AuditLog, names: dict[int, str], stages: Pipeline) -> str:
    label = _action(ctx, row.action)
    before, after = row.before or {}, row.after or {}
    if not before or not after:  # created, or deleted: what it was, not every field
        whole = after or before
        shown = [
            _money(ctx, whole[k], whole) or _value(ctx, k, whole[k], names, stages)
            if k == "amount" else _value(ctx, k, whole[k], names, stages)
            for k in SHOWN_ON_CREATE if whole.get(k)
        ]  # fmt: skip
        return f"{label} {' · '.join(shown[:2])}".strip()
    changes = [
        ctx.t(
            "hist.change",
            field=_field(ctx, key),
            old=_shown(ctx, key, before, names, stages),
            new=_shown(ctx, key, after, names, stages),
        )
        for key in dict.fromkeys([*before, *after])
        if key not in QUIET and before.get(key) != after.get(key)
    ]
    return (
        f"{label}：{'，'.join(changes)}"
        if ctx.lang == "zh" and changes
        else (f"{label}: {', '.join(changes)}" if changes else label)
    )


def _action(ctx: Ctx, action: str) -> str:
    if action in ACTIONS:
        return ACTIONS[action][0 if ctx.lang == "zh" else 1]
    entity, _, verb = action.partition(".")
    if entity == "customer":  # ownership: customer.routing, customer.handover, customer.release
        return ctx.t("hist.owner_change", reason=reason_text(ctx, verb))
    return action


def _field(ctx: Ctx, key: str) -> str:
    names = FIELDS.get(key)
    return names[0 if ctx.lang == "zh" else 1] if names else key


def _shown(
    ctx: Ctx, key: str, values: dict[str, Any], names: dict[int, str], stages: Pipeline
) -> str:
    """One side of a change; an amount with its currency when the row has one."""
    money = _money(ctx, values.get(key), values) if key == "amount" else None
    return money or _value(ctx, key, values.get(key), names, stages)


def _money(ctx: Ctx, amount: Any, values: dict[str, Any]) -> str | None:
    currency = values.get("currency")
    try:
        return fmt_money(Decimal(str(amount)), str(currency), ctx.lang) if currency else None
    except (ArithmeticError, ValueError):  # not a number after all: shown as stored
        return None


def _value(ctx: Ctx, key: str, value: Any, names: dict[int, str], stages: Pipeline) -> str:
    if value is None or value == "":
        return ctx.t("hist.empty_value")
    if key in ("owner_id", "user_id") and isinstance(value, int):
        return names.get(value, f"#{value}")
    if key in ("stage", "from_stage", "to_stage") and isinstance(value, str):
        return stages.name(value, ctx.lang)
    if isinstance(value, bool):
        return "✓" if value else "✗"
    if isinstance(value, str) and key.endswith("_at"):
        try:
            return ctx.when(datetime.fromisoformat(value))
        except ValueError:
            pass
    text = str(value)
    return text if len(text) <= MAX_VALUE else text[: MAX_VALUE - 1] + "…"


def register(routes: Routes) -> None:
    routes.command(history_command, "/history", "变更记录", prefix=("变更记录",))
    routes.payloads["hist"] = on_payload
