"""Keyword lexicons for intent, activity, stage and time roles (all on normalised text).

Normalised text is Simplified, lower-case and half-width; Traditional and Cantonese forms are
folded by _text.normalize, so each Chinese cue is spelt once here (plus Cantonese words that
have no Simplified twin: 嚟咗, 睇, 畀).
"""

from __future__ import annotations

import re


def _words(*alternatives: str) -> re.Pattern[str]:
    """Chinese alternatives match anywhere; English ones only as whole words.

    "Whole word" means no Latin letter either side, so English inside Chinese text
    ("李总说pricing OK了") still matches: \\b would see 说 as a word character.
    """
    latin = [a for a in alternatives if a.isascii()]
    parts = [a for a in alternatives if not a.isascii()]
    if latin:  # one shared guard: a smaller pattern compiles faster at import
        parts.append(rf"(?<![a-z])(?:{'|'.join(latin)})(?![a-z])")
    return re.compile("|".join(parts))


HELP = re.compile(
    r"^\s*(?:/?help|/start|帮助|使用说明|说明|怎么用|菜单|menu|\?|？)(?:一下)?\s*[!！。.?？,，]*"
    r"(?:\s*$|.{0,20}(?:怎么|如何|how))"
    r"|what can you do|how (?:do|can|should) i (?!get to)|how to (?:use|log|add|delete|edit)"
    r"|你能做什么|你会做什么|你会什么|能干什么|能干嘛|能做什么|会干嘛|有什么用|怎么使用|有什么功能"
    r"|^(?:请问)?(?:怎么|如何|怎样)(?:才能)?(?:记录|记|删除|删|添加|加|修改|改|用|使用|设置|录入|登记"
    r"|查看|导出|撤销)"
)
PIPELINE = _words(
    "漏斗", "销售管道", "pipeline", "funnel", "我的单子", "所有单子", "我的案子", "我的商机",
    "my deals", "deal list", "forecast", "业绩预测", "what deals", "which deals", "how many deals",
    "open deals", "all deals", "deals are", "deals closing",
    r"(?:哪些|多少|几个|所有)[^,.?!]{0,8}(?:单子|案子|商机|客户|项目|单)",
    r"(?:单子|案子|商机|项目)[^,.?!]{0,4}(?:有哪些|有多少|有几个)", "没关的", "还没关", "没关",
    r"看[一下]*商机", "商机列表",





    r"(?:本月|这个月|本季|这季|今年|本周|这周)[^,.;!?]{0,8}(?:能|会)?(?:成交|签|关)[^,.;!?]{0,4}(?:多少|几|哪些)",
    r"预计[^,.;!?]{0,8}(?:多少|几)",
)
# Status and contact questions: a lookup, never a stage change or a logged call.
SHOW = _words(
    # a bare "look / check / find" asks only when it opens the message or follows 帮我 / 请





    r"(?:^\s*|帮我|请|给我|我想|我要)(?:查一下|查查|查询|查|看看|看一下|看下|搜索|搜一下|找一下|找)",
    r"^\s*(?:please\s+)?(?:show|find|look up|lookup|search|check|pull up|get)(?![a-z])",
    "帮我看", "客户资料", "资料", "电话多少", "电话是多少", "联系方式", "手机号", "联系人",
    "什么时候", "最近一次", "到哪一步", "到哪步", "什么阶段", "哪个阶段", "进展如何", "进展怎么样",
    "怎么样了", "什么情况", "什么进展", "什么状态", "现在是什么",
    "when did", "when was", "last talk", "last spoke", "last visit", "last contact", "show me",
    "who is", "who's", "whos", "info on", "details", "profile", "status of", "what's the status",
    "any notes", "notes on", "phone number", "email address", "contact info",
    r"(?:'s|’s) (?:email|phone|number|cell|mobile|address|title|wechat)", "contacts",
    "contact at", "our contact", "what stage",
    "where are we", "where do we stand", "how's the", "how is the",
)
QUESTION = re.compile(r"[?？]\s*$|吗\s*$|呢\s*$|(?:哪|什么|多少|几)[^,.;!]{0,6}$")
WON = _words(
    "赢了", "赢单", "成交了", "拿下了", "拿下", "搞定了", "敲定了", "落定了", "赢下", "中标了",
    "中标", "签下来了", "签下了", "签了",
    "标中了", "中了标", "已签", "签约了", "签完", "签好了", "签署了", "po到了", "po下来",
    "po来了", "收到po", "下单了",
    "订单下来", "落单", "won", "we won", "closed won", "closed-won", "closed the deal",
    "deal closed", "we got the deal", "got the deal", "won the deal", "signed",
    "sent over the signed",
    r"下了[^,.;!?，。\s]{0,4}(?:订单|单)", r"got the (?:[a-z]+ )?(?:contract|deal|order|po)",
    "po came in", "got the po", "signed po",
    r"po\b[^.!?]{0,24}(?:came in|arrived|landed)",
    r"(?:received|got) (?:the|their|a) (?:signed )?po", r"po[^,.;!?]{0,4}(?:下来了|到了|来了)",
    r"订单[^,.;!?]{0,4}下来了",
)
NOT_WON = re.compile(r"(?:没|未|不|还没|没有|没能)(?:有)?(?:签|中标|拿下|成交)|下周签|"
                     r"will sign|to sign|going to sign|not signed|unsigned|before signing|"
                     r"可以签|准备签|要签|"
                     # a signed contract is the commit stage here; acceptance and payment follow
                     r"签了?合同|合同已?签|signed (?:the |a |our )?(?:contract|agreement)|"
                     r"signed (?:the |an? |our )?(?:nda|loi|mou|cda)|签了?(?:nda|保密协议)|"
                     r"再约签|在约签|约签")
