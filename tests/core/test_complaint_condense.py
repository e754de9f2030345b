"""Condensed tickets: never over the form's limit, always the order number and the amount."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from shopguard.complaints import (
    MIN_LIMIT,
    Channel,
    Complaint,
    ComplaintFacts,
    Event,
    EvidenceEntry,
    TimelineEntry,
    propose_demands,
    render_draft,
    ticket_limits,
)
from shopguard.complaints.forms import read_forms_file
from shopguard.complaints.text import money
from shopguard.deadlines.rules import RulesError
from shopguard.money import MAX_AMOUNT_FEN
from shopguard.taxonomy import Category, Language, Platform, ProblemType
from tests.core.test_complaint_golden import NOW, logistics_stall, milk_powder, price_drop

ORDER_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"
orders = st.text(ORDER_CHARS, min_size=4, max_size=64).filter(lambda s: s[0].isalnum())
free_text = st.text(
    st.characters(blacklist_categories=("Cs",)), min_size=0, max_size=300
)  # any script, emoji, control characters, line breaks
moments = st.datetimes(
    min_value=datetime(2020, 1, 1), max_value=datetime(2030, 1, 1), timezones=st.just(UTC)
)


@st.composite
def complaints(draw: st.DrawFn) -> Complaint:
    quantity = draw(st.integers(1, 9999))
    facts = ComplaintFacts(
        platform=draw(st.sampled_from(list(Platform))),
        problem_type=draw(st.sampled_from(list(ProblemType))),
        category=draw(st.sampled_from([None, *Category])),
        shop_name=draw(st.none() | free_text),
        item=draw(st.none() | free_text),
        sku=draw(st.none() | free_text),
        order_no=draw(orders),
        amount_paid_fen=draw(st.none() | st.integers(1, MAX_AMOUNT_FEN)),
        quantity=quantity,
        unit_price_fen=draw(st.none() | st.integers(2, MAX_AMOUNT_FEN // quantity)),
        current_unit_price_fen=draw(st.none() | st.integers(0, 1)),
        ordered_at=draw(st.none() | moments),
        signed_at=draw(st.none() | moments),
        last_tracking_at=draw(st.none() | moments),
        waybill_no=draw(st.none() | orders),
        live_room_id=draw(st.none() | orders),
    )
    options = propose_demands(facts)
    assume(options)  # a 价保 case whose price did not drop has nothing to demand
    demand = draw(st.sampled_from(options))
    if demand.formula == "asked" and draw(st.booleans()):
        demand = demand.with_amount(draw(st.integers(1, demand.amount_cap_fen or MAX_AMOUNT_FEN)))
    timeline = draw(
        st.lists(
            st.builds(
                TimelineEntry,
                moments,
                st.sampled_from(list(Event)),
                free_text,
                free_text,
                free_text,
            ),
            max_size=6,
        )
    )
    evidence = [
        EvidenceEntry(n, kind, text)
        for n, (kind, text) in enumerate(
            draw(
                st.lists(
                    st.tuples(st.sampled_from(["order_page", "chat_record", "x"]), free_text),
                    max_size=8,
                )
            ),
            start=1,
        )
    ]
    return Complaint(
        facts, demand, tuple(timeline), tuple(evidence), reply_by=draw(st.none() | moments)
    )


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    complaint=complaints(),
    limits=st.lists(st.integers(MIN_LIMIT, 2000), min_size=1, max_size=3),
    language=st.sampled_from(list(Language)),
)
def test_condensed_fits_and_keeps_order_and_amount(
    complaint: Complaint, limits: list[int], language: Language
) -> None:
    draft = render_draft(
        complaint, Channel.PLATFORM_TICKET, now=NOW, language=language, limits=limits
    )
    assert [c.limit for c in draft.condensed] == sorted(set(limits))
    order_no = complaint.facts.order_no
    assert order_no is not None
    amount = complaint.demand.amount_fen
    for condensed in draft.condensed:
        assert len(condensed.text) <= condensed.limit
        assert order_no in condensed.text
        if amount is not None:
            assert money(amount, language) in condensed.text


def test_the_longest_order_number_and_amount_fit_the_smallest_limit() -> None:
    """MIN_LIMIT holds a 64-character order number with every demand, known or not, at the
    largest amount (10x of ten million yuan plus the refund: ¥110,000,000.00)."""
    order_no = "A" * 64
    for problem in ProblemType:
        for promise in (None, milk_powder().facts.shop_promise):
            facts = ComplaintFacts(
                platform=Platform.OTHER, problem_type=problem, category=Category.FOOD,
                order_no=order_no, shop_promise=promise, amount_paid_fen=MAX_AMOUNT_FEN,
            )  # fmt: skip
            unknown = replace(facts, amount_paid_fen=None)
            for case in (facts, unknown):
                for demand in propose_demands(case):
                    for language in Language:
                        draft = render_draft(
                            Complaint(case, demand), Channel.PLATFORM_TICKET, now=NOW,
                            language=language, limits=[MIN_LIMIT],
                        )  # fmt: skip
                        (condensed,) = draft.condensed
                        assert order_no in condensed.text and len(condensed.text) <= MIN_LIMIT


def test_the_default_limits_are_200_and_500() -> None:
    draft = render_draft(price_drop(), Channel.PLATFORM_TICKET, now=NOW)
    assert [c.limit for c in draft.condensed] == [200, 500]
    assert ticket_limits("douyin").ticket_limits == (200, 500)
    short, long = draft.condensed
    assert len(short.text) <= 200 < len(draft.text)
    assert "287654321012" in short.text and "80.00元" in short.text
    assert len(long.text) > len(short.text)  # the room is used for more of the facts
    assert "经过：" in long.text and "经过：" not in short.text


def test_free_text_is_shortened_as_a_last_resort() -> None:
    complaint = price_drop()
    long_item = replace(complaint.facts, item="超长商品名称" * 60)
    draft = render_draft(replace(complaint, facts=long_item), Channel.PLATFORM_TICKET, now=NOW)
    for condensed in draft.condensed:
        assert "商品“超长商品名称" in condensed.text and "…”" in condensed.text
        assert len(condensed.text) <= condensed.limit


def test_english_is_shortened_between_words() -> None:
    complaint = price_drop()
    long_item = replace(complaint.facts, item=" ".join(["wireless"] * 80))
    draft = render_draft(
        replace(complaint, facts=long_item), Channel.PLATFORM_TICKET, now=NOW, language="en"
    )
    for condensed in draft.condensed:
        assert "wireless…”" in condensed.text
        assert "wireles…" not in condensed.text and "wirele…" not in condensed.text


def test_a_limit_too_small_for_the_essentials_is_refused() -> None:
    with pytest.raises(ValueError, match="too small"):
        render_draft(price_drop(), Channel.PLATFORM_TICKET, now=NOW, limits=[30])


def test_the_waiting_time_survives_condensing() -> None:
    """For a stalled parcel the days without movement come right after the demand."""
    draft = render_draft(logistics_stall(), Channel.PLATFORM_TICKET, now=NOW)
    assert "已6天没有更新" in draft.condensed[0].text


# --- the limits file -------------------------------------------------------------------------


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "complaint_forms.toml"
    path.write_text(text, "utf-8")
    return path


DEFAULT = '[default]\nticket_limits = [200, 500]\nsource = "s"\nconfidence = "low"\n'


def test_a_platform_can_have_its_own_limits(tmp_path: Path) -> None:
    config = read_forms_file(
        write(
            tmp_path,
            DEFAULT
            + '[platform.jd]\nticket_limits = [300]\nsource = "jd form"\nconfidence = "high"\n',
        )
    )
    assert config.for_platform("jd").ticket_limits == (300,)
    assert config.for_platform("douyin").ticket_limits == (200, 500)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (DEFAULT.replace("[200, 500]", "[100]"), "at least 140"),
        (DEFAULT.replace("[200, 500]", "[200, 200]"), "distinct"),
        (DEFAULT.replace('"low"', '"sure"'), "confidence"),
        (
            DEFAULT + '[platform.ebay]\nticket_limits = [300]\nsource = "s"\nconfidence = "low"\n',
            "unknown platform",
        ),
        ("[defaults]\n", "unknown top-level keys"),
    ],
)
def test_bad_limits_are_refused(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(RulesError, match=message):
        read_forms_file(write(tmp_path, text))
