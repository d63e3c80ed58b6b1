"""Editing one field of the visit card before it is saved: every extracted field can change."""

from __future__ import annotations

from datetime import datetime

from handlers.chat.context import Ctx, UserError
from handlers.chat.dates import sure
from handlers.chat.money import read_amount
from handlers.chat.visit_draft import VisitDraft
from handlers.i18n import add_texts
from handlers.messages import Choice, Reply
from handlers.nlu.when import parse_when
from handlers.services import deals as deal_svc
from handlers.services.activities import KINDS

NONE_WORDS = {"无", "没有", "none", "no", "-"}
TEXT_STEPS = {  # edit button → (form state, question)
    "cust": ("vi.who", "vi.ask_who"),
    "when": ("vi.when", "vi.ask_when"),
    "fu": ("vi.fu", "vi.ask_follow_up"),
    "amount": ("vi.amount", "vi.ask_amount"),
    "text": ("vi.summary", "vi.ask_summary"),
}

add_texts(
    {
        "vi.ask_kind": ("是哪种活动？", "What kind of activity?"),
        "vi.ask_stage": ("商机推进到哪个阶段？", "Which stage is the deal at now?"),
        "vi.no_stage": ("不改商机", "Leave the deal alone"),
        "vi.ask_amount": (
            "金额是多少？例如「50万」「$5k」，不涉及就回复「无」",
            'What amount? e.g. "$5k", or "none"',
        ),
        "vi.bad_amount": (
            "没看懂金额「{text}」，例如「50万」：",
            'I couldn\'t read "{text}"; e.g. "$5k":',
        ),
        "vi.ask_summary": ("请输入新的内容：", "Type the new notes:"),
        "vi.bad_time": (
            "没看懂这个时间：「{text}」。例如「明天下午3点」「下周三」：",
            'I couldn\'t read that time: "{text}". Try "tomorrow 3pm" or "next Wednesday":',
        ),
    }
)


async def ask(ctx: Ctx, field: str) -> list[Reply]:
    """The question (or the choices) for the field the user wants to change."""
    if field == "kind":
        choices = tuple(Choice(ctx.t(f"kind.{k}"), f"vi:kind:{k}") for k in KINDS)
        return [Reply(ctx.t("vi.ask_kind"), choices)]
    if field == "stage":
        pipeline = await deal_svc.pipeline(ctx.uow, ctx.user.org_id)
        stages = [
            Choice(pipeline.name(s.key, ctx.lang), f"vi:stage:{s.key}") for s in pipeline.stages
        ]
        stages.append(Choice(ctx.t("vi.no_stage"), "vi:stage:-"))
        return [Reply(ctx.t("vi.ask_stage"), tuple(stages))]
    state, question = TEXT_STEPS.get(field, ("vi.confirm", "error.stale_button"))
    ctx.conv.go(state)
    return [Reply(ctx.t(question))]


def apply_text(ctx: Ctx, draft: VisitDraft, step: str, text: str) -> None:
    """What the user typed for the field being edited, checked; a bad value changes nothing."""
    none = text.strip().lower() in NONE_WORDS
    if step == "vi.when":
        draft.happened_at = sure(ctx, parse_time(ctx, text), "happened", text).isoformat()
    elif step == "vi.fu":
        follow_up = None if none else sure(ctx, parse_time(ctx, text), "ahead", text)
        draft.follow_up_at = follow_up.isoformat() if follow_up else None
    elif step == "vi.amount":
        amount = None if none else read_amount(text)
        if not none and amount is None:
            raise UserError("vi.bad_amount", text=text[:30])
        draft.amount = str(amount.value) if amount else None
        draft.currency = amount.currency if amount else draft.currency
    elif step == "vi.summary" and text.strip():
        draft.summary = text.strip()


async def apply_stage(ctx: Ctx, draft: VisitDraft, key: str) -> None:
    pipeline = await deal_svc.pipeline(ctx.uow, ctx.user.org_id)
    if key != "-" and key not in pipeline.by_key:
        raise UserError("error.stale_button")
    draft.stage = None if key == "-" else key


def parse_time(ctx: Ctx, text: str) -> datetime:
    when = parse_when(text, ctx.local_now(), ctx.config.default_hour)
    if when is None:
        raise UserError("vi.bad_time", text=text[:40])
    return when.start
