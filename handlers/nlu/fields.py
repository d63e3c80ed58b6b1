"""A change to a customer's profile said in a sentence: who, which field, the new value.

把刘洋的等级改成B · 刘洋的邮箱是li@x.com · 刘洋生日是农历三月初五 · 张三喜欢喝普洱茶 ·
Change Li Wei's phone to 138… · Li Wei's birthday is May 3 · Li Wei likes green tea.

Narrow on purpose: a field word right after the person (的 / 's) and a verb of setting, or a
liking verb right after a short name. Anything looser would take visit notes ("张总说喜欢我们
的方案") for profile edits; questions (刘洋的电话是多少？) are never edits.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

FIELD_NAMES = ("name", "title", "company", "phone", "phone2", "email", "wechat", "address", "tier",
               "birthday", "preferences", "notes", "tags", "care", "lang")  # fmt: skip

_ZH_FIELDS = {
    "name": "名字|姓名|名称",
    "title": "职位|职务|头衔",
    "company": "公司|单位",
    "phone": "手机号码|手机号|电话号码|联系电话|手机|电话",
    "phone2": "第二个电话|另一个电话|办公电话|座机|固话",
    "email": "电子邮箱|电子邮件|邮箱地址|邮箱|邮件地址|email|e-mail",
    "wechat": "微信号|微信",
    "address": "地址|住址",
    "tier": "客户等级|等级|级别",
    "birthday": "生日|出生日期",
    "preferences": "喜好|偏好|爱好|口味",
    "notes": "备注",
    "tags": "标签",
    "care": "关怀消息|关怀",
    "lang": "语言",
}
_EN_FIELDS = {
    "name": "name",
    "title": "job title|title|position|role",
    "company": "company|employer",
    "phone": "phone number|mobile number|cell number|phone|mobile|cell",
    "phone2": "second phone|other phone|office phone|work phone|landline",
    "email": "email address|e-mail address|email|e-mail",
    "wechat": "wechat id|wechat",
    "address": "address",
    "tier": "tier|level",
    "birthday": "birthday|date of birth|dob|birth date",
    "preferences": "preferences|preference",
    "notes": "notes|note",
    "tags": "tags",
    "care": "care messages|care consent",
    "lang": "language",
}


def _alternation(table: dict[str, str]) -> str:
    return "|".join(f"(?P<f_{key}>{words})" for key, words in table.items())


_WHO_ZH = r"(?P<who>[^\s，,。！!？?；;：:]{1,16}?)"
_SET_ZH = r"(?:改成|改为|换成|换为|更新为|更新成|设为|设成|设置为|修改为|变成|应该是|是|为|[:：])"
_ZH_EDIT = re.compile(
    r"^(?:请|帮我|麻烦)?(?:把|将)?"
    + _WHO_ZH
    + r"的(?:"
    + _alternation(_ZH_FIELDS)
    + r")\s*"
    + _SET_ZH
    + r"\s*(?P<value>.+)$"
)
_ZH_BIRTHDAY = re.compile(r"^" + _WHO_ZH + r"(?P<f_birthday>生日)(?:是|为|在)?\s*(?P<value>.+)$")
_ZH_TIER = re.compile(
    r"^(?:把|将)?" + _WHO_ZH + r"(?:改成|改为|设为|调成|调到|升为|升到|降为|降到|是)\s*"
    r"(?P<value>[A-Za-zＡ-Ｚａ-ｚ])\s*(?:类|级|等)(?:客户)?$"
)
_ZH_LIKES = re.compile(
    r"^" + _WHO_ZH + r"(?P<value>(?:不|很|最|特别|比较)?"
    r"(?:喜欢|爱喝|爱吃|偏好|讨厌|不吃|不喝|忌口)[^，,。！!？?]{1,60})[。！!]?$"
)
_WHO_EN = r"(?P<who>[A-Za-z][\w .'&-]{0,40}?)"
_EN_CHANGE = re.compile(
    r"^(?:please\s+)?(?:change|set|update|make|correct)\s+"
    + _WHO_EN
    + r"'s\s+(?:"
    + _alternation(_EN_FIELDS)
    + r")\s+(?:to|as|=)\s+(?P<value>.+)$",
    re.I,
)
# The same typed on a phone, without the possessive: "change li wei tier to a".
_EN_CHANGE_BARE = re.compile(
    r"^(?:please\s+)?(?:change|set|update|correct)\s+"
    + _WHO_EN
    + r"\s+(?:"
    + _alternation(_EN_FIELDS)
    + r")\s+(?:to|as|=)\s+(?P<value>.+)$",
    re.I,
)
_EN_IS = re.compile(
    r"^" + _WHO_EN + r"'s\s+(?:" + _alternation(_EN_FIELDS) + r")\s+"
    r"(?:is now|is actually|should be|is|=|:)\s*(?P<value>.+)$",
    re.I,
)
_EN_TIER = re.compile(
    r"^(?:please\s+)?(?:set|make|move|change|mark)\s+"
    + _WHO_EN
    + r"\s+(?:to\s+|as\s+)?(?:an?\s+)?"
    r"(?:tier\s+(?P<value>[a-z])|(?P<value2>[a-z])\s+tier)$",
    re.I,
)
_EN_LIKES = re.compile(
    r"^" + _WHO_EN + r"\s+(?P<value>(?:likes|loves|prefers|enjoys|dislikes|hates|"
    r"doesn't like|does not like|doesn't drink|doesn't eat)\s+[^?!]{1,80})[.!]?$",
    re.I,
)
# Who a liking sentence can't be about: a pronoun, or a word that starts a report.
_NOT_WHO = re.compile(
    r"^(?:i|we|he|she|they|it|you|everyone|nobody|customer|client|the|this|that)$|"
    r"^(?:the|my|our|his|her|their|this|that|customer|client|contact|deal|visit)\b|"
    r"^(?:我|我们|他|她|他们|她们|客户|大家|老板|领导|对方)$|"
    r"说|讲|觉得|认为|表示|提到|听说|好像|[也都还就]$",
    re.I,
)
_QUESTION = re.compile(
    r"[？?]|多少|什么|几号|哪天|哪里|吗$|呢$|^(?:what|when|where|which)\b", re.I
)


@dataclass(frozen=True)
class FieldEdit:
    who: str
    field: str
    value: str


def read_field_edit(text: str) -> FieldEdit | None:
    """The profile change `text` asks for, or None when it is not one."""
    text = " ".join(text.split())
    if not text or len(text) > 200:
        return None
    for pattern in (_ZH_EDIT, _ZH_BIRTHDAY, _ZH_TIER, _ZH_LIKES, _EN_CHANGE, _EN_CHANGE_BARE,
                    _EN_IS, _EN_TIER, _EN_LIKES):  # fmt: skip
        m = pattern.match(text)
        if m is None:
            continue
        edit = _edit(m)
        if edit is not None:
            return edit
    return None


def _edit(m: re.Match[str]) -> FieldEdit | None:
    groups = m.groupdict()
    who = groups["who"].strip(" '").replace("的", "")  # 华为的张总: the matcher wants 华为张总
    value = (groups.get("value") or groups.get("value2") or "").strip()
    field = next((k[2:] for k, v in groups.items() if k.startswith("f_") and v), "tier")
    if m.re in (_ZH_LIKES, _EN_LIKES):
        field = "preferences"
    if not who or not value or _NOT_WHO.search(who) or _QUESTION.search(value):
        return None
    return FieldEdit(who, field, value)
