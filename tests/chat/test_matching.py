"""Issue 17, customer matching: a mention is taken as one customer only when it fits exactly
one strongly; anything weaker asks "did you mean…?" and nothing is saved on a guess."""

from __future__ import annotations

from store.models import Activity, Customer, Payment, Reminder
from tests.ops.helpers import add_customer, add_deal, count, rows
from tests.world import Chat, World


async def _book(world: World, owner: str = "rep_a") -> dict[str, int]:
    people = (
        ("Li Wei", "13900000101", "Acme Corp"), ("Kevin Liu", "13900000102", "Tesla Shanghai"),
        ("赵磊", "13900000103", "美的集团"), ("刘洋", "13900000104", "比亚迪汽车"),
        ("张三", "13900000105", "华为技术有限公司"), ("张总", "13900000106", "腾讯科技"),
    )  # fmt: skip
    return {
        name: await add_customer(world, owner, name, phone, firm) for name, phone, firm in people
    }


async def test_company_and_person_find_the_one_meant_in_english(
    people_en: dict[str, Chat], world: World
) -> None:
    await _book(world)
    rep = people_en["rep_a"]
    for text in (
        "/visit met Acme's Li today, sent the quote, follow up Friday",
        "/visit met Acme Li today, sent the quote, follow up Friday",
    ):
        card = await rep.say(text)
        assert "Please confirm" in card and "Customer: Li Wei · Acme Corp" in card, card
        assert "Kevin Liu" not in card
    assert "Logged visit with Li Wei" in await rep.say("1")


async def test_a_lone_weak_match_is_offered_not_saved(
    people_en: dict[str, Chat], world: World
) -> None:
    """Li Wei is not in this rep's book: Kevin Liu · Tesla is a guess, so it is only offered."""
    await add_customer(world, "rep_a", "Kevin Liu", "13900000102", "Tesla Shanghai")
    rep = people_en["rep_a"]
    reply = await rep.say("/visit met Acme's Li today, sent the quote, follow up Friday")
    assert "No customer of yours matches" in reply and "1. ➕ New customer" in reply
    assert "Kevin Liu" not in reply
    reply = await rep.say("/visit met Li today, sent the quote, follow up Friday")
    assert "Did you mean" in reply and "Please confirm" not in reply
    assert "1. Kevin Liu · Tesla Shanghai" in reply
    assert "➕ New customer" in reply and "None of these" in reply
    assert "Say it another way" in await rep.say("3")
    assert await count(world, Activity) == 0


async def test_company_short_forms_and_surnames_in_chinese(
    people: dict[str, Chat], world: World
) -> None:
    await _book(world)
    rep = people["rep_a"]
    card = await rep.say("/visit 给美的赵总打了电话")
    assert "请确认" in card and "客户：赵磊 · 美的集团" in card
    assert "👤 刘洋 · 比亚迪汽车" in await rep.say("/customer 比亚迪 刘洋")
    assert "👤 刘洋 · 比亚迪汽车" in await rep.say("/customer 比亚迪刘洋")
    assert "刘洋 · 比亚迪汽车" in await rep.say("比亚迪刘洋")
    assert "👤 张三 · 华为技术有限公司" in await rep.say("/customer 华为张三")


async def test_homophones_and_typos_are_suggested(people: dict[str, Chat], world: World) -> None:
    await _book(world)
    rep = people["rep_a"]
    reply = await rep.say("/customer 张山")
    assert "你说的「张山」是哪一位" in reply and "1. 张三 · 华为技术有限公司" in reply
    assert "👤 张三" in await rep.say("1")
    reply = await rep.say("/customer 腾迅")
    assert "是哪一位" in reply and "张总 · 腾讯科技" in reply
    reply = await rep.say("/visit 拜访了腾迅张总，聊了续约")
    assert "是哪一位" in reply and "1. 张总 · 腾讯科技" in reply
    assert "客户：张总 · 腾讯科技" in await rep.say("1")


async def test_namesakes_are_always_a_choice_with_company_and_owner(
    people: dict[str, Chat], world: World
) -> None:
    ids = await _book(world)
    other = await add_customer(world, "rep_b", "张三", "13900000199", "腾讯科技")
    admin = people["admin"]
    reply = await admin.say("/aboutcustomer 张三")
    assert "有 2 位客户都叫「张三」" in reply
    assert "张三 · 华为技术有限公司 · 负责人 rep_a" in reply
    assert "张三 · 腾讯科技 · 负责人 rep_b" in reply
    assert "客户数据" not in reply and "全部数据" not in reply
    picked = admin.last[0].choices[1].payload
    assert picked.endswith(str(other)) and str(ids["张三"]) not in picked
    assert "张三 的全部数据" in await admin.say("2")
    assert "全部数据" in await admin.say("/aboutcustomer 腾讯张三")  # company decides


async def test_visit_to_a_new_customer_continues_after_adding_them(
    people_en: dict[str, Chat], world: World
) -> None:
    await add_customer(world, "rep_a", "Kevin Liu", "13900000102", "Tesla Shanghai")
    rep = people_en["rep_a"]
    await rep.say("/visit met Acme's Li today, sent the quote")
    await rep.converse(
        [
            ("New customer", "new customer's name"),
            ("Li Wei", "Phone"),
            ("skip", "Company"),
            ("Acme Corp", "Customer added"),
        ]
    )
    assert "Customer: Li Wei · Acme Corp" in rep.last[-1].text
    assert "Logged visit with Li Wei" in await rep.say("1")
    li = (await rows(world, Customer, name="Li Wei"))[0]
    assert [a.customer_id for a in await rows(world, Activity)] == [li.id]


