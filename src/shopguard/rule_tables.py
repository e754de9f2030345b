"""Typed reads of the rule files' TOML tables (deadlines, escalation, the platforms' guide).

Every failure names the file, the entry and the key, and is raised as the loader's own error
type (``TableReader.error`` in a subclass), so a broken rule file stops the start-up with a
message that says exactly what to fix.
"""

from __future__ import annotations

from typing import Any, NoReturn, TypeVar

_T = TypeVar("_T", bound=str)


class TableReader:
    error: type[Exception] = ValueError

    def __init__(self, raw: dict[str, Any], where: str) -> None:
        self.raw = raw
        self.where = where

    def fail(self, problem: str) -> NoReturn:
        raise self.error(f"{self.where}: {problem}")

    def _bad(self, key: str, expected: str) -> Exception:
        return self.error(f"{self.where}: {key} must be {expected}, not {self.raw.get(key)!r}")

    def only(self, allowed: set[str]) -> None:
        if unknown := sorted(set(self.raw) - allowed):
            self.fail(f"unknown keys {unknown}")

    def text(self, key: str) -> str:
        value = self.raw.get(key)
        if not isinstance(value, str) or not value.strip():
            raise self._bad(key, "a non-empty string")
        return value

    def optional_text(self, key: str) -> str | None:
        return self.text(key) if key in self.raw else None

    def texts(self, key: str) -> tuple[str, ...]:
        value = self.raw.get(key)
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise self._bad(key, "a list of strings")
        if len(set(value)) != len(value):
            self.fail(f"{key}: duplicate values")
        return tuple(value)

    def flag(self, key: str, default: bool | None = None) -> bool:
        if key not in self.raw and default is not None:
            return default
        value = self.raw.get(key)
        if not isinstance(value, bool):
            raise self._bad(key, "true or false")
        return value

    def whole(self, key: str) -> int:
        value = self.raw.get(key)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise self._bad(key, "a whole number")
        return value

    def positive(self, key: str) -> int:
        value = self.whole(key)
        if value == 0:
            raise self._bad(key, "a positive whole number")
        return value

    def choice(self, key: str, allowed: tuple[_T, ...]) -> _T:
        value = self.raw.get(key)
        for option in allowed:
            if value == option:
                return option
        raise self._bad(key, f"one of {list(allowed)}")

    def optional_choice(self, key: str, allowed: tuple[_T, ...]) -> _T | None:
        return self.choice(key, allowed) if key in self.raw else None


def tables(
    raw: dict[str, Any], key: str, name: str, error: type[Exception]
) -> list[dict[str, Any]]:
    """The ``[[key]]`` entries of file ``name`` (none is an empty list)."""
    value = raw.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise error(f"{name}: {key} must be an array of tables ([[{key}]])")
    return value


def table(raw: dict[str, Any], key: str, name: str, error: type[Exception]) -> dict[str, Any]:
    """The required ``[key]`` table of file ``name``."""
    value = raw.get(key)
    if not isinstance(value, dict):
        raise error(f"{name}: missing table [{key}]")
    return value
