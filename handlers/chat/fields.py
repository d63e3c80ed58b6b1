"""✏️ Edit a customer's profile: from the card's button, /edit, /notes, /tag, or a sentence
(把刘洋的等级改成B, Li Wei's birthday is May 3, 张三喜欢喝普洱茶).

Buttons (stateless but for the value being typed): `fe:menu:ID` lists the fields,
`fe:f:ID:FIELD` asks for one (A/B/C, on/off and zh/en as buttons, the rest typed in state
`fe.value`), `fe:v:ID:FIELD:VALUE` sets a button's value, `fe:who:ID` names the customer a
sentence meant, `fe:force:ID` keeps a phone another customer has too, `fe:keep` drops it.
"""

from __future__ import annotations

import re
from typing import Any

from handlers.chat import contact_edit, pick
from handlers.chat.cards import customer_title
from handlers.chat.context import Ctx, UserError, int_arg
from handlers.chat.routes import Routes
from handlers.chat.texts_fields import BUTTON_CHOICES, FIELD_ORDER, birthday_text
from handlers.messages import Choice, Reply
from handlers.services import customers as customer_svc
from handlers.services import fields as svc
from handlers.services.notes import MAX_NOTES
from store.models import Customer

_FIELD_NAMES = set(FIELD_ORDER)


async def edit_menu(ctx: Ctx, args: str) -> list[Reply]:
    """/edit <customer> (编辑): the fields to change, as choices."""
    if not args.strip():
        raise UserError("fe.usage_edit")
    found = await pick.find(ctx, args, "fe:menu:", offer_new=False)
    if found.customer is None:
        return found.replies
    return await _menu(ctx, found.customer.id)


async def _menu(ctx: Ctx, customer_id: int) -> list[Reply]:
    customer = await _customer(ctx, customer_id)
    choices = tuple(Choice(ctx.t(f"fe.label.{f}"), f"fe:f:{customer.id}:{f}") for f in FIELD_ORDER)
    choices += contact_edit.menu_choice(ctx, customer)
    return [Reply(ctx.t("fe.menu", name=customer_title(customer)), choices, private=True)]


async def _ask(ctx: Ctx, customer_id: int, field: str) -> list[Reply]:
    """One field: its buttons, or the question the next message answers."""
    customer = await _customer(ctx, customer_id)
    label, current = ctx.t(f"fe.label.{field}"), _shown(ctx, customer, field)
    name = customer_title(customer)
    if field in BUTTON_CHOICES:
        choices = tuple(
            Choice(ctx.t(f"fe.choice.{field}.{v}"), f"fe:v:{customer.id}:{field}:{v}")
            for v in BUTTON_CHOICES[field]
        )
        text = ctx.t("fe.pick", name=name, label=label, current=current)
        return [Reply(text, choices, private=True)]
    ctx.conv.end()
    ctx.conv.go("fe.value", cid=customer.id, field=field)
    hint = ctx.t(f"fe.hint.{field}") + (ctx.t("fe.hint_clear") if field in svc.CLEARABLE else "")
    text = ctx.t("fe.ask", name=name, label=label, current=current, hint=hint)
    return [Reply(text, private=True)]


async def on_state(ctx: Ctx, text: str) -> list[Reply]:
    """The value typed for the field asked; a bad one is answered and the question stays."""
    data = ctx.conv.data
    field = str(data.get("field", ""))
    if field not in _FIELD_NAMES:
        ctx.conv.end()
        raise UserError("form.expired")
    return await apply(ctx, int(data["cid"]), field, text)


async def apply(
    ctx: Ctx, customer_id: int, field: str, raw: str, force: bool = False
) -> list[Reply]:
    """Check and store one field's new value; say what changed from what."""
    customer = await _customer(ctx, customer_id)
    value = _parsed(field, raw)
    name = customer_title(customer)
    if field in svc.APPENDED:
        await svc.append_text(ctx.uow, ctx.user, customer, field, value, ctx.now)
        ctx.conv.end()
        return [_done(ctx, customer, ctx.t("fe.noted", name=name, text=value))]
    if field == "tags":
        add, remove = value
        await svc.change_tags(ctx.uow, ctx.user, customer, add, remove, ctx.now)
        ctx.conv.end()
        return [_done(ctx, customer, ctx.t("fe.tags_done", name=name, tags=_tags(customer)))]
    if field in ("phone", "phone2") and value and not force:
        question = await _phone_question(ctx, customer, field, value, raw)
        if question is not None:
            return [question]
    before = _shown(ctx, customer, field)
    if _same(customer, field, value):
        ctx.conv.end()
        return [Reply(ctx.t("fe.same", name=name, label=ctx.t(f"fe.label.{field}"), value=before))]
    await svc.set_field(ctx.uow, ctx.user, customer, field, value, ctx.now)
    ctx.conv.end()
    after = _shown(ctx, customer, field)
    label = ctx.t(f"fe.label.{field}")
    text = ctx.t("fe.done", name=customer_title(customer), label=label, old=before, new=after)
    return [_done(ctx, customer, text)]


