"""Which time in a message is which: when the contact happened, when to follow up, and which
times are only what the conversation was about.

A rep writes several times in one note ("聊了明年的采购计划，下周三回访"). The follow-up is the
time attached to a follow-up cue (回访, 再联系, follow up, remind…) or a deadline (周三前, by
Friday), else a plain future time; times that are the topic (明年的计划, next year budget, the
customer's trip or deadline) never are. The visit took place at the first past time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Literal

from ._lexicon import ANY_ACTIVITY as ACTIVITY
from .when import When

Role = Literal["happened", "follow", "topic"]

FOLLOW_CUE = re.compile(
    r"回访|跟进|[再在](?:拜[访防仿方]|见|去|来|打|约|聊|谈|联系|跟|找|沟通|过去|发|问|催|确认|看|碰|坐)"
    r"|复访|过去一趟"
    r"|再确认|再催|联系他|联系她|联系一下|联系|约在|约了|约好|催一下|催|回复|给.{0,3}答复|畀覆|覆"
    r"|发给他|发给她|发过去|发给|寄给|送过去|交方案|提醒|记得|别忘|记一下"
    r"|(?<![a-z])(?:follow(?:ing)?[- ]?up|reach(?:ing)? out|check(?:ing)? in|check back"
    r"|circle back"
    r"|touch base|call (?:him|her|them|back)|callback|try again|reconvene|ping|remind|reminder"
    r"|i'll|i will|we'll|we will|will|schedule[ds]?|booked|set for|next:|next step|send|email"
    r"|revisit|catch up|meet again|see (?:him|her|them))(?![a-z])"
)
# After the time: "周三前", "下周二之前" — a deadline, so a thing to do by then.
DEADLINE_AFTER = re.compile(r"^\s*(?:之前|以前|前|为止|before|at the latest)")
DEADLINE_BEFORE = re.compile(r"(?<![a-z])(?:by|no later than|due)\s*$|截止到?\s*$")
# Times that belong to the topic: the customer's plans, trips, decisions, deadlines.
# "明年的计划" is a topic; "下周二的会议" is our next contact, so not one.
TOPIC_AFTER = re.compile(r"^\s*(?:的(?!时候|话|会议|会面|见面|拜访|电话|约|demo|演示|call)|'s\b)")
TOPIC_BEFORE = re.compile(
    r"(?:聊了?|谈了?|讨论了?|说到|提到|关于|(?<![a-z])(?:about|discussed|after|until|till))\s*$"
)
AFTER = re.compile(r"(?<![a-z])after\s*$")
# The customer's own deadline is a topic even next to a cue: "deadline是12月18号".
THEIR_DEADLINE = re.compile(r"(?:(?<![a-z])deadline(?: is)?|deadline是|截止日?期?是?)\s*$")
TOPIC_WORDS = re.compile(
    r"出差|放假|休假|度假|董事会|审计|预算|去年|决策"
    r"|(?<![a-z])(?:board meeting|audit|vacation|holiday|out till|out until|in \w+ until"
    r"|budget|decision|roadmap|fiscal)(?![a-z])"
)
LOGGED_TODAY = re.compile(r"^\s*(?:补上|补记|补录|才记|记一下)")  # "今天补记": the logging day
PAST_VERB = re.compile(
    r"了|过|完|咗|刚|已经|已|(?<![a-z])(?:met|visited|called|spoke|talked|saw|had|went|was|were|did|sent|"
    r"emailed|texted|rang|phoned|caught up|landed)(?![a-z])"
)
JUST = re.compile(r"刚刚|刚才|刚(?!好)|(?<![a-z])just(?![a-z])|(?<![a-z])earlier today(?![a-z])")
BARE_PART_OF_DAY = re.compile(
    r"(?i)\s*(?:lunch(?:time)?|breakfast|dinner|morning|afternoon|evening|night|上午|下午|中午|晚上"
    r"|早上|傍晚|午饭|晚饭)\s*"
)
_CLAUSE = re.compile(r"[,.;!?:。，；！？、\n]|\s-\s|\s{2,}")
_QUOTES = re.compile(r"“[^”]*”|「[^」]*」|『[^』]*』|\"[^\"]*\""
                     r"|(?<![\w])'(?=\w).*?(?<=[\w.!?])'(?!\w)")


@dataclass(frozen=True)
class _Reading:
    ahead: When
    behind: When
    role: Role
    strong: bool      # tied to a cue, a deadline or a reminder, not only "in the future"
    quoted: bool


def _clause(norm: str, span: tuple[int, int]) -> tuple[str, str]:
    """The clause text before and after a span."""
    left = _CLAUSE.split(norm[max(0, span[0] - 40):span[0]])[-1]
    if norm[span[1] - 1:span[1]] == ".":  # "in jan." took the full stop with it
        return left, ""
    right = _CLAUSE.split(norm[span[1]:span[1] + 40])[0]
    return left, right


def _future(w: When, now: datetime) -> bool:
    return w.start.date() > now.date() or (w.has_time and w.start > now)


def _nearest(ahead: When, behind: When, today: date) -> When:
    """For a yearless date or bare weekday, the reading closer to today."""
    return ahead if (ahead.start.date() - today) <= (today - behind.start.date()) else behind


def _read(norm: str, now: datetime, ahead: When, behind: When, remind: re.Pattern[str],
          quoted: bool, reported: bool) -> _Reading:
    left, right = _clause(norm, ahead.span)
    clause = left + " " + right
    deadline = bool(DEADLINE_AFTER.match(right) or DEADLINE_BEFORE.search(left))
    reminded = bool(remind.search(clause))
    cue = reminded or deadline or bool(FOLLOW_CUE.search(clause))
    # A year, a quarter or a month names a plan's horizon; "一个月后再联系" still is a date.
    horizon = ahead.grain in ("year", "quarter") or (ahead.grain == "month" and not cue)
    if THEIR_DEADLINE.search(left):
        return _Reading(ahead, behind, "topic", False, quoted)
    # "after the 15th" is the topic, unless the clause says to act then ("ping him after …"):
    # then the day after it, as a guess
    if AFTER.search(left) and FOLLOW_CUE.search(clause) and _future(ahead, now):
        later = replace(ahead, start=ahead.start + timedelta(days=1))
        return _Reading(later, later, "follow", False, quoted)
    soft = bool(TOPIC_BEFORE.search(left)) and not FOLLOW_CUE.search(clause)
    topic = bool(TOPIC_AFTER.match(right) or soft or horizon or TOPIC_WORDS.search(clause))
    if topic and not (reminded or (deadline and ahead.grain not in ("year", "quarter"))):
        return _Reading(ahead, behind, "topic", False, quoted)
    if LOGGED_TODAY.match(right):
        return _Reading(ahead, behind, "topic", False, quoted)
    if reported and BARE_PART_OF_DAY.fullmatch(ahead.text) and not cue:
        return _Reading(ahead, behind, "happened", False, quoted)  # "上午华为、下午美的"
    if behind.start != ahead.start:  # a bare weekday or a yearless date: which way?
        if cue:
            return _Reading(ahead, behind, "follow", True, quoted)
        # A report reads it the nearer way ("Met her on Saturday"); a plan looks ahead
        # ("重阳节拜访", "Kickoff Dec 7").
        near = _nearest(ahead, behind, now.date()) is behind
        acted = ACTIVITY.search(clause) is not None  # "3月5号和张总开会，确认了需求"
        if PAST_VERB.search(clause) or (reported and (near or acted)):
            return _Reading(behind, behind, "happened", False, quoted)
        return _Reading(ahead, behind, "follow", False, quoted)
    later_today = ahead.has_time and not PAST_VERB.search(clause)  # "下午三点半和陈总开会"
    if _future(ahead, now) and (cue or ahead.start.date() > now.date() or later_today):
        return _Reading(ahead, behind, "follow", cue, quoted)
    if ahead.start.date() == now.date() and cue and not PAST_VERB.search(right):
        return _Reading(ahead, behind, "follow", True, quoted)
    if cue and not PAST_VERB.search(clause):  # "去年三月回访": a follow-up, if a wrong one
        return _Reading(ahead, behind, "follow", True, quoted)
    return _Reading(behind, behind, "happened", False, quoted)


def _quoted_spans(norm: str) -> list[tuple[int, int]]:
    return [m.span() for m in _QUOTES.finditer(norm)]


def _inside(span: tuple[int, int], quotes: list[tuple[int, int]]) -> bool:
    return any(s <= span[0] and span[1] <= e for s, e in quotes)


@dataclass(frozen=True)
class Times:
    happened: datetime | None
    follow_up: datetime | None
    follow_up_sure: bool
    happened_span: tuple[int, int] | None  # where the visit's time is written, if it is
    happened_timed: bool = False  # a time of day was written ("下午三点"), not only a day


def classify(norm: str, now: datetime, ahead: list[When], behind: list[When],
             remind: re.Pattern[str], reminder: bool, reported: bool) -> Times:
    """Sort the message's times into happened / follow-up / topic."""
    back_by_span = {w.span: w for w in behind}
    quotes = _quoted_spans(norm)
    readings = [_read(norm, now, w, back_by_span.get(w.span, w), remind, _inside(w.span, quotes),
                      reported) for w in ahead]
    # Outside a quotation first: a pasted or forwarded text tells the background.
    readings.sort(key=lambda r: r.quoted)
    follows = [r for r in readings if r.role == "follow"]
    if reminder:  # everything in the future can be what the reminder is for
        follows += [r for r in readings if r.role == "topic" and _future(r.ahead, now)
                    and not follows]
    follow = _pick_follow(follows)
    # "Lunch with Priya … yesterday": a bare part of day names the meal, a dated time the day.
    # The contact's own time: one whose clause names a contact ("今天又打电话来") before one
    # that only sets the scene ("上周见的那个…"), and a dated one before a meal word.
    past = sorted((r for r in readings if r.role == "happened"),
                  key=lambda r: (not ACTIVITY.search(" ".join(_clause(norm, r.ahead.span))),
                                 bool(BARE_PART_OF_DAY.fullmatch(r.ahead.text))))
    happened = past[0].ahead.start if past else None
    span = past[0].ahead.span if past else None
    timed = bool(past) and past[0].ahead.has_time
    if happened is None and (just := JUST.search(norm)) and not reminder:
        happened, span, timed = now, just.span(), True
    sure = follow is not None and (follow.strong or (reminder and len(follows) == 1))
    return Times(happened, _due(follow.ahead, now) if follow else None, sure, span, timed)


