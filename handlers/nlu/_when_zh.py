"""Chinese date/time grammar. Patterns run on normalised (simplified, half-width) text."""

from __future__ import annotations

import re
from collections.abc import Callable

from ._calendar import HOLIDAYS
from ._pieces import Clock, Piece, Pod, Rule
from ._text import ZH_NUM, zh_int

_DAY_WORD = {"大前": -3, "前": -2, "昨": -1, "寻": -1, "琴": -1, "噚": -1, "今": 0, "明": 1,
             "听": 1, "后": 2, "大后": 3}
_REL = {"上上": -2, "上": -1, "上个": -1, "去": -1, "前": -2, "大前": -3, "下下": 2, "下": 1,
        "下个": 1, "明": 1, "后": 2, "大后": 3, "这": 0, "这个": 0, "这一": 0, "本": 0, "今": 0,
        "今个": 0, "本个": 0}
_WEEKDAY = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6, "7": 6}
_WEEKDAY.update({str(i + 1): i for i in range(6)})
_PART = {"初": "begin", "头": "begin", "上旬": "begin", "中": "mid", "中旬": "mid", "底": "end",
         "末": "end", "尾": "end", "下旬": "end"}
_UNIT = {"秒钟": "second", "秒": "second", "分钟": "minute", "分": "minute", "小时": "hour",
         "钟头": "hour", "钟": "hour", "天": "day", "日": "day", "周": "week", "星期": "week",
         "礼拜": "week", "月": "month", "年": "year"}
MORNING = Pod(4, 12, 9, False)
EVENING = Pod(18, 24, 19, True)
_PODS = {
    "早上": MORNING, "早晨": MORNING, "清早": MORNING, "一早": MORNING, "上午": MORNING,
    "中午": Pod(11, 14, 12, True), "正午": Pod(11, 14, 12, True), "午间": Pod(11, 14, 12, True),
    "下午": Pod(12, 19, 14, True), "午后": Pod(12, 19, 14, True), "晏昼": Pod(12, 19, 14, True),
    "下昼": Pod(12, 19, 14, True), "上昼": MORNING, "朝早": MORNING,  # Cantonese
    "傍晚": Pod(17, 19, 18, True), "黄昏": Pod(17, 19, 18, True), "晚上": EVENING,
    "晚间": EVENING, "夜里": EVENING, "夜间": EVENING, "夜晚": EVENING, "晚": EVENING,
    "深夜": Pod(21, 24, 22, True), "凌晨": Pod(0, 6, 5, False), "半夜": Pod(0, 6, 1, False),
    "白天": Pod(8, 18, 9, False), "早": MORNING, "晨": MORNING, "夜": EVENING,
    "朝": MORNING,  # Cantonese 今朝 / 听朝: this / tomorrow morning
}
_MON = r"(?P<mon>1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九])"
_DOM = r"(?P<dom>3[01]|[12]\d|0?[1-9]|[一二三四五六七八九十]{1,3})"
_PRE = r"(?P<pre>上上|下下|上个|下个|这一|这个|今个|本个|上|下|这|本|今)"
_NOT_NUM = r"(?<![\d零〇一二两三四五六七八九十百千个第])"
_NUM_END = r"(?![\d万亿千百元块%.])"
_MIN = r"\d{1,2}|[一二三四五六七八九十]{1,3}"


def _piece(m: re.Match[str], **slots: object) -> Piece:
    return Piece(span=m.span(), **slots)  # type: ignore[arg-type]


def _day_word(m: re.Match[str]) -> Piece:
    offset = _DAY_WORD[m["w"]]
    pod = None if m["tail"] in ("天", "日", "儿") else _PODS[m["tail"]]
    return _piece(m, day_rel=offset, pod=pod, past=offset < 0)


def _week(m: re.Match[str]) -> Piece | None:
    pre, day = m["pre"], m["d"]
    if pre is None and day is None:
        return None
    rel = _REL[pre] if pre else None
    if day == "初":  # "下周初": the first days of that week
        return _piece(m, week_rel=rel or 0, part="begin", past=(rel or 0) < 0)
    if day == "末" and rel is None:  # a bare 周末 is the nearest one, ahead or (logging) behind
        return _piece(m, weekday=5)
    if day == "末" and rel is not None:
        return _piece(m, week_rel=rel, part="weekend", past=rel < 0)
    if day is None:
        return _piece(m, week_rel=rel, past=(rel or 0) < 0)
    if rel is not None and rel != 0:
        return _piece(m, week_rel=rel, weekday=_WEEKDAY[day], past=rel < 0)
    return _piece(m, weekday=_WEEKDAY[day], weekday_mode="this" if pre else None)