def _parsed(field: str, raw: str) -> Any:
    try:
        return svc.parse_value(field, raw)
    except svc.FieldError as bad:
        raise UserError(bad.key, **bad.values) from None


def _done(ctx: Ctx, customer: Customer, text: str) -> Reply:
    choices = (
        Choice(ctx.t("fe.btn_card"), f"cu:show:{customer.id}"),
        Choice(ctx.t("fe.btn_more"), f"fe:menu:{customer.id}"),
    )
    return Reply(text, choices, private=True)


async def _phone_question(
    ctx: Ctx, customer: Customer, field: str, phone: str, raw: str
) -> Reply | None:
    """Another customer has this number: name them (or their owner) and ask."""
    others = await svc.others_with_phone(ctx.uow, customer, phone)
    if not others:
        return None
    lines = []
    for other in others[:3]:
        if ctx.scope.allows(other.org_id, other.owner_id):
            lines.append(f"• {customer_title(other)}")
        else:
            owner = await ctx.uow.users.get(other.owner_id) if other.owner_id else None
            lines.append(ctx.t("fe.dup_hidden", owner=owner.name if owner else "—"))
    ctx.conv.end()
    ctx.conv.data["fe"] = {"cid": customer.id, "field": field, "raw": raw}
    name, others_text = customer_title(customer), "\n".join(lines)
    text = ctx.t("fe.phone_dup", phone=phone, name=name, others=others_text)
    choices = (
        Choice(ctx.t("fe.btn_force"), f"fe:force:{customer.id}"),
        Choice(ctx.t("fe.btn_keep"), "fe:keep"),
    )
    return Reply(text, choices, private=True)


def _same(customer: Customer, field: str, value: Any) -> bool:
    if field == "birthday":
        stored = (customer.birthday, customer.birthday_lunar) if customer.birthday else None
        return stored == (tuple(value) if value else None)
    column = {"care": "care_consent"}.get(field, field)
    return bool(getattr(customer, column) == value)


def _shown(ctx: Ctx, customer: Customer, field: str) -> str:
    """A field's value as the user reads it; （空） / (empty) when there is none."""
    value: Any
    if field == "birthday":
        value = birthday_text(ctx, customer.birthday, customer.birthday_lunar)
    elif field == "care":
        value = ctx.t(f"fe.choice.care.{'on' if customer.care_consent else 'off'}")
    elif field == "lang":
        value = ctx.t(f"fe.choice.lang.{customer.lang}" if customer.lang else "fe.lang_default")
    elif field == "tags":
        value = _tags(customer) if customer.tags else None
    elif field in svc.APPENDED:
        value = _last_line(customer.notes)
    else:
        value = getattr(customer, field)
    return str(value) if value else ctx.t("fe.empty")


def _tags(customer: Customer) -> str:
    return " ".join(f"#{t}" for t in svc.tags_of(customer)) or "—"


def _last_line(notes: str | None) -> str | None:
    return notes.rsplit("\n", 1)[-1][-80:] if notes else None


async def _customer(ctx: Ctx, customer_id: int) -> Customer:
    """The customer, if this user may change them: a rep their own, a manager their team's."""
    customer = await ctx.uow.customers.get(ctx.scope, customer_id)
    if customer is None or not svc.editable(customer):
        raise UserError("cu.gone")
    return customer


async def from_sentence(ctx: Ctx, who: str, field: str, raw: str) -> list[Reply]:
    """把刘洋的等级改成B: the value checked first, then which customer (asked when unsure)."""
    _parsed(field, raw)
    found = await pick.find(ctx, who, "fe:who:", offer_new=False)
    if found.customer is None:
        ctx.conv.data["fe"] = {"field": field, "raw": raw}
        return found.replies
    return await apply(ctx, found.customer.id, field, raw)


async def notes_command(ctx: Ctx, args: str) -> list[Reply]:
    """/notes 张三 喜欢喝普洱茶 (备注): a dated line added; a name alone shows the notes."""
    who, text = await _split_mention(ctx, args, "fe.usage_notes")
    if not text:
        return await _show_notes(ctx, who)
    return await from_sentence(ctx, who, "notes", text)


