"""/deal (商机) and /pipeline: list, create and move deals through the pipeline."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from handlers.chat import deal_edit, paging, pick, pipeline
from handlers.chat.cards import deal_card
from handlers.chat.contact_card import still_a_contact
from handlers.chat.context import Ctx, UserError, int_arg
from handlers.chat.dates import sure
from handlers.chat.money import read_amount
from handlers.chat.routes import Routes
from handlers.i18n import add_texts, fmt_money
from handlers.messages import Choice, Reply
from handlers.nlu.when import parse_when
from handlers.services import deals as svc
from store.models import Deal

SKIP = {"跳过", "skip", "-", "无", "none"}

add_texts(
    {
        "dl.none": (
            "你目前没有进行中的商机。",
            "You have no open deals right now.",
        ),
        "dl.list": (
            "进行中的商机（选一个查看和推进）：",
            "Open deals (pick one to view or move):",
        ),
        "dl.btn_new": ("➕ 新建商机", "➕ New deal"),
        "dl.btn_next": ("➡️ 推进到「{stage}」", '➡️ Move to "{stage}"'),
        "dl.btn_stages": ("🔀 选择阶段", "🔀 Pick a stage"),
        "dl.btn_won": ("🏆 赢单", "🏆 Won"),
        "dl.btn_lost": ("✖️ 输单", "✖️ Lost"),
        "dl.gone": (
            "这个商机不存在，或你无权操作。",
            "That deal doesn't exist or isn't yours to change.",
        ),
        "dl.closed": ("这个商机已经结束（{stage}）。", "That deal is already closed ({stage})."),
        "dl.pick_stage": ("推进到哪个阶段？", "Move to which stage?"),
        "dl.moved": ("✅ 「{title}」：{old} → {new}", '✅ "{title}": {old} → {new}'),
        "dl.ask_reason": (
            "「{title}」{outcome}的原因是什么？（回复「跳过」可不填）",
            'Why was "{title}" {outcome}? (reply "skip" to leave it blank)',
        ),
        "dl.ask_customer": ("给哪个客户建商机？", "Which customer is the deal for?"),
        "dl.ask_title": ("商机名称？例如「服务器采购」", 'Deal title? e.g. "Server purchase"'),
        "dl.ask_amount": (
            "金额？例如「50万」「$5k」，不知道就回复「跳过」",
            'Amount? e.g. "$5k", or "skip"',
        ),
        "dl.bad_amount": (
            "没看懂金额「{text}」，例如「50万」「$5k」：",
            'I couldn\'t read the amount "{text}"; e.g. "$5k":',
        ),
        "dl.ask_close": (
            "预计什么时候成交？例如「月底」，或「跳过」",
            'Expected close? e.g. "end of month", or "skip"',
        ),
        "dl.bad_close": ("没看懂这个日期「{text}」：", 'I couldn\'t read the date "{text}":'),
        "dl.created": ("✅ 新建商机：\n{card}", "✅ Deal created:\n{card}"),
        "dl.bad_title": ("名称需要 1 到 100 个字：", "A title needs 1 to 100 characters:"),
        "outcome.won": ("赢单", "won"),
        "outcome.lost": ("输单", "lost"),
    }
)


async def deals_command(ctx: Ctx, args: str) -> list[Reply]:
    """/deal: open deals; /deal new [customer]; /deal <customer>: that customer's deals."""
    head, _, rest = args.partition(" ")
    if head.lower() in ("new", "新建"):
        return await _start_new(ctx, rest.strip())
    customer_id = None
    if args:
        found = await pick.find(ctx, args, "dl:of:")
        if found.customer is None:
            return found.replies
        customer_id = found.customer.id
    return await _deals_of(ctx, customer_id)


async def _deals_of(ctx: Ctx, customer_id: int | None, number: int = 0) -> list[Reply]:
    """A page of deals (a customer's won and lost ones after the open ones, to see or
    reopen); the rest behind ▶ more (dl:pg:<customer or ->:<page>)."""
    deals = list(await ctx.uow.deals.open_deals(ctx.scope, customer_id, limit=10_000))
    closed = await ctx.uow.records.closed_deals(ctx.scope, customer_id) if customer_id else []
    page = paging.cut([*deals, *closed], number)
    paging.check_not_past_end(page)
    more = paging.more(ctx, f"dl:pg:{customer_id or '-'}:", page)
    return [await _deal_list(ctx, page.items, more, "de.list" if closed else "dl.list")]


