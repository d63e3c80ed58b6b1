"""Benchmark finding a customer by what a rep typed, in books of different sizes.

Every /visit, /customer, /deal and free-text mention ranks the rep's visible customers by name,
company, pinyin, initials and phone. This seeds one rep per book size on SQLite (or PostgreSQL
with --pg-url) and times search_ranked() for messages that name a customer, some exactly, some
by pinyin or a typo, some naming nobody.

Run from the repo root:  python bench/customer_search.py [--books 100,500,2000] [--repeat 50]
  [--pg-url postgresql+asyncpg://postgres@127.0.0.1:5432/test]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from handlers.services import customers, org  # noqa: E402  (needs the repo root on sys.path)
from handlers.services.access import scope_for  # noqa: E402
from store.db import make_engine, make_sessions  # noqa: E402
from store.migrate import upgrade  # noqa: E402
from store.uow import UnitOfWorkFactory  # noqa: E402

SURNAMES = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红"
FIRMS = ("华为", "小米", "联想", "比亚迪", "美的", "格力", "海尔", "腾讯", "京东", "顺丰")


def person(i: int) -> tuple[str, str]:
    s, g = len(SURNAMES), len(GIVEN)
    name = SURNAMES[i % s] + GIVEN[(i // s) % g] + GIVEN[(i // (s * g)) % g]
    return name, f"{FIRMS[i % 10]}{i // 10}号分公司"


def queries(book: int) -> list[str]:
    """What reps type: exact names, pinyin, a firm, a phone tail, and someone not in the book."""
    picks = [person(i) for i in range(0, book, max(1, book // 5))][:5]
    asked = [f"今天拜访{name}，谈了报价" for name, _ in picks]
    asked += [f"{firm}{name[0]}总" for name, firm in picks[:2]]
    asked += ["zhaowei", "139 0000 0042", "拜访欧阳不在"]
    return asked


async def seed(uows: UnitOfWorkFactory, book: int) -> int:
    now = datetime.now(UTC)
    async with uows() as uow:
        company = await org.create_org(uow, f"Bench {book}", now)
        invite = await org.create_invite(uow, company.id, "rep", now)
        who = org.Newcomer("console", f"rep-{book}", f"rep-{book}", "rep", "zh", "Asia/Shanghai")
        joined = await org.join(uow, invite.code, who, now)
        assert joined.user is not None
        for i in range(book):
            name, firm = person(i)
            new = customers.NewCustomer(name, f"139{i:08d}", firm)
            await customers.create(uow, joined.user, new, now)
        await uow.commit()
        return joined.user.id


async def measure(uows: UnitOfWorkFactory, book: int, repeat: int) -> dict[str, float]:
    user_id = await seed(uows, book)
    asked = queries(book)
    times: list[float] = []
    async with uows() as uow:
        user = await uow.users.get(user_id)
        assert user is not None
        scope = await scope_for(uow, user)
        for text in asked:  # warm the pinyin caches as a running server has them
            await customers.search_ranked(uow, scope, text)
        for _ in range(repeat):
            for text in asked:
                started = time.perf_counter()
                await customers.search_ranked(uow, scope, text, limit=6)
                times.append(time.perf_counter() - started)
    times.sort()
    return {
        "book": book,
        "p50_ms": round(statistics.median(times) * 1000, 2),
        "p99_ms": round(times[int(0.99 * (len(times) - 1))] * 1000, 2),
    }


async def run(args: argparse.Namespace) -> None:
    if args.pg_url:
        import asyncpg

        schema = f"bench_{uuid.uuid4().hex[:10]}"
        raw = args.pg_url.replace("+asyncpg", "")
        conn = await asyncpg.connect(raw)
        await conn.execute(f'CREATE SCHEMA "{schema}"')
        await conn.close()
        extra = {"server_settings": {"search_path": schema}}
        engine = make_engine(args.pg_url, connect_args=extra)
    else:
        folder = tempfile.mkdtemp(prefix="chatcrm-search-")
        engine = make_engine(f"sqlite+aiosqlite:///{Path(folder) / 'search.db'}")
    try:
        await upgrade(engine)
        uows = UnitOfWorkFactory(make_sessions(engine))
        print("| customers in the rep's book | p50 ms | p99 ms |")
        print("|---|---|---|")
        for book in (int(b) for b in args.books.split(",")):
            row = await measure(uows, book, args.repeat)
            print(f"| {row['book']} | {row['p50_ms']} | {row['p99_ms']} |")
    finally:
        await engine.dispose()
        if args.pg_url:
            conn = await asyncpg.connect(raw)
            await conn.execute(f'DROP SCHEMA "{schema}" CASCADE')
            await conn.close()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--books", default="100,500,2000")
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--pg-url", default="")
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
