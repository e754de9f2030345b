"""Complaint drafts per case and channel (issue #4): the shopper's choices, stored; the texts
rendered from the case as it is now, kept as numbered versions (the newest is current).

Every read and write is scoped to the owner: another shopper's draft id is :class:`NotFound`.
The complainant profile (name, phone, address) is the shopper's own, reused by every 12315
draft and never passed to another channel (:func:`shopguard.complaints.render_draft`).
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, datetime, time
from typing import Final

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from shopguard.case_fields import clean_text, has_words
from shopguard.cases import get_case
from shopguard.complaint_inputs import case_evidence, case_timeline, complaint_facts
from shopguard.complaints import (
    Channel,
    Complainant,
    Complaint,
    DemandOption,
    Draft,
    propose_demands,
    render_draft,
)
from shopguard.db.models import Case, ComplainantProfile, ComplaintDraft, ComplaintVersion
from shopguard.errors import InputError, NotFound
from shopguard.money import AmountError, parse_amount
from shopguard.taxonomy import Language
from shopguard.timezones import to_local

SELLER_FACTS: Final = {"seller_business_name": 200, "seller_address": 300}
PROFILE_FIELDS: Final = {"name": 100, "phone": 32, "address": 300}
OVERRIDE_MAX: Final = 1000
_PHONE: Final = re.compile(r"\+?[0-9][0-9 -]{5,30}[0-9]")


async def get_profile(session: AsyncSession, user_id: int) -> ComplainantProfile | None:
    return await session.get(ComplainantProfile, user_id)


async def set_profile_field(
    session: AsyncSession, user_id: int, name: str, text: str, now: datetime
) -> ComplainantProfile:
    value = _text(text, PROFILE_FIELDS[name])
    if name == "phone" and not _PHONE.fullmatch(value):
        raise InputError("complaint.bad_phone")
    profile = await get_profile(session, user_id) or ComplainantProfile(
        user_id=user_id, updated_at=now
    )
    setattr(profile, name, value)
    profile.updated_at = now
    session.add(profile)
    await session.flush()
    return profile


async def set_seller_fact(
    session: AsyncSession, user_id: int, case_id: int, name: str, text: str, now: datetime
) -> Case:
    case = await get_case(session, user_id, case_id)
    setattr(case, name, _text(text, SELLER_FACTS[name]))
    case.updated_at = now
    session.add(case)
    await session.flush()
    return case


def _text(text: str, max_length: int) -> str:
    value = clean_text(text)
    if not value:
        raise InputError("empty")
    if len(value) > max_length:
        raise InputError("too_long", max=max_length, length=len(value))
    if not has_words(value):
        raise InputError("no_words")
    return value


# --- drafts ----------------------------------------------------------------------------------


async def open_draft(
    session: AsyncSession, user_id: int, case_id: int, channel: str, now: datetime
) -> ComplaintDraft:
    """The case's draft for ``channel``, created on first use."""
    await get_case(session, user_id, case_id)
    channel = Channel(channel).value
    rows = await session.exec(
        select(ComplaintDraft).where(
            ComplaintDraft.case_id == case_id, ComplaintDraft.channel == channel
        )
    )
    draft = rows.first()
    if draft is None:
        draft = ComplaintDraft(
            user_id=user_id, case_id=case_id, channel=channel, created_at=now, updated_at=now
        )
        session.add(draft)
        await session.flush()
    return draft


async def get_draft(session: AsyncSession, user_id: int, draft_id: int) -> ComplaintDraft:
    draft = await session.get(ComplaintDraft, draft_id)
    if draft is None or draft.user_id != user_id:
        raise NotFound("complaint")
    return draft


async def case_of(session: AsyncSession, draft: ComplaintDraft) -> Case:
    return await get_case(session, draft.user_id, draft.case_id)


async def options(session: AsyncSession, draft: ComplaintDraft) -> list[DemandOption]:
    return propose_demands(await complaint_facts(session, await case_of(session, draft)))


async def chosen_demand(session: AsyncSession, draft: ComplaintDraft) -> DemandOption | None:
    """The demand picked, with the amount named (None: not picked, or no longer fits)."""
    for option in await options(session, draft):
        if option.rule_id == draft.demand_rule:
            if option.formula == "asked" and draft.demand_amount_fen is not None:
                return option.with_amount(draft.demand_amount_fen)
            return option
    return None


def _touch(session: AsyncSession, draft: ComplaintDraft, now: datetime) -> None:
    draft.updated_at = now
    session.add(draft)


async def choose_demand(
    session: AsyncSession, user_id: int, draft_id: int, rule_id: str, now: datetime
) -> ComplaintDraft:
    draft = await get_draft(session, user_id, draft_id)
    if rule_id not in {option.rule_id for option in await options(session, draft)}:
        raise InputError("complaint.no_such_demand")
    draft.demand_rule, draft.demand_amount_fen = rule_id, None
    _touch(session, draft, now)
    return draft


async def set_amount(
    session: AsyncSession, user_id: int, draft_id: int, text: str, now: datetime
) -> ComplaintDraft:
    """The amount the shopper names for a demand that asks for one (a partial refund)."""
    draft = await get_draft(session, user_id, draft_id)
    option = await chosen_demand(session, draft)
    if option is None:
        raise InputError("complaint.no_such_demand")
    try:
        fen = parse_amount(text)
    except AmountError as err:
        raise InputError(f"amount.{err.code}") from err
    option.with_amount(fen)  # raises demand.amount_range
    draft.demand_amount_fen = fen
    _touch(session, draft, now)
    return draft


