"""Who a message is about: a person (张总), a company (招行, 宁德时代), or both (京东采购部张总).

The mention is a slice of the user's own text, so the matcher sees what the rep typed: the
company and the person together when they are written together ("京东采购部张总", "Janet at
Acme"), else the person, else the company. The parts come back separately too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from . import _names as names

__all__ = ["Mention", "zh_mention"]


@dataclass(frozen=True)
class Mention:
    text: str                  # the slice of the message the matcher should look up
    company: str | None        # the company part as written, if any
    person: str | None         # the person part as written, if any
    company_full: str | None   # the long form of a known short company name (招行 -> 招商银行)
    sure: bool                 # False when only a loose guess found it


@dataclass(frozen=True)
class _Span:
    start: int
    end: int
    known: str | None = None   # full company name from the lexicon


_PERSON_ZH = re.compile(
    rf"(?:[小老](?=[{names.SURNAMES}](?![{names.SURNAMES}])))?[{names.SURNAMES}]"
    rf"(?:{'|'.join(sorted(names.TITLES, key=len, reverse=True))})"
    r"(?![部额价量数结共体计之裁])"  # 顺丰总部, 总额: not a person
    rf"|[小老][{names.SURNAMES}](?![\u4e00-\u9fff]?[总经工姐哥])"
    r"(?=[^\u4e00-\u9fff]|[说的和跟那也都])"
)
_COMPANY_LEX = re.compile("|".join(sorted(map(re.escape, names.COMPANIES), key=len, reverse=True)))
_LATIN = re.compile(r"[a-z][a-z0-9&.'-]*[a-z0-9]|[a-z]")
_CUT2_WORDS = (
    "拜访了 拜访 拜见 见了 见到 见面 联系了 联系 打电话 打了 打给 电话 通了 通话 发给 发了 寄给 "
    "约了 提醒 记得 别忘 帮我 今天 明天 昨天 刚刚 刚才 已经 那边 这边 那单 这单 单子 项目 案子 "
    "那个 这个 一起 吃了 吃饭 开了 开会 视频 会议 沟通 讨论 采购 客户 公司的 的人 上午 下午 "
    "晚上 早上 中午 聊了 谈了 说了 表示 觉得 确认 需求 方案 报价 合同 签了 签约 验收 回款 尾款 "
    "终于 要求 希望 说 催一下 追一下 问一下 查一下 看一下 看看 查查 更新 拿下 没戏 黄了 丢了 "
    "输了 赢了 掉了 成交 进入 推进 阶段 商机 资料 信息 电话多少 怎么样 到哪 还有 今晚 后天 下周 "
    "上周 这周 本周 月底 立项 短名单 技术 交流 数字 样品 续约 祝福 年货 粽子 拿验收 一趟 过去 "
    "回访 跟进 再约 再联系 记录 拜访记录 到时候 时候 记住 备忘 "
    "发合同 发报价 发资料 发方案 发邮件 发样品 发个 发一下 发份 发送"
)
_CUT2 = re.compile("|".join(sorted(_CUT2_WORDS.split(), key=len, reverse=True)))
_CUT1 = set(
    "同俾的了在去到跟和与给把被对向找约说问催追送寄带拿签交改做吃回要想让请帮我你他她它们"
    "是也都就还又再呢吗吧啊哦呀嘛啦喔哈嘅咗嚟睇话畀佢"
)
_VERB_BEFORE = re.compile(
    r"拜[访防仿方]了?|拜见了?|见了|见到了?|去了趟|去了|去的|去|到|在|跟进一下|跟进|跟踪|跟|和|与|同|给|发给|打给|寄给"
    r"|联系|约了|找|查一下|查查|查|看看|看一下|追一下|催一下"
)
_RIGHT_ANCHOR = re.compile(
    r"(?:的|嘅)?(?:单子|单|项目|案子|标|商机|客户资料|资料|合同|尾款|订单|报价|rfp|po|opportunity)"
    r"|那边|那单|这单|那个|这个|的|嘅"
)
_COMPETITOR_ZH = re.compile(r"(?:输给了?|被|选了|选择了|改用|换成了?|转投|选)$")


def _run_right(norm: str, start: int, limit: int = 10) -> int:
    """End of a name that starts at start: up to a stop word, punctuation or a masked gap."""
    if _CUT2.match(norm, start) or norm[start] in _CUT1:  # "给他答复" names no one
        return start
    i = start
    while i < len(norm) and i - start < limit:
        ch = norm[i]
        if not (ch.isalnum() or ch in "&·-"):
            break
        if i > start and (ch in _CUT1 or _CUT2.match(norm, i)
                          or ch.isascii() != norm[i - 1].isascii()):
            break  # "给Hooli发proposal": a switch of script ends a name
        i += 1
    return i


def _run_left(norm: str, end: int, limit: int = 10) -> int:
    """Start of a name that ends at end, stripping the verbs and words before it."""
    i = end
    while i > 0 and (end - i < limit or norm[i - 1].isascii()) and (
            norm[i - 1].isalnum() or norm[i - 1] in "&·-") and (
            i == end or norm[i - 1].isascii() == norm[i].isascii()):
        i -= 1
    chunk = norm[i:end]
    cut = max([m.end() for m in _CUT2.finditer(chunk)] + [0])
    known = {p for m in _COMPANY_LEX.finditer(chunk) for p in range(m.start(), m.end())}
    for pos in range(len(chunk) - 1, cut - 1, -1):
        if chunk[pos] in _CUT1 and pos not in known:  # 美的 keeps its 的
            cut = pos + 1
            break
    return i + cut


def _zh_people(norm: str) -> list[_Span]:
    people = []
    for m in _PERSON_ZH.finditer(norm):
        before = norm[max(0, m.start() - 4):m.start()]
        if not any(before.endswith(w) for w in names.OUR_SIDE):
            people.append(_Span(m.start(), m.end()))
    return people


def _extend(norm: str, start: int, end: int) -> int:
    suffix = names.ORG_SUFFIX.match(norm, end)
    return suffix.end() if suffix else end


def _zh_companies(norm: str, people: list[_Span]) -> list[_Span]:
    found = [_Span(m.start(), _extend(norm, m.start(), m.end()), names.COMPANIES[m[0]])
             for m in _COMPANY_LEX.finditer(norm)]
    taken = [(c.start, c.end) for c in found] + [(p.start, p.end) for p in people]
    for start, end in _loose_companies(norm, people):
        if end - start >= 2 and all(end <= s or start >= e for s, e in taken):
            found.append(_Span(start, end))
            taken.append((start, end))
    return sorted((c for c in found if not _COMPETITOR_ZH.search(norm[:c.start])),
                  key=lambda c: c.start)


def _loose_companies(norm: str, people: list[_Span]) -> list[tuple[int, int]]:
    """Names no lexicon knows, from where they sit: before a person, a deal word, after a verb."""
    spans = []
    for p in people:
        dept = names.DEPARTMENT.fullmatch(norm, _dept_start(norm, p.start), p.start)
        if dept:
            spans.append((_run_left(norm, dept.start()), dept.start()))
    for m in _RIGHT_ANCHOR.finditer(norm):
        if m.start() > 0 and norm[m.start() - 1].isalnum() and not _inside_word(norm, m.start()):
            spans.append((_run_left(norm, m.start()), m.start()))
    for m in _VERB_BEFORE.finditer(norm):
        if m.end() < len(norm) and norm[m.end()].isalnum():
            spans.append((m.end(), _run_right(norm, m.end())))
    return [(s, _trim(norm, s, e)) for s, e in spans if e > s and not _jargon(norm, s, e)]


def _inside_word(norm: str, at: int) -> bool:
    """A stop word runs across at: 合同 in "给张三发合同" belongs to 发合同, not to a name."""
    return any(w.start() < at < w.end() for w in _CUT2.finditer(norm, max(0, at - 3), at + 3))


def _jargon(norm: str, start: int, end: int) -> bool:
    word = norm[start:end]
    return word.isascii() and (word in names.LATIN_JARGON or word not in names.COMPANIES)


def _dept_start(norm: str, end: int) -> int:
    """Leftmost start for which DEPARTMENT could end at end (it is at most 8 chars long)."""
    for start in range(max(0, end - 8), end + 1):
        if names.DEPARTMENT.fullmatch(norm, start, end) and (
                start == 0 or norm[start - 1].isalnum()):
            return start
    return end


def _trim(norm: str, start: int, end: int) -> int:
    while end > start and norm[end - 1] in "的嘅":
        end -= 1
    return end


def _latin_names(norm: str, text: str) -> list[_Span]:
    """Latin names in Chinese text: capitalised ones ("理想的Alex"); lower-case English there
    is jargon ("visit了", "budget还没approve")."""
    spans: list[_Span] = []
    for m in _LATIN.finditer(norm):
        word = m[0]
        if word in names.LATIN_JARGON or (m.start() and norm[m.start() - 1].isalpha()
                                          and norm[m.start() - 1].isascii()):
            continue
        if sum(ch.isdigit() for ch in word) >= 3:  # SO20261123-088: an order number
            continue
        if text[m.start()].isupper() or word in names.COMPANIES:
            if spans and norm[spans[-1].end:m.start()] == " ":  # "David Lee": one name
                spans[-1] = _Span(spans[-1].start, m.end())
            else:
                spans.append(_Span(m.start(), m.end()))
    return spans


def _choose(norm: str, text: str, people: list[_Span], companies: list[_Span],
            loose: bool) -> Mention | None:
    person = people[0] if people else None
    company = companies[0] if companies else None
    if person is not None:
        for c in companies:
            gap = norm[c.end:person.start]
            if c.end <= person.start and (names.DEPARTMENT.fullmatch(gap) or gap.strip() == ""):
                # "华为张总", "腾讯的陈姐" stay whole (the matcher splits them); a Latin
                # name is looked up alone, its company rides along in Mention.company.
                start = person.start if norm[person.start].isascii() else c.start
                return _mention(text, c, person, start, person.end, True)
        return _mention(text, company, person, person.start, person.end, True)
    named = _name_after(norm, company) if company is not None else None
    if company is not None and named is not None:  # "华为张三那单": the company's person too
        return _mention(text, company, named, company.start, named.end, True)
    if company is not None and company.known is None and _looks_like_a_name(norm, company):
        return _mention(text, None, company, company.start, company.end, False)  # "拜访周八"
    if company is not None:
        return _mention(text, company, None, company.start, company.end,
                        company.known is not None or not loose)
    return None


def _name_after(norm: str, company: _Span) -> _Span | None:
    """A full name written right after a company ("华为张三，", "美的的赵磊那单"): the person
    the rep means, which the matcher checks against the company's people."""
    start = company.end + (norm[company.end:company.end + 1] in ("的", "嘅"))
    span = _Span(start, _run_right(norm, start, limit=3)) if start < len(norm) else None
    return span if span is not None and _looks_like_a_name(norm, span) else None


