"""A business card's fields from the lines OCR read off it (名片 → name, title, company …).

Pure: text lines and their boxes in, fields out. Labels decide first (手机：, E:, 地址:),
then patterns (phones, e-mail), then lexicons (company suffixes, job titles), and the name is
what is left that looks like a person's name, the largest and highest such line winning, as
a card sets the name biggest.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from handlers.nlu._names import SURNAMES
from handlers.services import phones as phone_forms


@dataclass(frozen=True)
class OcrLine:
    """One line of recognised text and where it was: left, top, right, bottom in pixels."""

    text: str
    box: tuple[float, float, float, float] = (0.0, 0.0, 0.0, 0.0)

    @property
    def height(self) -> float:
        return self.box[3] - self.box[1]


@dataclass(frozen=True)
class Phone:
    number: str  # the stored form (handlers.services.phones.normalize)
    ext: str | None = None

    @property
    def mobile(self) -> bool:
        return len(self.number) == 11 and self.number.startswith("1")

    def __str__(self) -> str:
        return f"{self.number} ext {self.ext}" if self.ext else self.number


@dataclass
class CardFields:
    name: str | None = None
    title: str | None = None
    company: str | None = None
    phones: list[Phone] = field(default_factory=list)
    email: str | None = None
    address: str | None = None
    wechat: str | None = None

    def looks_like_card(self) -> bool:
        """A person or firm and a way to reach them: what makes a photo a business card."""
        return bool((self.name or self.company) and (self.phones or self.email or self.wechat))

    def found(self) -> int:
        values = (self.name, self.title, self.company, self.phones, self.email, self.address)
        return sum(1 for value in (*values, self.wechat) if value)


_CJK = r"\u4e00-\u9fff"
_LABELS: dict[str, tuple[str, ...]] = {
    "name": ("姓名", "name"),
    "title": ("职位", "职务", "title", "position"),
    "company": ("公司", "单位", "company"),
    "phone": (
        "手机",
        "移动电话",
        "电话",
        "座机",
        "办公电话",
        "固话",
        "tel",
        "mobile",
        "mob",
        "cell",
        "phone",
        "office",
        "direct",
        "m",
        "t",
        "p",
        "h/p",
    ),
    "fax": ("传真", "fax", "f"),
    "email": ("邮箱", "电邮", "电子邮件", "邮件", "e-mail", "email", "mail", "e"),
    "address": ("地址", "公司地址", "办公地址", "address", "add", "addr", "a"),
    "wechat": ("微信号", "微信", "wechat id", "wechat", "weixin", "wx"),
    "web": ("网址", "网站", "主页", "web", "website", "www", "url", "w"),
    "qq": ("qq",),
}
_WORDS = sorted((w for ws in _LABELS.values() for w in ws), key=len, reverse=True)


def _alternatives(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in words)


# A label, then a colon; or a number straight after it (OCR drops the space: Tel021-…, 电话+86…),
# except after a one-letter label (M, T, E), which needs a colon or a space before the number.
_LABEL = re.compile(
    r"^\s*(?:(?P<long>" + _alternatives([w for w in _WORDS if len(w) > 1]) + r")\s*"
    r"(?:[:：.|]\s*|(?=[\d+(]))"
    r"|(?P<short>" + _alternatives([w for w in _WORDS if len(w) == 1]) + r")\s*"
    r"(?:[:：.|]\s*|\s+(?=[\d+(])))",
    re.IGNORECASE,
)
_LABEL_FIELD = {word: name for name, words in _LABELS.items() for word in words}

_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
_WECHAT = re.compile(
    r"(?:微信号|微信|wechat\s*id|wechat|weixin|wx)\s*[:：]?\s*([A-Za-z][-_A-Za-z0-9]{5,19}|1\d{10})",
    re.IGNORECASE,
)
_WEB = re.compile(r"(?:https?://|www\.)\S+|\b[a-z0-9-]+\.(?:com|cn|net|org)(?:\.cn)?\b", re.I)
# A phone: optional +CC, optional (area), digit groups; then an extension (转 808, ext. 12,
# x12, -808 after a full landline).
_PHONE = re.compile(
    r"(?<![A-Za-z0-9@.])(?P<num>(?:\+|00)?\d[\d\s\-().]{5,22}\d)"
    r"(?:\s*(?:转|分机|ext\.?|x|#)\s*(?P<ext>\d{1,6}))?",
    re.IGNORECASE,
)

_COMPANY_ZH = re.compile(
    r"(?:有限责任公司|股份有限公司|有限公司|集团|公司|事务所|研究院|研究所|银行|工作室|商行|厂)"
    r"(?:[(（][^)）]*[)）])?$"
)
_COMPANY_EN = re.compile(
    r"\b(?:co\.?\s*,?\s*ltd\.?|company|limited|ltd\.?|inc\.?|llc|l\.l\.c\.|corp\.?|corporation"
    r"|group|gmbh|plc|llp|pte\.?\s*ltd\.?|s\.a\.|ag|holdings|technologies|partners)\s*\.?$",
    re.IGNORECASE,
)
# Longest first: the regex takes the first alternative that fits.
_TITLE_HEADS_ZH = (
    "首席执行官|首席技术官|首席财务官|联合创始人|总经理|董事长|董事|总裁|总监|"
    "经理|主管|主任|工程师|设计师|架构师|分析师|会计师|律师|顾问|专员|代表|"
    "助理|秘书|合伙人|创始人|负责人|组长|部长|处长|科长|店长|厂长|院长|"
    "教授|主编|总编|代理|专家|会计|出纳|客服"
)
_TITLE_MODS_ZH = (
    "人力资源|执行董事|大客户|中国区|事业部|供应链|高级|资深|首席|执行|区域|"
    "大区|华东|华南|华北|西南|客户|销售|市场|营销|技术|研发|采购|财务|"
    "人事|行政|运营|产品|项目|品牌|商务|业务|渠道|售前|售后|质量|生产|"
    "法务|信息|软件|硬件|网络|电商|海外|国际|部门|常务|副|总"
)
_TITLE_ZH = re.compile(f"(?:{_TITLE_MODS_ZH})*(?:{_TITLE_HEADS_ZH})$")
_TITLE_EN = re.compile(
    r"\b(?:ceo|cto|cfo|coo|cio|cmo|vp|svp|evp|president|vice president|director|manager"
    r"|engineer|officer|head of|lead|founder|co-founder|partner|consultant|representative"
    r"|specialist|executive|assistant|accountant|analyst|architect|designer|chairman"
    r"|coordinator|supervisor|advisor|administrator|sales|marketing|account)\b",
    re.IGNORECASE,
)
_ADDRESS_ZH = re.compile(r"[省市区县镇乡村路街道巷弄号楼层室座栋园厦]")
_ADDRESS_EN = re.compile(
    r"\b(?:road|rd|street|st|avenue|ave|boulevard|blvd|lane|ln|drive|dr|suite|ste|floor|fl"
    r"|building|bldg|tower|plaza|district|park|way|room|rm|no)\b\.?",
    re.IGNORECASE,
)
_PLACE_EN = re.compile(
    r"\b(?:china|p\.?r\.?c|usa|u\.s\.a|uk|singapore|hong kong|beijing|shanghai|shenzhen"
    r"|guangzhou|hangzhou|suzhou|nanjing|chengdu|wuhan|tianjin|xi'an)\b|(?<!\d)\d{5,6}(?!\d)",
    re.IGNORECASE,
)
_NAME_ZH = re.compile(f"^[{_CJK}]{{2,4}}$")
_NAME_EN = re.compile(r"^[A-Z][A-Za-z'’-]+(?:\s+[A-Z][a-zA-Z'’.-]*){1,2}$")
_NOT_NAME_EN = re.compile(
    r"\b(?:the|and|of|for|your|with|technology|technologies|solutions|services|international"
    r"|china|global|trading|industrial|logistics|software|systems|consulting|digital)\b",
    re.IGNORECASE,
)


def normalise(text: str) -> str:
    """Full-width forms folded (ＴＥＬ：１３９ → TEL:139), spaces squeezed, and spaces between
    CJK characters dropped (cards space names out: 张　伟)."""
    text = " ".join(unicodedata.normalize("NFKC", text).split())
    return re.sub(f"(?<=[{_CJK}]) (?=[{_CJK}])", "", text)


def respace(text: str) -> str:
    """OCR drops the spaces of small Latin print: AcmeLogisticsCo.,Ltd. → Acme Logistics Co.,
    Ltd.; 2248ZhangjiangRoad,Suite1409 → 2248 Zhangjiang Road, Suite 1409."""
    text = re.sub(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Za-z])(?=\d)|(?<=\d)(?=[A-Za-z])", " ", text)
    return re.sub(r"(?<=[,;])(?=[A-Za-z0-9])", " ", text)


def extract(lines: list[OcrLine]) -> CardFields:
    """The card's fields; what is not there (or not sure) stays empty for the person to fill."""
    card = CardFields()
    rest: list[OcrLine] = []
    clean = [OcrLine(normalise(line.text), line.box) for line in lines]
    for i, line in enumerate(clean):
        if not line.text:
            continue
        kind = _take_labelled(card, line.text)
        below = clean[i + 1] if i + 1 < len(clean) else None
        if kind == "address" and below is not None and _continues(line, below):
            card.address = f"{card.address}, {respace(below.text)}"
            clean[i + 1] = OcrLine("", below.box)  # taken
        elif kind is None:
            rest.append(line)
    leftover = [
        OcrLine(respace(line.text), line.box) for line in rest if not _take_patterns(card, line)
    ]
    leftover = [line for line in leftover if not _take_company(card, line.text)]
    leftover = _take_address(card, leftover)
    leftover = [line for line in leftover if not _take_title(card, line.text)]
    if card.name is None:
        card.name = _best_name(leftover, card)
    return card


