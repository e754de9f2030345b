"""A rendered draft: the copy-ready text, its form fields, condensed versions and gaps."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from shopguard.complaints.model import Channel
from shopguard.complaints.text import Missing
from shopguard.taxonomy import Language


class Field(NamedTuple):
    """One copy-ready block for one form field (12315, 黑猫): ``label, value = field``."""

    label: str
    value: str


@dataclass(frozen=True)
class Condensed:
    """The ticket squeezed into a form field of ``limit`` characters (``len(text) <= limit``)."""

    limit: int
    text: str


@dataclass(frozen=True)
class Draft:
    """One channel's draft in one language.

    ``text`` is what the shopper copies and sends; ``notes`` are advice for the shopper only
    (the "not legal advice" line, what a demand needs to hold) and are never part of ``text``;
    ``missing`` lists every placeholder left in the text, in order of appearance.
    """

    channel: Channel
    language: Language
    title: str
    text: str
    fields: tuple[Field, ...] = ()
    condensed: tuple[Condensed, ...] = ()
    missing: tuple[Missing, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def complete(self) -> bool:
        """True when nothing is left to fill in."""
        return not self.missing
