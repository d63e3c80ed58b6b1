"""Benchmark finding a customer by what a rep typed, among a company's million or a rep's book.

Every /visit, /customer, /deal, duplicate check and free-text mention starts here. One database
per backend holds two orgs: a company of --company customers (searched as its admin) and a book
of --book customers owned by one rep (searched as that rep). Customers are bulk-inserted before
migration 0008_search, which then builds the search indexes in one pass, as it would on an
existing database. Names are nearly unique (99 surnames x 100 x 100 given characters: a few
repeat at a million); each firm branch has ten contacts with different surnames.

Each query kind is timed through search_briefs() (retrieval and ranking, what a message costs)
and scored: the intended customer is the top hit (for ambiguous kinds: among the six choices).

Text search (/find, migration 0010_text_search): --activities activities over the company's
customers and five per customer of the book, and notes on one customer in fifty, are inserted
before that migration builds its indexes; words common (报价: one activity in ten) and rare
(普洱: one in a thousand), of two characters and of more, are timed through
handlers.services.text_search.find (the first page of /find).

Run from the repo root:
  python bench/customer_search.py [--company 1000000] [--book 10000] [--repeat 5]
    [--activities 1000000]
    [--sqlite-path /tmp/search.db] [--pg-url postgresql+asyncpg://postgres@127.0.0.1:5432/test
    --pg-schema bench_search]
An existing database at --sqlite-path or --pg-schema is reused, not seeded again.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import bindparam, column, func, insert, select, table, text  # noqa: E402

from handlers.nlu.match import search_key  # noqa: E402
from handlers.services import customers, org  # noqa: E402
from handlers.services import text_search as find  # noqa: E402
from handlers.services.access import scope_for  # noqa: E402
from store.db import make_engine, make_sessions  # noqa: E402
from store.migrate import upgrade  # noqa: E402
from store.models import Activity, Customer, Org, User  # noqa: E402
from store.repos.customers import CustomerBrief  # noqa: E402
from store.repos.once import is_postgres  # noqa: E402
from store.uow import UnitOfWorkFactory  # noqa: E402

SURNAMES = (
    "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜戚谢邹喻柏水窦章云苏潘葛"
    "奚范彭郎鲁韦昌马苗凤花方俞任袁柳鲍史唐费廉岑薛雷贺倪汤滕殷罗毕郝邬安常乐于时傅皮卞齐康伍余"
    "元卜顾孟平黄和穆萧尹"
)
GIVEN = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红志建国文鹏宇浩凯俊峰辉波斌晨龙"
    "飞鑫雪琳婷倩颖佳欣怡梅燕琴云莹晶慧巧美淑惠珠翠雅芝妍茜秋珊莎锦黛青倩婉娴瑾颖露瑶怡婵雁蓓"
    "纨仪荷丹蓉眉君琴蕊薇菁梦岚苑婕馨瑗琰韵融园艺咏卿聪澜纯毓悦昭冰爽琬茗羽希宁欣飘育滢馥"
)
# Characters read like one of GIVEN's but not in it: 赵伟娜 misheard as 赵威娜.
HOMOPHONES = {"伟": "威", "丽": "莉", "强": "墙", "军": "君", "明": "铭", "平": "萍", "红": "虹"}
FIRMS = ("华为", "小米", "联想", "比亚迪", "美的", "格力", "海尔", "腾讯", "京东", "顺丰")


def _distinct(chars: str, n: int) -> str:
    return "".join(dict.fromkeys(chars))[:n]


SUR = _distinct(SURNAMES, 100)
GIV = "".join(c for c in dict.fromkeys(GIVEN) if c not in HOMOPHONES.values())[:100]


def person(i: int) -> tuple[str, str, str]:
    """(name, company, phone) of customer number i, ten contacts per firm branch."""
    name = SUR[i % len(SUR)] + GIV[(i // len(SUR)) % len(GIV)] + GIV[(i // 10000) % len(GIV)]
    return name, f"{FIRMS[(i // 10) % 10]}{i // 100}号分公司", f"139{i:08d}"


@lru_cache(maxsize=200_000)
def _key_half(text_: str, is_name: bool) -> str:
    return search_key(text_, None) if is_name else search_key("", text_)


def _row(i: int, base: int, org_id: int, owner_id: int, now: datetime) -> dict[str, Any]:
    name, company, phone = person(i)
    key = f"{_key_half(name, True)} {_key_half(company, False)}"
    return {
        "id": base + i, "org_id": org_id, "owner_id": owner_id, "name": name,
        "company": company, "phone": phone, "title": "经理", "search_key": key, "tier": "C",
        "lifecycle": "customer", "birthday_lunar": False, "care_consent": False,
        "created_at": now, "updated_at": now,
    }  # fmt: skip


async def _user(uows: UnitOfWorkFactory, name: str, role: str, now: datetime) -> tuple[int, int]:
    async with uows() as uow:
        company = await org.create_org(uow, name, now)
        invite = await org.create_invite(uow, company.id, role, now)
        who = org.Newcomer("console", name, name, role, "zh", "Asia/Shanghai")
        joined = await org.join(uow, invite.code, who, now)
        assert joined.user is not None
        await uow.commit()
        return company.id, joined.user.id


# The customer table as migration 0004 left it: seeding runs there, before the search indexes
# exist. The model's later columns (kind, from 0011) and their defaults must not be sent.
CUSTOMER_0004 = table(
    "customer",
    *(column(name) for name in _row(0, 0, 0, 0, datetime.now(UTC))),
)


async def seed(uows: UnitOfWorkFactory, company: int, book: int) -> tuple[int, int]:
    """Both orgs, bulk-inserted; the admin's and the rep's user ids."""
    now = datetime.now(UTC)
    org_a, admin = await _user(uows, "Bench company", "admin", now)
    org_b, rep = await _user(uows, "Bench book", "rep", now)
    started = time.perf_counter()
    for org_id, owner, count, base in ((org_a, admin, company, 0), (org_b, rep, book, 10**7)):
        for start in range(0, count, 20_000):
            rows = [
                _row(i, base, org_id, owner, now) for i in range(start, min(count, start + 20_000))
            ]
            async with uows() as uow:
                await uow.session.execute(insert(CUSTOMER_0004), rows)
                await uow.commit()
    print(f"# seeded {company:,} + {book:,} customers in {time.perf_counter() - started:.0f} s")
    return admin, rep


async def seeded(uows: UnitOfWorkFactory) -> tuple[int, int] | None:
    async with uows() as uow:
        ids: dict[str, int] = {}
        for name in ("Bench company", "Bench book"):
            org_id = await uow.session.scalar(select(Org.id).where(Org.name == name))
            if org_id is None:
                return None
            ids[name] = int(
                await uow.session.scalar(select(User.id).where(User.org_id == org_id)) or 0
            )
        return ids["Bench company"], ids["Bench book"]


Ranked = list[tuple[CustomerBrief, float]]
Check = Callable[[Ranked], bool]


def _top(cid: int) -> Check:
    """The top hit, or tied with it (two customers of one name: the bot asks which)."""
    return lambda hits: any(b.id == cid and s == hits[0][1] for b, s in hits)


def _among(cid: int) -> Check:
    return lambda hits: any(b.id == cid for b, _ in hits)


def _nobody(hits: Ranked) -> bool:
    return not hits


def cases(n: int, base: int, rng: random.Random) -> list[tuple[str, str, Check]]:
    """(kind, what the rep typed, what counts as right) for eight customers of a book of n."""
    out: list[tuple[str, str, Check]] = []
    picks = [rng.randrange(n) for _ in range(8)]
    for i in picks:
        name, company, phone = person(i)
        cid = base + i
        number = f"{phone[:3]} {phone[3:7]} {phone[7:]}"
        out += [
            ("exact name", name, _top(cid)),
            ("name + company", f"{company}{name}", _top(cid)),
            ("company + surname + title", f"{company}{name[0]}总", _top(cid)),
            ("phone 13900000042", phone, _top(cid)),
            ("phone 139 0000 0042", number, _top(cid)),
            ("phone +86 139-0000-0042", f"+86 {phone[:3]}-{phone[3:7]}-{phone[7:]}", _top(cid)),
            ("full pinyin", "".join(_key_half(name, True).split()[1:2]), _among(cid)),
            ("initials", _key_half(name, True).split()[2], _among(cid)),
            (
                "typo (pinyin, two letters swapped)",
                _swap(_key_half(name, True).split()[1]),
                _among(cid),
            ),
        ]
        heard = "".join(HOMOPHONES.get(c, c) for c in name)
        if heard != name:
            out.append(("homophone", heard, _among(cid)))
    out += [("firm + surname + title (ambiguous)", f"{FIRMS[4]}{SUR[40]}总", _firm_surname)]
    out += [("nobody", q, _nobody) for q in ("欧阳不在", "xyzzyq", "司马光明天")]
    return out


def _firm_surname(hits: Ranked) -> bool:
    top = hits[0][0] if hits else None
    return top is not None and (top.company or "").startswith(FIRMS[4]) and top.name[0] == SUR[40]


def _swap(word: str) -> str:
    at = len(word) // 2
    return word[: at - 1] + word[at] + word[at - 1] + word[at + 1 :]


async def measure(
    uows: UnitOfWorkFactory, user_id: int, asked: list[tuple[str, str, Check]], repeat: int
) -> dict[str, tuple[list[float], int, int]]:
    out: dict[str, tuple[list[float], int, int]] = {}
    async with uows() as uow:
        user = await uow.users.get(user_id)
        assert user is not None
        scope = await scope_for(uow, user)
        for kind, query, check in asked:
            times, right, total = out.setdefault(kind, ([], 0, 0))
            hits = await customers.search_briefs(uow, scope, query, limit=6)
            for _ in range(repeat):
                started = time.perf_counter()
                await customers.search_briefs(uow, scope, query, limit=6)
                times.append((time.perf_counter() - started) * 1000)
            out[kind] = (times, right + check(hits), total + 1)
    return out


def _pct(times: list[float], p: float) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, int(p * len(ordered)))]


def report(backend: str, who: str, results: dict[str, tuple[list[float], int, int]]) -> None:
    for kind, (times, right, total) in results.items():
        p50, p95, p99 = (_pct(times, p) for p in (0.5, 0.95, 0.99))
        print(
            f"| {backend} | {who} | {kind} | {p50:.1f} | {p95:.1f} | {p99:.1f} | {right}/{total} |"
        )
    every = [t for times, _, _ in results.values() for t in times]
    print(
        f"| {backend} | {who} | all kinds | {statistics.median(every):.1f} | "
        f"{_pct(every, 0.95):.1f} | {_pct(every, 0.99):.1f} | "
        f"{sum(r for _, r, _ in results.values())}/{sum(t for _, _, t in results.values())} |"
    )


DONE = ("谈了报价", "送了样品", "签了合同", "催了回款", "做了培训", "安装调试", "验收通过",
        "聊了续约", "处理投诉", "开了发票")  # fmt: skip
SAID = ("客户很满意", "下周再约", "需要内部讨论", "价格偏高", "要求打折", "对比了竞品",
        "领导出差", "约了演示")  # fmt: skip


def _pick(words: tuple[str, ...], index: str) -> str:
    """SQL choosing words[index], for an INSERT … SELECT that runs inside the database."""
    whens = " ".join(f"WHEN {index} = {n} THEN '{w}'" for n, w in enumerate(words))
    return f"CASE {whens} END"


async def seed_text(
    uows: UnitOfWorkFactory, users: tuple[int, int], company: int, book: int, count: int
) -> None:
    """Activities and notes, unless there are some already (a reused database). Generated by
    the database itself (INSERT … SELECT over a series): rows sent from Python ran at ~100/s
    on the busy machine."""
    async with uows() as uow:
        if await uow.session.scalar(select(Activity.id).limit(1)) is not None:
            return
        orgs = [await uow.session.scalar(select(User.org_id).where(User.id == u)) for u in users]
        postgres = is_postgres(uow.session)
    started = time.perf_counter()
    series = (
        "generate_series(0, :total - 1) AS s(i)"
        if postgres
        else "(WITH RECURSIVE s(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM s"
        " WHERE i < :total - 1) SELECT i FROM s)"
    )
    rare = "CASE WHEN i % 1000 = 7 THEN '，送了两饼普洱茶' ELSE '' END"
    summary = f"{_pick(DONE, 'i % 10')} || '，' || {_pick(SAID, '(i / 10) % 8')} || {rare}"
    insert_sql = text(
        "INSERT INTO activity (org_id, customer_id, user_id, kind, happened_at, created_at,"
        " summary, next_step)"
        f" SELECT :org, :base + i % :customers, :user, 'visit', :now, :now, {summary},"
        f" CASE WHEN i % 3 = 0 THEN '下周三回访' END FROM {series}"
    ).bindparams(bindparam("now", type_=Activity.__table__.c.happened_at.type))
    plan = ((orgs[0], users[0], count, company, 0), (orgs[1], users[1], 5 * book, book, 10**7))
    for org_id, user, total, customers_, base in plan:
        async with uows() as uow:
            await uow.session.execute(
                insert_sql,
                {"org": org_id, "user": user, "total": total, "customers": customers_,
                 "base": base, "now": datetime.now(UTC)},
            )  # fmt: skip
            await uow.commit()
    async with uows() as uow:  # one customer in fifty has notes; one in 5,000 mentions 普洱
        teas = "case when id % 5000 = 0 then '普洱' else '龙井' end"
        await uow.session.execute(
            text(f"UPDATE customer SET notes = '[2026-11-20] 喜欢' || {teas} WHERE id % 50 = 0")
        )
        await uow.commit()
    print(f"# seeded {count + 5 * book:,} activities in {time.perf_counter() - started:.0f} s")


TEXT_QUERIES = (
    ("2 characters, common (报价)", "报价"),
    ("2 characters, rare (普洱)", "普洱"),
    ("3+ characters, common (谈了报价)", "谈了报价"),
    ("3+ characters, rare (普洱茶)", "普洱茶"),
    ("two words (报价 满意)", "报价 满意"),
    ("nobody (乌龙茶叶)", "乌龙茶叶"),
    ("nobody, 2 characters (乌龙)", "乌龙"),
)


async def measure_text(
    uows: UnitOfWorkFactory, user_id: int, repeat: int
) -> dict[str, tuple[list[float], int, int]]:
    """Each kind's times, and how many customers its first page listed (in `right`)."""
    out: dict[str, tuple[list[float], int, int]] = {}
    async with uows() as uow:
        user = await uow.users.get(user_id)
        assert user is not None
        scope = await scope_for(uow, user)
        for kind, query in TEXT_QUERIES:
            words = find.words_of(query)
            page = await find.find(uow, scope, words, 0)
            times = []
            for _ in range(repeat):
                started = time.perf_counter()
                await find.find(uow, scope, words, 0)
                times.append((time.perf_counter() - started) * 1000)
            out[kind] = (times, len(page.matches), find.PAGE)
    return out


