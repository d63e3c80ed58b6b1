"""Export customers, activities or deals of a scope (optionally one team or owner) as a table.

Rows stream from the database into the writer; phones are masked for viewers who should not
see them (see privacy.py), the CLI exports as the operator and sees everything.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any, Protocol

from handlers.services.ops.privacy import mask
from store.models import User
from store.repos.exports import EXPORT_HEADERS, export_query
from store.scope import Scope
from store.uow import UnitOfWork

KINDS = ("customers", "activities", "deals", "contacts")
# Phones masked for viewers who may not call; these rows end with the owner's id.
MASKED = {"customers": ("phone", "phone2"), "contacts": ("phone", "phone2")}


class Sink(Protocol):
    """Where rows go: a TableWriter, or a list filled here and written elsewhere."""

    rows: int

    def append(self, row: list[Any]) -> None: ...

    def close(self) -> None: ...


def narrowed(scope: Scope, owners: frozenset[int] | None) -> Scope:
    """The viewer's scope cut down to a team's or one person's records."""
    if owners is None:
        return scope
    return Scope(scope.org_id, owners if scope.owner_ids is None else owners & scope.owner_ids)


async def export(
    uow: UnitOfWork, scope: Scope, what: str, writer: Sink, viewer: User | None = None
) -> int:
    """Write the header and every row; returns the number of data rows."""
    writer.append(list(EXPORT_HEADERS[what]))
    phones_at = [EXPORT_HEADERS[what].index(h) for h in MASKED.get(what, ())]
    async for row in uow.ops.stream(export_query(what, scope)):
        values = [_cell(v) for v in row]
        if what in MASKED:
            owner_id = values.pop()
            if viewer is not None and viewer.role != "admin" and owner_id != viewer.id:
                for at in phones_at:
                    values[at] = mask(values[at])
        writer.append(values)
    writer.close()
    return writer.rows - 1


def _cell(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat(timespec="minutes")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value
