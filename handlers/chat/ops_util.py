"""What the team-operations chat features share: roles, finding colleagues, masking, errors."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import TypeVar

from handlers.chat import pick
from handlers.chat.context import Ctx, UserError
from handlers.i18n import add_texts
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
    }
)


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
