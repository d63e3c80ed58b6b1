"""Money amounts: magnitudes, currencies, and numbers that are not money."""

from __future__ import annotations

from decimal import Decimal

import pytest

from handlers.nlu.amount import Amount, find_amounts, parse_amount


@pytest.mark.parametrize(
    ("text", "value", "currency"),
    [
        ("50万", "500000", "CNY"),
        ("5万块", "50000", "CNY"),
        ("¥30,000", "30000", "CNY"),
        ("￥30,000", "30000", "CNY"),
        ("30000元", "30000", "CNY"),
        ("三十万", "300000", "CNY"),
        ("一百二十万", "1200000", "CNY"),
        ("两万五千", "25000", "CNY"),
        ("1.5亿", "150000000", "CNY"),
        ("3千", "3000", "CNY"),
        ("１２万", "120000", "CNY"),
        ("签了300w", "3000000", "CNY"),
        ("$5k", "5000", "USD"),
        ("1.2k", "1200", "CNY"),
        ("2.5m", "2500000", "CNY"),
        ("USD 20,000", "20000", "USD"),
        ("ＵＳＤ５００", "500", "USD"),
        ("20k USD", "20000", "USD"),
        ("€3,500", "3500", "EUR"),
        ("$1,234.56", "1234.56", "USD"),
        ("报价 120000", "120000", "CNY"),
        ("deal worth 30000", "30000", "CNY"),
        ("100块钱", "100", "CNY"),
    ],
)
def test_amounts(text: str, value: str, currency: str) -> None:
    found = parse_amount(text)
    assert found is not None, text
    assert (found.value, found.currency) == (Decimal(value), currency)


@pytest.mark.parametrize(
    "text",
    [
        "我的电话13912345678",
        "报价电话13912345678",
        "订单号 20240315",
        "明天3点",
        "2015年3月3号",
        "3 days later",
        "for 5 people",
        "型号X200",
        "增长3.5%",
        "5min",
        "see you at 12",
        "SELECT amount FROM deals WHERE id = 1",
        "😀",
        "",
    ],
)
def test_not_amounts(text: str) -> None:
    assert parse_amount(text) is None


def test_span_and_text_point_into_the_original() -> None:
    text = "他说５０万的单子下个月签"
    found = parse_amount(text)
    assert found == Amount(Decimal(500000), "CNY", (2, 5), "５０万")


def test_default_currency_applies_only_without_a_marker() -> None:
    assert parse_amount("budget 30k", default_currency="USD") == Amount(
        Decimal(30000), "USD", (7, 10), "30k")
    found = parse_amount("50万", default_currency="USD")
    assert found is not None
    assert found.currency == "CNY"


def test_find_amounts_returns_all_in_order() -> None:
    values = [a.value for a in find_amounts("首付¥30,000，尾款20万")]
    assert values == [Decimal(30000), Decimal(200000)]


@pytest.mark.parametrize(("text", "value"), [
    ("1.5个亿", 150_000_000), ("两个亿的项目", 200_000_000), ("下单了，50万", 500_000),
])
def test_spoken_magnitudes_and_a_chinese_comma(text: str, value: int) -> None:
    found = parse_amount(text)
    assert found is not None and found.value == value


@pytest.mark.parametrize("text", ["五十个", "在万科开会", "万一不行"])
def test_a_bare_magnitude_or_count_is_not_money(text: str) -> None:
    assert parse_amount(text) is None
