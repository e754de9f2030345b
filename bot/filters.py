"""Shared filters."""

from aiogram import F

# Typed text that is not a command: commands work from inside any dialog.
PLAIN_TEXT = F.text & ~F.text.startswith("/")
NOT_COMMAND = ~F.text.startswith("/")