async def test_every_mention_goes_the_same_way(people: dict[str, Chat], world: World) -> None:
    """/deal, /payment, /remind and a won deal in free text: a weak mention is a choice."""
    ids = await _book(world)
    await add_deal(world, "rep_a", ids["刘洋"], "电池", "100000", "proposal")
    rep = people["rep_a"]
    assert "是哪一位" in await rep.say("/deal 刘")
    assert "刘洋 · 比亚迪汽车" in await rep.say("/payment 比亚迪 5万")
    assert await count(world, Payment) == 0
    assert "已记录 刘洋" in await rep.say("1")
    assert "已记录 刘洋" in await rep.say("/payment 比亚迪刘洋 1万")  # certain: no question
    reply = await rep.say("/remind 明天下午3点给张山打电话")
    assert "提醒你" in reply and "张三 · 华为技术有限公司" in reply
    assert (await rows(world, Reminder))[0].customer_id is None
    assert "已关联到 张三" in await rep.say("1")
    assert (await rows(world, Reminder))[0].customer_id == ids["张三"]
    assert "是哪一位" in await rep.say("比亚迪那单赢了")


async def test_forget_needs_an_exact_target_and_a_confirmation(
    people: dict[str, Chat], world: World
) -> None:
    ids = await _book(world)
    admin = people["admin"]
    reply = await admin.say("/forget liu")
    assert "是哪一位" in reply and "Kevin Liu" in reply and "刘洋" in reply
    assert "新客户" not in reply  # nothing to create when forgetting
    reply = await admin.say("/forget 比亚迪")
    assert "是哪一位" in reply and "已匿名化" not in reply
    confirm = await admin.say("1")
    assert "确定要匿名化 刘洋 · 比亚迪汽车（负责人 rep_a）" in confirm
    assert "没有匿名化" in await admin.say("2")
    assert all(c.anonymised_at is None for c in await rows(world, Customer))
    await admin.say("/forget 比亚迪刘洋")
    assert "刘洋 已匿名化" in await admin.say("1")
    gone = [c.id for c in await rows(world, Customer) if c.anonymised_at is not None]
    assert gone == [ids["刘洋"]]


async def test_forget_in_english_names_the_target(
    people_en: dict[str, Chat], world: World
) -> None:
    await _book(world)
    admin = people_en["admin"]
    confirm = await admin.say("/forget Kevin Liu")
    assert "Anonymise Kevin Liu · Tesla Shanghai (owner rep_a)?" in confirm
    assert "cannot be restored" in confirm
    assert "Kevin Liu is anonymised" in await admin.say("1")


async def test_a_namesake_at_another_firm_is_shown_before_adding(
    people: dict[str, Chat], world: World
) -> None:
    await _book(world)
    rep = people["rep_a"]
    reply = await rep.say("/newcustomer 张三 13811112222 腾讯科技")
    assert "可能已经有这个客户" in reply and "张三 · 华为技术有限公司" in reply
    assert "已新建客户" in await rep.say("不是，新建")
    reply = await rep.say("/customer 张三")
    assert "有 2 位客户都叫「张三」" in reply and "负责人 rep_a" in reply


async def test_a_visit_waits_while_the_customer_is_looked_up_or_added(
    people: dict[str, Chat], world: World
) -> None:
    ids = await _book(world)
    rep = people["rep_a"]
    await rep.say("/visit 拜访了李总，聊了报价")
    await rep.converse(
        [
            ("新客户", "新客户叫什么名字"),
            ("赵磊", "电话"),
            ("跳过", "公司"),
            ("美的", "可能已经有这个客户"),  # the one already in the book
        ]
    )
    assert "请确认" in await rep.say("1")  # picking the existing one resumes the visit
    assert "已记录拜访：赵磊 · 美的集团" in await rep.say("1")
    assert [a.customer_id for a in await rows(world, Activity)] == [ids["赵磊"]]
    assert await count(world, Customer) == len(ids)


async def test_forged_payment_buttons_change_nothing(
    people: dict[str, Chat], world: World
) -> None:
    ids = await _book(world)
    await add_deal(world, "rep_a", ids["刘洋"], "电池", "100000", "proposal")
    rep = people["rep_a"]
    for payload in (
        f"pay:r:NaN:{ids['刘洋']}", f"pay:r:-5:{ids['刘洋']}", f"pay:r:1e30:{ids['刘洋']}",
        f"pay:p:100:2026-13-01:{ids['刘洋']}", "pay:r:100:x", "pay:x",
    ):  # fmt: skip
        assert "按钮已经失效" in await rep.say(payload=payload), payload
    assert await count(world, Payment) == 0


async def test_a_deal_for_a_customer_not_yet_in_the_book_continues_after_adding_them(
    people_en: dict[str, Chat], world: World
) -> None:
    rep = people_en["rep_a"]
    await rep.converse(
        [
            ("/deal new", "Which customer"),
            ("Globex's Smith", "No customer"),
            ("New customer", "new customer's name"),
            ("John Smith", "Phone"),
            ("skip", "Company"),
            ("Globex", "Customer added"),
        ]
    )
    assert "Deal title" in rep.last[-1].text
    await rep.converse([("Licences", "Amount"), ("$20k", "Expected close"), ("skip", "created")])
