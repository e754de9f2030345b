"""Locale catalogs: both languages have the same keys and placeholders; every label exists."""

from __future__ import annotations

import string

import pytest

from bot.i18n import catalog, texts
from shopguard.case_fields import FIELDS
from shopguard.taxonomy import CaseStatus, Category, Language, Platform, ProblemType


def _placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_zh_and_en_have_the_same_keys_and_placeholders() -> None:
    zh, en = catalog(Language.ZH), catalog(Language.EN)
    assert set(zh) == set(en)
    for key in zh:
        assert _placeholders(zh[key]) == _placeholders(en[key]), key


@pytest.mark.parametrize("language", list(Language))
def test_every_enum_value_and_field_has_a_label(language: Language) -> None:
    t = texts(language)
    groups = {
        "platform": Platform,
        "category": Category,
        "problem_type": ProblemType,
        "status": CaseStatus,
    }
    for group, enum in groups.items():
        for member in enum:
            assert t.has(f"{group}.{member.value}"), (group, member)
    for name, field in FIELDS.items():
        assert t.has(f"field.{name}")
        if field.kind != "choice":
            assert t.has(f"prompt.{name}"), name
