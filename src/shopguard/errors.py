"""Errors the core raises for the adapter to turn into a message in the shopper's language."""

from __future__ import annotations

from typing import Any


class NotFound(LookupError):
    """The object does not exist or belongs to someone else — the two are never told apart."""


class InputError(ValueError):
    """Input that cannot be accepted: ``code`` names the reason, ``params`` fill the message."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params
