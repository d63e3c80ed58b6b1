"""The confirmation card asks about a follow-up time the parser only guessed (issue 18)."""

from __future__ import annotations

from tests.world import Chat, World, join_all


async def test_a_guessed_follow_up_is_asked_and_a_cued_one_is_stated(
        people: dict[str, Chat]) -> None:
    rep = people["rep_a"]
    await rep.say("/newcustomer 李强 13900000051 蔚来汽车")
    guessed = await rep.say("/visit 今天见了蔚来李强，他说pricing OK了，下周签")
    assert "下次回访：" in guessed and "是这个时间吗" in guessed
    await rep.say("取消")
    cued = await rep.say("/visit 今天见了蔚来李强，下周三回访")
    assert "下次回访：" in cued and "是这个时间吗" not in cued


async def test_editing_the_guess_turns_it_into_a_fact(people: dict[str, Chat]) -> None:
    rep = people["rep_a"]
    await rep.say("/newcustomer 李强 13900000052 蔚来汽车")
    assert "是这个时间吗" in await rep.say("/visit 今天见了蔚来李强，他说pricing OK了，下周签")
    await rep.say("改回访")
    assert "是这个时间吗" not in await rep.say("后天上午10点")


async def test_the_question_in_english(world: World) -> None:
    rep = (await join_all(world, lang="en"))["rep_a"]
    await rep.say("/newcustomer Gavin Belson 13900000053 Hooli")
    card = await rep.say("/visit met Gavin at Hooli today, he'll review it over the weekend")
    assert "Follow-up:" in card and "is that right?" in card
