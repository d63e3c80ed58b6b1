"""What the slot jobs share: running a claimed slot, grouping people by timezone, queueing."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, time

from handlers.messages import BUTTON_CHANNELS, Reply, reply_to_dict
from handlers.services.schedule import OrgSchedule, org_schedule
from jobs.context import JobContext
from jobs.slots import Slot, claim, latest_slot
from store.models import Identity, Org, User
from store.repos.outbox import outbox_row
from store.uow import UnitOfWork

SlotWork = Callable[[UnitOfWork, Slot, datetime], Awaitable[int]]


@dataclass(frozen=True)
class OrgView:
    org: Org
    sched: OrgSchedule
    users: list[User]  # active users only

    def by_tz(self, roles: Sequence[str]) -> dict[str, list[User]]:
        groups: dict[str, list[User]] = defaultdict(list)
        for user in self.users:
            if user.role in roles:
                groups[user.tz].append(user)
        return dict(groups)


async def org_views(ctx: JobContext) -> list[OrgView]:
    async with ctx.uow() as uow:
        views = []
        for org in await uow.users.orgs():
            sched = org_schedule(org, ctx.default_tz, ctx.default_lang)
            users = [u for u in await uow.users.in_org(org.id) if u.active]
            views.append(OrgView(org, sched, users))
        return views


async def run_slot(ctx: JobContext, slot: Slot, work: SlotWork) -> int | None:
    """Run `work` if this instance inserts job_run(job, slot); None when someone else has it.

    The job_run row commits together with everything the work queued: an instance killed
    mid-way leaves neither, and the slot stays free for the next tick of any instance.
    """
    async with ctx.uow() as uow:
        if await uow.jobs.slot_taken(slot.job, slot.key):
            return None  # the cheap common case: no insert, no lock wait
        now = ctx.now()
        if not await claim(uow, slot, ctx.instance, now):
            return None
        done = await work(uow, slot, now)
        await uow.jobs.finish_slot(slot.job, slot.key, ctx.now())
        await uow.commit()
        return done


async def queue_for_users(
    uow: UnitOfWork, items: Sequence[tuple[User, Reply, str]], now: datetime
) -> int:
    """One outbox row per (user, reply, idempotency key); users without a live identity skipped."""
    identities = await uow.jobs.identities([user.id for user, _, _ in items])
    rows, offers = [], Offers()
    for user, reply, key in items:
        identity = identities.get(user.id)
        if identity is not None:
            recipient = identity.chat_id or identity.external_id
            rows.append(outbox_row(identity.channel, recipient, reply_to_dict(reply), key, now))
            offers.add(identity, reply)
    added = await uow.outbox.enqueue_many(rows)
    await uow.chat.offer_choices(offers.by_chat, now)
    return added


class Offers:
    """A job message's choices, to be picked by typed number where they show as numbers.

    The router remembers the choices of its own replies; a job's message must be remembered
    here, or "1" after a reminder on WeCom or the console would mean nothing. The last message
    to a chat wins, as the last one seen there does.
    """

    def __init__(self) -> None:
        self.by_chat: dict[tuple[str, str, str], list[list[str]]] = {}

    def add(self, identity: Identity, reply: Reply) -> None:
        if reply.choices and identity.channel not in BUTTON_CHANNELS:
            chat = identity.chat_id or identity.external_id
            key = (identity.channel, chat, identity.external_id)
            self.by_chat[key] = [[c.label, c.payload] for c in reply.choices]


async def run_daily(
    ctx: JobContext, job: str, at: time, work: Callable[[OrgView], SlotWork]
) -> int:
    """A once-a-day job per org at `at` in the org's timezone."""
    queued, now = 0, ctx.now()
    for view in await org_views(ctx):
        slot = latest_slot(f"{job}:{view.org.id}", now, view.sched.tz, at)
        if slot is not None:
            queued += await run_slot(ctx, slot, work(view)) or 0
    return queued


def users_by_id(view: OrgView) -> dict[int, User]:
    return {u.id: u for u in view.users}
