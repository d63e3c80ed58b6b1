"""Customer requests, complaints and call-backs: a ticket, the rep's reminder and notice."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from handlers.desk.config import DeskConfig
from handlers.desk.notify import notify_user
from handlers.i18n import fmt_dt, t
from handlers.messages import Reply
from handlers.services.audit import record, snapshot
from store.models import Customer, CustomerLink, Reminder, Ticket, User
from store.uow import UnitOfWork

DUE = {
    "complaint": timedelta(hours=24),
    "request": timedelta(hours=24),
    "callback": timedelta(hours=2),
}
MERGE_WITHIN = timedelta(hours=1)  # a customer typing in several messages gets one ticket
COMPLAINT_WORDS = ("投诉", "不满", "太差", "差评", "退款", "坏了", "故障", "complain", "refund")
FIELDS = ("org_id", "customer_id", "assignee_id", "kind", "status", "due_by")
MAX_TEXT = 2000


def kind_of(text: str) -> str:
    lowered = text.casefold()
    return "complaint" if any(word in lowered for word in COMPLAINT_WORDS) else "request"


async def assignee_for(uow: UnitOfWork, org_id: int, customer: Customer | None) -> User | None:
    """The customer's owner; else a manager of the owner's team, another manager, an admin."""
    owner = await uow.users.get(customer.owner_id) if customer and customer.owner_id else None
    if owner is not None and owner.active:
        return owner
    team_id = owner.team_id if owner is not None else None
    supervisors = await uow.desk.supervisors(org_id, team_id)
    return supervisors[0] if supervisors else None


def customer_label(customer: Customer | None, lang: str) -> str:
    if customer is None:
        return t(lang, "desk.unknown_customer")
    return f"{customer.name}（{customer.company}）" if customer.company else customer.name


async def open_ticket(
    uow: UnitOfWork, config: DeskConfig, link: CustomerLink, kind: str, text: str, now: datetime
) -> tuple[Ticket, bool]:
    """The ticket this message belongs to (an open one from the last hour), and if it is new."""
    kinds = ("callback",) if kind == "callback" else ("complaint", "request")
    earlier = await uow.desk.open_ticket(link.id, kinds, now - MERGE_WITHIN)
    if earlier is not None:
        earlier.text = f"{earlier.text}\n{text}"[-MAX_TEXT * 4 :]
        if kind == "complaint":  # a request that turns into a complaint is one
            earlier.kind = kind
        return earlier, False
    customer = await uow.desk.customer(link.customer_id) if link.customer_id else None
    assignee = await assignee_for(uow, link.org_id, customer)
    ticket = Ticket(
        org_id=link.org_id,
        customer_id=link.customer_id,
        link_id=link.id,
        assignee_id=assignee.id if assignee else None,
        kind=kind,
        text=text[:MAX_TEXT],
        status="open",
        due_by=now + DUE[kind],
        created_at=now,
    )
    await uow.desk.add(ticket)
    after = snapshot(ticket, FIELDS)
    await record(uow, None, "ticket.create", ("ticket", ticket.id), now, after=after)
    if assignee is not None:
        await _tell_assignee(uow, config, ticket, customer, assignee, now)
    return ticket, True


async def _tell_assignee(
    uow: UnitOfWork,
    config: DeskConfig,
    ticket: Ticket,
    customer: Customer | None,
    user: User,
    now: datetime,
) -> None:
    name = customer_label(customer, user.lang)
    await add_reminder(
        uow,
        user,
        ticket.due_by,
        t(user.lang, "desk.r_ticket", customer=name, id=ticket.id),
        now,
        customer.id if customer else None,
        ticket.id,
    )
    due = fmt_dt(ticket.due_by.astimezone(ZoneInfo(user.tz)), user.lang)
    key = "desk.n_callback" if ticket.kind == "callback" else "desk.n_ticket"
    kind = t(user.lang, f"desk.kind.{ticket.kind}")
    text = t(user.lang, key, customer=name, kind=kind, id=ticket.id, due=due, text=ticket.text)
    reply = Reply(text, private=True)
    await notify_user(uow, user, reply, f"ticket:{ticket.id}", now, config.notify_channels)


async def add_reminder(
    uow: UnitOfWork,
    user: User,
    due_at: datetime,
    text: str,
    now: datetime,
    customer_id: int | None,
    ticket_id: int | None = None,
) -> Reminder:
    """A reminder the desk sets for a rep; audited as the system's doing, not the rep's."""
    reminder = Reminder(
        org_id=user.org_id,
        user_id=user.id,
        customer_id=customer_id,
        due_at=due_at,
        kind="follow_up",
        ticket_id=ticket_id,
        text=text[:500],
        status="pending",
        created_at=now,
        updated_at=now,
    )
    await uow.reminders.add(reminder)
    after = snapshot(reminder, ("org_id", "user_id", "customer_id", "due_at", "kind", "text"))
    await record(uow, None, "reminder.create", ("reminder", reminder.id), now, after=after)
    return reminder
