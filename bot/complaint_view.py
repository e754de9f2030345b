"""What the complaint screens say and which buttons they carry (HTML, the shopper's language)."""

from __future__ import annotations

from html import escape

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup

from bot.callbacks import CaseCb, FieldCb
from bot.complaint_callbacks import CpCaseCb, CpDraftCb, CpVersionCb
from bot.i18n import Texts
from bot.keyboard import Keyboard
from bot.keyboards import cancel_button
from bot.render import moment
from shopguard.case_fields import FIELDS
from shopguard.complaints import Channel, DemandOption, Draft, describe_calculation
from shopguard.db.models import ComplaintDraft, ComplaintVersion
from shopguard.money import format_fen
from shopguard.taxonomy import Language

ASKED_HERE = (
    "seller_business_name",
    "seller_address",
    "complainant.name",
    "complainant.phone",
    "complainant.address",
    "demand.amount",
    "reply_by",
)
CASE_FIELD_OF = {"amount_paid_fen": "amount_fen"}


def channels(t: Texts, case_id: int) -> tuple[str, InlineKeyboardMarkup]:
    kb = Keyboard()
    for channel in Channel:
        kb.button(
            text=t(f"complaint.channel.{channel.value}"),
            callback_data=CpCaseCb(action="open", case_id=case_id, channel=channel.value),
        )
    kb.adjust(1)
    kb.row(back_to_case(t, case_id))
    return t("complaint.choose_channel"), kb.as_markup()


def back_to_case(t: Texts, case_id: int) -> InlineKeyboardButton:
    return InlineKeyboardButton(
        text=t("button.back"), callback_data=CaseCb(action="open", case_id=case_id).pack()
    )


def demand_choice(
    t: Texts, draft: ComplaintDraft, options: list[DemandOption]
) -> tuple[str, InlineKeyboardMarkup]:
    assert draft.id is not None
    english = t.language == Language.EN
    lines = [t("complaint.choose_demand")]
    kb = Keyboard()
    for number, option in enumerate(options, start=1):
        title = option.title_en if english else option.title_zh
        if option.amount_fen is not None:
            amount = format_fen(option.amount_fen)
        elif option.formula == "asked":
            amount = t("complaint.amount_asked")
        elif option.formula == "none":
            amount = t("complaint.amount_none")
        else:
            amount = t("complaint.amount_unknown")
        lines.append(f"\n<b>{number}. {escape(title)}</b> — {escape(amount)}")
        calculation = describe_calculation(option, Language(t.language))
        if calculation:
            lines.append(escape(calculation))
        basis = option.basis_en if english else option.basis_zh
        source = option.source_en if english else option.source
        lines.append(escape(t("complaint.basis", basis=basis, source=source)))
        kb.button(
            text=f"{number}. {title}",
            callback_data=CpDraftCb(action="demand", draft_id=draft.id, value=option.rule_id),
        )
    kb.adjust(1)
    kb.row(back_to_case(t, draft.case_id))
    return "\n".join(lines), kb.as_markup()


def question(
    t: Texts, draft: ComplaintDraft, key: str, suggestion: str | None
) -> tuple[str, InlineKeyboardMarkup]:
    assert draft.id is not None
    kb = Keyboard()
    if key == "reply_by":
        if suggestion is not None:
            kb.button(
                text=t("complaint.reply_suggested", at=suggestion),
                callback_data=CpDraftCb(action="reply", draft_id=draft.id, value="suggested"),
            )
        kb.button(
            text=t("complaint.reply_skip"),
            callback_data=CpDraftCb(action="reply", draft_id=draft.id, value="skip"),
        )
    if key in ("problem", "demand"):
        kb.button(
            text=t("complaint.reset"),
            callback_data=CpDraftCb(action="reset", draft_id=draft.id, value=key),
        )
    kb.adjust(1)
    kb.row(cancel_button(t))
    return t(f"complaint.ask.{key}"), kb.as_markup()