async def _deal_list(
    ctx: Ctx, deals: Sequence[Deal], more: tuple[Choice, ...] = (), key: str = "dl.list"
) -> Reply:
    pipeline = await svc.pipeline(ctx.uow, ctx.user.org_id)
    choices = [Choice(_deal_label(ctx, d, pipeline), f"dl:open:{d.id}") for d in deals]
    choices.extend(more)
    choices.append(Choice(ctx.t("dl.btn_new"), "dl:new"))
    return Reply(ctx.t(key if deals else "dl.none"), tuple(choices), private=True)


def _deal_label(ctx: Ctx, deal: Deal, pipeline: svc.Pipeline) -> str:
    money = fmt_money(deal.amount, deal.currency, ctx.lang)
    return f"{deal.title} · {pipeline.name(deal.stage, ctx.lang)} · {money}"


async def _open(ctx: Ctx, deal: Deal) -> list[Reply]:
    pipeline = await svc.pipeline(ctx.uow, deal.org_id)
    card = await deal_card(ctx, deal, pipeline) + await deal_edit.history_text(ctx, deal, pipeline)
    if pipeline.is_closed(deal.stage):  # ✏️ Edit, ↩️ Reopen
        return [Reply(card, deal_edit.card_buttons(ctx, deal, pipeline), private=True)]
    choices = []
    following = pipeline.next_open(deal.stage)
    if following is not None:
        label = ctx.t("dl.btn_next", stage=pipeline.name(following.key, ctx.lang))
        choices.append(Choice(label, f"dl:mv:{deal.id}:{following.key}"))
    choices += [
        Choice(ctx.t("dl.btn_stages"), f"dl:stages:{deal.id}"),
        Choice(ctx.t("dl.btn_won"), f"dl:won:{deal.id}"),
        Choice(ctx.t("dl.btn_lost"), f"dl:lost:{deal.id}"),
        *deal_edit.card_buttons(ctx, deal, pipeline),
    ]
    return [Reply(card, tuple(choices), private=True)]


async def on_payload(ctx: Ctx, parts: list[str]) -> list[Reply]:
    action = parts[0] if parts else ""
    if action == "new":
        return await _start_new(ctx, "", int_arg(parts, 1) if len(parts) > 1 else None)
    if action == "cust":
        return await new_with_customer(ctx, int_arg(parts, 1))
    if action == "pg":
        customer_id = None if parts[1:2] == ["-"] else int_arg(parts, 1)
        return await _deals_of(ctx, customer_id, paging.page_arg(parts, 2))
    if action == "of":
        customer = await ctx.uow.customers.ref(ctx.scope, int_arg(parts, 1))
        if customer is None:
            raise UserError("cu.gone")
        return await _deals_of(ctx, customer.id)
    deal = await ctx.uow.deals.get(ctx.scope, int_arg(parts, 1))
    if deal is None:
        raise UserError("dl.gone")
    if action == "open":
        return await _open(ctx, deal)
    pipeline = await svc.pipeline(ctx.uow, deal.org_id)
    if pipeline.is_closed(deal.stage):
        raise UserError("dl.closed", stage=pipeline.name(deal.stage, ctx.lang))
    if action == "stages":
        choices = tuple(
            Choice(s.name_zh if ctx.lang == "zh" else s.name_en, f"dl:mv:{deal.id}:{s.key}")
            for s in pipeline.open_stages
            if s.key != deal.stage
        )
        return [Reply(ctx.t("dl.pick_stage"), choices, private=True)]
    if action in ("won", "lost"):
        ctx.conv.go("dl.reason", deal_id=deal.id, outcome=action)
        outcome = ctx.t(f"outcome.{action}")  # named: a second won/lost may follow at once
        return [Reply(ctx.t("dl.ask_reason", outcome=outcome, title=deal.title), private=True)]
    if action == "mv" and len(parts) > 2 and parts[2] in pipeline.by_key:
        return await _move(ctx, deal, parts[2], pipeline)
    raise UserError("error.stale_button")


async def _move(
    ctx: Ctx, deal: Deal, stage: str, pipeline: svc.Pipeline, reason: str | None = None
) -> list[Reply]:
    old = pipeline.name(deal.stage, ctx.lang)
    await svc.move(ctx.uow, ctx.user, deal, stage, ctx.now, reason)
    new = pipeline.name(stage, ctx.lang)
    return [Reply(ctx.t("dl.moved", title=deal.title, old=old, new=new), private=True)]


