"""Reading a new contact from one line: `/newcontact 华为 李工 13800000000`, `Acme, Jane Doe,
buyer, +1 415 555 0100`, or a sentence (`华为新来的采购李工，电话13800000000`,
`new contact at Acme: Jane Doe, 415 555 0100`)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from handlers.services import phones
from store.clean import strip_invisible

MAX_NAME = 60
MAX_COMPANY = 200
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# Titles a sentence puts before the name (采购李工, 技术总监王伟), longest first.
_TITLE_WORDS = (
    "采购经理 采购总监 采购 技术总监 技术负责人 技术 总经理 副总经理 副总 总监 经理 主管"
    " 工程师 财务总监 财务 会计 出纳 助理 秘书 老板 销售经理 销售 行政 法务 项目经理 负责人 前台"
)
TITLES = sorted(_TITLE_WORDS.split(" "), key=len, reverse=True)
_NEW_ZH = re.compile(
    r"^(?P<company>[^\s，,。:：]{2,30}?)(?:那边|公司)?"
    r"(?:新来的|新来了(?:一个|一位|个|位)?|新换的|新加的|新增(?:了|的)?|来了(?:一个|一位|个|位)?新的?)"
    r"(?P<rest>.+)$"
)
_NEW_EN = re.compile(
    r"^(?:add (?:a )?)?new contact (?:at|for) (?P<company>[^:,]+?)\s*[:,]\s*(?P<rest>.+)$",
    re.IGNORECASE,
)
_PHONE_WORDS = re.compile(
    r"(?:电话号码|电话|手机号码|手机号|手机|邮箱|联系方式|phone|tel|email)[是:：]?", re.I
)
_SPLIT = re.compile(r"[,，;；、]")
# A visit or call told about (今天拜访了华为新来的…) is a visit, not a new contact.
_NOT_A_COMPANY = re.compile(r"拜访|见了|见面|聊|去了|今天|昨天|刚才|刚刚|电话|开会|约了")
_CJK_NAME = re.compile(r"[\u4e00-\u9fff]{2,4}")
_CJK_DIGIT = re.compile(r"([\u4e00-\u9fff])(?=[+\d(（])")  # 电话138…: a number may follow


@dataclass(frozen=True)
class ContactLine:
    company: str
    name: str
    phone: str | None = None
    title: str | None = None
    email: str | None = None


def parse_command(text: str) -> ContactLine | None:
    """`华为 李工 13800000000` (company, name, phone, title in any order after the first two
    words), or with commas `Acme, Jane Doe, buyer, …`. None when a name is missing."""
    text, phone, email = _take_contacts(strip_invisible(text))
    if _SPLIT.search(text):
        parts = [p.strip() for p in _SPLIT.split(text) if p.strip()]
    else:
        words = text.split()
        parts = words[:2] + ([" ".join(words[2:])] if len(words) > 2 else [])
    if len(parts) < 2:
        return None
    title, name = _title_and_name(parts[1])
    title = " ".join(p for p in (title, *parts[2:3]) if p) or None
    return _line(parts[0], name, phone, title, email)


def parse_sentence(text: str) -> ContactLine | None:
    """A sentence saying a company has a new person, with their phone or email; None for
    anything else (华为新的报价发了 names no person and no number)."""
    text = strip_invisible(text).strip()
    m = _NEW_ZH.match(text) or _NEW_EN.match(text)
    if m is None or _NOT_A_COMPANY.search(m.group("company")):
        return None
    rest, phone, email = _take_contacts(_PHONE_WORDS.sub(" ", m.group("rest")))
    parts = [p.strip(" 。.!！") for p in _SPLIT.split(rest) if p.strip(" 。.!！")]
    if not parts:
        return None
    title, name = _title_and_name(parts[0].removeprefix("联系人"))
    # Without a number, only a title and a short Chinese name read as a person (采购李工).
    if phone is None and email is None and not (title and _CJK_NAME.fullmatch(name)):
        return None
    title = " ".join(p for p in (title, *parts[1:2]) if p) or None
    return _line(m.group("company"), name, phone, title, email)


def _take_contacts(text: str) -> tuple[str, str | None, str | None]:
    text = _CJK_DIGIT.sub(r"\1 ", text)
    email_m = EMAIL.search(text)
    email = email_m.group() if email_m else None
    if email_m:
        text = text[: email_m.start()] + " " + text[email_m.end() :]
    found = phones.find(text, min_digits=5)
    if found is None:
        return text, None, email
    phone, start, end = found
    return text[:start] + " " + text[end:], phone, email


def _title_and_name(text: str) -> tuple[str | None, str]:
    """采购李工 → (采购, 李工); a Latin or plain name stays whole."""
    text = " ".join(text.split())
    for title in TITLES:
        if text.startswith(title) and len(text) > len(title):
            return title, text[len(title) :].strip()
    return None, text


def _line(
    company: str, name: str, phone: str | None, title: str | None, email: str | None
) -> ContactLine | None:
    company, name = " ".join(company.split()), " ".join(name.split())
    if not (1 <= len(name) <= MAX_NAME and re.search(r"\w", name)):
        return None
    if not (1 <= len(company) <= MAX_COMPANY and re.search(r"\w", company)):
        return None
    return ContactLine(company, name, phone, (title or "")[:100] or None, email)
