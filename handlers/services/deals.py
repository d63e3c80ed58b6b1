"""Deals through the pipeline; every move leaves a stage-history row and an audit row."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from handlers.services.audit import record, snapshot
from store.models import Customer, Deal, DealStageHistory, PipelineStage, User
from store.repos.customers import CustomerRef
from store.repos.pipelines import Stage
from store.uow import UnitOfWork

DEAL_FIELDS = ("org_id", "owner_id", "customer_id", "title", "amount", "currency", "stage")


@dataclass(frozen=True)
class NewDeal:
    title: str
    amount: Decimal | None = None
    currency: str = "CNY"
    expected_close: date | None = None
    contact_id: int | None = None  # the company's contact it is with, checked by the caller


class Pipeline:
    """An org's stages in order, with lookups by key."""

    def __init__(self, stages: Sequence[Stage]) -> None:
        self.stages = list(stages)
        self.by_key = {s.key: s for s in self.stages}

    @property
    def open_stages(self) -> list[Stage]:
        return [s for s in self.stages if s.outcome == "open"]

    def name(self, key: str, lang: str) -> str:
        stage = self.by_key.get(key)
        if stage is None:
            return key
        return stage.name_zh if lang == "zh" else stage.name_en

    def next_open(self, key: str) -> Stage | None:
        keys = [s.key for s in self.open_stages]
        if key not in keys or keys.index(key) + 1 >= len(keys):
            return None
        return self.open_stages[keys.index(key) + 1]

    def is_closed(self, key: str) -> bool:
        stage = self.by_key.get(key)
        return stage is not None and stage.outcome != "open"

    def probability(self, key: str) -> int:
        stage = self.by_key.get(key)
        return stage.probability if stage else 0


async def pipeline(uow: UnitOfWork, org_id: int) -> Pipeline:
    return Pipeline(await uow.users.pipeline(org_id))


async def create(
    uow: UnitOfWork,
    actor: User,
    customer: Customer | CustomerRef,
    new: NewDeal,
    stage: str,
    now: datetime,
) -> Deal:
    if new.amount is not None and new.amount <= 0:
        raise ValueError("a deal amount must be positive")
    deal = Deal(
        org_id=customer.org_id,
        customer_id=customer.id,
        owner_id=customer.owner_id or actor.id,
        title=new.title,
        amount=new.amount,
        currency=new.currency,
        stage=stage,
        expected_close=new.expected_close,
        stage_changed_at=now,
        created_at=now,
        contact_id=new.contact_id,
    )
    await uow.deals.add(deal)
    history = DealStageHistory(deal_id=deal.id, user_id=actor.id, to_stage=stage, at=now)
    await uow.deals.add_history(history)
    after = snapshot(deal, DEAL_FIELDS)
    if deal.contact_id is not None:
        after["contact_id"] = deal.contact_id
    await record(uow, actor, "deal.create", ("deal", deal.id), now, after=after)
    return deal


def is_big_change(
    old: Decimal | None, old_currency: str, new: Decimal, new_currency: str
) -> bool:
    """A new amount worth asking about: another currency, or more than 10× up or down."""
    if old is None or old <= 0:
        return False
    return new_currency != old_currency or new > old * 10 or new * 10 < old


async def set_amount(
    uow: UnitOfWork, actor: User, deal: Deal, amount: Decimal, currency: str, now: datetime
) -> None:
    if amount <= 0:
        raise ValueError("a deal amount must be positive")
    before = {"amount": str(deal.amount) if deal.amount is not None else None,
              "currency": deal.currency}
    deal.amount, deal.currency = amount, currency
    after = {"amount": str(amount), "currency": currency}
    await record(uow, actor, "deal.amount", ("deal", deal.id), now, before, after)


async def move(
    uow: UnitOfWork,
    actor: User,
    deal: Deal,
    to_stage: str,
    now: datetime,
    reason: str | None = None,
) -> None:
    before = snapshot(deal, (*DEAL_FIELDS, "close_reason"))
    history = DealStageHistory(
        deal_id=deal.id, user_id=actor.id, from_stage=deal.stage, to_stage=to_stage, at=now
    )
    deal.stage, deal.stage_changed_at = to_stage, now
    if to_stage in ("won", "lost"):
        deal.closed_at, deal.close_reason = now, reason
    await uow.deals.add_history(history)
    after = snapshot(deal, (*DEAL_FIELDS, "close_reason"))
    await record(uow, actor, "deal.move", ("deal", deal.id), now, before, after)


async def set_stage(
    uow: UnitOfWork,
    org_id: int,
    key: str,
    names: tuple[str, str],
    probability: int,
    now: datetime,
    position: int | None = None,
) -> PipelineStage:
    """Rename, re-weight or add an open stage of an org's pipeline (won/lost stay fixed)."""
    stages = await uow.users.stages(org_id)
    stage = next((s for s in stages if s.key == key), None)
    before = snapshot(stage, STAGE_FIELDS) if stage else None
    if stage is None:
        last_open = max((s.position for s in stages if s.outcome == "open"), default=-1)
        stage = PipelineStage(org_id=org_id, key=key, outcome="open", position=last_open + 1)
        for later in (s for s in stages if s.position > last_open):
            later.position += 1  # won / lost stay at the end
    stage.name_zh, stage.name_en, stage.probability = names[0], names[1], probability
    await uow.users.add(stage)
    if position is not None:
        stage.position = position
    after = snapshot(stage, STAGE_FIELDS)
    await uow.users.pipeline_changed(org_id)
    await record(uow, None, "stage.set", ("pipeline_stage", stage.id), now, before, after)
    return stage


STAGE_FIELDS = ("org_id", "key", "name_zh", "name_en", "probability", "position")
