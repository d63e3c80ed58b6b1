"""The short brief a new owner gets per handed-over customer: contacts, deals, promises."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from handlers.i18n import add_texts, fmt_money, t
from handlers.messages import Reply
from handlers.services.deals import pipeline
from handlers.services.ops.notify import chunks, queue
from store.models import Customer, User
from store.uow import UnitOfWork

add_texts(
    {
        "ho.brief_head": (
            "📦 {name} 的 {count} 位客户已交接给你：",
            "📦 {count} customers of {name} are now yours:",
        ),
        "ho.brief_customer": ("👤 {name}", "👤 {name}"),
        "ho.brief_contact": ("  · 联系 {when}：{summary}", "  · contact {when}: {summary}"),
        "ho.brief_deal": (
            "  · 商机 {title}（{stage}，{amount}）",
            "  · deal {title} ({stage}, {amount})",
        ),
        "ho.brief_promise": ("  · 承诺 {when}：{text}", "  · promised {when}: {text}"),
        "ho.brief_none": ("  · 暂无联系记录", "  · no contact logged yet"),
    }
)


async def brief_lines(uow: UnitOfWork, customer: Customer, user: User) -> str:
    """A few lines: the last three contacts, open deals, and promised follow-ups."""
    lang, tz = user.lang, ZoneInfo(user.tz)
    lines = [t(lang, "ho.brief_customer", name=_short(customer.name, 40))]
    for a in await uow.customers.recent_activities(customer.id, 3):
        when = f"{a.happened_at.astimezone(tz):%Y-%m-%d}"
        lines.append(t(lang, "ho.brief_contact", when=when, summary=_short(a.summary)))
        if a.next_step:
            lines.append(t(lang, "ho.brief_promise", when=when, text=_short(a.next_step)))
    if len(lines) == 1:
        lines.append(t(lang, "ho.brief_none"))
    pipe = await pipeline(uow, customer.org_id)
    for d in await uow.ops.open_deals_of_customer(customer.id):
        amount = fmt_money(d.amount, d.currency, lang)
        stage = pipe.name(d.stage, lang)
        lines.append(
            t(lang, "ho.brief_deal", title=_short(d.title, 40), stage=stage, amount=amount)
        )
    for r in await uow.ops.open_reminders_of(user.id, customer.id):
        when = f"{r.due_at.astimezone(tz):%Y-%m-%d %H:%M}"
        lines.append(t(lang, "ho.brief_promise", when=when, text=_short(r.text)))
    return "\n".join(lines)


async def queue_briefs(
    uow: UnitOfWork,
    leaving: User,
    receivers: Sequence[User],
    handed: Mapping[int, Sequence[int]],
    now: datetime,
) -> int:
    """One or a few messages per receiver (split under the channel limit)."""
    items = []
    for user in receivers:
        ids = handed.get(user.id, [])
        if not ids:
            continue
        head = t(user.lang, "ho.brief_head", name=leaving.name, count=len(ids))
        blocks = [head]
        for cid in ids:
            customer = await uow.ops.customer(cid)
            if customer is not None:
                blocks.append(await brief_lines(uow, customer, user))
        for n, text in enumerate(chunks(blocks)):
            key = f"handover:{leaving.id}:{user.id}:{now.isoformat()}:{n}"
            items.append((user.id, Reply(text, private=True), key))
    return await queue(uow, items, now)


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
