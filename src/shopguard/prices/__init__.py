"""Price protection (价保): read a product page's price, fetch pages safely, and decide when a
drop inside the window is worth a claim (issue #7). Pure core code: no Telegram, no database.
"""

from __future__ import annotations

from shopguard.prices.addresses import Resolver, blocked_reason, system_resolver
from shopguard.prices.extract import extract_price
from shopguard.prices.fetch import (
    DEFAULT_USER_AGENT,
    FetchedPage,
    FetchError,
    FetchErrorCode,
    FetchSettings,
    SafeFetcher,
)
from shopguard.prices.hostlimit import HostRateLimiter
from shopguard.prices.reading import (
    PriceFound,
    PriceReading,
    PriceSource,
    PriceUnreadable,
    UnreadableReason,
    parse_price_text,
)
from shopguard.prices.report import ReportError, ReportErrorCode, parse_reported_price
from shopguard.prices.runner import CheckOutcome, OutcomeKind, PageFetcher, run_check
from shopguard.prices.watch import (
    Alert,
    Observation,
    PriceWatch,
    Verdict,
    WatchState,
    decide,
    record_fetch_failure,
)

__all__ = [
    "DEFAULT_USER_AGENT",
    "Alert",
    "CheckOutcome",
    "FetchError",
    "FetchErrorCode",
    "FetchSettings",
    "FetchedPage",
    "HostRateLimiter",
    "Observation",
    "OutcomeKind",
    "PageFetcher",
    "PriceFound",
    "PriceReading",
    "PriceSource",
    "PriceUnreadable",
    "PriceWatch",
    "ReportError",
    "ReportErrorCode",
    "Resolver",
    "SafeFetcher",
    "UnreadableReason",
    "Verdict",
    "WatchState",
    "blocked_reason",
    "decide",
    "extract_price",
    "parse_price_text",
    "parse_reported_price",
    "record_fetch_failure",
    "run_check",
    "system_resolver",
]
