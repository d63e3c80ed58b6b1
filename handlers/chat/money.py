"""Amounts typed in chat, checked before anything is saved: never negative, never absurd.

The NLU reads "-5万" as 5万 (a sign is not part of a money word), so the sign is looked at
here, where the amount becomes a payment, a deal amount or a visit's quote.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from handlers.chat.context import UserError
from handlers.i18n import add_texts
from handlers.nlu.amount import Amount, find_amounts, parse_amount

# Far above any deal, far below what the cents column holds (BigInteger: ~9.2e16 cents).
MAX_AMOUNT = Decimal(10) ** 12
# A minus sign, or 负, right before the number. A dash after a number or its unit is a range
# ("3-5万", "100万-120万"), and 减 is a discount in a visit ("报价减5万"), not a sign.
_SIGN = re.compile(
    r"(?:(?<![0-9A-Za-z.,万亿千百元块])[-−－–—]|负|minus|negative)\s*[¥$€£]?\s*$", re.I
)

add_texts(
    {
        "money.negative": (
            "金额不能是负数（「{text}」），什么都没有记录。请输入正数金额。",
            'An amount can\'t be negative ("{text}"); nothing was recorded. '
            "Please type a positive amount.",
        ),
        "money.too_big": (
            "金额「{text}」太大了，请检查后重新输入。",
            'The amount "{text}" is too large; please check it and type it again.',
        ),
    }
)


def is_negative(text: str, amount: Amount) -> bool:
    return bool(_SIGN.search(text[: amount.span[0]]))


def check(text: str, amount: Amount) -> Amount:
    """The amount, or a UserError saying why it can't be taken."""
    shown = text[max(0, amount.span[0] - 2) : amount.span[1]].strip()[:30]
    if is_negative(text, amount):
        raise UserError("money.negative", text=shown)
    if amount.value > MAX_AMOUNT:
        raise UserError("money.too_big", text=shown)
    return amount


def read_amount(text: str, default_currency: str = "CNY") -> Amount | None:
    """The first amount in text, checked; None when there is none."""
    amount = parse_amount(text, default_currency)
    return None if amount is None else check(text, amount)


def check_all(text: str) -> None:
    """Refuse free text (a visit) that carries a negative or absurd amount anywhere."""
    for amount in find_amounts(text):
        check(text, amount)


def money_arg(amount_text: str, currency: str) -> tuple[Decimal, str]:
    """An amount and currency from a button; anything odd is a forged or stale button."""
    if not re.fullmatch(r"[A-Z]{3}", currency):
        raise UserError("error.stale_button")
    try:
        amount = Decimal(amount_text)
    except InvalidOperation:
        raise UserError("error.stale_button") from None
    if not amount.is_finite() or not 0 < amount <= MAX_AMOUNT:
        raise UserError("error.stale_button")
    return amount, currency
