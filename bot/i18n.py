"""Locale catalogs (TOML files in ``bot/locales``): every word the shopper reads comes from here."""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path
from typing import Any

from shopguard.taxonomy import Language

LOCALES = Path(__file__).with_name("locales")


def _flatten(table: dict[str, Any], prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in table.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{name}."))
        else:
            flat[name] = str(value)
    return flat


@cache
def catalog(language: Language) -> dict[str, str]:
    with (LOCALES / f"{language.value}.toml").open("rb") as fh:
        return _flatten(tomllib.load(fh))


class Texts:
    """The catalog of one language; a missing key falls back to Chinese, then to the key."""

    def __init__(self, language: Language) -> None:
        self.language = language
        self._own = catalog(language)
        self._fallback = catalog(Language.ZH)

    def __call__(self, key: str, **params: Any) -> str:
        template = self._own.get(key) or self._fallback.get(key)
        if template is None:
            return key
        return template.format(**params) if params else template

    def has(self, key: str) -> bool:
        return key in self._own or key in self._fallback

    def label(self, group: str, value: str | None) -> str:
        if value is None:
            return self("card.unset")
        key = f"{group}.{value}"
        return self(key) if self.has(key) else value


@cache
def texts(language: Language) -> Texts:
    return Texts(language)
