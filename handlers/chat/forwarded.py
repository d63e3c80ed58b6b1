"""A forwarded message is someone else's words: offered as a note on a customer, never
logged as the rep's own visit."""

from __future__ import annotations

import re

from handlers.chat.cards import customer_title
from handlers.chat.context import Ctx, UserError, int_arg
from handlers.chat.routes import Routes
from handlers.chat.titled import Titled
from handlers.i18n import add_texts
from handlers.messages import Choice, Reply
from handlers.nlu.intent import understand
from handlers.services import customers as customer_svc
from handlers.services.notes import add_note

MAX_NOTE = 1000
_LATIN_WORDS = re.compile(r"\b[A-Za-z][A-Za-z'.-]*\b")

add_texts(
    {
        "fw.ask": (
            "📨 这是一条转发的消息，不会记成你的拜访。要作为备注记到哪个客户？"
            "选一个，或回复客户名：",
            "📨 That's a forwarded message, so I won't log it as your visit. Which customer "
            "should it go on as a note? Pick one or type a name:",
        ),
        "fw.pick": ("选一个客户：", "Pick the customer:"),
        "fw.btn_no": ("❌ 不用记", "❌ Don't keep it"),
        "fw.saved": (
            "📝 已把转发的内容记到 {name} 的备注。",
            "📝 Added the forwarded text to {name}'s notes.",
        ),
        "fw.dropped": ("好的，没有保存。", "OK, nothing was saved."),
        "fw.no_text": (
            "📨 收到转发的内容，但里面没有文字可以记录。",
            "📨 Got the forwarded message, but there's no text in it to keep.",
        ),
        "fw.expired": ("这条转发已过期，请重新转发。", "That forward expired; send it again."),
    }
)


async def offer(ctx: Ctx, text: str) -> list[Reply]:
    """Ask which customer the forwarded text is about; the names it mentions come first."""
    if not text:
        return [Reply(ctx.t("fw.no_text"))]
    ctx.conv.go("fw.who", note=text[:MAX_NOTE])
    ranked = await _mentioned(ctx, text)
    choices = [Choice(customer_title(c), f"fw:cust:{c.id}") for c in ranked]
    choices.append(Choice(ctx.t("fw.btn_no"), "fw:no"))
    return [Reply(ctx.t("fw.ask"), tuple(choices), private=bool(ranked))]


async def _mentioned(ctx: Ctx, text: str) -> list[Titled]:
    """Customers the text names. A forward often starts with the sender's Latin name
    ("Can 明天…"), which the parser takes for the customer: the rest is tried too."""
    rest = _LATIN_WORDS.sub(" ", text)
    for candidate in dict.fromkeys((text, rest)):
        mention = understand(candidate, ctx.local_now()).customer_mention
        if mention and (found := await customer_svc.search_briefs(ctx.uow, ctx.scope, mention, 3)):
            return [c for c, _ in found]
    return []


async def on_state(ctx: Ctx, text: str) -> list[Reply]:
    """A customer typed for the note: the matches to pick from."""
    ranked = await customer_svc.search_briefs(ctx.uow, ctx.scope, text, limit=6)
    if not ranked:
        raise UserError("cu.none", q=text[:40])
    choices = [Choice(customer_title(c), f"fw:cust:{c.id}") for c, _ in ranked]
    choices.append(Choice(ctx.t("fw.btn_no"), "fw:no"))
    return [Reply(ctx.t("fw.pick"), tuple(choices), private=True)]


async def on_payload(ctx: Ctx, parts: list[str]) -> list[Reply]:
    note = ctx.conv.data.get("note") if ctx.conv.state == "fw.who" else None
    if parts[:1] == ["no"]:
        ctx.conv.end()
        return [Reply(ctx.t("fw.dropped"))]
    customer = await ctx.uow.customers.get(ctx.scope, int_arg(parts, 1))
    if customer is None:
        raise UserError("cu.gone")
    if not note:
        raise UserError("fw.expired")
    await add_note(ctx.uow, ctx.user, customer, str(note), ctx.now)
    ctx.conv.end()
    return [Reply(ctx.t("fw.saved", name=customer_title(customer)), private=True)]


def register(routes: Routes) -> None:
    routes.states["fw"] = on_state
    routes.payloads["fw"] = on_payload
