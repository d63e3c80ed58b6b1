"""/newcontact (新联系人): add a person to a company customer, by command or in a sentence.

`/newcontact 华为 李工 13800000000`, `华为新来的采购李工，电话13800000000`. The company is
taken as certain only when one visible company customer has that name; otherwise the reply
offers the candidates and "➕ new company". A contact that looks like someone already stored
(same phone or email anywhere in the org, a similar name at the same company) is shown first,
as /newcustomer does.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from handlers.chat.contact_parse import ContactLine, parse_command, parse_sentence
from handlers.chat.context import Ctx, UserError, int_arg
from handlers.chat.routes import Routes
from handlers.i18n import add_texts
from handlers.messages import Choice, Reply
from handlers.nlu.match import STRONG
from handlers.services import contacts as svc
from handlers.services import customers as customer_svc
from store.models import Customer

add_texts(
    {
        "ct.usage": (
            "请写公司、姓名和电话，例如：\n/newcontact 华为 李工 13800000000\n"
            "职位可以写在姓名前（/newcontact 华为 采购李工 138…），名字有空格时用逗号分开。",
            "Give the company, the name and a phone, e.g.:\n/newcontact Acme, Jane Doe, "
            "+1 415 555 0100\nA title may follow the name (/newcontact Acme, Jane Doe, buyer).",
        ),
        "ct.which_company": (
            "要把 {who} 加到哪个公司？",
            "Which company should {who} be added to?",
        ),
        "ct.no_company": (
            "还没有公司客户叫「{company}」。要新建公司客户「{company}」并添加联系人 {who} 吗？",
            'No company customer is called "{company}" yet. Add the company "{company}" with '
            "{who} as its contact?",
        ),
        "ct.btn_new_company": ("➕ 新建公司「{company}」", '➕ New company "{company}"'),
        "ct.btn_cancel": ("❌ 取消", "❌ Cancel"),
        "ct.dup": (
            "可能已经有这个人了：",
            "This person may already be in the book:",
        ),
        "ct.dup_hidden": (
            "• {name}（由同事 {owner} 负责）",
            "• {name} (looked after by your colleague {owner})",
        ),
        "ct.btn_force": ("➕ 不是，添加", "➕ No, add them"),
        "ct.added": (
            "✅ 已添加联系人：{who}{phone}\n公司：{company}",
            "✅ Contact added: {who}{phone}\nCompany: {company}",
        ),
        "ct.company_added": (
            "🏢 已新建公司客户：{company}（负责人：你）",
            "🏢 New company customer: {company} (owner: you)",
        ),
        "ct.btn_visit": ("📝 记录和 {name} 的拜访", "📝 Log a visit with {name}"),
        "ct.btn_company": ("🏢 查看 {company}", "🏢 Open {company}"),
        "ct.cancelled": ("好的，没有添加。", "OK, nothing was added."),
        "ct.not_company": (
            "{name} 是个人客户，不能添加联系人。请选一个公司客户，或新建公司。",
            "{name} is a person customer; contacts belong to companies. Pick a company or "
            "add a new one.",
        ),
        "ct.retype": (
            "请点一个按钮，或输入公司名称（/cancel 取消）。",
            "Tap a button, or type the company's name (/cancel to stop).",
        ),
    }
)


async def new_contact(ctx: Ctx, args: str) -> list[Reply]:
    """/newcontact <company> <name> [phone] [title]."""
    ctx.conv.end()
    line = parse_command(args) if args else None
    if line is None:
        raise UserError("ct.usage")
    return await _start(ctx, line)


async def from_sentence(ctx: Ctx, text: str) -> list[Reply] | None:
    """华为新来的采购李工，电话13800000000: the replies, or None when it says no such thing."""
    line = parse_sentence(text)
    return None if line is None else await _start(ctx, line)


async def _start(ctx: Ctx, line: ContactLine) -> list[Reply]:
    ctx.conv.go("ct.company", contact=asdict(line))
    return await _find_company(ctx, line, line.company)


async def _find_company(ctx: Ctx, line: ContactLine, query: str) -> list[Reply]:
    exact, others = await _companies(ctx, query)
    if exact is not None:
        return await _check(ctx, line, exact)
    ctx.conv.go("ct.company", contact=asdict(line), company_text=query[:200])
    new_company = Choice(ctx.t("ct.btn_new_company", company=query[:40]), "ct:newco")
    cancel = Choice(ctx.t("ct.btn_cancel"), "ct:no")
    if not others:
        text = ctx.t("ct.no_company", company=query[:40], who=_who(line))
        return [Reply(text, (new_company, cancel), private=True)]
    choices = [Choice(c.name, f"ct:co:{c.id}") for c in others]
    text = ctx.t("ct.which_company", who=_who(line))
    return [Reply(text, (*choices, new_company, cancel), private=True)]


async def _companies(ctx: Ctx, query: str) -> tuple[Customer | None, list[Customer]]:
    """The one visible company customer named so, or the companies it could mean."""
    ranked = await customer_svc.search_briefs(ctx.uow, ctx.scope, query, limit=12)
    own = [(b.id, s) for b, s in ranked if b.contact_id is None]
    loaded = await ctx.uow.customers.by_ids([i for i, _ in own])
    companies = [(loaded[i], s) for i, s in own if i in loaded and loaded[i].kind == svc.COMPANY]
    strong = [c for c, s in companies if s >= STRONG]
    if len(strong) == 1:
        return strong[0], []
    return None, [c for c, _ in companies][:6]


async def _check(ctx: Ctx, line: ContactLine, company: Customer | None) -> list[Reply]:
    """The duplicate check, then the contact added (to a new company when `company` is None)."""
    new = _new(line)
    dups = await svc.duplicates(ctx.uow, ctx.user.org_id, company, new)
    if not dups:
        return await _add(ctx, line, company)
    ctx.conv.go("ct.dup", company_id=company.id if company else None)
    lines, choices = [ctx.t("ct.dup")], []
    for dup in dups:
        if ctx.scope.allows(dup.org_id, dup.owner_id):
            choices.append(Choice(dup.label, f"cu:show:{dup.customer_id}"))
        else:
            owner = await ctx.uow.users.get(dup.owner_id) if dup.owner_id else None
            owner_name = owner.name if owner else "—"
            lines.append(ctx.t("ct.dup_hidden", name=dup.label, owner=owner_name))
    choices += [Choice(ctx.t("ct.btn_force"), "ct:force"), Choice(ctx.t("ct.btn_cancel"), "ct:no")]
    return [Reply("\n".join(lines), tuple(choices), private=True)]


async def _add(ctx: Ctx, line: ContactLine, company: Customer | None) -> list[Reply]:
    replies = []
    if company is None:
        company = await svc.create_company(ctx.uow, ctx.user, line.company, ctx.now)
        replies.append(ctx.t("ct.company_added", company=company.name))
    contact = await svc.add(ctx.uow, ctx.user, company, _new(line), ctx.now)
    ctx.conv.end()
    phone = f" 📞 {contact.phone}" if contact.phone else ""
    replies.append(ctx.t("ct.added", who=_who(line), phone=phone, company=company.name))
    choices = (
        Choice(ctx.t("ct.btn_visit", name=contact.name), f"vi:for:{company.id}:{contact.id}"),
        Choice(ctx.t("ct.btn_company", company=company.name[:30]), f"cu:show:{company.id}"),
    )
    return [Reply("\n".join(replies), choices, private=True)]


async def on_payload(ctx: Ctx, parts: list[str]) -> list[Reply]:
    action = parts[0] if parts else ""
    if not (ctx.conv.state or "").startswith("ct.") or "contact" not in ctx.conv.data:
        raise UserError("form.expired")
    line = ContactLine(**_fields(ctx.conv.data["contact"]))
    if action == "no":
        ctx.conv.end()
        return [Reply(ctx.t("ct.cancelled"))]
    if action == "co" and ctx.conv.state == "ct.company":
        return await _check(ctx, line, await _company(ctx, int_arg(parts, 1)))
    if action == "newco" and ctx.conv.state == "ct.company":
        company_text = str(ctx.conv.data.get("company_text") or line.company)
        return await _check(ctx, ContactLine(**{**asdict(line), "company": company_text}), None)
    if action == "force" and ctx.conv.state == "ct.dup":
        company_id = ctx.conv.data.get("company_id")
        company = await _company(ctx, int(company_id)) if company_id else None
        if company is None and company_id is None:
            text = str(ctx.conv.data.get("company_text") or line.company)
            line = ContactLine(**{**asdict(line), "company": text})
        return await _add(ctx, line, company)
    raise UserError("form.expired")


async def _company(ctx: Ctx, customer_id: int) -> Customer:
    customer = await ctx.uow.customers.get(ctx.scope, customer_id)
    if customer is None or customer.merged_into_id or customer.anonymised_at:
        raise UserError("cu.gone")
    if customer.kind != svc.COMPANY:
        raise UserError("ct.not_company", name=customer.name)
    return customer


async def on_state(ctx: Ctx, text: str) -> list[Reply]:
    """Typed instead of a button: while a company is asked for, it is another try."""
    if ctx.conv.state != "ct.company" or "contact" not in ctx.conv.data or not text.strip():
        return [Reply(ctx.t("ct.retype"))]
    line = ContactLine(**_fields(ctx.conv.data["contact"]))
    return await _find_company(ctx, line, " ".join(text.split())[:200])


def _fields(data: Any) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise UserError("form.expired")
    return {k: data.get(k) for k in ("company", "name", "phone", "title", "email")}


def _new(line: ContactLine) -> svc.NewContact:
    return svc.NewContact(line.name, line.phone, line.title, line.email)


def _who(line: ContactLine) -> str:
    return " · ".join(p for p in (line.name, line.title) if p)


def register(routes: Routes) -> None:
    routes.command(new_contact, "/newcontact", "新联系人", prefix=("新联系人",))
    routes.states["ct"] = on_state
    routes.payloads["ct"] = on_payload
