"""Correcting a deal: amount and currency, expected close, title; reopening a won or lost
one (to an open stage, with a reason); and the stage history shown on the deal's card.

Buttons: `de:menu:ID`, `de:ed:ID:FIELD`, `de:amt:ID:AMOUNT:CUR:WAS:WAS_CUR` (a big change,
confirmed; the amount it replaces rides along so a stale button changes nothing),
`de:reopen:ID`, `de:ro:ID:STAGE:FROM` (FROM: the closed stage the question was asked about).
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from handlers.chat.cards import deal_card
from handlers.chat.context import Ctx, UserError, int_arg
from handlers.chat.dates import sure
from handlers.chat.money import money_arg, read_amount
from handlers.chat.routes import Routes
from handlers.i18n import add_texts, fmt_money
from handlers.messages import Choice, Reply
from handlers.nlu.when import parse_when
from handlers.services import deals as deal_svc
from handlers.services import records as svc
from store.models import Deal

NONE_WORDS = {"无", "没有", "none", "no", "-", "跳过", "skip"}
MAX_TITLE = 100
MAX_REASON = 500
_YUAN = re.compile(r"[¥元块]|rmb|cny|人民币", re.IGNORECASE)  # 5万 alone names no currency
_CURRENCY_ONLY = re.compile(
    r"\s*(?:人民币|美元|美金|欧元|英镑|港币|港元|日元|[A-Za-z]{3}|[¥$€£])\s*", re.IGNORECASE
)
FIELDS = {"amount": ("de.amount", "de.ask_amount"), "close": ("de.close", "de.ask_close"),
          "title": ("de.title", "de.ask_title")}  # fmt: skip

add_texts(
    {
        "de.btn_edit": ("✏️ 修改", "✏️ Edit"),
        "de.btn_reopen": ("↩️ 重新打开", "↩️ Reopen"),
        "de.btn_amount": ("✏️ 金额/币种", "✏️ Amount/currency"),
        "de.btn_close": ("✏️ 预计成交", "✏️ Expected close"),
        "de.btn_title": ("✏️ 名称", "✏️ Title"),
        "de.btn_back": ("💼 返回商机", "💼 Back to the deal"),
        "de.list": (
            "商机（含已结束的，选一个查看、推进或重新打开）：",
            "Deals, closed ones included (pick one to view, move or reopen):",
        ),
        "de.menu": ("要改「{title}」的什么？", 'What to change on "{title}"?'),
        "de.history": ("阶段记录：", "Stage history:"),
        "de.history_line": ("• {when} {stage}（{days} 天）", "• {when} {stage} ({days} d)"),
        "de.history_now": (
            "• {when} {stage}（{days} 天，至今）",
            "• {when} {stage} ({days} d, now)",
        ),
        "de.ask_amount": (
            "新的金额？例如「60万」「$8k」（写上币种就按那个币种），不填金额就回复「无」",
            'New amount? e.g. "$8k" or "600k CNY" (the currency you write is used), or "none"',
        ),
        "de.ask_close": (
            "预计什么时候成交？例如「下月底」，清空就回复「无」",
            'Expected close? e.g. "end of next month", or "none" to clear it',
        ),
        "de.ask_title": ("新的名称？", "New title?"),
        "de.bad_amount": (
            "没看懂金额「{text}」，例如「60万」「$8k」：",
            'I couldn\'t read the amount "{text}"; e.g. "$8k":',
        ),
        "de.currency_only": (
            "只改币种会让金额的意思变掉（¥500,000 不等于 $500,000）。"
            "请连金额一起写，例如「$7万」：",
            "Changing only the currency would change what the number means (¥500,000 is not "
            '$500,000). Type the amount in the new currency, e.g. "$70k":',
        ),
        "de.mixed": (
            "「{title}」已经有按 {old} 记的回款计划或回款，不能改成 {new}，没有修改。"
            "请用 {old} 输入金额。",
            '"{title}" has a payment plan or payments in {old}; it can\'t become {new}, and '
            "nothing changed. Type the amount in {old}.",
        ),
        "de.ask_big": (
            "「{title}」现在是 {old}，改成 {new}（{why}）？",
            'Change "{title}" from {old} to {new} ({why})?',
        ),
        "de.btn_yes_amount": ("✅ 改为 {new}", "✅ Change to {new}"),
        "de.btn_keep": ("保持 {old}", "Keep {old}"),
        "de.bad_close": (
            "没看懂这个日期「{text}」，例如「月底」：",
            'I couldn\'t read the date "{text}"; e.g. "end of month":',
        ),
        "de.bad_title": (
            "名称需要 1 到 {n} 个字，请重新输入：",
            "A title needs 1 to {n} characters:",
        ),
        "de.changed": (
            "✅ 已修改「{title}」：{what} {old} → {new}",
            '✅ "{title}": {what} {old} → {new}',
        ),
        "de.unchanged": (
            "和原来一样，没有修改。",
            "That's what it already says; nothing changed.",
        ),
        "de.what_amount": ("金额", "amount"),
        "de.what_close": ("预计成交", "expected close"),
        "de.what_title": ("名称", "title"),
        "de.not_closed": (
            "「{title}」还没有结束，不需要重新打开。",
            '"{title}" is still open; nothing to reopen.',
        ),
        "de.reopen_stage": (
            "「{title}」（{stage}）重新打开到哪个阶段？",
            'Reopen "{title}" ({stage}) at which stage?',
        ),
        "de.ask_reason": (
            "为什么重新打开「{title}」？请写原因：",
            'Why reopen "{title}"? Type the reason:',
        ),
        "de.need_reason": (
            "重新打开需要写原因（最多 {n} 字）：",
            "Reopening needs a reason (at most {n} characters):",
        ),
        "de.reopened": (
            "↩️ 「{title}」已重新打开：{old} → {new}\n原因：{reason}",
            '↩️ "{title}" reopened: {old} → {new}\nReason: {reason}',
        ),
        "de.stale": (
            "「{title}」在这之后又改过了，这个按钮已失效，什么都没有改。请用 /deal 重新查看。",
            '"{title}" changed since; that button no longer applies and nothing changed. '
            "See it again with /deal.",
        ),
        "cv.form.de": ("修改商机", "deal edit"),
    }
)


def card_buttons(ctx: Ctx, deal: Deal, pipeline: deal_svc.Pipeline) -> tuple[Choice, ...]:
    """Under a deal's card: edit it, and reopen it when it is won or lost."""
    buttons = [Choice(ctx.t("de.btn_edit"), f"de:menu:{deal.id}")]
    if pipeline.is_closed(deal.stage):
        buttons.append(Choice(ctx.t("de.btn_reopen"), f"de:reopen:{deal.id}"))
    return tuple(buttons)


