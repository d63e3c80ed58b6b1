"""Words in activity text and customer notes (migration 0010_text_search), on SQLite and
PostgreSQL: scope inside the query, the indexes used, and the indexes in step with edits."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import delete, event, insert, inspect, text, update
from sqlalchemy.ext.asyncio import AsyncEngine

from store.migrate import downgrade, upgrade
from store.models import Activity, Customer, Org, User
from store.scope import Scope
from store.uow import UnitOfWork, UnitOfWorkFactory

NOW = datetime(2026, 12, 6, 2, 0, tzinfo=UTC)
TOPICS = ("报价", "样品", "合同", "回款", "培训", "安装", "验收", "续约", "投诉", "发票")


async def _org(uows: UnitOfWorkFactory, *names: str) -> tuple[int, list[int]]:
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


def _customer(org_id: int, owner: int, name: str, notes: str | None = None) -> dict[str, Any]:
    return {
        "org_id": org_id, "owner_id": owner, "name": name, "search_key": name, "tier": "C",
        "lifecycle": "customer", "birthday_lunar": False, "care_consent": False,
        "notes": notes, "created_at": NOW, "updated_at": NOW,
    }  # fmt: skip


def _activity(org_id: int, user: int, customer: int, summary: str, **more: Any) -> dict[str, Any]:
    return {
        "org_id": org_id, "customer_id": customer, "user_id": user, "kind": "visit",
        "happened_at": NOW, "summary": summary, "created_at": NOW, **more,
    }  # fmt: skip


async def _add_customers(uows: UnitOfWorkFactory, rows: list[dict[str, Any]]) -> list[int]:
    async with uows() as uow:
        ids = list(await uow.session.scalars(insert(Customer).returning(Customer.id), rows))
        await uow.commit()
        return ids


async def _add_activities(uows: UnitOfWorkFactory, rows: list[dict[str, Any]]) -> None:
    async with uows() as uow:
        await uow.session.execute(insert(Activity), rows)
        await uow.commit()


async def _insert_0009(uows: UnitOfWorkFactory, table: str, row: dict[str, Any]) -> int:
    columns = ", ".join(row)
    values = ", ".join(f":{name}" for name in row)
    statement = text(f"INSERT INTO {table} ({columns}) VALUES ({values}) RETURNING id")
    async with uows() as uow:
        new_id = int((await uow.session.execute(statement, row)).scalar_one())
        await uow.commit()
        return new_id


async def _who(uow: UnitOfWork, scope: Scope, query: str) -> list[str]:
    """Names of the customers whose activities, then notes, mention every word of `query`."""
    words = query.split()
    hits = await uow.text_search.activities(scope, words, 50)
    hits += await uow.text_search.notes(scope, words, 50)
    return [f"{h.source}:{h.customer.name}" for h in hits]


async def test_words_of_any_length_are_found_within_scope(uows: UnitOfWorkFactory) -> None:
    org_id, (a, b) = await _org(uows, "a", "b")
    other, (c,) = await _org(uows, "c")
    rows = [
        _customer(org_id, a, "张三", notes="[2026-12-01] 喜欢普洱茶，不喝咖啡"),
        _customer(org_id, b, "李四"),
        _customer(other, c, "王五", notes="普洱"),
    ]
    zhang, li, wang = await _add_customers(uows, rows)
    await _add_activities(
        uows,
        [
            _activity(org_id, a, zhang, "送了两饼普洱，谈了报价", next_step="寄 Sample 给 IT"),
            _activity(org_id, b, li, "普洱茶样品已签收", outcome="满意"),
            _activity(other, c, wang, "普洱 报价"),
        ],
    )
    rep_a, team, admin = Scope(org_id, frozenset({a})), Scope(org_id, frozenset({a, b})), None
    async with uows() as uow:
        assert await _who(uow, rep_a, "普洱") == ["activity:张三", "notes:张三"]
        assert await _who(uow, team, "普洱") == ["activity:李四", "activity:张三", "notes:张三"]
        everyone = Scope(org_id, admin)
        assert await _who(uow, everyone, "普洱茶") == ["activity:李四", "notes:张三"]
        assert await _who(uow, everyone, "普洱 报价") == ["activity:张三"]  # every word
        assert await _who(uow, everyone, "满意") == ["activity:李四"]  # the outcome
        assert await _who(uow, everyone, "sample") == ["activity:张三"]  # next step, any case
        assert await _who(uow, everyone, "it") == ["activity:张三"]
        assert await _who(uow, everyone, "咖") == ["notes:张三"]
        assert await _who(uow, everyone, "普洱 咖啡") == ["notes:张三"]
        assert await _who(uow, Scope(other, None), "普洱") == ["activity:王五", "notes:王五"]
        for nothing in ("普茶", "龙井", "%", "_", '"', "samples"):
            assert await _who(uow, everyone, nothing) == [], nothing


async def test_edits_and_deletes_keep_the_indexes_in_step(uows: UnitOfWorkFactory) -> None:
    org_id, (a,) = await _org(uows, "a")
    zhang, li, zhao = await _add_customers(
        uows,
        [
            _customer(org_id, a, "张三", notes="爱喝龙井"),
            _customer(org_id, a, "李四", notes="龙井"),
            _customer(org_id, a, "赵六", notes="龙井"),
        ],
    )
    await _add_activities(
        uows, [_activity(org_id, a, zhang, "谈了报价"), _activity(org_id, a, li, "报价单")]
    )
    everyone = Scope(org_id, None)
    async with uows() as uow:
        await uow.session.execute(
            update(Activity).where(Activity.customer_id == zhang).values(summary="送了普洱")
        )
        await uow.session.execute(delete(Activity).where(Activity.customer_id == li))
        await uow.session.execute(
            update(Customer).where(Customer.id == zhang).values(notes="改喝普洱了")
        )
        await uow.session.execute(update(Customer).where(Customer.id == li).values(notes=None))
        await uow.session.execute(
            update(Customer).where(Customer.id == zhao).values(anonymised_at=NOW)
        )
        await uow.commit()
    async with uows() as uow:
        for gone in ("报价", "报价单", "龙井", "爱喝"):
            assert await _who(uow, everyone, gone) == [], gone
        assert await _who(uow, everyone, "普洱") == ["activity:张三", "notes:张三"]
        assert await _who(uow, everyone, "送了普洱") == ["activity:张三"]
        await uow.session.execute(delete(Customer).where(Customer.id == zhao))
        await uow.session.execute(
            update(Activity).where(Activity.customer_id == zhang).values(outcome="要报价")
        )
        await uow.commit()
    async with uows() as uow:
        assert await _who(uow, everyone, "报价") == ["activity:张三"]
        assert await _who(uow, everyone, "普洱 报价") == ["activity:张三"]


async def test_newest_first_and_at_most_the_limit(uows: UnitOfWorkFactory) -> None:
    org_id, (a,) = await _org(uows, "a")
    (zhang,) = await _add_customers(uows, [_customer(org_id, a, "张三")])
    rows = [
        _activity(org_id, a, zhang, f"第{i}次报价", happened_at=NOW + timedelta(days=i))
        for i in range(30)
    ]
    await _add_activities(uows, rows)
    async with uows() as uow:
        for words in (["报价"], ["次报价"]):
            hits = await uow.text_search.activities(Scope(org_id, None), words, 5)
            newest = [f"第{i}次报价" for i in (29, 28, 27, 26, 25)]
            assert [h.text.split()[0] for h in hits] == newest


@contextmanager
def _statements(engine: AsyncEngine) -> Iterator[list[tuple[str, Any]]]:
    seen: list[tuple[str, Any]] = []

    def capture(_c: Any, _cur: Any, statement: str, params: Any, _ctx: Any, _many: bool) -> None:
        if re.search("MATCH|ILIKE|text_search_grams", statement, re.IGNORECASE):
            seen.append((statement, params))

    event.listen(engine.sync_engine, "before_cursor_execute", capture)
    try:
        yield seen
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", capture)


@pytest.mark.slow
async def test_text_searches_read_the_text_indexes_at_10000_activities(
    engine: AsyncEngine, uows: UnitOfWorkFactory
) -> None:
    org_id, (a, b) = await _org(uows, "a", "b")
    customers = [
        _customer(org_id, (a, b)[i % 2], f"客户{i}", notes=TOPICS[i % 10]) for i in range(1000)
    ]
    ids = await _add_customers(uows, customers)
    rows = [
        _activity(org_id, a, ids[i % 1000], f"{TOPICS[i % 10]}{TOPICS[i // 10 % 10]} 第{i}号")
        for i in range(10_000)
    ]
    await _add_activities(uows, rows)
    postgres = engine.dialect.name == "postgresql"
    if postgres:
        async with engine.connect() as conn:
            auto = await conn.execution_options(isolation_level="AUTOCOMMIT")
            await auto.execute(text("VACUUM ANALYZE activity"))
            await auto.execute(text("VACUUM ANALYZE customer"))
    queries = (["报价"], ["第1234号"], ["报", "样品"], ["不在这里"], ["合同样品", "第7"])
    for scope in (Scope(org_id, None), Scope(org_id, frozenset({b}))):
        async with uows() as uow:
            with _statements(engine) as seen:
                for words in queries:
                    await uow.text_search.activities(scope, words, 20)
                    await uow.text_search.notes(scope, words, 20)
            assert len(seen) == 2 * len(queries)
            for statement, params in seen:
                plan = await _plan(uow, statement, params, postgres)
                assert re.search(_TEXT_INDEX, plan), plan
                table = "activity" if "JOIN customer" in statement else "customer"
                assert not re.search(_whole(table), plan, re.MULTILINE), plan


@pytest.mark.slow
async def test_a_reps_book_in_a_database_of_several_companies_reads_the_grams_index(
    engine: AsyncEngine, uows: UnitOfWorkFactory
) -> None:
    """Another company's 30,000 customers beside a rep's 3,000: PostgreSQL took the rep's
    book for 275 customers (each column's selectivity multiplied) and computed every
    activity's grams row by row (2.4 s for /find 报价 at 10,000 customers). Migration 0017's
    statistics keep the estimate right, and the grams index is read."""
    if engine.dialect.name != "postgresql":
        return  # SQLite's FTS tables drive every text search
    big, (admin,) = await _org(uows, "admin")
    small, (rep,) = await _org(uows, "rep")
    async with engine.connect() as conn:
        auto = await conn.execution_options(isolation_level="AUTOCOMMIT")
        for org_id, owner, n in ((big, admin, 30_000), (small, rep, 3_000)):
            await auto.execute(
                text(
                    "INSERT INTO customer (org_id, owner_id, name, search_key, tier, lifecycle,"
                    " birthday_lunar, care_consent, kind, created_at, updated_at)"
                    " SELECT :o, :u, 'c' || i, 'c' || i, 'C', 'customer', false, false,"
                    " 'person', now(), now() FROM generate_series(1, :n) i"
                ),
                {"o": org_id, "u": owner, "n": n},
            )
            await auto.execute(
                text(
                    "INSERT INTO activity (org_id, customer_id, user_id, kind, happened_at,"
                    " summary, created_at) SELECT :o, c.id, :u, 'visit', now(),"
                    " CASE WHEN c.id % 10 = 0 THEN '谈了报价' ELSE '聊了样品' END, now()"
                    " FROM customer c, generate_series(1, :per)"
                    " WHERE c.org_id = :o"
                ),
                {"o": org_id, "u": owner, "per": 1 if org_id == big else 5},
            )
        await auto.execute(text("ANALYZE customer"))
        await auto.execute(text("ANALYZE activity"))
    async with uows() as uow:
        with _statements(engine) as seen:
            await uow.text_search.activities(Scope(small, frozenset({rep})), ["报价"], 20)
        [(statement, params)] = seen
        plan = await _plan(uow, statement, params, True)
    assert "ix_text_search_activity_grams" in plan, plan
    assert not re.search(r"Filter: .*text_search_grams", plan), plan


async def test_0017_tells_postgresql_that_an_owner_implies_the_org(engine: AsyncEngine) -> None:
    if engine.dialect.name != "postgresql":
        return
    async with engine.connect() as conn:
        found = await conn.scalar(
            text(
                "SELECT count(*) FROM pg_statistic_ext WHERE stxname = 'st_customer_org_owner'"
                " AND stxnamespace = current_schema()::regnamespace"
            )
        )
    assert found == 1


_TEXT_INDEX = r"text_search_(activity|notes)|ix_text_search_(activity|notes)_(trgm|grams)"


def _whole(table: str) -> str:
    """A plan that reads every row of the searched table (activities, or customers for
    notes), in order of its key, or a whole org or book through its index. (The customers of
    2,000 matching activities may be read whole: there are only 1,000 here.)"""
    return (
        rf"Seq Scan on {table}\b|^SCAN {table}\b|Index Scan (Backward )?using {table}_pkey"
        r"|Index Scan using ix_customer_(org|owner)_id|USE TEMP B-TREE"
    )


async def _plan(uow: UnitOfWork, statement: str, params: Any, postgres: bool) -> str:
    conn = await uow.session.connection()
    explain = "EXPLAIN " if postgres else "EXPLAIN QUERY PLAN "
    rows = (await conn.exec_driver_sql(explain + statement, params)).all()
    return "\n".join(str(row[-1]) for row in rows)


async def test_0010_indexes_what_is_already_there_and_undoes_cleanly(
    engine: AsyncEngine, uows: UnitOfWorkFactory
) -> None:
    await downgrade(engine, "0009_dedupe")
    org_id, (a,) = await _org(uows, "a")
    # Plain SQL: today's models have columns (customer.kind, activity.contact_id) that a
    # 0009 schema does not.
    zhang = await _insert_0009(uows, "customer", _customer(org_id, a, "张三", notes="爱喝普洱"))
    activity = _activity(org_id, a, zhang, "谈了报价", outcome="要样品")
    await _insert_0009(uows, "activity", activity)
    await upgrade(engine)
    async with uows() as uow:
        everyone = Scope(org_id, None)
        assert await _who(uow, everyone, "普洱") == ["notes:张三"]
        assert await _who(uow, everyone, "报价 样品") == ["activity:张三"]
        assert await _who(uow, everyone, "谈了报价") == ["activity:张三"]
    await downgrade(engine, "0009_dedupe")
    async with engine.connect() as conn:
        left = await conn.run_sync(lambda c: [*inspect(c).get_table_names()])
    assert not [name for name in left if name.startswith("text_search")]
