"""A business card (名片) photo → a prefilled new customer, checked and edited before saving.

Which photos are cards: one captioned 名片 / card, or sent after /card; one sent alone while
no visit is being logged, when what it says reads like a card (a name or firm and a way to
reach them), with a button to take it as a visit photo instead. A photo with little text
asks which it is; one with none, or sent while a visit is being logged, is a visit photo
as before. Saving goes through /newcustomer's duplicate check (customers.check_and_create).
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

from handlers import ocr
from handlers.chat import customers, visits
from handlers.chat.context import Ctx, UserError
from handlers.chat.routes import Routes
from handlers.chat.visit_draft import VisitDraft
from handlers.i18n import add_texts
from handlers.messages import Attachment, Choice, Reply
from handlers.nlu.business_card import CardFields, Phone, extract
from handlers.services import customers as svc
from handlers.services import phones
from store.clean import strip_invisible

FIELDS = ("name", "title", "company", "phones", "email", "address", "wechat")
# The customer table's columns.
LIMITS = {"name": customers.MAX_NAME, "title": 100, "company": 200, "email": 200}
LIMITS |= {"address": 300, "wechat": 100}
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")
_WECHAT = re.compile(r"^[A-Za-z0-9][-_A-Za-z0-9]{4,39}$")

add_texts(
    {
        "bc.ask_photo": (
            "请发一张名片的照片，我来读出上面的信息。",
            "Send a photo of the business card and I'll read it.",
        ),
        "bc.still_waiting": (
            "还在等名片照片。发照片，或回复「取消」。",
            'Still waiting for the card photo. Send it, or reply "cancel".',
        ),
        "bc.no_ocr": (
            "这台服务器没有安装名片识别（OCR）组件，读不了名片。"
            "请管理员安装：pip install -e '.[ocr]'。也可以用 /newcustomer 手动新建。",
            "Business-card reading (OCR) isn't installed on this server. Ask your admin to run "
            "pip install -e '.[ocr]'. Meanwhile, /newcustomer adds a customer by hand.",
        ),
        "bc.no_bytes": (
            "这个渠道暂时取不到照片内容，读不了名片。可以用 /newcustomer 手动新建。",
            "I can't fetch photos on this channel yet, so I can't read the card. "
            "/newcustomer adds a customer by hand.",
        ),
        "bc.bad_image": (
            "这张图片打不开（不是图片，或太大）。请重新拍一张发来。",
            "I can't open that picture (not an image, or too large). Please send another photo.",
        ),
        "bc.unreadable": (
            "这张照片上没读到名片信息。请正对名片、光线充足再拍一张，或用 /newcustomer 手动新建。",
            "I couldn't read a business card in that photo. Try again straight on and "
            "well lit, or use /newcustomer.",
        ),
        "bc.which": (
            "这张照片是名片，还是拜访照片？",
            "Is this photo a business card or a visit photo?",
        ),
        "bc.preview": (
            "📇 名片上读到的（保存前请核对）：\n{lines}",
            "📇 Read from the card (check before saving):\n{lines}",
        ),
        "bc.guess": (
            "（照片单独发来、看着像名片，所以当名片读了；如果是拜访照片，请选「📷 拜访照片」。）",
            "(A photo on its own that reads like a card, so I read it as one; if it's a "
            'visit photo, choose "📷 Visit photo".)',
        ),
        "bc.f.name": ("姓名", "Name"),
        "bc.f.title": ("职位", "Title"),
        "bc.f.company": ("公司", "Company"),
        "bc.f.phones": ("电话", "Phone"),
        "bc.f.email": ("邮箱", "Email"),
        "bc.f.address": ("地址", "Address"),
        "bc.f.wechat": ("微信", "WeChat"),
        "bc.line": ("{label}：{value}", "{label}: {value}"),
        "bc.ext": ("{number} 转 {ext}", "{number} ext. {ext}"),
        "bc.btn_save": ("✅ 保存为新客户", "✅ Save as new customer"),
        "bc.btn_edit": ("✏️ 修改", "✏️ Edit"),
        "bc.btn_card": ("📇 名片", "📇 Business card"),
        "bc.btn_visit": ("📷 拜访照片", "📷 Visit photo"),
        "bc.btn_cancel": ("❌ 取消", "❌ Cancel"),
        "bc.which_field": ("要改哪一项？", "Which field?"),
        "bc.ask_value": (
            "新的{label}是？（回复「-」清空）",
            'What should {label} be? (reply "-" to clear it)',
        ),
        "bc.need_name": (
            "名片上没读到姓名。请点「✏️ 修改」→「姓名」补上再保存。",
            'No name was read from the card. Tap "✏️ Edit" → "Name" to add it, then save.',
        ),
        "bc.bad_value": (
            "「{text}」不像{label}。请重新输入，或回复「-」清空：",
            '"{text}" doesn\'t fit the {label} field. Type it again, or reply "-" to clear it:',
        ),
        "bc.name_required": ("姓名不能清空。请输入姓名：", "The name can't be empty. Type it:"),
        "bc.cancelled": ("好的，名片没有保存。", "OK, the card wasn't saved."),
        "bc.note_phones": ("名片上的其他电话：{phones}", "Other phones on the card: {phones}"),
        "bc.note_ext": ("分机 {ext}", "extension {ext}"),
        "cv.form.bc": ("名片", "business card"),
    }
)


async def start(ctx: Ctx, _args: str) -> list[Reply]:
    """/card (名片): read the photo sent with it, or wait for one."""
    photo = _photo(ctx)
    if photo is not None:
        return await _scan(ctx, photo, sure=True)
    ctx.conv.end()
    ctx.conv.go("bc.wait")
    return [Reply(ctx.t("bc.ask_photo"))]


async def on_attachment(ctx: Ctx, text: str) -> list[Reply]:
    """A photo without words: a card when asked for or when it reads like one; else the
    visit's photo (visits.on_attachment, which also takes locations)."""
    photo = _photo(ctx)
    in_visit = (ctx.conv.state or "").startswith("vi.") and "draft" in ctx.conv.data
    if photo is None or in_visit:
        return await visits.on_attachment(ctx, text)
    return await _scan(ctx, photo, sure=ctx.conv.state == "bc.wait")


