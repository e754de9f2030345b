"""The rungs of the escalation ladder (domain.md §5), and what the shopper does on each.

Values are stable identifiers: the UI stores them (a reminder's target step, callback data)
and the rules files name them (``rules/escalation.toml``, ``rules/channel_guide.toml``).
"""

from __future__ import annotations

from enum import StrEnum


class Step(StrEnum):
    SELF_SERVICE = "self_service"  # 0: the platform robot ("订单查询", "转人工")
    SELLER = "seller"  # 1: the shop's chat (Douyin: 飞鸽 from the order page)
    PLATFORM_TICKET = "platform_ticket"  # 2: after-sales request (申请售后) / ticket (工单)
    PLATFORM_INTERVENTION = "platform_intervention"  # 3: 平台介入 — the platform rules
    REGULATOR_12315 = "regulator_12315"  # 4: market regulator complaint …
    CONSUMER_ASSOCIATION = "consumer_association"  # 4: … or 消协 — never both
    BEYOND = "beyond"  # 5: 黑猫投诉, arbitration, small-claims court, a lawyer
    NONE = "none"  # the case is resolved: nothing to advise


class Action(StrEnum):
    """What the shopper does about the recommended step now."""

    ACT = "act"  # take the step now
    WAIT = "wait"  # the step is taken: wait for the other side (until ``next_step_at``)
    NONE = "none"  # resolved


class DraftChannel(StrEnum):
    """The complaint drafts (domain.md §7), one per kind of channel."""

    SELLER_CHAT = "seller_chat"
    PLATFORM_TICKET = "platform_ticket"
    PLATFORM_INTERVENTION = "platform_intervention"
    COMPLAINT_12315 = "12315"  # also the shape of a 消协 complaint
    HEIMAO = "heimao"  # 黑猫投诉


LADDER_STEPS: tuple[Step, ...] = tuple(step for step in Step if step is not Step.NONE)
"""Every step that has a channel: the rows the channel guide must cover on each platform."""

REGULATOR_STEPS: frozenset[Step] = frozenset({Step.REGULATOR_12315, Step.CONSUMER_ASSOCIATION})
