"""A stored case → CaseFacts, and the new editable facts that start or change deadlines."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import get_args

import pytest

from shopguard.case_deadlines import DEADLINE_FACTS, case_deadlines, case_facts
from shopguard.case_fields import FIELDS, PriceProtectStart, parse_field
from shopguard.db.models import Case
from shopguard.deadlines import CaseFacts, PriceProtectFrom
from shopguard.deadlines.rules import START_FACTS
from shopguard.errors import InputError
from tests.conftest import NOW

SH = "Asia/Shanghai"


def _case(**facts: object) -> Case:
    return Case(
        user_id=1,
        number=1,
        platform="jd",
        problem_type="price_drop",
        category="electronics",
        created_at=NOW,
        updated_at=NOW,
        **facts,
    )


def test_every_fact_the_rules_read_is_on_the_case() -> None:
    moments = {name: datetime(2026, 11, 1, i, 0, tzinfo=UTC) for i, name in enumerate(START_FACTS)}
    case = _case(
        **moments,
        return_days_promise=15,
        price_protect_days=30,
        price_protect_from="signed",
        jd_self_operated=True,
    )
    assert case_facts(case) == CaseFacts(
        platform="jd",
        category="electronics",
        problem_type="price_drop",
        **moments,
        return_days_promise=15,
        price_protect_days=30,
        price_protect_from="signed",
        jd_self_operated=True,
    )
    assert set(START_FACTS) <= DEADLINE_FACTS
    assert {name for name in START_FACTS if FIELDS[name].kind != "moment"} == set()


def test_the_price_protect_buttons_are_the_rules_choices() -> None:
    assert {start.value for start in PriceProtectStart} == set(get_args(PriceProtectFrom))


def test_an_unknown_price_protect_start_reads_as_unknown() -> None:
    assert case_facts(_case(price_protect_from="later")).price_protect_from is None


def test_the_shops_promise_changes_the_deadline() -> None:
    # JD self-operated 价保 counts from the day after 签收; the shop promised 30 days
    case = _case(
        signed_at=datetime(2026, 11, 2, 16, 0, tzinfo=UTC),  # 11-03 00:00 in Shanghai
        ordered_at=datetime(2026, 10, 30, 4, 0, tzinfo=UTC),
        price_protect_days=30,
        jd_self_operated=True,
    )
    deadline = case_deadlines(case, SH).get("price_protect")
    assert deadline is not None
    assert (deadline.start_fact, deadline.amount) == ("signed_at", 30)
    assert deadline.due_at == datetime(2026, 12, 3, 16, 0, tzinfo=UTC)  # 12-03 24:00 local


@pytest.mark.parametrize(
    ("name", "text", "value"),
    [
        ("return_days_promise", "15", 15),
        ("return_days_promise", "15天", 15),
        ("price_protect_days", "30 days", 30),
        ("price_protect_days", "３０", 30),
        ("price_protect_from", "signed", "signed"),
        ("jd_self_operated", "yes", True),
        ("jd_self_operated", "no", False),
        ("ticket_filed_at", "2026-11-20 09:30", datetime(2026, 11, 20, 1, 30, tzinfo=UTC)),
    ],
)
def test_new_facts_parse(name: str, text: str, value: object) -> None:
    assert parse_field(name, text, now=NOW, tz=SH) == value


@pytest.mark.parametrize(
    ("name", "text", "code"),
    [
        ("return_days_promise", "0", "days.range"),
        ("price_protect_days", "366", "days.range"),
        ("price_protect_days", "a month", "days.range"),
        ("price_protect_from", "payment", "bad_choice"),
        ("jd_self_operated", "maybe", "bad_choice"),
        ("complaint_12315_filed_at", "明天", "date.future"),
    ],
)
def test_new_facts_refused(name: str, text: str, code: str) -> None:
    with pytest.raises(InputError) as caught:
        parse_field(name, text, now=NOW, tz=SH)
    assert caught.value.code == code


def test_the_rarer_facts_are_grouped_for_the_more_menu() -> None:
    more = [name for name, field in FIELDS.items() if field.more]
    assert "signed_at" not in more and "ordered_at" not in more
    advisor_flags = {"injury_or_hazard", "special_price"}  # the escalation advisor's facts
    assert set(more) - advisor_flags == (
        DEADLINE_FACTS - {"platform", "category", "problem_type"}
    ) - {
        "ordered_at",
        "signed_at",
    }
