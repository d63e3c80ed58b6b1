"""What the team pool tells a rep: which rule is about to take a customer and what keeps them,
and, after a release, which customers went, why, and which of their reminders ended."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from handlers.i18n import add_texts, fmt_dt, t
from handlers.messages import Choice, Reply
from handlers.services.ops.notify import MAX_TEXT, chunks
from store.models import Customer, Reminder, User

add_texts(
    {
        "pool.warn": (
            "⏳ 客户「{name}」{days} 天后将退回公海：{why}。要保留：{fixes}，或请经理延期。",
            "⏳ {name} goes back to the team pool in {days} days: {why}. To keep them: "
            "{fixes}, or ask your manager for an extension.",
        ),
        "pool.why_contact": ("{n} 天未跟进", "no follow-up for {n} days"),
        "pool.why_deal": ("{n} 天无商机进展", "no deal created or moved for {n} days"),
        "pool.fix_contact": ("记一次拜访", "log a visit"),
        "pool.fix_deal": ("新建或推进一个商机", "open or move a deal"),
        "pool.fix_and": ("并且", " and "),
        "pool.why_and": ("，且", ", and "),
        "pool.btn_visit": ("📝 记录拜访", "📝 Log visit"),
        "pool.btn_deal": ("💼 新建商机", "💼 Open a deal"),
        "pool.btn_ask": ("🙋 请经理延期", "🙋 Ask for an extension"),
        "pool.btn_release": ("↩️ 释放到公海", "↩️ Release"),
        "pool.gone_title": (
            "↩️ 以下客户已退回公海（可以在 /pool 重新领取）：",
            "↩️ These customers went back to the team pool (claim them again with /pool):",
        ),
        "pool.gone_line": ("• {name}：{why}", "• {name}: {why}"),
        "pool.gone_reminders": ("  已取消的提醒：", "  Reminders cancelled:"),
        "pool.gone_reminder": ("  – {when} {text}", "  – {when} {text}"),
    }
)

RULES = ("contact", "deal")


@dataclass(frozen=True)
class Clock:
    """One pool rule for one customer: when it fires."""

    rule: str  # "contact" or "deal"
    days: int
    due: datetime


@dataclass(frozen=True)
class Released:
    customer: Customer
    clocks: Sequence[Clock]  # the rules that had fired
    reminders: Sequence[Reminder]


def reasons(lang: str, clocks: Sequence[Clock]) -> str:
    return t(lang, "pool.why_and").join(t(lang, f"pool.why_{c.rule}", n=c.days) for c in clocks)


def warning(owner: User, customer: Customer, clocks: Sequence[Clock], now: datetime) -> Reply:
    """Names every rule that will fire within the warning window, and the fix for each: a
    visit does nothing against the no-deal rule."""
    lang, due = owner.lang, clocks[0].due
    days = max(1, (due - now).days + (1 if (due - now).seconds else 0))
    fixes = t(lang, "pool.fix_and").join(t(lang, f"pool.fix_{c.rule}") for c in clocks)
    text = t(lang, "pool.warn", name=customer.name, days=days, why=reasons(lang, clocks),
             fixes=fixes)  # fmt: skip
    buttons = {"contact": ("pool.btn_visit", f"vi:for:{customer.id}"),
               "deal": ("pool.btn_deal", f"dl:new:{customer.id}")}  # fmt: skip
    choices = [Choice(t(lang, buttons[c.rule][0]), buttons[c.rule][1]) for c in clocks]
    choices += [
        Choice(t(lang, "pool.btn_ask"), f"pool:ask:{customer.id}"),
        Choice(t(lang, "pool.btn_release"), f"pool:rel:{customer.id}"),
    ]
    return Reply(text, tuple(choices), private=True)


def released(owner: User, gone: Sequence[Released], now: datetime) -> list[Reply]:
    """One block per customer (why, and the reminders that ended), in as few messages as
    the channel's length allows."""
    lang, tz = owner.lang, ZoneInfo(owner.tz)
    year = now.astimezone(tz).year
    blocks = []
    for item in gone:
        why = reasons(lang, item.clocks)
        lines = [t(lang, "pool.gone_line", name=item.customer.name, why=why)]
        if item.reminders:
            lines.append(t(lang, "pool.gone_reminders"))
        for r in item.reminders:
            when = fmt_dt(r.due_at.astimezone(tz), lang, True, year)
            lines.append(t(lang, "pool.gone_reminder", when=when, text=r.text[:80]))
        blocks.append("\n".join(lines))
    title = t(lang, "pool.gone_title")
    return [Reply(f"{title}\n{text}", private=True) for text in chunks(blocks, MAX_TEXT - 200)]
