"""Care messages to customers (jobs/care.py queues them): only with consent, else by a rep."""

from __future__ import annotations

from datetime import datetime

from handlers.desk.config import DeskConfig
from handlers.desk.notify import notify_user
from handlers.desk.tickets import add_reminder, assignee_for, customer_label
from handlers.i18n import t
from handlers.messages import Reply
from store.models import CustomerLink
from store.uow import UnitOfWork


def care_allowed(link: CustomerLink) -> bool:
    return link.subscribed and link.consent and link.opted_out_at is None


async def hand_to_rep(
    uow: UnitOfWork, config: DeskConfig, link: CustomerLink, text: str, why: str, now: datetime
) -> bool:
    """A message WeChat won't deliver becomes the rep's task: a reminder due now and a notice."""
    customer = await uow.desk.customer(link.customer_id) if link.customer_id else None
    user = await assignee_for(uow, link.org_id, customer)
    if user is None:
        return False
    name = customer_label(customer, user.lang)
    task = t(user.lang, "desk.r_handoff", customer=name, text=text[:200])
    reminder = await add_reminder(uow, user, now, task, now, customer.id if customer else None)
    notice = Reply(t(user.lang, "desk.n_handoff", customer=name, why=why, text=text), private=True)
    key = f"handoff:{reminder.id}"
    await notify_user(uow, user, notice, key, now, config.notify_channels)
    return True
