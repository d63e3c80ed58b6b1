"""understand() on messages written the way reps write them (issue 18), class by class,
in Chinese (Simplified, Traditional, Cantonese) and English."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest

from handlers.nlu.intent import Understanding, understand

CST = timezone(timedelta(hours=8))
MON = datetime(2026, 11, 23, 10, 0, tzinfo=CST)   # a Monday morning
SUN = datetime(2026, 12, 6, 12, 40, tzinfo=CST)   # the issue's Sunday lunchtime


def day(u_at: datetime | None) -> str | None:
    return u_at.date().isoformat() if u_at else None


def hour(u_at: datetime | None) -> str | None:
    return u_at.strftime("%Y-%m-%d %H:%M") if u_at else None


def read(text: str, now: datetime = MON) -> Understanding:
    return understand(text, now)


# --- intents -------------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "提醒我明天给华为张总打电话", "别忘了周四去海尔送样品", "记得下下周三跟比亚迪王工确认样品",
    "帮我记一下，明天下午两点约了中信的许行长", "聽朝十點提我打畀長實嘅張生",
    "remind me to call Bob tomorrow 3pm", "Ping me Thursday to send Globex the contract",
    "don't let me forget to send Acme the NDA on Wednesday",
    "Remind me 30 minutes before the Globex call at 3pm tomorrow",
])
def test_reminders(text: str) -> None:
    assert read(text).intent == "set_reminder"


@pytest.mark.parametrize(("text", "intent"), [
    ("拿下了！！！美的三百万的订单", "deal_won"), ("比亚迪签了 合同金额两百万", "deal_won"),
    ("vivo的PO到了 总共350万", "deal_won"), ("国网那个标中了！！", "deal_won"),
    ("We closed the deal with Massive Dynamic - $250k!", "deal_won"),
    ("Wayne Enterprises signed", "deal_won"),
    ("蔚来黄了", "deal_lost"), ("网易的项目丢单了", "deal_lost"),
    ("联想的项目被竞争对手截胡了", "deal_lost"), ("小米的标没中，输给了一家本地公司", "deal_lost"),
    ("聯發科那張單輸咗俾高通", "deal_lost"), ("富邦的案子掉了，客戶選了別家", "deal_lost"),
    ("Umbrella chose another vendor, deal is dead", "deal_lost"),
    ("Globex went with Oracle, sadly", "deal_lost"),
])
def test_wins_and_losses(text: str, intent: str) -> None:
    assert read(text).intent == intent


def test_a_signing_still_ahead_is_not_a_win() -> None:
    assert read("蔚来NIO那边，李总说pricing OK了，下周签").intent == "log_visit"
    assert read("玉山銀行的周襄理回訊息了，說需求確認沒問題，下週二可以簽約").intent == "log_visit"


@pytest.mark.parametrize(("text", "intent"), [
    ("美的那单到哪一步了", "show_customer"), ("华为那个单子现在到哪一步了？", "show_customer"),
    ("美的刘总电话多少", "show_customer"), ("who's our contact at Initech", "show_customer"),
    ("what's the status of the Stark deal?", "show_customer"),
    ("Any notes on Dr. Patel?", "show_customer"),
    ("What deals are closing this month?", "show_pipeline"),
    ("我這季的案子有哪些？", "show_pipeline"),
    ("我手上还有几个单子没关？", "show_pipeline"), ("Show me my pipeline", "show_pipeline"),
    ("把腾讯那单改到方案报价，金额80万", "advance_deal"),
    ("招行的商机阶段改为合同审批", "advance_deal"),
    ("Move Hooli to negotiation stage", "advance_deal"),
    ("怎么记录拜访？", "help"), ("How do I log a call?", "help"),
    ("help一下，怎么删除记录？", "help"),
    ("今天中午吃啥", "unknown"), ("这周末要加班吗", "unknown"),
    ("Is the office open on Saturday?", "unknown"),
])
def test_lookups_pipeline_updates_help_and_chat(text: str, intent: str) -> None:
    assert read(text).intent == intent


def test_update_carries_stage_and_amount() -> None:
    u = read("把腾讯那单改到方案报价，金额80万")
    assert (u.customer_mention, u.stage, u.amount) == ("腾讯", "proposal", Decimal(800000))


@pytest.mark.parametrize(("text", "follow"), [
    ("去了趟理想汽车，见了采购的周经理，验收基本没问题了，尾款要等12月15号，那天提醒我催一下",
     "2026-12-15"),
    ("Called Tony at Stark Industries - voicemail. Will try again Wed.", "2026-11-25"),
])
def test_a_report_with_a_next_step_is_a_visit_with_a_follow_up(text: str, follow: str) -> None:
    u = read(text)
    assert (u.intent, day(u.follow_up_at)) == ("log_visit", follow)


@pytest.mark.parametrize("text", ["明天拜访华为", "重阳节拜访", "by Friday send Acme the quote",
                                  "Follow up with Acme next week about the renewal"])
def test_a_plan_with_nothing_reported_is_a_reminder(text: str) -> None:
    assert read(text).intent == "set_reminder"


# --- who ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "mention", "company", "person"), [
    ("今天见了华为张总", "华为张总", "华为", "张总"),
    ("跟顺丰的李经理通了电话", "顺丰的李经理", "顺丰", "李经理"),
    ("今天一早去比亚迪见了王工", "王工", "比亚迪", "王工"),
    ("和北师大陈老师开会", "北师大陈老师", "北师大", "陈老师"),
    ("元宵节那天提醒我给美的刘姐发祝福", "美的刘姐", "美的", "刘姐"),
    ("和京东采购部张总吃了个饭", "京东采购部张总", "京东", "张总"),
    ("太古地產嘅陳太今朝嚟咗我哋公司睇demo", "太古地產嘅陳太", "太古地產", "陳太"),
    ("跟統一企業的吳課長用LINE聊了一下", "統一企業的吳課長", "統一企業", "吳課長"),
    ("刚跟理想的Alex通了电话", "Alex", "理想", "Alex"),  # a Latin name is looked up alone
    ("Caught up with Mr. Chen (Siemens) over lunch", "Mr. Chen", "Siemens", "Mr. Chen"),
    ("Emailed Dr. Patel the case studies", "Dr. Patel", None, "Dr. Patel"),
    ("Met Janet from procurement at Acme", "Janet", "Acme", "Janet"),
    ("Please remind me to follow up with Janet at Acme", "Janet", "Acme", "Janet"),
    ("Great meeting with Hooli's Gavin and Jared", "Hooli's Gavin", "Hooli", "Gavin"),
    ("spoke w/ sarah @ hooli on the phone", "sarah", "hooli", "sarah"),
])
def test_people_and_companies_in_either_order(text: str, mention: str, company: str | None,
                                              person: str | None) -> None:
    u = read(text)
    assert (u.customer_mention, u.mention_company, u.mention_person) == (mention, company, person)


@pytest.mark.parametrize(("text", "short", "full"), [
    ("招行的商机阶段改为合同审批", "招行", "招商银行"), ("平安那单拿下了", "平安", "中国平安"),
    ("查一下華碩的客戶資料", "華碩", "华硕"), ("明天去美的", "美的", "美的集团"),
])
def test_company_short_forms_carry_the_full_name(text: str, short: str, full: str) -> None:
    u = read(text)
    assert (u.mention_company, u.mention_company_full) == (short, full)


@pytest.mark.parametrize(("text", "customer"), [
    ("Globex went with Oracle, sadly", "Globex"),
    ("Bad news: Wayne picked the cheaper vendor. We're out.", "Wayne"),
    ("中兴那个单子黄了，客户选了华为", "中兴"),
    ("立讯的单子输给了富士康", "立讯"),
])
def test_a_competitor_is_not_the_customer(text: str, customer: str) -> None:
    assert read(text).customer_mention == customer


# --- when -----------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "follow"), [
    ("聊了明年的采购计划，下周三回访", "2026-12-09"),
    ("他说下周要出差，月底前回访", "2026-12-31"),
    ("月底再谈，12月30日回访", "2026-12-30"),
    ("Discussed next year budget, follow up Dec 20", "2026-12-20"),
    ("中秋回访王总", "2027-09-15"),
    ("重阳节拜访", "2027-10-08"),
])
def test_the_issue_examples(text: str, follow: str) -> None:
    assert day(read(text, SUN).follow_up_at) == follow


def test_last_week_as_a_topic_does_not_date_the_visit() -> None:
    assert read("上周的问题解决了", SUN).happened_at is None


def test_tomorrow_morning_is_tomorrow_even_after_nine_today() -> None:
    u = read("明早9点提醒我去拜访字节跳动", SUN)
    assert hour(u.follow_up_at) == "2026-12-07 09:00"


def test_full_width_digits_and_half_past() -> None:
    u = read("１２月３号下午两点半拜访了华为张总", SUN)
    assert hour(u.happened_at) == "2026-12-03 14:30"


@pytest.mark.parametrize(("text", "follow"), [
    ("对方要下禮拜一前拿到報價單", "2026-11-30"), ("周三前发新的pricing给他", "2026-11-25"),
    ("She wants a sandbox by Friday.", "2026-11-27"),
    ("we need the contract by EOD tomorrow", "2026-11-24"), ("报价下周二之前出", "2026-12-01"),
    ("美的的RFP今天发出来了，deadline是12月18号，我们下周三前要交方案", "2026-12-02"),
])
def test_deadlines_are_the_follow_up_and_a_customers_deadline_is_not(text: str,
                                                                       follow: str) -> None:
    assert day(read(text).follow_up_at) == follow


@pytest.mark.parametrize(("text", "first_day"), [
    ("下下周再push", "2026-12-07"), ("过两天把资质文件发给他", "2026-11-25"),
    ("He said to circle back in a couple of weeks.", "2026-12-07"),
    ("下个月初再聊聊扩容的事", "2026-12-01"),
    ("a follow-up workshop week after next", "2026-12-07"),
])
def test_ranges_start_where_they_start(text: str, first_day: str) -> None:
    assert day(read(text).follow_up_at) == first_day


@pytest.mark.parametrize(("text", "at"), [
    ("Remind me 30 minutes before the Globex call at 3pm tomorrow", "2026-11-24 14:30"),
    ("下午三点半和京东的陈总开会，提前半小时提醒我", "2026-11-23 15:00"),
    ("Tomorrow 2pm demo with Pied Piper, remind me an hour before", "2026-11-24 13:00"),
    ("明天下午3点开会前半小时提醒我", "2026-11-24 14:30"),
])
def test_before_an_event(text: str, at: str) -> None:
    assert hour(read(text).follow_up_at) == at


@pytest.mark.parametrize(("text", "happened", "follow"), [
    ("太古地產嘅陳太今朝嚟咗我哋公司睇demo，話下個月五號之前畀覆", "2026-11-23", "2026-12-05"),
    ("琴日同恒生銀行嘅黃小姐飲咗茶", "2026-11-22", None),
    ("上禮拜五去了長榮航空，見了張經理，對方要下禮拜一前拿到報價單", "2026-11-20", "2026-11-30"),
    ("提醒我這週五把合約寄給廣達的李經理", None, "2026-11-27"),
])
def test_cantonese_and_traditional(text: str, happened: str | None, follow: str | None) -> None:
    u = read(text)
    assert (day(u.happened_at), day(u.follow_up_at)) == (happened, follow)


@pytest.mark.parametrize(("text", "at"), [
    ("明晚七点和三星的李部长吃饭，帮我记一下", "2026-11-24 19:00"),
    ("打电话给美的刘总的秘书约时间，约在下周四下午两点半", "2026-12-03 14:30"),
    ("remind me tmrw 10am to call jim @ initech", "2026-11-24 10:00"),
    ("提醒我tomorrow下午2点给Hooli发proposal", "2026-11-24 14:00"),
])
def test_times_of_day(text: str, at: str) -> None:
    assert hour(read(text).follow_up_at) == at


@pytest.mark.parametrize(("text", "happened", "follow"), [
    ("今天一早去比亚迪见了王工，聊了明年产线改造的预算，下周三带方案再过去一趟", "2026-11-23",
     "2026-12-02"),
    ("Visited Tesla's Shanghai plant w/ Mr. Zhao, discussed 300 robots for Q2 next year. "
     "Follow up a week from today.", None, "2026-11-30"),
    ("跟統一企業的吳課長用LINE聊了一下，他說後天要出差，等他回來下下禮拜再約", None, "2026-12-07"),
    ("Texted Mike from Acme. He replied 'let's talk after the board meeting next Thursday', "
     "so I'll call him Friday next week.", None, "2026-12-04"),
    ("Rang Siemens this morning. They're pushing the decision to after Christmas. "
     "I'll follow up Jan 4.", "2026-11-23", "2027-01-04"),
    ("上周三去的华为，忘了记了，今天补上：钱总对方案兴趣不大", "2026-11-18", None),
])
def test_topic_times_are_never_the_follow_up(text: str, happened: str | None,
                                             follow: str | None) -> None:
    u = read(text)
    assert day(u.follow_up_at) == follow
    if happened:
        assert day(u.happened_at) == happened


# --- money ----------------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "Called Hooli AP about invoice INV-2026-0193", "Order #SH-44721 is delayed",
    "300套设备下周交货", "他上周说价格再降5%", "How much is in my pipeline for Q4?",
    "尾款要等12月15号", "上周四在万科开了个会", "跟顺丰的李经理通了20分钟电话",
])
def test_numbers_that_are_not_money(text: str) -> None:
    assert read(text).amount is None


@pytest.mark.parametrize(("text", "amount"), [
    ("美的三百万的订单", 3_000_000), ("一共３８．５万", 385_000), ("$95k per year", 95_000),
    ("~$1.2M total", 1_200_000), ("预算50w", 500_000), ("1.2亿的大单", 120_000_000),
    ("下单了，50万", 500_000),
])
def test_money(text: str, amount: int) -> None:
    assert read(text).amount == Decimal(amount)


# --- the card's safety net ------------------------------------------------------------------

def test_a_plain_future_time_is_marked_unsure() -> None:
    u = read("蔚来NIO那边，李总说pricing OK了，下周签")
    assert u.follow_up_at is not None and "follow_up_at" in u.unsure


def test_a_cued_follow_up_is_not_marked_unsure() -> None:
    assert read("今天拜访华为张总，下周三回访").unsure == ()


def test_a_loose_company_guess_is_marked_unsure() -> None:
    u = read("今天去了宏远精工，聊了聊")
    assert u.customer_mention == "宏远精工"
    assert "customer_mention" in u.unsure


# --- fallbacks once who and when are known ----------------------------------------------------

@pytest.mark.parametrize(("text", "intent"), [
    ("the Acme renewal is stuck in legal, check in again Dec 15", "log_visit"),
    ("Initech wants 15% off for a 2-year deal, I'll check with my manager and reply by Wed",
     "log_visit"),
    ("Globex is now in negotiation", "advance_deal"),
    ("明天去美的", "set_reminder"),
    ("这个机器人能干嘛", "help"), ("怎么设置提醒？", "help"),
    ("本月预计能成交多少？", "show_pipeline"), ("华为最近一次拜访是什么时候？", "show_customer"),
    ("When did I last talk to Globex?", "show_customer"), ("美的的联系人都有谁", "show_customer"),
    ("Cyberdyne decided not to move forward", "deal_lost"),
    ("台塑那邊的案子沒了，預算被砍", "deal_lost"),
    ("京东那个项目凉了", "deal_lost"), ("腾讯的单子搞定了！！！合同300万", "deal_won"),
    ("Hooli's PO for $48,500 came in today!", "deal_won"),
    ("前天拜访的那个客户，小鹏的何总，今天回微信说要再看看", "log_visit"),
])
def test_intent_from_who_and_when(text: str, intent: str) -> None:
    assert read(text).intent == intent


def test_a_bare_weekend_in_a_report_is_the_last_one() -> None:
    u = read("周末在高尔夫球场碰到了万科的郁总，聊得挺好，他让我下周去他办公室坐坐")
    assert (u.intent, u.activity_type, day(u.happened_at)) == ("log_visit", "visit", "2026-11-21")
    assert day(u.follow_up_at) == "2026-11-30"


def test_parts_of_day_in_a_report_are_when_it_happened() -> None:
    u = read("今天跑了三家客户：上午华为、中午腾讯、下午美的，美的需求最明确，下周一给他们报价")
    assert (day(u.happened_at), day(u.follow_up_at)) == ("2026-11-23", "2026-11-30")


def test_our_next_meeting_is_no_topic() -> None:
    u = read("上周四拜访了平安科技的邓总，今天他助理打电话来确认下周二的会议")
    assert day(u.follow_up_at) == "2026-12-01"


@pytest.mark.parametrize("text", [
    "哈哈好的", "收到", "今天好累啊", "周五团建去哪", "Happy Friday!", "ok thanks", "早上好",
    "老板今天心情不错",
])
def test_chit_chat_stays_unknown(text: str) -> None:
    assert read(text).intent == "unknown"


WED = datetime(2026, 11, 25, 10, 0, tzinfo=CST)


@pytest.mark.parametrize(("text", "due"), [
    ("本周内给他答复", "2026-11-27"), ("this week I'll send Acme the deck", "2026-11-27"),
    ("这个月内回访华为", "2026-11-30"), ("下周回访", "2026-11-30"),
])
def test_a_period_already_begun_is_due_at_its_end(text: str, due: str) -> None:
    assert day(read(text, WED).follow_up_at) == due


def test_an_offset_from_a_day() -> None:
    u = read("a week from Monday call Acme", WED)
    assert (u.intent, day(u.follow_up_at)) == ("set_reminder", "2026-12-07")


def test_a_pronoun_is_nobody() -> None:
    assert read("本周内给他答复", WED).customer_mention is None


@pytest.mark.parametrize(("text", "mention"), [
    ("initech signed!!! 🎉 $340k", "initech"), ("lost hooli, price too high", "hooli"),
    ("whats the latest on stark?", "stark"), ("hooli deal lost to salesforce :(", "hooli"),
])
def test_lower_case_names_from_where_they_sit(text: str, mention: str) -> None:
    assert read(text).customer_mention == mention


def test_a_clock_time_after_a_day_ahead_is_on_that_day() -> None:
    u = read("今朝打咗畀和記嘅陳先生，佢話聽日下晝得閒，約咗三點見面")
    assert (u.activity_type, hour(u.follow_up_at)) == ("call", "2026-11-24 15:00")
    assert hour(read("明天去华为，10点见张总").follow_up_at) == "2026-11-24 10:00"


@pytest.mark.parametrize(("text", "intent"), [
    ("Sent the signed NDA back to Soylent today. Deep-dive scheduled for Dec 8 at 3pm.",
     "log_visit"),
    ("帮我把美的的商机金额更新为95万", "advance_deal"),
    ("上週三跟台塑的林董吃飯，他說明年要擴廠，12月中再拜訪一次", "log_visit"),
])
def test_more_intents(text: str, intent: str) -> None:
    assert read(text).intent == intent


def test_a_company_word_is_not_a_person() -> None:
    u = read("上午去了趟顺丰总部，见了IT的周总监")
    assert (u.mention_person, u.mention_company) == ("周总监", "顺丰总部")
    assert u.mention_company_full == "顺丰"


def test_act_after_a_date_is_an_unsure_day_after() -> None:
    u = read("Caught up with Raj at Tata Consulting over coffee. Ping him after the 15th.")
    assert day(u.follow_up_at) == "2026-12-16" and "follow_up_at" in u.unsure


def test_an_event_relative_reminder_across_a_clause() -> None:
    assert hour(read("明天九点半跟伊利开会，会前半小时提醒我").follow_up_at) == "2026-11-24 09:00"


def test_a_weekday_after_for_is_a_time() -> None:
    u = read("Reminder for Wed 9:30am: review Oscorp contract redlines")
    assert (u.customer_mention, hour(u.follow_up_at)) == ("Oscorp", "2026-11-25 09:30")


def test_the_one_spoken_to_is_not_the_customer() -> None:
    assert read("老王，帮我提醒一下明天下午把发票寄给格力").customer_mention == "格力"


def test_a_customer_and_a_sum_is_a_note_to_log() -> None:
    u = read("招行的PO号是4500123456，金额38万")
    assert (u.intent, u.customer_mention, u.amount) == ("log_visit", "招行", Decimal(380000))


def test_the_visit_time_is_the_one_next_to_the_contact() -> None:
    u = read("上周见的那个蔚来的梁主管，今天又打电话来问价格，下周三前给他报个价")
    assert (u.activity_type, day(u.happened_at), day(u.follow_up_at)) == (
        "call", "2026-11-23", "2026-12-02")
    assert u.stage == "proposal"


@pytest.mark.parametrize("text", ["宁德时代林经理今天微信说样品测试通过了，准备下单",
                                  "Siemens China - Anna wants the revised quote by Wednesday EOD"])
def test_stage_implied(text: str) -> None:
    assert read(text).stage is not None


@pytest.mark.parametrize(
    ("text", "mention", "company", "person"),
    [
        ("华为张三那单赢了", "华为张三", "华为", "张三"),  # a full name after the company
        ("今天拜访了华为张三，聊了报价", "华为张三", "华为", "张三"),
        ("美的的赵磊那单丢了", "美的的赵磊", "美的", "赵磊"),
        ("华为服务器那单赢了", "华为", "华为", None),  # 服务器 is no name
        ("明天给张三发合同", "张三", None, "张三"),  # 发合同 is the errand, not the name's end
        ("明天跟进张三", "张三", None, "张三"),  # 跟进 is one verb
        ("提醒我下周一跟进刘洋", "刘洋", None, "刘洋"),
    ],
)
def test_the_person_with_the_company_and_around_errands(
    text: str, mention: str, company: str | None, person: str | None
) -> None:
    u = understand(text, MON)
    assert (u.customer_mention, u.mention_company, u.mention_person) == (mention, company, person)


def test_lookup_adds_the_company_to_a_person_alone() -> None:
    """"Janet at Acme" is looked up as both, so the matcher checks each against its own."""
    u = understand("met Janet at Acme today, follow up Friday", MON)
    assert u.customer_mention == "Janet" and u.lookup == "Acme Janet"
    assert understand("今天拜访华为张总", MON).lookup == "华为张总"


def test_a_full_latin_name_in_mixed_text_stays_whole() -> None:
    """200万 makes the message read as Chinese; its Latin name is still one name."""
    assert understand("met David Lee today, quote 200万", MON).customer_mention == "David Lee"