async def history_text(ctx: Ctx, deal: Deal, pipeline: deal_svc.Pipeline) -> str:
    """The deal's stages with the day each began and the days spent in it."""
    rows = list(await ctx.uow.deals.history(deal.id))
    if not rows:
        return ""
    lines = [ctx.t("de.history")]
    today = ctx.local_now().date()
    for stage, entered, left in svc.stage_spans(rows):
        start = entered.astimezone(ctx.tz).date()
        end = left.astimezone(ctx.tz).date() if left else today
        key = "de.history_line" if left else "de.history_now"
        name = pipeline.name(stage, ctx.lang)
        lines.append(ctx.t(key, when=ctx.when_date(start), stage=name, days=(end - start).days))
    return "\n" + "\n".join(lines)


async def _deal(ctx: Ctx, parts: list[str]) -> Deal:
    deal = await ctx.uow.deals.get(ctx.scope, int_arg(parts, 1))
    if deal is None:
        ctx.conv.end()
        raise UserError("dl.gone")
    return deal


async def _card(ctx: Ctx, deal: Deal, lead: str) -> list[Reply]:
    pipeline = await deal_svc.pipeline(ctx.uow, deal.org_id)
    card = await deal_card(ctx, deal, pipeline) + await history_text(ctx, deal, pipeline)
    choices = (
        *card_buttons(ctx, deal, pipeline),
        Choice(ctx.t("de.btn_back"), f"dl:open:{deal.id}"),
    )
    return [Reply(f"{lead}\n{card}", choices, private=True)]


