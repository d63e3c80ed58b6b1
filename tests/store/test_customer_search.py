"""Finding customers from indexes (migration 0008_search), the same on SQLite and PostgreSQL:
the scope is part of the query, the indexes are used, and nobody in a big book is lost."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import event, insert, text, update
from sqlalchemy.ext.asyncio import AsyncEngine

from handlers.nlu.match import search_key
from handlers.nlu.search_terms import search_terms
from handlers.services.customers import search_briefs
from store.models import Customer, Org, User
from store.scope import Scope
from store.uow import UnitOfWork, UnitOfWorkFactory

NOW = datetime(2026, 12, 6, 2, 0, tzinfo=UTC)
SURNAMES = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜戚谢邹喻柏水窦章"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红志建国文鹏宇浩凯俊峰辉波斌晨龙"


def person(i: int) -> tuple[str, str, str]:
    """(name, company, phone) of customer i: names unique below 40 * 50 * 50 = 100,000."""
    s, g = len(SURNAMES), len(GIVEN)
    name = SURNAMES[i % s] + GIVEN[(i // s) % g] + GIVEN[(i // (s * g)) % g]
    firm = ("华为", "小米", "联想", "美的", "格力")[i % 5]
    return name, f"{firm}{i // 10}号分公司", f"139{i:08d}"


async def _users(uows: UnitOfWorkFactory, *names: str) -> tuple[int, list[int]]:
    async with uows() as uow:
        org = Org(name="o", settings={}, created_at=NOW)
        await uow.users.add(org)
        ids = []
        for name in names:
            user = User(org_id=org.id, name=name, role="rep", lang="zh", tz="UTC", created_at=NOW)
            await uow.users.add(user)
            ids.append(user.id)
        await uow.commit()
        return org.id, ids


def _row(org_id: int, owner_id: int, name: str, company: str, phone: str) -> dict[str, Any]:
    return {
        "org_id": org_id, "owner_id": owner_id, "name": name, "company": company,
        "phone": phone, "search_key": search_key(name, company), "tier": "C",
        "lifecycle": "customer", "birthday_lunar": False, "care_consent": False,
        "created_at": NOW, "updated_at": NOW,
    }  # fmt: skip


async def _bulk(uows: UnitOfWorkFactory, org_id: int, owner_id: int, count: int) -> None:
    """`count` customers in one statement per 10,000: a test seeds 100,000 in seconds."""
    for start in range(0, count, 10_000):
        batch = range(start, min(count, start + 10_000))
        rows = [_row(org_id, owner_id, *person(i)) for i in batch]
        async with uows() as uow:
            await uow.session.execute(insert(Customer), rows)
            await uow.commit()


async def _names(uow: UnitOfWork, scope: Scope, query: str) -> list[str]:
    return [b.name for b, _ in await search_briefs(uow, scope, query, limit=6)]


async def test_scope_is_part_of_the_search(uows: UnitOfWorkFactory) -> None:
    org_id, (a, b) = await _users(uows, "a", "b")
    other_org, (c,) = await _users(uows, "c")
    async with uows() as uow:
        owners = ((org_id, a, "华为"), (org_id, b, "小米"), (other_org, c, "腾讯"))
        rows = [_row(org, owner, "张三", company, "13900000001") for org, owner, company in owners]
        await uow.session.execute(insert(Customer), rows)
        await uow.commit()
    only_a, everyone = Scope(org_id, frozenset({a})), Scope(org_id, None)
    async with uows() as uow:
        queries = ("张三", "zhangsan", "zs", "13900000001", "0001", "张", "华为张总", "zhangsna")
        for query in queries:
            found = await uow.customer_search.candidates(only_a, search_terms(query))
            assert {x.company for x in found} <= {"华为"}, query
            found = await uow.customer_search.candidates(everyone, search_terms(query))
            assert {x.company for x in found} <= {"华为", "小米"}, query
        found = await uow.customer_search.candidates(only_a, search_terms("张三"))
        assert {x.company for x in found} == {"华为"}
        ranked = await search_briefs(uow, Scope(org_id, frozenset({a, b})), "小米张总", limit=6)
        assert [(c.name, c.company) for c, _ in ranked][:1] == [("张三", "小米")]


async def test_merged_and_anonymised_customers_are_not_offered(uows: UnitOfWorkFactory) -> None:
    org_id, (a,) = await _users(uows, "a")
    async with uows() as uow:
        rows = [_row(org_id, a, "李四", f"公司{i}", f"1380000000{i}") for i in range(3)]
        await uow.session.execute(insert(Customer), rows)
        gone = update(Customer).where(Customer.company == "公司1")
        await uow.session.execute(gone.values(anonymised_at=NOW))
        await uow.commit()
    async with uows() as uow:
        found = await uow.customer_search.candidates(Scope(org_id, None), search_terms("李四"))
        assert sorted(x.company or "" for x in found) == ["公司0", "公司2"]


async def test_a_renamed_customer_is_found_by_the_new_name_only(uows: UnitOfWorkFactory) -> None:
    """SQLite's FTS table follows the customer row (triggers); PostgreSQL's indexes do anyway."""
    org_id, (a,) = await _users(uows, "a")
    async with uows() as uow:
        row = _row(org_id, a, "王五", "京东", "13700000000")
        await uow.session.execute(insert(Customer), [row])
        await uow.commit()
    async with uows() as uow:
        key = search_key("欧阳娜娜", "京东")
        stmt = update(Customer).where(Customer.name == "王五")
        renamed = stmt.values(name="欧阳娜娜", search_key=key, phone="13611112222")
        await uow.session.execute(renamed)
        await uow.commit()
    everyone = Scope(org_id, None)
    async with uows() as uow:
        for query in ("欧阳娜娜", "ouyangnana", "oynn", "1111222", "京东欧阳娜娜"):
            assert await _names(uow, everyone, query) == ["欧阳娜娜"], query
        for query in ("wangwu", "13700000000", "0000000"):
            assert await _names(uow, everyone, query) == [], query


async def test_every_customer_of_a_10000_book_is_found_by_exact_name(
    uows: UnitOfWorkFactory,
) -> None:
    org_id, (rep,) = await _users(uows, "rep")
    await _bulk(uows, org_id, rep, 10_000)
    book = Scope(org_id, frozenset({rep}))

    async def misses(part: range) -> list[str]:
        """One session's share: while one waits on the database, another ranks."""
        missed = []
        async with uows() as uow:
            for i in part:
                name = person(i)[0]
                ranked = await search_briefs(uow, book, name, limit=2)
                if not ranked or ranked[0][0].name != name or ranked[0][1] < 100:
                    missed.append(name)
        return missed

    # SQLite has one writer, and each unit of work holds it: one session there
    n = 4 if uows.sessions.kw["bind"].dialect.name == "postgresql" else 1
    shares = await asyncio.gather(*(misses(range(k, 10_000, n)) for k in range(n)))
    assert [name for share in shares for name in share] == []