def _month_rel(m: re.Match[str]) -> Piece:
    rel = _REL[m["pre"]]
    return _piece(m, month_rel=rel, part=_PART.get(m["part"] or ""), past=rel < 0)


def _month(m: re.Match[str]) -> Piece | None:
    month = zh_int(m["mon"])
    if month is None or not 1 <= month <= 12:
        return None
    dom = zh_int(m["dom"]) if m.groupdict().get("dom") else None
    if dom is not None and not 1 <= dom <= 31:
        return None
    part = _PART.get(m.groupdict().get("part") or "")
    return _piece(m, month=month, dom=dom, part=part)


def _part_only(m: re.Match[str]) -> Piece:
    unit = "month" if m["u"] == "月" else "year"
    return _piece(m, part=_PART[m["part"]], part_of=unit)


def _year_rel(m: re.Match[str]) -> Piece:
    rel = _REL[m["pre"]]
    return _piece(m, year_rel=rel, part=_PART.get(m["part"] or ""), part_of="year", past=rel < 0)


def _year(m: re.Match[str]) -> Piece | None:
    year = zh_int(m["y"])
    if year is None:
        return None
    year += 2000 if year < 100 else 0
    if not 1900 <= year <= 2100:
        return None
    return _piece(m, year=year, part=_PART.get(m["part"] or ""), part_of="year")


def _dom(m: re.Match[str]) -> Piece | None:
    dom = zh_int(m["dom"])
    return _piece(m, dom=dom) if dom and 1 <= dom <= 31 else None


def _pod(m: re.Match[str]) -> Piece:
    word = m["w"]
    return _piece(m, pod=_PODS[word], needs_anchor=word in ("晚", "早", "晨", "夜"))


def _minutes(m: re.Match[str]) -> int | None:
    if m["half"]:
        return 30
    if m["q"]:
        return 15 * (zh_int(m["q"]) or 0)
    if m["zi"] or m["zi2"]:  # Cantonese: each 字 on the clock face is five minutes
        return 5 * (zh_int(m["zi"] or m["zi2"]) or 0)
    if m["m"] is None:
        return 0
    value = zh_int(m["m"])
    if value is not None and len(m["m"]) == 1 and not m["zero"] and not m["fen"] and (
            not m["m"].isdigit()):
        value *= 5  # "三点一" is Cantonese for 3:05
    return value


def _clock(m: re.Match[str]) -> Piece | None:
    hour, minute = zh_int(m["h"]), _minutes(m)
    if hour is None or minute is None or hour > 24 or minute > 59:
        return None
    # "便宜一点", "一时半会": a bare 一点/一时 is only a time next to a day or part of day.
    weak = m["h"] == "一" and m.end() - m.start() == 2
    clock = Clock(hour, minute, ambiguous=hour <= 12 and not m["h"].startswith("0"))
    return _piece(m, clock=clock, needs_anchor=weak)


def _offset(m: re.Match[str]) -> Piece | None:
    raw = m["n"]
    amount = 0.5 if raw == "半" else 3.0 if raw == "几" else float(
        raw if raw.replace(".", "", 1).isdigit() else (zh_int(raw) or 0))
    if m.groupdict().get("half") or m.groupdict().get("half2"):
        amount += 0.5
    if amount <= 0:
        return None
    backwards = m["dir"] in ("上", "前") or "前" in m["dir"]
    return _piece(m, offset=(_UNIT[m["u"]], -amount if backwards else amount), past=backwards)


def _holiday(m: re.Match[str]) -> Piece:
    return _piece(m, holiday=HOLIDAYS[m["w"]])


def _nth_weekday(m: re.Match[str]) -> Piece | None:
    month, nth = zh_int(m["mon"]), zh_int(m["n"])
    if not month or not nth or month > 12:
        return None
    return _piece(m, month=month, nth=nth, weekday=_WEEKDAY[m["d"]])


def _quarter(m: re.Match[str]) -> Piece:
    if m["pre"]:
        return _piece(m, quarter_rel=_REL[m["pre"]])
    return _piece(m, quarter=zh_int(m["n"] or m["q"]))


def _chain(m: re.Match[str]) -> Piece | None:
    if m["n"]:  # "提前半小时": before the time named just before
        amount = 0.5 if m["n"] == "半" else float(zh_int(m["n"]) or 0)
        return _piece(m, chain=(_UNIT[m["u"]], -amount)) if amount else None
    return _piece(m, chain=("day", 2 if m[0].startswith("第三") else 1))


