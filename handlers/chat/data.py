"""/export (导出), /forget (匿名化) and /retention (审计保留): data out and data forgotten.

/export itself lives in files_export.py (a file sent in chat).
"""

from __future__ import annotations

import json

from handlers.chat import contact_privacy, pick
from handlers.chat.cards import customer_title
from handlers.chat.context import Ctx, UserError, int_arg
from handlers.chat.files_export import export_command
from handlers.chat.ops_util import guarded, one_customer, picked, require
from handlers.chat.routes import Routes
from handlers.i18n import add_texts
from handlers.messages import Choice, Reply
from handlers.numbers import parse_small_int
from handlers.services.ops import privacy
from handlers.services.ops.config import ops_settings
from store.models import Customer

add_texts(
    {
        "pv.forgotten": (
            "🕶 {name} 已匿名化：个人信息已清除，商机金额和统计数据保留。",
            "🕶 {name} is anonymised: personal details erased, deals and figures kept.",
        ),
        "pv.usage": ("用法：/forget 客户名", "Usage: /forget customer name"),
        "pv.about_usage": ("用法：/aboutcustomer 客户名", "Usage: /aboutcustomer customer name"),
        "pv.confirm": (
            "⚠️ 确定要匿名化 {name}（负责人 {owner}）吗？姓名、电话、备注等个人信息将被永久清除，"
            "无法恢复；商机金额和统计数据保留。",
            "⚠️ Anonymise {name} (owner {owner})? Name, phone, notes and other personal details "
            "are erased for good and cannot be restored; deals and figures are kept.",
        ),
        "pv.btn_forget": ("🕶 确认匿名化 {name}", "🕶 Anonymise {name}"),
        "pv.btn_keep": ("❌ 取消", "❌ Cancel"),
        "pv.kept": ("好的，没有匿名化任何客户。", "OK, nobody was anonymised."),
        "pv.export": (
            "📦 {name} 的全部数据：{counts}。管理员可用命令行导出完整文件：{cli}",
            "📦 Everything about {name}: {counts}. Admins can export the full file: {cli}",
        ),
        "pv.retention": ("审计日志保留 {days} 天。", "The audit log is kept {days} days."),
        "pv.retention_forever": ("审计日志永久保留。", "The audit log is kept forever."),
    }
)


async def forget_command(ctx: Ctx, args: str) -> list[Reply]:
    """/forget <customer>: admins anonymise a customer who asked to be forgotten; it cannot be
    undone, so the target must be exact and the admin confirms it by name."""
    require(ctx, "admin")
    if not args.strip():
        raise UserError("pv.usage")
    # A company's contact named (李工, 华为李工) is the one to forget, not the whole company.
    found = await pick.find(
        ctx, args, "pv:ask:", none_key="ops.no_customer", offer_new=False, contacts=True
    )
    if found.customer is None:
        return found.replies
    customer = await picked(ctx, found.customer.id)
    if found.customer.contact_id is not None:
        return await contact_privacy.ask(ctx, customer, str(found.customer.contact_id))
    return await _ask_forget(ctx, customer)


async def _ask_forget(ctx: Ctx, customer: Customer) -> list[Reply]:
    name = customer_title(customer)
    owner = await ctx.uow.users.get(customer.owner_id) if customer.owner_id else None
    text = ctx.t("pv.confirm", name=name, owner=owner.name if owner else "—")
    choices = (
        Choice(ctx.t("pv.btn_forget", name=customer.name), f"pv:forget:{customer.id}"),
        Choice(ctx.t("pv.btn_keep"), "pv:keep"),
    )
    return [Reply(text, choices, private=True)]


async def _forget(ctx: Ctx, customer: Customer) -> list[Reply]:
    name = customer.name
    await guarded(privacy.anonymise(ctx.uow, ctx.user, customer, ctx.now))
    return [Reply(ctx.t("pv.forgotten", name=name))]


async def about_command(ctx: Ctx, args: str) -> list[Reply]:
    """/aboutcustomer <customer>: what is stored about a customer (subject access)."""
    require(ctx, "admin")
    if not args.strip():
        raise UserError("pv.about_usage")
    found = await one_customer(ctx, args, "pv:about:")
    return found if isinstance(found, list) else await _about(ctx, found)


async def _about(ctx: Ctx, customer: Customer) -> list[Reply]:
    data = await privacy.export_customer(ctx.uow, customer)
    counts = ", ".join(f"{k} {len(v)}" for k, v in data.items() if isinstance(v, list) and v)
    cli = (
        f"python main.py admin export --org {ctx.user.org_id} --what customer "
        f"--customer {customer.id} --out customer-{customer.id}.json"
    )
    assert json.dumps(data, ensure_ascii=False)  # the file is plain JSON
    return [
        Reply(ctx.t("pv.export", name=customer.name, counts=counts or "—", cli=cli), private=True)
    ]


async def on_payload(ctx: Ctx, parts: list[str]) -> list[Reply]:
    """pv:ask:<id> (the one picked) → pv:forget:<id> (confirmed); pv:about:<id>; pv:keep."""
    require(ctx, "admin")
    if parts[:1] == ["keep"]:
        return [Reply(ctx.t("pv.kept"))]
    customer = await picked(ctx, int_arg(parts, 1))
    if parts[0] == "ask" and len(parts) > 2:  # pv:ask:<customer>:<contact>
        return await contact_privacy.ask(ctx, customer, parts[2])
    if parts[0] == "fc":  # pv:fc:<customer>:<contact>, confirmed
        return await contact_privacy.forget(ctx, customer, parts[2] if len(parts) > 2 else "")
    if parts[0] == "ask":
        return await _ask_forget(ctx, customer)
    if parts[0] == "forget":
        return await _forget(ctx, customer)
    if parts[0] == "about":
        return await _about(ctx, customer)
    raise UserError("error.stale_button")


async def retention_command(ctx: Ctx, args: str) -> list[Reply]:
    """/retention [days|forever]: admins set how long the audit log is kept."""
    require(ctx, "admin")
    word = args.strip().lower()
    if word:
        forever = word in ("forever", "永久", "0")
        days = None if forever else parse_small_int(word)
        if not forever and (days is None or days < 1):
            raise UserError("pv.retention_short")
        await guarded(privacy.set_retention(ctx.uow, ctx.user, ctx.user.org_id, days, ctx.now))
    org = await ctx.uow.users.org(ctx.user.org_id)
    assert org is not None
    days = ops_settings(org).audit_retention_days
    return [Reply(ctx.t("pv.retention", days=days) if days else ctx.t("pv.retention_forever"))]


def register(routes: Routes) -> None:
    routes.command(export_command, "/export", "导出", prefix=("导出",))
    routes.command(forget_command, "/forget", "匿名化", prefix=("匿名化",))
    routes.command(about_command, "/aboutcustomer", "客户数据")
    routes.command(retention_command, "/retention", "审计保留")
    routes.payloads["pv"] = on_payload
