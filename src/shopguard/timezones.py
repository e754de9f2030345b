"""Time zones a shopper may name: IANA names, plus the cities people actually type."""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from zoneinfo import ZoneInfo, available_timezones

from shopguard.errors import InputError

CITY_ALIASES: dict[str, str] = {
    "北京": "Asia/Shanghai",
    "上海": "Asia/Shanghai",
    "中国": "Asia/Shanghai",
    "beijing": "Asia/Shanghai",
    "china": "Asia/Shanghai",
    "香港": "Asia/Hong_Kong",
    "hong kong": "Asia/Hong_Kong",
    "澳门": "Asia/Macau",
    "台北": "Asia/Taipei",
    "东京": "Asia/Tokyo",
    "tokyo": "Asia/Tokyo",
    "首尔": "Asia/Seoul",
    "新加坡": "Asia/Singapore",
    "singapore": "Asia/Singapore",
    "伦敦": "Europe/London",
    "london": "Europe/London",
    "纽约": "America/New_York",
    "new york": "America/New_York",
    "洛杉矶": "America/Los_Angeles",
    "los angeles": "America/Los_Angeles",
    "悉尼": "Australia/Sydney",
    "sydney": "Australia/Sydney",
    "utc": "UTC",
}

SUGGESTED = ("Asia/Shanghai", "Asia/Hong_Kong", "Asia/Taipei", "Asia/Singapore", "Europe/London")


@lru_cache(maxsize=1)
def _by_lower_name() -> dict[str, str]:
    return {name.lower(): name for name in available_timezones()}


def parse_timezone(text: str) -> str:
    """Return the IANA name for what the shopper typed, or raise InputError('bad_timezone')."""
    key = " ".join(text.strip().lower().replace("_", " ").split())
    if not key:
        raise InputError("bad_timezone", text=text)
    if key in CITY_ALIASES:
        return CITY_ALIASES[key]
    name = _by_lower_name().get(key.replace(" ", "_"))
    if name is None:
        raise InputError("bad_timezone", text=text[:64])
    return name


def to_local(instant: datetime, tz: str) -> datetime:
    return instant.astimezone(ZoneInfo(tz))
