"""Time and size of every chart the bot sends, and how long the event loop waits meanwhile.

    python bench/charts.py [--runs 5]

The demo company's manager (python main.py console --demo --as manager) in both languages,
and a big-team worst case (8 stages, 3 currencies, 15 reps and a "more" row). For each chart:
the median time (wall and CPU) to draw it and write the PNG, the PNG's size and dimensions.
Target: under 300 ms a chart. Then how long the event loop went without running while four
charts were drawn (handlers/charts/draw.png: a drawing process), against an idle loop.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from handlers.charts.digest import digest_chart
from handlers.charts.draw import COLORS, Chart, Panel, Row, png, render
from handlers.charts.parts import StageBar, stage_panels
from handlers.charts.sales import funnel_chart, leaderboard_chart, pipeline_chart
from handlers.chat.pipeline import stage_bars
from handlers.demo import demo_ids, seed_demo
from handlers.i18n import t
from handlers.services import digest as digest_svc
from handlers.services.access import scope_for
from handlers.services.deals import pipeline
from handlers.services.ops.funnel import funnel, main_currency
from handlers.services.schedule import org_schedule
from store.db import make_engine, make_sessions
from store.migrate import upgrade
from store.uow import UnitOfWorkFactory

NOW = datetime(2026, 12, 6, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai
CURRENCIES = ("CNY", "USD", "EUR")


async def demo_charts(folder: str, lang: str) -> dict[str, Chart]:
    """Each command's chart for the demo manager, built from the services as the bot does."""
    engine = make_engine(f"sqlite+aiosqlite:///{folder}/bench-{lang}.db")
    await upgrade(engine)
    uows = UnitOfWorkFactory(make_sessions(engine))
    async with uows() as uow:
        ids = await demo_ids(uow) or await seed_demo(uow, NOW)
        await uow.commit()
    async with uows() as uow:
        user = await uow.users.get(ids.manager_id)
        assert user is not None
        org = await uow.users.org(user.org_id)
        assert org is not None
        sched = org_schedule(org, "Asia/Shanghai", "zh")
        daily = await digest_svc.for_viewer(uow, user, NOW, 1, sched)
        weekly = await digest_svc.for_viewer(uow, user, NOW, 7, sched)
        scope = await scope_for(uow, user)
        result = await funnel(uow, user.org_id, NOW - timedelta(days=90), NOW, scope.owner_ids)
        names = {u.id: u.name for u in await uow.users.in_org(user.org_id)}
        bars = stage_bars(
            await pipeline(uow, user.org_id), await uow.deals.open_deals(scope), lang
        )
    await engine.dispose()
    ranked = [(names[o], r) for o, r in sorted(result.reps.items(), key=lambda kv: -kv[1].won)]
    return {
        "digest": digest_chart(daily, lang),
        "weekly": digest_chart(weekly, lang),
        "funnel": funnel_chart(result, 90, lang),
        "leaderboard": leaderboard_chart(ranked, main_currency(result), 90, lang),
        "pipeline": pipeline_chart(bars, t(lang, "dl.scope_team"), lang),
    }


def big_team(lang: str) -> Chart:
    stages = [
        StageBar(f"阶段{i}" if lang == "zh" else f"Stage {i}", 40 - 3 * i, amounts)
        for i in range(8)
        for amounts in [{c: Decimal(10_000 * (i + 1) * k) for k, c in enumerate(CURRENCIES, 1)}]
    ]
    reps = [Row(f"销售{i:02d}", 30 - i, f"{30 - i} 次") for i in range(15)]
    reps.append(Row(t(lang, "ch.more", n=45), 0, ""))
    return Chart("big team", [*stage_panels(stages, lang), Panel("visits", reps, COLORS[1])])


def measure(chart: Chart, runs: int) -> tuple[float, float, bytes]:
    """Median wall and CPU milliseconds: on a shared machine the CPU time is the chart's own."""
    walls, cpus = [], []
    for _ in range(runs):
        w0, c0 = time.perf_counter(), time.process_time()
        data = render(chart)
        walls.append(time.perf_counter() - w0)
        cpus.append(time.process_time() - c0)
    return statistics.median(walls) * 1000, statistics.median(cpus) * 1000, data


def dimensions(data: bytes) -> str:
    from PIL import Image

    with Image.open(io.BytesIO(data)) as image:
        return f"{image.width}x{image.height}"


async def loop_lag(charts: list[Chart]) -> tuple[float, float]:
    """The longest and the 95th-percentile gap (ms) between 5 ms ticks of the loop while the
    charts are drawn; with no charts, over one idle second."""
    gaps: list[float] = []
    done = asyncio.Event()

    async def tick() -> None:
        last = time.perf_counter()
        while not done.is_set():
            await asyncio.sleep(0.005)
            now = time.perf_counter()
            gaps.append(now - last - 0.005)
            last = now

    ticker = asyncio.create_task(tick())
    if charts:
        await asyncio.gather(*(png(chart) for chart in charts))
    else:
        await asyncio.sleep(1.0)
    done.set()
    await ticker
    gaps.sort()
    return gaps[-1] * 1000, gaps[int(len(gaps) * 0.95)] * 1000


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    t0 = time.perf_counter()
    render(Chart("预热 warm-up", [Panel("x", [Row("y", 1, "1")])]))
    print(
        f"first chart in a process (matplotlib import, font load): {time.perf_counter() - t0:.2f}s"
    )
    print(f"{'chart':<22}{'wall ms':>9}{'CPU ms':>8}{'PNG KB':>8}{'size':>11}")
    with tempfile.TemporaryDirectory() as folder:
        for lang in ("zh", "en"):
            charts = {**await demo_charts(folder, lang), "big team (worst)": big_team(lang)}
            for name, chart in charts.items():
                wall, cpu, data = measure(chart, args.runs)
                size, shape = len(data) / 1024, dimensions(data)
                print(
                    f"{name + ' [' + lang + ']':<22}{wall:>9.0f}{cpu:>8.0f}{size:>8.1f}{shape:>11}"
                )
        idle, busy = await loop_lag([]), await loop_lag(list(charts.values())[:4])
    print(
        f"event loop gaps, max / p95: idle {idle[0]:.0f} / {idle[1]:.0f} ms; while 4 charts drew "
        f"{busy[0]:.0f} / {busy[1]:.0f} ms"
    )


if __name__ == "__main__":
    asyncio.run(main())
