"""What happened in a dispute, one entry per event: the input of the escalation advisor.

An entry is a kind plus the fields that kind needs (a ticket's number, the seller's answer, the
platform's ruling …). Entries are checked when made, so a wrong combination fails in the UI
that built it, not later in the advice. ``to_dict`` / ``from_dict`` give the stored form (the
timeline table keeps one JSON object per entry).

:func:`facts_from_timeline` is the one place that says which entry starts which deadline clock
(the :class:`~shopguard.deadlines.CaseFacts` start facts the ``Case`` row stores).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, Final

from shopguard.deadlines.rules import StartFact


class EntryKind(StrEnum):
    SELLER_CONTACTED = "seller_contacted"  # channel
    SELLER_REPLIED = "seller_replied"  # response (+ offer_fen for a partial offer)
    AFTER_SALES_FILED = "after_sales_filed"  # after_sales_type (申请售后)
    TICKET_FILED = "ticket_filed"  # reference = the ticket (工单) number
    INTERVENTION_REQUESTED = "intervention_requested"  # 平台介入
    PLATFORM_RULED = "platform_ruled"  # ruling
    REGULATOR_FILED = "regulator_filed"  # body (12315 / 消协), reference
    REGULATOR_ACCEPTED = "regulator_accepted"  # body
    REGULATOR_CLOSED = "regulator_closed"  # body, regulator_outcome
    COURT_OR_ARBITRATION = "court_or_arbitration"  # forum, reference
    RESOLVED = "resolved"  # outcome, amount_recovered_fen
    OFF_PLATFORM_REQUEST = "off_platform_request"  # the seller asked to pay or chat elsewhere


class ContactChannel(StrEnum):
    IN_APP_CHAT = "in_app_chat"  # the shop chat in the app (飞鸽, 旺旺, 咚咚 …): on the record
    PHONE = "phone"
    OFF_PLATFORM = "off_platform"  # WeChat, QQ …: weakens the record
    OTHER = "other"


class SellerResponse(StrEnum):
    AGREED = "agreed"
    PARTIAL_OFFER = "partial_offer"
    REFUSED = "refused"
    STALLING = "stalling"  # answers, but puts the shopper off
    NO_ANSWER = "no_answer"  # recorded for the timeline; the reply window decides


class AfterSalesType(StrEnum):
    REFUND_ONLY = "refund_only"  # 仅退款
    RETURN_AND_REFUND = "return_and_refund"  # 退货退款
    EXCHANGE = "exchange"  # 换货


class Ruling(StrEnum):
    FOR_SHOPPER = "for_shopper"
    AGAINST = "against"
    PARTIAL = "partial"


class RegulatorBody(StrEnum):
    R12315 = "12315"
    CONSUMER_ASSOCIATION = "consumer_association"  # 消协


class RegulatorOutcome(StrEnum):
    NOT_ACCEPTED = "not_accepted"
    NO_AGREEMENT = "no_agreement"  # mediation ended without an agreement


class Forum(StrEnum):
    COURT = "court"
    ARBITRATION = "arbitration"


class ResolvedOutcome(StrEnum):
    FULL_REFUND = "full_refund"
    PARTIAL_REFUND = "partial_refund"
    EXCHANGE_OR_REPAIR = "exchange_or_repair"
    COMPENSATION = "compensation"
    GAVE_UP = "gave_up"
    OTHER = "other"


_ENUMS: Final[Mapping[str, type[StrEnum]]] = {
    "kind": EntryKind,
    "channel": ContactChannel,
    "response": SellerResponse,
    "after_sales_type": AfterSalesType,
    "ruling": Ruling,
    "body": RegulatorBody,
    "regulator_outcome": RegulatorOutcome,
    "forum": Forum,
    "outcome": ResolvedOutcome,
}
_FEN_FIELDS: Final = ("offer_fen", "amount_recovered_fen")
_TEXT_FIELDS: Final = ("reference", "note")

# kind → (required fields, optional fields); ``note`` is allowed on every kind
_SHAPE: Final[Mapping[EntryKind, tuple[frozenset[str], frozenset[str]]]] = {
    EntryKind.SELLER_CONTACTED: (frozenset({"channel"}), frozenset()),
    EntryKind.SELLER_REPLIED: (frozenset({"response"}), frozenset({"offer_fen"})),
    EntryKind.AFTER_SALES_FILED: (frozenset({"after_sales_type"}), frozenset({"reference"})),
    EntryKind.TICKET_FILED: (frozenset(), frozenset({"reference"})),
    EntryKind.INTERVENTION_REQUESTED: (frozenset(), frozenset({"reference"})),
    EntryKind.PLATFORM_RULED: (frozenset({"ruling"}), frozenset({"reference"})),
    EntryKind.REGULATOR_FILED: (frozenset({"body"}), frozenset({"reference"})),
    EntryKind.REGULATOR_ACCEPTED: (frozenset({"body"}), frozenset({"reference"})),
    EntryKind.REGULATOR_CLOSED: (frozenset({"body", "regulator_outcome"}), frozenset()),
    EntryKind.COURT_OR_ARBITRATION: (frozenset({"forum"}), frozenset({"reference"})),
    EntryKind.RESOLVED: (frozenset({"outcome", "amount_recovered_fen"}), frozenset()),
    EntryKind.OFF_PLATFORM_REQUEST: (frozenset(), frozenset()),
}


@dataclass(frozen=True)
class TimelineEntry:
    kind: EntryKind
    at: datetime  # aware; stored as UTC
    channel: ContactChannel | None = None
    response: SellerResponse | None = None
    offer_fen: int | None = None  # a partial offer: what the seller offers, in fen
    after_sales_type: AfterSalesType | None = None
    reference: str | None = None  # ticket / complaint / case number
    ruling: Ruling | None = None
    body: RegulatorBody | None = None
    regulator_outcome: RegulatorOutcome | None = None
    forum: Forum | None = None
    outcome: ResolvedOutcome | None = None
    amount_recovered_fen: int | None = None
    note: str | None = None

    def __post_init__(self) -> None:
        if self.at.tzinfo is None or self.at.utcoffset() is None:
            raise ValueError("TimelineEntry.at must be an aware datetime")
        object.__setattr__(self, "at", self.at.astimezone(UTC))
        for name, enum in _ENUMS.items():
            value = getattr(self, name)
            if value is not None and not isinstance(value, enum):
                raise ValueError(f"{name} must be a {enum.__name__}, not {value!r}")
        required, optional = _SHAPE[self.kind]
        present = {f.name for f in fields(self) if f.name not in ("kind", "at", "note")}
        present = {name for name in present if getattr(self, name) is not None}
        if missing := sorted(required - present):
            raise ValueError(f"a {self.kind} entry needs {missing}")
        if extra := sorted(present - required - optional):
            raise ValueError(f"a {self.kind} entry does not take {extra}")
        for name in _FEN_FIELDS:
            _check_fen(name, getattr(self, name))
        partial = self.response is SellerResponse.PARTIAL_OFFER
        if partial and self.offer_fen is None:
            raise ValueError("a partial offer needs offer_fen (what the seller offers)")
        if self.offer_fen is not None and not partial:
            raise ValueError("offer_fen goes only with a partial offer")
        if self.offer_fen == 0:
            raise ValueError("a partial offer of 0 is a refusal")

    # --- one constructor per kind, for the UI and the tests --------------------------------

    @classmethod
    def seller_contacted(
        cls, at: datetime, channel: ContactChannel = ContactChannel.IN_APP_CHAT
    ) -> TimelineEntry:
        return cls(EntryKind.SELLER_CONTACTED, at, channel=channel)

    @classmethod
    def seller_replied(
        cls, at: datetime, response: SellerResponse, offer_fen: int | None = None
    ) -> TimelineEntry:
        return cls(EntryKind.SELLER_REPLIED, at, response=response, offer_fen=offer_fen)

    @classmethod
    def after_sales_filed(cls, at: datetime, after_sales_type: AfterSalesType) -> TimelineEntry:
        return cls(EntryKind.AFTER_SALES_FILED, at, after_sales_type=after_sales_type)

    @classmethod
    def ticket_filed(cls, at: datetime, reference: str | None = None) -> TimelineEntry:
        return cls(EntryKind.TICKET_FILED, at, reference=reference)

    @classmethod
    def intervention_requested(cls, at: datetime) -> TimelineEntry:
        return cls(EntryKind.INTERVENTION_REQUESTED, at)

    @classmethod
    def platform_ruled(cls, at: datetime, ruling: Ruling) -> TimelineEntry:
        return cls(EntryKind.PLATFORM_RULED, at, ruling=ruling)

    @classmethod
    def regulator_filed(
        cls, at: datetime, body: RegulatorBody, reference: str | None = None
    ) -> TimelineEntry:
        return cls(EntryKind.REGULATOR_FILED, at, body=body, reference=reference)

    @classmethod
    def regulator_accepted(cls, at: datetime, body: RegulatorBody) -> TimelineEntry:
        return cls(EntryKind.REGULATOR_ACCEPTED, at, body=body)

    @classmethod
    def regulator_closed(
        cls, at: datetime, body: RegulatorBody, outcome: RegulatorOutcome
    ) -> TimelineEntry:
        return cls(EntryKind.REGULATOR_CLOSED, at, body=body, regulator_outcome=outcome)

    @classmethod
    def court_or_arbitration(
        cls, at: datetime, forum: Forum, reference: str | None = None
    ) -> TimelineEntry:
        return cls(EntryKind.COURT_OR_ARBITRATION, at, forum=forum, reference=reference)

    @classmethod
    def resolved(
        cls, at: datetime, outcome: ResolvedOutcome, amount_recovered_fen: int
    ) -> TimelineEntry:
        return cls(
            EntryKind.RESOLVED, at, outcome=outcome, amount_recovered_fen=amount_recovered_fen
        )

    @classmethod
    def off_platform_request(cls, at: datetime) -> TimelineEntry:
        return cls(EntryKind.OFF_PLATFORM_REQUEST, at)

    # --- stored form -------------------------------------------------------------------------

    def to_dict(self) -> dict[str, str | int]:
        """The fields that are set, as JSON-ready values (``at`` in ISO 8601, UTC)."""
        data: dict[str, str | int] = {"kind": self.kind.value, "at": self.at.isoformat()}
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name in ("kind", "at") or value is None:
                continue
            data[f.name] = value.value if isinstance(value, StrEnum) else value
        return data

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> TimelineEntry:
        """The inverse of :meth:`to_dict`; raises ``ValueError`` naming what is wrong."""
        known = {f.name for f in fields(cls)}
        if unknown := sorted(set(data) - known):
            raise ValueError(f"unknown timeline entry fields {unknown}")
        values: dict[str, Any] = {}
        for name, raw in data.items():
            if raw is None:
                continue
            if name in _ENUMS:
                try:
                    values[name] = _ENUMS[name](raw)
                except ValueError:
                    raise ValueError(f"{name}: unknown value {raw!r}") from None
            elif name == "at":
                values[name] = _parse_at(raw)
            elif name in _TEXT_FIELDS:
                if not isinstance(raw, str):
                    raise ValueError(f"{name} must be text, not {raw!r}")
                values[name] = raw
            else:
                values[name] = raw
        if "kind" not in values or "at" not in values:
            raise ValueError("a timeline entry needs kind and at")
        return cls(**values)


def _check_fen(name: str, value: object) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"{name} must be a whole number of fen ≥ 0, not {value!r}")


def _parse_at(raw: object) -> datetime:
    if isinstance(raw, datetime):
        return raw
    if not isinstance(raw, str):
        raise ValueError(f"at must be an ISO 8601 text, not {raw!r}")
    try:
        return datetime.fromisoformat(raw)
    except ValueError:
        raise ValueError(f"at: not an ISO 8601 moment: {raw!r}") from None


def in_order(timeline: Iterable[TimelineEntry], now: datetime | None = None) -> list[TimelineEntry]:
    """The entries sorted by time (stable for equal times); with ``now``, only those ≤ now."""
    entries = [e for e in timeline if now is None or e.at <= now]
    return sorted(entries, key=lambda e: e.at)


def first(
    entries: Sequence[TimelineEntry], kind: EntryKind, **match: object
) -> TimelineEntry | None:
    """The earliest entry of ``kind`` whose fields equal ``match``."""
    return next((e for e in entries if e.kind is kind and _matches(e, match)), None)


def last(
    entries: Sequence[TimelineEntry], kind: EntryKind, **match: object
) -> TimelineEntry | None:
    """The latest entry of ``kind`` whose fields equal ``match``."""
    return next((e for e in reversed(entries) if e.kind is kind and _matches(e, match)), None)


def _matches(entry: TimelineEntry, match: Mapping[str, object]) -> bool:
    return all(getattr(entry, name) == value for name, value in match.items())


def facts_from_timeline(timeline: Iterable[TimelineEntry]) -> dict[StartFact, datetime]:
    """The deadline start facts the timeline settles (the ``Case`` columns of the same name).

    Each fact is the *earliest* matching entry, so a repeated step never pushes a clock later:

    - ``seller_contacted_at``: the first seller contact or after-sales request (the seller's
      reply window runs from the request, §3 seller_reply);
    - ``return_requested_at``: the first 退货退款 request (§3 return_unhandled);
    - ``dispute_opened_at``: the first after-sales request, else the first ticket (JD: 京东介入
      may be asked 24 h after the dispute opened);
    - ``seller_refused_at``: the seller's first refusal (JD: 京东介入 within 15 days of it);
    - ``ticket_filed_at``: the first ticket (§3 ticket_reply, 72 h typical);
    - ``complaint_12315_filed_at`` / ``complaint_12315_accepted_at``: the 12315 complaint (消协
      complaints start no legal clock).

    ``knew_of_harm_at`` is a case fact the shopper states, not a timeline event.
    """
    entries = in_order(timeline)
    found: dict[StartFact, TimelineEntry | None] = {
        "seller_contacted_at": _earliest(
            first(entries, EntryKind.SELLER_CONTACTED), first(entries, EntryKind.AFTER_SALES_FILED)
        ),
        "return_requested_at": first(
            entries, EntryKind.AFTER_SALES_FILED, after_sales_type=AfterSalesType.RETURN_AND_REFUND
        ),
        "dispute_opened_at": first(entries, EntryKind.AFTER_SALES_FILED)
        or first(entries, EntryKind.TICKET_FILED),
        "seller_refused_at": first(
            entries, EntryKind.SELLER_REPLIED, response=SellerResponse.REFUSED
        ),
        "ticket_filed_at": first(entries, EntryKind.TICKET_FILED),
        "complaint_12315_filed_at": first(
            entries, EntryKind.REGULATOR_FILED, body=RegulatorBody.R12315
        ),
        "complaint_12315_accepted_at": first(
            entries, EntryKind.REGULATOR_ACCEPTED, body=RegulatorBody.R12315
        ),
    }
    return {fact: entry.at for fact, entry in found.items() if entry is not None}


def _earliest(*entries: TimelineEntry | None) -> TimelineEntry | None:
    present = [e for e in entries if e is not None]
    return min(present, key=lambda e: e.at) if present else None
