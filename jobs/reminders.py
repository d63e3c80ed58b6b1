"""Due reminders to the outbox: claimed, queued once per occurrence, marked sent, one commit."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import handlers.chat.reminders  # noqa: F401  (registers the rm.btn_* button labels we reuse)
from handlers.i18n import add_texts, fmt_dt, t
from handlers.messages import Choice, Reply
from jobs.common import Offers
from jobs.context import JobContext
from store.models import Identity, Reminder, User
from store.repos.outbox import outbox_row
from store.uow import UnitOfWork

log = logging.getLogger(__name__)
BATCH = 500
LEASE = timedelta(minutes=5)

add_texts(
    {
        "job.rm": ("⏰ 提醒：{text}", "⏰ Reminder: {text}"),
        "job.rm_customer": ("客户：{name}", "Customer: {name}"),
        "job.rm_due": ("时间：{when}", "Due: {when}"),
        "job.btn_log_visit": ("📝 记拜访", "📝 Log visit"),
    }
)


def reminder_key(reminder: Reminder) -> str:
    """One key per occurrence: a snoozed reminder firing at its new time is a new message."""
    return f"reminder:{reminder.id}:{reminder.due_at.isoformat()}"


def reminder_reply(reminder: Reminder, user: User, customer: str | None) -> Reply:
    lang = user.lang
    lines = [t(lang, "job.rm", text=reminder.text)]
    if customer:
        lines.append(t(lang, "job.rm_customer", name=customer))
    local = reminder.due_at.astimezone(ZoneInfo(user.tz))
    lines.append(t(lang, "job.rm_due", when=fmt_dt(local, lang)))
    actions = (
        ("done", "rm.btn_done"),
        ("snz", "rm.btn_snooze"),
        ("tmr", "rm.btn_tomorrow"),
        ("res", "rm.btn_reschedule"),
    )
    choices = [Choice(t(lang, label), f"rm:{a}:{reminder.id}") for a, label in actions]
    if reminder.customer_id is not None:
        choices.append(Choice(t(lang, "job.btn_log_visit"), f"vi:for:{reminder.customer_id}"))
    return Reply("\n".join(lines), tuple(choices), private=True)


async def queue_reminders(uow: UnitOfWork, reminders: Sequence[Reminder], now: datetime) -> int:
    """Outbox rows for claimed reminders (users who blocked us get none) and mark them sent."""
    user_ids = [r.user_id for r in reminders]
    users = await uow.jobs.users(user_ids)
    identities = await uow.jobs.identities(user_ids)
    names = await uow.jobs.customer_names([r.customer_id for r in reminders if r.customer_id])
    rows, offers = [], await Offers.on_screen(uow, identities.values(), now)
    for reminder in reminders:
        user, identity = users.get(reminder.user_id), identities.get(reminder.user_id)
        if user is None or identity is None or not user.active:
            continue  # nowhere to send: it still shows as overdue in the morning brief
        name = names.get(reminder.customer_id) if reminder.customer_id else None
        body = offers.body(identity, reminder_reply(reminder, user, name), user.lang)
        rows.append(outbox_row(*_address(identity), body, reminder_key(reminder), now))
    added = await uow.outbox.enqueue_many(rows)
    await uow.chat.offer_choices(offers.added, now)
    await uow.jobs.mark_reminders([r.id for r in reminders], "sent", now)
    return added


def _address(identity: Identity) -> tuple[str, str]:
    return identity.channel, identity.chat_id or identity.external_id


async def deliver_due_reminders(ctx: JobContext, batch: int = BATCH) -> int:
    """Claim and queue everything due now, batch after batch; returns how many were queued.

    Each batch is one transaction: a process killed mid-batch rolls it back, so the rows
    return to the pool untouched and another instance picks them up.
    """
    total = 0
    while True:
        async with ctx.uow() as uow:
            now = ctx.now()
            claimed = await uow.jobs.claim_due_reminders(now, batch, LEASE)
            if claimed:
                total += await queue_reminders(uow, claimed, now)
            await uow.commit()
        if len(claimed) < batch:
            return total