async def run(args: argparse.Namespace) -> None:
    if args.pg_url:
        engine = make_engine(
            args.pg_url, connect_args={"server_settings": {"search_path": args.pg_schema}}
        )
        async with engine.begin() as conn:
            await conn.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{args.pg_schema}"'))
        backend = "PostgreSQL"
    else:
        engine = make_engine(f"sqlite+aiosqlite:///{args.sqlite_path}")
        backend = "SQLite"
    try:
        uows = UnitOfWorkFactory(make_sessions(engine))
        await upgrade(engine, "0004")
        users = await seeded(uows)
        if users is None:
            users = await seed(uows, args.company, args.book)
        if args.activities:
            await seed_text(uows, users, args.company, args.book, args.activities)
        started = time.perf_counter()
        await upgrade(engine)
        print(f"# migrated to head in {time.perf_counter() - started:.0f} s")
        if args.pg_url:
            async with engine.begin() as conn:
                await conn.execute(text("ANALYZE customer"))
                await conn.execute(text("ANALYZE activity"))
                top = await conn.scalar(select(func.max(Customer.id)))
                await conn.execute(text(f"SELECT setval('customer_id_seq', {top})"))
        rng = random.Random(23)
        print("| backend | who | query kind | p50 ms | p95 ms | p99 ms | right |")
        print("|---|---|---|---|---|---|---|")
        admin = await measure(uows, users[0], cases(args.company, 0, rng), args.repeat)
        report(backend, f"admin, {args.company:,}", admin)
        rep = await measure(uows, users[1], cases(args.book, 10**7, rng), args.repeat)
        report(backend, f"rep, {args.book:,}", rep)
        if args.activities:
            print("\n/find: `right` is the customers its first page lists (of 8 at most)\n")
            print("| backend | who | words | p50 ms | p95 ms | p99 ms | listed |")
            print("|---|---|---|---|---|---|---|")
            who = f"admin, {args.activities:,} activities"
            report(backend, who, await measure_text(uows, users[0], args.repeat))
            who = f"rep, {5 * args.book:,} activities"
            report(backend, who, await measure_text(uows, users[1], args.repeat))
    finally:
        await engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--company", type=int, default=1_000_000)
    parser.add_argument("--book", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--activities", type=int, default=1_000_000, help="0: no text search")
    parser.add_argument("--sqlite-path", default="/tmp/chatcrm-search-bench.db")
    parser.add_argument("--pg-url", default="")
    parser.add_argument("--pg-schema", default="bench_search")
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
