"""Money amounts in Chinese or English chat text: 50万, ¥30,000, 一百二十万, $5k, "20k USD".

A number counts as money only when something says so: a currency sign or word, a magnitude
(万/亿/k/m), or a money word right before it (报价/金额/预算/amount/deal/worth/price/budget...).
So phone numbers, order numbers, dates and times are never amounts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from ._text import normalize, zh_int

__all__ = ["Amount", "find_amounts", "parse_amount"]


@dataclass(frozen=True)
class Amount:
    value: Decimal
    currency: str
    span: tuple[int, int]
    text: str


_CURRENCY = {
    "¥": "CNY", "rmb": "CNY", "cny": "CNY", "元": "CNY", "块": "CNY", "块钱": "CNY",
    "人民币": "CNY", "$": "USD", "us$": "USD", "usd": "USD", "dollar": "USD",
    "dollars": "USD", "bucks": "USD", "美元": "USD", "美金": "USD", "€": "EUR", "eur": "EUR",
    "euro": "EUR", "euros": "EUR", "欧元": "EUR", "£": "GBP", "gbp": "GBP", "pound": "GBP",
    "pounds": "GBP", "英镑": "GBP", "hk$": "HKD", "hkd": "HKD", "港币": "HKD", "港元": "HKD",
    "jpy": "JPY", "yen": "JPY", "日元": "JPY",
}
_MULT = {
    "k": 1000, "thousand": 1000, "千": 1000, "w": 10_000, "万": 10_000, "m": 1_000_000,
    "mn": 1_000_000, "million": 1_000_000, "百万": 1_000_000, "千万": 10_000_000,
    "亿": 100_000_000, "bn": 1_000_000_000, "billion": 1_000_000_000, "百": 100,
}
_ZH_NUM = "[零一二两三四五六七八九十百千万亿]"
_PATTERN = re.compile(
    r"(?<![a-z\d.])(?<!\d,)(?:(?P<pre>us\$|hk\$|rmb|cny|usd|eur|gbp|hkd|jpy|[¥$€£])\s*)?"
    r"(?(pre)|(?<![a-z\d.])(?<!\d,))(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:[.点]\d+)?"
    r"|(?=[零一二两三四五六七八九十])" + _ZH_NUM + r"+(?:点[零一二三四五六七八九]+"
    + _ZH_NUM + r"*)?)"
    r"(?:\s*(?:个(?=亿|万))?(?P<mult>百万|千万|万|亿|千|百|thousand|million|billion|mn|bn|k|m|w)"
    r"(?![a-z]))?"
    r"(?:\s*(?P<post>块钱|块|元|人民币|美元|美金|欧元|英镑|港币|港元|日元|rmb|cny|usd|dollars?"
    r"|bucks|eur|euros?|gbp|pounds?|hkd|jpy|yen)(?![a-z]))?"
)
_MONEY_WORD = re.compile(
    r"(?:报价|金额|预算|合同额|合同金额|总价|价格|单价|成交价|价钱|amount|deal|worth|price|budget"
    r"|value|quote|quoted|priced)\s*(?:是|为|了|约|大概|大约|about|around|of|at|is|for|[:：=~])?"
    r"\s*$"
)
_NOT_MONEY_AFTER = re.compile(r"\s*(?:[年月日号点时分秒:/%个天周]|小时|-\d|days?\b|hours?\b)")


def _zh_value(token: str) -> Decimal | None:
    """一百二十万 -> 1200000, 1.5亿 style sections split on 亿 and 万."""
    for unit, size in (("亿", 100_000_000), ("万", 10_000)):
        if unit in token:
            high, _, low = token.partition(unit)
            high_value = _zh_value(high) if high else Decimal(1)
            low_value = _zh_value(low) if low else Decimal(0)
            if high_value is None or low_value is None:
                return None
            return high_value * size + low_value
    if "点" in token:
        whole, _, frac = token.partition("点")
        digits = "".join(str(zh_int(ch)) for ch in frac)
        whole_value = zh_int(whole)
        return None if whole_value is None else Decimal(f"{whole_value}.{digits}")
    value = zh_int(token)
    return None if value is None else Decimal(value)


def _number(token: str) -> Decimal | None:
    if token[0].isdigit():
        try:
            return Decimal(token.replace(",", "").replace("点", "."))
        except InvalidOperation:
            return None
    return _zh_value(token)


def _is_money(m: re.Match[str], norm: str) -> bool:
    num = m["num"]
    if m["pre"] or m["post"]:
        return True
    if num[0].isdigit():
        if m["mult"]:
            return True
        digits = num.replace(",", "").split(".")[0]
        plausible = len(digits) <= 9 and not (len(digits) == 11 and digits.startswith("1"))
        return plausible and bool(_MONEY_WORD.search(norm[max(0, m.start() - 24):m.start()]))
    # Chinese numerals: 三十万 is money-like; a bare 三十 needs a money word.
    return "万" in num or "亿" in num or bool(m["mult"]) or bool(
        _MONEY_WORD.search(norm[max(0, m.start() - 24):m.start()]))


def _build(m: re.Match[str], text: str, default_currency: str) -> Amount | None:
    value = _number(m["num"])
    if value is None or value <= 0:
        return None
    value *= _MULT.get(m["mult"] or "", 1)
    if value == value.to_integral_value():
        value = value.quantize(Decimal(1))
    marker = m["pre"] or m["post"]
    chinese = not m["num"][0].isdigit() or (m["mult"] or "") in ("万", "亿", "千", "百万", "千万")
    currency = _CURRENCY.get(marker or "") or ("CNY" if chinese else default_currency)
    start = m.start("pre") if m["pre"] else m.start("num")
    return Amount(value, currency, (start, m.end()), text[start:m.end()])


def find_amounts(text: str, default_currency: str = "CNY") -> list[Amount]:
    """Every money amount in text, in text order."""
    norm = normalize(text)
    found: list[Amount] = []
    for m in _PATTERN.finditer(norm):
        if not m["num"] or (_NOT_MONEY_AFTER.match(norm, m.end()) and not (
                m["mult"] or m["post"])):
            continue
        if _is_money(m, norm):
            amount = _build(m, text, default_currency)
            if amount is not None:
                found.append(amount)
    return found


def parse_amount(text: str, default_currency: str = "CNY") -> Amount | None:
    """The first money amount in text, or None."""
    amounts = find_amounts(text, default_currency)
    return amounts[0] if amounts else None
