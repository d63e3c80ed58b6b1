"""understand(): intents, mentions, times, amounts and stages from real-looking rep messages."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest

from handlers.nlu.intent import Understanding, detect_lang, understand
from tests.calls import python_calls

CST = timezone(timedelta(hours=8))
NOW = datetime(2013, 2, 12, 16, 30, tzinfo=CST)  # a Tuesday afternoon


def at(day: int, hour: int = 9, minute: int = 0, month: int = 2) -> datetime:
    return datetime(2013, month, day, hour, minute, tzinfo=CST)


def test_visit_with_quote_and_follow_up() -> None:
    u = understand("今天拜访华为张总，谈了报价，下周三回访", NOW)
    assert (u.intent, u.customer_mention, u.activity_type) == ("log_visit", "华为张总", "visit")
    assert (u.happened_at, u.follow_up_at, u.stage) == (at(12), at(20), "proposal")
    assert u.lang == "zh"


def test_english_visit() -> None:
    u = understand("met Acme's Li today, sent the quote, follow up Friday", NOW)
    assert (u.intent, u.customer_mention, u.activity_type) == ("log_visit", "Acme's Li", "visit")
    assert (u.happened_at, u.follow_up_at, u.stage) == (at(12), at(15), "proposal")
    assert u.lang == "en"


def test_call_with_amount() -> None:
    u = understand("昨天下午给李总打了电话，他说50万的单子下个月签", NOW)
    assert (u.intent, u.customer_mention, u.activity_type) == ("log_visit", "李总", "call")
    assert u.happened_at is not None
    assert u.happened_at.date() == at(11).date()
    assert 12 <= u.happened_at.hour < 19
    assert (u.amount, u.currency) == (Decimal(500000), "CNY")


@pytest.mark.parametrize(
    ("text", "intent", "mention"),
    [
        ("查一下华为", "show_customer", "华为"),
        ("提醒我明天给张总打电话", "set_reminder", "张总"),
        ("华为那单赢了", "deal_won", "华为"),
        ("腾讯的陈姐那单丢了", "deal_lost", "腾讯的陈姐"),
        ("把华为推进到验收", "advance_deal", "华为"),
        ("how's my pipeline", "show_pipeline", None),
        ("我的漏斗", "show_pipeline", None),
        ("看看商机", "show_pipeline", None),
        ("帮助", "help", None),
        ("help", "help", None),
        ("what can you do", "help", None),
        ("remind me to call Bob tomorrow 3pm", "set_reminder", "Bob"),
        ("called Mr. Smith yesterday", "log_visit", "Mr. Smith"),
        ("Acme deal lost", "deal_lost", "Acme"),
        ("今天和李老师开会，确认了需求", "log_visit", "李老师"),
        ("昨天见了刘工", "log_visit", "刘工"),
        ("ＡＣＭＥ的王总　明天下午３点见面", "log_visit", "ＡＣＭＥ的王总"),
        ("😀😀😀", "unknown", None),
        ("asdfgh", "unknown", None),
        ("SELECT * FROM customers; DROP TABLE deals;--", "unknown", None),
        ("", "unknown", None),
    ],
)
def test_intent_and_mention(text: str, intent: str, mention: str | None) -> None:
    u = understand(text, NOW)
    assert (u.intent, u.customer_mention) == (intent, mention)


@pytest.mark.parametrize(
    ("text", "stage"),
    [
        ("王经理说方案下周给他", "proposal"),
        ("华为签合同了", "commit"),
        ("Acme signed the contract", "commit"),
        ("比亚迪签了", "won"),  # signed, full stop: the 签了 is a win
        ("Wayne Enterprises signed", "won"),
        ("合同下周签", "commit"),
        ("contract goes out for signature Friday", "commit"),
        ("张总那边回款了", "payment"),
        ("项目验收通过", "acceptance"),
        ("客户需求明确了", "needs"),
        ("we won the Globex deal", "won"),
        ("move Acme to proposal", "proposal"),
    ],
)
def test_stage(text: str, stage: str) -> None:
    assert understand(text, NOW).stage == stage


def test_reminder_time() -> None:
    u = understand("提醒我明天给张总打电话", NOW)
    assert (u.follow_up_at, u.happened_at, u.activity_type) == (at(13), None, "call")


def test_logged_weekday_points_back() -> None:
    u = understand("周五拜访了刘工", NOW)
    assert u.happened_at == at(8)


def test_amount_is_not_a_time() -> None:
    u = understand("报价3点5万，下周二回访", NOW)
    assert u.amount == Decimal(35000)
    assert u.follow_up_at == at(19)


def test_json_dict_has_exact_keys_and_iso_values() -> None:
    u = understand("今天拜访华为张总，报价¥30,000，下周三回访", NOW)
    data = u.to_json_dict()
    assert list(data) == ["intent", "customer_mention", "activity_type", "happened_at",
                          "follow_up_at", "amount", "currency", "stage", "summary",
                          "mention_company", "mention_person", "mention_company_full", "unsure"]
    assert data["amount"] == "30000"
    assert data["currency"] == "CNY"
    assert data["follow_up_at"] == "2013-02-20T09:00:00+08:00"


def test_summary_is_stripped_text() -> None:
    assert understand("  查一下华为 \n", NOW).summary == "查一下华为"


@pytest.mark.parametrize(("text", "lang"), [("查一下华为", "zh"), ("check Acme", "en"),
                                            ("Acme的王总明天见", "zh"), ("😀", "en")])
def test_detect_lang(text: str, lang: str) -> None:
    assert detect_lang(text) == lang


def test_long_mixed_input_is_fast() -> None:
    line = "今天拜访华为张总😀，谈了报价50万，下周三回访; met Acme's Li, follow up Friday. "
    text = (line * 100)[:5000]
    understand(text, NOW)  # warm caches, then count the work (not the time: machines vary)
    u = understand(text, NOW)
    assert python_calls(lambda: understand(text, NOW)) < 50_000  # ~26,000 today
    assert isinstance(u, Understanding)
    assert u.intent == "log_visit"
