"""Customer care: birthdays, festivals, post-sale follow-up, win-back. Consent first, always.

Runs hourly; each customer is considered only while it is daytime where they are (no message
21:00–09:00 their time), on their newest consenting link, in their language, within their
channel's monthly budget. care_log's unique key makes every occasion go out once.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from handlers.i18n import t
from handlers.messages import Choice, Reply, reply_to_dict
from jobs.care_texts import care_text
from jobs.common import OrgView, SlotWork, org_views, queue_for_users, run_slot, users_by_id
from jobs.context import JobContext
from jobs.occasions import holiday_on, is_birthday
from jobs.slots import Slot
from store.models import Customer, CustomerLink, Deal, User
from store.repos.outbox import outbox_row
from store.uow import UnitOfWork

Occasion = tuple[str, str, dict[str, str]]  # kind, care_log key, template values


async def run_care(ctx: JobContext) -> int:
    """Once an hour per org (job "care:<org>:<UTC hour>"): each run sees whoever is in daytime."""
    queued, now = 0, ctx.now()
    hour = now.astimezone(UTC).replace(minute=0, second=0, microsecond=0)
    for view in await org_views(ctx):
        slot = Slot(f"care:{view.org.id}:{hour:%H}", "UTC", hour.date(), hour)
        queued += await run_slot(ctx, slot, _for_view(view)) or 0
    return queued


def _for_view(view: OrgView) -> SlotWork:
    async def work(uow: UnitOfWork, slot: Slot, now: datetime) -> int:
        return await send_care(uow, view, now, f"{slot.at:%Y-%m-%dT%H}")

    return work


async def send_care(uow: UnitOfWork, view: OrgView, now: datetime, run_key: str) -> int:
    care = view.sched.care
    audience = await uow.jobs.care_audience(view.org.id)
    won_from = now - timedelta(days=care.post_sale_days + 7)  # a week's grace after downtime
    won = await uow.jobs.won_between(
        view.org.id, won_from, now - timedelta(days=care.post_sale_days)
    )
    deals_by_customer = defaultdict(list)
    for deal in won:
        deals_by_customer[deal.customer_id].append(deal)
    # Budgets are per calendar month where the company is, not in UTC: in New York a message
    # at 8 p.m. on the 30th belongs to that month, though it is already the 1st in UTC.
    local_now = now.astimezone(ZoneInfo(view.sched.tz))
    month_start = local_now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    used = await uow.jobs.care_counts([c.id for c, _ in audience], month_start)
    sent: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for customer, link in audience:
        tz = ZoneInfo(customer.tz or view.sched.tz)
        local = now.astimezone(tz)
        if quiet(care.quiet_from, care.quiet_until, local.hour):
            continue  # night where they are: a later hourly run will find the same occasion
        budget = care.budgets.get(link.channel)
        for kind, key, values in _occasions(customer, local, deals_by_customer[customer.id], view):
            spent = (customer.id, link.channel)
            if budget is not None and used.get(spent, 0) >= budget:
                break
            lang = customer.lang or link.lang or view.sched.lang
            if await _send(uow, customer, link, kind, key, lang, values, view, now):
                used[spent] = used.get(spent, 0) + 1
                sent[customer.owner_id or 0].append((customer.name, kind))
    await _contact_birthdays(uow, view, now, used, sent)
    return await _tell_owners(uow, view, sent, run_key, now)


def quiet(start: int, end: int, hour: int) -> bool:
    """Whether `hour` is in the quiet hours [start, end), which may wrap past midnight."""
    return start <= hour or hour < end if start > end else start <= hour < end


async def _contact_birthdays(
    uow: UnitOfWork,
    view: OrgView,
    now: datetime,
    used: dict[tuple[int, str], int],
    sent: dict[int, list[tuple[str, str]]],
) -> None:
    """A company's contacts who consented get their birthday greeting, by name, where the
    company is reached; within the company's budget, in daytime, once a year."""
    care = view.sched.care
    if "birthday" not in care.kinds:
        return
    found = await uow.contacts.care_birthdays(view.org.id)
    if not found:
        return
    # The companies' sends this month (those already counted above keep their running count).
    spent_before = await uow.jobs.care_counts([c.id for _, c, _ in found], _month_start(view, now))
    for spent, count in spent_before.items():
        used.setdefault(spent, count)
    for contact, company, link in found:
        local = now.astimezone(ZoneInfo(company.tz or view.sched.tz))
        if quiet(care.quiet_from, care.quiet_until, local.hour):
            continue
        if not is_birthday(contact, local.date()):
            continue
        spent, budget = (company.id, link.channel), care.budgets.get(link.channel)
        if budget is not None and used.get(spent, 0) >= budget:
            continue
        lang = contact.lang or company.lang or link.lang or view.sched.lang
        key = f"birthday:contact:{contact.id}:{local.year}"
        if await _send(uow, company, link, "birthday", key, lang, {}, view, now, contact.name):
            used[spent] = used.get(spent, 0) + 1
            sent[company.owner_id or 0].append((f"{contact.name}（{company.name}）", "birthday"))


