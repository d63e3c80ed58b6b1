"""The same store behaviour on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from sqlalchemy import func, select

from store.models import Activity, AuditLog, Customer, Deal, InboxEntry, Org, User
from store.scope import Scope
from store.uow import UnitOfWorkFactory

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)


async def _org_with_users(uows: UnitOfWorkFactory) -> tuple[int, int, int]:
    async with uows() as uow:
        org = Org(name="o", settings={}, created_at=NOW)
        await uow.users.add(org)
        ids = []
        for name in ("a", "b"):
            user = User(org_id=org.id, name=name, role="rep", lang="zh", tz="UTC", created_at=NOW)
            await uow.users.add(user)
            ids.append(user.id)
        await uow.commit()
        return org.id, ids[0], ids[1]


def _customer(org_id: int, owner_id: int, name: str, phone: str | None = None) -> Customer:
    return Customer(
        org_id=org_id,
        owner_id=owner_id,
        name=name,
        phone=phone,
        search_key=name.lower(),
        created_at=NOW,
        updated_at=NOW,
    )


async def test_scope_hides_other_owners_customers(uows: UnitOfWorkFactory) -> None:
    org_id, a, b = await _org_with_users(uows)
    async with uows() as uow:
        mine = await uow.customers.add(_customer(org_id, a, "Alice"))
        theirs = await uow.customers.add(_customer(org_id, b, "Bob"))
        await uow.commit()
    only_a = Scope(org_id, frozenset({a}))
    async with uows() as uow:
        assert await uow.customers.get(only_a, mine.id) is not None
        assert await uow.customers.get(only_a, theirs.id) is None
        assert [c.name for c in await uow.customers.candidates(only_a)] == ["Alice"]
        assert await uow.customers.get(Scope(org_id + 1, None), mine.id) is None
        assert await uow.customers.count(Scope(org_id, None)) == 2
        # each brief names its owner: a choice between namesakes shows whose each one is
        briefs = await uow.customers.candidates(Scope(org_id, None))
        assert sorted((c.name, c.owner_id) for c in briefs) == [("Alice", a), ("Bob", b)]


async def test_each_scope_shape_sees_its_owners_and_open_deals_only(
    uows: UnitOfWorkFactory,
) -> None:
    """One owner (`=`), several (IN) and everyone: the three statements built per shape."""
    org_id, a, b = await _org_with_users(uows)
    async with uows() as uow:
        customers = {}
        for owner, name in ((a, "Alice"), (b, "Bob")):
            customers[name] = await uow.customers.add(_customer(org_id, owner, name))
            for stage in ("meet", "won", "lost"):
                deal = Deal(
                    org_id=org_id, customer_id=customers[name].id, owner_id=owner,
                    title=f"{name} {stage}", currency="CNY", stage=stage,
                    stage_changed_at=NOW, created_at=NOW,
                )  # fmt: skip
                await uow.deals.add(deal)
        await uow.commit()
    shapes = {
        "one": (Scope(org_id, frozenset({b})), ["Bob"]),
        "many": (Scope(org_id, frozenset({a, b})), ["Alice", "Bob"]),
        "all": (Scope(org_id, None), ["Alice", "Bob"]),
    }
    async with uows() as uow:
        for shape, (scope, names) in shapes.items():
            assert scope.shape == shape
            assert sorted(c.name for c in await uow.customers.candidates(scope)) == names
            deals = await uow.deals.open_deals(scope)
            assert sorted(d.title for d in deals) == [f"{n} meet" for n in names]
            bob = await uow.deals.open_deals(scope, customer_id=customers["Bob"].id)
            assert [d.title for d in bob] == ["Bob meet"]
            found = await uow.customers.ref_and_open_deals(scope, customers["Bob"].id)
            assert found is not None and found[0].name == "Bob"
            assert [(d.id, d.title, d.stage) for d in found[1]] == [
                (bob[0].id, "Bob meet", "meet")
            ]
        assert (
            await uow.customers.ref_and_open_deals(shapes["one"][0], customers["Alice"].id) is None
        )
        lone = await uow.customers.add(_customer(org_id, b, "Carol"))
        assert await uow.customers.ref_and_open_deals(shapes["one"][0], lone.id) == (
            await uow.customers.ref(shapes["one"][0], lone.id),
            [],
        )


async def test_a_customer_ref_is_scoped_and_last_contact_only_moves_forward(
    uows: UnitOfWorkFactory,
) -> None:
    org_id, a, b = await _org_with_users(uows)
    async with uows() as uow:
        customer = await uow.customers.add(_customer(org_id, a, "Alice"))
        await uow.commit()
    later, earlier = NOW + timedelta(days=2), NOW + timedelta(days=1)
    async with uows() as uow:
        ref = await uow.customers.ref(Scope(org_id, frozenset({a})), customer.id)
        assert ref is not None and (ref.name, ref.last_contact_at) == ("Alice", None)
        assert await uow.customers.ref(Scope(org_id, frozenset({b})), customer.id) is None
        held = await uow.customers.get(Scope(org_id, None), customer.id)
        assert held is not None
        await uow.customers.contacted(customer.id, later)
        await uow.customers.contacted(customer.id, earlier)  # an older visit, logged late
        assert held.last_contact_at == later  # the session's copy follows, and is not dirty
        await uow.commit()
    async with uows() as uow:
        ref = await uow.customers.ref(Scope(org_id, None), customer.id)
        assert ref is not None and ref.last_contact_at == later


async def test_an_activity_and_its_audit_row_go_in_together_as_record_writes_them(
    uows: UnitOfWorkFactory,
) -> None:
    """PostgreSQL writes both in one statement, SQLite in two: the rows are the same."""
    org_id, a, _ = await _org_with_users(uows)
    async with uows() as uow:
        customer = await uow.customers.add(_customer(org_id, a, "Alice"))
        values = {
            "org_id": org_id, "customer_id": customer.id, "user_id": a, "kind": "visit",
            "happened_at": NOW, "summary": "谈了报价 🙂", "location": None, "photo": "f1",
            "created_at": NOW,
        }  # fmt: skip
        audit = {
            "org_id": org_id, "user_id": a, "action": "activity.create", "entity": "activity",
            "entity_id": None, "before": None, "after": {"kind": "visit"}, "at": NOW,
        }  # fmt: skip
        activity_id = await uow.customers.add_activity(values, audit)
        await uow.chat.audit({**audit, "entity_id": activity_id, "action": "by.record"})
        await uow.commit()
    async with uows() as uow:
        activity = await uow.session.get(Activity, activity_id)
        assert activity is not None and (activity.summary, activity.photo) == ("谈了报价 🙂", "f1")
        rows = (
            await uow.session.execute(
                select(
                    AuditLog.action, AuditLog.entity_id, AuditLog.before.is_(None), AuditLog.after
                )
                .where(AuditLog.entity == "activity")
                .order_by(AuditLog.id)
            )
        ).all()
    (ours, by_record) = rows
    assert ours[0] == "activity.create" and ours[1:] == by_record[1:]
    assert ours[1] == activity_id and ours[3] == {"kind": "visit"}


async def test_inbox_purge_forgets_old_ids_oldest_first_in_batches(
    uows: UnitOfWorkFactory,
) -> None:
    old, cut = NOW - timedelta(days=5), NOW - timedelta(days=3)
    async with uows() as uow:
        assert await uow.chat.purge_inbox(cut, batch=3) == 0  # an empty inbox
        for key in ("o1", "o2", "o3", "o4", "o5"):
            assert await uow.chat.first_delivery("telegram", key, old)
        for key in ("n1", "n2"):
            assert await uow.chat.first_delivery("telegram", key, NOW)
        await uow.commit()
    async with uows() as uow:
        assert [await uow.chat.purge_inbox(cut, batch=3) for _ in range(3)] == [3, 2, 0]
        await uow.commit()
    async with uows() as uow:
        assert await uow.chat.first_delivery("telegram", "o1", NOW)  # forgotten: new again
        assert not await uow.chat.first_delivery("telegram", "n1", NOW)  # still a redelivery
        left = await uow.session.scalars(select(InboxEntry.dedupe_key).order_by(InboxEntry.id))
        assert left.all() == ["n1", "n2", "o1"]


async def test_like_prefilter_escapes_wildcards(uows: UnitOfWorkFactory) -> None:
    org_id, a, _ = await _org_with_users(uows)
    async with uows() as uow:
        await uow.customers.add(_customer(org_id, a, "100% Cotton"))
        await uow.customers.add(_customer(org_id, a, "Plain"))
        await uow.commit()
    async with uows() as uow:
        found = await uow.customers.candidates(Scope(org_id, None), ["%"])
        assert [c.name for c in found] == ["100% Cotton"]


async def test_datetimes_come_back_aware_utc_and_money_exact(uows: UnitOfWorkFactory) -> None:
    org_id, a, _ = await _org_with_users(uows)
    shanghai_time = datetime(2026, 11, 23, 18, 30, tzinfo=UTC) + timedelta(hours=0)
    async with uows() as uow:
        customer = await uow.customers.add(_customer(org_id, a, "C"))
        deal = Deal(
            org_id=org_id,
            customer_id=customer.id,
            owner_id=a,
            title="t",
            amount=Decimal("1234567.89"),
            currency="CNY",
            stage="meet",
            stage_changed_at=shanghai_time,
            created_at=NOW,
        )
        await uow.deals.add(deal)
        await uow.commit()
    async with uows() as uow:
        loaded = await uow.deals.get(Scope(org_id, None), deal.id)
        assert loaded is not None
        assert loaded.amount == Decimal("1234567.89")
        assert loaded.stage_changed_at == shanghai_time
        assert loaded.stage_changed_at.tzinfo is not None


async def test_inbox_dedupes_a_redelivery(uows: UnitOfWorkFactory) -> None:
    async with uows() as uow:
        assert await uow.chat.first_delivery("telegram", "42", NOW)
        assert not await uow.chat.first_delivery("telegram", "42", NOW)
        assert await uow.chat.first_delivery("wecom", "42", NOW)
        await uow.commit()
    async with uows() as uow:
        assert not await uow.chat.first_delivery("telegram", "42", NOW)
        count = await uow.session.scalar(select(func.count(InboxEntry.id)))
        assert count == 2


async def test_uncommitted_work_is_rolled_back(uows: UnitOfWorkFactory) -> None:
    org_id, a, _ = await _org_with_users(uows)
    async with uows() as uow:
        await uow.customers.add(_customer(org_id, a, "Ghost"))
    async with uows() as uow:
        assert await uow.customers.count(Scope(org_id, None)) == 0


async def test_conversation_state_round_trip(uows: UnitOfWorkFactory) -> None:
    key = ("console", "chat1", "user1")
    async with uows() as uow:
        await uow.chat.save_state(key, "vi.confirm", {"draft": {"summary": "见了张总"}}, NOW)
        await uow.commit()
    async with uows() as uow:
        row = await uow.chat.state(*key)
        assert row is not None and row.data["draft"]["summary"] == "见了张总"
        await uow.chat.clear_state(key)
        await uow.commit()
    async with uows() as uow:
        assert await uow.chat.state(*key) is None


async def test_outbox_is_idempotent_and_claims_once(uows: UnitOfWorkFactory) -> None:
    async with uows() as uow:
        assert await uow.outbox.enqueue("telegram", "1", {"text": "hi"}, "k1", NOW)
        assert not await uow.outbox.enqueue("telegram", "1", {"text": "again"}, "k1", NOW)
        assert await uow.outbox.enqueue(
            "telegram", "1", {"text": "later"}, "k2", NOW, not_before=NOW + timedelta(hours=1)
        )
        await uow.commit()
    lease = timedelta(seconds=30)
    async with uows() as uow:
        first = await uow.outbox.claim(NOW, 10, lease)
        await uow.commit()
    async with uows() as uow:
        second = await uow.outbox.claim(NOW, 10, lease)
        await uow.commit()
    assert [e.body["text"] for e in first] == ["hi"]
    assert second == []
    async with uows() as uow:  # the claimer died: after the lease the row is claimable again
        again = await uow.outbox.claim(NOW + lease + timedelta(seconds=1), 10, lease)
        assert [e.attempts for e in again] == [2]
        await uow.outbox.mark_sent(again[0].id, "m1")
        await uow.commit()
    async with uows() as uow:
        sent = await uow.outbox.by_key("k1")
        assert sent is not None and sent.status == "sent" and sent.provider_message_id == "m1"


async def test_outbox_claims_in_queue_order_and_reclaims_only_when_asked(
    uows: UnitOfWorkFactory,
) -> None:
    lease = timedelta(seconds=30)
    async with uows() as uow:
        for i in range(6):
            await uow.outbox.enqueue("telegram", "9", {"text": f"m{i}"}, f"q{i}", NOW)
        await uow.commit()
    async with uows() as uow:  # m0's sender dies with it; m1 waits for a retry
        stuck, held = await uow.outbox.claim(NOW, 2, lease)
        await uow.outbox.mark_retry(held.id, "429", NOW + timedelta(minutes=5))
        await uow.commit()
    later = NOW + lease + timedelta(seconds=1)
    async with uows() as uow:
        without = await uow.outbox.claim(later, 2, lease, reclaim=False)
        await uow.commit()
    async with uows() as uow:
        rest = await uow.outbox.claim(later, 10, lease, reclaim=True)
        await uow.commit()
    assert [e.body["text"] for e in without] == ["m2", "m3"]
    assert [e.body["text"] for e in rest] == ["m0", "m4", "m5"]  # the abandoned one first
    assert (stuck.id, rest[0].attempts) == (rest[0].id, 2)
