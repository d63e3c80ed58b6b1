"""/bind (绑定客户): a one-time code that links a customer's Official Account to their record."""

from __future__ import annotations

import secrets
from datetime import timedelta

from handlers.chat import pick
from handlers.chat.context import Ctx, UserError, int_arg
from handlers.chat.routes import Routes
from handlers.i18n import add_texts
from handlers.messages import Reply
from handlers.services.audit import record
from handlers.services.org import INVITE_ALPHABET
from store.models import BindCode, Customer

VALID_FOR = timedelta(days=7)
CODE_LENGTH = 6

add_texts(
    {
        "bind.ask": (
            "要给哪个客户生成绑定码？例如：/bind 张三",
            "Which customer is the code for? For example: /bind Li",
        ),
        "bind.code": (
            "请让{name}关注公众号，然后发送：\n绑定 {code}\n（{days} 天内有效，只能用一次）",
            "Ask {name} to follow the Official Account and send:\nbind {code}\n"
            "(valid for {days} days, once)",
        ),
    }
)


async def bind(ctx: Ctx, query: str) -> list[Reply]:
    """/bind <customer>: a code for one customer, or a choice when several match."""
    if not query:
        raise UserError("bind.ask")
    found = await pick.find(ctx, query, "bind:for:", offer_new=False)
    if found.customer is None:
        return found.replies
    return await on_payload(ctx, ["for", str(found.customer.id)])


async def on_payload(ctx: Ctx, parts: list[str]) -> list[Reply]:
    customer = await ctx.uow.customers.get(ctx.scope, int_arg(parts, 1))
    if customer is None:
        raise UserError("cu.gone")
    return await _code_for(ctx, customer)


async def _code_for(ctx: Ctx, customer: Customer) -> list[Reply]:
    while True:  # a clash among 32⁶ codes is rare; just draw again
        code = "".join(secrets.choice(INVITE_ALPHABET) for _ in range(CODE_LENGTH))
        row = BindCode(
            org_id=customer.org_id,
            customer_id=customer.id,
            code=code,
            expires_at=ctx.now + VALID_FOR,
            used_at=None,
        )
        if await ctx.uow.desk.add_bind_code(row):
            break
    after = {"org_id": customer.org_id, "bind_code_id": row.id}
    await record(
        ctx.uow, ctx.user, "customer.bind_code", ("customer", customer.id), ctx.now, after=after
    )
    text = ctx.t("bind.code", name=customer.name, code=code, days=VALID_FOR.days)
    return [Reply(text, private=True)]


def register(routes: Routes) -> None:
    routes.command(bind, "/bind", "绑定客户", prefix=("绑定客户",))
    routes.payloads["bind"] = on_payload