LOST = _words(
    "输了", "输单", "输给", "丢单", "丢了", "黄了", "没戏了", "没戏", "飞单", "被抢了", "被抢",
    r"被[^,.;!?，。\s]{0,8}(?:抢|截胡|拿走|撬|抢走)", "截胡", "掉了", "凉了", "泡汤", "告吹",
    "没希望了", "输咗", "输俾", "输畀", "选了竞品",
    "用了竞品", "选了竞争对手", "被否",
    "否掉", "选了别家", "选了别的", "选择了别家", "别家", "标没中", "没中标", "流标",
    "失标", "落标", "放弃了", "lost", "closed lost", "closed-lost", "fell through", "went with",
    "going with", "chose another", "chose a different", "picked the", "picked another",
    "picked a different", "lost to", "we're out", "we are out", "not moving forward",
    "decided against", "passed on us", "no longer interested", "ghosted", "went dark",
    "it's dead", "is dead", "deal is off", "turned us down", "declined",
    r"(?:decided|chose|opted) not to", r"(?:单|案子|项目|单子|商机)[^,.;!?，。]{0,2}没了",
)
REMIND = _words(
    "提醒", "提我", "叫我", "记住", "备忘", "设个提醒", "提一提我", "别忘了", "别忘", "记得",
    "帮我记一下", "帮我记下", "帮我记着",
    "记一下", "闹钟",
    "remind", "reminder", "don't let me forget", "dont let me forget", "ping me", "nudge me",
    "set a reminder", "alert me",
)
ADVANCE = _words(
    "推进到", "推进", "进入", "进展到", "改为", "改成", "改到", "更新到", "更新下", "更新一下",
    "更新为", "更新成", "调整为", "调整到",
    "阶段", "move to", "moved to", "move it to", "advance", "advanced", "stage", "bump",
    "update the", "mark", "set stage", r"move [^,.;!?]{1,30}? to",
    r"把[^,.;!?，。]{1,12}?(?:改|推|移|调)",
)
# Each activity: where it starts in the text decides which one a message reports (the first).
ACTIVITY: dict[str, re.Pattern[str]] = {
    "meeting": _words("开会", r"开了?[^,.;!\s]{0,3}会", "会议", "视频会", "会面", "演示",
                      "meeting", "meet up", "zoom", "zoom call", "teams call", "video call",
                      "webex",
                      "google meet", "demo", "conference call", "workshop", "电话会", "线上会"),
    "call": _words("打了电话", "打电话", "电话", r"打[了咗]?(?:给|畀|俾)", "通话", "致电", "回电",
                   "来电", "打来",
                   "打过来", "call", "called", "phoned", "phone", "rang", "ring", "voicemail",
                   "spoke to", "spoke with", "talked to", "talked with", "电画"),
    "message": _words("微信", "短信", "消息", "讯息", "邮件", "发了", "发给", "寄给", "留言",
                      "回信", "来信", "电邮", "钉钉", "企业微信", "飞书",
                      "line",
                      "message", "messaged", "texted", "text", "email", "emailed", "wechat",
                      "whatsapp", "sms", "sent", "dm'd"),
    "visit": _words("拜[访防仿方]", "上门", "见了", "见到", "见面", "面谈", "去了", "去的", "到访",
                    "去咗", "见咗", "倾咗", "碰到", "碰见", "遇到", "偶遇", "碰面",
                    "走访", "拜见", "吃了", "吃饭", r"吃[了完过]?[^,.;!?。，\s]{0,2}饭", "午饭",
                    "晚饭", "饭局", "喝茶", "喝咖啡", "喝酒", "应酬", "打球", "高尔夫",
                    r"(?:饮|喝)[了咗过]?[早午下]?茶",
                    "嚟咗", "来了我们", "来我们公司", "来公司", "visit", "visited", "met", "meet",
                    "dropped by", "saw", "caught up", "lunch", "dinner", "coffee", "spent",
                    "on site", "onsite", "at the conference", "expo", "booth"),
}
ANY_ACTIVITY = re.compile("|".join(p.pattern for p in ACTIVITY.values()))
# A report of something that already happened: a visit logged, even when it also asks for a
# reminder ("去了理想汽车…那天提醒我催一下" is a visit with a follow-up).
REPORTED = _words(





    r"(?:拜[访防仿方]|见|去|跑|打|通|聊|谈|倾|开|吃|饮|喝|发|寄|回|来|嚟)[^,.;!?。，\s]{0,2}?(?:了|过|完|咗)",
    "去的", "来电", "打来", "打过来", "刚跟", "刚和", "刚给", "刚发",
    r"(?<![要将会快就])(?:确认|明确|定|谈|讨论|看|试)了",
    "刚打", "刚见", "刚去", "已经发", "已经给", "met", "visited", "called", "spoke", "talked",
    "emailed", "texted", "sent", "rang", "phoned", "caught up", "had a", "went to", "discussed",
    "聊了", "谈了", "聊过", "谈过", "沟通了", "讨论了",
)
# Pipeline stage keys in order, so "the furthest stage mentioned" is well defined.
STAGES: list[tuple[str, re.Pattern[str]]] = [
    ("meet", _words("见到客户", "初次见面", "first meeting", "initial contact")),
    ("discover", _words("发现机会", "发现商机", "有机会", "opportunity", "discovery", "立项",
                        "短名单", "shortlist", "short list")),
    ("confirm", _words("确认机会", "确认商机", "确认", "qualified", "qualify", "confirmed",
                       "scope")),
    ("needs", _words("明确需求", "需求", r"(?:测试|验证|试用|poc|样品)[^,.;!?，。]{0,3}通过",
                     "requirements", "requirement", "needs", "demo",
                     "technical eval", "evaluation", "eval", "poc", "技术交流", "技术评估")),
    ("proposal", _words("方案报价", "报价", r"报[个一]?[^,.;!?，。\s]{0,2}价", "方案", "quote",
                        "quotation", "quoted", "proposal",
                        "pricing", "negotiation", "negotiating", "议价", "谈判", "价格谈",
                        "提案")),
    ("commit", _words("客户承诺", "签了", "签约", "签合同", "合同", "承诺", "定了要买", "signed",
                      r"(?:能|可以|要|准备|就|会|下周|月底)签", r"(?:准备|要|确定|决定)下单",
                      "决定采购", "定了要",
                      "commit", "committed", "contract", "verbal", "框架协议")),
    ("acceptance", _words("验收", "acceptance", "accepted", "sign-off", "sign off")),
    ("payment", _words("回款", "收款", "付款", "打款", "到账", "paid", "payment", "invoice paid")),
    ("won", WON),
    ("lost", LOST),
]
# A name ending in a title (used by match.py to strip 张总 -> 张); kept as it was.
TITLE_ZH = re.compile(
    r"(?:总监|总经理|经理|老师|老板|主任|处长|科长|部长|院长|校长|局长|董事长|先生|女士|小姐|"
    r"总|工|姐|哥|董|局|博士|教授|律师|医生)$"
)
# News from the customer's side, reported like a contact: "李总说pricing OK了", "Bill said".
SAID = _words(r"[总工理姐哥太长师生a-z]说", r"[总工理姐哥太长师]表示", r"[a-z]回复", "said",
              "says", "told me", "replied", "got back to me", "回复说", "那边说", "说没问题",
              r"(?:他|她|佢|对方|客户|采购|那边|他们)(?:说|话|讲|表示|反馈|回复|回话)")
