"""/mine and /team (#22): 8 a page with ▶ more, three sorts, per-currency amounts, scope."""

from __future__ import annotations

import re

import pytest

from handlers.chat.context import UserError
from handlers.chat.paging import cut, page_arg
from tests.chat.views_data import add_customers, add_deal, user
from tests.world import Chat, World

NAMES = [f"客户{n:02d}" for n in range(1, 11)]


def _names(reply: str) -> list[str]:
    return re.findall(r"• (客户\d\d|Cust\d\d)", reply)


async def test_mine_pages_without_losing_or_repeating(
    people: dict[str, Chat], world: World
) -> None:
    rep = people["rep_a"]
    await add_customers(world, "rep_a", NAMES)
    await add_customers(world, "rep_b", ["别人的客户"])
    first = await rep.say("/mine")
    assert "共 10 条" in first and "第 1–8 条" in first
    assert _names(first) == NAMES[:8]  # longest without contact first
    assert "▶ 更多" in first and "别人的客户" not in first
    second = await rep.say("更多")  # the button's label, typed
    assert _names(second) == NAMES[8:] and "▶ 更多" not in second
    assert "没有可以翻页的列表" in await rep.say("更多")  # nothing on screen to page
    again = await rep.say("/mine")
    assert _names(again) == NAMES[:8]


async def test_mine_sorted_by_tier_and_by_amount_per_currency(
    people: dict[str, Chat], world: World
) -> None:
    rep = people["rep_a"]
    made = await add_customers(world, "rep_a", ["甲", "乙", "丙"])
    await add_customers(world, "rep_a", ["丁"], tier="A")
    await add_deal(world, "rep_a", made[0], "500000")  # ¥500,000
    await add_deal(world, "rep_a", made[1], "90000", "USD")
    await add_deal(world, "rep_a", made[1], "100", "CNY")
    by_tier = await rep.say("/mine 等级")
    assert by_tier.index("丁") < by_tier.index("甲")
    by_amount = await rep.say("/mine amount")
    assert "按 CNY 商机金额" in by_amount
    assert by_amount.index("• 甲") < by_amount.index("• 乙") < by_amount.index("• 丙")
    assert "¥100 + $90,000" in by_amount  # per currency, never added up
    sloppy = await rep.say("/mine 随便")
    assert "不认识排序方式「随便」" in sloppy and "最久未联系在前" in sloppy
    dollars = await rep.say(payload=f"bk:{(await user(world, 'rep_a')).id}:a:USD:0")
    assert "按 USD 商机金额" in dollars and dollars.index("• 乙") < dollars.index("• 甲")


async def test_mine_forged_and_stale_buttons(people: dict[str, Chat], world: World) -> None:
    rep = people["rep_a"]
    await add_customers(world, "rep_a", NAMES[:3])
    me, other = await user(world, "rep_a"), await user(world, "rep_b")
    assert "不在你的团队" in await rep.say(payload=f"bk:{other.id}:l:-:0")
    for forged in (f"bk:{me.id}:x:-:0", f"bk:{me.id}:a:usd:0", f"bk:{me.id}:l:-:99999", "bk:"):
        assert "按钮已经失效" in await rep.say(payload=forged), forged
    assert "没有更多" in await rep.say(payload=f"bk:{me.id}:l:-:5")


async def test_team_per_rep_within_scope(people: dict[str, Chat], world: World) -> None:
    await add_customers(world, "rep_a", NAMES[:2])
    await add_customers(world, "rep_w", ["西区客户"])
    boss = people["boss_east"]
    team = await boss.say("/team")
    assert "rep_a：2 位客户" in team and "rep_b：0 位客户" in team and "rep_w" not in team
    book = await boss.say("1")  # 📒 rep_a
    assert "rep_a 的客户" in book and _names(book) == NAMES[:2]
    assert "不在你的团队" in await boss.say("/team rep_w")
    rep_w = await user(world, "rep_w")
    assert "不在你的团队" in await boss.say(payload=f"bk:{rep_w.id}:l:-:0")
    assert "西区客户" in await people["admin"].say("/team rep_w")
    everyone = await people["admin"].say("/team")
    assert "rep_a" in everyone and "rep_w" in everyone
    assert "只有经理或管理员" in await people["rep_a"].say("/team")
    assert "只有经理或管理员" in await people["rep_a"].say(payload="tm:0")


async def test_english_book(people_en: dict[str, Chat], world: World) -> None:
    rep = people_en["rep_a"]
    await add_customers(world, "rep_a", [f"Cust{n:02d}" for n in range(1, 10)])
    first = await rep.say("/mine")
    assert "My customers (9, longest without contact first) (1–8 of 9):" in first
    assert "▶ more" in first and "never contacted" not in first
    assert _names(await rep.say("more")) == ["Cust09"]
    assert await rep.say("/customers") == first  # the word a rep tries first
    team = await people_en["boss_east"].say("/team")
    assert "rep_a: 9 customers" in team
    assert "Your team's: /team" in await people_en["boss_east"].say("/customers")


def test_paging_helpers() -> None:
    page = cut(list(range(20)), 2)
    assert (list(page.items), page.first, page.last, page.has_more) == (
        [16, 17, 18, 19],
        17,
        20,
        False,
    )
    assert cut([1, 2], 0).only and not cut(list(range(9)), 0).only
    assert page_arg(["x"], 1) == 0 and page_arg(["7"], 0) == 7
    for forged in ("-1", "abc", "100001", "9" * 40):
        with pytest.raises(UserError, match=r"error\.stale_button"):
            page_arg([forged], 0)