@contextmanager
def _statements(engine: AsyncEngine) -> Iterator[list[tuple[str, Any]]]:
    """The SQL the block runs, with its parameters."""
    seen: list[tuple[str, Any]] = []

    def capture(_c: Any, _cur: Any, statement: str, params: Any, _ctx: Any, _many: bool) -> None:
        if "FROM customer" in statement:
            seen.append((statement, params))

    event.listen(engine.sync_engine, "before_cursor_execute", capture)
    try:
        yield seen
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", capture)


async def test_name_searches_read_indexes_at_100000_customers(
    engine: AsyncEngine, uows: UnitOfWorkFactory
) -> None:
    org_id, (a,) = await _users(uows, "a")
    await _bulk(uows, org_id, a, 100_000)
    postgres = engine.dialect.name == "postgresql"
    if postgres:  # as autovacuum would have, long before a company has 100,000 customers
        async with engine.connect() as conn:
            auto = await conn.execution_options(isolation_level="AUTOCOMMIT")
            await auto.execute(text("VACUUM ANALYZE customer"))
    name, company, phone = person(54_321)
    queries = (name, company + name, "华为5432号分公司" + name[0] + "总", phone, "139 0005 4321",
               "zhaoweiwei", "zww", "zhaowiewei", name[:2], "欧阳不在")  # fmt: skip
    for scope in (Scope(org_id, None), Scope(org_id, frozenset({a}))):
        async with uows() as uow:
            with _statements(engine) as seen:
                for query in queries:
                    await search_briefs(uow, scope, query)
            # The size check (visible_up_to) reads at most FULL_SCAN_LIMIT + 1 index entries,
            # whatever the scope: bounded by its LIMIT, so it is no whole-scope read.
            searches = [(s, p) for s, p in seen if not _capped_count(s)]
            assert len(searches) < len(seen)  # the size check ran, and is left out knowingly
            plans = [await _plan(uow, s, p, postgres) for s, p in searches]
        assert len(plans) >= len(queries)
        for plan in plans:
            assert not re.search(_WHOLE_SCOPE, plan, re.MULTILINE), plan


def _capped_count(statement: str) -> bool:
    flat = " ".join(statement.split()).lower()
    return flat.startswith("select count(*)") and " limit " in flat


# A plan that reads the whole table, or the whole org or book through its org / owner index.
_WHOLE_SCOPE = (
    r"Seq Scan on customer\b|SCAN customer\b(?!_fts)"
    r"|Index Scan using ix_customer_(org|owner)_id on customer"
    r"|INDEX ix_customer_(org|owner)_id \((org|owner)_id=\?\)$"
)


async def _plan(uow: UnitOfWork, statement: str, params: Any, postgres: bool) -> str:
    conn = await uow.session.connection()
    explain = "EXPLAIN " if postgres else "EXPLAIN QUERY PLAN "
    rows = (await conn.exec_driver_sql(explain + statement, params)).all()
    return "\n".join(str(row[-1]) for row in rows)