def _take_labelled(card: CardFields, text: str) -> str | None:
    """A line led by a label (手机：…, E: …, 地址：…) goes where the label says: its kind."""
    m = _LABEL.match(text)
    value = text[m.end() :].strip() if m else ""
    if m is None or not value:
        return None
    kind = _LABEL_FIELD[(m.group("long") or m.group("short")).lower()]
    if kind == "email":
        found = _EMAIL.search(value)
        card.email = card.email or (found.group().lower() if found else None)
        return kind if found else None
    if kind == "wechat":
        card.wechat = card.wechat or value.split()[0]
    elif kind == "phone":
        return kind if _add_phones(card, value) else None
    elif kind == "address":
        if card.address is not None:
            return None
        card.address = respace(value)
    elif kind == "company":
        card.company = card.company or value
    elif kind == "title":
        card.title = card.title or value
    elif kind == "name":
        card.name = card.name or value
    return kind  # fax, web address, QQ: taken, and dropped


def _take_patterns(card: CardFields, line: OcrLine) -> bool:
    """E-mail, WeChat id, web address, phones anywhere in a line without a label."""
    text, took = line.text, False
    wechat = _WECHAT.search(text)
    if wechat:
        card.wechat = card.wechat or wechat.group(1)
        text, took = text.replace(wechat.group(), " "), True
    email = _EMAIL.search(text)
    if email:
        card.email = card.email or email.group().lower()
        text, took = text.replace(email.group(), " "), True
    web = _WEB.search(text)
    if web:
        text, took = text.replace(web.group(), " "), True
    if re.search(r"传真|fax", text, re.IGNORECASE):
        return True
    if _add_phones(card, text):
        return True
    return took and not re.search(r"[^\W\d_]", text)


