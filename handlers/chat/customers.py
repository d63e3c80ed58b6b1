"""/customer (查客户) and /newcustomer (新客户): look up and add customers."""

from __future__ import annotations

import re

from handlers.chat import activity_edit, deals, find, pick, visits
from handlers.chat.cards import customer_title, profile
from handlers.chat.context import Ctx, UserError, int_arg
from handlers.chat.routes import Routes
from handlers.chat.texts_fields import FIELD_ORDER as _EDITABLE  # noqa: F401 (its texts)
from handlers.chat.titled import Titled
from handlers.i18n import add_texts
from handlers.messages import Choice, Reply
from handlers.services import customers as svc
from handlers.services import phones
from store.clean import strip_invisible
from store.models import Customer

SKIP_WORDS = {"跳过", "skip", "-", "无", "none", "no"}
MAX_NAME = 60

add_texts(
    {
        "cu.ask": (
            "要查哪个客户？输入姓名、公司、电话或拼音。",
            "Which customer? Type a name, company, phone or pinyin.",
        ),
        "cu.none": (
            "没有找到「{q}」。可以换个写法，或用 /newcustomer 新建。",
            'No customer matches "{q}". Try another spelling, or add one with /newcustomer.',
        ),
        "cu.gone": (
            "这个客户不存在，或你无权查看。",
            "That customer doesn't exist or isn't yours to see.",
        ),
        "cu.btn_visit": ("📝 记录拜访", "📝 Log visit"),
        "cu.btn_deal": ("💼 新建商机", "💼 New deal"),
        "nc.ask_name": ("新客户叫什么名字？", "What's the new customer's name?"),
        "nc.ask_phone": (
            "电话号码？（没有就回复「跳过」）",
            'Phone number? (reply "skip" if none)',
        ),
        "nc.ask_company": ("公司名称？（没有就回复「跳过」）", 'Company? (reply "skip" if none)'),
        "nc.bad_name": (
            "名字需要 1 到 {limit} 个字，且要有文字。请重新输入名字：",
            "A name needs 1 to {limit} characters with letters in it. Type the name again:",
        ),
        "nc.bad_name_line": (
            "「{text}」不能当名字：名字需要有文字（最多 {limit} 个字），"
            "例如「/newcustomer 张三 13912345678 华为」。什么都没有保存。",
            '"{text}" can\'t be a name: a name needs letters (at most {limit}), e.g. '
            '"/newcustomer Jane Doe 13912345678 Acme". Nothing was saved.',
        ),
        "nc.bad_phone": (
            "「{text}」不像电话号码。请重新输入，或回复「跳过」：",
            '"{text}" doesn\'t look like a phone number. Type it again, or reply "skip":',
        ),
        "nc.dup": (
            "可能已经有这个客户了，你是要找：",
            "This customer may already exist. Did you mean:",
        ),
        "nc.dup_hidden": (
            "• {name}（由同事 {owner} 负责，如需转给你请找经理）",
            "• {name} (looked after by your colleague {owner}; ask your manager to hand it over)",
        ),
        "nc.btn_force": ("➕ 不是，新建", "➕ No, create new"),
        "nc.btn_cancel": ("❌ 取消", "❌ Cancel"),
        "nc.created": ("✅ 已新建客户：\n{card}", "✅ Customer added:\n{card}"),
        "nc.cancelled": ("好的，没有新建。", "OK, nothing was added."),
        "form.expired": (
            "这个表单已经结束了。需要的话请重新开始。",
            "That form is no longer open. Start again if you need to.",
        ),
    }
)


async def lookup(ctx: Ctx, query: str) -> list[Reply]:
    """/customer <query>: one match shows the card, several a choice."""
    if not query:
        ctx.conv.go("cu.query")
        return [Reply(ctx.t("cu.ask"))]
    found = await pick.find(ctx, query, "cu:show:")
    if found.customer is None and found.nobody:  # perhaps a word from a visit or a note
        return await find.fallback(ctx, query) or found.replies
    if found.customer is None:
        return found.replies
    customer = await ctx.uow.customers.get(ctx.scope, found.customer.id)
    if customer is None:
        raise UserError("cu.gone")
    return await card_reply(ctx, customer)


async def card_reply(ctx: Ctx, customer: Customer) -> list[Reply]:
    choices = (
        Choice(ctx.t("cu.btn_visit"), f"vi:for:{customer.id}"),
        Choice(ctx.t("cu.btn_deal"), f"dl:new:{customer.id}"),
        activity_edit.list_button(ctx, customer.id),
        Choice(ctx.t("fe.btn_edit"), f"fe:menu:{customer.id}"),  # handlers/chat/fields.py
    )
    return [Reply(await profile(ctx, customer), choices, private=True)]


async def on_state(ctx: Ctx, text: str) -> list[Reply]:
    if ctx.conv.state == "cu.query":
        ctx.conv.end()
        return await lookup(ctx, text)
    return await _new_customer_step(ctx, text)


async def on_payload(ctx: Ctx, parts: list[str]) -> list[Reply]:
    if parts[:1] == ["new"]:  # "➕ new customer" under a "did you mean…?"
        return _start_form(ctx)
    if parts[:1] == ["none"]:
        return [Reply(ctx.t("pick.none"))]
    if parts[:1] == ["use"] and _waiting(ctx):
        existing = await ctx.uow.customers.ref(ctx.scope, int_arg(parts, 1))
        if existing is None:
            raise UserError("cu.gone")
        return await _resume(ctx, existing)
    customer = await ctx.uow.customers.get(ctx.scope, int_arg(parts, 1))
    if customer is None:
        raise UserError("cu.gone")
    return await card_reply(ctx, customer)


