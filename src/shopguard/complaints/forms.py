"""Form length limits per platform (``rules/complaint_forms.toml``), checked when read."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Final

from shopguard.complaints.condense import MIN_LIMIT
from shopguard.deadlines.rules import RULES_DIR, RulesError
from shopguard.taxonomy import Platform

FORMS_FILE: Final = "complaint_forms.toml"
_KEYS: Final = {"ticket_limits", "source", "confidence"}


@dataclass(frozen=True)
class FormLimits:
    ticket_limits: tuple[int, ...]
    source: str
    confidence: str


@dataclass(frozen=True)
class FormsConfig:
    default: FormLimits
    platforms: dict[str, FormLimits]

    def for_platform(self, platform: str) -> FormLimits:
        return self.platforms.get(platform, self.default)


def read_forms_file(path: Path) -> FormsConfig:
    try:
        data: dict[str, Any] = tomllib.loads(path.read_text("utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise RulesError(f"{path.name}: cannot read: {exc}") from exc
    unknown = sorted(set(data) - {"default", "platform"})
    if unknown:
        raise RulesError(f"{path.name}: unknown top-level keys {unknown}")
    if "default" not in data:
        raise RulesError(f"{path.name}: needs a [default] table")
    default = _limits(data["default"], f"{path.name}: [default]")
    platforms: dict[str, FormLimits] = {}
    raw_platforms = data.get("platform", {})
    if not isinstance(raw_platforms, dict):
        raise RulesError(f"{path.name}: platform must be tables ([platform.<id>])")
    for name, raw in raw_platforms.items():
        where = f"{path.name}: [platform.{name}]"
        if name not in Platform._value2member_map_:
            raise RulesError(f"{where}: unknown platform (known: {[p.value for p in Platform]})")
        platforms[name] = _limits(raw, where)
    return FormsConfig(default, platforms)


def _limits(raw: object, where: str) -> FormLimits:
    if not isinstance(raw, dict):
        raise RulesError(f"{where}: must be a table")
    unknown = sorted(set(raw) - _KEYS)
    missing = sorted(_KEYS - set(raw))
    if unknown or missing:
        raise RulesError(f"{where}: unknown keys {unknown}, missing keys {missing}")
    limits = raw["ticket_limits"]
    if (
        not isinstance(limits, list)
        or not limits
        or not all(isinstance(n, int) and not isinstance(n, bool) for n in limits)
        or any(n < MIN_LIMIT for n in limits)
        or len(set(limits)) != len(limits)
    ):
        raise RulesError(
            f"{where}: ticket_limits must be distinct whole numbers of at least {MIN_LIMIT}, "
            f"not {limits!r}"
        )
    source, confidence = raw["source"], raw["confidence"]
    if not isinstance(source, str) or not source.strip():
        raise RulesError(f"{where}: source must be a non-empty string")
    if confidence not in ("high", "medium", "low"):
        raise RulesError(f"{where}: confidence must be high, medium or low, not {confidence!r}")
    return FormLimits(tuple(sorted(limits)), source, confidence)


@cache
def load_forms() -> FormsConfig:
    return read_forms_file(RULES_DIR / FORMS_FILE)


def ticket_limits(platform: str) -> FormLimits:
    """The packaged limits for ``platform``'s ticket form (the default when it has none)."""
    return load_forms().for_platform(platform)
