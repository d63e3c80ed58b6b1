"""Which care occasion falls on a customer's local date: birthdays, festivals, anniversaries.

Chinese festivals come from the lunar calendar (lunardate), Western ones are fixed dates.
"""

from __future__ import annotations

from datetime import date

from lunardate import LunarDate

from jobs.brief import birthday_days
from store.models import Contact, Customer

LUNAR_FESTIVALS = {"spring_festival": (1, 1), "dragon_boat": (5, 5), "mid_autumn": (8, 15)}
SOLAR_FESTIVALS = {"new_year": (1, 1), "christmas": (12, 25)}
DEFAULT_HOLIDAYS = ("spring_festival", "mid_autumn", "new_year", "christmas")
ZH_NUMBERS = "零一二三四五六七八九十"


def holiday_on(day: date, allowed: tuple[str, ...] = DEFAULT_HOLIDAYS) -> str | None:
    lunar = LunarDate.from_solar_date(day.year, day.month, day.day)
    for key, (month, mday) in LUNAR_FESTIVALS.items():
        if (
            key in allowed
            and (lunar.month, lunar.day) == (month, mday)
            and not lunar.is_leap_month
        ):
            return key
    for key, (month, mday) in SOLAR_FESTIVALS.items():
        if key in allowed and (day.month, day.day) == (month, mday):
            return key
    return None


def is_birthday(customer: Customer | Contact, day: date) -> bool:
    """A customer's or a company contact's birthday, solar or lunar."""
    if customer.birthday is None:
        return False
    solar, lunar = birthday_days(day)
    born = (customer.birthday.month, customer.birthday.day)
    return born == lunar if customer.birthday_lunar else born in solar


def period(days: int, lang: str) -> str:
    """How long someone has been away, in words: 三年 / 5 months."""
    years, months = days // 365, max(1, days // 30)
    if lang == "zh":
        n, unit = (years, "年") if years else (months, "个月")
        word = ZH_NUMBERS[n] if n <= 10 else str(n)
        return f"{'两' if n == 2 else word}{unit}"
    n, unit = (years, "year") if years else (months, "month")
    return f"{n} {unit}{'s' if n != 1 else ''}"
