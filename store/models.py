"""The CRM's tables. Every row that belongs to a company carries org_id."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from store.types import Money, UTCDateTime

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime(),
        dict[str, Any]: JSON(),
        Decimal: Money(),
    }


def new_pipeline_rev() -> str:
    return uuid.uuid4().hex


class Org(Base):
    __tablename__ = "org"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    settings: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime]
    # Changes with every change to the org's stages: a random token, so that a cached
    # pipeline can never be mistaken for another database's or a rolled-back one.
    pipeline_rev: Mapped[str | None] = mapped_column(String(32), default=new_pipeline_rev)


class Team(Base):
    __tablename__ = "team"
    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("org.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))


class User(Base):
    __tablename__ = "app_user"
    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("org.id"), index=True)
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16))  # rep / manager / admin
    lang: Mapped[str] = mapped_column(String(8))
    tz: Mapped[str] = mapped_column(String(64))
    active: Mapped[bool] = mapped_column(default=True)
    away: Mapped[bool] = mapped_column(default=False)  # skipped by lead routing
    lead_weight: Mapped[int] = mapped_column(default=1)
    lead_capacity: Mapped[int | None]  # most open customers routing may give this rep
    created_at: Mapped[datetime]


class Identity(Base):
    """A user's address on one channel; one person may have several."""

    __tablename__ = "identity"
    __table_args__ = (UniqueConstraint("channel", "external_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), index=True)
    channel: Mapped[str] = mapped_column(String(32))
    external_id: Mapped[str] = mapped_column(String(128))
    chat_id: Mapped[str | None] = mapped_column(String(128))
    blocked_at: Mapped[datetime | None]  # the user blocked the bot here: send nothing more


class Invite(Base):
    __tablename__ = "invite"
    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("org.id"))
    code: Mapped[str] = mapped_column(String(32), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id"))
    name: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_by: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))


