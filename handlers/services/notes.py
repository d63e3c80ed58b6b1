"""Notes on a customer: text kept on the profile, such as a message forwarded by the rep."""

from __future__ import annotations

from datetime import datetime

from handlers.services.audit import record
from store.models import Customer, User
from store.uow import UnitOfWork

MAX_NOTES = 4000  # the profile shows the notes whole: keep the newest part


async def add_note(
    uow: UnitOfWork, actor: User, customer: Customer, text: str, now: datetime
) -> None:
    """Append a dated line to the customer's notes, with its audit row."""
    before = customer.notes
    line = f"[{now:%Y-%m-%d}] {text.strip()}"
    notes = f"{before}\n{line}" if before else line
    customer.notes = notes[-MAX_NOTES:]
    after = {"org_id": customer.org_id, "notes": customer.notes}
    await record(
        uow, actor, "customer.note", ("customer", customer.id), now, {"notes": before}, after
    )
