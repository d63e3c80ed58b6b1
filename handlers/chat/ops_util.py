"""What the team-operations chat features share: roles, finding colleagues, masking, errors."""

from __future__ import annotations

import re
from collections.abc import Awaitable
from typing import TypeVar

from handlers.chat import pick
from handlers.chat.context import Ctx, UserError
from handlers.i18n import add_texts, catalog
from handlers.messages import Reply
from handlers.services.ops.ownership import OpsError
from handlers.services.ops.privacy import visible_phone
from store.models import Customer, User

T = TypeVar("T")

add_texts(
    {
        "ops.admin_only": ("只有管理员可以这样做。", "Only an admin can do that."),
        "ops.manager_only": (
            "只有经理或管理员可以这样做。",
            "Only a manager or an admin can do that.",
        ),
        "ops.no_user": ("没有找到同事「{name}」。", 'No colleague called "{name}".'),
        "ops.no_customer": ("没有找到客户「{q}」。", 'No customer matches "{q}".'),
        "reason.release": ("退回公海", "released to the pool"),
        "reason.pool_auto": ("自动退回公海", "returned to the pool by its rules"),
        "reason.routing": ("线索分配", "lead routing"),
        "reason.handover": ("离职交接", "handover"),
        "reason.extend": ("公海延期", "pool extension"),
        "reason.claim": ("从公海领取", "claimed from the pool"),
        "reason.merge": ("合并重复客户", "duplicate merge"),
        "reason.unmerge": ("撤销合并", "merge undone"),
    }
)


def reason_text(ctx: Ctx, reason: str) -> str:
    """Why a customer changed hands, in the reader's language (the stored key if unknown)."""
    key = f"reason.{reason}"
    return ctx.t(key) if key in catalog() else reason


async def guarded(work: Awaitable[T]) -> T:
    """A service's refusal becomes the user's error text; nothing is saved."""
    try:
        return await work
    except OpsError as err:
        raise UserError(err.key, **err.values) from None


def require(ctx: Ctx, *roles: str) -> None:
    if ctx.user.role not in roles:
        raise UserError("ops.admin_only" if roles == ("admin",) else "ops.manager_only")


async def colleague(ctx: Ctx, name: str) -> User:
    """A user of the same org by name (case-blind) or #id."""
    wanted = name.strip().lstrip("@").casefold()
    for user in await ctx.uow.users.in_org(ctx.user.org_id):
        if user.name.casefold() == wanted or f"#{user.id}" == wanted:
            return user
    raise UserError("ops.no_user", name=name.strip()[:30])


SEPARATORS = ",，、;；"


def _lead_name(text: str, users: list[User]) -> tuple[User, str] | None:
    """The colleague whose name starts `text` (the longest such name, so "Emily Chen" beats a
    colleague called "Emily"), and what follows it."""
    folded = text.casefold()
    best: User | None = None
    for user in users:
        name = user.name.casefold()
        if not folded.startswith(name) or not name:
            continue
        whole = len(folded) == len(name) or not _joins(text, len(name))
        if whole and (best is None or len(user.name) > len(best.name)):
            best = user
    if best is None:
        return None
    return best, text[len(best.name) :]


def _joins(text: str, at: int) -> bool:
    """Whether the name would end inside a word ("Li" in "Lina"); Chinese names need no space."""
    before, after = text[at - 1], text[at]
    return before.isascii() and before.isalnum() and after.isascii() and after.isalnum()


async def colleague_then(ctx: Ctx, text: str) -> tuple[User, str]:
    """The colleague named at the start of `text` (names may hold spaces: "Emily Chen") and the
    rest of the text; a #id or @name works too."""
    text = text.strip().lstrip("@")
    users = list(await ctx.uow.users.in_org(ctx.user.org_id))
    found = _lead_name(text, users)
    if found is None:
        head = text.split(maxsplit=1)
        return await colleague(ctx, head[0] if head else ""), head[1] if len(head) > 1 else ""
    return found[0], found[1].strip()


async def colleagues(ctx: Ctx, text: str) -> list[User]:
    """Every colleague in a list such as "李娜, Emily Chen 王芳" (commas, 、 or spaces between)."""
    users = list(await ctx.uow.users.in_org(ctx.user.org_id))
    found: list[User] = []
    rest = text.strip()
    while rest:
        rest = rest.lstrip(SEPARATORS + " ").lstrip("@")
        if not rest:
            break
        hit = _lead_name(rest, users)
        if hit is None:  # "#12", or nobody: colleague() answers for the first word
            word = re.split(rf"[{SEPARATORS}]", rest, maxsplit=1)[0].strip()
            word = word.split()[0] if word.startswith("#") else word
            found.append(await colleague(ctx, word))
            rest = rest[len(word) :]
            continue
        found.append(hit[0])
        rest = hit[1]
    return found


async def one_customer(ctx: Ctx, query: str, on_pick: str) -> Customer | list[Reply]:
    """The customer `query` names for sure, or the "which one?" question to reply with (its
    choices carry `on_pick` + the customer's id)."""
    found = await pick.find(ctx, query, on_pick, none_key="ops.no_customer", offer_new=False)
    if found.customer is None:
        return found.replies
    return await picked(ctx, found.customer.id)


async def picked(ctx: Ctx, customer_id: int) -> Customer:
    customer = await ctx.uow.customers.get(ctx.scope, customer_id)
    if customer is None:
        raise UserError("cu.gone")
    return customer


def phone_for(ctx: Ctx, customer: Customer) -> str:
    return visible_phone(ctx.user, customer) or "—"
