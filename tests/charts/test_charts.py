"""Every chart, read back from its figure: the real stage and rep names in the reader's
language, and yuan and dollars never in one figure. The PNG a command sends is compared with
the chart built here from the same figures, so what is read is what the manager gets."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.console.chat import Console
from bot.console.media import image_lines
from handlers.charts.digest import digest_chart
from handlers.charts.draw import Chart, Panel, Row, figure, png, printable, render
from handlers.charts.sales import funnel_chart, leaderboard_chart, pipeline_chart
from handlers.chat.context import ChatConfig
from handlers.chat.funnel import ranking
from handlers.chat.pipeline import scope_key, stage_bars
from handlers.i18n import t
from handlers.messages import Reply
from handlers.services import digest as digest_svc
from handlers.services.access import scope_for
from handlers.services.deals import pipeline
from handlers.services.ops.funnel import funnel, main_currency
from handlers.services.schedule import org_schedule
from store.db import make_sessions
from store.uow import UnitOfWorkFactory
from tests.ops.helpers import add_customer, add_deal, log_visit, move_deal, user_named
from tests.world import NOW, World, join_all

SYMBOLS = ("¥", "$")


@pytest.fixture
def uows(sqlite_engine: AsyncEngine) -> UnitOfWorkFactory:
    """Charts don't depend on the database: SQLite alone keeps these tests quick."""
    return UnitOfWorkFactory(make_sessions(sqlite_engine))


async def _seed(world: World) -> None:
    """rep_a wins ¥100,000 and $30,000; rep_b holds ¥200,000 and $1,000 in proposal and loses
    ¥5,000; a visit each;
    rep_w (the other team) has a deal that must not show up in the East manager's charts."""
    world.clock.at = NOW - timedelta(days=3)
    for owner, name, amount, currency, stage in (
        ("rep_a", "甲", "100000", "CNY", "won"),
        ("rep_a", "Acme", "30000", "USD", "won"),
        ("rep_b", "乙", "200000", "CNY", None),
        ("rep_b", "Beta", "1000", "USD", None),
        ("rep_b", "丁", "5000", "CNY", "lost"),
        ("rep_w", "丙", "50000", "CNY", None),
    ):
        customer = await add_customer(world, owner, name)
        deal = await add_deal(world, owner, customer, "单", amount, "proposal", currency)
        await log_visit(world, owner, customer, world.clock.now())
        if stage:
            await move_deal(world, owner, deal, stage)
    world.clock.at = NOW


def labels(chart: Chart) -> list[str]:
    """The texts on the chart's figure, in drawing order (titles, then each row's two)."""
    return [text.get_text() for text in figure(chart).axes[0].texts]


def panel(texts: Sequence[str], title_part: str, next_titles: Sequence[str]) -> list[str]:
    """The texts from the panel whose title holds `title_part` to the next panel title."""
    start = next(i for i, x in enumerate(texts) if title_part in x)
    end = next((i for i in range(start + 1, len(texts)) if texts[i] in next_titles), len(texts))
    return list(texts[start:end])


def one_currency_each(texts: Sequence[str]) -> None:
    for text in texts:
        assert sum(symbol in text for symbol in SYMBOLS) <= 1, text
    for summed in ("201,000", "130,000", "230,000", "101,000"):  # what ¥ + $ would make
        assert not any(summed in text for text in texts)


async def _charts(world: World, viewer: str, lang: str) -> tuple[dict[str, Chart], list[str]]:
    """Each chart a command draws, built here from the same services and the same figures;
    and the org's open stages as the admin named them, in the reader's language."""
    async with world.uows() as uow:
        user = await user_named(uow, viewer)
        org = await uow.users.org(user.org_id)
        assert org is not None
        sched = org_schedule(org, ChatConfig().default_tz, ChatConfig().default_lang)
        daily = await digest_svc.for_viewer(uow, user, NOW, 1, sched)
        weekly = await digest_svc.for_viewer(uow, user, NOW, 7, sched)
        scope = await scope_for(uow, user)
        result = await funnel(uow, user.org_id, NOW - timedelta(days=30), NOW, scope.owner_ids)
        names = {u.id: u.name for u in await uow.users.in_org(user.org_id)}
        pipe = await pipeline(uow, user.org_id)
        deals = await uow.deals.open_deals(scope, limit=10_000)
    ranked = ranking(result, main_currency(result))
    scope_name = t(lang, f"dl.scope_{scope_key(user.role)}")
    return {
        "/digest": digest_chart(daily, lang),
        "/weekly": digest_chart(weekly, lang),
        "/funnel": funnel_chart(result, 30, lang),
        "/leaderboard": leaderboard_chart(
            [(names[o], r) for o, r in ranked], main_currency(result), 30, lang
        ),
        "/pipeline": pipeline_chart(stage_bars(pipe, deals, lang), scope_name, lang),
    }, [s.name_zh if lang == "zh" else s.name_en for s in pipe.open_stages]


