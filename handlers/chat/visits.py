"""/visit (拜访): log a visit, call or meeting from one message, confirm, then save."""

from __future__ import annotations

from typing import Any, NoReturn

from handlers.chat import activity_edit, pick, visit_edit
from handlers.chat.cards import customer_title
from handlers.chat.contact_card import picked_contact, still_a_contact, with_contact
from handlers.chat.context import Ctx, UserError, int_arg
from handlers.chat.routes import Routes
from handlers.chat.titled import Titled
from handlers.chat.visit_deals import apply_to_deals
from handlers.chat.visit_deals import register as register_deal_questions
from handlers.chat.visit_draft import (
    VisitDraft,
    attach,
    card_text,
    check_times,
    from_understanding,
)
from handlers.i18n import add_texts
from handlers.messages import Choice, Reply
from handlers.nlu.intent import understand
from handlers.services import deals as deal_svc
from handlers.services.activities import KINDS, NewActivity, log
from store.repos.customers import CustomerRef

add_texts(
    {
        "vi.ask_who": ("拜访的是哪个客户？", "Which customer was it?"),
        "vi.ask_text": (
            "说说情况吧（谈了什么、下次什么时候跟进）：",
            "What happened? (what you discussed, when to follow up)",
        ),
        "vi.ask_when": ("是什么时候？例如「昨天下午3点」", 'When was it? e.g. "yesterday 3pm"'),
        "vi.ask_follow_up": (
            "下次什么时候回访？例如「下周三」，不需要就回复「无」",
            'When to follow up? e.g. "next Wednesday", or "none"',
        ),
        "vi.no_match": (
            "在你的客户里没找到「{q}」。请换个写法，或先用 /newcustomer 新建：",
            'No customer of yours matches "{q}". Try another spelling, or add it with '
            "/newcustomer first:",
        ),
        "vi.saved": ("✅ 已记录{kind}：{customer}", "✅ Logged {kind} with {customer}"),
        "vi.saved_reminder": ("⏰ 回访提醒：{when}", "⏰ Follow-up reminder: {when}"),
        "vi.cancelled": ("好的，这条记录没有保存。", "OK, nothing was saved."),
        "vi.attached": ("📎 已附到这条拜访记录。", "📎 Attached to the visit you're logging."),
        "vi.attached_start": (
            "📎 收到。要记在哪个客户的拜访上？",
            "📎 Got it. Which customer's visit is this for?",
        ),
        "vi.btn_save": ("✅ 保存", "✅ Save"),
        "vi.btn_customer": ("✏️ 改客户", "✏️ Customer"),
        "vi.btn_kind": ("✏️ 改类型", "✏️ Type"),
        "vi.btn_when": ("✏️ 改时间", "✏️ Time"),
        "vi.btn_follow_up": ("✏️ 改回访", "✏️ Follow-up"),
        "vi.btn_stage": ("✏️ 改阶段", "✏️ Stage"),
        "vi.btn_amount": ("✏️ 改金额", "✏️ Amount"),
        "vi.btn_text": ("✏️ 改内容", "✏️ Notes"),
        "vi.btn_cancel": ("❌ 取消", "❌ Cancel"),
    }
)


async def start(ctx: Ctx, text: str) -> list[Reply]:
    """/visit <text>: understand it, find the customer, show the card; no text: a form."""
    if not text:
        draft = VisitDraft(summary="", kind="visit", happened_at=ctx.local_now().isoformat())
        ctx.conv.go("vi.who", draft=draft.dump())
        return [Reply(ctx.t("vi.ask_who"))]
    understood = understand(text, ctx.local_now(), ctx.config.default_hour)
    draft = from_understanding(ctx, text, understood)
    ctx.conv.go("vi.who", draft=draft.dump())
    if not understood.customer_mention:
        return [Reply(ctx.t("vi.ask_who"))]
    return await _find_customer(ctx, draft, understood.lookup or understood.customer_mention)