async def set_reply_by(
    session: AsyncSession, user_id: int, draft_id: int, at: datetime | None, now: datetime
) -> ComplaintDraft:
    """``None`` leaves the deadline open (the draft keeps its placeholder)."""
    draft = await get_draft(session, user_id, draft_id)
    if at is not None and at <= now:
        raise InputError("complaint.reply_past")
    draft.reply_by, draft.reply_by_asked = at, True
    _touch(session, draft, now)
    return draft


async def set_wording(
    session: AsyncSession, user_id: int, draft_id: int, part: str, text: str | None, now: datetime
) -> ComplaintDraft:
    """The shopper's own problem statement or demand sentence; ``None`` goes back to ours."""
    draft = await get_draft(session, user_id, draft_id)
    value = None if text is None else _text(text, OVERRIDE_MAX)
    if part == "problem":
        draft.problem_text = value
    elif part == "demand":
        draft.demand_text = value
    else:
        raise InputError("unknown_field", field=part)
    _touch(session, draft, now)
    return draft


async def set_options(
    session: AsyncSession,
    user_id: int,
    draft_id: int,
    now: datetime,
    *,
    language: str | None = None,
    masked: bool | None = None,
) -> ComplaintDraft:
    draft = await get_draft(session, user_id, draft_id)
    if language is not None:
        draft.language = Language(language).value
    if masked is not None:
        draft.masked = masked
    _touch(session, draft, now)
    return draft


async def next_question(session: AsyncSession, draft: ComplaintDraft) -> str | None:
    """What to ask before the first preview: what this channel needs and the case lacks."""
    if draft.channel == Channel.REGULATOR_12315:
        case = await case_of(session, draft)
        for name in SELLER_FACTS:
            if not getattr(case, name):
                return name
        profile = await get_profile(session, draft.user_id)
        for name in PROFILE_FIELDS:
            if profile is None or not getattr(profile, name):
                return f"complainant.{name}"
    demand = await chosen_demand(session, draft)
    if demand is None:
        return "demand"
    if demand.formula == "asked" and demand.amount_fen is None:
        return "demand.amount"
    if not draft.reply_by_asked:
        return "reply_by"
    return None


# --- rendering and versions ------------------------------------------------------------------


async def complaint(session: AsyncSession, draft: ComplaintDraft, tz: str) -> Complaint:
    case = await case_of(session, draft)
    demand = await chosen_demand(session, draft)
    if demand is None:
        raise InputError("complaint.no_such_demand")
    if draft.demand_text:
        own = draft.demand_text.replace("{", "{{").replace("}", "}}").rstrip("。.")
        demand = replace(demand, ask_zh=own, ask_en=own)
    evidence, missing = await case_evidence(session, case)
    profile = await get_profile(session, draft.user_id)
    person = (
        Complainant(profile.name, profile.phone, profile.address)
        if profile is not None and draft.channel == Channel.REGULATOR_12315
        else Complainant()
    )
    return Complaint(
        facts=await complaint_facts(session, case),
        demand=demand,
        timeline=await case_timeline(session, case, Language(draft.language)),
        evidence=evidence,
        missing_evidence=missing,
        complainant=person,
        reply_by=_reply_by(draft.reply_by, tz),
        statement=draft.problem_text,
    )


def _reply_by(at: datetime | None, tz: str) -> datetime | date | None:
    """A deadline typed as a bare date (local midnight) means the end of that day."""
    if at is None:
        return None
    local = to_local(at, tz)
    return local.date() if local.time() == time(0, 0) else at


async def render(
    session: AsyncSession, draft: ComplaintDraft, now: datetime, tz: str, *, masked: bool = False
) -> Draft:
    return render_draft(
        await complaint(session, draft, tz),
        draft.channel,
        now=now,
        language=draft.language,
        tz=tz,
        masked=masked,
    )


async def versions(session: AsyncSession, user_id: int, draft_id: int) -> list[ComplaintVersion]:
    """Oldest first; the last is the current text."""
    await get_draft(session, user_id, draft_id)
    rows = await session.exec(
        select(ComplaintVersion)
        .where(ComplaintVersion.draft_id == draft_id, ComplaintVersion.user_id == user_id)
        .order_by(col(ComplaintVersion.number))
    )
    return list(rows.all())


async def get_version(session: AsyncSession, user_id: int, version_id: int) -> ComplaintVersion:
    version = await session.get(ComplaintVersion, version_id)
    if version is None or version.user_id != user_id:
        raise NotFound("complaint")
    return version


async def refresh(
    session: AsyncSession, user_id: int, draft_id: int, now: datetime, tz: str
) -> tuple[ComplaintDraft, Draft, ComplaintVersion]:
    """Render the draft from the case as it is now; a text that changed becomes a new version."""
    draft = await get_draft(session, user_id, draft_id)
    rendered = await render(session, draft, now, tz)
    latest = (
        await session.exec(
            select(ComplaintVersion)
            .where(ComplaintVersion.draft_id == draft_id)
            .order_by(col(ComplaintVersion.number).desc())
            .limit(1)
        )
    ).first()
    if latest is not None and latest.text == rendered.text:
        return draft, rendered, latest
    count = (
        await session.exec(
            select(func.count())
            .select_from(ComplaintVersion)
            .where(ComplaintVersion.draft_id == draft_id)
        )
    ).one()
    version = ComplaintVersion(
        draft_id=draft_id,
        user_id=user_id,
        number=count + 1,
        language=draft.language,
        text=rendered.text,
        created_at=now,
    )
    session.add(version)
    await session.flush()
    return draft, rendered, version