class Customer(Base):
    __tablename__ = "customer"
    # Exact names and phones, name / company prefixes (store/repos/customer_search.py); the trigram
    # indexes of the same migration (0008_search) are dialect-specific and kept out of here.
    __table_args__ = (
        Index("ix_customer_org_name", "org_id", "name"),
        Index("ix_customer_org_company", "org_id", "company", "name"),
        Index("ix_customer_org_phone", "org_id", "phone"),
        Index("ix_customer_org_phone2", "org_id", "phone2"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("org.id"), index=True)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    company: Mapped[str | None] = mapped_column(String(200))
    # "person" (today's customer: one person, with the firm as text) or "company" (the
    # account; its people are Contact rows, and `name` is the firm's name).
    kind: Mapped[str] = mapped_column(String(8), default="person", server_default="person")
    title: Mapped[str | None] = mapped_column(String(100))
    phone: Mapped[str | None] = mapped_column(String(40), index=True)
    phone2: Mapped[str | None] = mapped_column(String(40))  # a second number (office, mobile)
    email: Mapped[str | None] = mapped_column(String(200))
    wechat: Mapped[str | None] = mapped_column(String(100))
    address: Mapped[str | None] = mapped_column(String(300))
    industry: Mapped[str | None] = mapped_column(String(100))
    source: Mapped[str | None] = mapped_column(String(100))
    tier: Mapped[str] = mapped_column(String(1), default="C")
    lifecycle: Mapped[str] = mapped_column(String(20), default="prospect")
    birthday: Mapped[date | None]
    birthday_lunar: Mapped[bool] = mapped_column(default=False)
    notes: Mapped[str | None] = mapped_column(Text)
    tags: Mapped[str | None] = mapped_column(String(300))
    care_consent: Mapped[bool] = mapped_column(default=False)
    lang: Mapped[str | None] = mapped_column(String(8))  # for care messages; None: org default
    tz: Mapped[str | None] = mapped_column(String(64))
    search_key: Mapped[str] = mapped_column(Text, default="")
    pool_team_id: Mapped[int | None] = mapped_column(ForeignKey("team.id"))  # 公海, when ownerless
    pooled_at: Mapped[datetime | None]
    segment_abc: Mapped[str | None] = mapped_column(String(1))
    rfm: Mapped[str | None] = mapped_column(String(3))  # recency, frequency, money: 1-5 each
    value_class: Mapped[str | None] = mapped_column(String(16))
    segmented_at: Mapped[datetime | None]
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("customer.id"))
    anonymised_at: Mapped[datetime | None]
    last_contact_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class Contact(Base):
    """A person at a company customer (客户 / 联系人, an organisation's people): activities and
    deals stay the customer's and may name the contact. Found like customers (migration
    0011_contacts: the same B-tree, trigram and FTS5 indexes over its own search key)."""

    __tablename__ = "contact"
    __table_args__ = (
        Index("ix_contact_customer_name", "customer_id", "name"),
        Index("ix_contact_org_name", "org_id", "name"),
        Index("ix_contact_org_phone", "org_id", "phone"),
        Index("ix_contact_org_phone2", "org_id", "phone2"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("org.id"))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"))
    name: Mapped[str] = mapped_column(String(200))
    title: Mapped[str | None] = mapped_column(String(100))
    phone: Mapped[str | None] = mapped_column(String(40))
    phone2: Mapped[str | None] = mapped_column(String(40))  # a second number (office, mobile)
    email: Mapped[str | None] = mapped_column(String(200))
    birthday: Mapped[date | None]
    birthday_lunar: Mapped[bool] = mapped_column(default=False)
    notes: Mapped[str | None] = mapped_column(Text)
    care_consent: Mapped[bool] = mapped_column(default=False)
    lang: Mapped[str | None] = mapped_column(String(8))
    search_key: Mapped[str] = mapped_column(Text, default="")
    anonymised_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class Activity(Base):
    __tablename__ = "activity"
    __table_args__ = (Index("ix_activity_customer_happened", "customer_id", "happened_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("org.id"), index=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # visit / call / message / meeting
    happened_at: Mapped[datetime]
    summary: Mapped[str] = mapped_column(Text)
    outcome: Mapped[str | None] = mapped_column(Text)
    next_step: Mapped[str | None] = mapped_column(Text)
    location: Mapped[str | None] = mapped_column(String(100))
    photo: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime]
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contact.id"))  # who was met


class PipelineStage(Base):
    """An org's pipeline; key is stable, names are what users read."""

    __tablename__ = "pipeline_stage"
    __table_args__ = (UniqueConstraint("org_id", "key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("org.id"))
    key: Mapped[str] = mapped_column(String(32))
    name_zh: Mapped[str] = mapped_column(String(50))
    name_en: Mapped[str] = mapped_column(String(50))
    position: Mapped[int]
    probability: Mapped[int]  # percent, for the weighted pipeline
    outcome: Mapped[str] = mapped_column(String(8), default="open")  # open / won / lost


class Deal(Base):
    __tablename__ = "deal"
    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("org.id"), index=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), index=True)
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    amount: Mapped[Decimal | None]
    currency: Mapped[str] = mapped_column(String(3), default="CNY")
    stage: Mapped[str] = mapped_column(String(32))
    expected_close: Mapped[date | None]
    source: Mapped[str | None] = mapped_column(String(100))
    close_reason: Mapped[str | None] = mapped_column(Text)
    stage_changed_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contact.id"))  # who it is with


class DealStageHistory(Base):
    __tablename__ = "deal_stage_history"
    id: Mapped[int] = mapped_column(primary_key=True)
    deal_id: Mapped[int] = mapped_column(ForeignKey("deal.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    from_stage: Mapped[str | None] = mapped_column(String(32))
    to_stage: Mapped[str] = mapped_column(String(32))
    at: Mapped[datetime]


class Reminder(Base):
    __tablename__ = "reminder"
    __table_args__ = (Index("ix_reminder_status_due", "status", "due_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("org.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), index=True)
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customer.id"), index=True)
    due_at: Mapped[datetime]
    kind: Mapped[str] = mapped_column(String(16))  # follow_up/cadence/birthday/payment/custom
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    lease_until: Mapped[datetime | None]  # a claimed reminder returns to the pool after this
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    # A visit's follow-up: it moves or is cancelled with its visit (0013_records).
    activity_id: Mapped[int | None] = mapped_column(ForeignKey("activity.id"), index=True)
    # The desk's reminder to handle a ticket: done when the ticket is closed.
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("ticket.id"), index=True)


class AuditLog(Base):
    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_entity", "entity", "entity_id"),)
    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer(), "sqlite"), primary_key=True
    )
    org_id: Mapped[int | None] = mapped_column(ForeignKey("org.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    action: Mapped[str] = mapped_column(String(64))
    entity: Mapped[str] = mapped_column(String(32))
    entity_id: Mapped[int | None]
    before: Mapped[dict[str, Any] | None]
    after: Mapped[dict[str, Any] | None]
    at: Mapped[datetime]


class ConversationState(Base):
    """A half-finished form, keyed so a restart or another instance can continue it."""

    __tablename__ = "conversation_state"
    __table_args__ = (UniqueConstraint("channel", "chat_id", "user_key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(32))
    chat_id: Mapped[str] = mapped_column(String(128))
    user_key: Mapped[str] = mapped_column(String(128))
    state: Mapped[str] = mapped_column(String(64))
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    updated_at: Mapped[datetime]


class InboxEntry(Base):
    """A message received. One still to handle (a WeChat callback acknowledged before its
    work was done) keeps its payload and has a next_attempt_at; handling clears both."""

    __tablename__ = "inbox"
    __table_args__ = (
        UniqueConstraint("channel", "dedupe_key"),
        # Only the few rows still to handle are indexed: the worker finds them without a scan.
        Index(
            "ix_inbox_pending",
            "next_attempt_at",
            postgresql_where=text("next_attempt_at IS NOT NULL"),
            sqlite_where=text("next_attempt_at IS NOT NULL"),
        ),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(32))
    dedupe_key: Mapped[str] = mapped_column(String(128))
    received_at: Mapped[datetime]
    payload: Mapped[dict[str, Any] | None]
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    next_attempt_at: Mapped[datetime | None]


class OutboxEntry(Base):
    __tablename__ = "outbox"
    # A claim reads the first due rows in this order (store/repos/outbox.py).
    __table_args__ = (Index("ix_outbox_due", "status", "id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(32))
    recipient: Mapped[str] = mapped_column(String(128))
    body: Mapped[dict[str, Any]]
    idempotency_key: Mapped[str] = mapped_column(String(200), unique=True)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime]
    lease_until: Mapped[datetime | None]
    provider_message_id: Mapped[str | None] = mapped_column(String(128))
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    # Which sender's lease this is: marks and retries count only from the holder, so a sender
    # whose lease was taken over cannot overwrite what the new holder did.
    lease_holder: Mapped[str | None] = mapped_column(String(64))


class CustomerLink(Base):
    """A customer's own chat identity (an Official Account openid, a Telegram id)."""

    __tablename__ = "customer_link"
    __table_args__ = (UniqueConstraint("channel", "external_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("org.id"), index=True)
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customer.id"), index=True)
    channel: Mapped[str] = mapped_column(String(32))
    external_id: Mapped[str] = mapped_column(String(128))
    subscribed: Mapped[bool] = mapped_column(default=True)
    consent: Mapped[bool] = mapped_column(default=False)  # agreed to care messages
    opted_out_at: Mapped[datetime | None]
    last_inbound_at: Mapped[datetime | None]  # WeChat's 48-hour customer-service window
    lang: Mapped[str | None] = mapped_column(String(8))
    created_at: Mapped[datetime]
    # Failed binding attempts since bind_failed_since: a follower may not guess codes.
    bind_failures: Mapped[int] = mapped_column(default=0, server_default="0")
    bind_failed_since: Mapped[datetime | None]


class BindCode(Base):
    """A short code a rep sends a customer so their chat identity links to the record."""

    __tablename__ = "bind_code"
    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("org.id"))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"))
    code: Mapped[str] = mapped_column(String(16), unique=True)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class Ticket(Base):
    """A complaint, request or call-back asked for by a customer from chat."""

    __tablename__ = "ticket"
    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("org.id"), index=True)
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("customer.id"), index=True)
    link_id: Mapped[int | None] = mapped_column(ForeignKey("customer_link.id"))
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # complaint / request / callback
    text: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="open")
    due_by: Mapped[datetime]
    created_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]


class Instalment(Base):
    """One expected payment of a deal's payment plan."""

    __tablename__ = "instalment"
    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("org.id"), index=True)
    deal_id: Mapped[int] = mapped_column(ForeignKey("deal.id"), index=True)
    due_date: Mapped[date]
    amount: Mapped[Decimal]
    currency: Mapped[str] = mapped_column(String(3), default="CNY")
    paid_amount: Mapped[Decimal] = mapped_column(default=Decimal(0))
    paid_at: Mapped[datetime | None]
    created_at: Mapped[datetime]


class Payment(Base):
    """Money received, as recorded by a rep."""

    __tablename__ = "payment"
    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("org.id"), index=True)
    deal_id: Mapped[int] = mapped_column(ForeignKey("deal.id"), index=True)
    instalment_id: Mapped[int | None] = mapped_column(ForeignKey("instalment.id"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    amount: Mapped[Decimal]
    received_at: Mapped[datetime]


class Feedback(Base):
    """A customer's 1–5 answer to a post-sale follow-up."""

    __tablename__ = "feedback"
    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("org.id"), index=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), index=True)
    deal_id: Mapped[int | None] = mapped_column(ForeignKey("deal.id"))
    score: Mapped[int]
    comment: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime]


