"""``rules/escalation.toml`` is well-formed, complete and sourced; a broken copy fails by name."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from shopguard.escalation import LADDER_STEPS, ReasonCode, Step, load_escalation
from shopguard.escalation.data import ESCALATION_FILE, EscalationDataError, load_escalation_from
from shopguard.escalation.render import make_reason

SAMPLE = {
    "rule": "seller_reply",
    "window_hours": 48,
    "window_days": 7,
    "started_at": datetime(2026, 3, 3, 2, 0, tzinfo=UTC),
    "ends_at": datetime(2026, 3, 5, 2, 0, tzinfo=UTC),
    "ended_at": datetime(2026, 3, 5, 2, 0, tzinfo=UTC),
    "elapsed_hours": 52,
    "replied_at": datetime(2026, 3, 3, 6, 0, tzinfo=UTC),
    "ruled_at": datetime(2026, 3, 7, 8, 0, tzinfo=UTC),
    "closed_at": datetime(2026, 3, 12, 2, 0, tzinfo=UTC),
    "resolved_at": datetime(2026, 3, 8, 12, 0, tzinfo=UTC),
    "knew_at": datetime(2023, 3, 1, 2, 0, tzinfo=UTC),
    "at": datetime(2026, 3, 3, 3, 0, tzinfo=UTC),
    "offer_fen": 10000,
    "amount_recovered_fen": 20000,
    "days_taken": 5,
    "body": "consumer_association",
    "outcome": "no_agreement",
    "forum": "arbitration",
}


def test_every_step_and_reason_has_an_entry() -> None:
    data = load_escalation()
    assert set(data.steps) == set(LADDER_STEPS)
    assert set(data.reasons) == set(ReasonCode)


def test_the_ladder_climbs() -> None:
    data = load_escalation()
    order = [Step.SELF_SERVICE, Step.SELLER, Step.PLATFORM_TICKET, Step.PLATFORM_INTERVENTION]
    order += [Step.REGULATOR_12315, Step.BEYOND]
    walk: list[Step] = [Step.SELF_SERVICE]
    while (following := data.step(walk[-1]).next) is not None:
        walk.append(following)
    assert walk == order
    assert data.step(Step.CONSUMER_ASSOCIATION).next is Step.BEYOND
    assert data.step(Step.CONSUMER_ASSOCIATION).rung == data.step(Step.REGULATOR_12315).rung
    assert [data.step(s).rung for s in order] == [0, 1, 2, 3, 4, 5]


def test_escalation_conditions_are_the_documented_ones() -> None:
    data = load_escalation()
    assert data.step(Step.SELLER).escalate_on == {
        ReasonCode.SELLER_WINDOW_ELAPSED,
        ReasonCode.SELLER_PARTIAL_OFFER,
        ReasonCode.SELLER_REFUSED,
        ReasonCode.SELLER_STALLING,
    }
    assert data.step(Step.PLATFORM_INTERVENTION).escalate_on == {
        ReasonCode.INTERVENTION_STALLED,
        ReasonCode.RULED_AGAINST,
        ReasonCode.RULED_PARTIAL,
    }
    assert data.reasons[ReasonCode.TRACKING_STALLED].leads_to is Step.PLATFORM_TICKET
    assert data.reasons[ReasonCode.JD_INTERVENTION_LIMIT_PASSED].leads_to is Step.REGULATOR_12315
    assert data.step(Step.PLATFORM_INTERVENTION).stall_rule == "ticket_reply"
    assert data.association_days == 30 and data.association.confidence == "low"


def test_everything_is_sourced() -> None:
    data = load_escalation()
    specs = [*data.steps.values(), *data.reasons.values(), *data.prepare.values()]
    specs += [*data.shortcuts]
    for spec in specs:
        assert spec.source.strip(), spec
        assert spec.confidence in ("high", "medium", "low"), spec


def test_no_window_length_is_repeated_here() -> None:
    """Windows come from the deadline rules: no reason text holds a number of hours or days."""
    data = load_escalation()
    for spec in data.reasons.values():
        for text in (spec.zh, spec.en):
            for unit in ("48", "72", "24 h", "15 days", "7 working"):
                assert unit not in text, (spec.code, text)


@pytest.mark.parametrize("code", list(ReasonCode))
def test_every_reason_renders_in_both_languages(code: ReasonCode) -> None:
    data = load_escalation()
    params = {name: SAMPLE[name] for name in data.reasons[code].params}
    reason = make_reason(data, code, params, ZoneInfo("Asia/Shanghai"))
    for text in (reason.text_zh, reason.text_en):
        assert text and "{" not in text and "}" not in text
    assert reason.typical == (data.reasons[code].confidence == "low")
    if reason.typical:
        assert reason.text_en.endswith("(typical, not law — check the app).")
        assert reason.text_zh.endswith("（常见时限，非法定，请以App内显示为准）。")


def test_labels_render_in_texts() -> None:
    data = load_escalation()
    params = {"body": "consumer_association", "outcome": "no_agreement", "closed_at": SAMPLE["at"]}
    reason = make_reason(data, ReasonCode.REGULATOR_CLOSED, params, ZoneInfo("Asia/Shanghai"))
    assert reason.text_zh == "消协在2026-03-03 11:00结案：调解未达成协议。"
    assert reason.text_en == (
        "the consumer association (消协) closed the complaint on 2026-03-03 11:00: "
        "mediation ended without agreement."
    )


def test_missing_params_are_refused() -> None:
    with pytest.raises(ValueError, match=r"missing params \['elapsed_hours'"):
        make_reason(
            load_escalation(),
            ReasonCode.SELLER_WINDOW_ELAPSED,
            {"rule": "seller_reply", "window_hours": 48, "started_at": SAMPLE["at"]},
            ZoneInfo("Asia/Shanghai"),
        )


# --- a broken copy of the file fails, naming the entry ----------------------------------------


def broken(tmp_path: Path, old: str, new: str) -> Path:
    text = ESCALATION_FILE.read_text("utf-8")
    assert old in text, old
    path = tmp_path / "escalation.toml"
    path.write_text(text.replace(old, new, 1), "utf-8")
    return path


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            'id = "seller"\nrung = 1\nnext = "platform_ticket"',
            'id = "seller"\nrung = 1\nnext = "self_service"',
            "next must be higher",
        ),
        ('code = "seller_refused"', 'code = "seller_refusd"', "code must be one of"),
        (
            'params = ["replied_at"]\nzh = "商家在{replied_at}拒绝',
            'params = []\nzh = "商家在{replied_at}拒绝',
            "undeclared params",
        ),
        ('prepare = ["seller_message"]', 'prepare = ["seller_mesage"]', "unknown prepare ids"),
        ('stall_rule = "ticket_reply"', 'stall_rule = "ticket_replies"', "not a deadline rule"),
        (
            'evidence_recommended = ["inspection_report"]',
            'evidence_recommended = ["x_ray"]',
            "unknown values",
        ),
        (
            'escalate_on = ["intervention_stalled",',
            'escalate_on = ["intervention_stall",',
            "unknown values",
        ),
        (
            'confidence = "low"\n\n# --- the ladder',
            'confidence = "sure"\n\n# --- the ladder',
            "confidence must be",
        ),
        (
            "[association]\ntypical_days = 30",
            "[association]\ntypical_days = 0",
            "positive whole number",
        ),
        ('code = "both_regulators"', 'code = "seller_refused"', "defined twice"),
        ("\n[texts]\n", "\n[textz]\n", "unknown top-level keys"),
    ],
)
def test_broken_file_is_named(tmp_path: Path, old: str, new: str, message: str) -> None:
    with pytest.raises(EscalationDataError, match=message):
        load_escalation_from(broken(tmp_path, old, new))


def test_unreadable_file(tmp_path: Path) -> None:
    path = tmp_path / "escalation.toml"
    path.write_text("[[step]\n", "utf-8")
    with pytest.raises(EscalationDataError, match=r"escalation\.toml: cannot read"):
        load_escalation_from(path)


def test_a_reason_without_an_entry_is_caught(tmp_path: Path) -> None:
    text = ESCALATION_FILE.read_text("utf-8")
    start = text.index('[[reason]]\ncode = "both_regulators"')
    path = tmp_path / "escalation.toml"
    path.write_text(text[:start], "utf-8")
    with pytest.raises(EscalationDataError, match=r"no \[\[reason\]\] for \['both_regulators'\]"):
        load_escalation_from(path)
