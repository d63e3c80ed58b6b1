"""What the slot jobs share: running a claimed slot, grouping people by timezone, queueing."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from handlers.messages import BUTTON_CHANNELS, Reply, reply_to_dict
from handlers.services.schedule import OrgSchedule, org_schedule
from jobs.context import JobContext
from jobs.slots import Slot, claim, latest_slot
from store.models import Identity, Org, User
from store.repos.outbox import outbox_row
from store.uow import UnitOfWork

SlotWork = Callable[[UnitOfWork, Slot, datetime], Awaitable[int]]
ChatKey = tuple[str, str, str]
SHOWN_FOR = timedelta(hours=12)  # older choices have scrolled away: numbering starts again


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
    rows, offers = [], await Offers.on_screen(uow, identities.values(), now)
    for user, reply, key in items:
        identity = identities.get(user.id)
        if identity is not None:
            recipient = identity.chat_id or identity.external_id
            body = offers.body(identity, reply, user.lang)
            rows.append(outbox_row(identity.channel, recipient, body, key, now))
    added = await uow.outbox.enqueue_many(rows)
    await uow.chat.offer_choices(offers.added, now)
    return added


class Offers:
    """A job message's choices, to be picked by typed number where they show as numbers.

    The router remembers the choices of its own replies; a job's message must be remembered
    here, or "1" after a reminder on WeCom or the console would mean nothing. Numbers follow
    the choices still on screen in that chat (two reminders show 1–5 and 6–10, not 1–5
    twice), and each body carries `first_choice` so the channel prints the same numbers.
    """

    def __init__(self, shown: dict[ChatKey, list[list[str]]] | None = None) -> None:
        self.by_chat: dict[ChatKey, list[list[str]]] = {
            key: list(choices) for key, choices in (shown or {}).items()
        }
        self._added: set[ChatKey] = set()

    @classmethod
    async def on_screen(
        cls, uow: UnitOfWork, identities: Iterable[Identity], now: datetime
    ) -> Offers:
        """Offers that continue the numbering of what these chats were offered lately."""
        keys = [_chat_key(i) for i in identities if i.channel not in BUTTON_CHANNELS]
        return cls(await uow.chat.offered(keys, now - SHOWN_FOR))

    def add(self, identity: Identity, reply: Reply) -> int:
        """Remember the reply's choices; the number its first choice is shown with."""
        if not reply.choices or identity.channel in BUTTON_CHANNELS:
            return 1
        key = _chat_key(identity)
        offered = self.by_chat.setdefault(key, [])
        first = len(offered) + 1
        offered.extend([c.label, c.payload] for c in reply.choices)
        self._added.add(key)
        return first

    def body(self, identity: Identity, reply: Reply, lang: str) -> dict[str, Any]:
        """The outbox body of `reply`, numbered after what the chat already shows."""
        first = self.add(identity, reply)
        return {**reply_to_dict(reply), "lang": lang, "first_choice": first}

    @property
    def added(self) -> dict[ChatKey, list[list[str]]]:
        """Every chat given new choices, with all its choices on screen."""
        return {key: self.by_chat[key] for key in self._added}


def _chat_key(identity: Identity) -> ChatKey:
    return (identity.channel, identity.chat_id or identity.external_id, identity.external_id)


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