def _add_phones(card: CardFields, text: str) -> bool:
    found = False
    for m in _PHONE.finditer(text):
        raw, ext = _split_ext(m.group("num").strip(" -.()"), m.group("ext"))
        number = phone_forms.normalize(raw)
        if number is None or len(re.sub(r"\D", "", raw)) < 7:
            continue
        phone = Phone(number, ext)
        if all(p.number != phone.number for p in card.phones):
            card.phones.append(phone)
        found = True
    return found


def _split_ext(raw: str, ext: str | None) -> tuple[str, str | None]:
    """010-6552-1234-808: a Chinese landline's trailing group past its 10-12 digits is the
    extension."""
    head, sep, tail = raw.rpartition("-")
    national = phone_forms.normalize(head) or ""
    if ext is None and sep and len(tail) <= 5 and national.startswith("0") and len(national) >= 10:
        return head, tail
    return raw, ext


def _take_company(card: CardFields, text: str) -> bool:
    bare = text.strip(" ,;|")
    zh = _COMPANY_ZH.search(bare) and re.search(f"[{_CJK}]", bare) and len(bare) >= 4
    en = _COMPANY_EN.search(bare) and len(bare.split()) >= 2
    if not (zh or en) or _looks_zh_address(bare):
        return False
    if card.company is None:
        card.company = bare
    return True