@pytest.mark.parametrize(
    ("lang", "proposal", "cny_panel", "usd_panel"),
    [
        ("zh", "方案报价", "人民币（CNY）", "美元（USD）"),
        ("en", "Proposal / quote", "CNY (yuan)", "USD (US dollars)"),
    ],
    ids=["zh", "en"],
)
async def test_every_chart_names_real_stages_and_reps_and_keeps_currencies_apart(
    world: World, lang: str, proposal: str, cny_panel: str, usd_panel: str
) -> None:
    people = await join_all(world, lang)
    await _seed(world)
    charts, stage_names = await _charts(world, "boss_east", lang)
    read = {command: labels(chart) for command, chart in charts.items()}
    for command in ("/digest", "/weekly", "/funnel", "/pipeline"):
        assert all(name in read[command] for name in stage_names), (command, read[command])
        assert proposal in read[command]
    for command in ("/digest", "/weekly", "/leaderboard"):
        assert {"rep_a", "rep_b"} <= set(read[command]), (command, read[command])
    for texts in read.values():
        assert "rep_w" not in texts  # the West team is not this manager's
        assert not any(x in ("R1", "R2", "R3") for x in texts)  # the old chart's stand-ins
        one_currency_each(texts)
    titles = [p.title for chart in charts.values() for p in chart.panels]
    for command in ("/digest", "/pipeline"):
        cny = panel(read[command], cny_panel, titles)
        usd = panel(read[command], usd_panel, titles)
        assert cny[cny.index(proposal) + 1].startswith("¥200,000"), cny
        assert usd[usd.index(proposal) + 1].startswith("$1,000"), usd
    board = read["/leaderboard"]
    cny, usd = panel(board, cny_panel, titles), panel(board, usd_panel, titles)
    assert cny[cny.index("rep_a") + 1].startswith("¥100,000") and "rep_b" not in cny
    assert usd[usd.index("rep_a") + 1].startswith("$30,000")
    if lang == "zh":  # what the commands send is exactly these charts
        for command in ("/digest", "/funnel month", "/leaderboard month", "/pipeline"):
            await people["boss_east"].say(command)
            sent = people["boss_east"].last[0].image_png
            assert sent == render(charts[command.split()[0]]), command


def test_names_the_font_lacks_are_dropped_and_long_ones_cut(tmp_path: Path) -> None:
    long_name = "北京字节跳动网络技术有限公司华东大区第三销售分部" * 2  # wider than a phone
    chart = Chart("🚀 测试", [Panel("拜访", [Row("Tom🚀", 1, "1 次"), Row(long_name, 2, "2 次")])])
    texts = labels(chart)
    assert "测试" in texts and "Tom" in texts and printable("🚀") == ""
    cut = next(x for x in texts if x.startswith("北京"))
    assert cut.endswith("…") and len(cut) < len(long_name)
    png = render(chart)
    lines = image_lines([Reply("x", image_png=png), Reply("y")], tmp_path / "media")
    assert len(lines) == 1 and lines[0].startswith("🖼 ")
    saved = Path(lines[0][2:])
    assert saved.read_bytes() == png and saved.parent == (tmp_path / "media").resolve()
    assert image_lines([Reply("x", image_png=png)], tmp_path / "media") == lines  # one file


async def test_console_prints_where_the_chart_was_saved(world: World, tmp_path: Path) -> None:
    await join_all(world)
    await _seed(world)
    console = Console(world.router, "boss_east", media=tmp_path / "media")
    console.counter = 100
    out = await console.send("/pipeline")
    path = Path(out.splitlines()[-1].removeprefix("🖼 "))
    assert path.parent == (tmp_path / "media").resolve()
    assert (await asyncio.to_thread(path.read_bytes)).startswith(b"\x89PNG")


async def test_a_chart_that_cannot_be_drawn_leaves_the_text_to_go_alone(
    caplog: pytest.LogCaptureFixture,
) -> None:
    broken = Chart("漏斗", [Panel("阶段", [Row("方案报价", 1, "1 个")], color="no-such-colour")])
    assert await png(broken) is None
    assert "not drawn" in caplog.text
