"""Numbers typed or carried in buttons: out of range gets a clear answer and changes nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from handlers.numbers import MAX_ID, oversized_number, parse_id, parse_small_int
from store.models import Activity, AuditLog, Deal
from tests.world import Chat, World, join_all

HUGE = "99999999999999999999999"
INTERNAL_ERROR = ("出了点问题", "something went wrong", "Traceback")


async def _counts(world: World) -> tuple[int, int, int]:
    async with world.uows() as uow:
        audit = await uow.session.scalar(select(func.count(AuditLog.id)))
        visits = await uow.session.scalar(select(func.count(Activity.id)))
        deals = await uow.session.scalar(select(func.count(Deal.id)))
    return int(audit or 0), int(visits or 0), int(deals or 0)


def _clean(reply: str) -> None:
    assert reply.strip() and not any(e in reply for e in INTERNAL_ERROR), reply


@pytest.mark.parametrize(
    ("lang", "words"),
    [("zh", ("太大", "没有保存", "按钮已经失效")), ("en", ("out of range", "nothing", "button"))],
)
async def test_huge_numbers_are_refused_and_change_nothing(
    world: World, lang: str, words: tuple[str, str, str]
) -> None:
    people = await join_all(world, lang)
    rep, admin = people["rep_a"], people["admin"]
    await rep.say("/newcustomer 张三 13900000031 华为")
    before = await _counts(world)
    too_big, nothing, stale = words
    reply = await rep.say("/visit 拜访华为张三 报价999999999999999999999亿")
    _clean(reply)
    assert too_big in reply and nothing in reply
    reply = await rep.say("拜访了华为张三，报价 9,999,999,999,999,999,999,999 亿")
    assert too_big in reply
    _clean(await admin.say(f"/undomerge {HUGE}"))
    for payload in (f"cu:show:{HUGE}", f"dl:open:{HUGE}", f"rm:done:{HUGE}", "cu:show:-1",
                    "cu:show:²", "dl:mv:1e9:won", f"pool:claim:{HUGE}", f"ho:ok:1:{HUGE}"):
        reply = await rep.say(payload=payload)
        _clean(reply)
    assert stale in await rep.say(payload=f"cu:show:{HUGE}")
    await rep.say("/deal new 张三")
    await rep.say("测试")
    reply = await rep.say("999999999999999999999亿")
    _clean(reply)
    assert too_big in reply
    assert await _counts(world) == before


async def test_ids_and_menu_numbers_are_bounded() -> None:
    assert parse_id("12") == 12 and parse_id(str(MAX_ID)) == MAX_ID
    for bad in (HUGE, str(MAX_ID + 1), "0", "-3", "²", "١٢", "1e3", "", " "):
        assert parse_id(bad) is None, bad
    assert [parse_small_int(s) for s in ("3", "-1", "0", "+2")] == [3, -1, 0, 2]
    assert parse_small_int("9" * 30) is None and parse_small_int("三") is None
    assert oversized_number("电话 13800138000,13900139000 账号 6222021234567890123") is None
    assert oversized_number("报价 9,999,999,999,999,999,999,999亿") is not None


async def test_a_digit_run_inside_a_sentence_still_works(people: dict[str, Chat]) -> None:
    """The guard refuses only absurd lengths: phones and 19-digit card numbers pass."""
    rep = people["rep_a"]
    reply = await rep.say("/newcustomer 李四 13800138000 腾讯")
    assert "太大" not in reply and "李四" in reply
