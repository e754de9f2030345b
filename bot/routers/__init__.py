"""One router per feature; ``shopguard_router`` assembles them in the order they must match."""

from __future__ import annotations

from aiogram import Router

from bot.routers import (
    cases,
    common,
    deadlines,
    evidence,
    fallback,
    intake,
    new_case,
    privacy,
    remind,
    reminders,
)


def feature_routers(*, free_text_intake: bool = True) -> list[Router]:
    routers = [
        common.router(),
        new_case.router(),
        cases.router(),
        privacy.router(),
        reminders.router(),
        evidence.router(),
        deadlines.router(),
        # its "提醒我…" / "remind me…" detector must see plain text before intake does
        remind.router(free_text=free_text_intake),
    ]
    if free_text_intake:
        routers.append(intake.router())
    routers.append(fallback.router(catch_all=free_text_intake))
    return routers
