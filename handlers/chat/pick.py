"""Which customer a mention names: certain, or a "did you mean…?" choice.

Every feature that turns what a user typed into a customer comes here, so the rule is the same
everywhere: a customer is taken as certain only when one strong fit exists (exact name, exact
phone, company + surname/title; see handlers/nlu/match.py). Anything weaker is offered with
the candidates, "➕ new customer" and "none of these"; namesakes always show company and owner.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from handlers.chat.cards import customer_title
from handlers.chat.context import Ctx, UserError
from handlers.i18n import add_texts
from handlers.messages import Choice, Reply
from handlers.services import customers as svc
from store.repos.customers import CustomerBrief

add_texts(
    {
        "pick.ask": ("你说的「{q}」是哪一位？", 'Did you mean one of these for "{q}"?'),
        "pick.namesakes": (
            "有 {n} 位客户都叫「{q}」，是哪一位？",
            '{n} customers are called "{q}". Which one?',
        ),
        "pick.owner": ("负责人 {owner}", "owner {owner}"),
        "pick.btn_new": ("➕ 新客户", "➕ New customer"),
        "pick.btn_none": ("🚫 都不是", "🚫 None of these"),
        "pick.none": (
            "好的，都不是。可以换个写法再说一次（公司 + 姓名最准确，如「华为张总」），"
            "或用 /newcustomer 新建。",
            "OK, none of these. Say it another way (company + name works best, e.g. \"Acme's "
            'Li"), or add them with /newcustomer.',
        ),
    }
)


@dataclass
class Found:
    """`customer` when certain; otherwise `replies` ask which one (or say none matched)."""

    customer: CustomerBrief | None
    replies: list[Reply] = field(default_factory=list)
    nobody: bool = False  # no customer fits at all (not even a "did you mean…?")


async def find(
    ctx: Ctx,
    query: str,
    on_pick: str,
    none_key: str = "cu.none",
    offer_new: bool = True,
    contacts: bool = False,
) -> Found:
    """The customer `query` names, or the question: each candidate's choice carries
    `on_pick` + its id; "➕ new customer" (`cu:new`) unless `offer_new` is False. A contact
    found (华为张总) is its customer's brief with `contact_id` set; `contacts`: the caller
    reads an optional `:CONTACT` after the id, so a contact's choice keeps the contact."""
    found = await svc.resolve_mention(ctx.uow, ctx.scope, query)
    if found.certain is not None:
        return Found(found.certain)
    if not found.ranked:
        if not offer_new:
            raise UserError(none_key, q=query[:40])
        new = (Choice(ctx.t("pick.btn_new"), "cu:new"),)
        return Found(None, [Reply(ctx.t(none_key, q=query.strip()[:40]), new)], nobody=True)
    candidates = [c for c, _ in found.ranked]
    return Found(None, [await ask(ctx, query, candidates, on_pick, offer_new, contacts)])


async def ask(
    ctx: Ctx,
    query: str,
    candidates: list[CustomerBrief],
    on_pick: str,
    offer_new: bool = True,
    contacts: bool = False,
) -> Reply:
    if not contacts:  # a company and its contact are one choice: the customer
        candidates = _one_each(candidates)
    names = Counter(c.name for c in candidates)
    # The owner is named for namesakes (always a choice: whose is whose) and for colleagues'.
    owned = {
        c.id for c in candidates if c.owner_id and (names[c.name] > 1 or c.owner_id != ctx.user.id)
    }
    owners = await _owner_names(ctx) if owned else {}
    choices = [
        Choice(_label(ctx, c, owners, c.id in owned), f"{on_pick}{_picked(c, contacts)}")
        for c in candidates
    ]
    if offer_new:
        choices.append(Choice(ctx.t("pick.btn_new"), "cu:new"))
    choices.append(Choice(ctx.t("pick.btn_none"), "cu:none"))
    q = query.strip()[:40]
    namesakes = len(names) == 1 and len(candidates) > 1
    text = ctx.t("pick.namesakes", n=len(candidates), q=q) if namesakes else ctx.t("pick.ask", q=q)
    return Reply(text, tuple(choices), private=True)


def _one_each(candidates: list[CustomerBrief]) -> list[CustomerBrief]:
    first: dict[int, CustomerBrief] = {}
    for c in candidates:
        first.setdefault(c.id, c)
    return list(first.values())


def _picked(c: CustomerBrief, contacts: bool) -> str:
    return f"{c.id}:{c.contact_id}" if contacts and c.contact_id else str(c.id)


def _label(ctx: Ctx, c: CustomerBrief, owners: dict[int, str], with_owner: bool) -> str:
    label = customer_title(c)
    if with_owner and c.owner_id is not None:
        label += " · " + ctx.t("pick.owner", owner=owners.get(c.owner_id, "—"))
    return label


async def _owner_names(ctx: Ctx) -> dict[int, str]:
    return {u.id: u.name for u in await ctx.uow.users.in_org(ctx.user.org_id)}
