"""Rendering a complaint for a channel, in Chinese or English (the use-case entry point)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from zoneinfo import ZoneInfo

from shopguard.complaints import labels as L
from shopguard.complaints.channels import RENDERERS
from shopguard.complaints.condense import condense
from shopguard.complaints.demand_text import demand_notes
from shopguard.complaints.draft import Condensed, Draft, Field
from shopguard.complaints.forms import ticket_limits
from shopguard.complaints.masking import mask, mask_address, mask_id_number, mask_phone
from shopguard.complaints.model import Channel, Complainant, Complaint
from shopguard.complaints.sections import Context
from shopguard.complaints.text import Filler, blank
from shopguard.taxonomy import DEFAULT_TIMEZONE, Language

_NOT_LEGAL_ADVICE = (
    "本草稿根据你提供的信息整理，仅供参考，不构成法律意见。",
    "This draft is put together from what you told ShopGuard; it is not legal advice.",
)
_ONE_MEDIATOR = (
    "12315和消协只选一个：同一纠纷不要两处同时投诉，也不要在法院或仲裁已受理后再投诉。",
    "Choose 12315 or the consumer association (消协), not both, and not once a court or "
    "arbitration handles the same dispute.",
)
_FORM_LIMITS = (
    "精简版按常见的表单字数上限（{limits}字，未经确认）生成，请以表单的实际限制为准。",
    "The condensed versions use typical form limits ({limits} characters, unconfirmed): "
    "check the form's real limit.",
)


def render_draft(
    complaint: Complaint,
    channel: Channel | str,
    *,
    now: datetime,
    language: Language | str = Language.ZH,
    tz: str = DEFAULT_TIMEZONE,
    masked: bool = False,
    limits: Sequence[int] | None = None,
) -> Draft:
    """The draft of ``complaint`` for ``channel``.

    ``now`` (aware) dates the draft and measures waiting times (a stalled parcel); ``tz`` is
    the shopper's zone for every date shown; ``masked`` masks the complainant's phone, ID
    number and address (and any phone or ID number in the text) for an export to share;
    ``limits`` overrides the platform's ticket form limits (``rules/complaint_forms.toml``).
    """
    if now.utcoffset() is None:
        raise ValueError("now must be an aware datetime")
    channel, language = Channel(channel), Language(language)
    if masked:
        complaint = replace(complaint, complainant=_masked(complaint.complainant))
    if channel != Channel.REGULATOR_12315:
        complaint = replace(complaint, complainant=Complainant())  # never leaves 12315
    ctx = Context(complaint, Filler(language, ZoneInfo(tz)), now)
    text, fields = RENDERERS[channel](ctx)
    demand_notes(ctx)
    condensed: list[Condensed] = []
    if channel == Channel.PLATFORM_TICKET:
        condensed = _condensed(ctx, limits)
    if channel in (Channel.MEDIATION, Channel.REGULATOR_12315):
        ctx.notes.insert(0, L.pick(_NOT_LEGAL_ADVICE, language))
    if channel == Channel.REGULATOR_12315:
        ctx.notes.append(L.pick(_ONE_MEDIATOR, language))
    draft = Draft(
        channel=channel,
        language=language,
        title=L.label(L.CHANNELS, channel, language),
        text=text,
        fields=tuple(fields),
        condensed=tuple(condensed),
        missing=tuple(ctx.fill.missing),
        notes=tuple(ctx.notes),
    )
    return _mask_draft(draft, complaint) if masked else draft


def render_all(
    complaint: Complaint,
    *,
    now: datetime,
    language: Language | str = Language.ZH,
    tz: str = DEFAULT_TIMEZONE,
    masked: bool = False,
) -> dict[Channel, Draft]:
    """Every channel's draft, in escalation order (seller → platform → 12315 → 黑猫)."""
    return {
        channel: render_draft(complaint, channel, now=now, language=language, tz=tz, masked=masked)
        for channel in Channel
    }


def _condensed(ctx: Context, limits: Sequence[int] | None) -> list[Condensed]:
    if limits is None:
        form = ticket_limits(ctx.complaint.facts.platform)
        limits = form.ticket_limits
        if form.confidence == "low":
            shown = "/".join(str(n) for n in limits)
            ctx.notes.append(
                L.pick(_FORM_LIMITS, ctx.lang).format(limits=shown, source=form.source)
            )
    return [Condensed(limit, condense(ctx, limit)) for limit in sorted(set(limits))]


def _masked(person: Complainant) -> Complainant:
    return Complainant(
        name=person.name,
        phone=None if blank(person.phone) else mask_phone(person.phone or ""),
        address=None if blank(person.address) else mask_address(person.address or ""),
        id_number=None if blank(person.id_number) else mask_id_number(person.id_number or ""),
    )


def _mask_draft(draft: Draft, complaint: Complaint) -> Draft:
    """Phone and ID numbers typed into free text are masked too; case codes are kept."""
    facts = complaint.facts
    keep = [v for v in (facts.order_no, facts.waybill_no, facts.live_room_id, facts.sku) if v]

    def hide(text: str) -> str:
        return mask(text, keep=keep)

    return replace(
        draft,
        text=hide(draft.text),
        fields=tuple(Field(f.label, hide(f.value)) for f in draft.fields),
        condensed=tuple(Condensed(c.limit, hide(c.text)) for c in draft.condensed),
    )
