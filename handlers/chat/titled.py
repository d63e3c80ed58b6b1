"""How a customer or a contact is named on a card or a choice, without importing either."""

from __future__ import annotations

from typing import Protocol


class Titled(Protocol):
    """A customer as a title or a choice shows it: a Customer, or a brief of one."""

    @property
    def id(self) -> int: ...
    @property
    def name(self) -> str: ...
    @property
    def title(self) -> str | None: ...
    @property
    def company(self) -> str | None: ...
