"""Hostile input to every parser a user reaches: thousands of inputs, no exception escapes.

Each parser either returns a value of the promised shape or raises its own coded error.
"""

from __future__ import annotations

from datetime import UTC, datetime

from aiogram.filters.callback_data import CallbackData
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.callbacks import CaseCb, ChoiceCb, FieldCb, PageCb, PrivacyCb, ReminderCb
from shopguard.case_fields import FIELDS, parse_field
from shopguard.dates import DateError, find_moments, parse_moment
from shopguard.errors import InputError
from shopguard.intake import parse_intake
from shopguard.money import MAX_AMOUNT_FEN, AmountError, parse_amount
from shopguard.timezones import parse_timezone

NOW = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)
ZONES = st.sampled_from(["Asia/Shanghai", "Europe/London", "America/New_York", "UTC"])
# text a shopper might type: CJK, digits, money and date punctuation, emoji, control characters
SHOPPER_TEXT = st.text(
    alphabet=st.one_of(
        st.characters(codec="utf-8"),
        st.sampled_from(list("0123456789年月日号点分元块¥￥.,-/:：+e天前后昨明今上下午晚 ")),
    ),
    max_size=300,
)
FUZZ = settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(SHOPPER_TEXT)
def test_amounts_are_positive_bounded_fen_or_a_coded_refusal(text: str) -> None:
    try:
        fen = parse_amount(text)
    except AmountError as err:
        assert err.code in {
            "empty",
            "not_a_number",
            "negative",
            "zero",
            "scientific",
            "too_precise",
            "too_large",
        }
    else:
        assert isinstance(fen, int) and 0 < fen <= MAX_AMOUNT_FEN


@FUZZ
@given(SHOPPER_TEXT, ZONES, st.booleans())
def test_dates_are_aware_and_never_in_the_future_unless_allowed(
    text: str, tz: str, allow_future: bool
) -> None:
    try:
        moment = parse_moment(text, NOW, tz, allow_future=allow_future)
    except DateError as err:
        assert err.code in {"empty", "unrecognised", "invalid", "future", "ambiguous", "too_old"}
    else:
        assert moment.at.tzinfo is not None
        assert allow_future or moment.at <= NOW


@FUZZ
@given(SHOPPER_TEXT, ZONES)
def test_scanning_and_intake_never_raise(text: str, tz: str) -> None:
    for found in find_moments(text, NOW, tz):
        assert 0 <= found.start <= found.end <= len(text)
    draft = parse_intake(text, NOW, tz)
    assert draft.amount_fen is None or 0 < draft.amount_fen <= MAX_AMOUNT_FEN
    assert draft.ordered_at is None or draft.ordered_at <= NOW
    assert draft.signed_at is None or draft.signed_at <= NOW


@FUZZ
@given(st.sampled_from(sorted(FIELDS)), SHOPPER_TEXT, ZONES)
def test_every_case_field_validates_or_refuses_with_a_code(name: str, text: str, tz: str) -> None:
    try:
        parse_field(name, text, now=NOW, tz=tz)
    except InputError as err:
        assert err.code


@FUZZ
@given(SHOPPER_TEXT)
def test_time_zone_names_resolve_or_are_refused(text: str) -> None:
    try:
        zone = parse_timezone(text)
    except InputError as err:
        assert err.code == "bad_timezone"
    else:
        assert zone


CALLBACKS: list[type[CallbackData]] = [CaseCb, ChoiceCb, FieldCb, PageCb, PrivacyCb, ReminderCb]


@FUZZ
@given(st.sampled_from(CALLBACKS), st.text(max_size=64))
def test_forged_callback_data_is_refused_by_unpacking(
    factory: type[CallbackData], data: str
) -> None:
    try:
        unpacked = factory.unpack(data)
    except (ValueError, TypeError):
        return  # refused: the router's filter does not match, the stale-button answer applies
    assert isinstance(unpacked, factory)
    assert factory.unpack(unpacked.pack()) == unpacked
