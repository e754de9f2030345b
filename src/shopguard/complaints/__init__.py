"""Complaint drafts per channel, with the three elements (三要素) and exact compensation.

Pure functions over plain dataclasses (no database, no Telegram): the caller gathers the
facts (:class:`ComplaintFacts`), the timeline, the numbered evidence and the complainant,
picks one of :func:`propose_demands`' options, and renders it for a :class:`Channel` with
:func:`render_draft`. Modules, from the bottom up: ``options`` and ``model`` (the inputs),
``compensation`` (the demand rules as data), ``demands`` (the arithmetic), ``text`` and
``labels`` (the words), ``sections`` and ``demand_text`` (the three elements), ``channels``
and ``condense`` (the drafts), ``render`` (the entry point), ``masking`` and ``export``
(getting a draft out).
"""

from __future__ import annotations

from shopguard.complaints.compensation import DemandRule, load_compensation_rules
from shopguard.complaints.condense import MIN_LIMIT
from shopguard.complaints.demands import (
    ExcludedDemand,
    describe_calculation,
    excluded_demands,
    parse_promise,
    propose_demands,
    suggest_reply_by,
)
from shopguard.complaints.draft import Condensed, Draft, Field
from shopguard.complaints.export import (
    CHAT_LIMIT,
    chat_messages,
    export_filename,
    export_text,
    split_for_chat,
)
from shopguard.complaints.forms import ticket_limits
from shopguard.complaints.masking import mask, mask_address, mask_id_number, mask_phone
from shopguard.complaints.model import (
    Channel,
    Complainant,
    Complaint,
    ComplaintFacts,
    Event,
    EvidenceEntry,
    ShopPromise,
    TimelineEntry,
)
from shopguard.complaints.options import Calculation, DemandKind, DemandOption
from shopguard.complaints.render import render_all, render_draft
from shopguard.complaints.text import Missing

__all__ = [
    "CHAT_LIMIT",
    "MIN_LIMIT",
    "Calculation",
    "Channel",
    "Complainant",
    "Complaint",
    "ComplaintFacts",
    "Condensed",
    "DemandKind",
    "DemandOption",
    "DemandRule",
    "Draft",
    "Event",
    "EvidenceEntry",
    "ExcludedDemand",
    "Field",
    "Missing",
    "ShopPromise",
    "TimelineEntry",
    "chat_messages",
    "describe_calculation",
    "excluded_demands",
    "export_filename",
    "export_text",
    "load_compensation_rules",
    "mask",
    "mask_address",
    "mask_id_number",
    "mask_phone",
    "parse_promise",
    "propose_demands",
    "render_all",
    "render_draft",
    "split_for_chat",
    "suggest_reply_by",
    "ticket_limits",
]
