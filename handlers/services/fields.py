"""Changing a customer's profile, one field at a time: checked, audited, search kept right.

`parse_value` turns what a user typed (or a button carried) into the stored value, or raises
FieldError saying why not; `set_field` stores it with an audit row of old → new. Notes and
preferences are appended with the date (handlers/services/notes.py), tags added or removed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from handlers.i18n import LANGS
from handlers.nlu.birthday import BadBirthday, parse_birthday
from handlers.nlu.match import search_key
from handlers.services import phones
from handlers.services.audit import record, snapshot
from handlers.services.notes import add_note
from store.clean import strip_invisible
from store.models import Customer, User
from store.uow import UnitOfWork

# Field → the longest text the column holds (store/models.py Customer).
LIMITS = {"name": 60, "title": 100, "company": 200, "email": 200, "wechat": 100,
          "address": 300, "preferences": 500, "notes": 500}  # fmt: skip
SIMPLE = ("name", "title", "company", "email", "wechat", "address")
CLEARABLE = ("title", "company", "phone", "phone2", "email", "wechat", "address", "birthday")
APPENDED = ("preferences", "notes")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
WECHAT = re.compile(r"^[A-Za-z][-_A-Za-z0-9]{5,19}$|^1\d{10}$")  # WeChat's id rule, or a phone
MAX_TAGS, MAX_TAG = 20, 20
_TAG_SPLIT = re.compile(r"[\s,，;；、#＃]+")
_YES = {"on", "yes", "y", "true", "1", "是", "同意", "开", "开启", "打开", "可以", "好"}
_NO = {"off", "no", "n", "false", "0", "否", "不", "不同意", "关", "关闭", "不要", "不可以"}
_LANG_WORDS = {"zh": "zh", "中文": "zh", "汉语": "zh", "chinese": "zh", "en": "en",
               "english": "en", "英文": "en", "英语": "en"}  # fmt: skip
_TIER_WIDE = str.maketrans("ＡＢＣａｂｃ", "ABCabc")


class FieldError(ValueError):
    """A value the field cannot take: `key` is the i18n text saying why, nothing is saved."""

    def __init__(self, key: str, **values: Any) -> None:
        super().__init__(key)
        self.key, self.values = key, values


@dataclass(frozen=True)
class Change:
    """What set_field did: the field and its value before and after, as the audit has them."""

    field: str
    before: Any
    after: Any


def parse_value(field: str, raw: str) -> Any:
    """The value to store for `raw`; None clears a clearable field (清空, clear, -)."""
    text = " ".join(strip_invisible(raw).split())
    if field in CLEARABLE and text.lower() in {"清空", "删除", "无", "clear", "none", "-"}:
        return None
    if not text:
        raise FieldError("fe.bad_empty")
    parser = _PARSERS.get(field)
    if parser is None:
        raise FieldError("fe.bad_field")
    return parser(field, text)


def _text(field: str, text: str) -> str:
    if len(text) > LIMITS[field]:
        raise FieldError("fe.bad_long", limit=LIMITS[field])
    if field == "name" and not re.search(r"\w", text):
        raise FieldError("fe.bad_name", limit=LIMITS[field])
    return text


def _email(field: str, text: str) -> str:
    if not EMAIL.match(text) or len(text) > LIMITS[field]:
        raise FieldError("fe.bad_email", text=text[:40])
    return text.lower()


def _wechat(field: str, text: str) -> str:
    if not WECHAT.match(text):
        raise FieldError("fe.bad_wechat", text=text[:40])
    return text


def _phone(_field: str, text: str) -> str:
    phone = phones.normalize(text)
    if phone is None or re.search(r"[^\d\s+()\-.０-９＋（）－　]", text):
        raise FieldError("fe.bad_phone", text=text[:30])
    return phone


def _tier(_field: str, text: str) -> str:
    wide = text.translate(_TIER_WIDE)
    letter = re.sub(r"(?:类|級|级|等|客户|tier|level|\s)", "", wide, flags=re.I)
    if letter.upper() not in ("A", "B", "C"):
        raise FieldError("fe.bad_tier", text=text[:20])
    return letter.upper()


def _birthday(_field: str, text: str) -> tuple[date, bool]:
    try:
        found = parse_birthday(text)
    except BadBirthday as bad:
        raise FieldError(f"fe.bad_birthday_{bad.reason}", text=text[:30]) from None
    return found.as_date(), found.lunar


def _consent(_field: str, text: str) -> bool:
    word = text.lower().strip("。.!！")
    if word not in _YES | _NO:
        raise FieldError("fe.bad_consent", text=text[:20])
    return word in _YES


def _lang(_field: str, text: str) -> str:
    lang = _LANG_WORDS.get(text.lower())
    if lang not in LANGS:
        raise FieldError("fe.bad_lang", text=text[:20])
    return lang


def _appended(field: str, text: str) -> str:
    return _text(field, text)


def _tags(_field: str, text: str) -> tuple[list[str], list[str]]:
    return parse_tags(text)


_PARSERS = {
    **dict.fromkeys(SIMPLE, _text), "email": _email, "wechat": _wechat, "phone": _phone,
    "phone2": _phone,
    "tier": _tier, "birthday": _birthday, "care": _consent, "lang": _lang,
    **dict.fromkeys(APPENDED, _appended), "tags": _tags,
}  # fmt: skip


def parse_tags(text: str) -> tuple[list[str], list[str]]:
    """`#VIP #重点 -#旧` → (["VIP", "重点"], ["旧"]); 删除/remove before a tag removes it."""
    add: list[str] = []
    remove: list[str] = []
    dropping = False
    for word in re.split(r"\s+|(?<!-)(?=[#＃])|(?<=[,，、;；])", text):
        word = word.strip(",，、;；")
        if word.lower() in {"删除", "去掉", "移除", "remove", "delete", "untag"}:
            dropping = True
            continue
        minus = word.startswith("-")
        tag = _TAG_SPLIT.sub("", word.lstrip("-"))
        if not tag:
            continue
        if len(tag) > MAX_TAG:
            raise FieldError("fe.bad_tag", limit=MAX_TAG)
        (remove if minus or dropping else add).append(tag)
    if not add and not remove:
        raise FieldError("fe.bad_tags")
    return add, remove


def tags_of(customer: Customer) -> list[str]:
    """The customer's tags: stored comma-separated (as imported), shown with #."""
    return [t for t in _TAG_SPLIT.split(customer.tags or "") if t]


