"""Watching the price of a bought item through its 价保 window (pure: no clock, no I/O).

The rule (domain §4): a drop inside the window is worth
``(paid unit price − current unit price) × quantity``. The watch alerts once per *new low*:

- the first price below the paid unit price (by at least ``threshold_fen``) is an alert;
- a later price below the lowest price already alerted (again by at least the threshold) is
  another alert — its ``refund_fen`` is the whole difference against the paid price, its
  ``extra_fen`` what it adds to the previous alert (what is left to claim when the shopper
  already claimed the earlier one);
- the same low again (the price went up and came back down) is not news: no alert;
- a page that cannot be read, or a price in another currency, is never an alert; the shopper
  is told once that the page cannot be read and that they can report the price by hand;
- before the window opens and after it closes nothing is fetched (:meth:`PriceWatch.should_fetch`)
  and nothing is alerted. The window is ``[starts_at, ends_at)``: use the conservative
  ``price_protect`` deadline (``Deadline.starts_at`` / ``due_at``).

``threshold_fen`` is compared with the drop of the *unit* price, not with the refund.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Final, Literal

from shopguard.prices.reading import PriceFound, PriceReading, PriceUnreadable

Origin = Literal["page", "manual"]
NothingReason = Literal["outside_window", "not_below_paid", "not_new_low", "below_threshold"]
UNREADABLE_TELL_AFTER: Final = 3
"""Transient fetch failures in a row (timeouts, 5xx) before the shopper is told."""


@dataclass(frozen=True)
class PriceWatch:
    """What was bought, and the window in which a lower price is worth money."""

    paid_unit_fen: int
    quantity: int
    starts_at: datetime  # aware; the 价保 clock's start
    ends_at: datetime  # aware; the conservative end (nothing counts from here on)
    threshold_fen: int = 0  # ignore unit-price drops smaller than this
    url: str | None = None  # None: a watch fed by the shopper's reports only

    def __post_init__(self) -> None:
        if self.paid_unit_fen <= 0 or self.quantity <= 0 or self.threshold_fen < 0:
            raise ValueError("paid price and quantity must be positive, threshold not negative")
        for name in ("starts_at", "ends_at"):
            moment: datetime = getattr(self, name)
            object.__setattr__(self, name, _utc(moment, name))
        if self.ends_at <= self.starts_at:
            raise ValueError("the window must end after it starts")

    def in_window(self, at: datetime) -> bool:
        return self.starts_at <= _utc(at, "at") < self.ends_at

    def should_fetch(self, now: datetime) -> bool:
        """Fetch the page only for a URL watch inside the window: a closed window costs
        the shop nothing."""
        return self.url is not None and self.in_window(now)

    def refund_for(self, unit_price_fen: int) -> int:
        return max(0, self.paid_unit_fen - unit_price_fen) * self.quantity


@dataclass(frozen=True)
class Observation:
    at: datetime  # aware
    reading: PriceReading
    origin: Origin = "page"


@dataclass(frozen=True)
class Alert:
    at: datetime
    unit_price_fen: int
    refund_fen: int  # (paid unit − this unit price) × quantity
    extra_fen: int  # (previous alerted low − this unit price) × quantity; = refund the 1st time
    origin: Origin


@dataclass(frozen=True)
class WatchState:
    """What the watch remembers between checks (the storage layer keeps it)."""

    alerts: tuple[Alert, ...] = ()
    told_unreadable: bool = False  # the shopper was told the page cannot be read
    failures_in_row: int = 0  # unreadable pages and failed fetches since the last good read

    @property
    def lowest_alerted_fen(self) -> int | None:
        return min((a.unit_price_fen for a in self.alerts), default=None)


@dataclass(frozen=True)
class Verdict:
    kind: Literal["alert", "nothing", "unreadable"]
    state: WatchState  # the state to keep
    alert: Alert | None = None
    reason: str = ""  # NothingReason, an UnreadableReason or "other_currency"
    tell_unreadable: bool = False  # say once: "cannot read the page, report the price by hand"
    price: PriceFound | None = field(default=None)  # the price seen, also when not comparable


def decide(watch: PriceWatch, state: WatchState, observation: Observation) -> Verdict:
    """One new observation → alert / nothing / unreadable, and the state to keep."""
    reading = observation.reading
    inside = watch.in_window(observation.at)
    if observation.origin == "manual" and not isinstance(reading, PriceFound):
        return Verdict("unreadable", state, reason=reading.reason)  # the chat answers at once
    if isinstance(reading, PriceUnreadable):
        return _unreadable(state, reading.reason, inside)
    if not reading.comparable:
        if observation.origin == "manual":
            return Verdict("unreadable", state, reason="other_currency", price=reading)
        return _unreadable(state, "other_currency", inside, reading)
    if observation.origin == "page":
        state = replace(state, failures_in_row=0)
    if not inside:
        return Verdict("nothing", state, reason="outside_window", price=reading)
    unit = reading.amount_fen
    if unit >= watch.paid_unit_fen:
        return Verdict("nothing", state, reason="not_below_paid", price=reading)
    lowest = state.lowest_alerted_fen
    baseline = watch.paid_unit_fen if lowest is None else min(watch.paid_unit_fen, lowest)
    drop = baseline - unit
    if drop <= 0:
        return Verdict("nothing", state, reason="not_new_low", price=reading)
    if drop < watch.threshold_fen:
        return Verdict("nothing", state, reason="below_threshold", price=reading)
    alert = Alert(
        at=_utc(observation.at, "at"),
        unit_price_fen=unit,
        refund_fen=watch.refund_for(unit),
        extra_fen=drop * watch.quantity,
        origin=observation.origin,
    )
    kept = replace(state, alerts=(*state.alerts, alert))
    return Verdict("alert", kept, alert=alert, price=reading)


def record_fetch_failure(state: WatchState, *, permanent: bool) -> tuple[WatchState, bool]:
    """A fetch that failed: (state to keep, tell the shopper now?). A permanent failure
    (blocked address, not a page) is told at once, transient ones after a few in a row."""
    failures = state.failures_in_row + 1
    tell = not state.told_unreadable and (permanent or failures >= UNREADABLE_TELL_AFTER)
    told = state.told_unreadable or tell
    return replace(state, failures_in_row=failures, told_unreadable=told), tell


def _unreadable(
    state: WatchState, reason: str, may_tell: bool, price: PriceFound | None = None
) -> Verdict:
    tell = may_tell and not state.told_unreadable
    kept = replace(
        state,
        failures_in_row=state.failures_in_row + 1,
        told_unreadable=state.told_unreadable or tell,
    )
    return Verdict("unreadable", kept, reason=reason, tell_unreadable=tell, price=price)


def _utc(moment: datetime, name: str) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be an aware datetime")
    return moment.astimezone(UTC)