def _now(m: re.Match[str]) -> Piece:
    return _piece(m, now=True)


_UNITS = "|".join(sorted(_UNIT, key=len, reverse=True))
_ZH_HOLIDAYS = sorted((k for k in HOLIDAYS if not k.isascii()), key=len, reverse=True)


def _rule(pattern: str, build: Callable[[re.Match[str]], Piece | None]) -> Rule:
    return re.compile(pattern), build


RULES: list[Rule] = [
    _rule(r"现在|此时|此刻|而家|宜家|依家|马上|立刻", _now),
    _rule(r"(?P<w>大前|大后|前|昨|今|明|后|寻|听|琴|噚)(?P<tail>天|日|儿|晚|早|晨|夜|朝)"
          r"(?!\d*(?:号|日|月|年))", _day_word),
    _rule(r"(?:第二|第三)天|次日|翌日|隔天|(?<![今明后昨前])第二日"
          r"|(?:提前|(?<=[会面饭议谈])前)(?P<n>\d+|" + ZH_NUM + r"|半)个?(?P<u>分钟|小时|钟头|天)",
          _chain),
    _rule(_NOT_NUM + _PRE + r"?个?(?:周|星期|礼拜)(?P<d>[一二三四五六日天末1-7]|初(?!\d))?"
          r"(?![次个遍趟号年月倍])", _week),
    _rule(_PRE + r"个?月份?(?P<part>初|头|中旬|上旬|下旬|中|底|末|尾)?", _month_rel),
    _rule(_NOT_NUM + _MON + r"月份?(?P<part>初|头|中旬|上旬|下旬|中|底|末|尾)?(?!\d)", _month),
    _rule(_NOT_NUM + _MON + r"月" + _DOM + r"(?:号|日)?" + _NUM_END + r"(?![个分点时])", _month),
    _rule(r"(?<![\d零〇一二两三四五六七八九十个])(?P<u>月|年)(?P<part>初|头|中旬|上旬|下旬|底|末|尾"
          r"|中(?=[,，。.前再去给见回的\s]|$))",
          _part_only),
    _rule(r"(?P<pre>大前|大后|这一|前|去|今|明|后|上|下|本)年(?P<part>初|头|底|末|尾)?",
          _year_rel),
    _rule(r"(?<!\d)(?P<y>(?:19|20)\d{2}|[零〇一二三四五六七八九]{4}|\d{2}(?=年\d{1,2}月))年"
          r"(?P<part>初|头|底|末|尾)?", _year),
    _rule(_NOT_NUM + _DOM + r"(?:号|日)(?![\d楼线店门机院馆库厅房车位床])", _dom),
    _rule(r"(?P<w>" + "|".join(sorted(_PODS, key=len, reverse=True)) + r")(?![了点饭餐些会])",
          _pod),
    _rule(r"(?<![第\d.])(?P<h>\d{1,2}|[零一二两三四五六七八九十]{1,3})\s*(?:点钟|点|时)"
          r"(?:\s*(?:(?P<half>半)|(?P<q>[一三])刻|整|(?P<zi2>" + _MIN + r")个字"
          r"|(?:踏|搭)(?P<zi>" + _MIN + r")|过?(?P<zero>[零〇])?(?P<m>" + _MIN + r")"
          r"(?P<fen>分钟|分)?))?" + _NUM_END + r"(?!个(?!字)|[零一二两三四五六七八九十])", _clock),
    _rule(r"(?P<dir>上|前|下|后|过|再过)(?P<n>\d+|" + ZH_NUM + r"|几|半)个?(?P<u>" + _UNITS + ")",
          _offset),
    _rule(r"(?P<n>\d+(?:\.\d+)?|" + ZH_NUM + r"|半|几)个?(?P<half>半)?(?P<u>" + _UNITS + r")"
          r"(?P<half2>半)?(?P<dir>之后|以后|之前|以前|之内|以内|后|前|内)", _offset),
    _rule(r"(?P<w>" + "|".join(map(re.escape, _ZH_HOLIDAYS)) + ")", _holiday),
    _rule(_MON + r"月的?第(?P<n>[一二三四五1-5])个?(?:周|星期|礼拜)(?P<d>[一二三四五六日天])",
          _nth_weekday),
    _rule(r"(?:" + _PRE + r"个?季度|第(?P<n>[一二三四1-4])季度?|q(?P<q>[1-4]))", _quarter),
]

