"""The channel guide: every platform × step × language, exact Douyin paths, the caveat on
low-confidence entries, the conditional items, and a broken file named by entry."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pytest

from shopguard.escalation import LADDER_STEPS, GuideError, Step, channel_guide, load_guide
from shopguard.escalation.guide import GUIDE_FILE, load_guide_from
from shopguard.taxonomy import Language, Platform

CELLS = list(itertools.product(Platform, LADDER_STEPS, Language))
PLATFORM_STEPS = (
    Step.SELF_SERVICE,
    Step.SELLER,
    Step.PLATFORM_TICKET,
    Step.PLATFORM_INTERVENTION,
)
OFF_PLATFORM_STEPS = (Step.REGULATOR_12315, Step.CONSUMER_ASSOCIATION, Step.BEYOND)


@pytest.mark.parametrize(
    ("platform", "step", "language"),
    CELLS,
    ids=[f"{p.value}-{s.value}-{lang.value}" for p, s, lang in CELLS],
)
def test_every_cell_has_a_usable_guide(platform: Platform, step: Step, language: Language) -> None:
    guide = channel_guide(platform, step, language)
    assert (guide.platform, guide.step, guide.language) == (platform.value, step, language)
    assert guide.route and all(part.strip() for part in guide.route)
    assert guide.include and guide.source.strip()
    if guide.confidence == "low":
        caveat = (
            "常见路径，请以App内实际显示为准"
            if language is Language.ZH
            else "typical — check the app"
        )
        assert (guide.caveat, guide.typical) == (caveat, True)
    else:
        assert (guide.caveat, guide.typical) == (None, False)
    expected_kind = "path" if step in PLATFORM_STEPS else "options"
    assert guide.route_kind == expected_kind
    if language is Language.ZH:
        assert re.search(r"[\u4e00-\u9fff]", " ".join(guide.route))


def test_there_are_guides_for_every_cell() -> None:
    assert len(CELLS) == 6 * 7 * 2


@pytest.mark.parametrize(
    ("step", "route"),
    [
        (Step.SELLER, ("我的", "订单", "订单详情", "联系商家")),
        (Step.PLATFORM_TICKET, ("我的", "订单", "订单详情", "申请售后")),
        (Step.PLATFORM_INTERVENTION, ("我的", "订单", "订单详情", "平台介入")),
    ],
)
def test_douyin_order_page_paths(step: Step, route: tuple[str, ...]) -> None:
    guide = channel_guide("douyin", step, "zh")
    assert guide.route == route
    assert guide.confidence == "medium"
    english = channel_guide("douyin", step, "en")
    assert english.route[:3] == ("我的 (Me)", "订单 (Orders)", "订单详情 (Order details)")


def test_douyin_seller_chat_is_feige() -> None:
    assert "飞鸽" in (channel_guide("douyin", Step.SELLER, "zh").note or "")
    assert "飞鸽" in (channel_guide("douyin", Step.SELLER, "en").note or "")


@pytest.mark.parametrize("platform", list(Platform))
def test_robot_and_transfer_to_a_person(platform: Platform) -> None:
    guide = channel_guide(platform, Step.SELF_SERVICE, "zh")
    assert guide.robot_phrases == ("订单查询", "退款流程", "转人工")
    assert guide.robot_hint is not None and "转人工" in guide.robot_hint
    assert channel_guide(platform, Step.SELLER, "zh").robot_phrases == ()
    assert "转人工" in (channel_guide(platform, Step.PLATFORM_TICKET, "en").robot_hint or "")


@pytest.mark.parametrize("platform", list(Platform))
def test_good_times_are_off_peak_and_hedged(platform: Platform) -> None:
    zh = channel_guide(platform, Step.SELF_SERVICE, "zh").good_times
    en = channel_guide(platform, Step.SELF_SERVICE, "en").good_times
    assert zh is not None and "工作日上午" in zh and "通常" in zh
    assert en is not None and "weekday mornings" in en and "usually" in en
    assert channel_guide(platform, Step.REGULATOR_12315, "en").good_times is None


@pytest.mark.parametrize("platform", list(Platform))
def test_off_platform_steps_are_the_same_everywhere(platform: Platform) -> None:
    for step in OFF_PLATFORM_STEPS:
        here = channel_guide(platform, step, "en")
        there = channel_guide("douyin", step, "en")
        assert (here.route, here.include, here.note) == (there.route, there.include, there.note)
    assert "www.12315.cn" in channel_guide(platform, Step.REGULATOR_12315, "zh").route[0]
    items = [i.id for i in channel_guide(platform, Step.REGULATOR_12315, "en").include]
    assert items == [
        "real_identity",
        "respondent",
        "purchase_facts",
        "facts_and_request",
        "evidence_list",
        "not_both",
    ]


@pytest.mark.parametrize(
    ("live_stream", "special_price", "items"),
    [
        (None, None, ["order_number", "three_elements", "live_room", "special_price"]),
        (False, False, ["order_number", "three_elements"]),
        (True, False, ["order_number", "three_elements", "live_room"]),
        (False, True, ["order_number", "three_elements", "special_price"]),
    ],
)
def test_items_for_live_stream_and_special_price_orders(
    live_stream: bool | None, special_price: bool | None, items: list[str]
) -> None:
    guide = channel_guide(
        "douyin",
        Step.PLATFORM_TICKET,
        "en",
        live_stream=live_stream,
        special_price=special_price,
    )
    assert [item.id for item in guide.include] == items


def test_item_words() -> None:
    guide = channel_guide("douyin", Step.PLATFORM_TICKET, "zh")
    by_id = {item.id: item for item in guide.include}
    assert by_id["live_room"].text == "直播间ID和大致购买时间（直播下单的订单）"
    assert by_id["live_room"].when == "live_stream"
    assert by_id["special_price"].text == "注明“特价商品”，便于分配到对应的客服小组"
    assert by_id["order_number"].when == "always"


def test_low_confidence_entries_hold_no_numbers() -> None:
    """Nothing unsourced is made specific: no digits in a low-confidence text."""
    data = load_guide()
    texts = [data.robot.zh, data.robot.en, data.good_times.zh, data.good_times.en]
    for entry in data.entries.values():
        if entry.confidence == "low":
            texts += [*entry.route_zh, *entry.route_en]
            if entry.note is not None:
                texts += [entry.note.zh, entry.note.en]
    for item in data.includes.values():
        if item.confidence == "low":
            texts += [item.text.zh, item.text.en]
    for text in texts:
        assert not re.search(r"\d", text), text


def test_only_the_known_douyin_order_page_is_above_low() -> None:
    data = load_guide()
    above_low = {
        (platform, step.value)
        for (platform, step), entry in data.entries.items()
        if entry.confidence != "low"
    }
    assert above_low == {
        ("douyin", "seller"),
        ("douyin", "platform_ticket"),
        ("douyin", "platform_intervention"),
        ("*", "regulator_12315"),
        ("*", "consumer_association"),
        ("*", "beyond"),
    }


@pytest.mark.parametrize(
    ("platform", "step", "language", "message"),
    [
        ("douyin", Step.NONE, "zh", "has no channel"),
        ("amazon", Step.SELLER, "zh", "unknown platform"),
        ("douyin", "fax", "zh", "unknown step"),
        ("douyin", Step.SELLER, "fr", "unknown language"),
    ],
)
def test_bad_requests(platform: str, step: str, language: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        channel_guide(platform, step, language)


# --- a broken copy of the file fails, naming the entry ----------------------------------------


def broken(tmp_path: Path, old: str, new: str) -> Path:
    text = GUIDE_FILE.read_text("utf-8")
    assert old in text, old
    path = tmp_path / "channel_guide.toml"
    path.write_text(text.replace(old, new, 1), "utf-8")
    return path


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            'platform = "jd"\nstep = "seller"',
            'platform = "jd"\nstep = "sellr"',
            "step must be one of",
        ),
        (
            'platform = "jd"\nstep = "seller"',
            'platform = "jingdong"\nstep = "seller"',
            "unknown platform",
        ),
        (
            'platform = "jd"\nstep = "seller"',
            'platform = "jd"\nstep = "self_service"',
            "two entries for jd / self_service",
        ),
        (
            'include = ["order_number", "short_request"]\nnote_zh = "第三方',
            'include = ["order_no", "short_request"]\nnote_zh = "第三方',
            "unknown include ids",
        ),
        (
            'route_en = ["我的 (Me)", "客户服务 (Customer service)"]',
            'route_en = ["我的 (Me)"]',
            "same length",
        ),
        ('when = "live_stream"', 'when = "live"', "when must be one of"),
        (
            'step = "self_service"\nroute_kind = "path"\nroute_zh = ["我的", "客户服务"]',
            'step = "self_service"\nroute_kind = "paths"\nroute_zh = ["我的", "客户服务"]',
            "route_kind must be one of",
        ),
        (
            'robot = false\ngood_times = false\ninclude = ["order_number", "short_request"]',
            'robot = "no"\ngood_times = false\ninclude = ["order_number", "short_request"]',
            "robot must be true or false",
        ),
    ],
)
def test_broken_file_is_named(tmp_path: Path, old: str, new: str, message: str) -> None:
    with pytest.raises(GuideError, match=message):
        load_guide_from(broken(tmp_path, old, new))


def test_a_missing_cell_is_caught(tmp_path: Path) -> None:
    text = GUIDE_FILE.read_text("utf-8")
    start = text.index('[[entry]]\nplatform = "kuaishou"\nstep = "platform_intervention"')
    end = text.index("# --- any other platform")
    path = tmp_path / "channel_guide.toml"
    path.write_text(text[:start] + text[end:], "utf-8")
    with pytest.raises(GuideError, match="no entry for kuaishou / platform_intervention"):
        load_guide_from(path)