async def on_payload(ctx: Ctx, parts: list[str]) -> list[Reply]:
    action = parts[0] if parts else ""
    deal = await _deal(ctx, parts)
    if action == "menu":
        keys = (("de.btn_amount", "amount"), ("de.btn_close", "close"), ("de.btn_title", "title"))
        choices = tuple(Choice(ctx.t(k), f"de:ed:{deal.id}:{f}") for k, f in keys)
        return [Reply(ctx.t("de.menu", title=deal.title), choices, private=True)]
    if action == "ed" and len(parts) > 2 and parts[2] in FIELDS:
        state, question = FIELDS[parts[2]]
        ctx.conv.end()
        ctx.conv.go(state, deal_id=deal.id)
        return [Reply(ctx.t(question))]
    if action == "amt" and len(parts) == 6:
        return await _confirmed_amount(ctx, deal, parts)
    if action == "reopen":
        return await _reopen_stages(ctx, deal)
    if action == "ro" and len(parts) == 4:
        return await _ask_reason(ctx, deal, parts[2], parts[3])
    raise UserError("error.stale_button")


async def on_state(ctx: Ctx, text: str) -> list[Reply]:
    """The new amount, close date, title, or the reason to reopen."""
    step = ctx.conv.state
    deal = await _deal(ctx, ["", str(ctx.conv.data.get("deal_id") or "")])
    none = text.strip().lower() in NONE_WORDS
    if step == "de.amount":
        return await _amount(ctx, deal, text, none)
    if step == "de.close":
        close = None if none else _close_date(ctx, text)
        return await _edit(ctx, deal, "close", "expected_close", close)
    if step == "de.title":
        title = " ".join(text.split())
        if not 1 <= len(title) <= MAX_TITLE:
            raise UserError("de.bad_title", n=MAX_TITLE)
        return await _edit(ctx, deal, "title", "title", title)
    return await _reopen(ctx, deal, text)


async def _edit(ctx: Ctx, deal: Deal, what: str, field: str, value: object) -> list[Reply]:
    ctx.conv.end()
    old_text, title = _shown(ctx, getattr(deal, field)), deal.title
    changed = await svc.edit_deal(ctx.uow, ctx.user, deal, {field: value}, ctx.now)
    if not changed:
        return await _card(ctx, deal, ctx.t("de.unchanged"))
    line = ctx.t(
        "de.changed", title=title, what=ctx.t(f"de.what_{what}"), old=old_text,
        new=_shown(ctx, value),
    )  # fmt: skip
    return await _card(ctx, deal, line)


def _shown(ctx: Ctx, value: object) -> str:
    if value is None:
        return "—"
    return ctx.when_date(value) if isinstance(value, date) else str(value)


def _close_date(ctx: Ctx, text: str) -> date:
    when = parse_when(text, ctx.local_now())
    if when is None:
        raise UserError("de.bad_close", text=text[:30])
    return sure(ctx, when.start, "due", text).astimezone(ctx.tz).date()


async def _amount(ctx: Ctx, deal: Deal, text: str, none: bool) -> list[Reply]:
    """Never two currencies on one deal's money; a big change is confirmed first."""
    if none:
        return await _set_amount(ctx, deal, None, deal.currency)
    if _CURRENCY_ONLY.fullmatch(text):
        raise UserError("de.currency_only")
    amount = read_amount(text)  # refuses negative and absurd amounts, clearly
    if amount is None or amount.value <= 0:
        raise UserError("de.bad_amount", text=text[:30])
    stated = amount.currency != "CNY" or bool(_YUAN.search(amount.text))
    currency = amount.currency if stated else deal.currency
    if currency != deal.currency and await ctx.uow.records.has_money(deal.id):
        raise UserError("de.mixed", title=deal.title, old=deal.currency, new=currency)
    if deal_svc.is_big_change(deal.amount, deal.currency, amount.value, currency):
        return _ask_big(ctx, deal, amount.value, currency)
    return await _set_amount(ctx, deal, amount.value, currency)


