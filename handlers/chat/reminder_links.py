"""Which customer a reminder is about, so it shows on their profile and counts as a next step.

"明天给张三发合同", "下周五和刘洋吃饭", "明天跟进张三": the intent reader only names a customer
after call/visit words, so the reminder text is also read for the names in the rep's own book. One
customer named in full is certain; anything weaker (two 张三, a company, a fuzzy mention) is
offered as a choice after the reminder is saved, never linked on a guess.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from handlers.chat.cards import customer_title
from handlers.chat.context import Ctx
from handlers.messages import Choice
from handlers.nlu.intent import understand
from handlers.services import customers as customer_svc
from store.repos.customers import CustomerBrief

MAX_CHOICES = 5


@dataclass(frozen=True)
class Link:
    customer: CustomerBrief | None = None  # certain
    candidates: tuple[CustomerBrief, ...] = ()  # to ask about


async def find(ctx: Ctx, text: str) -> Link:
    book = await ctx.uow.customers.candidates(ctx.scope, limit=customer_svc.FULL_SCAN_LIMIT)
    named = _longest(_named_in(text, book, lambda c: c.name))
    if len(named) == 1:
        return Link(customer=named[0])
    if named:  # two customers of that name: which one
        return Link(candidates=tuple(named[:MAX_CHOICES]))
    mention = understand(text, ctx.local_now()).customer_mention
    if mention:
        ranked = await customer_svc.search_briefs(ctx.uow, ctx.scope, mention, MAX_CHOICES)
        best = customer_svc.clear_winner(ranked) if ranked else None
        if best is not None:
            return Link(customer=best)
        return Link(candidates=tuple(c for c, _ in ranked))
    firms = _named_in(text, book, lambda c: c.company or "")
    return Link(candidates=tuple(firms[:MAX_CHOICES]))


def choices(ctx: Ctx, reminder_id: int, link: Link) -> tuple[Choice, ...]:
    picks = [Choice(customer_title(c), f"rm:link:{reminder_id}:{c.id}") for c in link.candidates]
    return (*picks, Choice(ctx.t("rm.btn_no_customer"), f"rm:nolink:{reminder_id}"))


def _named_in(
    text: str, book: list[CustomerBrief], field: Callable[[CustomerBrief], str]
) -> list[CustomerBrief]:
    """Customers whose name (or company) the text spells out in full."""
    folded = text.casefold()
    found = []
    for customer in book:
        words = field(customer).strip().casefold()
        if len(words) < 2:
            continue  # one character names half the sentences
        if re.search(r"[a-z0-9]", words):  # Latin: whole words only ("Li" not in "Lily")
            if re.search(rf"(?<![a-z0-9]){re.escape(words)}(?![a-z0-9])", folded):
                found.append(customer)
        elif words in folded:
            found.append(customer)
    return found


def _longest(found: list[CustomerBrief]) -> list[CustomerBrief]:
    """张三丰 named: 张三 is not named too."""
    names = {c.name.casefold() for c in found}
    return [c for c in found if not any(_inside(c.name.casefold(), n) for n in names)]


def _inside(name: str, other: str) -> bool:
    return name != other and name in other