async def _find_customer(ctx: Ctx, draft: VisitDraft, query: str) -> list[Reply]:
    # A brief, not a customer: the card shows its title, and Save loads it afresh.
    found = await pick.find(ctx, query, "vi:cust:", none_key="vi.no_match", contacts=True)
    if found.customer is None:
        ctx.conv.go("vi.who", draft=draft.dump())
        return found.replies
    return await _next_step(ctx, draft, found.customer)


async def resume_with(ctx: Ctx, data: dict[str, Any], customer: Titled) -> list[Reply]:
    """Back to the visit that was waiting while its new customer was added."""
    return await _next_step(ctx, VisitDraft.load(data), customer)


async def _next_step(ctx: Ctx, draft: VisitDraft, customer: Titled) -> list[Reply]:
    draft.customer_id = customer.id
    draft.contact_id = getattr(customer, "contact_id", None)  # 华为张总: 华为, with 张总
    if not draft.summary:
        ctx.conv.go("vi.text", draft=draft.dump())
        return [Reply(ctx.t("vi.ask_text"))]
    return await _confirm(ctx, draft, customer)


async def _confirm(ctx: Ctx, draft: VisitDraft, customer: Titled | None = None) -> list[Reply]:
    customer = customer or await _customer(ctx, draft)
    customer = await with_contact(ctx, customer, draft.contact_id)
    ctx.conv.go("vi.confirm", draft=draft.dump())
    pipeline = await deal_svc.pipeline(ctx.uow, ctx.user.org_id)
    buttons = (
        ("vi.btn_save", "vi:ok"),  # the confirming choice always comes first
        ("vi.btn_customer", "vi:edit:cust"),
        ("vi.btn_kind", "vi:edit:kind"),
        ("vi.btn_when", "vi:edit:when"),
        ("vi.btn_follow_up", "vi:edit:fu"),
        ("vi.btn_stage", "vi:edit:stage"),
        ("vi.btn_amount", "vi:edit:amount"),
        ("vi.btn_text", "vi:edit:text"),
        ("vi.btn_cancel", "vi:no"),
    )
    choices = tuple(Choice(ctx.t(key), payload) for key, payload in buttons)
    return [Reply(card_text(ctx, draft, customer, pipeline), choices, private=True)]


async def _customer(ctx: Ctx, draft: VisitDraft) -> CustomerRef:
    # A plain row: the card only names the customer.
    customer = await ctx.uow.customers.ref(ctx.scope, draft.customer_id or 0)
    return customer if customer is not None else _gone(ctx)


def _gone(ctx: Ctx) -> NoReturn:
    ctx.conv.end()
    raise UserError("cu.gone")


async def on_state(ctx: Ctx, text: str) -> list[Reply]:
    draft = VisitDraft.load(ctx.conv.data)
    step = ctx.conv.state
    if step in ("vi.who", "vi.pick"):
        return await _find_customer(ctx, draft, text)
    if step == "vi.text":
        fresh = from_understanding(ctx, text, understand(text, ctx.local_now()))
        fresh.customer_id = draft.customer_id
        fresh.location = fresh.location or draft.location
        fresh.photo = fresh.photo or draft.photo
        return await _confirm(ctx, fresh)
    if step == "vi.confirm":  # typed text instead of a choice: show the card again
        return await _confirm(ctx, draft)
    visit_edit.apply_text(ctx, draft, step or "", text)
    check_times(ctx, draft)
    return await _confirm(ctx, draft)


async def on_payload(ctx: Ctx, parts: list[str]) -> list[Reply]:
    action = parts[0] if parts else ""
    if action == "for":
        customer = await ctx.uow.customers.ref(ctx.scope, int_arg(parts, 1))
        if customer is None:
            raise UserError("cu.gone")
        draft = VisitDraft(summary="", kind="visit", happened_at=ctx.local_now().isoformat())
        if len(parts) > 2:  # vi:for:CUSTOMER:CONTACT, from a contact just added
            return await _next_step(ctx, draft, await picked_contact(ctx, customer, parts[2]))
        return await _next_step(ctx, draft, customer)
    if not (ctx.conv.state or "").startswith("vi.") or "draft" not in ctx.conv.data:
        raise UserError("form.expired")
    return await _on_form_payload(ctx, action, parts[1:])


