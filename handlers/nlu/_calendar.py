"""Calendar arithmetic and the holiday lexicon used by the date grammar."""

from __future__ import annotations

import calendar
from collections.abc import Callable
from datetime import date, timedelta

HolidayRule = Callable[[int], date | None]


def add_months(day: date, months: int) -> date:
    """Same day n months later, clamped to the month's length (Jan 31 + 1 month = Feb 28)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def month_last_day(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def nth_weekday(year: int, month: int, weekday: int, nth: int) -> date | None:
    """The nth (1-based; -1 = last) given weekday of a month."""
    if nth < 0:
        last = month_last_day(year, month)
        return last - timedelta(days=(last.weekday() - weekday) % 7)
    first = date(year, month, 1)
    found = first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (nth - 1))
    return found if found.month == month else None


def easter(year: int) -> date:
    """Gregorian Easter Sunday (anonymous Gregorian algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    el = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * el) // 451
    month, day = divmod(h + el - 7 * m + 114, 31)
    return date(year, month, day + 1)


def _fixed(month: int, day: int) -> HolidayRule:
    return lambda year: safe_date(year, month, day)


def _nth(month: int, weekday: int, nth: int, shift: int = 0) -> HolidayRule:
    def rule(year: int) -> date | None:
        found = nth_weekday(year, month, weekday, nth)
        return found + timedelta(days=shift) if found else None

    return rule


def _easter(shift: int) -> HolidayRule:
    return lambda year: easter(year) + timedelta(days=shift)


def _lunar(month: int, day: int, shift: int = 0) -> HolidayRule:
    """A festival on the Chinese lunar calendar, for any year lunardate covers (1900-2099)."""
    def rule(year: int) -> date | None:
        from lunardate import LunarDate  # imported on first use: most messages name no festival

        try:
            solar: date = LunarDate(year, month, day).to_solar_date()
            return solar + timedelta(days=shift)
        except ValueError:
            return None

    return rule


def _lunar_new_year(shift: int) -> HolidayRule:
    return _lunar(1, 1, shift)


def _qingming(year: int) -> date:
    # The solar term falls on April 4 or 5; this leap-cycle rule holds for 2008-2039.
    return date(year, 4, 4 if year % 4 in (0, 1) else 5)


