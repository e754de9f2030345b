"""Amounts as shoppers type them → integer fen, and fen → what the bot shows."""

from __future__ import annotations

import pytest

from shopguard.money import MAX_AMOUNT_FEN, AmountError, format_fen, format_fen_yuan, parse_amount

ACCEPTED = [
    ("398", 39800),
    ("398.5", 39850),
    ("398.50", 39850),
    ("0.01", 1),
    (".5", 50),
    ("398元", 39800),
    ("398 元", 39800),
    ("398块", 39800),
    ("398块钱", 39800),
    ("398块5", 39850),
    ("398元5角", 39850),
    ("¥398", 39800),
    ("￥1,299.00", 129900),
    ("1299.00 元", 129900),
    ("CNY 398", 39800),
    ("cny398", 39800),
    ("398 yuan", 39800),
    ("398 RMB", 39800),
    ("RMB398", 39800),
    ("人民币398元", 39800),
    ("３９８", 39800),
    ("３９８．５０元", 39850),
    ("  398  ", 39800),
    ("+398", 39800),
    ("1,000,000", 100_000_000),
    ("398.500", 39850),  # trailing zeros are still exact fen
    ("10000000", MAX_AMOUNT_FEN),  # the limit itself is allowed
]


@pytest.mark.parametrize(("text", "fen"), ACCEPTED, ids=[t for t, _ in ACCEPTED])
def test_parse_amount_accepts(text: str, fen: int) -> None:
    assert parse_amount(text) == fen


REFUSED = [
    ("", "empty"),
    ("   ", "empty"),
    ("abc", "not_a_number"),
    ("398.00.1", "not_a_number"),
    ("1,2,3", "not_a_number"),
    ("三百九十八", "not_a_number"),
    ("元", "not_a_number"),
    ("NaN", "not_a_number"),
    ("Infinity", "not_a_number"),
    ("-5", "negative"),
    ("−5", "negative"),
    ("¥-5", "negative"),
    ("-¥5", "negative"),
    ("0", "zero"),
    ("0.00元", "zero"),
    ("1e9", "scientific"),
    ("1.5E+3", "scientific"),
    ("99999999999", "too_large"),
    ("10000000.01", "too_large"),
    ("9" * 5000, "too_large"),
    ("1.234", "too_precise"),
    ("0.001", "too_precise"),
]


@pytest.mark.parametrize(("text", "code"), REFUSED, ids=[f"{t[:12]!r}-{c}" for t, c in REFUSED])
def test_parse_amount_refuses_with_code(text: str, code: str) -> None:
    with pytest.raises(AmountError) as caught:
        parse_amount(text)
    assert caught.value.code == code


def test_amount_error_is_a_value_error_with_a_loggable_message() -> None:
    with pytest.raises(ValueError, match=r"^too_precise: '1\.234'$"):
        parse_amount("1.234")


def test_amount_error_message_is_truncated_for_huge_input() -> None:
    with pytest.raises(AmountError) as caught:
        parse_amount("x" * 5000)
    assert len(str(caught.value)) < 100


FORMATTED = [
    (39800, "¥398.00", "398.00元"),
    (39850, "¥398.50", "398.50元"),
    (1, "¥0.01", "0.01元"),
    (0, "¥0.00", "0.00元"),
    (129900, "¥1,299.00", "1299.00元"),
    (MAX_AMOUNT_FEN, "¥10,000,000.00", "10000000.00元"),
    (-39800, "-¥398.00", "-398.00元"),
    (-5, "-¥0.05", "-0.05元"),
]


@pytest.mark.parametrize(("fen", "shown", "_"), FORMATTED, ids=[str(f) for f, _, _ in FORMATTED])
def test_format_fen(fen: int, shown: str, _: str) -> None:
    assert format_fen(fen) == shown


@pytest.mark.parametrize(("fen", "_", "shown"), FORMATTED, ids=[str(f) for f, _, _ in FORMATTED])
def test_format_fen_yuan(fen: int, _: str, shown: str) -> None:
    assert format_fen_yuan(fen) == shown


@pytest.mark.parametrize("fen", [1, 39850, 129900, MAX_AMOUNT_FEN])
def test_format_then_parse_round_trips(fen: int) -> None:
    assert parse_amount(format_fen(fen)) == fen
    assert parse_amount(format_fen_yuan(fen)) == fen
