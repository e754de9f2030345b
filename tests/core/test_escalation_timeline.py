"""Timeline entries: what each kind needs, the stored form, and the deadline facts it sets."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from shopguard.deadlines.rules import START_FACTS
from shopguard.escalation import (
    AfterSalesType,
    ContactChannel,
    EntryKind,
    Forum,
    RegulatorBody,
    RegulatorOutcome,
    ResolvedOutcome,
    Ruling,
    SellerResponse,
    TimelineEntry,
    facts_from_timeline,
)
from shopguard.escalation.timeline import in_order
from tests.core.test_escalation import local

E = TimelineEntry
AT = local("2026-03-03 10:00")

ONE_OF_EACH = [
    E.seller_contacted(AT, ContactChannel.PHONE),
    E.seller_replied(AT, SellerResponse.PARTIAL_OFFER, 12345),
    E.after_sales_filed(AT, AfterSalesType.EXCHANGE),
    E.ticket_filed(AT, "GD-1"),
    E.intervention_requested(AT),
    E.platform_ruled(AT, Ruling.PARTIAL),
    E.regulator_filed(AT, RegulatorBody.CONSUMER_ASSOCIATION, "XH-9"),
    E.regulator_accepted(AT, RegulatorBody.R12315),
    E.regulator_closed(AT, RegulatorBody.R12315, RegulatorOutcome.NO_AGREEMENT),
    E.court_or_arbitration(AT, Forum.ARBITRATION, "(2026)仲字第1号"),
    E.resolved(AT, ResolvedOutcome.COMPENSATION, 50000),
    E.off_platform_request(AT),
]


def test_one_constructor_per_kind() -> None:
    assert [e.kind for e in ONE_OF_EACH] == list(EntryKind)


@pytest.mark.parametrize("entry", ONE_OF_EACH, ids=[e.kind.value for e in ONE_OF_EACH])
def test_stored_form_round_trips(entry: TimelineEntry) -> None:
    data = entry.to_dict()
    assert data["kind"] == entry.kind.value
    assert data["at"] == "2026-03-03T02:00:00+00:00"
    assert TimelineEntry.from_dict(data) == entry


def test_stored_form_of_a_partial_offer() -> None:
    assert ONE_OF_EACH[1].to_dict() == {
        "kind": "seller_replied",
        "at": "2026-03-03T02:00:00+00:00",
        "response": "partial_offer",
        "offer_fen": 12345,
    }


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"kind": EntryKind.SELLER_CONTACTED}, r"needs \['channel'\]"),
        ({"kind": EntryKind.SELLER_REPLIED}, r"needs \['response'\]"),
        ({"kind": EntryKind.AFTER_SALES_FILED}, r"needs \['after_sales_type'\]"),
        ({"kind": EntryKind.PLATFORM_RULED}, r"needs \['ruling'\]"),
        ({"kind": EntryKind.REGULATOR_FILED}, r"needs \['body'\]"),
        ({"kind": EntryKind.REGULATOR_CLOSED, "body": RegulatorBody.R12315}, "regulator_outcome"),
        ({"kind": EntryKind.COURT_OR_ARBITRATION}, r"needs \['forum'\]"),
        ({"kind": EntryKind.RESOLVED, "outcome": ResolvedOutcome.OTHER}, "amount_recovered_fen"),
        (
            {"kind": EntryKind.TICKET_FILED, "ruling": Ruling.AGAINST},
            r"does not take \['ruling'\]",
        ),
        (
            {"kind": EntryKind.SELLER_REPLIED, "response": SellerResponse.PARTIAL_OFFER},
            "needs offer_fen",
        ),
        (
            {"kind": EntryKind.SELLER_REPLIED, "response": SellerResponse.REFUSED, "offer_fen": 5},
            "only with a partial offer",
        ),
        (
            {
                "kind": EntryKind.SELLER_REPLIED,
                "response": SellerResponse.PARTIAL_OFFER,
                "offer_fen": 0,
            },
            "a refusal",
        ),
        (
            {
                "kind": EntryKind.RESOLVED,
                "outcome": ResolvedOutcome.FULL_REFUND,
                "amount_recovered_fen": 398.0,
            },
            "whole number of fen",
        ),
        (
            {
                "kind": EntryKind.RESOLVED,
                "outcome": ResolvedOutcome.FULL_REFUND,
                "amount_recovered_fen": -1,
            },
            "whole number of fen",
        ),
        ({"kind": EntryKind.TICKET_FILED, "at": datetime(2026, 3, 3, 10, 0)}, "aware"),
        ({"kind": EntryKind.SELLER_CONTACTED, "channel": "wechat"}, "must be a ContactChannel"),
    ],
)
def test_bad_entries_are_refused(kwargs: dict[str, Any], message: str) -> None:
    values: dict[str, Any] = {"at": AT}
    values.update(kwargs)
    with pytest.raises(ValueError, match=message):
        TimelineEntry(**values)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"kind": "ticket_filed"}, "needs kind and at"),
        ({"kind": "teleport", "at": "2026-03-03T02:00:00+00:00"}, "kind: unknown value"),
        ({"kind": "ticket_filed", "at": "yesterday"}, "not an ISO 8601 moment"),
        ({"kind": "ticket_filed", "at": "2026-03-03T02:00:00+00:00", "mood": 1}, "unknown"),
        ({"kind": "ticket_filed", "at": "2026-03-03T02:00:00+00:00", "reference": 7}, "text"),
        ({"kind": "ticket_filed", "at": "2026-03-03T10:00:00"}, "aware"),
    ],
)
def test_bad_stored_entries_are_refused(data: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        TimelineEntry.from_dict(data)


def test_facts_from_timeline_take_the_earliest_entry() -> None:
    timeline = [
        E.regulator_accepted(local("2026-03-20 10:00"), RegulatorBody.R12315),
        E.seller_contacted(local("2026-03-03 10:00")),
        E.seller_contacted(local("2026-03-02 08:00")),
        E.after_sales_filed(local("2026-03-04 10:00"), AfterSalesType.REFUND_ONLY),
        E.after_sales_filed(local("2026-03-05 10:00"), AfterSalesType.RETURN_AND_REFUND),
        E.seller_replied(local("2026-03-04 12:00"), SellerResponse.STALLING),
        E.seller_replied(local("2026-03-05 12:00"), SellerResponse.REFUSED),
        E.seller_replied(local("2026-03-06 12:00"), SellerResponse.REFUSED),
        E.ticket_filed(local("2026-03-07 10:00")),
        E.ticket_filed(local("2026-03-08 10:00")),
        E.regulator_filed(local("2026-03-10 10:00"), RegulatorBody.CONSUMER_ASSOCIATION),
        E.regulator_filed(local("2026-03-12 10:00"), RegulatorBody.R12315),
    ]
    assert facts_from_timeline(timeline) == {
        "seller_contacted_at": local("2026-03-02 08:00"),
        "return_requested_at": local("2026-03-05 10:00"),
        "dispute_opened_at": local("2026-03-04 10:00"),
        "seller_refused_at": local("2026-03-05 12:00"),
        "ticket_filed_at": local("2026-03-07 10:00"),
        "complaint_12315_filed_at": local("2026-03-12 10:00"),
        "complaint_12315_accepted_at": local("2026-03-20 10:00"),
    }
    assert set(facts_from_timeline(timeline)) <= set(START_FACTS)


def test_facts_an_after_sales_request_counts_as_contacting_the_seller() -> None:
    timeline = [E.after_sales_filed(local("2026-03-04 10:00"), AfterSalesType.REFUND_ONLY)]
    assert facts_from_timeline(timeline) == {
        "seller_contacted_at": local("2026-03-04 10:00"),
        "dispute_opened_at": local("2026-03-04 10:00"),
    }


def test_facts_a_ticket_alone_opens_the_dispute() -> None:
    timeline = [E.ticket_filed(local("2026-03-07 10:00"))]
    assert facts_from_timeline(timeline) == {
        "dispute_opened_at": local("2026-03-07 10:00"),
        "ticket_filed_at": local("2026-03-07 10:00"),
    }
    assert facts_from_timeline([]) == {}


def test_in_order_drops_the_future_and_keeps_ties_stable() -> None:
    a = E.ticket_filed(local("2026-03-03 10:00"), "A")
    b = E.ticket_filed(local("2026-03-03 10:00"), "B")
    later = E.intervention_requested(local("2026-03-05 10:00"))
    assert in_order([later, a, b], local("2026-03-04 00:00")) == [a, b]
    assert in_order([later, b, a]) == [b, a, later]
