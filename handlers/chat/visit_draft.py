"""A visit being logged: what was understood so far, kept in the form's state as JSON."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from handlers.chat.cards import customer_title
from handlers.chat.context import Ctx, UserError
from handlers.chat.dates import sure
from handlers.chat.money import check_all
from handlers.chat.titled import Titled
from handlers.i18n import add_texts, fmt_money
from handlers.nlu.intent import Understanding
from handlers.services.deals import Pipeline

FUTURE_SLACK_S = 3600  # a visit "now" typed a little early is fine; one tomorrow is not

add_texts(
    {
        "vi.card": (
            "请确认这条记录：\n客户：{customer}\n类型：{kind}\n时间：{when}\n下次回访：{follow_up}{deal}\n"
            "内容：{summary}",
            "Please confirm:\nCustomer: {customer}\nType: {kind}\nWhen: {when}\n"
            "Follow-up: {follow_up}{deal}\nNotes: {summary}",
        ),
        "vi.card_location": ("\n📍 已附位置", "\n📍 Location attached"),
        "vi.card_photo": ("\n📷 已附照片", "\n📷 Photo attached"),
        "vi.card_deal": ("\n商机：{stage} {amount}", "\nDeal: {stage} {amount}"),
        "vi.no_follow_up": ("无", "none"),
        "vi.follow_up_unsure": (
            "{when}？（是这个时间吗？可改回访）", "{when}? (is that right? edit if not)"
        ),
        "vi.future_visit": (
            "拜访时间 {when} 还没到。记录已发生的拜访；要安排以后的事请用 /remind。",
            "The visit time {when} is in the future. Log visits that happened; "
            "use /remind for things ahead.",
        ),
        "vi.past_follow_up": (
            "回访时间 {when} 已经过去了。请输入一个以后的时间（或回复「无」）：",
            'The follow-up time {when} has already passed. Type a time ahead (or "none"):',
        ),
    }
)


@dataclass
class VisitDraft:
    summary: str
    kind: str
    happened_at: str  # ISO, so the draft survives in the JSON state column
    follow_up_at: str | None = None
    customer_id: int | None = None
    amount: str | None = None
    currency: str = "CNY"
    stage: str | None = None
    location: str | None = None
    photo: str | None = None
    unsure_follow_up_at: str | None = None  # the parser's guess, asked rather than stated
    contact_id: int | None = None  # the company customer's contact met (华为张总)

    @classmethod
    def load(cls, data: dict[str, Any]) -> VisitDraft:
        return cls(**data["draft"])

    def dump(self) -> dict[str, Any]:
        # Every field is a plain value, so a shallow copy is what asdict's deep walk would give
        # (at a tenth of its cost, on every step of the form).
        return dict(vars(self))

    @property
    def happened(self) -> datetime:
        return datetime.fromisoformat(self.happened_at)

    @property
    def follow_up(self) -> datetime | None:
        return datetime.fromisoformat(self.follow_up_at) if self.follow_up_at else None


def from_understanding(ctx: Ctx, text: str, u: Understanding) -> VisitDraft:
    check_all(text)  # "报价 -5万" reads as 5万: refuse it rather than save the wrong sign
    follow_up = sure(ctx, u.follow_up_at, "ahead", text) if u.follow_up_at else None
    draft = VisitDraft(
        summary=text.strip(),
        kind=u.activity_type or "visit",
        happened_at=sure(ctx, _happened(ctx, u), "happened", text).isoformat(),
        follow_up_at=follow_up.isoformat() if follow_up else None,
        amount=str(u.amount) if u.amount is not None else None,
        currency=u.currency or "CNY",
        stage=u.stage,
    )
    if "follow_up_at" in u.unsure:
        draft.unsure_follow_up_at = draft.follow_up_at
    attach(ctx, draft)
    check_times(ctx, draft)
    return draft


def attach(ctx: Ctx, draft: VisitDraft) -> bool:
    """Put the message's location or photo on the draft; True if there was one."""
    found = False
    for attachment in ctx.msg.attachments:
        if attachment.kind == "location":
            draft.location, found = attachment.value, True
        elif attachment.kind == "photo":
            draft.photo, found = attachment.value, True
    return found


def _happened(ctx: Ctx, u: Understanding) -> datetime:
    """When it happened. "今天" with no time of day is when the rep wrote: the visit is over
    by then, and a made-up 09:00 would sort it before the morning's calls. A time written
    later today than now means "earlier today" too."""
    now = ctx.local_now()
    if u.happened_at is None:
        return now
    same_day = u.happened_at.date() == now.date()
    if same_day and (not u.happened_timed or u.happened_at > now):
        return now
    return u.happened_at


def check_times(ctx: Ctx, draft: VisitDraft) -> None:
    if (draft.happened - ctx.now).total_seconds() > FUTURE_SLACK_S:
        raise UserError("vi.future_visit", when=ctx.when(draft.happened))
    if draft.follow_up is not None and draft.follow_up <= ctx.now:
        raise UserError("vi.past_follow_up", when=ctx.when(draft.follow_up))


def card_text(ctx: Ctx, draft: VisitDraft, customer: Titled, pipeline: Pipeline) -> str:
    deal = ""
    if draft.stage or draft.amount:
        stage = pipeline.name(draft.stage, ctx.lang) if draft.stage else ""
        amount = fmt_money(Decimal(draft.amount), draft.currency, ctx.lang) if draft.amount else ""
        deal = ctx.t("vi.card_deal", stage=stage, amount=amount).rstrip()
    if draft.location:
        deal += ctx.t("vi.card_location")
    if draft.photo:
        deal += ctx.t("vi.card_photo")
    follow_up = ctx.when(draft.follow_up) if draft.follow_up else ctx.t("vi.no_follow_up")
    if draft.follow_up and draft.follow_up_at == draft.unsure_follow_up_at:
        follow_up = ctx.t("vi.follow_up_unsure", when=follow_up)
    return ctx.t(
        "vi.card",
        customer=customer_title(customer),
        kind=ctx.t(f"kind.{draft.kind}"),
        when=ctx.when(draft.happened),
        follow_up=follow_up,
        deal=deal,
        summary=draft.summary,
    )
