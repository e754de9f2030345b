"""Getting drafts out: chat-sized parts, file names, masking personal data."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shopguard.complaints import (
    Channel,
    chat_messages,
    export_filename,
    export_text,
    mask,
    mask_address,
    mask_id_number,
    mask_phone,
    render_draft,
    split_for_chat,
)
from shopguard.complaints.export import utf16_length
from shopguard.complaints.masking import is_id_number
from tests.core.test_complaint_golden import NOW, milk_powder

# --- split_for_chat --------------------------------------------------------------------------

lines_text = st.lists(
    st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\n"), max_size=80),
    max_size=40,
).map("\n".join)


def cuts(parts: list[str]) -> list[int]:
    positions, at = [], 0
    for part in parts[:-1]:
        at += len(part)
        positions.append(at)
    return positions


@settings(max_examples=500, deadline=None)
@given(text=lines_text, limit=st.integers(2, 200))
def test_parts_rejoin_and_fit(text: str, limit: int) -> None:
    parts = split_for_chat(text, limit)
    assert "".join(parts) == text
    assert all(part and utf16_length(part) <= limit for part in parts)


@settings(max_examples=500, deadline=None)
@given(text=lines_text, limit=st.integers(2, 200))
def test_lines_that_fit_are_never_broken(text: str, limit: int) -> None:
    if any(utf16_length(line) > limit for line in text.split("\n")):
        return  # only a line longer than the limit may be cut inside
    parts = split_for_chat(text, limit)
    for cut in cuts(parts):
        assert text[cut - 1] == "\n" or text[cut] == "\n", (cut, parts)


@settings(max_examples=300, deadline=None)
@given(
    words=st.lists(st.text("abcdefghij", min_size=1, max_size=12), min_size=1, max_size=200),
    limit=st.integers(12, 120),
)
def test_a_long_line_is_cut_between_words(words: list[str], limit: int) -> None:
    text = " ".join(words)
    parts = split_for_chat(text, limit)
    assert "".join(parts) == text
    for cut in cuts(parts):
        assert text[cut - 1] == " " or text[cut] == " ", (cut, parts)


def test_a_long_chinese_line_is_cut_after_a_sentence() -> None:
    sentence = "商家称是正品，拒绝退款。"  # 12 characters
    text = sentence * 10
    parts = split_for_chat(text, 50)
    assert all(part.endswith("。") for part in parts)
    assert [len(p) for p in parts] == [48, 48, 24]


def test_a_word_longer_than_the_limit_is_cut_at_the_limit() -> None:
    parts = split_for_chat("x" * 25, 10)
    assert parts == ["x" * 10, "x" * 10, "x" * 5]


def test_emoji_count_double_and_are_never_split() -> None:
    family = "👨\u200d👩\u200d👧"  # one picture: three emoji joined by zero-width joiners
    parts = split_for_chat(family * 3, 8)
    assert "".join(parts) == family * 3
    assert all(utf16_length(p) <= 8 for p in parts)
    assert all(not p.startswith("\u200d") and not p.endswith("\u200d") for p in parts)
    assert parts[0] == family  # 8 UTF-16 units: one family fits, a second does not


def test_a_draft_splits_into_telegram_messages() -> None:
    draft = render_draft(milk_powder(), Channel.REGULATOR_12315, now=NOW)
    text = export_text(draft)
    parts = split_for_chat(text, 1000)
    assert len(parts) > 1 and "".join(parts) == text
    assert all(part.endswith("\n") for part in parts)  # every cut is at a line break
    assert split_for_chat(text) == [text]  # under 4096: one message


def test_blank_parts_are_not_sent() -> None:
    text = "a" * 10 + "\n\n"
    assert split_for_chat(text, 10) == ["a" * 10, "\n\n"]
    assert chat_messages(text, 10) == ["a" * 10]
    assert split_for_chat("") == [] and chat_messages("") == []


def test_the_limit_must_hold_a_character() -> None:
    with pytest.raises(ValueError):
        split_for_chat("abc", 1)


# --- file names ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("order_no", "channel", "expected"),
    [
        ("6923456789012345678", Channel.REGULATOR_12315,
         "complaint-6923456789012345678-12315-20261120.txt"),
        ("261110-123456789012345", Channel.PLATFORM_TICKET,
         "complaint-261110-123456789012345-ticket-20261120.txt"),
        ("../../etc/passwd", Channel.SELLER_CHAT, "complaint-etc-passwd-seller-20261120.txt"),
        ("订单 123/456", Channel.HEIMAO, "complaint-123-456-heimao-20261120.txt"),
        ("１２３４", Channel.MEDIATION, "complaint-1234-mediation-20261120.txt"),
        (None, Channel.SELLER_CHAT, "complaint-no-order-seller-20261120.txt"),
        ("////", "bad/../channel", "complaint-no-order-bad-channel-20261120.txt"),
    ],
)  # fmt: skip
def test_export_filename(order_no: str | None, channel: Channel | str, expected: str) -> None:
    assert export_filename(order_no, channel, date(2026, 11, 20)) == expected


@given(st.text(max_size=300), st.text(max_size=40))
def test_export_filename_is_always_safe(order_no: str, channel: str) -> None:
    name = export_filename(order_no, channel, date(2026, 1, 2))
    assert name.startswith("complaint-") and name.endswith("-20260102.txt")
    assert all(ch.isascii() and (ch.isalnum() or ch in "-_.") for ch in name)
    assert ".." not in name and len(name) <= 130


# --- masking ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("电话13812341234", "电话138****1234"),
        ("电话 138-1234-1234。", "电话 138-****-1234。"),
        ("+86 138 1234 1234", "+86 138 **** 1234"),
        ("座机 010-87654321", "座机 010-****4321"),
        ("身份证110105199003071239号", "身份证110***********1239号"),
        ("订单6923456789012345678", "订单6923456789012345678"),  # 19 digits: not a phone or ID
        ("订单号 110105199003071230", "订单号 110105199003071230"),  # wrong check digit: not an ID
        ("运单 YT13812341234", "运单 YT13812341234"),  # inside a code: not a phone
        ("金额 1299.00元", "金额 1299.00元"),
    ],
)
def test_mask_finds_phones_and_ids(text: str, expected: str) -> None:
    assert mask(text) == expected


def test_mask_keeps_what_it_is_told_to_keep_and_masks_given_addresses() -> None:
    order_no = "110105199003071239"  # an order number that happens to look like an ID
    text = f"订单{order_no}，地址：北京市朝阳区建国路88号3单元502，电话13812341234"
    masked = mask(text, addresses=["北京市朝阳区建国路88号3单元502"], keep=[order_no])
    assert masked == f"订单{order_no}，地址：北京市朝阳区****，电话138****1234"


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ("北京市朝阳区建国路88号3单元502", "北京市朝阳区****"),
        ("浙江省杭州市余杭区文一西路998号", "浙江省杭州市余杭区****"),
        ("江苏省苏州市吴中路1号", "江苏省苏州市****"),
        ("Room 502, 88 Jianguo Rd, Beijing", "****, Beijing"),
        ("某地", "****"),
    ],
)
def test_mask_address(address: str, expected: str) -> None:
    assert mask_address(address) == expected


def test_mask_single_values() -> None:
    assert mask_phone("138-1234-5678") == "138****5678"
    assert mask_phone("+86 13812345678") == "138****5678"
    assert mask_id_number("110105199003071239") == "110***********1239"
    assert is_id_number("11010519491231002X") and not is_id_number("110105199013071239")


@given(st.text(max_size=200))
def test_mask_never_lengthens_or_touches_kept_text(text: str) -> None:
    keep = "6923456789012345678"
    masked = mask(f"{keep} {text}", keep=[keep])
    assert masked.startswith(keep)
    assert len(masked) == len(keep) + 1 + len(text)
