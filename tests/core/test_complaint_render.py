"""Rendering rules that hold for every draft: privacy, no invented facts, tone, notes, fields."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, date, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shopguard.complaints import (
    Channel,
    Complainant,
    Complaint,
    ComplaintFacts,
    Event,
    EvidenceEntry,
    TimelineEntry,
    export_text,
    propose_demands,
    render_all,
    render_draft,
)
from shopguard.taxonomy import Category, Language, Platform, ProblemType
from tests.core.test_complaint_golden import NOW, at, logistics_stall, milk_powder, price_drop

PERSON = Complainant(
    name="王小明", phone="13812345678", address="北京市朝阳区建国路88号3单元502",
    id_number="110105199003071239",
)  # fmt: skip
PERSONAL = (
    "王小明", "13812345678", "建国路88号", "110105199003071239",  # as given
    "138****5678", "110***********1239", "北京市朝阳区****",  # as masked
)  # fmt: skip


@pytest.mark.parametrize("channel", [c for c in Channel if c != Channel.REGULATOR_12315])
@pytest.mark.parametrize("language", list(Language))
@pytest.mark.parametrize("masked", [False, True])
def test_the_complainant_never_leaves_12315(
    channel: Channel, language: Language, masked: bool
) -> None:
    complaint = replace(milk_powder(), complainant=PERSON)
    draft = render_draft(complaint, channel, now=NOW, language=language, masked=masked)
    exported = export_text(draft)
    for secret in PERSONAL:
        assert secret not in exported
    assert not any(m.key.startswith("complainant.") for m in draft.missing)


def test_12315_names_the_complainant_and_masks_on_request() -> None:
    complaint = replace(milk_powder(), complainant=PERSON)
    plain = render_draft(complaint, Channel.REGULATOR_12315, now=NOW)
    for secret in ("王小明", "13812345678", "北京市朝阳区建国路88号3单元502", "110105199003071239"):
        assert secret in plain.text
    masked = render_draft(complaint, Channel.REGULATOR_12315, now=NOW, masked=True)
    assert "138****5678" in masked.text and "13812345678" not in masked.text
    assert "110***********1239" in masked.text and "110105199003071239" not in masked.text
    assert "北京市朝阳区****" in masked.text and "建国路" not in masked.text
    assert "王小明" in masked.text  # a name is not masked: 12315 needs the real one
    assert "6923456789012345678" in masked.text  # a 19-digit order number is kept
    assert dict(masked.fields)["联系电话"] == "138****5678"


def test_masking_reaches_phone_numbers_typed_into_the_timeline() -> None:
    complaint = milk_powder()
    entry = TimelineEntry(
        at("2026-11-02 09:00"), Event.CONTACTED_SELLER, "商家留的电话 13987654321"
    )
    complaint = replace(complaint, timeline=(*complaint.timeline, entry))
    masked = render_draft(complaint, Channel.HEIMAO, now=NOW, masked=True)
    assert "139****4321" in masked.text and "13987654321" not in masked.text
    assert all("13987654321" not in value for _, value in masked.fields)


@pytest.mark.parametrize("channel", list(Channel))
def test_not_legal_advice_once_where_it_matters(channel: Channel) -> None:
    for language, line in ((Language.ZH, "不构成法律意见"), (Language.EN, "not legal advice")):
        draft = render_draft(milk_powder(), channel, now=NOW, language=language)
        expected = channel in (Channel.MEDIATION, Channel.REGULATOR_12315)
        assert sum(line in note for note in draft.notes) == (1 if expected else 0)
        assert line not in draft.text  # advice for the shopper, never in what is sent
        assert export_text(draft).count(line) == (1 if expected else 0)


THREATS = ("否则", "曝光", "起诉", "后果自负", "otherwise", "expose", "sue ", "or else")


@pytest.mark.parametrize("build", [milk_powder, price_drop, logistics_stall])
def test_tone_has_no_threats(build: object) -> None:
    assert callable(build)
    for language in Language:
        for draft in render_all(build(), now=NOW, language=language).values():
            lowered = export_text(draft).lower()
            assert not [word for word in THREATS if word in lowered]


def test_form_fields_of_12315_and_heimao() -> None:
    drafts = render_all(milk_powder(), now=NOW)
    labels_12315 = [label for label, _ in drafts[Channel.REGULATOR_12315].fields]
    assert labels_12315 == [
        "投诉人姓名", "联系电话", "联系地址", "证件号码", "被投诉人名称", "被投诉人地址", "网店",
        "购买时间", "购买金额", "订单号", "商品名称", "直播间ID", "事实与理由", "投诉请求",
        "证据清单",
    ]  # fmt: skip
    heimao = drafts[Channel.HEIMAO]
    assert [label for label, _ in heimao.fields] == [
        "投诉对象", "投诉问题", "投诉要求", "涉诉金额", "问题描述",
    ]  # fmt: skip
    assert dict(heimao.fields)["涉诉金额"] == "398.00元"
    assert "4378.00元" in dict(heimao.fields)["投诉要求"]
    for draft in (drafts[Channel.REGULATOR_12315], heimao):
        for _, value in draft.fields:
            assert value in draft.text  # the copy-ready block is the text's own wording
    for channel in (Channel.SELLER_CHAT, Channel.PLATFORM_TICKET, Channel.MEDIATION):
        assert drafts[channel].fields == ()


def test_three_elements_in_every_draft() -> None:
    for language in Language:
        for channel, draft in render_all(milk_powder(), now=NOW, language=language).items():
            text = draft.text
            assert (
                "2026年11月1日 09:30" if language == Language.ZH else "2026-11-01 09:30"
            ) in text
            assert ("证据3" if language == Language.ZH else "Evidence 3") in text
            assert ("质检报告" if language == Language.ZH else "Inspection report") in text
            assert ("4378.00元" if language == Language.ZH else "¥4,378.00") in text, channel
            assert ("2026年11月27日24时" if language == Language.ZH else "2026-11-27") in text


def test_missing_required_evidence_is_flagged_and_listed() -> None:
    draft = render_draft(milk_powder(), Channel.PLATFORM_TICKET, now=NOW)
    assert "【待补充：质检报告】（必备，尚未取得）" in draft.text
    assert [m.key for m in draft.missing] == ["evidence:inspection_report"]


def test_low_confidence_rules_are_never_cited_as_law() -> None:
    facts = ComplaintFacts(platform=Platform.DOUYIN, problem_type=ProblemType.OVERSOLD,
                           order_no="6934567890123456789", amount_paid_fen=29900)  # fmt: skip
    (coupon,) = [o for o in propose_demands(facts) if o.rule_id == "oversold_substitute"]
    complaint = Complaint(facts, coupon.with_amount(3000), reply_by=date(2026, 11, 30))
    for channel in (Channel.PLATFORM_TICKET, Channel.REGULATOR_12315):
        draft = render_draft(complaint, channel, now=NOW)
        assert "依据：" not in draft.text
        assert any("可信度：低" in note for note in draft.notes)
    mediation = render_draft(complaint, Channel.MEDIATION, now=NOW)
    assert "说明：此为常见做法，并非法律条文，以平台规则为准。" in mediation.text
    assert "（可信度：低）" in mediation.text


def test_high_confidence_rules_are_cited_with_their_source() -> None:
    draft = render_draft(milk_powder(), Channel.PLATFORM_TICKET, now=NOW)
    assert "（食品安全法 第148条）。" in draft.text
    mediation = render_draft(milk_powder(), Channel.MEDIATION, now=NOW)
    assert "来源：食品安全法 第148条（可信度：高）" in mediation.text


def test_waiting_time_of_a_stalled_parcel() -> None:
    complaint = logistics_stall()
    draft = render_draft(complaint, Channel.PLATFORM_TICKET, now=NOW)
    assert "截至2026年11月20日已6天没有更新" in draft.text
    en = render_draft(complaint, Channel.PLATFORM_TICKET, now=NOW, language="en")
    assert "as of 2026-11-20 it has not moved for 6 days" in en.text
    same_day = replace(complaint.facts, last_tracking_at=datetime(2026, 11, 19, 22, 0, tzinfo=UTC))
    draft = render_draft(replace(complaint, facts=same_day), Channel.PLATFORM_TICKET, now=NOW)
    assert "已4小时没有更新" in draft.text  # 06:00 → 10:00 the same local day
    unknown = replace(complaint.facts, last_tracking_at=None)
    draft = render_draft(replace(complaint, facts=unknown), Channel.PLATFORM_TICKET, now=NOW)
    assert "最后一次物流更新为【请填写：最后一次物流更新时间】。" in draft.text
    assert "last_tracking_at" in [m.key for m in draft.missing]


def test_times_are_shown_in_the_shoppers_zone() -> None:
    complaint = price_drop()  # ordered 2026-11-11 00:30 in Shanghai = 2026-11-10 11:30 in New York
    draft = render_draft(complaint, Channel.PLATFORM_TICKET, now=NOW, tz="America/New_York")
    assert "下单时间：2026年11月10日 11:30" in draft.text


def test_a_date_without_a_time_is_shown_as_a_date() -> None:
    midnight = datetime(2026, 11, 10, 16, 0, tzinfo=UTC)  # 2026-11-11 00:00 in Shanghai
    facts = replace(price_drop().facts, ordered_at=midnight)
    draft = render_draft(replace(price_drop(), facts=facts), Channel.PLATFORM_TICKET, now=NOW)
    assert "下单时间：2026年11月11日\n" in draft.text


def test_reply_deadline_at_a_time_keeps_the_time_even_at_midnight() -> None:
    complaint = replace(price_drop(), reply_by=datetime(2026, 11, 22, 16, 0, tzinfo=UTC))
    draft = render_draft(complaint, Channel.SELLER_CHAT, now=NOW)
    assert "请于2026年11月23日 00:00前答复" in draft.text


def test_now_must_be_aware_and_the_channel_known() -> None:
    with pytest.raises(ValueError):
        render_draft(milk_powder(), Channel.SELLER_CHAT, now=datetime(2026, 11, 20, 10, 0))
    with pytest.raises(ValueError):
        render_draft(milk_powder(), "fax", now=NOW)
    with pytest.raises(ValueError):
        render_draft(milk_powder(), Channel.SELLER_CHAT, now=NOW, language="fr")


# --- never invent a fact ---------------------------------------------------------------------

OPTIONAL_TEXT = ("shop_name", "seller_business_name", "seller_address", "item", "order_no")
PLACEHOLDER = re.compile(r"【请填写：([^】]+)】|\[fill in: ([^\]]+)\]")


@st.composite
def sparse_complaints(draw: st.DrawFn) -> Complaint:
    """A case where any of the usual facts may be unknown."""
    known = draw(st.sets(st.sampled_from(OPTIONAL_TEXT)))
    texts = {name: f"{name.upper()}-VALUE" for name in known}
    facts = ComplaintFacts(
        platform=draw(st.sampled_from(list(Platform))),
        problem_type=draw(st.sampled_from(list(ProblemType))),
        category=draw(st.sampled_from([None, *Category])),
        amount_paid_fen=draw(st.none() | st.integers(1, 10_000_000)),
        ordered_at=draw(st.none() | st.just(at("2026-11-01 10:00"))),
        signed_at=draw(st.none() | st.just(at("2026-11-03 10:00"))),
        **texts,  # type: ignore[arg-type]
    )
    demand = draw(st.sampled_from(propose_demands(facts)))
    person = Complainant(name=draw(st.none() | st.just("NAME-VALUE")))
    return Complaint(
        facts, demand, complainant=person, reply_by=draw(st.none() | st.just(date(2026, 12, 1)))
    )


@settings(max_examples=200, deadline=None)
@given(complaint=sparse_complaints(), channel=st.sampled_from(list(Channel)),
       language=st.sampled_from(list(Language)))  # fmt: skip
def test_unknown_facts_stay_placeholders(
    complaint: Complaint, channel: Channel, language: Language
) -> None:
    draft = render_draft(complaint, channel, now=NOW, language=language)
    texts = [draft.text, *(c.text for c in draft.condensed), *(v for _, v in draft.fields)]
    labels = {m.label for m in draft.missing}
    for text in texts:
        assert "None" not in text
        for found in PLACEHOLDER.finditer(text):
            assert (found.group(1) or found.group(2)) in labels
    facts = complaint.facts
    for key in (m.key for m in draft.missing):
        if key in OPTIONAL_TEXT:
            assert getattr(facts, key) is None
    for name in OPTIONAL_TEXT:
        value = getattr(facts, name)
        if value is not None and name in ("order_no", "item"):
            assert value in draft.text  # what is known is stated, verbatim
    if complaint.reply_by is None:
        assert "reply_by" in [m.key for m in draft.missing]


def test_evidence_without_a_description_asks_what_it_shows() -> None:
    complaint = replace(
        milk_powder(), evidence=(EvidenceEntry(1, "unboxing_video"),), missing_evidence=()
    )
    draft = render_draft(complaint, Channel.SELLER_CHAT, now=NOW)
    assert "证据1：开箱视频——【请填写：证据1证明的内容】（原始时间未知）" in draft.text
    assert [m.key for m in draft.missing] == ["evidence.description:1"]


def test_unclassified_evidence_is_listed_as_other_material() -> None:
    complaint = replace(milk_powder(), evidence=(EvidenceEntry(1, None, "一张截图"),))
    draft = render_draft(complaint, Channel.PLATFORM_TICKET, now=NOW)
    assert "证据1：其他材料——一张截图（原始时间未知）" in draft.text
    assert "证据：证据1其他材料。" in draft.condensed[-1].text


def test_missing_list_follows_the_text() -> None:
    facts = ComplaintFacts(platform=Platform.TAOBAO, problem_type=ProblemType.NOT_AS_DESCRIBED)
    (partial,) = [o for o in propose_demands(facts) if o.rule_id == "partial_refund"]
    draft = render_draft(Complaint(facts, partial), Channel.SELLER_CHAT, now=NOW)
    positions = [
        draft.text.index(f"【请填写：{m.label}】") for m in draft.missing if m.key != "evidence"
    ]
    assert positions == sorted(positions)
    assert [m.key for m in draft.missing] == [
        "order_no", "item", "amount_paid_fen", "timeline", "evidence", "demand.amount", "reply_by",
    ]  # fmt: skip
