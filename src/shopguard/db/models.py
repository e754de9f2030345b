"""The tables. Every row that belongs to a shopper carries their user id for ownership checks."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Column, ForeignKey, Index, Integer, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from shopguard.db.types import UTCDateTime
from shopguard.taxonomy import DEFAULT_PLATFORM, DEFAULT_TIMEZONE, CaseStatus


def _utc(nullable: bool = True) -> Column[datetime]:
    return Column(UTCDateTime(), nullable=nullable)


class User(SQLModel, table=True):
    __tablename__ = "users"

    id: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    language: str | None = Field(default=None, max_length=8)
    timezone: str = Field(default=DEFAULT_TIMEZONE, max_length=64)
    reminder_offsets: str | None = Field(
        default=None,
        max_length=64,
        description="minutes before a deadline to remind ('4320,1440,180'); '' off; None default",
    )
    quiet_hours: str | None = Field(
        default=None,
        max_length=16,
        description="local 'HH:MM-HH:MM' with no reminders; 'off'; None the default 22:00-08:00",
    )
    is_active: bool = True
    cases_opened: int = Field(default=0, sa_column=Column(Integer, nullable=False, default=0))
    created_at: datetime = Field(sa_column=_utc(nullable=False))
    active_case_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, nullable=True),
        description="the case open in the conversation, where files sent go (checked on use)",
    )


class Case(SQLModel, table=True):
    __tablename__ = "cases"
    __table_args__ = (UniqueConstraint("user_id", "number", name="uq_cases_user_number"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(
        sa_column=Column(
            BigInteger, ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    number: int = Field(description="the shopper's own case number: 1, 2, 3 …")
    status: str = Field(default=CaseStatus.OPEN, max_length=16, index=True)
    platform: str = Field(default=DEFAULT_PLATFORM, max_length=16)
    problem_type: str = Field(max_length=32)
    category: str | None = Field(default=None, max_length=32)
    shop_name: str | None = Field(default=None, max_length=200)
    item: str | None = Field(default=None, max_length=200)
    order_no: str | None = Field(default=None, max_length=64)
    amount_fen: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    quantity: int = 1
    unit_price_fen: int | None = Field(
        default=None,
        sa_column=Column(BigInteger, nullable=True),
        description="price paid per unit (价保); None: amount / quantity when it divides",
    )
    ordered_at: datetime | None = Field(default=None, sa_column=_utc())
    signed_at: datetime | None = Field(default=None, sa_column=_utc())
    # moments and shop promises that start or change deadlines (shopguard.case_deadlines)
    paid_at: datetime | None = Field(default=None, sa_column=_utc())
    return_requested_at: datetime | None = Field(default=None, sa_column=_utc())
    return_received_at: datetime | None = Field(default=None, sa_column=_utc())
    seller_contacted_at: datetime | None = Field(default=None, sa_column=_utc())
    dispute_opened_at: datetime | None = Field(default=None, sa_column=_utc())
    seller_refused_at: datetime | None = Field(default=None, sa_column=_utc())
    ticket_filed_at: datetime | None = Field(default=None, sa_column=_utc())
    complaint_12315_filed_at: datetime | None = Field(default=None, sa_column=_utc())
    complaint_12315_accepted_at: datetime | None = Field(default=None, sa_column=_utc())
    knew_of_harm_at: datetime | None = Field(default=None, sa_column=_utc())
    last_tracking_at: datetime | None = Field(default=None, sa_column=_utc())
    return_days_promise: int | None = None
    price_protect_days: int | None = None
    price_protect_from: str | None = Field(default=None, max_length=8)
    jd_self_operated: bool | None = None
    live_room_id: str | None = Field(default=None, max_length=64)
    notes: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    created_at: datetime = Field(sa_column=_utc(nullable=False))
    updated_at: datetime = Field(sa_column=_utc(nullable=False))
    closed_at: datetime | None = Field(default=None, sa_column=_utc())
    evidence_tally: str = Field(
        default="{}",
        sa_column=Column(Text, nullable=False, default="{}", server_default="{}"),
        description="cache of the case's evidence per kind (shopguard.evidence.checklist.Tally)",
    )
    # escalation advisor facts (issue #6) and the card's cache of the case timeline
    injury_or_hazard: bool | None = None
    special_price: bool | None = None
    timeline_digest: str = Field(
        default="{}",
        sa_column=Column(Text, nullable=False, default="{}", server_default="{}"),
        description="cache of the timeline for the card (shopguard.timeline.Digest)",
    )
    # complaint drafts (issue #4): the seller's identity on the shop's 资质 page, for 12315
    seller_business_name: str | None = Field(default=None, max_length=200)
    seller_address: str | None = Field(default=None, max_length=300)


class DialogState(SQLModel, table=True):
    """Dialog (FSM) state kept in SQL so a half-finished dialog survives a restart."""

    __tablename__ = "dialog_states"

    key: str = Field(primary_key=True, max_length=200)
    user_id: int | None = Field(default=None, sa_column=Column(BigInteger, index=True))
    state: str | None = Field(default=None, max_length=200)
    data: str = Field(default="{}", sa_column=Column(Text, nullable=False, default="{}"))


class Reminder(SQLModel, table=True):
    """A message to send at a moment; the database is the single source of truth for delivery.

    ``due_at`` is when the shopper should hear from us; ``available_at`` is when a dispatcher
    may next try (``due_at`` at first, later a retry time or a lease's expiry), which is what
    the claim query scans through its index.
    """

    __tablename__ = "reminders"
    __table_args__ = (Index("ix_reminders_claim", "status", "available_at"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(
        sa_column=Column(
            BigInteger, ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    case_id: int | None = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("cases.id", ondelete="CASCADE"), index=True),
    )
    kind: str = Field(max_length=16)
    deadline_key: str | None = Field(default=None, max_length=64)
    offset_minutes: int | None = None
    text: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    deadline_at: datetime | None = Field(default=None, sa_column=_utc())
    due_at: datetime = Field(sa_column=_utc(nullable=False))
    available_at: datetime = Field(sa_column=_utc(nullable=False))
    status: str = Field(default="pending", max_length=16)
    attempts: int = 0
    lease_owner: str | None = Field(default=None, max_length=80)
    sent_at: datetime | None = Field(default=None, sa_column=_utc())
    message_id: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    last_error: str | None = Field(default=None, max_length=500)
    created_at: datetime = Field(sa_column=_utc(nullable=False))


class EvidenceItem(SQLModel, table=True):
    """One file of evidence in a case. ``sha256`` names the stored file (None: kept by reference
    only, ``not_stored_reason`` says why); ``kind`` is None until the shopper classifies it."""

    __tablename__ = "evidence_items"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(
        sa_column=Column(
            BigInteger, ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    case_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("cases.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    kind: str | None = Field(default=None, max_length=32)
    description: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    media: str = Field(max_length=16)
    file_id: str = Field(max_length=255)
    file_unique_id: str = Field(max_length=64, index=True)
    file_name: str | None = Field(default=None, max_length=255)
    mime_type: str | None = Field(default=None, max_length=128)
    size: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    sha256: str | None = Field(default=None, max_length=64, index=True)
    not_stored_reason: str | None = Field(default=None, max_length=32)
    original_at: datetime | None = Field(default=None, sa_column=_utc())
    original_source: str | None = Field(default=None, max_length=16)
    camera: str | None = Field(default=None, max_length=128)
    duration_s: int | None = None
    batch: str | None = Field(default=None, max_length=16, index=True)
    unboxing_answers: str = Field(
        default="{}", sa_column=Column(Text, nullable=False, default="{}")
    )
    received_at: datetime = Field(sa_column=_utc(nullable=False))
    updated_at: datetime = Field(sa_column=_utc(nullable=False))


class EvidenceTick(SQLModel, table=True):
    """A checklist item the shopper holds offline and ticked by hand."""

    __tablename__ = "evidence_ticks"

    case_id: int = Field(
        sa_column=Column(Integer, ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True)
    )
    item: str = Field(primary_key=True, max_length=64)
    user_id: int = Field(
        sa_column=Column(
            BigInteger, ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    ticked_at: datetime = Field(sa_column=_utc(nullable=False))


class TimelineEvent(SQLModel, table=True):
    """One step of a dispute (shopguard.escalation.TimelineEntry, stored as its JSON form)."""

    __tablename__ = "case_timeline"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(
        sa_column=Column(
            BigInteger, ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    case_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("cases.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    kind: str = Field(max_length=32)
    at: datetime = Field(sa_column=_utc(nullable=False))
    data: str = Field(default="{}", sa_column=Column(Text, nullable=False, default="{}"))
    created_at: datetime = Field(sa_column=_utc(nullable=False))


class ComplainantProfile(SQLModel, table=True):
    """The shopper's real identity for 12315 complaints, kept for reuse (never in other drafts)."""

    __tablename__ = "complainant_profiles"

    user_id: int = Field(
        sa_column=Column(BigInteger, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    )
    name: str | None = Field(default=None, max_length=100)
    phone: str | None = Field(default=None, max_length=32)
    address: str | None = Field(default=None, max_length=300)
    updated_at: datetime = Field(sa_column=_utc(nullable=False))


class ComplaintDraft(SQLModel, table=True):
    """A case's complaint for one channel: the shopper's choices; its texts are the versions."""

    __tablename__ = "complaint_drafts"
    __table_args__ = (UniqueConstraint("case_id", "channel", name="uq_complaint_drafts_case"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(
        sa_column=Column(
            BigInteger, ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    case_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("cases.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    channel: str = Field(max_length=16)
    language: str = Field(default="zh", max_length=8)
    demand_rule: str | None = Field(default=None, max_length=64)
    demand_amount_fen: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    reply_by: datetime | None = Field(default=None, sa_column=_utc())
    reply_by_asked: bool = False
    problem_text: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    demand_text: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    masked: bool = False
    created_at: datetime = Field(sa_column=_utc(nullable=False))
    updated_at: datetime = Field(sa_column=_utc(nullable=False))


class ComplaintVersion(SQLModel, table=True):
    """One rendered text of a draft; the newest is the current one."""

    __tablename__ = "complaint_versions"

    id: int | None = Field(default=None, primary_key=True)
    draft_id: int = Field(
        sa_column=Column(
            Integer,
            ForeignKey("complaint_drafts.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        )
    )
    user_id: int = Field(
        sa_column=Column(
            BigInteger, ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    number: int
    language: str = Field(max_length=8)
    text: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = Field(sa_column=_utc(nullable=False))


class PriceObservation(SQLModel, table=True):
    """One price of a case's item at a moment (价保 history): reported by the shopper
    (``origin`` manual) or read from the watched page (``page``). ``amount_fen`` is None when
    the page could not be read; ``unreadable`` then says why."""

    __tablename__ = "price_observations"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(
        sa_column=Column(
            BigInteger, ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    case_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("cases.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    at: datetime = Field(sa_column=_utc(nullable=False))
    amount_fen: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    currency: str | None = Field(default=None, max_length=12)
    unreadable: str | None = Field(default=None, max_length=32)
    origin: str = Field(max_length=8)


class PriceWatchRow(SQLModel, table=True):
    """A product page watched for a case's 价保 window; the database holds the schedule
    (``next_check_at``) and the watch's memory (``state``, JSON); ``lease_until`` keeps one
    process per check."""

    __tablename__ = "price_watches"
    __table_args__ = (Index("ix_price_watches_due", "status", "next_check_at"),)

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(
        sa_column=Column(
            BigInteger, ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True
        )
    )
    case_id: int = Field(
        sa_column=Column(
            Integer, ForeignKey("cases.id", ondelete="CASCADE"), nullable=False, unique=True
        )
    )
    url: str = Field(sa_column=Column(Text, nullable=False))
    status: str = Field(default="active", max_length=16)
    stop_reason: str | None = Field(default=None, max_length=32)
    state: str = Field(default="{}", sa_column=Column(Text, nullable=False, default="{}"))
    next_check_at: datetime = Field(sa_column=_utc(nullable=False))
    lease_until: datetime | None = Field(default=None, sa_column=_utc())
    lease_owner: str | None = Field(default=None, max_length=80)
    last_checked_at: datetime | None = Field(default=None, sa_column=_utc())
    created_at: datetime = Field(sa_column=_utc(nullable=False))