def _due(w: When, now: datetime) -> datetime:
    """A period already begun ("本周内", "this month") is due at its end, not at its past start:
    Friday for a week, the last day for a longer one."""
    if w.start >= now or w.end is None or w.end <= now:
        return w.start
    friday = w.start + timedelta(days=4)
    if w.grain == "week" and friday > now:
        return friday
    last = w.end - timedelta(days=1)
    return last.replace(hour=w.start.hour, minute=w.start.minute) if last > now else w.start


def clause_of(norm: str, span: tuple[int, int]) -> tuple[int, int]:
    """Bounds of the clause holding span."""
    starts = [m.end() for m in _CLAUSE.finditer(norm, 0, span[0])]
    end = _CLAUSE.search(norm, span[1])
    return (starts[-1] if starts else 0), (end.start() if end else len(norm))


def _pick_follow(follows: list[_Reading]) -> _Reading | None:
    if not follows:
        return None
    pool = [r for r in follows if r.strong and not r.quoted] or \
        [r for r in follows if not r.quoted] or follows
    strong = [r for r in pool if r.strong] or pool
    # "Lunch w/ Dr. Kim … tomorrow at noon": the meal word is not the day when a date is there
    dated = [r for r in strong if not BARE_PART_OF_DAY.fullmatch(r.ahead.text)] or strong
    # the earliest day; on that day a clock time beats a part of day (which has an end),
    # and both beat the default hour
    return min(dated, key=lambda r: (r.ahead.start.date(), not r.ahead.has_time,
                                     r.ahead.end is not None, r.ahead.start))