class CareLog(Base):
    """A care message sent to a customer: for budgets per month and never sending twice."""

    __tablename__ = "care_log"
    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("org.id"))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), index=True)
    kind: Mapped[str] = mapped_column(String(32))  # birthday / holiday / post_sale / win_back
    key: Mapped[str] = mapped_column(String(200), unique=True)  # e.g. birthday:<id>:2026
    channel: Mapped[str] = mapped_column(String(32))
    sent_at: Mapped[datetime]


class JobRun(Base):
    """A cron slot claimed by one instance: only whoever inserts (job, slot) runs it."""

    __tablename__ = "job_run"
    __table_args__ = (UniqueConstraint("job", "slot"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    job: Mapped[str] = mapped_column(String(64))
    slot: Mapped[str] = mapped_column(String(64))
    instance: Mapped[str] = mapped_column(String(64))
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]


class SharedValue(Base):
    """Small values every instance shares, like a channel's access token and its expiry."""

    __tablename__ = "shared_value"
    key: Mapped[str] = mapped_column(String(128), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
    expires_at: Mapped[datetime | None]


class OwnerChange(Base):
    """Every time a customer changes hands: handover, pool release, claim, routing."""

    __tablename__ = "owner_change"
    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("org.id"), index=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customer.id"), index=True)
    from_owner_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    to_owner_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    reason: Mapped[str] = mapped_column(String(32))
    by_user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    at: Mapped[datetime]


class MergeLog(Base):
    """A merge of two customers, with what moved, so it can be undone."""

    __tablename__ = "merge_log"
    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("org.id"), index=True)
    kept_id: Mapped[int] = mapped_column(ForeignKey("customer.id"))
    merged_id: Mapped[int] = mapped_column(ForeignKey("customer.id"))
    moved: Mapped[dict[str, Any]]  # {"activity": [ids], "deal": [...], "reminder": [...]}
    snapshot: Mapped[dict[str, Any]]  # the merged customer's fields before
    by_user_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    at: Mapped[datetime]
    undone_at: Mapped[datetime | None]


class MediaFile(Base):
    """A photo a user sent, kept here because the channel's copy expires (a WeCom MediaId after
    3 days). Keyed like Activity.photo, by the channel's media id, so the activity keeps its
    value and the bytes stay findable. In the database rather than on a disk of one instance,
    so every instance can read them."""

    __tablename__ = "media_file"
    __table_args__ = (UniqueConstraint("channel", "external_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("org.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    channel: Mapped[str] = mapped_column(String(32))
    external_id: Mapped[str] = mapped_column(String(300))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)  # loaded only when asked
    created_at: Mapped[datetime]


class SeenNonce(Base):
    """A signed callback's nonce, kept for the freshness window so a replay is refused on
    every instance."""

    __tablename__ = "seen_nonce"
    __table_args__ = (UniqueConstraint("channel", "nonce"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(32))
    nonce: Mapped[str] = mapped_column(String(64))
    seen_at: Mapped[datetime] = mapped_column(index=True)
