"""Which owners' records a query may touch: the store's half of the permission check."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, true


@dataclass(frozen=True)
class Scope:
    org_id: int
    owner_ids: frozenset[int] | None  # None: every owner in the org (admins)

    def allows(self, org_id: int, owner_id: int | None) -> bool:
        if org_id != self.org_id:
            return False
        return self.owner_ids is None or owner_id in self.owner_ids

    def where(self, org_col: Any, owner_col: Any) -> ColumnElement[bool]:
        owners = true() if self.owner_ids is None else owner_col.in_(sorted(self.owner_ids))
        return and_(org_col == self.org_id, owners)
