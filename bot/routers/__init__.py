"""One router per feature; ``shopguard_router`` assembles them in the order they must match."""

from __future__ import annotations

from aiogram import Router

from bot.routers import cases, common, fallback, intake, new_case, privacy, reminders


def feature_routers(*, free_text_intake: bool = True) -> list[Router]:
    routers = [
        common.router(),
        new_case.router(),
        cases.router(),
        privacy.router(),
        reminders.router(),
    ]
    if free_text_intake:
        routers.append(intake.router())
    routers.append(fallback.router(catch_all=free_text_intake))
    return routers