def _photo(ctx: Ctx) -> Attachment | None:
    return next((a for a in ctx.msg.attachments if a.kind == "photo"), None)


async def _scan(ctx: Ctx, photo: Attachment, sure: bool) -> list[Reply]:
    """Read the photo; when it was not said to be a card, anything doubtful is a visit photo."""
    image = await ctx.media.read(photo) if ocr.available() else None
    if image is None:
        if sure:
            raise UserError("bc.no_ocr" if not ocr.available() else "bc.no_bytes")
        return await visits.on_attachment(ctx, "")
    try:
        # OCR takes seconds: outside the transaction, keyed by the photo's bytes
        digest = hashlib.sha256(image).hexdigest()
        card = extract(await ctx.outside(("ocr", digest), lambda: ocr.read_lines(image)))
    except ocr.BadImage:
        if sure:
            raise UserError("bc.bad_image") from None
        return await visits.on_attachment(ctx, "")
    ctx.conv.end()
    if sure or card.looks_like_card():
        ctx.conv.go("bc.confirm", card=_dump(card), photo=photo.value, guessed=not sure)
        return [_preview(ctx)]
    if card.found() >= 2:
        ctx.conv.go("bc.what", card=_dump(card), photo=photo.value)
        return [_which(ctx)]
    return await visits.on_attachment(ctx, "")


def _which(ctx: Ctx) -> Reply:
    choices = (Choice(ctx.t("bc.btn_card"), "bc:card"), _visit_choice(ctx))
    return Reply(ctx.t("bc.which"), choices)


def _visit_choice(ctx: Ctx) -> Choice:
    return Choice(ctx.t("bc.btn_visit"), "bc:visit")


def _dump(card: CardFields) -> dict[str, Any]:
    data: dict[str, Any] = {f: getattr(card, f) for f in FIELDS if f != "phones"}
    data["phones"] = [[p.number, p.ext] for p in card.phones]
    return data


def _phones(data: dict[str, Any]) -> list[Phone]:
    return [Phone(str(number), ext) for number, ext in data.get("phones") or []]


def _preview(ctx: Ctx) -> Reply:
    card = ctx.conv.data["card"]
    lines = []
    for f in FIELDS:
        value = _shown(ctx, card, f) or "—"
        lines.append(ctx.t("bc.line", label=ctx.t(f"bc.f.{f}"), value=value))
    text = ctx.t("bc.preview", lines="\n".join(lines))
    choices = [Choice(ctx.t("bc.btn_save"), "bc:ok"), Choice(ctx.t("bc.btn_edit"), "bc:edit")]
    if ctx.conv.data.get("guessed"):
        text += "\n" + ctx.t("bc.guess")
        choices.append(_visit_choice(ctx))
    choices.append(Choice(ctx.t("bc.btn_cancel"), "bc:no"))
    return Reply(text, tuple(choices), private=True)


def _shown(ctx: Ctx, card: dict[str, Any], f: str) -> str:
    if f != "phones":
        return str(card.get(f) or "")
    return " · ".join(_phone_text(ctx, p) for p in _phones(card))