def _month_start(view: OrgView, now: datetime) -> datetime:
    local_now = now.astimezone(ZoneInfo(view.sched.tz))
    return local_now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def _occasions(
    customer: Customer, local: datetime, won: list[Deal], view: OrgView
) -> list[Occasion]:
    """Today's occasions for one customer, most personal first (budgets cut from the end)."""
    care, day = view.sched.care, local.date()
    found: list[Occasion] = []
    if "birthday" in care.kinds and is_birthday(customer, day):
        found.append(("birthday", f"birthday:{customer.id}:{day.year}", {}))
    if "post_sale" in care.kinds:
        found += [("post_sale", f"post_sale:{deal.id}", {"deal": str(deal.id)}) for deal in won]
    holiday = holiday_on(day, care.holidays) if "holiday" in care.kinds else None
    if holiday:
        found.append(("holiday", f"holiday:{holiday}:{customer.id}:{day.year}", {"h": holiday}))
    last = customer.last_contact_at
    if "win_back" in care.kinds and last and (local - last).days > care.win_back_days:
        key = f"win_back:{customer.id}:{last.date()}"  # once per dormancy, not every day
        found.append(("win_back", key, {"days": str((local - last).days)}))
    return found


async def _send(
    uow: UnitOfWork,
    customer: Customer,
    link: CustomerLink,
    kind: str,
    key: str,
    lang: str,
    values: dict[str, str],
    view: OrgView,
    now: datetime,
    name: str | None = None,
) -> bool:
    """Log first: the unique care_log key decides, so a second run sends nothing. `name`:
    whom the greeting addresses, when not the customer (a company's contact)."""
    log = {
        "org_id": customer.org_id,
        "customer_id": customer.id,
        "kind": kind,
        "key": key,
        "channel": link.channel,
        "sent_at": now,
    }
    if not await uow.jobs.log_care(log):
        return False
    text = care_text(view.sched.care.templates, kind, lang, name or customer.name, values)
    choices: tuple[Choice, ...] = ()
    if kind == "post_sale":
        choices = tuple(Choice(str(n), f"fb:{values['deal']}:{n}") for n in range(1, 6))
    body = reply_to_dict(Reply(text, choices)) | {"care": kind}
    row = outbox_row(link.channel, link.external_id, body, f"care:{key}", now)
    await uow.outbox.enqueue_many([row])
    if choices:  # so the customer's "5" is read as this answer (handlers/desk)
        offered = {"_choices": [[c.label, c.payload] for c in choices]}
        state_key = (link.channel, link.external_id, link.external_id)
        await uow.chat.save_state(state_key, "desk.ask", offered, now)
    return True


async def _tell_owners(
    uow: UnitOfWork,
    view: OrgView,
    sent: dict[int, list[tuple[str, str]]],
    run_key: str,
    now: datetime,
) -> int:
    owners: dict[int, User] = users_by_id(view)
    items = []
    for owner_id, lines in sent.items():
        owner = owners.get(owner_id)
        if owner is not None:
            lang = owner.lang
            told = "\n".join(
                t(lang, "care.note_line", name=name, kind=t(lang, f"care.kind_{kind}"))
                for name, kind in lines
            )
            text = t(lang, "care.note", items=told)
            items.append((owner, Reply(text, private=True), f"care_note:{owner_id}:{run_key}"))
    await queue_for_users(uow, items, now)
    return sum(len(lines) for lines in sent.values())
