"""Reason codes + parameters → zh / en text, in the shopper's time zone.

Moments show as local "YYYY-MM-DD HH:MM" (a period that ends at local midnight shows as
"24:00" of the day before, as the law counts it); ``*_fen`` parameters show as yuan; values
with a label in ``[labels]`` (12315, 消协, court …) show by that label. A low-confidence reason
gets the "typical" words appended, so it is never read as law.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from shopguard.deadlines.rules import Confidence
from shopguard.escalation.advice import ParamValue, Reason, ReasonCode
from shopguard.escalation.data import EscalationData
from shopguard.money import format_fen

LABELLED = ("body", "outcome", "forum")


def make_reason(
    data: EscalationData,
    code: ReasonCode,
    params: Mapping[str, ParamValue],
    zone: ZoneInfo,
    *,
    rule_id: str | None = None,
    rule_source: str | None = None,
    rule_confidence: Confidence | None = None,
) -> Reason:
    """The reason ``code`` with its text; a rule's source and confidence win over the entry's.

    Raises ``ValueError`` when ``params`` are not exactly the entry's declared parameters plus
    optional extras (the tests call every code, so a mismatch cannot reach a shopper).
    """
    spec = data.reasons[code]
    if missing := sorted(set(spec.params) - set(params)):
        raise ValueError(f"reason {code.value}: missing params {missing}")
    confidence = rule_confidence or spec.confidence
    typical = confidence == "low"
    zh = _fill(spec.zh, params, zone, data, 0)
    en = _fill(spec.en, params, zone, data, 1)
    if typical:
        zh = zh.rstrip("。") + data.typical_zh + "。"
        en = en.rstrip(".") + data.typical_en + "."
    return Reason(
        code=code,
        params=dict(params),
        rule_id=rule_id,
        typical=typical,
        text_zh=zh,
        text_en=en,
        source=rule_source or spec.source,
        confidence=confidence,
    )


def local_text(moment: datetime, zone: ZoneInfo) -> str:
    """``2026-03-05 10:00``; local midnight shows as ``24:00`` of the day before."""
    local = moment.astimezone(zone)
    if local.time() == time(0):
        return f"{(local - timedelta(days=1)).date().isoformat()} 24:00"
    return local.strftime("%Y-%m-%d %H:%M")


def _fill(
    template: str, params: Mapping[str, ParamValue], zone: ZoneInfo, data: EscalationData, i: int
) -> str:
    shown: dict[str, str] = {}
    for key, value in params.items():
        if isinstance(value, datetime):
            shown[key] = local_text(value, zone)
        elif key.endswith("_fen") and isinstance(value, int):
            shown[key] = format_fen(value)
        elif key in LABELLED and str(value) in data.labels:
            shown[key] = data.labels[str(value)][i]
        else:
            shown[key] = str(value)
    return template.format(**shown)