async def close_with_reason(ctx: Ctx, text: str) -> list[Reply]:
    deal = await ctx.uow.deals.get(ctx.scope, int(ctx.conv.data["deal_id"]))
    outcome = ctx.conv.data["outcome"]
    ctx.conv.end()
    if deal is None:
        raise UserError("dl.gone")
    pipeline = await svc.pipeline(ctx.uow, deal.org_id)
    if pipeline.is_closed(deal.stage):
        raise UserError("dl.closed", stage=pipeline.name(deal.stage, ctx.lang))
    reason = None if text.strip().lower() in SKIP else text.strip()[:500]
    return await _move(ctx, deal, outcome, pipeline, reason)


async def _start_new(ctx: Ctx, query: str, customer_id: int | None = None) -> list[Reply]:
    if customer_id is not None:
        return await new_with_customer(ctx, customer_id)
    if query:
        return await _new_for(ctx, query)
    ctx.conv.go("dl.customer")
    return [Reply(ctx.t("dl.ask_customer"))]


async def _new_for(ctx: Ctx, query: str) -> list[Reply]:
    found = await pick.find(ctx, query, "dl:cust:")
    if found.customer is None:
        return found.replies
    return await new_with_customer(ctx, found.customer.id, found.customer.contact_id)


async def new_with_customer(
    ctx: Ctx, customer_id: int, contact_id: int | None = None
) -> list[Reply]:
    """`contact_id`: the company's contact named (/deal new 华为张总), kept on the deal."""
    customer = await ctx.uow.customers.get(ctx.scope, customer_id)
    if customer is None:
        raise UserError("cu.gone")
    ctx.conv.go("dl.title", customer_id=customer.id, contact_id=contact_id)
    return [Reply(ctx.t("dl.ask_title"))]


async def on_state(ctx: Ctx, text: str) -> list[Reply]:
    step, data = ctx.conv.state, ctx.conv.data
    if step == "dl.reason":
        return await close_with_reason(ctx, text)
    if step == "dl.customer":
        return await _new_for(ctx, text)
    skip = text.strip().lower() in SKIP
    if step == "dl.title":
        if not 1 <= len(text.strip()) <= 100:
            raise UserError("dl.bad_title")
        ctx.conv.go("dl.amount", title=text.strip())
        return [Reply(ctx.t("dl.ask_amount"))]
    if step == "dl.amount":
        amount = None if skip else read_amount(text)
        if not skip and amount is None:
            raise UserError("dl.bad_amount", text=text[:30])
        value = (str(amount.value), amount.currency) if amount else (None, "CNY")
        ctx.conv.go("dl.close", amount=value[0], currency=value[1])
        return [Reply(ctx.t("dl.ask_close"))]
    close = None if skip else _parse_date(ctx, text)
    return await _create(ctx, data, close)


def _parse_date(ctx: Ctx, text: str) -> date:
    when = parse_when(text, ctx.local_now())
    if when is None:
        raise UserError("dl.bad_close", text=text[:30])
    return sure(ctx, when.start, "due", text).astimezone(ctx.tz).date()


async def _create(ctx: Ctx, data: dict[str, object], close: date | None) -> list[Reply]:
    customer = await ctx.uow.customers.get(ctx.scope, int(str(data["customer_id"])))
    if customer is None:
        raise UserError("cu.gone")
    pipeline = await svc.pipeline(ctx.uow, customer.org_id)
    amount = Decimal(str(data["amount"])) if data.get("amount") else None
    named = data.get("contact_id")
    contact_id = await still_a_contact(ctx, customer.id, named if isinstance(named, int) else None)
    new = svc.NewDeal(
        str(data["title"]), amount, str(data.get("currency") or "CNY"), close, contact_id
    )
    stage = pipeline.open_stages[0].key
    deal = await svc.create(ctx.uow, ctx.user, customer, new, stage, ctx.now)
    ctx.conv.end()
    replies = await _open(ctx, deal)
    return [Reply(ctx.t("dl.created", card=replies[0].text), replies[0].choices, private=True)]


def register(routes: Routes) -> None:
    pipeline.register(routes)
    deal_edit.register(routes)
    routes.command(deals_command, "/deal", "/deals", "商机", prefix=("商机",))
    routes.states["dl"] = on_state
    routes.payloads["dl"] = on_payload
