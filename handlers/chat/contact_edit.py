"""✏️ Correct a company's contact (联系人) in chat: a typo in the name, a new title, a second
phone. Reached from the company's ✏️ Edit menu (👥 Contacts).

Buttons: `ce:list:CUSTOMER` the company's contacts, `ce:menu:CONTACT` the fields,
`ce:f:CONTACT:FIELD` asks for one; the value is typed in state `ce.value`. Values are checked
as a customer's are (handlers/services/fields.py parse_value), and every change is audited.
"""

from __future__ import annotations

from typing import Any

from handlers.chat.context import Ctx, UserError, int_arg
from handlers.chat.routes import Routes
from handlers.chat.texts_fields import BUTTON_CHOICES, birthday_text
from handlers.i18n import add_texts
from handlers.messages import Choice, Reply
from handlers.services import contacts as svc
from handlers.services import fields as field_svc
from store.models import Contact, Customer

MAX_CHOICES = 10

add_texts(
    {
        "ce.btn_contacts": ("👥 联系人", "👥 Contacts"),
        "ce.list": ("要改 {company} 的哪位联系人？", "Which of {company}'s contacts?"),
        "ce.list_more": ("（只列出前 {n} 位）", "(the first {n} only)"),
        "ce.none": (
            "{company} 还没有联系人。添加：/newcontact {company} 姓名 电话",
            "{company} has no contacts yet. Add one: /newcontact {company}, Name, phone",
        ),
        "ce.menu": ("✏️ 联系人 {who}：要改哪一项？", "✏️ Contact {who}: which field?"),
        "ce.gone": (
            "这位联系人已不存在，或不归你管。",
            "That contact is gone, or not yours to edit.",
        ),
    }
)


def menu_choice(ctx: Ctx, customer: Customer) -> tuple[Choice, ...]:
    """The company edit menu's way to its contacts; none for a person customer."""
    if customer.kind != svc.COMPANY:
        return ()
    return (Choice(ctx.t("ce.btn_contacts"), f"ce:list:{customer.id}"),)


async def _list(ctx: Ctx, customer_id: int) -> list[Reply]:
    customer = await ctx.uow.customers.get(ctx.scope, customer_id)
    if customer is None or not field_svc.editable(customer):
        raise UserError("cu.gone")
    people = await ctx.uow.contacts.of_customer(customer.id, limit=MAX_CHOICES + 1)
    if not people:
        return [Reply(ctx.t("ce.none", company=customer.name), private=True)]
    choices = tuple(
        Choice(" · ".join(p for p in (c.name, c.title) if p), f"ce:menu:{c.id}")
        for c in people[:MAX_CHOICES]
    )
    text = ctx.t("ce.list", company=customer.name)
    if len(people) > MAX_CHOICES:
        text += "\n" + ctx.t("ce.list_more", n=MAX_CHOICES)
    return [Reply(text, choices, private=True)]


async def _contact(ctx: Ctx, contact_id: int) -> tuple[Contact, Customer]:
    """The contact, if its company is this user's to change."""
    found = await svc.visible(ctx.uow, ctx.scope, contact_id)
    if found is None or not field_svc.editable(found[1]):
        raise UserError("ce.gone")
    return found


def _who(contact: Contact, company: Customer) -> str:
    return " · ".join(p for p in (contact.name, contact.title, company.name) if p)


def _label(ctx: Ctx, field: str) -> str:
    return ctx.t(f"fe.label.{field}")


def _shown(ctx: Ctx, contact: Contact, field: str) -> str:
    value: Any
    if field == "birthday":
        value = birthday_text(ctx, contact.birthday, contact.birthday_lunar)
    elif field == "care":
        value = ctx.t(f"fe.choice.care.{'on' if contact.care_consent else 'off'}")
    elif field == "notes":
        value = contact.notes.rsplit("\n", 1)[-1][-80:] if contact.notes else None
    else:
        value = getattr(contact, field)
    return str(value) if value else ctx.t("fe.empty")