def _looks_like_a_name(norm: str, span: _Span) -> bool:
    """Two or three characters led by a common surname: a person's name (周八, 张三)."""
    word = norm[span.start:span.end]
    return 2 <= len(word) <= 3 and word[0] in names.SURNAMES and not word.isascii()


def _mention(text: str, company: _Span | None, person: _Span | None, start: int, end: int,
             sure: bool) -> Mention:
    def cut(span: _Span | None) -> str | None:
        return text[span.start:span.end] if span else None

    return Mention(text[start:end], cut(company), cut(person),
                   company.known if company else None, sure)


def _masked(norm: str, spans: list[tuple[int, int]]) -> str:
    chars = list(norm)
    for start, end in spans:
        chars[start:end] = "\x00" * (end - start)
    return "".join(chars)


def zh_mention(norm: str, text: str, masked: list[tuple[int, int]]) -> Mention | None:
    norm = _masked(norm, masked)
    people = _zh_people(norm)
    latin = _latin_names(norm, text)
    for span in latin:  # "采购的Kevin" is a person, "vivo的PO" a company
        if norm[max(0, span.start - 1):span.start] in ("的", "嘅", "和", "跟") and \
                norm[span.end:span.end + 1] not in ("的", "嘅", "那"):
            people.append(span)
    if people and people[0].start == 0 and norm[people[0].end:people[0].end + 1] in ",:":
        people = people[1:]  # "老王，帮我提醒…": the one spoken to, not the customer
    known = [m.span() for m in _COMPANY_LEX.finditer(norm)]
    people = sorted((p for p in people if not any(s < p.end and p.start < e for s, e in known)),
                    key=lambda s: s.start)  # a person never overlaps a known company name
    companies = _zh_companies(norm, people)
    companies += [s for s in latin if s not in people
                  and all(s.end <= c.start or s.start >= c.end for c in companies)]
    companies.sort(key=lambda s: s.start)
    return _choose(norm, text, people, companies, loose=True)
