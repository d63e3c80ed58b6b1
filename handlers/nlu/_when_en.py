"""English date/time grammar. Patterns run on normalised (lower-case, half-width) text.

The digital clock ("15:30") and numeric dates ("2015-03-03", "3/15") live here too; they are
the same in Chinese messages.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from ._calendar import HOLIDAYS
from ._pieces import Clock, Piece, Pod, Rule
from ._text import EN_NUM_WORD, en_int

_WD_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_WD_ABBR = {"mon": 0, "tue": 1, "tues": 1, "wed": 2, "weds": 2, "thu": 3, "thur": 3, "thurs": 3,
            "fri": 4, "sat": 5, "sun": 6}
_WD_ABBR.update({name: i for i, name in enumerate(_WD_NAMES)})
WD = r"(?P<wd>" + "|".join(sorted(_WD_ABBR, key=len, reverse=True)) + r")s?\b(?P<dot>\.)?"
_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august",
           "september", "october", "november", "december")
_MON_ABBR = {name[:3]: i + 1 for i, name in enumerate(_MONTHS)} | {"sept": 9}
_MON_ABBR.update({name: i + 1 for i, name in enumerate(_MONTHS)})
MON = r"(?P<mon>" + "|".join(sorted(_MON_ABBR, key=len, reverse=True)) + r")\b\.?"
_ORD_WORDS = [
    "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth",
    "tenth", "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth",
    "seventeenth", "eighteenth", "nineteenth", "twentieth",
]
_ORD = {w: i + 1 for i, w in enumerate(_ORD_WORDS)} | {"thirtieth": 30, "last": -1}
_ORD.update({f"twenty[- ]?{w}": 20 + i + 1 for i, w in enumerate(_ORD_WORDS[:9])})
_ORD.update({"thirty[- ]?first": 31})
ORDW = r"(?:" + "|".join(sorted(_ORD, key=len, reverse=True)) + ")"
DAYNUM = r"(?:\d{1,2}(?:st|nd|rd|th)?|" + ORDW + ")"
AMPM = r"(?P<ap>\s*(?:a\.?\s?m\b\.?|p\.?\s?m\b\.?|in\s+the\s+[ap]m\b)|[ap]\b)"
HOURW = r"(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)"
_REL = {"this": 0, "current": 0, "coming": 0, "next": 1, "following": 1, "the following": 1,
        "last": -1, "past": -1, "previous": -1, "this past": -1}
_UNIT = {"sec": "second", "second": "second", "min": "minute", "minute": "minute", "'": "minute",
         "hour": "hour", "hr": "hour", "h": "hour", "day": "day", "week": "week", "wk": "week",
         "fortnight": "week", "month": "month", "year": "year", "yr": "year", '"': "second"}
UNIT = r"(?P<u>second|sec|minute|min|hour|hr|h|day|fortnight|week|wk|month|year|yr|'|\")s?\b"
_AMOUNT = (r"(?P<n>\d+(?:\.\d+)?|an?|" + EN_NUM_WORD + r"|(?:a\s+)?couple(?:\s+of)?|(?:a\s+)?few"
           r"|several|a\s+pair\s+of|half\s+an?|1/2|1/4|3/4|a\s+quarter\s+of\s+an?"
           r"|three[- ]quarters\s+of\s+an?)(?P<half>\s+and\s+an?\s+half)?\s*(?:more\s+)?")
_FRACTION = {"1/2": 0.5, "1/4": 0.25, "3/4": 0.75}
_PODS = {"morning": Pod(4, 12, 9, False), "afternoon": Pod(12, 19, 14, True),
         "evening": Pod(18, 24, 19, True), "night": Pod(18, 24, 20, True),
         "lunch": Pod(12, 14, 12, True), "lunchtime": Pod(12, 14, 12, True),
         "after lunch": Pod(13, 17, 13, True), "early morning": Pod(4, 9, 7, False),
         "daytime": Pod(8, 18, 9, False)}
_ZONES = {"utc": 0, "gmt": 0, "cet": 60, "cest": 120, "bst": 60, "pst": -480, "pdt": -420,
          "mst": -420, "mdt": -360, "cst": 480, "est": -300, "edt": -240, "jst": 540,
          "hkt": 480, "sgt": 480, "ist": 330, "aest": 600, "北京时间": 480}


def _piece(m: re.Match[str], **slots: object) -> Piece:
    return Piece(span=m.span(), **slots)  # type: ignore[arg-type]


def _amount(m: re.Match[str]) -> float | None:
    raw = re.sub(r"\s+", " ", m["n"])
    if raw in _FRACTION:
        value: float | None = _FRACTION[raw]
    elif raw.startswith("half"):
        value = 0.5
    elif "quarter" in raw:
        value = 0.75 if raw.startswith("three") else 0.25
    elif raw.replace(".", "", 1).isdigit():
        value = float(raw)
    else:
        number = en_int(raw)
        value = None if number is None else float(number)
    if value is not None and m.groupdict().get("half"):
        value += 0.5
    return value


def _offset(m: re.Match[str]) -> Piece | None:
    amount, unit = _amount(m), _UNIT[m["u"]]
    if not amount:
        return None
    if m["u"] == "fortnight":
        amount *= 2
    direction = m.groupdict().get("dir") or "in"
    back = direction.split()[-1] in ("ago", "before", "earlier", "back", "last", "past",
                                     "previous")
    return _piece(m, offset=(unit, -amount if back else amount), past=back)


def _weekday(m: re.Match[str]) -> Piece | None:
    mod, after = m["mod"], m["after"] or ""
    supported = mod or after or m["dot"] or m.string.startswith(",", m.end()) or re.search(
        r"\b(?:by|before|on|until|till|from|every|next|this|for|after)\s+$", m.string[:m.start()])
    if m["wd"] in ("sat", "sun", "wed") and not supported:
        return None  # "I sat with Li", "the sun": only a weekday with some support
    day = _WD_ABBR[m["wd"]]
    if "week" in after:
        rel = -1 if "last" in after else 1 if "next" in after else 0
        return _piece(m, weekday=day, week_rel=rel, past=rel < 0)
    if after:
        return _piece(m, weekday=day, weekday_mode="after")
    if mod == "next":  # Duckling's reading, and a rep's: the weekday of next calendar week
        return _piece(m, weekday=day, week_rel=1)
    modes = {"this": "this", "coming": "this"}
    mode = modes.get(mod or "", "last" if mod else None)
    return _piece(m, weekday=day, weekday_mode=mode, past=mode == "last")


def _week_of(m: re.Match[str]) -> Piece:
    rel = _REL[m["mod"]]
    return _piece(m, weekday=_WD_ABBR[m["wd"]], week_rel=rel, past=rel < 0)


def _rel_day(m: re.Match[str]) -> Piece:
    word = re.sub(r"\s+", " ", m[0]).removeprefix("the ")
    table = {"today": 0, "tonight": 0, "tonite": 0, "yesterday": -1, "last night": -1,
             "yday": -1, "yest": -1, "ystd": -1, "ytday": -1,
             "day after tomorrow": 2, "day before yesterday": -2}
    offset = table.get(word, 1)
    pod = _PODS["evening"] if word in ("tonight", "tonite", "last night") else None
    return _piece(m, day_rel=offset, pod=pod, past=offset < 0)


def _period(m: re.Match[str]) -> Piece:
    rel, unit = _REL[re.sub(r"\s+", " ", m["mod"])], m["u"]
    if unit.startswith(("weekend", "week-end", "wkend")):
        return _piece(m, week_rel=rel, part="weekend", past=rel < 0)
    slot = {"week": "week_rel", "wk": "week_rel", "month": "month_rel", "year": "year_rel",
            "yr": "year_rel", "quarter": "quarter_rel", "qtr": "quarter_rel"}[unit]
    return _piece(m, past=rel < 0, **{slot: rel})


def _day_number(token: str | None) -> int | None:
    if not token:
        return None
    digits = re.match(r"\d+", token)
    if digits:
        return int(digits[0])
    for pattern, value in _ORD.items():
        if re.fullmatch(pattern, token):
            return value
    return None


def _year_of(token: str | None) -> int | None:
    if not token:
        return None
    year = int(token)
    return year + (2000 if year < 50 else 1900) if year < 100 else year


def _month_day(m: re.Match[str]) -> Piece | None:
    month, dom = _MON_ABBR[m["mon"].rstrip(".")], _day_number(m["d"])
    year = _year_of(m["y"])
    if dom is None and year is None and m["mon"] == "may":
        return None  # the modal verb
    if dom is not None and not 1 <= dom <= 31:
        return None
    return _piece(m, month=month, dom=dom, year=year)


def _the_nth(m: re.Match[str]) -> Piece | None:
    dom = _day_number(m["d"])
    if dom is None or not 1 <= dom <= 31:
        return None
    return _piece(m, dom=dom, needs_anchor=not m[0].startswith(("the", "on")))


def _numeric_date(m: re.Match[str]) -> Piece | None:
    month, dom = int(m["m"]), int(m["d"])
    year = _year_of(m["y"])
    if not (1 <= month <= 12 and 1 <= dom <= 31):
        return None
    return _piece(m, month=month, dom=dom, year=year)


def _nth_weekday(m: re.Match[str]) -> Piece | None:
    nth = _day_number(m["n"])
    if nth is None:
        return None
    return _piece(m, month=_MON_ABBR[m["mon"].rstrip(".")], weekday=_WD_ABBR[m["wd"]], nth=nth,
                  year=_year_of(m["y"]))


def _nth_day(m: re.Match[str]) -> Piece | None:
    month, nth, year = _MON_ABBR[m["mon"].rstrip(".")], _day_number(m["n"]), _year_of(m["y"])
    if nth == -1:
        return _piece(m, month=month, part="end", year=year)
    return _piece(m, month=month, dom=nth, year=year) if nth else None


def _quarter(m: re.Match[str]) -> Piece | None:
    quarter = _day_number(m["n"]) or (int(m["q"]) if m["q"] else None)
    if quarter is None or not 1 <= quarter <= 4:
        return None
    return _piece(m, quarter=quarter, year=_year_of(m["y"]))


def _edge(m: re.Match[str]) -> Piece:
    abbr = m["abbr"]
    if abbr:
        part = "begin" if abbr.startswith("b") else "end"
        unit = {"d": "day", "b": "day", "w": "week", "m": "month", "y": "year", "q": "quarter"}[
            abbr[-1] if abbr != "cob" else "d"]
    else:
        part = {"end": "end", "beginning": "begin", "start": "begin"}.get(m["part"], "mid")
        unit = m["u"]
    rel = _REL.get(m.groupdict().get("mod") or "", 0)
    if unit == "day":  # end of the working day; "EOD tomorrow" names the day separately
        day = {"day_rel": rel} if m.groupdict().get("mod") else {}
        return _piece(m, clock=Clock(18, 0, ambiguous=False), **day)
    slot = {"week": "week_rel", "month": "month_rel", "year": "year_rel",
            "quarter": "quarter_rel"}[unit]
    return _piece(m, part=part, part_of=unit, **{slot: rel})


def _early_late(m: re.Match[str]) -> Piece:
    part = {"early": "begin", "mid": "mid", "middle": "mid", "late": "end", "end": "end"}[m["p"]]
    return _piece(m, month=_MON_ABBR[m["mon"].rstrip(".")], part=part)


def _meridiem(m: re.Match[str]) -> str | None:
    ap = m.groupdict().get("ap")
    return None if not ap else "pm" if "p" in ap else "am"


def _clock(m: re.Match[str]) -> Piece | None:
    groups = m.groupdict()
    hm = groups.get("hm")
    hour_raw = hm[:-2] if hm else groups["h"]
    minute_raw = hm[-2:] if hm else groups.get("m")
    hour = en_int(hour_raw) if hour_raw else None
    minute = en_int(minute_raw.replace(" ", "-")) if minute_raw else 0
    if hour is None or minute is None or hour > 24 or minute > 59:
        return None
    second = int(groups["s"]) if groups.get("s") else 0
    meridiem = _meridiem(m)
    if meridiem and not 1 <= hour <= 12:
        return None
    ambiguous = hour <= 12 and not (hour_raw or "").startswith("0")
    return _piece(m, clock=Clock(hour, minute, second, meridiem, ambiguous))


def _relative_clock(m: re.Match[str]) -> Piece | None:
    word = m["mm"]
    minutes = {"half": 30, "quarter": 15, "a quarter": 15}.get(word) or en_int(word)
    target = m["h"]
    hour = {"noon": 12, "midnight": 0}.get(target) or en_int(target)
    if minutes is None or hour is None or minutes >= 60:
        return None
    total = hour * 60 + (minutes if m["dir"] in ("past", "after") else -minutes)
    meridiem = _meridiem(m)
    if target == "noon":
        meridiem = "am" if total < 720 else "pm"
    hour, minute = divmod(total % 1440, 60)
    ambiguous = target not in ("noon", "midnight") and meridiem is None
    return _piece(m, clock=Clock(hour % 12 if meridiem else hour, minute, 0, meridiem, ambiguous)
                  if meridiem else Clock(hour, minute, 0, None, ambiguous))


def _half_hour(m: re.Match[str]) -> Piece | None:
    hour = en_int(m["h"])  # British "half three" is 3:30
    return _piece(m, clock=Clock(hour, 30)) if hour and hour <= 12 else None


def _noon(m: re.Match[str]) -> Piece:
    return _piece(m, clock=Clock(0 if m["w"] == "midnight" else 12, 0, ambiguous=False))


def _clock_range(m: re.Match[str]) -> Piece | None:
    start, end = int(m["h"]), int(m["h2"])
    meridiem = _meridiem(m)
    if start > 12 or end > 12:
        return None
    if meridiem == "pm" and start > end:  # "11-1pm" starts in the morning
        meridiem = "am"
    return _piece(m, clock=Clock(start, int(m["m"] or 0), 0, meridiem, meridiem is None))


def _pod(m: re.Match[str]) -> Piece:
    word = re.sub(r"\s+", " ", m["w"])
    return _piece(m, pod=_PODS["early morning" if m["early"] else word])


def _holiday(m: re.Match[str]) -> Piece:
    rule = HOLIDAYS[m["w"]]
    year = _year_of(m["y"])
    year_rel = _REL[m["ymod"]] if m["ymod"] else None
    mode = "last" if m["mod"] == "last" else None
    return _piece(m, holiday=rule, year=year, year_rel=year_rel, weekday_mode=mode)


def _anchor_shift(m: re.Match[str]) -> Piece | None:
    """ "the day before Christmas", "an hour before 3pm", "a week from Monday": waits for the
    time it moves."""
    day = m.groupdict().get("day")
    amount = 1.0 if day else _amount(m)
    if not amount:
        return None
    unit = "day" if day else _UNIT[m["u"]]
    sign = -1 if m["dir"].startswith(("before", "prior")) else 1
    return _piece(m, shift=(unit, sign * amount), needs_anchor=True)


def _chain(m: re.Match[str]) -> Piece:
    return _piece(m, chain=("day", 1))


def _count_weekday(m: re.Match[str]) -> Piece | None:
    count = en_int(m["n"])
    return _piece(m, count_weekday=(_WD_ABBR[m["wd"]], count)) if count else None


def _now(m: re.Match[str]) -> Piece:
    return _piece(m, now=True, past=m[0].startswith("just"))


def _year(m: re.Match[str]) -> Piece:
    return _piece(m, year=int(m["y"]))


_EN_HOLIDAYS = sorted((k for k in HOLIDAYS if k.isascii()), key=len, reverse=True)
_NOT_AMOUNT = r"(?![\d:/.,%-]|\s*(?:k\b|m\b|w\b|usd|rmb|dollars|yuan|元|万|块|people|pcs|units))"


def _rule(pattern: str, build: Callable[[re.Match[str]], Piece | None]) -> Rule:
    return re.compile(pattern), build


RULES: list[Rule] = [
    _rule(r"\b(?:right\s+now|just\s+now|now|asap)\b", _now),
    _rule(r"\b(?:the\s+)?day\s+(?:after\s+tomorrow|before\s+yesterday)\b|\btoday\b|\btonight\b"
          r"|\btonite\b|\btomm?orr?ows?\b|\btmrw?\b|\btmw\b|\b2mor+ow\b|\b2moro\b|\byesterday\b"
          r"|\by(?:t)?day\b|\byest\b|\bystd\b|\blast\s+night\b", _rel_day),
    _rule(r"\b(?:(?P<mod>this\s+coming|this|next|last|coming|past|previous|this\s+past)\s+)?"
          + WD + r"(?:\s+(?P<after>after\s+next|(?:of|from)\s+(?:next|this|last)\s+week"
          r"|(?:next|this|last)\s+week))?", _weekday),
    _rule(r"\b(?P<mod>last|next|this)\s+week'?s\s+" + WD, _week_of),
    _rule(r"\b(?:the\s+)?week\s+after\s+next\b", lambda m: _piece(m, week_rel=2)),
    _rule(r"\b(?:over|on|at|during|for)\s+the\s+week-?end\b",
          lambda m: _piece(m, week_rel=0, part="weekend")),
    _rule(r"\b(?P<mod>this\s+past|this|next|last|past|previous|current|coming|the\s+following"
          r"|following)\s+(?P<u>week-?ends?|wkend|week|wk|month|year|yr|quarter|qtr)\b", _period),
    _rule(r"\b(?:the\s+)?" + MON + r"(?:\s+the)?\s*(?P<d>" + DAYNUM + r")?\b"
          r"(?:(?:\s*-\s*|\s+(?:to|thru|through)\s+)\d{1,2}(?:st|nd|rd|th)?\b)?"
          r"(?:,?\s*(?P<y>(?:19|20)\d{2})\b)?", _month_day),
    _rule(r"\b(?:the\s+)?(?P<d>" + DAYNUM + r")(?:(?:\s*-\s*|\s+(?:to|thru|through)\s+)"
          + DAYNUM + r")?\s*(?:of\s+)?" + MON + r"(?:,?\s*(?P<y>(?:19|20)?\d{2})\b(?!:))?",
          _month_day),
    _rule(r"\b(?:on\s+)?(?:the\s+)?(?P<d>\d{1,2}(?:st|nd|rd|th)|" + ORDW + r")\b"
          r"(?!\s+(?:of|day|week|quarter|qtr|time|floor|place|round|call|visit|meeting))",
          _the_nth),
    _rule(r"(?<![\d/.-])(?P<y>\d{4})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})(?![\d/.-])",
          _numeric_date),
    _rule(r"(?<![\d/.-])(?P<m>\d{1,2})/(?P<d>\d{1,2})(?:/(?P<y>\d{4}|\d{2}))?(?![\d/.]|\s*h)",
          _numeric_date),
    _rule(r"(?<![\d/.-])(?P<m>\d{1,2})[.-](?P<d>\d{1,2})[.-](?P<y>\d{4}|\d{2})(?![\d/.-])",
          _numeric_date),
    _rule(r"\b(?P<n>first|second|third|fourth|fifth|last|1st|2nd|3rd|4th|5th)\s+" + WD
          + r"\s+(?:of|in)\s+" + MON + r"(?:,?\s+(?P<y>\d{4}))?", _nth_weekday),
    _rule(r"\b(?:the\s+)?(?P<n>" + ORDW + r"|\d{1,2}(?:st|nd|rd|th))\s+day\s+(?:of|in)\s+" + MON
          + r"(?:,?\s+(?P<y>\d{4}))?", _nth_day),
    _rule(r"\b(?:the\s+)?(?:(?P<n>first|second|third|fourth|1st|2nd|3rd|4th)\s+(?:quarter|qtr)"
          r"|q(?P<q>[1-4]))\b(?:\s+(?:of\s+)?(?P<y>\d{4}))?", _quarter),
    _rule(r"\b(?:(?:the\s+)?(?P<part>end|beginning|start|middle)\s+of\s+(?:the\s+)?"
          r"(?:(?P<mod>this|next|last|current)\s+)?(?P<u>day|week|month|year|quarter)"
          r"|(?P<abbr>eod|eow|eom|eoy|eoq|bom|boy|cob))\b", _edge),
    _rule(r"\b(?P<p>early|mid|middle|late|end)[- ]?(?:of\s+)?" + MON, _early_late),
    _rule(r"(?<![\d:.$¥€£])(?P<h>\d{1,2}):(?P<m>\d{2})(?::(?P<s>\d{2}))?(?!\d)(?:" + AMPM + ")?",
          _clock),
    _rule(r"(?<![\d:.$¥€£,])(?:(?P<hm>\d{3,4})|(?P<h>\d{1,2}))\s*(?:ish\s*)?" + AMPM, _clock),
    _rule(r"\b(?P<h>\d{1,2}|" + HOURW + r")\s*o'?clock(?:\s*" + AMPM + ")?", _clock),
    _rule(r"(?:\b(?:at|around|about|approximately)|@)\s+(?:about\s+|around\s+)?"
          r"(?:(?P<hm>\d{3,4})|(?P<h>\d{1,2}|" + HOURW + r")(?:[:\s](?P<m>\d{2}|" + EN_NUM_WORD
          + r"))?)(?:" + AMPM + r")?\b" + _NOT_AMOUNT, _clock),
    _rule(r"\b(?P<h>" + HOURW + r")(?:\s+(?P<m>" + EN_NUM_WORD + r"))?\s*" + AMPM, _clock),
    _rule(r"\b(?P<h>\d{1,2}|" + HOURW + r")(?=\s+(?:tonight|tomorrow|today|this\s+(?:morning|"
          r"afternoon|evening)|in\s+the\s+(?:morning|afternoon|evening)))", _clock),
    _rule(r"\bhalf\s+(?P<h>\d{1,2}|" + HOURW + r")\b(?!\s*(?:an?\b|hours?|past|to))", _half_hour),
    _rule(r"(?<![\d:])\b(?P<mm>\d{1,2}|" + EN_NUM_WORD + r"|a\s+quarter|quarter|half)"
          r"(?:\s+minutes?)?\s+"
          r"(?P<dir>past|after|to|before|till|of)\s+(?P<h>\d{1,2}|" + HOURW + r"|noon|midnight)"
          r"(?:" + AMPM + ")?", _relative_clock),
    _rule(r"\b(?:12\s*)?(?P<w>noon|midday|midnight)\b", _noon),
    _rule(r"(?<![\d:/.-])(?P<h>\d{1,2})(?::(?P<m>\d{2}))?\s*(?:-|to|till|until)\s*(?P<h2>\d{1,2})"
          r"(?::\d{2})?\s*" + AMPM, _clock_range),
    _rule(r"\b(?P<early>early\s+(?:in\s+the\s+)?)?(?P<w>morning|afternoon|evening|night|lunchtime"
          r"|lunch|after\s+lunch|daytime)s?(?:ish)?\b", _pod),
    _rule(r"\b(?P<tz>" + "|".join(k for k in _ZONES if k.isascii()) + r")\b|(?P<tz2>北京时间)",
          lambda m: _piece(m, tz=_ZONES[m["tz"] or m["tz2"]])),
    _rule(r"\b(?:(?P<mod>this|next|last)\s+)?(?P<w>" + "|".join(map(re.escape, _EN_HOLIDAYS))
          + r")\b(?:\s+(?P<y>(?:19|20)\d{2})\b|\s+of\s+(?P<ymod>this|next|last)\s+year)?",
          _holiday),
    _rule(r"\b(?:the\s+)?(?:(?P<day>day)|" + _AMOUNT + UNIT + r")\s+(?P<dir>before|after"
          r"|prior\s+to)\b(?!\s+(?:tomorrow|yesterday|next|that)\b)", _anchor_shift),
    _rule(r"\b" + _AMOUNT + UNIT + r"\s+(?P<dir>from)\b(?!\s+(?:now|today|right\s+now)\b)",
          _anchor_shift),
    _rule(r"\b(?:the\s+)?(?:next|following)\s+day\b", _chain),
    _rule(r"\b(?:a\s+)?(?P<n>couple|few)(?:\s+of)?\s+(?P<u>day|week)s\b(?!\s+(?:ago|before|back))",
          lambda m: _piece(m, offset=(m["u"], 2.0 if m["n"] == "couple" else 3.0))),
    _rule(r"\bin\s+(?:about\s+|around\s+|approximately\s+|just\s+)?" + _AMOUNT + UNIT, _offset),
    _rule(r"\b" + _AMOUNT + UNIT + r"\s+(?P<dir>ago|before|earlier|back|from\s+now|from\s+today"
          r"|from\s+right\s+now|hence|later)\b", _offset),
    _rule(r"\b(?P<dir>the\s+next|the\s+last|the\s+past|next|last|past|previous|within|after)\s+"
          + _AMOUNT + UNIT, _offset),
    _rule(r"\b(?P<n>\d+|" + EN_NUM_WORD + r")\s+" + WD + r"\s+from\s+now\b", _count_weekday),
    _rule(r"\b(?:in|of|year|since)\s+(?P<y>(?:19|20)\d{2})\b", _year),
]
