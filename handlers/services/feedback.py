"""A customer's 1–5 answer to the post-sale question (buttons "fb:<deal_id>:<score>")."""

from __future__ import annotations

from datetime import datetime

from handlers.numbers import parse_id
from handlers.services.audit import record, snapshot
from store.models import Feedback
from store.uow import UnitOfWork


def parse_payload(payload: str) -> tuple[int, int] | None:
    """(deal id, score) from "fb:<deal>:<score>", or None for anything else."""
    parts = payload.split(":")
    if len(parts) != 3 or parts[0] != "fb" or parts[2] not in ("1", "2", "3", "4", "5"):
        return None
    deal_id = parse_id(parts[1])
    return None if deal_id is None else (deal_id, int(parts[2]))


async def store_answer(
    uow: UnitOfWork, org_id: int, customer_id: int, payload: str, now: datetime
) -> Feedback | None:
    """Store the customer's answer; None when the payload is not a valid answer."""
    parsed = parse_payload(payload)
    if parsed is None:
        return None
    deal_id, score = parsed
    deal = await uow.deals.of_customer(deal_id, customer_id)
    if deal is None:
        return None  # a stale or forged answer about someone else's deal
    row = Feedback(org_id=org_id, customer_id=customer_id, deal_id=deal_id, score=score, at=now)
    await uow.jobs.add_feedback(row)
    after = snapshot(row, ("org_id", "customer_id", "deal_id", "score"))
    await record(uow, None, "feedback.create", ("feedback", row.id), now, after=after)
    return row
