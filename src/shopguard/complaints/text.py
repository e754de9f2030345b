"""Small pieces every draft is made of: money, moments, placeholders and the missing list.

A :class:`Filler` renders one draft: each fact goes through :meth:`Filler.fact`, which returns
the value, or a visible placeholder (【请填写：商家名称】 / [fill in: seller's business name])
and records the fact in the draft's missing list — so nothing unknown is ever guessed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from shopguard.money import format_fen, format_fen_yuan
from shopguard.taxonomy import Language


@dataclass(frozen=True)
class Missing:
    """Something the draft still needs: ``key`` for the program, ``label`` for the shopper.

    Keys: a ``ComplaintFacts`` field (``"order_no"``), ``"complainant.<field>"``,
    ``"reply_by"``, ``"demand.amount"``, ``"timeline"``, ``"evidence:<kind or item id>"``
    (required evidence not yet held) or ``"evidence.description:<number>"``.
    """

    key: str
    label: str


def money(fen: int, language: Language) -> str:
    """``398.00元`` in Chinese drafts (the form complaint letters use), ``¥398.00`` in English."""
    return format_fen_yuan(fen) if language == Language.ZH else format_fen(fen)


def placeholder(label: str, language: Language) -> str:
    return f"【请填写：{label}】" if language == Language.ZH else f"[fill in: {label}]"


def evidence_placeholder(label: str, language: Language) -> str:
    return f"【待补充：{label}】" if language == Language.ZH else f"[still to get: {label}]"


def blank(value: str | None) -> bool:
    return value is None or not value.strip()


@dataclass
class Filler:
    """Renders the facts of one draft and collects what is missing, in order, once each."""

    language: Language
    zone: ZoneInfo
    missing: list[Missing] = field(default_factory=list)

    @property
    def zh(self) -> bool:
        return self.language == Language.ZH

    def note_missing(self, key: str, label: str) -> None:
        if all(item.key != key for item in self.missing):
            self.missing.append(Missing(key, label))

    def hole(self, key: str, label: str) -> str:
        self.note_missing(key, label)
        return placeholder(label, self.language)

    def fact(self, key: str, value: str | None, label: str) -> str:
        """``value`` stripped, or the placeholder for ``label`` (and ``key`` noted missing)."""
        if value is None or blank(value):
            return self.hole(key, label)
        return value.strip()

    def amount(self, key: str, fen: int | None, label: str) -> str:
        return self.hole(key, label) if fen is None else money(fen, self.language)

    def moment(self, key: str, at: datetime | None, label: str) -> str:
        return self.hole(key, label) if at is None else self.when(at)

    def when(self, at: datetime) -> str:
        """Local date and time; a moment at local midnight is a date typed without a time."""
        local = at.astimezone(self.zone)
        day = self.day(local.date())
        if local.time() == time(0):
            return day
        return f"{day} {local:%H:%M}"

    def day(self, day: date) -> str:
        return f"{day.year}年{day.month}月{day.day}日" if self.zh else day.isoformat()

    def deadline(self, key: str, value: datetime | date | None, label: str) -> str:
        """A reply deadline: a date means the end of that day."""
        if value is None:
            return self.hole(key, label)
        if isinstance(value, datetime):
            local = value.astimezone(self.zone)
            return f"{self.day(local.date())} {local:%H:%M}"
        return f"{self.day(value)}24时" if self.zh else f"the end of {value.isoformat()}"
