"""One router per feature; ``shopguard_router`` assembles them in the order they must match."""

from __future__ import annotations

from aiogram import Router

from bot.routers import (
    advice,
    cases,
    common,
    complaints,
    deadlines,
    evidence,
    fallback,
    intake,
    new_case,
    prices,
    privacy,
    remind,
    reminders,
    timeline,
)


def feature_routers(*, free_text_intake: bool = True) -> list[Router]:
    routers = [
        common.router(),
        new_case.router(),
        cases.router(),
        privacy.router(),
        reminders.router(),
        # a screenshot captioned with the price, and "现在只要79了", before evidence and intake
        prices.router(free_text=free_text_intake),
        evidence.router(),
        deadlines.router(),
        timeline.router(),
        advice.router(),
        complaints.router(),
        # its "提醒我…" / "remind me…" detector must see plain text before intake does
        remind.router(free_text=free_text_intake),
    ]
    if free_text_intake:
        routers.append(intake.router())
    routers.append(fallback.router(catch_all=free_text_intake))
    return routers