async def new_customer(ctx: Ctx, args: str) -> list[Reply]:
    """/newcustomer [name phone company]: one line, or a guided form."""
    if not args:
        ctx.conv.end()
        return _start_form(ctx)
    return await check_and_create(ctx, parse_one_line(args))


def _start_form(ctx: Ctx) -> list[Reply]:
    """The guided form; a visit being logged or a deal being opened waits in the form's data
    and resumes with the customer added."""
    state = ctx.conv.state or ""
    visit = state.startswith("vi.") and "draft" in ctx.conv.data
    ctx.conv.go("nc.name", resume="visit" if visit else "deal" if state == "dl.customer" else None)
    return [Reply(ctx.t("nc.ask_name"))]


def parse_one_line(text: str) -> svc.NewCustomer:
    """`欧阳锋 13912345678 白驼山庄` or `Jane Doe 13912345678 Acme`: name, phone, company.

    The phone (in any common form: +86 139 1234 5678, (010) 6552-1234) splits the line;
    without one, a comma does, else the first word is the name.
    """
    text = strip_invisible(text)
    words = text.split()
    found = phones.find(text, min_digits=5)
    if found is not None:
        phone, start, end = found
        name, company = text[:start], text[end:]
    else:
        parts = re.split(r"[,，;；]", text, maxsplit=1)
        if len(parts) == 1:
            parts = [words[0] if words else "", " ".join(words[1:])]
        name, company, phone = parts[0], parts[1], None
    return svc.NewCustomer(
        _valid_name(name, "nc.bad_name_line"), phone, " ".join(company.split()) or None
    )


def _valid_name(text: str, error: str = "nc.bad_name") -> str:
    """A name with letters in it; `error` says what to do next (a form asks again, a one-line
    command has no form open to answer)."""
    text = " ".join(strip_invisible(text).split())
    if not 1 <= len(text) <= MAX_NAME or not re.search(r"\w", text):
        raise UserError(error, limit=MAX_NAME, text=text[:20])
    return text


async def _new_customer_step(ctx: Ctx, text: str) -> list[Reply]:
    skip = text.strip().lower() in SKIP_WORDS
    if ctx.conv.state == "nc.name":
        ctx.conv.go("nc.phone", name=_valid_name(text))
        return [Reply(ctx.t("nc.ask_phone"))]
    if ctx.conv.state == "nc.phone":
        phone = None if skip else svc.normalize_phone(text)
        if not skip and phone is None:
            raise UserError("nc.bad_phone", text=text[:30])
        ctx.conv.go("nc.company", phone=phone)
        return [Reply(ctx.t("nc.ask_company"))]
    company = None if skip else " ".join(text.split())[:200]
    new = svc.NewCustomer(ctx.conv.data["name"], ctx.conv.data.get("phone"), company)
    return await check_and_create(ctx, new)


async def check_and_create(ctx: Ctx, new: svc.NewCustomer) -> list[Reply]:
    dups = await svc.duplicates(ctx.uow, ctx.user.org_id, new)
    if not dups:
        return await _create(ctx, new)
    # extra: what a business card added (title, email …), saved with the customer
    ctx.conv.go("nc.dup", name=new.name, phone=new.phone, company=new.company, extra=new.extra)
    lines, choices = [ctx.t("nc.dup")], []
    # While a visit or deal waits, picking the existing customer continues it with them.
    show = "cu:use:" if _waiting(ctx) else "cu:show:"
    for dup in dups:
        if ctx.scope.allows(dup.org_id, dup.owner_id):
            choices.append(Choice(customer_title(dup), f"{show}{dup.id}"))
        else:
            owner = await ctx.uow.users.get(dup.owner_id) if dup.owner_id else None
            lines.append(ctx.t("nc.dup_hidden", name=dup.name, owner=owner.name if owner else "—"))
    choices += [Choice(ctx.t("nc.btn_force"), "nc:force"), Choice(ctx.t("nc.btn_cancel"), "nc:no")]
    return [Reply("\n".join(lines), tuple(choices), private=True)]


async def on_new_payload(ctx: Ctx, parts: list[str]) -> list[Reply]:
    if ctx.conv.state != "nc.dup":
        raise UserError("form.expired")
    data = ctx.conv.data
    if parts[:1] != ["force"]:
        ctx.conv.end()
        return [Reply(ctx.t("nc.cancelled"))]
    return await _create(
        ctx,
        svc.NewCustomer(
            data["name"], data.get("phone"), data.get("company"), data.get("extra") or {}
        ),
    )


async def _create(ctx: Ctx, new: svc.NewCustomer) -> list[Reply]:
    customer = await svc.create(ctx.uow, ctx.user, new, ctx.now)
    waiting = _waiting(ctx)
    card = await profile(ctx, customer)
    created = Reply(ctx.t("nc.created", card=card), private=True)
    if not waiting:
        ctx.conv.end()
        return [created]
    return [created, *await _resume(ctx, customer)]


def _waiting(ctx: Ctx) -> bool:
    resume = ctx.conv.data.get("resume")
    return resume == "deal" or (resume == "visit" and "draft" in ctx.conv.data)


async def _resume(ctx: Ctx, customer: Titled) -> list[Reply]:
    """Back to what waited for the customer: the visit's card, or the new deal's title."""
    data = dict(ctx.conv.data)
    ctx.conv.end()
    if data.get("resume") == "deal":
        return await deals.new_with_customer(ctx, customer.id)
    return await visits.resume_with(ctx, data, customer)


def register(routes: Routes) -> None:
    routes.command(lookup, "/customer", "查客户", prefix=("查客户",))
    routes.command(new_customer, "/newcustomer", "新客户", prefix=("新客户",))
    routes.states["cu"] = on_state
    routes.states["nc"] = on_state
    routes.payloads["cu"] = on_payload
    routes.payloads["nc"] = on_new_payload
