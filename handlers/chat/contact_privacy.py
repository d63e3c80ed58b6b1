"""/forget for one of a company's people: named, confirmed, then anonymised alone."""

from __future__ import annotations

from handlers.chat.contact_card import picked_contact
from handlers.chat.context import Ctx, UserError
from handlers.i18n import add_texts
from handlers.messages import Choice, Reply
from handlers.services import contacts as svc
from handlers.services.ops import privacy
from store.models import Customer

add_texts(
    {
        "pv.contact_confirm": (
            "⚠️ 确定要匿名化 {company} 的联系人 {name} 吗？"
            "姓名、电话、邮箱、生日和备注将被永久清除，无法恢复；公司 {company} 和它的记录保留。",
            "⚠️ Anonymise {name}, a contact of {company}? Their name, phones, email, birthday "
            "and notes are erased for good; {company} and its history are kept.",
        ),
        "pv.contact_forgotten": (
            "✅ 已匿名化 {company} 的联系人 {name}。",
            "✅ {name} of {company} is anonymised.",
        ),
    }
)


async def ask(ctx: Ctx, customer: Customer, raw_contact: str) -> list[Reply]:
    contact = await picked_contact(ctx, customer, raw_contact)
    text = ctx.t("pv.contact_confirm", name=contact.name, company=customer.name)
    confirm = f"pv:fc:{customer.id}:{contact.contact_id}"
    choices = (
        Choice(ctx.t("pv.btn_forget", name=contact.name), confirm),
        Choice(ctx.t("pv.btn_keep"), "pv:keep"),
    )
    return [Reply(text, choices, private=True)]


async def forget(ctx: Ctx, customer: Customer, raw_contact: str) -> list[Reply]:
    named = await picked_contact(ctx, customer, raw_contact)
    found = await svc.visible(ctx.uow, ctx.scope, named.contact_id)
    if found is None:
        raise UserError("error.stale_button")
    await privacy.anonymise_contact(ctx.uow, ctx.user, found[0], customer, ctx.now)
    return [Reply(ctx.t("pv.contact_forgotten", name=named.name, company=customer.name))]
