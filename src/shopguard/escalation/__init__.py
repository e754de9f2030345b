"""Escalation advisor (issue #6): the next step, why, what to prepare, where, and when.

Pure core code over frozen dataclasses: the UI builds an :class:`AdvisorCase` from the case,
a timeline of :class:`TimelineEntry` and an :class:`EvidenceCoverage` from the evidence
locker, and calls :func:`advise` with the clock's ``now`` and the shopper's zone. The ladder,
its conditions and every text are data (``rules/escalation.toml``); the windows come from the
deadline rules; where to go on each platform is :func:`channel_guide`
(``rules/channel_guide.toml``).
"""

from __future__ import annotations

from shopguard.escalation.advice import (
    ActBy,
    Advice,
    AdvisorCase,
    EvidenceCoverage,
    MissingEvidence,
    ParamValue,
    PrepItem,
    Reason,
    ReasonCode,
    ResolutionSummary,
    SourceRef,
)
from shopguard.escalation.advisor import advise
from shopguard.escalation.data import EscalationDataError, load_escalation
from shopguard.escalation.guide import Guide, GuideError, GuideItem, channel_guide, load_guide
from shopguard.escalation.steps import LADDER_STEPS, Action, DraftChannel, Step
from shopguard.escalation.timeline import (
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

__all__ = [
    "LADDER_STEPS",
    "ActBy",
    "Action",
    "Advice",
    "AdvisorCase",
    "AfterSalesType",
    "ContactChannel",
    "DraftChannel",
    "EntryKind",
    "EscalationDataError",
    "EvidenceCoverage",
    "Forum",
    "Guide",
    "GuideError",
    "GuideItem",
    "MissingEvidence",
    "ParamValue",
    "PrepItem",
    "Reason",
    "ReasonCode",
    "RegulatorBody",
    "RegulatorOutcome",
    "ResolutionSummary",
    "ResolvedOutcome",
    "Ruling",
    "SellerResponse",
    "SourceRef",
    "Step",
    "TimelineEntry",
    "advise",
    "channel_guide",
    "facts_from_timeline",
    "load_escalation",
    "load_guide",
]