def _ask_big(ctx: Ctx, deal: Deal, amount: Decimal, currency: str) -> list[Reply]:
    ctx.conv.end()
    old = fmt_money(deal.amount, deal.currency, ctx.lang)
    new = fmt_money(amount, currency, ctx.lang)
    why = ctx.t("vd.why_currency" if currency != deal.currency else "vd.why_scale")
    data = f"de:amt:{deal.id}:{amount}:{currency}:{deal.amount}:{deal.currency}"
    choices = (
        Choice(ctx.t("de.btn_yes_amount", new=new), data),
        Choice(ctx.t("de.btn_keep", old=old), f"dl:open:{deal.id}"),
    )
    text = ctx.t("de.ask_big", title=deal.title, old=old, new=new, why=why)
    return [Reply(text, choices, private=True)]


async def _confirmed_amount(ctx: Ctx, deal: Deal, parts: list[str]) -> list[Reply]:
    amount, currency = money_arg(parts[2], parts[3])
    if (deal.amount, deal.currency) != money_arg(parts[4], parts[5]):
        raise UserError("de.stale", title=deal.title)
    if currency != deal.currency and await ctx.uow.records.has_money(deal.id):
        raise UserError("de.mixed", title=deal.title, old=deal.currency, new=currency)
    return await _set_amount(ctx, deal, amount, currency)




async def _set_amount(ctx: Ctx, deal: Deal, amount: Decimal | None, currency: str) -> list[Reply]:
    ctx.conv.end()
    old = fmt_money(deal.amount, deal.currency, ctx.lang)
    if deal.amount == amount and deal.currency == currency:
        return await _card(ctx, deal, ctx.t("de.unchanged"))
    if amount is None:
        await svc.clear_amount(ctx.uow, ctx.user, deal, ctx.now)
    else:
        await deal_svc.set_amount(ctx.uow, ctx.user, deal, amount, currency, ctx.now)
    new = fmt_money(deal.amount, deal.currency, ctx.lang)
    what = ctx.t("de.what_amount")
    line = ctx.t("de.changed", title=deal.title, what=what, old=old, new=new)
    return await _card(ctx, deal, line)


async def _reopen_stages(ctx: Ctx, deal: Deal) -> list[Reply]:
    pipeline = await deal_svc.pipeline(ctx.uow, deal.org_id)
    if not pipeline.is_closed(deal.stage):
        raise UserError("de.not_closed", title=deal.title)
    choices = tuple(
        Choice(pipeline.name(s.key, ctx.lang), f"de:ro:{deal.id}:{s.key}:{deal.stage}")
        for s in pipeline.open_stages
    )
    stage = pipeline.name(deal.stage, ctx.lang)
    return [Reply(ctx.t("de.reopen_stage", title=deal.title, stage=stage), choices, private=True)]


async def _ask_reason(ctx: Ctx, deal: Deal, stage: str, was: str) -> list[Reply]:
    pipeline = await deal_svc.pipeline(ctx.uow, deal.org_id)
    if stage not in {s.key for s in pipeline.open_stages}:
        raise UserError("error.stale_button")
    if deal.stage != was or not pipeline.is_closed(deal.stage):
        raise UserError("de.stale", title=deal.title)
    ctx.conv.end()
    ctx.conv.go("de.reason", deal_id=deal.id, stage=stage, was=was)
    return [Reply(ctx.t("de.ask_reason", title=deal.title))]


async def _reopen(ctx: Ctx, deal: Deal, text: str) -> list[Reply]:
    reason = " ".join(text.split())
    if not 1 <= len(reason) <= MAX_REASON or reason.lower() in NONE_WORDS:
        raise UserError("de.need_reason", n=MAX_REASON)
    stage, was = str(ctx.conv.data.get("stage")), str(ctx.conv.data.get("was"))
    ctx.conv.end()
    pipeline = await deal_svc.pipeline(ctx.uow, deal.org_id)
    if deal.stage != was or stage not in {s.key for s in pipeline.open_stages}:
        raise UserError("de.stale", title=deal.title)
    old = pipeline.name(deal.stage, ctx.lang)
    await svc.reopen_deal(ctx.uow, ctx.user, deal, stage, reason, ctx.now)
    new = pipeline.name(stage, ctx.lang)
    line = ctx.t("de.reopened", title=deal.title, old=old, new=new, reason=reason)
    return await _card(ctx, deal, line)


def register(routes: Routes) -> None:
    routes.payloads["de"] = on_payload
    routes.states["de"] = on_state
