"""Profile changes said in a sentence (nlu/fields.py); birthdays as written (nlu/birthday.py)."""

from __future__ import annotations

import pytest

from handlers.nlu.birthday import BadBirthday, Birthday, parse_birthday
from handlers.nlu.fields import FieldEdit, read_field_edit
from handlers.nlu.intent import understand
from tests.world import NOW


@pytest.mark.parametrize(
    ("text", "who", "field", "value"),
    [
        ("把刘洋的等级改成B", "刘洋", "tier", "B"),
        ("刘洋的邮箱是li@x.com", "刘洋", "email", "li@x.com"),
        ("刘洋生日是3月5日", "刘洋", "birthday", "3月5日"),
        ("刘洋生日是农历三月初五", "刘洋", "birthday", "农历三月初五"),
        ("张三喜欢喝普洱茶", "张三", "preferences", "喜欢喝普洱茶"),
        ("华为的张总的职位是采购总监", "华为张总", "title", "采购总监"),
        ("把刘洋改成A类", "刘洋", "tier", "A"),
        ("Change Li Wei's phone to 138 0013 8000", "Li Wei", "phone", "138 0013 8000"),
        ("Li Wei's birthday is May 3", "Li Wei", "birthday", "May 3"),
        ("Make Li Wei an A tier", "Li Wei", "tier", "A"),
        ("Li Wei likes green tea", "Li Wei", "preferences", "likes green tea"),
        # as typed on a phone: no possessive, no capitals
        ("change li wei tier to a", "li wei", "tier", "a"),
        ("set li wei phone to 13800138000", "li wei", "phone", "13800138000"),
        ("update acme li email to li@acme.com", "acme li", "email", "li@acme.com"),
    ],
)
def test_edits_read(text: str, who: str, field: str, value: str) -> None:
    assert read_field_edit(text) == FieldEdit(who, field, value)
    understood = understand(text, NOW)
    assert (understood.intent, understood.customer_mention) == ("edit_field", who)
    assert (understood.field, understood.value) == (field, value)


@pytest.mark.parametrize(
    "text",
    [
        "刘洋的电话是多少",  # a question
        "美的刘总电话多少",
        "招行的商机阶段改为合同审批",  # a deal's stage, not a profile field
        "张总说喜欢我们的方案",  # a report of what was said
        "他也喜欢喝茶",
        "What's Li Wei's email?",
        "change the meeting time to friday",  # not a profile field
        "update customer name to Acme",  # no one named
        "set deal stage to won",
        "He likes it",
        "今天拜访华为张总，谈了报价，下周三回访",
    ],
)
def test_not_edits(text: str) -> None:
    assert read_field_edit(text) is None
    assert understand(text, NOW).intent != "edit_field"


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("农历三月初五", Birthday(3, 5, None, True)),
        ("阴历腊月廿三", Birthday(12, 23, None, True)),
        ("农历十一月三十", Birthday(11, 30, None, True)),
        ("1990年3月5日", Birthday(3, 5, 1990, False)),
        ("1990-03-05", Birthday(3, 5, 1990, False)),
        ("2月29日", Birthday(2, 29, None, False)),
        ("3 May 1985", Birthday(5, 3, 1985, False)),
        ("May 3rd", Birthday(5, 3, None, False)),
        ("lunar 3/5", Birthday(3, 5, None, True)),
    ],
)
def test_birthdays(text: str, want: Birthday) -> None:
    assert parse_birthday(text) == want


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("2月30日", "impossible"),
        ("April 31", "impossible"),
        ("农历正月三十一", "impossible"),
        ("1850年3月5日", "impossible"),
        ("农历闰四月初一", "leap"),
        ("3/5", "unclear"),  # month or day first? asked, never guessed
        ("May 1985", "unclear"),
        ("🎂🎂", "unclear"),
    ],
)
def test_bad_birthdays(text: str, reason: str) -> None:
    with pytest.raises(BadBirthday) as bad:
        parse_birthday(text)
    assert bad.value.reason == reason