async def _menu(ctx: Ctx, contact_id: int) -> list[Reply]:
    contact, company = await _contact(ctx, contact_id)
    fields = [Choice(_label(ctx, f), f"ce:f:{contact.id}:{f}") for f in svc.EDITABLE]
    back = Choice(ctx.t("ce.btn_contacts"), f"ce:list:{company.id}")
    choices = (*fields, back)
    return [Reply(ctx.t("ce.menu", who=_who(contact, company)), choices, private=True)]


async def _ask(ctx: Ctx, contact_id: int, field: str) -> list[Reply]:
    """One field: its buttons (care messages), or the question the next message answers."""
    contact, company = await _contact(ctx, contact_id)
    label, current, who = _label(ctx, field), _shown(ctx, contact, field), _who(contact, company)
    if field in BUTTON_CHOICES:
        choices = tuple(
            Choice(ctx.t(f"fe.choice.{field}.{v}"), f"ce:v:{contact.id}:{field}:{v}")
            for v in BUTTON_CHOICES[field]
        )
        return [Reply(ctx.t("fe.pick", name=who, label=label, current=current), choices)]
    ctx.conv.end()
    ctx.conv.go("ce.value", ct=contact.id, field=field)
    hint = ctx.t(f"fe.hint.{field}")
    if field in field_svc.CLEARABLE:
        hint += ctx.t("fe.hint_clear")
    text = ctx.t("fe.ask", name=who, label=label, current=current, hint=hint)
    return [Reply(text, private=True)]


async def on_state(ctx: Ctx, text: str) -> list[Reply]:
    """The value typed for the field asked; a bad one is answered and the question stays."""
    data: dict[str, Any] = ctx.conv.data
    field = str(data.get("field", ""))
    if field not in svc.EDITABLE:
        ctx.conv.end()
        raise UserError("form.expired")
    return await _apply(ctx, int(data["ct"]), field, text)


async def _apply(ctx: Ctx, contact_id: int, field: str, raw: str) -> list[Reply]:
    contact, company = await _contact(ctx, contact_id)
    value = _parsed(field, raw)
    label, before, who = _label(ctx, field), _shown(ctx, contact, field), _who(contact, company)
    ctx.conv.end()
    if field != "notes" and _stored(contact, field) == value:
        return [Reply(ctx.t("fe.same", name=who, label=label, value=before))]
    await svc.set_field(ctx.uow, ctx.user, contact, field, value, ctx.now)
    if field == "notes":
        done = ctx.t("fe.noted", name=who, text=value)
    else:
        done = ctx.t("fe.done", name=who, label=label, old=before, new=_shown(ctx, contact, field))
    choices = (
        Choice(ctx.t("fe.btn_more"), f"ce:menu:{contact.id}"),
        Choice(ctx.t("fe.btn_card"), f"cu:show:{company.id}"),
    )
    return [Reply(done, choices, private=True)]


def _stored(contact: Contact, field: str) -> Any:
    """The value as parse_value gives it, to tell a change from a repeat."""
    if field == "birthday":
        return (contact.birthday, contact.birthday_lunar) if contact.birthday else None
    return contact.care_consent if field == "care" else getattr(contact, field)


def _parsed(field: str, raw: str) -> Any:
    try:
        return field_svc.parse_value(field, raw)
    except field_svc.FieldError as bad:
        raise UserError(bad.key, **bad.values) from None


async def on_payload(ctx: Ctx, parts: list[str]) -> list[Reply]:
    action = parts[0] if parts else ""
    target = int_arg(parts, 1)
    if action == "list":
        return await _list(ctx, target)
    if action == "menu":
        return await _menu(ctx, target)
    field = parts[2] if len(parts) > 2 else ""
    if action == "f" and field in svc.EDITABLE:
        return await _ask(ctx, target, field)
    value = parts[3] if len(parts) > 3 else ""
    if action == "v" and value in BUTTON_CHOICES.get(field, ()) and field in svc.EDITABLE:
        return await _apply(ctx, target, field, value)
    raise UserError("error.stale_button")


def register(routes: Routes) -> None:
    routes.states["ce"] = on_state
    routes.payloads["ce"] = on_payload
