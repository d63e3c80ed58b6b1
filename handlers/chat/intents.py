"""Free text without a command: understand what the user wants and do it, or suggest."""

from __future__ import annotations

from handlers.chat import (
    contacts,
    customers,
    deals,
    fields,
    help,
    pick,
    pipeline,
    reminders,
    visits,
)
from handlers.chat.cards import customer_title
from handlers.chat.context import Ctx, UserError, int_arg
from handlers.chat.routes import Routes
from handlers.i18n import add_texts
from handlers.messages import Choice, Reply
from handlers.nlu.intent import understand
from handlers.services import customers as customer_svc

add_texts(
    {
        "in.unclear": (
            "我没完全明白。你是想：",
            "I'm not sure what you mean. Did you want to:",
        ),
        "in.btn_visit": ("📝 把这段话记为拜访", "📝 Log this as a visit"),
        "in.btn_help": ("❓ 看看我能做什么", "❓ See what I can do"),
        "in.btn_customer": ("👤 查看 {name}", "👤 Open {name}"),
        "in.no_deal": (
            "{name} 没有进行中的商机。",
            "{name} has no open deals.",
        ),
        "in.pick_deal": ("选择要标记为{outcome}的商机：", "Pick the deal to mark {outcome}:"),
        "in.no_text": (
            "刚才的话已经过期了，请重新发一次。",
            "That message has expired; please send it again.",
        ),
    }
)


async def free_text(ctx: Ctx, text: str) -> list[Reply]:
    """A sentence like 查一下华为 or 华为那单赢了, routed by its intent."""
    new_contact = await contacts.from_sentence(ctx, text)  # 华为新来的采购李工，电话…
    if new_contact is not None:
        return new_contact
    u = understand(text, ctx.local_now(), ctx.config.default_hour)
    if u.intent == "log_visit":
        return await visits.start(ctx, text)
    if u.intent == "set_reminder":
        return await reminders.remind(ctx, text)
    who = u.lookup
    if u.intent == "edit_field" and u.customer_mention and u.field and u.value:
        return await fields.from_sentence(ctx, u.customer_mention, u.field, u.value)
    if u.intent == "show_customer" and who:
        return await customers.lookup(ctx, who)
    if u.intent in ("deal_won", "deal_lost") and who:
        return await _close_deal(ctx, who, u.intent.removeprefix("deal_"))
    if u.intent == "advance_deal" and who:
        return await deals.deals_command(ctx, who)
    if u.intent == "show_pipeline":
        return await pipeline.pipeline_view(ctx, "")
    if u.intent == "help":
        return await help.show_help(ctx, "")
    return await _suggest(ctx, text)


async def _close_deal(ctx: Ctx, mention: str, outcome: str) -> list[Reply]:
    found = await pick.find(ctx, mention, f"in:{outcome}:", offer_new=False)
    if found.customer is None:
        return found.replies
    return await _close_for(ctx, found.customer.id, outcome)


async def _close_for(ctx: Ctx, customer_id: int, outcome: str) -> list[Reply]:
    customer = await ctx.uow.customers.ref(ctx.scope, customer_id)
    if customer is None:
        raise UserError("cu.gone")
    open_deals = await ctx.uow.deals.open_deals(ctx.scope, customer.id)
    if not open_deals:
        return [Reply(ctx.t("in.no_deal", name=customer_title(customer)), private=True)]
    if len(open_deals) == 1:
        return await deals.on_payload(ctx, [outcome, str(open_deals[0].id)])
    choices = tuple(Choice(d.title, f"dl:{outcome}:{d.id}") for d in open_deals)
    label = ctx.t(f"outcome.{outcome}")
    return [Reply(ctx.t("in.pick_deal", outcome=label), choices, private=True)]


async def _suggest(ctx: Ctx, text: str) -> list[Reply]:
    """Never a dead end: the closest customers, logging it as a visit, or help."""
    ranked = await customer_svc.search_ranked(ctx.uow, ctx.scope, text[:60], limit=2)
    choices = [
        Choice(ctx.t("in.btn_customer", name=customer_title(c)), f"cu:show:{c.id}")
        for c, _ in ranked
    ]
    ctx.conv.data["text"] = text
    choices += [Choice(ctx.t("in.btn_visit"), "in:visit"), Choice(ctx.t("in.btn_help"), "in:help")]
    return [Reply(ctx.t("in.unclear"), tuple(choices), private=bool(ranked))]


async def on_payload(ctx: Ctx, parts: list[str]) -> list[Reply]:
    if parts[:1] == ["visit"]:
        text = ctx.conv.data.pop("text", None)
        if not text:
            raise UserError("in.no_text")
        return await visits.start(ctx, str(text))
    if parts[:1] in (["won"], ["lost"]):  # the customer picked for 华为那单赢了
        return await _close_for(ctx, int_arg(parts, 1), parts[0])
    return await help.show_help(ctx, "")


def register(routes: Routes) -> None:
    routes.free_text = free_text
    routes.payloads["in"] = on_payload
