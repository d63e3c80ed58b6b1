"""Unit of work: one transaction, repositories over it; rollback unless committed."""

from __future__ import annotations

from types import TracebackType
from typing import Self

from sqlalchemy.ext.asyncio import AsyncSession

from store import clean as _clean  # noqa: F401  (registers the text cleaning on writes)
from store.db import SessionFactory
from store.repos.chat import ChatRepo
from store.repos.contacts import ContactRepo
from store.repos.customer_search import CustomerSearch
from store.repos.customers import CustomerRepo
from store.repos.deals import DealRepo
from store.repos.desk import DeskRepo
from store.repos.health import HealthRepo
from store.repos.history import HistoryRepo
from store.repos.jobs import JobRepo
from store.repos.ops import OpsRepo
from store.repos.outbox import OutboxRepo
from store.repos.payments import PaymentRepo
from store.repos.records import RecordRepo
from store.repos.reminders import ReminderRepo
from store.repos.reports import ReportRepo
from store.repos.shared import SharedRepo
from store.repos.text_search import TextSearch
from store.repos.users import UserRepo
from store.repos.views import ViewRepo
from store.repos.wecom import WeComRepo


class UnitOfWork:
    session: AsyncSession
    users: UserRepo
    customers: CustomerRepo
    customer_search: CustomerSearch
    text_search: TextSearch
    deals: DealRepo
    reminders: ReminderRepo
    chat: ChatRepo
    outbox: OutboxRepo
    desk: DeskRepo
    shared: SharedRepo
    jobs: JobRepo
    reports: ReportRepo
    payments: PaymentRepo
    ops: OpsRepo
    health: HealthRepo
    history: HistoryRepo
    wecom: WeComRepo
    records: RecordRepo
    views: ViewRepo
    contacts: ContactRepo

    def __init__(self, sessions: SessionFactory) -> None:
        self._sessions = sessions

    async def __aenter__(self) -> Self:
        self.session = self._sessions()
        self.users = UserRepo(self.session)
        self.customers = CustomerRepo(self.session)
        self.customer_search = CustomerSearch(self.session)
        self.text_search = TextSearch(self.session)
        self.deals = DealRepo(self.session)
        self.reminders = ReminderRepo(self.session)
        self.chat = ChatRepo(self.session)
        self.outbox = OutboxRepo(self.session)
        self.desk = DeskRepo(self.session)
        self.shared = SharedRepo(self.session)
        self.jobs = JobRepo(self.session)
        self.reports = ReportRepo(self.session)
        self.payments = PaymentRepo(self.session)
        self.ops = OpsRepo(self.session)
        self.health = HealthRepo(self.session)
        self.history = HistoryRepo(self.session)
        self.wecom = WeComRepo(self.session)
        self.records = RecordRepo(self.session)
        self.views = ViewRepo(self.session)
        self.contacts = ContactRepo(self.session)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        # close() rolls back whatever was not committed, but keeps loaded objects readable.
        await self.session.close()

    async def commit(self) -> None:
        await self.session.commit()


class UnitOfWorkFactory:
    """What handlers and jobs receive: a way to open a fresh unit of work."""

    def __init__(self, sessions: SessionFactory) -> None:
        self.sessions = sessions

    def __call__(self) -> UnitOfWork:
        return UnitOfWork(self.sessions)
