"""Contacts found through their own indexes (migration 0011_contacts), the same on SQLite and
PostgreSQL: by name, phone (either number), company + surname, pinyin and typo, each as a
brief of its company customer, within the scope of the company's owner."""

from __future__ import annotations

from datetime import UTC, datetime

from handlers.nlu.match import search_key
from handlers.nlu.search_terms import search_terms
from store.models import Contact, Customer, Org, User
from store.repos.customers import CustomerBrief
from store.scope import Scope
from store.uow import UnitOfWorkFactory

NOW = datetime(2026, 12, 6, 2, 0, tzinfo=UTC)


async def _seed(uows: UnitOfWorkFactory) -> tuple[Scope, Scope, int]:
    """Rep 1 has the company 华为 with 张伟 and 李工; rep 2 has 腾讯 with 张敏."""
    async with uows() as uow:
        org = Org(name="o", settings={}, created_at=NOW)
        await uow.users.add(org)
        reps = []
        for name in ("a", "b"):
            rep = User(org_id=org.id, name=name, role="rep", lang="zh", tz="UTC", created_at=NOW)
            await uow.users.add(rep)
            reps.append(rep)
        companies = {}
        for firm, rep in (("华为", reps[0]), ("腾讯", reps[1])):
            company = Customer(
                org_id=org.id, owner_id=rep.id, name=firm, kind="company",
                search_key=search_key(firm, None), created_at=NOW, updated_at=NOW,
            )  # fmt: skip
            companies[firm] = await uow.customers.add(company)
        people = (
            ("华为", "张伟", "13800000001", "01065521234"),
            ("华为", "李工", "13800000002", None),
            ("腾讯", "张敏", "13800000003", None),
        )
        for firm, name, phone, phone2 in people:
            await uow.contacts.add(Contact(
                org_id=org.id, customer_id=companies[firm].id, name=name, phone=phone,
                phone2=phone2, search_key=search_key(name, None), created_at=NOW, updated_at=NOW,
            ))  # fmt: skip
        await uow.commit()
        own = Scope(org.id, frozenset({reps[0].id}))
        return own, Scope(org.id, None), companies["华为"].id


async def _found(uows: UnitOfWorkFactory, scope: Scope, query: str) -> set[tuple[str, str]]:
    async with uows() as uow:
        briefs = await uow.customer_search.candidates(scope, search_terms(query))
    return {(b.name, b.company or "") for b in briefs if b.contact_id is not None}


async def test_contacts_by_every_index_in_scope(uows: UnitOfWorkFactory) -> None:
    own, org, huawei = await _seed(uows)
    assert await _found(uows, own, "张伟") == {("张伟", "华为")}  # exact name
    assert await _found(uows, own, "13800000002") == {("李工", "华为")}  # exact phone
    assert await _found(uows, own, "010 6552 1234") == {("张伟", "华为")}  # the second number
    assert ("张伟", "华为") in await _found(uows, own, "华为张总")  # company + surname
    assert ("张伟", "华为") in await _found(uows, own, "zhangwei")  # pinyin, trigrams
    assert ("李工", "华为") in await _found(uows, own, "00002")  # digits of the phone
    assert ("张伟", "华为") in await _found(uows, own, "zhagnwei")  # a typo
    assert await _found(uows, own, "张敏") == set()  # another rep's company's contact
    assert await _found(uows, org, "张敏") == {("张敏", "腾讯")}  # an admin sees it
    async with uows() as uow:
        briefs = await uow.customer_search.candidates(own, search_terms("张伟"))
    brief = next(b for b in briefs if b.contact_id is not None)
    assert isinstance(brief, CustomerBrief) and brief.id == huawei


async def test_a_forgotten_contact_is_not_found(uows: UnitOfWorkFactory) -> None:
    own, _, huawei = await _seed(uows)
    async with uows() as uow:
        await uow.contacts.forget_of(huawei, "***", NOW)
        await uow.commit()
    assert await _found(uows, own, "张伟") == set()
    assert await _found(uows, own, "13800000002") == set()
