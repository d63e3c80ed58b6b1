"""Care messages to customers: only with consent, within WeCom's monthly budget, or by a rep."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from handlers.desk.config import OA_CHANNEL, DeskConfig
from handlers.desk.notify import notify_user
from handlers.desk.tickets import add_reminder, assignee_for, customer_label
from handlers.i18n import t
from handlers.messages import Reply
from store.models import CareLog, CustomerLink
from store.uow import UnitOfWork

WECOM_MASS_KIND = "wecom_mass"
WECOM_MASS_PER_MONTH = 4  # WeCom: an external contact gets at most 4 mass messages a month
WECOM_MONTH_TZ = ZoneInfo("Asia/Shanghai")  # WeCom counts calendar months in Beijing time


def care_allowed(link: CustomerLink) -> bool:
    return link.subscribed and link.consent and link.opted_out_at is None


async def queue_care(
    uow: UnitOfWork, customer_id: int, kind: str, key: str, text: str, now: datetime
) -> bool:
    """Queue a care message on the Official Account; False (nothing queued) without consent."""
    customer = await uow.desk.customer(customer_id)
    if customer is None or not customer.care_consent:
        return False
    links = [
        link
        for link in await uow.desk.links_of_customer(customer_id)
        if link.channel == OA_CHANNEL and care_allowed(link)
    ]
    if not links:
        return False
    body: dict[str, object] = {"text": text, "private": False, "care": kind}
    if not await uow.outbox.enqueue(OA_CHANNEL, links[0].external_id, body, f"care:{key}", now):
        return False
    log = CareLog(
        org_id=customer.org_id,
        customer_id=customer.id,
        kind=kind,
        key=key,
        channel=OA_CHANNEL,
        sent_at=now,
    )
    await uow.desk.add(log)
    return True


def _month(now: datetime) -> tuple[datetime, datetime]:
    local = now.astimezone(WECOM_MONTH_TZ)
    start = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    nxt = start.replace(year=start.year + (start.month == 12), month=start.month % 12 + 1)
    return start, nxt


async def wecom_budget_left(uow: UnitOfWork, customer_id: int, now: datetime) -> int:
    """How many more WeCom mass messages this customer may get this calendar month."""
    start, end = _month(now)
    used = await uow.desk.care_count(customer_id, WECOM_MASS_KIND, start, end)
    return max(0, WECOM_MASS_PER_MONTH - used)


async def spend_wecom_budget(
    uow: UnitOfWork, org_id: int, customer_id: int, key: str, now: datetime
) -> bool:
    """Count one confirmed mass message against the budget; False when none is left."""
    if await wecom_budget_left(uow, customer_id, now) <= 0:
        return False
    log = CareLog(
        org_id=org_id,
        customer_id=customer_id,
        kind=WECOM_MASS_KIND,
        key=key,
        channel="wecom",
        sent_at=now,
    )
    await uow.desk.add(log)
    return True


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
