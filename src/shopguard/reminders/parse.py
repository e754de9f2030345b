"""What a shopper types to set a reminder: follow-ups, reminder offsets and quiet hours.

A follow-up is a moment plus what to do, in Chinese or English, in any order:
"/remind 2h 跟进商家回复", "明天上午10点提醒我申请价保", "remind me in 3 days to check the
refund". The moment is either

- a **duration** from now ("2h", "30分钟", "半小时", "一个半小时", "3天后", "in 2 hours") —
  it needs "in …" / "…后" / "… later" around it, or must open the text, so the "7 days" of
  "check the 7 days return" is not read as a moment; or
- a **date/time** read by :func:`shopguard.dates.find_moments` with ``allow_future=True``
  ("明天上午10点", "下周一", "tomorrow at 8pm"); a date without a time means 09:00 that day.

Whatever is left once the moment and the "提醒我" / "remind me (to)" words are removed is what
to do. Problems raise :class:`~shopguard.errors.InputError` with a ``remind.*`` (or
``date.*``) code for the adapter to explain.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Final
from zoneinfo import ZoneInfo

from shopguard.case_fields import clean_text
from shopguard.dates import ZH_NUMERAL, find_moments, fold_text, small_number
from shopguard.deadlines.counting import add_months
from shopguard.errors import InputError
from shopguard.reminders.schedule import MAX_OFFSET, MAX_OFFSETS, MIN_OFFSET, QuietHours

DEFAULT_TIME: Final = time(9, 0)  # "明天提醒我…": a day without a time means this
MAX_AHEAD: Final = timedelta(days=366)
MAX_TEXT: Final = 500

_NUM = (
    rf"(?:[0-9]+(?:\.[0-9]+)?|{ZH_NUMERAL}|半|(?<![a-z])(?:half\s+an?|an?|one|two|three|four"
    r"|five|six|seven|eight|nine|ten|eleven|twelve))"
)
_UNITS: Final = {  # longest first within each language, so "hours" never stops at "h"
    "分钟": 1, "分": 1, "小时": 60, "钟头": 60, "天": 1440, "日": 1440, "周": 10080,
    "星期": 10080, "礼拜": 10080, "月": -1,
    "minutes": 1, "minute": 1, "mins": 1, "min": 1, "m": 1, "hours": 60, "hour": 60,
    "hrs": 60, "hr": 60, "h": 60, "days": 1440, "day": 1440, "d": 1440, "weeks": 10080,
    "week": 10080, "wks": 10080, "wk": 10080, "w": 10080, "months": -1, "month": -1,
}  # fmt: skip
_UNIT = "|".join(sorted(map(re.escape, _UNITS), key=len, reverse=True))


def _part(capture: bool) -> str:
    """One number and unit: "3天", "3个小时", "一个半小时", "半个月", "2 hours" (an English
    number word needs a space before its unit, so "and" is not "an" + "d"). 个 and 半 may sit
    between number and unit; a bare "月" needs 个 ("3月" is March)."""
    n, half, unit = ("?P<n>", "?P<half>", "?P<unit>") if capture else ("?:", "?:", "?:")
    return (
        rf"({n}{_NUM})(?:(?<=[a-z])\s+|(?<![a-z])\s*)(?:个\s*)?({half}半\s*(?:个\s*)?)?"
        rf"({unit}{_UNIT})(?![a-z])"
    )


_PART_RE: Final = re.compile(_part(capture=True))
_BODY = _part(capture=False)
_DURATION: Final = re.compile(
    rf"(?P<pre>(?<![a-z])(?:in|after)\s+|过\s*)?"
    rf"(?<![0-9a-z.])(?P<body>{_BODY}(?:\s*(?:,|and|零)?\s*{_BODY})*)"
    rf"(?P<post>\s*(?:以后|之后|后|later(?![a-z])|from\s+now(?![a-z])))?"
)
_TRIGGER_ZH = r"(?:请|麻烦)?(?:到时候?|届时)?再?提醒(?:一下)?我(?:一下)?"
_TRIGGER_EN = r"(?<![a-z])(?:please\s+)?remind\s+me(?![a-z])"
_TRIGGER: Final = re.compile(rf"{_TRIGGER_ZH}|{_TRIGGER_EN}")
_LEAD_IN: Final = re.compile(
    r"^(?:[\s,.;:!?，。、；：！～~-]|(?:to|about|that|of|at|on)(?![a-z])|去(?=.))+"
)
_TRIM = " \t\r\n,.;:!?，。、；：！～~-"
_SEPARATOR: Final = re.compile(r"\s*(?:[,;/、，；]|和|and)?\s*")
_OFF: Final = re.compile(r"(?:off|none|no|never|关闭?|关掉|不要|不用|无|不提醒|没有)\s*")


@dataclass(frozen=True)
class FollowUp:
    due_at: datetime  # aware UTC
    text: str  # what to do, as the shopper wrote it
    has_time: bool  # False: only a day was given and DEFAULT_TIME was used


def is_reminder_request(text: str, now: datetime, tz: str) -> bool:
    """Free text the bot should treat as a reminder request: it opens with "提醒我…" /
    "remind me…", or says it elsewhere together with a moment ("明天上午10点提醒我申请价保").
    "商家说发货后会提醒我" without a moment stays a description for intake."""
    folded = fold_text(clean_text(text))
    found = _TRIGGER.search(folded)
    if found is None or len(folded) > MAX_TEXT:
        return False
    before = folded[: found.start()].strip(_TRIM)
    if not before:
        return True
    try:  # "明天上午10点提醒我…": the trigger may follow a moment that opens the message
        moment = _duration(before, now, tz) or _date_time(before, now, tz)
    except InputError:
        return True
    return moment is not None and moment[2] == (0, len(before))


def parse_follow_up(text: str, now: datetime, tz: str) -> FollowUp:
    """The moment and the task of a follow-up; raises InputError (remind.* / date.*)."""
    text = clean_text(text)
    if len(text) > MAX_TEXT:
        raise InputError("remind.too_long", max=MAX_TEXT, length=len(text))
    folded = fold_text(text)
    moment = _duration(folded, now, tz) or _date_time(text, now, tz) or _bare_hour(folded, now, tz)
    if moment is None:
        raise InputError("remind.no_time")
    due_at, has_time, (start, end) = moment
    task = _task(text[:start] + " " + text[end:])
    if due_at <= now:
        raise InputError("remind.past")
    if due_at - now > MAX_AHEAD:
        raise InputError("remind.too_far")
    if not task:
        raise InputError("remind.no_text")
    return FollowUp(due_at=due_at, text=task, has_time=has_time)


_Moment = tuple[datetime, bool, tuple[int, int]]


def _duration(folded: str, now: datetime, tz: str) -> _Moment | None:
    for match in _DURATION.finditer(folded):
        before = _TRIGGER.sub(" ", folded[: match.start()]).strip(_TRIM)
        if not (match["pre"] or match["post"] or not before):
            continue
        if _followed_by_clock(folded, match.end(), now, tz):
            return None  # "3天后下午2点": a date with a time, read by the date parser
        minutes, months = duration_minutes(match["body"])
        if minutes > MAX_AHEAD / timedelta(minutes=1) or months > 12:
            raise InputError("remind.too_far")  # before timedelta overflows on "99999999天"
        due = now + timedelta(minutes=minutes)
        if months:
            local = due.astimezone(ZoneInfo(tz))
            day = add_months(local.date(), months)
            due = datetime.combine(day, local.timetz()).astimezone(UTC)
        return due, True, match.span()
    return None


def _followed_by_clock(folded: str, end: int, now: datetime, tz: str) -> bool:
    rest = folded[end:].lstrip()
    return any(
        m.start == 0 and m.moment is not None and m.moment.has_time
        for m in find_moments(rest, now, tz, allow_future=True)
    )


def duration_minutes(body: str) -> tuple[float, int]:
    """ "1天2小时" → (1560, 0); "3个月" → (0, 3): whole months are counted on the calendar."""
    minutes, months = 0.0, 0
    for part in _PART_RE.finditer(fold_text(body)):
        count = _amount(part["n"]) + (0.5 if part["half"] else 0.0)
        unit = _UNITS[part["unit"]]
        if unit < 0:
            if count != int(count):
                minutes += (count - int(count)) * 30 * 1440  # "半个月", "1.5 months"
            months += int(count)
        else:
            minutes += count * unit
    return minutes, months


def _amount(number: str) -> float:
    number = " ".join(number.split())
    if number in ("半", "half a", "half an"):
        return 0.5
    if re.fullmatch(r"[0-9]+(?:\.[0-9]+)?", number):
        return float(number)  # any length: too large is refused by the caller, not here
    value = small_number(number)
    assert value is not None  # the grammar only lets numbers through
    return float(value)


def _date_time(text: str, now: datetime, tz: str) -> _Moment | None:
    for found in find_moments(text, now, tz, allow_future=True):
        if found.error is not None:
            code = "remind.past" if found.error.code == "too_old" else f"date.{found.error.code}"
            raise InputError(code, text=found.text)
        moment = found.moment
        assert moment is not None
        due = moment.at
        if not moment.has_time:
            local_day = due.astimezone(ZoneInfo(tz)).date()
            due = datetime.combine(local_day, DEFAULT_TIME, tzinfo=ZoneInfo(tz)).astimezone(UTC)
        return due, moment.has_time, found.span
    return None


_BARE_HOUR: Final = re.compile(
    rf"(?<![0-9:])(?P<h>[0-9]{{1,2}}|{ZH_NUMERAL})\s*[点时](?:\s*(?P<half>半)|\s*(?P<m>[0-9]{{1,2}})\s*分?)?"
)


def _bare_hour(folded: str, now: datetime, tz: str) -> _Moment | None:
    """ "15点": the next 15:00. The date parser leaves a bare "N点" alone (in a description
    it is more often "N points"); here it is a time, but "10点" may be 10:00 or 22:00: ask."""
    match = _BARE_HOUR.search(folded)
    if match is None:
        return None
    hour = small_number(match["h"])
    minute = 30 if match["half"] else int(match["m"] or 0)
    if hour is None or hour > 23 or minute > 59:
        raise InputError("date.invalid", text=match.group(0))
    if hour <= 12:
        raise InputError("remind.which_half", hour=hour)
    parsed = find_moments(f"{hour}:{minute:02d}", now, tz, allow_future=True)[0].moment
    assert parsed is not None
    return parsed.at, True, match.span()


def _task(rest: str) -> str:
    """What is left of the text without the moment and the "remind me" words."""
    trigger = _TRIGGER.search(fold_text(rest))  # folding keeps every index: cut the same span
    if trigger is not None:
        rest = rest[: trigger.start()] + " " + rest[trigger.end() :]
    kept = " ".join(rest.split())
    lead = _LEAD_IN.match(fold_text(kept))
    if lead:
        kept = kept[lead.end() :]
    return kept.strip(_TRIM)


# --- preferences ----------------------------------------------------------------------------


def parse_offsets(text: str) -> tuple[int, ...]:
    """ "3天 1天 3小时" / "3d, 1d, 3h" → minutes, largest first; "关闭" / "off" → none."""
    folded = _norm(text)
    if not folded:
        raise InputError("remind.offsets_empty")
    if _OFF.fullmatch(folded):
        return ()
    offsets: set[int] = set()
    position = 0
    for match in _PART_RE.finditer(folded):
        if not _SEPARATOR.fullmatch(folded[position : match.start()]):
            raise InputError("remind.offsets_unrecognised")
        minutes, months = duration_minutes(match.group(0))
        total = minutes + months * 30 * 1440
        if not MIN_OFFSET <= total <= MAX_OFFSET:
            raise InputError("remind.offset_range", min=MIN_OFFSET, max_days=MAX_OFFSET // 1440)
        offsets.add(round(total))
        position = match.end()
    if not offsets or not _SEPARATOR.fullmatch(folded[position:]):
        raise InputError("remind.offsets_unrecognised")
    if len(offsets) > MAX_OFFSETS:
        raise InputError("remind.offsets_many", max=MAX_OFFSETS)
    return tuple(sorted(offsets, reverse=True))


_EVENING = ("下午", "晚上", "夜里", "傍晚", "pm")
_QUIET: Final = re.compile(
    r"(?P<p1>早上|上午|凌晨|清晨|下午|晚上|夜里|傍晚)?\s*(?P<h1>[0-9]{1,2})(?::(?P<m1>[0-9]{2}))?"
    r"\s*(?:点|时)?\s*(?P<a1>am|pm)?\s*(?:-|–|—|~|～|到|至|to|until)\s*"
    r"(?P<p2>早上|上午|凌晨|清晨|下午|晚上|夜里|傍晚)?\s*(?P<h2>[0-9]{1,2})(?::(?P<m2>[0-9]{2}))?"
    r"\s*(?:点|时)?\s*(?P<a2>am|pm)?"
)


def parse_quiet_hours(text: str) -> QuietHours | None:
    """ "22:00-08:00", "22-8", "晚上10点到早上8点", "10pm-8am" → quiet hours; "关闭" → None."""
    folded = _norm(text)
    if _OFF.fullmatch(folded):
        return None
    match = _QUIET.fullmatch(folded)
    if match is None:
        raise InputError("remind.quiet_unrecognised")
    start_period, end_period = match["p1"] or match["a1"], match["p2"] or match["a2"]
    start = _clock(match["h1"], match["m1"], start_period)
    end = _clock(match["h2"], match["m2"], end_period)
    if start_period and not end_period:
        # "下午1点到2点" is 13:00-14:00: the end keeps the start's half of the day, unless that
        # would end before the start ("晚上10点到8点" runs to the morning)
        same_half = _clock(match["h2"], match["m2"], start_period)
        end = same_half if same_half > start else end
    if start == end:
        raise InputError("remind.quiet_same")
    return QuietHours(start, end)


def _clock(hour_text: str, minute_text: str | None, period: str | None) -> time:
    hour, minute = int(hour_text), int(minute_text or 0)
    if period in _EVENING and hour < 12:
        hour += 12
    elif period == "am" and hour == 12:
        hour = 0
    if hour == 24 and minute == 0:
        hour = 0
    if hour > 23 or minute > 59:
        raise InputError("remind.quiet_invalid")
    return time(hour, minute)


def _norm(text: str) -> str:
    return " ".join(fold_text(unicodedata.normalize("NFKC", clean_text(text))).split())