def _looks_zh_address(text: str) -> bool:
    """市…路…号: at least two address markers after removing the company suffix's own ones."""
    core = _COMPANY_ZH.sub("", text)
    return bool(re.search(r"\d", core)) and len(_ADDRESS_ZH.findall(core)) >= 2


def _take_address(card: CardFields, lines: list[OcrLine]) -> list[OcrLine]:
    """The first address-like line, and the line right under it if it continues it."""
    for i, line in enumerate(lines):
        if not _is_address(line.text):
            continue
        parts = [line.text]
        below = lines[i + 1] if i + 1 < len(lines) else None
        if below is not None and _continues(line, below):
            parts.append(below.text)
        card.address = card.address or ", ".join(parts)
        return [other for other in lines if other is not line and other.text not in parts[1:]]
    return lines


def _is_address(text: str) -> bool:
    if re.search(f"[{_CJK}]", text):
        return len(text) >= 6 and (
            len(_ADDRESS_ZH.findall(text)) >= 3 or bool(re.search(r"\d+号", text))
        )
    return bool(re.search(r"\d", text)) and bool(
        _ADDRESS_EN.search(text) or _PLACE_EN.search(text)
    )


def _continues(line: OcrLine, below: OcrLine) -> bool:
    """An English address's second line: right under the first, about as tall, a place."""
    close = -line.height / 2 <= below.box[1] - line.box[3] < line.height * 1.2  # boxes overlap
    similar = line.height * 0.7 < below.height < line.height * 1.4
    return (
        close and similar and bool(_PLACE_EN.search(below.text)) and not _EMAIL.search(below.text)
    )


def _take_title(card: CardFields, text: str) -> bool:
    """A job title by lexicon; `张伟 | 销售总监` or `张伟销售总监` gives the name too."""
    took, others = False, []
    for part in filter(None, re.split(r"\s*[|｜/·•]\s*", text)):
        split = None if _TITLE_ZH.fullmatch(part) else _name_and_title_zh(part)
        if split is not None:
            card.name, card.title = card.name or split[0], card.title or split[1]
            took = True
        elif _is_title(part):
            card.title, took = card.title or part, True
        else:
            others.append(part)
    for other in others if took else ():
        if _NAME_ZH.match(other) or _NAME_EN.match(other):
            card.name = card.name or other
    return took


def _is_title(text: str) -> bool:
    if re.search(r"\d|@", text):
        return False
    if re.search(f"[{_CJK}]", text):
        return len(text) <= 16 and bool(_TITLE_ZH.search(text))
    return len(text.split()) <= 6 and bool(_TITLE_EN.search(text))


def _name_and_title_zh(text: str) -> tuple[str, str] | None:
    m = re.match(f"^([{_CJK}]{{2,4}}?)\\s*([{_CJK}]{{2,12}})$", text)
    if m is None or m.group(1)[0] not in SURNAMES:
        return None
    title = m.group(2)
    return (m.group(1), title) if _TITLE_ZH.fullmatch(title) else None


def _best_name(lines: list[OcrLine], card: CardFields) -> str | None:
    """The largest line shaped like a name; a known surname breaks a tie in its favour."""
    scored = []
    for index, line in enumerate(lines):
        text = line.text.strip(" ,.")
        if _NAME_ZH.match(text):
            bonus = 1.3 if text[0] in SURNAMES else 0.8
        elif _NAME_EN.match(text) and not _NOT_NAME_EN.search(text):
            bonus = 1.0
        else:
            continue
        if card.company and text in card.company:
            continue  # the firm's short name as a logo
        scored.append((line.height * bonus, -index, text))
    return max(scored)[2] if scored else None
