"""Benchmark team operations: segmentation of 200k customers, import of a 100k-row XLSX.

Run from anywhere:  python bench/operations.py [--customers 200000] [--rows 100000]
                    [--db sqlite|postgres]   (postgres: CHATCRM_TEST_PG_URL, a fresh schema)
Each part runs in its own process so its peak memory (ru_maxrss) is its own.
Targets: each under 30 s and under 500 MB.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert, text  # noqa: E402  (needs the repo root on sys.path)

from handlers.services.ops.importer import import_customers  # noqa: E402
from handlers.services.ops.segments import recompute_segments  # noqa: E402
from handlers.services.ops.tabular import read_table  # noqa: E402
from store.db import make_engine, make_sessions  # noqa: E402
from store.migrate import upgrade  # noqa: E402
from store.models import Activity, Customer, Deal, Org, Team, User  # noqa: E402
from store.uow import UnitOfWorkFactory  # noqa: E402

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂"
COMPANIES = [
    "华为",
    "腾讯",
    "阿里巴巴",
    "小米",
    "京东",
    "百度",
    "网易",
    "美团",
    "字节跳动",
    "比亚迪",
]


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


async def _engine(db: str, workdir: Path) -> Any:
    if db == "postgres":
        sys.path.insert(0, str(ROOT / "tests"))
        from tests.conftest import new_pg_engine

        engine, _schema = await new_pg_engine()  # left behind on purpose: inspect after a run
    else:
        engine = make_engine(f"sqlite+aiosqlite:///{workdir / 'bench.db'}")
    await upgrade(engine)
    return engine


async def _org(uows: UnitOfWorkFactory) -> tuple[int, list[int]]:
    async with uows() as uow:
        org = Org(name="bench", settings={}, created_at=NOW)
        uow.session.add(org)
        await uow.session.flush()
        team = Team(org_id=org.id, name="T")
        uow.session.add(team)
        await uow.session.flush()
        reps = [User(org_id=org.id, team_id=team.id, name=f"r{i}", role="rep", lang="zh",
                     tz="Asia/Shanghai", created_at=NOW) for i in range(20)]  # fmt: skip
        uow.session.add_all(reps)
        await uow.session.flush()
        await uow.commit()
        return org.id, [r.id for r in reps]


async def _seed(uows: UnitOfWorkFactory, org_id: int, reps: list[int], n: int) -> None:
    """n customers, a deal for every third, two activities for every second; bulk inserts."""
    rng = random.Random(7)
    async with uows() as uow:
        for start in range(0, n, 5000):
            ids = range(start + 1, min(n, start + 5000) + 1)
            customers = [_customer(rng, org_id, reps, i) for i in ids]
            await uow.session.execute(insert(Customer), customers)
        await uow.session.execute(
            insert(Deal), [_deal(rng, org_id, i) for i in range(1, n + 1, 3)]
        )
        acts = [_activity(rng, org_id, reps, i) for i in range(1, n + 1, 2) for _ in range(2)]
        for start in range(0, len(acts), 20000):
            await uow.session.execute(insert(Activity), acts[start : start + 20000])
        if uow.session.get_bind().dialect.name == "postgresql":
            # A bulk load right before the query: give the planner the statistics that
            # autovacuum would have gathered in a live database.
            await uow.session.execute(text("ANALYZE customer, deal, activity"))
        await uow.commit()


def _customer(rng: random.Random, org_id: int, reps: list[int], i: int) -> dict[str, Any]:
    created = NOW - timedelta(days=rng.randint(1, 900))
    contact = created + timedelta(days=rng.randint(0, 400)) if rng.random() < 0.8 else None
    return {"id": i, "org_id": org_id, "owner_id": rng.choice(reps), "name": f"客户{i}",
            "tier": "C", "lifecycle": "prospect", "search_key": "", "birthday_lunar": False,
            "care_consent": False, "created_at": created, "updated_at": created,
            "last_contact_at": min(contact, NOW) if contact else None}  # fmt: skip


def _deal(rng: random.Random, org_id: int, customer_id: int) -> dict[str, Any]:
    stage = rng.choice(["won", "won", "lost", "proposal", "meet"])
    created = NOW - timedelta(days=rng.randint(1, 500))
    closed = created + timedelta(days=rng.randint(1, 90)) if stage in ("won", "lost") else None
    return {"org_id": org_id, "customer_id": customer_id, "owner_id": None, "title": "d",
            "amount": rng.randint(1, 1000) * 1000, "currency": "CNY", "stage": stage,
            "stage_changed_at": closed or created, "closed_at": closed,
            "created_at": created}  # fmt: skip


def _activity(
    rng: random.Random, org_id: int, reps: list[int], customer_id: int
) -> dict[str, Any]:
    at = NOW - timedelta(days=rng.randint(0, 700))
    return {"org_id": org_id, "customer_id": customer_id, "user_id": rng.choice(reps),
            "kind": "visit", "happened_at": at, "summary": "拜访", "created_at": at}  # fmt: skip


def _xlsx(path: Path, rows: int) -> None:
    import openpyxl  # type: ignore[import-untyped]

    rng = random.Random(11)
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(["姓名", "手机", "公司", "邮箱", "等级", "备注"])
    for i in range(rows):
        name = rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)
        phone = f"13{rng.randint(0, 999999999):09d}" if i % 50 else "bad"
        company = f"{rng.choice(COMPANIES)}{i // 40}分公司"  # names repeat, branches differ
        sheet.append([name, phone, company, f"u{i}@example.com", "ABC"[i % 3], ""])
    book.save(path)


async def run_part(part: str, size: int, db: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        engine = await _engine(db, workdir)
        uows = UnitOfWorkFactory(make_sessions(engine))
        org_id, reps = await _org(uows)
        if part == "segments":
            await _seed(uows, org_id, reps, size)
        else:
            _xlsx(workdir / "in.xlsx", size)
        start = time.perf_counter()
        async with uows() as uow:
            if part == "segments":
                done = await recompute_segments(uow, org_id, NOW)
                label = f"{done} customers segmented"
            else:
                rows = read_table(workdir / "in.xlsx")
                report = await import_customers(uow, None, org_id, None, rows, NOW)
                label = f"{report.created} imported, {len(report.rejected)} rejected"
            await uow.commit()
        elapsed = time.perf_counter() - start
        await engine.dispose()
    print(f"{part:<9} {db:<8} {label:<40} {elapsed:6.1f} s   peak {peak_mb():6.0f} MB")


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--customers", type=int, default=200_000)
    p.add_argument("--rows", type=int, default=100_000)
    p.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    p.add_argument("--part", choices=("segments", "import"), default=None, help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.part:
        size = args.customers if args.part == "segments" else args.rows
        asyncio.run(run_part(args.part, size, args.db))
        return 0
    for part in ("segments", "import"):
        cmd = [sys.executable, __file__, "--part", part, "--db", args.db,
               "--customers", str(args.customers), "--rows", str(args.rows)]  # fmt: skip
        subprocess.run(cmd, check=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
