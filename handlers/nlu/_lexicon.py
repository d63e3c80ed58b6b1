"""Keyword lexicons for intent, activity and stage detection (normalised text)."""

from __future__ import annotations

import re


def _words(*alternatives: str) -> re.Pattern[str]:
    """Chinese alternatives match anywhere; English ones only as whole words."""
    parts = [a if not a[0].isascii() else rf"\b{a}\b" for a in alternatives]
    return re.compile("|".join(parts))


HELP = re.compile(
    r"^\s*(?:/?help|/start|帮助|使用说明|说明|怎么用|菜单|menu|\?|？)\s*[!！。.?？]*\s*$"
    r"|what can you do|how do i use|你能做什么|你会做什么|你会什么|能干什么|怎么使用|有什么功能"
)
PIPELINE = _words("漏斗", "商机", "销售管道", "pipeline", "funnel", "我的单子", "所有单子",
                  "my deals", "deal list", "forecast", "业绩预测")
WON = _words("赢了", "赢单", "成交了", "成交", "拿下了", "拿下", "中标", "签下来了", "won(?!')",
             "closed won", "closed the deal", "we got the deal", "win")
LOST = _words("输了", "输单", "丢单", "丢了", "黄了", "没戏了", "飞单", "被抢了", "lost",
              "closed lost", "fell through", "went with a competitor")
REMIND = _words("提醒", "别忘了", "别忘", "记得", "闹钟", "remind", "reminder",
                "don't let me forget", "set a reminder")
ADVANCE = _words("推进到", "推进", "进入", "进展到", "move to", "moved to", "move it to",
                 "advance", "advanced", "stage", "阶段")
SHOW = _words("查一下", "查查", "查询", "查", "看看", "看一下", "搜索", "搜一下", "找一下",
              "客户信息", "资料", "show", "find", "look up", "lookup", "search", "check",
              "who is", "info", "details", "profile")
ACTIVITY: dict[str, re.Pattern[str]] = {
    "meeting": _words("开会", "会议", "视频会", "会面", "演示", "meeting", "meet up", "zoom",
                      "demo", "conference"),
    "call": _words("打了电话", "打电话", "电话", "打给", "通话", "致电", "回电", "call",
                   "called", "phoned", "phone", "rang", "ring"),
    "message": _words("微信", "短信", "消息", "邮件", "发了", "留言", "message", "messaged",
                      "texted", "text", "email", "emailed", "wechat", "whatsapp", "sms"),
    "visit": _words("拜访", "上门", "见了", "见到", "见面", "面谈", "去了", "到访", "走访",
                    "拜见", "visit", "visited", "met", "meet", "dropped by", "saw"),
}
# Pipeline stage keys in order, so "the furthest stage mentioned" is well defined.
STAGES: list[tuple[str, re.Pattern[str]]] = [
    ("meet", _words("见到客户", "初次见面", "first meeting", "initial contact")),
    ("discover", _words("发现机会", "发现商机", "有机会", "opportunity", "discovery")),
    ("confirm", _words("确认机会", "确认商机", "确认", "qualified", "qualify", "confirmed")),
    ("needs", _words("明确需求", "需求", "requirements", "requirement", "needs")),
    ("proposal", _words("方案报价", "报价", "方案", "quote", "quotation", "quoted",
                        "proposal", "pricing")),
    ("commit", _words("客户承诺", "签了", "签约", "签合同", "承诺", "signed", "commit",
                      "committed", "contract")),
    ("acceptance", _words("验收", "acceptance", "accepted", "sign-off", "sign off")),
    ("payment", _words("回款", "收款", "付款", "打款", "到账", "paid", "payment", "invoice paid")),
    ("won", WON),
    ("lost", LOST),
]
FOLLOW_UP_CUE = _words("回访", "跟进", "再联系", "再约", "复访", "再去", "再打", "回电", "约了",
                       "提醒", "下次", "follow up", "follow-up", "followup", "check in",
                       "call back", "callback", "remind", "revisit", "touch base", "next")
# Words that are never part of a customer's name; masking them leaves the name behind.
NOT_NAME_ZH = re.compile(
    "|".join(sorted([
        "拜访了", "拜访", "拜见", "见了", "见到", "见面", "见", "约了", "约", "给", "跟", "和",
        "与", "同", "找", "联系了", "联系", "查一下", "查查", "查询", "查", "看看", "看一下",
        "看", "打了电话", "打电话", "打了", "打给", "电话", "通话", "去了", "去", "在", "帮我",
        "提醒我", "提醒", "记得", "别忘了", "我们", "我的", "我", "你", "他们", "他说", "她说",
        "他", "她", "说", "了", "的", "那单", "这单", "单子", "那个", "这个", "项目", "谈了",
        "聊了", "谈", "聊", "发了", "微信", "消息", "短信", "邮件", "回访", "跟进", "下次",
        "再", "一下", "情况", "信息", "资料", "怎么样", "吗", "呢", "吧", "啊", "哦", "呀",
        "已经", "刚刚", "刚才", "刚", "开会", "会议", "沟通", "讨论", "一起", "吃饭", "喝茶",
        "赢了", "赢单", "输了", "输单", "丢单", "丢了", "成交了", "成交", "推进到", "推进",
        "阶段", "报价", "方案", "签了", "签约", "签合同", "签", "承诺", "回款", "收款", "付款",
        "验收", "需求", "客户", "商机", "漏斗", "帮助", "拿下", "没戏", "黄了", "要", "想",
        "准备", "打算", "明确", "确认", "发现", "机会", "进入", "到", "上门", "面谈", "一个",
        "万", "元", "块", "很", "好", "不错", "满意", "可以", "还", "也", "都", "就", "把",
        "被", "让", "请", "能", "会", "对", "说了", "表示", "觉得", "问题",
    ], key=len, reverse=True))
)
TITLE_ZH = re.compile(
    r"(?:总监|总经理|经理|老师|老板|主任|处长|科长|部长|院长|校长|局长|董事长|先生|女士|小姐|"
    r"总|工|姐|哥|董|局|博士|教授|律师|医生)$"
)
EN_STOP = {
    "i", "we", "he", "she", "they", "it", "my", "me", "the", "a", "an", "today", "tomorrow",
    "yesterday", "tonight", "this", "next", "last", "morning", "afternoon", "evening", "met",
    "meet", "visited", "visit", "called", "call", "follow", "up", "sent", "send", "quote",
    "remind", "show", "find", "check", "and", "about", "with", "to", "for", "on", "at", "in",
    "of", "deal", "won", "lost", "pipeline", "help", "please", "monday", "tuesday", "wednesday",
    "thursday", "friday", "saturday", "sunday", "january", "february", "march", "april", "may",
    "june", "july", "august", "september", "october", "november", "december", "had", "did",
    "spoke", "talked", "emailed", "texted", "phoned", "look", "lookup", "info", "is", "was",
    "who", "what", "how", "how's", "hi", "hello", "ok", "okay", "thanks", "re", "regarding",
    "signed", "paid", "moved", "move", "advance", "stage", "proposal", "contract", "payment",
    "mr", "ms", "mrs", "dr", "us", "our", "their", "his", "her", "need", "needs", "meeting",
    "demo", "went", "saw", "from", "by", "that", "these", "those", "just", "again", "then",
}
EN_TITLES = ("mr.", "mr", "ms.", "ms", "mrs.", "mrs", "dr.", "dr", "prof.", "prof")