async def set_field(
    uow: UnitOfWork, actor: User, customer: Customer, field: str, value: Any, now: datetime
) -> Change:
    """Store one parsed value with an audit row; name and company keep the search key right
    (the search indexes follow search_key and phone: store/repos/customer_search.py)."""
    if field == "birthday":
        return await _set(
            uow,
            actor,
            customer,
            {"birthday": value[0] if value else None, "birthday_lunar": bool(value and value[1])},
            now,
        )
    column = {"care": "care_consent"}.get(field, field)
    change = await _set(uow, actor, customer, {column: value}, now)
    if field in ("name", "company"):
        customer.search_key = search_key(customer.name, customer.company)
    return Change(field, change.before, change.after)


async def _set(
    uow: UnitOfWork, actor: User, customer: Customer, values: dict[str, Any], now: datetime
) -> Change:
    before = snapshot(customer, tuple(values))
    for column, value in values.items():
        setattr(customer, column, value)
    customer.updated_at = now
    after = snapshot(customer, tuple(values))
    target = ("customer", customer.id)
    await record(uow, actor, "customer.edit", target, now, before, {"org_id": customer.org_id,
                                                                     **after})  # fmt: skip
    first = next(iter(values))
    return Change(first, before, after)


async def append_text(
    uow: UnitOfWork, actor: User, customer: Customer, field: str, text: str, now: datetime
) -> None:
    """A note or a preference (张三喜欢喝普洱茶), added as a dated line: never replacing."""
    await add_note(uow, actor, customer, text, now)


async def change_tags(
    uow: UnitOfWork,
    actor: User,
    customer: Customer,
    add: list[str],
    remove: list[str],
    now: datetime,
) -> Change:
    """Add and remove tags (case-blind for Latin ones); at most MAX_TAGS, within the column."""
    current = tags_of(customer)
    dropped = {t.casefold() for t in remove}
    kept = [t for t in current if t.casefold() not in dropped]
    for tag in add:
        if tag.casefold() not in {t.casefold() for t in kept}:
            kept.append(tag)
    stored = ",".join(kept)
    if len(kept) > MAX_TAGS or len(stored) > 300:
        raise FieldError("fe.too_many_tags", limit=MAX_TAGS)
    return await _set(uow, actor, customer, {"tags": stored or None}, now)


async def others_with_phone(uow: UnitOfWork, customer: Customer, phone: str) -> list[Customer]:
    """Other live customers of the company with this phone: the same duplicate check as a new
    customer's (handlers/services/customers.py duplicates)."""
    same = await uow.customers.same_phone(customer.org_id, phone)
    return [c for c in same if c.id != customer.id]


def editable(customer: Customer) -> bool:
    """A merged or anonymised record is history, not a customer to change."""
    return customer.merged_into_id is None and customer.anonymised_at is None