def _phone_text(ctx: Ctx, phone: Phone) -> str:
    return ctx.t("bc.ext", number=phone.number, ext=phone.ext) if phone.ext else phone.number


async def on_state(ctx: Ctx, text: str) -> list[Reply]:
    state = ctx.conv.state
    if state == "bc.wait":
        return [Reply(ctx.t("bc.still_waiting"))]
    if state == "bc.field":
        return _set_field(ctx, str(ctx.conv.data.get("field")), text)
    return [_preview(ctx)] if state == "bc.confirm" else [_which(ctx)]


def _set_field(ctx: Ctx, f: str, text: str) -> list[Reply]:
    text = " ".join(strip_invisible(text).split())
    label = ctx.t(f"bc.f.{f}")
    clear = text in {"-", "—", "跳过", "无"} or text.lower() in {"skip", "none"}
    if clear and f == "name":
        raise UserError("bc.name_required")
    value: Any = None if clear else _valid(f, text)
    if not clear and value is None:
        raise UserError("bc.bad_value", text=text[:30], label=label)
    ctx.conv.data["card"][f] = value if f != "phones" else [[value, None]] if value else []
    ctx.conv.go("bc.confirm")
    return [_preview(ctx)]


def _valid(f: str, text: str) -> str | None:
    if f == "phones":
        return phones.normalize(text)
    if not 1 <= len(text) <= LIMITS[f] or not re.search(r"\w", text):
        return None
    if f == "email":
        return text.lower() if _EMAIL.match(text) else None
    if f == "wechat":
        return text if _WECHAT.match(text) else None
    return text


async def on_payload(ctx: Ctx, parts: list[str]) -> list[Reply]:
    action = parts[0] if parts else ""
    if action == "visit" and ctx.conv.state in ("bc.confirm", "bc.what"):
        return _as_visit_photo(ctx)
    if action == "card" and ctx.conv.state == "bc.what":
        ctx.conv.go("bc.confirm", guessed=False)
        return [_preview(ctx)]
    if ctx.conv.state not in ("bc.confirm", "bc.field"):
        raise UserError("form.expired")
    if action == "no":
        ctx.conv.end()
        return [Reply(ctx.t("bc.cancelled"))]
    if action == "edit":
        choices = tuple(Choice(ctx.t(f"bc.f.{f}"), f"bc:f:{f}") for f in FIELDS)
        return [Reply(ctx.t("bc.which_field"), choices)]
    if action == "f" and len(parts) > 1 and parts[1] in FIELDS:
        ctx.conv.go("bc.field", field=parts[1])
        return [Reply(ctx.t("bc.ask_value", label=ctx.t(f"bc.f.{parts[1]}")))]
    if action == "ok":
        return await _save(ctx)
    raise UserError("error.stale_button")


def _as_visit_photo(ctx: Ctx) -> list[Reply]:
    """Not a card after all: the photo starts a visit, as a photo sent alone did before."""
    photo = str(ctx.conv.data.get("photo") or "")
    draft = VisitDraft(summary="", kind="visit", happened_at=ctx.local_now().isoformat())
    draft.photo = photo or None
    ctx.conv.end()
    ctx.conv.go("vi.who", draft=draft.dump())
    return [Reply(ctx.t("vi.attached_start"))]


async def _save(ctx: Ctx) -> list[Reply]:
    card = ctx.conv.data["card"]
    if not card.get("name"):
        raise UserError("bc.need_name")
    found = _phones(card)
    primary = next((p for p in found if p.mobile), found[0] if found else None)
    extra = {f: card[f] for f in ("title", "email", "address", "wechat") if card.get(f)}
    notes = []
    if primary is not None and primary.ext:
        notes.append(ctx.t("bc.note_ext", ext=primary.ext))
    rest = [p for p in found if p is not primary]
    second = next((p for p in rest if not p.ext), None)  # an extension has no column of its own
    if second is not None:
        extra["phone2"] = second.number
    others = [_phone_text(ctx, p) for p in rest if p is not second]
    if others:
        notes.append(ctx.t("bc.note_phones", phones=" · ".join(others)))
    if notes:
        extra["notes"] = "；".join(notes) if ctx.lang == "zh" else "; ".join(notes)
    new = svc.NewCustomer(
        card["name"], primary.number if primary else None, card.get("company"), extra
    )
    ctx.conv.end()  # from here it is /newcustomer's: duplicates asked about, then saved
    return await customers.check_and_create(ctx, new)


def register(routes: Routes) -> None:
    routes.command(start, "/card", "名片", "card", "business card", "扫名片")
    routes.states["bc"] = on_state
    routes.payloads["bc"] = on_payload
    routes.attachments = on_attachment  # photos first; locations and the rest go to visits
