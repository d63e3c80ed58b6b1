"""/settings: admins change the company's rules in chat; managers look; all audited."""

from __future__ import annotations

from datetime import time

from handlers.services.schedule import org_schedule
from jobs.care import quiet
from store.models import AuditLog, Org
from tests.ops.helpers import count, rows
from tests.world import Chat, World


async def _sched(world: World):  # type: ignore[no-untyped-def]
    org = (await rows(world, Org))[0]
    return org_schedule(org, "Asia/Shanghai", "zh")


async def test_admin_changes_each_setting_in_chinese(
    people: dict[str, Chat], world: World
) -> None:
    admin = people["admin"]
    shown = await admin.say("设置")
    assert "A 类 7 天 · B 类 14 天 · C 类 30 天" in shown and "日报：每个工作日 08:00" in shown
    assert "已保存" in await admin.say("设置 节奏 A 10")
    assert "已保存" in await admin.say("设置 停滞 方案报价 10")
    assert "已保存" in await admin.say("设置 停滞 默认 20")
    assert "已保存" in await admin.say("设置 关怀 关 生日")
    assert "已保存" in await admin.say("设置 免打扰 22 8")
    reply = await admin.say("设置 日报 8点半")
    assert "A 类 10 天" in reply and "默认 20 天；方案报价 10 天" in reply
    assert "节日、售后、召回；免打扰 22:00–8:00" in reply and "08:30" in reply
    sched = await _sched(world)
    assert sched.cadence_days["A"] == 10 and sched.stale_for("proposal") == 10
    assert sched.stale_default == 20 and sched.digest_at == time(8, 30)
    assert "birthday" not in sched.care.kinds and sched.care.quiet_from == 22
    assert "已关闭" in await admin.say("设置 关怀 关")
    assert (await _sched(world)).care.kinds == ()
    assert "生日、节日、售后、召回" in await admin.say("设置 关怀 开")
    assert await count(world, AuditLog, action="org.settings") == 8
    assert "37" in await admin.say("设置 公海 37 90 3 5")


async def test_bad_values_change_nothing(people: dict[str, Chat], world: World) -> None:
    admin = people["admin"]
    assert "1 到 365" in await admin.say("设置 节奏 A 9999")
    assert "A、B 或 C" in await admin.say("设置 节奏 Z 10")
    assert "没有叫「赢单」的进行中阶段" in await admin.say("设置 停滞 赢单 10")
    assert "0–23" in await admin.say("设置 免打扰 25 8")
    assert "8:30" in await admin.say("设置 日报 25点")
    assert "没看懂" in await admin.say("设置 颜色 红")
    assert await count(world, AuditLog, action="org.settings") == 0


async def test_roles_and_english(people_en: dict[str, Chat], world: World) -> None:
    assert "Only a manager" in await people_en["rep_a"].say("/settings")
    boss = people_en["boss_east"]
    assert "tier A every 7 days" in await boss.say("/settings")
    assert "Only an admin" in await boss.say("/settings cadence A 3")
    admin = people_en["admin"]
    reply = await admin.say("/settings stale Proposal 5")
    assert "Saved" in reply and "Proposal / quote 5 days" in reply
    assert "Care messages: birthday, holiday" not in await admin.say("/settings care off holiday")
    assert "Manager digest: each working day at 07:45" in await admin.say("/settings digest 7:45")


def test_quiet_hours_wrap_past_midnight_or_not() -> None:
    assert quiet(21, 9, 23) and quiet(21, 9, 3) and not quiet(21, 9, 12)
    assert quiet(1, 6, 3) and not quiet(1, 6, 12) and not quiet(1, 6, 23)
