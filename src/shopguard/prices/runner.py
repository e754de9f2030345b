"""One scheduled check of a watched page: fetch → extract → decide.

The scheduler job loads a watch and its state, calls :func:`run_check`, keeps
``outcome.state``, stores ``outcome.observation`` in the price history (unreadable readings
too: the chart shows the gaps) and tells the shopper when ``outcome.alert`` is set or
``outcome.tell_unreadable`` is true. Nothing here raises for a bad page or a failed fetch.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Protocol

from shopguard.clock import Clock
from shopguard.prices.extract import extract_price
from shopguard.prices.fetch import FetchedPage, FetchError
from shopguard.prices.reading import PriceReading
from shopguard.prices.watch import (
    Alert,
    Observation,
    PriceWatch,
    WatchState,
    decide,
    record_fetch_failure,
)

OutcomeKind = Literal["skipped", "alert", "nothing", "unreadable", "fetch_failed"]


class PageFetcher(Protocol):
    async def fetch(self, url: str) -> FetchedPage | FetchError: ...


@dataclass(frozen=True)
class CheckOutcome:
    kind: OutcomeKind
    state: WatchState  # keep this (unchanged when skipped)
    alert: Alert | None = None
    reason: str = ""  # why nothing / unreadable / skipped ("window_closed", "no_url", …)
    tell_unreadable: bool = False  # tell the shopper, once: report the price by hand
    observation: Observation | None = None  # for the price history; None: nothing was read
    error: FetchError | None = None

    @property
    def reading(self) -> PriceReading | None:
        return self.observation.reading if self.observation else None


async def run_check(
    fetcher: PageFetcher, watch: PriceWatch, state: WatchState, *, clock: Clock
) -> CheckOutcome:
    """Check the watched page once. Outside the window (or without a URL) nothing is fetched."""
    started = clock()
    if watch.url is None:
        return CheckOutcome("skipped", state, reason="no_url")
    if not watch.should_fetch(started):
        reason = "not_started" if started < watch.starts_at else "window_closed"
        return CheckOutcome("skipped", state, reason=reason)
    page = await fetcher.fetch(watch.url)
    if isinstance(page, FetchError):
        kept, tell = record_fetch_failure(state, permanent=page.permanent)
        return CheckOutcome(
            "fetch_failed", kept, reason=page.code, tell_unreadable=tell, error=page
        )
    observation = Observation(clock(), extract_price(page.html, page.url), "page")
    verdict = decide(watch, state, observation)
    return CheckOutcome(
        verdict.kind,
        verdict.state,
        alert=verdict.alert,
        reason=verdict.reason,
        tell_unreadable=verdict.tell_unreadable,
        observation=observation,
    )