def preview_header(
    t: Texts, draft: ComplaintDraft, rendered: Draft, version: ComplaintVersion
) -> str:
    lines = [
        t("complaint.preview", title=escape(rendered.title), version=version.number),
    ]
    if rendered.missing:
        lines.append(t("complaint.missing"))
        lines += [f"• {escape(item.label)}" for item in rendered.missing]
    else:
        lines.append(t("complaint.complete"))
    if rendered.notes:
        lines.append(t("complaint.notes"))
        lines += [f"• {escape(note)}" for note in rendered.notes]
    if draft.masked:
        lines.append(t("complaint.masked_on"))
    return "\n".join(lines)


def preview_keyboard(
    t: Texts, draft: ComplaintDraft, rendered: Draft, versions: int
) -> InlineKeyboardMarkup:
    assert draft.id is not None
    did = draft.id

    def button(label: str, action: str, value: str = "") -> InlineKeyboardButton:
        return InlineKeyboardButton(
            text=label, callback_data=CpDraftCb(action=action, draft_id=did, value=value).pack()
        )

    rows = [[button(t("complaint.b.chat"), "chat"), button(t("complaint.b.txt"), "txt")]]
    if rendered.fields:
        rows.append([button(t("complaint.b.fields"), "fields")])
    if rendered.condensed:
        rows.append([button(t("complaint.b.short"), "short")])
    other = Language.ZH if draft.language == Language.EN else Language.EN
    mask = t("complaint.b.mask_on") if draft.masked else t("complaint.b.mask_off")
    rows.append(
        [
            button(t(f"complaint.b.lang_{other.value}"), "lang", other.value),
            button(mask, "mask", "0" if draft.masked else "1"),
        ]
    )
    rows.append(
        [
            button(t("complaint.b.edit_problem"), "edit", "problem"),
            button(t("complaint.b.edit_demand"), "edit", "demand"),
        ]
    )
    rows.append(
        [
            button(t("complaint.b.demand"), "ask", "demand"),
            button(t("complaint.b.reply"), "ask", "reply_by"),
        ]
    )
    rows.append(
        [
            button(t("complaint.b.regen"), "regen"),
            button(t("complaint.b.versions", count=versions), "versions"),
        ]
    )
    rows += _fill_buttons(t, draft, rendered)
    rows.append([back_to_case(t, draft.case_id)])
    return InlineKeyboardMarkup(inline_keyboard=rows)


def _fill_buttons(
    t: Texts, draft: ComplaintDraft, rendered: Draft
) -> list[list[InlineKeyboardButton]]:
    """One button per missing fact the bot can ask for (evidence and timeline it cannot)."""
    assert draft.id is not None
    rows: list[list[InlineKeyboardButton]] = []
    seen: set[str] = set()
    for item in rendered.missing:
        key = item.key
        if key in seen:
            continue
        seen.add(key)
        label = t("complaint.fill", what=item.label)
        if key in ASKED_HERE:
            data = CpDraftCb(action="ask", draft_id=draft.id, value=key).pack()
        elif CASE_FIELD_OF.get(key, key) in FIELDS:
            data = FieldCb(case_id=draft.case_id, field=CASE_FIELD_OF.get(key, key)).pack()
        else:
            continue
        rows.append([InlineKeyboardButton(text=label, callback_data=data)])
    return rows


def version_list(
    t: Texts, draft: ComplaintDraft, versions: list[ComplaintVersion], tz: str
) -> tuple[str, InlineKeyboardMarkup]:
    assert draft.id is not None
    kb = Keyboard()
    lines = [t("complaint.versions")]
    for version in reversed(versions):
        at = moment(version.created_at, tz, t)
        lines.append(t("complaint.version_line", number=version.number, at=at))
        kb.button(
            text=t("complaint.b.resend", number=version.number),
            callback_data=CpVersionCb(version_id=version.id or 0),
        )
    kb.adjust(2)
    kb.row(
        InlineKeyboardButton(
            text=t("button.back"),
            callback_data=CpDraftCb(action="show", draft_id=draft.id).pack(),
        )
    )
    return "\n".join(lines), kb.as_markup()