async def _on_form_payload(ctx: Ctx, action: str, args: list[str]) -> list[Reply]:
    draft = VisitDraft.load(ctx.conv.data)
    if action == "no":
        ctx.conv.end()
        return [Reply(ctx.t("vi.cancelled"))]
    if action == "ok":
        return await _save(ctx, draft)
    if action == "cust":
        customer = await ctx.uow.customers.ref(ctx.scope, int_arg(args, 0))
        if customer is None:
            raise UserError("cu.gone")
        if len(args) > 1:  # a contact of that company: checked, a button can be forged
            return await _next_step(ctx, draft, await picked_contact(ctx, customer, args[1]))
        return await _next_step(ctx, draft, customer)
    if action == "kind" and args and args[0] in KINDS:
        draft.kind = args[0]
        return await _confirm(ctx, draft)
    if action == "stage" and args:
        await visit_edit.apply_stage(ctx, draft, args[0])
        return await _confirm(ctx, draft)
    return await visit_edit.ask(ctx, args[0] if args else "")


async def _save(ctx: Ctx, draft: VisitDraft) -> list[Reply]:
    if ctx.conv.state != "vi.confirm":
        raise UserError("form.expired")
    # Plain rows, one query: Save logs on the customer and checks their open deal.
    found = await ctx.uow.customers.ref_and_open_deals(ctx.scope, draft.customer_id or 0)
    customer, deals = found if found is not None else _gone(ctx)
    check_times(ctx, draft)
    contact_id = await still_a_contact(ctx, customer.id, draft.contact_id)
    new = NewActivity(
        draft.kind, draft.happened, draft.summary, draft.follow_up, draft.location, draft.photo,
        contact_id,
    )
    activity_id, reminder = await log(ctx.uow, ctx.user, customer, new, ctx.now)
    named = await with_contact(ctx, customer, contact_id)
    lines = [ctx.t("vi.saved", kind=ctx.t(f"kind.{draft.kind}"), customer=customer_title(named))]
    if reminder is not None:
        lines.append(ctx.t("vi.saved_reminder", when=ctx.when(reminder.due_at)))
    deal_lines, choices = await apply_to_deals(ctx, customer, deals, draft)
    ctx.conv.end()
    choices = (*choices, *activity_edit.after_save(ctx, activity_id))  # ↩️ Undo, ✏️ Edit
    return [Reply("\n".join([*lines, *deal_lines]), choices, private=True)]


async def on_attachment(ctx: Ctx, _text: str) -> list[Reply]:
    """A location or photo without words: it belongs to the visit being logged, or starts one."""
    in_form = (ctx.conv.state or "").startswith("vi.") and "draft" in ctx.conv.data
    if in_form:
        draft = VisitDraft.load(ctx.conv.data)
    else:
        draft = VisitDraft(summary="", kind="visit", happened_at=ctx.local_now().isoformat())
    attach(ctx, draft)
    if ctx.conv.state == "vi.confirm":
        return await _confirm(ctx, draft)
    if in_form:
        ctx.conv.data["draft"] = draft.dump()
        return [Reply(ctx.t("vi.attached"))]
    ctx.conv.end()
    ctx.conv.go("vi.who", draft=draft.dump())
    return [Reply(ctx.t("vi.attached_start"))]


def register(routes: Routes) -> None:
    routes.command(start, "/visit", "拜访", "/log", prefix=("拜访",))
    routes.states["vi"] = on_state
    routes.payloads["vi"] = on_payload
    routes.attachments = on_attachment  # card_scan takes photos first (registered later)
    register_deal_questions(routes)