# Keys are normalised text (simplified Chinese, lower-case English).
HOLIDAYS: dict[str, HolidayRule] = {
    "元旦": _fixed(1, 1), "元旦节": _fixed(1, 1), "阳历新年": _fixed(1, 1),
    "new year's day": _fixed(1, 1), "new years day": _fixed(1, 1),
    "new year's eve": _fixed(12, 31), "new years eve": _fixed(12, 31), "跨年夜": _fixed(12, 31),
    "情人节": _fixed(2, 14), "圣瓦伦丁节": _fixed(2, 14),
    "valentine's day": _fixed(2, 14), "valentines day": _fixed(2, 14),
    "valentine day": _fixed(2, 14),
    "妇女节": _fixed(3, 8), "三八妇女节": _fixed(3, 8), "植树节": _fixed(3, 12),
    "消费者权益日": _fixed(3, 15), "国际消费者权益日": _fixed(3, 15), "三一五": _fixed(3, 15),
    "愚人节": _fixed(4, 1), "april fools": _fixed(4, 1), "april fool's day": _fixed(4, 1),
    "劳动节": _fixed(5, 1), "五一劳动节": _fixed(5, 1), "国际劳动节": _fixed(5, 1),
    "五一国际劳动节": _fixed(5, 1), "五一": _fixed(5, 1), "青年节": _fixed(5, 4),
    "五四青年节": _fixed(5, 4), "护士节": _fixed(5, 12),
    "儿童节": _fixed(6, 1), "国际儿童节": _fixed(6, 1), "六一儿童节": _fixed(6, 1),
    "建党节": _fixed(7, 1), "香港回归纪念日": _fixed(7, 1),
    "independence day": _fixed(7, 4), "4th of july": _fixed(7, 4), "fourth of july": _fixed(7, 4),
    "建军节": _fixed(8, 1), "八一建军节": _fixed(8, 1), "教师节": _fixed(9, 10),
    "国庆": _fixed(10, 1), "国庆节": _fixed(10, 1), "老板节": _fixed(10, 16),
    "万圣节": _fixed(10, 31), "halloween": _fixed(10, 31), "光棍节": _fixed(11, 11),
    "双十一": _fixed(11, 11), "双11": _fixed(11, 11), "双十二": _fixed(12, 12),
    "澳门回归纪念日": _fixed(12, 20), "平安夜": _fixed(12, 24), "christmas eve": _fixed(12, 24),
    "圣诞": _fixed(12, 25), "圣诞节": _fixed(12, 25), "christmas": _fixed(12, 25),
    "christmas day": _fixed(12, 25), "xmas": _fixed(12, 25),
    "母亲节": _nth(5, 6, 2), "mother's day": _nth(5, 6, 2), "mothers day": _nth(5, 6, 2),
    "父亲节": _nth(6, 6, 3), "father's day": _nth(6, 6, 3), "fathers day": _nth(6, 6, 3),
    "感恩节": _nth(11, 3, 4), "thanksgiving": _nth(11, 3, 4),
    "thanksgiving day": _nth(11, 3, 4), "black friday": _nth(11, 3, 4, 1),
    "黑色星期五": _nth(11, 3, 4, 1), "memorial day": _nth(5, 0, -1),
    "labor day": _nth(9, 0, 1), "mlk day": _nth(1, 0, 3),
    "martin luther king day": _nth(1, 0, 3), "martin luther king jr day": _nth(1, 0, 3),
    "复活节": _easter(0), "主复活日": _easter(0), "easter": _easter(0),
    "easter sunday": _easter(0), "复活节星期一": _easter(1), "easter monday": _easter(1),
    "耶稣受难日": _easter(-2), "主受难日": _easter(-2), "主受难节": _easter(-2),
    "good friday": _easter(-2), "圣周五": _easter(-2), "圣周六": _easter(-1),
    "神圣周六": _easter(-1), "圣周四": _easter(-3), "神圣星期四": _easter(-3),
    "棕枝主日": _easter(-7), "圣枝主日": _easter(-7), "palm sunday": _easter(-7),
    "圣灰星期三": _easter(-46), "圣灰日": _easter(-46), "大斋首日": _easter(-46),
    "ash wednesday": _easter(-46), "五旬节": _easter(49), "圣灵降临节": _easter(49),
    "pentecost": _easter(49), "圣三一主日": _easter(56), "基督圣体节": _easter(60),
    "忏悔节": _easter(-47), "shrove tuesday": _easter(-47), "mardi gras": _easter(-47),
    "春节": _lunar_new_year(0), "农历新年": _lunar_new_year(0), "新春": _lunar_new_year(0),
    "大年初一": _lunar_new_year(0), "chinese new year": _lunar_new_year(0),
    "lunar new year": _lunar_new_year(0), "除夕": _lunar_new_year(-1),
    "大年三十": _lunar_new_year(-1), "年三十": _lunar_new_year(-1),
    "元宵": _lunar(1, 15), "元宵节": _lunar(1, 15), "上元节": _lunar(1, 15),
    "lantern festival": _lunar(1, 15), "龙抬头": _lunar(2, 2),
    "端午": _lunar(5, 5), "端午节": _lunar(5, 5), "端阳": _lunar(5, 5), "端阳节": _lunar(5, 5),
    "dragon boat festival": _lunar(5, 5), "七夕": _lunar(7, 7), "七夕节": _lunar(7, 7),
    "中元": _lunar(7, 15), "中元节": _lunar(7, 15), "鬼节": _lunar(7, 15),
    "中秋": _lunar(8, 15), "中秋节": _lunar(8, 15),
    "mid-autumn festival": _lunar(8, 15), "mid autumn festival": _lunar(8, 15),
    "moon festival": _lunar(8, 15), "重阳": _lunar(9, 9), "重阳节": _lunar(9, 9),
    "重九": _lunar(9, 9), "腊八": _lunar(12, 8), "腊八节": _lunar(12, 8),
    "小年": _lunar(12, 23), "年初二": _lunar(1, 2), "大年初二": _lunar(1, 2),
    "年初三": _lunar(1, 3), "大年初三": _lunar(1, 3),
    "清明": _qingming, "清明节": _qingming,
}