async def tag_command(ctx: Ctx, args: str) -> list[Reply]:
    """/tag 张三 #VIP #重点 -#旧 (标签): add and remove tags; without tags, show them."""
    cut = re.search(r"(?:^|\s)-?[#＃]", args)
    who, tags = (args[: cut.start()].strip(), args[cut.start() :]) if cut else (args, "")
    if not who:
        raise UserError("fe.usage_tag")
    if not cut:  # /tag 张三 VIP: tags written without #
        who, tags = await _split_mention(ctx, who, "fe.usage_tag")
    if not tags.strip():
        return await _show_tags(ctx, who)
    return await from_sentence(ctx, who, "tags", tags)


async def _split_mention(ctx: Ctx, args: str, usage: str) -> tuple[str, str]:
    """`张三 text`, `Li Wei text`, `张三：text`: the longest leading words naming one customer
    for certain, else the first word (which pick.find will ask about)."""
    args = " ".join(args.split())
    if not args:
        raise UserError(usage)
    head, sep, tail = args.replace("：", ":").partition(":")
    if sep and head.strip():
        return head.strip(), tail.strip()
    words = args.split(" ")
    for n in range(min(3, len(words) - 1), 0, -1):
        found = await customer_svc.resolve_mention(ctx.uow, ctx.scope, " ".join(words[:n]))
        if found.certain is not None:
            return " ".join(words[:n]), " ".join(words[n:])
    return words[0], " ".join(words[1:])


async def _show_notes(ctx: Ctx, who: str) -> list[Reply]:
    found = await pick.find(ctx, who, "fe:notes:", offer_new=False)
    if found.customer is None:
        return found.replies
    return await _notes_of(ctx, found.customer.id)


async def _notes_of(ctx: Ctx, customer_id: int) -> list[Reply]:
    customer = await _customer(ctx, customer_id)
    notes = (customer.notes or ctx.t("fe.empty"))[-MAX_NOTES:]
    choices = (Choice(ctx.t("fe.btn_add_note"), f"fe:f:{customer.id}:notes"),)
    text = ctx.t("fe.notes", name=customer_title(customer), notes=notes)
    return [Reply(text, choices, private=True)]


async def _show_tags(ctx: Ctx, who: str) -> list[Reply]:
    found = await pick.find(ctx, who, "fe:tags:", offer_new=False)
    if found.customer is None:
        return found.replies
    customer = await _customer(ctx, found.customer.id)
    choices = (Choice(ctx.t("fe.btn_tags"), f"fe:f:{customer.id}:tags"),)
    text = ctx.t("fe.tags_show", name=customer_title(customer), tags=_tags(customer))
    return [Reply(text, choices, private=True)]


async def on_payload(ctx: Ctx, parts: list[str]) -> list[Reply]:
    action = parts[0] if parts else ""
    if action == "keep":
        ctx.conv.data.pop("fe", None)
        return [Reply(ctx.t("fe.kept"))]
    customer_id = int_arg(parts, 1)
    if action == "menu":
        return await _menu(ctx, customer_id)
    if action == "notes":
        return await _notes_of(ctx, customer_id)
    if action == "tags":
        customer = await _customer(ctx, customer_id)
        return await _show_tags(ctx, str(customer.name))
    if action in ("f", "v"):
        field = parts[2] if len(parts) > 2 else ""
        if field not in _FIELD_NAMES or (action == "v" and field not in BUTTON_CHOICES):
            raise UserError("error.stale_button")
        if action == "f":
            return await _ask(ctx, customer_id, field)
        value = parts[3] if len(parts) > 3 else ""
        if value not in BUTTON_CHOICES[field]:
            raise UserError("error.stale_button")
        return await apply(ctx, customer_id, field, value)
    if action in ("who", "force"):
        pending = ctx.conv.data.pop("fe", None)
        if not isinstance(pending, dict) or pending.get("field") not in _FIELD_NAMES:
            raise UserError("fe.expired")
        if action == "force" and pending.get("cid") != customer_id:
            raise UserError("fe.expired")
        field, raw = str(pending["field"]), str(pending.get("raw", ""))
        return await apply(ctx, customer_id, field, raw, force=action == "force")
    raise UserError("error.stale_button")


def register(routes: Routes) -> None:
    routes.command(edit_menu, "/edit", "编辑", prefix=("编辑",))
    routes.command(notes_command, "/notes", "/note", "备注", prefix=("备注",))
    routes.command(tag_command, "/tag", "/tags", "标签", prefix=("标签",))
    routes.states["fe"] = on_state
    routes.payloads["fe"] = on_payload
