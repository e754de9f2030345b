"""One date/time a shopper typed, in Chinese or English, turned into an aware UTC instant.

One grammar (``_MASTER``, built from the ``_DATE_FORMS`` table) serves both entry points:
``parse_moment`` matches it against a whole field, ``find_moments`` scans a free-text message
with it. Rules the shopper's words need, and why:

- A date without a year is the **most recent past** occurrence: a shopper reports things that
  already happened ("12月25日" typed on 2026-01-03 is 2025-12-25). With ``allow_future=True``
  (a promised date, a reminder) it is the next occurrence instead.
- A date without a time is local midnight in the shopper's zone, ``has_time=False``.
- A time without a date is its most recent past occurrence (today or yesterday).
- "M/D" with both numbers ≤ 12 is month/day only when the text contains a CJK character
  (Chinese writers never put the day first); otherwise it is ``ambiguous``, as is an English
  "03/04/2026". "M-D" with a hyphen is month-day (ISO order) everywhere; "2026/03/04" is
  year-first; "11.3号" is month.day (a bare "11.3" is a price, not a date).
- "上周一" is Monday of the previous calendar week (weeks start on Monday); English "last
  Monday" is the most recent Monday before today. A bare weekday is the most recent one,
  today included.
- "3点" without 上午/下午 is 03:00 (read literally; the bot shows the result for confirmation),
  and a bare "3点" with no date around it is not taken as a moment at all: in free text it is
  far more often "3 points" than a time.
- Results after ``now`` are ``future`` unless allowed; results more than 10 years back are
  ``too_old`` (no claim survives that long: the longest limitation period is 3 years).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from typing import Final, Literal
from zoneinfo import ZoneInfo

DateErrorCode = Literal["empty", "unrecognised", "invalid", "future", "ambiguous", "too_old"]

MAX_AGE_YEARS: Final = 10


@dataclass(frozen=True)
class ParsedMoment:
    at: datetime  # aware, UTC
    has_time: bool


class DateError(ValueError):
    """A date the shopper typed that cannot become a moment; ``code`` says why.

    ``options`` holds the plausible readings of an ``ambiguous`` date (e.g. 3 April and
    4 March for "03/04/2026") so the bot can offer them as buttons; empty otherwise.
    """

    def __init__(
        self, code: DateErrorCode, text: str, options: tuple[ParsedMoment, ...] = ()
    ) -> None:
        self.code: DateErrorCode = code
        self.text = text
        self.options = options
        super().__init__(f"{code}: {text[:60]!r}")


@dataclass(frozen=True)
class FoundMoment:
    """A date expression inside a longer text: ``text[start:end]`` and what it resolved to."""

    start: int
    end: int
    text: str
    result: ParsedMoment | DateError

    @property
    def span(self) -> tuple[int, int]:
        return (self.start, self.end)

    @property
    def moment(self) -> ParsedMoment | None:
        return self.result if isinstance(self.result, ParsedMoment) else None

    @property
    def error(self) -> DateError | None:
        return self.result if isinstance(self.result, DateError) else None


def fold_text(text: str) -> str:
    """Full-width → ASCII and lower case, **keeping every index**, so spans found in the folded
    text are spans of the original (a character whose folding would change the length is kept).
    """
    out = []
    for ch in text:
        folded = unicodedata.normalize("NFKC", ch)
        if len(folded) != 1:
            folded = ch
        lowered = folded.lower()
        out.append(lowered if len(lowered) == 1 else folded)
    return "".join(out)


_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def has_cjk(text: str) -> bool:
    return _CJK.search(text) is not None


# --- grammar ---------------------------------------------------------------------------------

_CN_DIGIT = {
    "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9,
}  # fmt: skip
_CN = r"(?:[一二两三四五六七八九]?十[一二三四五六七八九]?|[一二两三四五六七八九])"
ZH_NUMERAL: Final = _CN
"""Regex for a Chinese numeral 1..99 (一, 两, 十二, 三十一): for other parsers' patterns."""
_N2 = rf"(?:[0-9]{{1,2}}|{_CN})"
_NB = r"(?<![0-9零〇一二两三四五六七八九十几第每])"  # not inside a longer number
_EN_NUM = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
}  # fmt: skip
_EN_N = r"(?:[0-9]{1,4}|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)"
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_MON = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?(?![a-z])"
)
_WEEKDAYS_EN = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_WEEKDAY_ZH = {"一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6}
_PERIOD = r"(?:凌晨|清晨|早上|早晨|上午|中午|下午|傍晚|晚上|夜里|夜间|半夜|深夜)"
_AMPM = r"(?:am|pm|a\.m\.|p\.m\.)(?![a-z])"


def _clock(p: str) -> str:
    """Clock-time alternatives; group names carry the prefix ``p`` so the pattern can appear
    twice in the master regex (after a date, and on its own)."""
    return (
        rf"(?<![0-9:])(?P<{p}h>[0-9]{{1,2}}):(?P<{p}m>[0-9]{{2}})(?::(?P<{p}s>[0-9]{{2}})"
        rf"(?P<{p}off>z|[+-][0-9]{{2}}:?[0-9]{{2}})?)?(?![0-9])(?:\s*(?P<{p}ap>{_AMPM}))?"
        rf"|(?P<{p}hc>[0-9]{{1,2}}|{_CN})\s*[点时]钟?(?:\s*(?P<{p}half>半|一刻|三刻)"
        rf"|\s*(?P<{p}mc>[0-9]{{1,2}}|{_CN})\s*分?)?"
        rf"|(?<![0-9])(?P<{p}ha>[0-9]{{1,2}})\s*(?P<{p}ap2>{_AMPM})"
    )


_DATE_FORMS: Final = (
    (
        "ymd_zh",
        rf"(?<![0-9])(?:(?P<ymd_zh_y4>[0-9]{{4}})|(?P<ymd_zh_y2>[0-9]{{2}}))\s*年\s*"
        rf"(?P<ymd_zh_m>{_N2})\s*月\s*(?P<ymd_zh_d>{_N2})(?:\s*[日号])?",
    ),
    (
        "ymd",
        r"(?<![0-9.])(?P<ymd_y>[0-9]{4})(?P<ymd_sep>[-/.])(?P<ymd_m>[0-9]{1,2})(?P=ymd_sep)"
        r"(?P<ymd_d>[0-9]{1,2})(?![0-9])",
    ),
    (
        "xxy",
        r"(?<![0-9./-])(?P<xxy_a>[0-9]{1,2})(?P<xxy_sep>[-/.])(?P<xxy_b>[0-9]{1,2})(?P=xxy_sep)"
        r"(?P<xxy_y>[0-9]{4})(?![0-9])",
    ),
    (
        "en_md",
        rf"(?<![a-z])(?P<en_md_mon>{_MON})\s*(?P<en_md_d>[0-9]{{1,2}})(?:st|nd|rd|th)?(?![0-9a-z])"
        rf"(?:\s*,?\s*(?P<en_md_y>[0-9]{{4}})(?![0-9]))?",
    ),
    (
        "en_dm",
        rf"(?<![0-9a-z])(?P<en_dm_d>[0-9]{{1,2}})(?:st|nd|rd|th)?\s*(?:of\s+)?(?P<en_dm_mon>{_MON})"
        rf"(?:\s*,?\s*(?P<en_dm_y>[0-9]{{4}})(?![0-9]))?",
    ),
    (
        "md_zh",
        rf"{_NB}(?P<md_zh_m>{_N2})\s*月\s*(?P<md_zh_d>{_N2})(?:\s*[日号]|(?![0-9元块件个天周]))",
    ),
    (
        "md",
        r"(?<![0-9./:-])(?P<md_a>[0-9]{1,2})(?P<md_sep>[-/])(?P<md_b>[0-9]{1,2})"
        r"(?![0-9./:-]|\s*[天日周个件元块号年月小分秒%])",
    ),
    ("md_dot", r"(?<![0-9.])(?P<md_dot_m>[0-9]{1,2})\.(?P<md_dot_d>[0-9]{1,2})\s*[号日]"),
    ("shuang", r"双\s*(?P<shuang_n>十一|11|十二|12)(?![0-9])"),
    (
        "rel_month",
        rf"(?P<rel_month_p>上上个?|上个?|这个?|本|下个?)\s*月\s*(?P<rel_month_d>{_N2})\s*[号日]",
    ),
    (
        "wd_zh",
        r"(?:(?P<wd_zh_p>上上个?|上个?|这个?|本|下下个?|下个?)|(?<![0-9零〇一二两三四五六七八九十几每]))"
        r"(?:周|星期|礼拜)(?P<wd_zh_w>一(?![直次样起定般些切共律])|[二三四五六日天1-7])",
    ),
    (
        "wd_en",
        r"(?<![a-z])(?:(?P<wd_en_p>last|this|next|past)\s+)?"
        r"(?P<wd_en_w>monday|tuesday|wednesday|thursday|friday|saturday|sunday)(?![a-z])",
    ),
    (
        "ago_zh",
        rf"(?<![0-9])(?P<ago_zh_n>[0-9]{{1,4}}|{_CN}|半)\s*(?P<ago_zh_u>天|日|周|个?星期|个?礼拜|个月|年)"
        rf"\s*(?P<ago_zh_dir>以前|之前|前|以后|之后|后)",
    ),
    (
        "ago_en",
        rf"(?<![0-9a-z])(?:(?P<ago_en_n>{_EN_N})\s+(?P<ago_en_u>(?:day|week|month|year)s?)\s+"
        rf"(?P<ago_en_dir>ago|from\s+now)|in\s+(?P<ago_en_n2>{_EN_N})\s+"
        rf"(?P<ago_en_u2>(?:day|week|month|year)s?))(?![a-z])",
    ),
    (
        "rel_zh",
        r"(?P<rel_zh_w>大前天|(?<![之以提])前天(?!猫)|昨天|昨日|昨晚|昨早|前晚|今天|今日|今早|今晚"
        r"|明天|明日|明早|明晚|大后天|(?<![之以然最])后天(?!猫))",
    ),
    (
        "rel_en",
        r"(?<![a-z])(?P<rel_en_w>(?:the\s+)?day\s+before\s+yesterday|(?:the\s+)?day\s+after\s+"
        r"tomorrow|yesterday|today|tonight|tomorrow|last\s+night"
        r"|this\s+(?:morning|afternoon|evening))(?![a-z])",
    ),
    ("dom", rf"{_NB}(?P<dom_d>{_N2})\s*[号日](?![楼线门床室店仓内起无达以之前后])"),
)
_INSTANT_FORMS: Final = (
    (
        "ago_zh_t",
        rf"(?<![0-9])(?P<ago_zh_t_n>[0-9]{{1,4}}|{_CN}|半)\s*(?P<ago_zh_t_u>个?小时|个?钟头|分钟)"
        rf"\s*(?P<ago_zh_t_dir>以前|之前|前|以后|之后|后)",
    ),
    (
        "ago_en_t",
        rf"(?<![0-9a-z])(?:(?P<ago_en_t_n>{_EN_N})\s+(?P<ago_en_t_u>(?:hour|hr|minute|min)s?)\s+"
        rf"(?P<ago_en_t_dir>ago|from\s+now)|in\s+(?P<ago_en_t_n2>{_EN_N})\s+"
        rf"(?P<ago_en_t_u2>(?:hour|hr|minute|min)s?))(?![a-z])",
    ),
    ("just_now", r"刚才|刚刚|(?<![a-z])just\s+now(?![a-z])"),
)
_TIME_SEP = r"\s*(?:t|at|,|的)?\s*(?=[凌清早上中下傍晚夜半深0-9一二两三四五六七八九十])"
_MASTER: Final = re.compile(
    "|".join(rf"(?P<{kind}>{pattern})" for kind, pattern in _INSTANT_FORMS)
    + "|(?:"
    + "|".join(rf"(?P<{kind}>{pattern})" for kind, pattern in _DATE_FORMS)
    + rf")(?:{_TIME_SEP}(?P<t_per>{_PERIOD})?\s*(?:{_clock('t_')})?(?<![\s,的t]))?"
    + rf"|(?P<tonly>(?P<o_per>{_PERIOD})?\s*(?:{_clock('o_')}))"
)
_DATE_KINDS: Final = tuple(kind for kind, _ in _DATE_FORMS)
_INSTANT_KINDS: Final = tuple(kind for kind, _ in _INSTANT_FORMS)

_FILLER = re.compile(
    r"^(?:(?:大概|大约|约|差不多)\s*|(?:about|around|approx\.?|on)\s+)|\s*(?:左右|吧|那天|的时候)$"
)
_TRIM = " \t\r\n.,!?;。、"


# --- resolution --------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Ctx:
    now: datetime  # UTC
    zone: ZoneInfo
    today: date  # local
    allow_future: bool
    cjk: bool


@dataclass(frozen=True)
class _Day:
    day: date
    period: str | None = None  # implied by 昨晚 / tonight: applies to a following bare hour


class _Refuse(Exception):
    def __init__(
        self,
        code: DateErrorCode,
        options: tuple[date, ...] = (),
        moments: tuple[ParsedMoment, ...] = (),
    ) -> None:
        super().__init__(code)
        self.code: DateErrorCode = code
        self.options = options
        self.moments = moments


def small_number(text: str) -> int | None:
    """ "3", "三", "十二", "两", "three" → int; ``None`` for anything else. Shared with intake."""
    folded = fold_text(text.strip())
    if not re.fullmatch(rf"[0-9]{{1,9}}|{_CN}|{_EN_N}", folded):
        return None
    return _num(folded)


def _num(text: str) -> int:
    if text.isascii() and text.isdigit():
        return int(text)
    if text in _EN_NUM:
        return _EN_NUM[text]
    tens, ten, ones = text.partition("十")
    if not ten:
        return _CN_DIGIT[text]
    return (_CN_DIGIT[tens] if tens else 1) * 10 + (_CN_DIGIT[ones] if ones else 0)


def _make_date(year: int, month: int, day: int) -> date:
    if year < 1900:
        raise _Refuse("too_old")
    if year > 2999:  # far outside any shopping dispute; also keeps datetime arithmetic in range
        raise _Refuse("invalid")
    try:
        return date(year, month, day)
    except ValueError:
        raise _Refuse("invalid") from None


def _exists(month: int, day: int) -> bool:
    try:
        date(2000, month, day)  # a leap year: 2月29日 exists, 2月30日 never does
    except ValueError:
        return False
    return True


def _yearless(month: int, day: int, c: _Ctx) -> date:
    """Most recent past occurrence (or next, when the future is allowed) of month/day."""
    if not _exists(month, day):
        raise _Refuse("invalid")
    step = 1 if c.allow_future else -1
    for offset in range(9):  # 8 years always reach a 29 February
        year = c.today.year + step * offset
        try:
            candidate = date(year, month, day)
        except ValueError:
            continue
        if (candidate >= c.today) if c.allow_future else (candidate <= c.today):
            return candidate
    raise _Refuse("invalid")  # pragma: no cover - unreachable for a day that exists


def _add_months(day: date, months: int, *, clamp: bool) -> date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    for dd in range(day.day, 0 if clamp else day.day - 1, -1):
        try:
            return date(year, month + 1, dd)
        except ValueError:
            continue
    raise _Refuse("invalid")


def _two_readings(a: int, b: int, year: int | None, c: _Ctx) -> date:
    """Numeric "a/b": month/day or day/month, refused as ambiguous when both are real dates."""

    def reading(month: int, day: int) -> date | None:
        try:
            return _yearless(month, day, c) if year is None else date(year, month, day)
        except (ValueError, _Refuse):
            return None

    month_first, day_first = reading(a, b), reading(b, a)
    if month_first and day_first and a != b:
        raise _Refuse("ambiguous", (month_first, day_first))
    found = month_first or day_first
    if found is None:
        raise _Refuse("invalid")
    return found


def _ymd_zh(m: re.Match[str], c: _Ctx) -> _Day:
    if m["ymd_zh_y4"]:
        year = int(m["ymd_zh_y4"])
    else:
        year = 2000 + int(m["ymd_zh_y2"])
        if year > c.today.year + 1:
            year -= 100
    return _Day(_make_date(year, _num(m["ymd_zh_m"]), _num(m["ymd_zh_d"])))


def _ymd(m: re.Match[str], c: _Ctx) -> _Day:
    return _Day(_make_date(int(m["ymd_y"]), int(m["ymd_m"]), int(m["ymd_d"])))


def _xxy(m: re.Match[str], c: _Ctx) -> _Day:
    return _Day(_two_readings(int(m["xxy_a"]), int(m["xxy_b"]), int(m["xxy_y"]), c))


def _en_month_day(mon: str, day: str, year: str | None, c: _Ctx) -> _Day:
    month = _MONTHS.index(mon[:3]) + 1
    if year:
        return _Day(_make_date(int(year), month, int(day)))
    return _Day(_yearless(month, int(day), c))


def _en_md(m: re.Match[str], c: _Ctx) -> _Day:
    return _en_month_day(m["en_md_mon"], m["en_md_d"], m["en_md_y"], c)


def _en_dm(m: re.Match[str], c: _Ctx) -> _Day:
    return _en_month_day(m["en_dm_mon"], m["en_dm_d"], m["en_dm_y"], c)


def _md_zh(m: re.Match[str], c: _Ctx) -> _Day:
    return _Day(_yearless(_num(m["md_zh_m"]), _num(m["md_zh_d"]), c))


def _md(m: re.Match[str], c: _Ctx) -> _Day:
    a, b = int(m["md_a"]), int(m["md_b"])
    if m["md_sep"] == "-" or c.cjk:
        return _Day(_yearless(a, b, c))
    return _Day(_two_readings(a, b, None, c))


def _md_dot(m: re.Match[str], c: _Ctx) -> _Day:
    """ "11.3号": a Chinese month.day; only with 号/日, since a bare "11.3" is a price."""
    return _Day(_yearless(int(m["md_dot_m"]), int(m["md_dot_d"]), c))


def _shuang(m: re.Match[str], c: _Ctx) -> _Day:
    month = 11 if m["shuang_n"] in ("十一", "11") else 12
    return _Day(_yearless(month, month, c))


_MONTH_SHIFT = {"上上": -2, "上": -1, "这": 0, "本": 0, "下": 1, "下下": 2}  # months or weeks


def _rel_month(m: re.Match[str], c: _Ctx) -> _Day:
    first = _add_months(
        c.today.replace(day=1), _MONTH_SHIFT[m["rel_month_p"].rstrip("个")], clamp=True
    )
    return _Day(_make_date(first.year, first.month, _num(m["rel_month_d"])))


def _weekday(target: int, prefix: str | None, c: _Ctx) -> date:
    today = c.today
    monday = today - timedelta(days=today.weekday())
    if prefix in ("上上", "上", "这", "本", "下", "下下"):
        return monday + timedelta(days=7 * _MONTH_SHIFT[prefix] + target)
    back = (today.weekday() - target) % 7
    ahead = (target - today.weekday()) % 7
    if prefix == "this":
        return monday + timedelta(days=target)
    if prefix in ("last", "past"):
        return today - timedelta(days=back or 7)
    if prefix == "next":
        return today + timedelta(days=ahead or 7)
    return today + timedelta(days=ahead) if c.allow_future else today - timedelta(days=back)


def _wd_zh(m: re.Match[str], c: _Ctx) -> _Day:
    prefix = m["wd_zh_p"].rstrip("个") if m["wd_zh_p"] else None
    weekday = int(m["wd_zh_w"]) - 1 if m["wd_zh_w"].isdigit() else _WEEKDAY_ZH[m["wd_zh_w"]]
    return _Day(_weekday(weekday, prefix, c))


def _wd_en(m: re.Match[str], c: _Ctx) -> _Day:
    weekday = _WEEKDAYS_EN.index(m["wd_en_w"])
    return _Day(_weekday(weekday, m["wd_en_p"], c))


def _offset_date(n: str, unit: str, sign: int, c: _Ctx) -> _Day:
    if n == "半":  # 半个月 = 15 days, 半年 = 6 months; "半天前" (half a day) is no date
        if unit == "个月":
            return _Day(c.today + timedelta(days=sign * 15))
        if unit == "年":
            return _Day(_add_months(c.today, sign * 6, clamp=True))
        raise _Refuse("unrecognised")
    count = _num(n)
    unit = unit.rstrip("s").lstrip("个")
    if unit in ("天", "日", "day"):
        return _Day(c.today + timedelta(days=sign * count))
    if unit in ("周", "星期", "礼拜", "week"):
        return _Day(c.today + timedelta(days=sign * 7 * count))
    if count > 1200:
        raise _Refuse("too_old" if sign < 0 else "invalid")
    months = count * (12 if unit in ("年", "year") else 1)
    return _Day(_add_months(c.today, sign * months, clamp=True))


def _ago_zh(m: re.Match[str], c: _Ctx) -> _Day:
    sign = -1 if "前" in m["ago_zh_dir"] else 1
    return _offset_date(m["ago_zh_n"], m["ago_zh_u"], sign, c)


def _ago_en(m: re.Match[str], c: _Ctx) -> _Day:
    if m["ago_en_n2"]:
        return _offset_date(m["ago_en_n2"], m["ago_en_u2"], 1, c)
    sign = -1 if m["ago_en_dir"] == "ago" else 1
    return _offset_date(m["ago_en_n"], m["ago_en_u"], sign, c)


_REL_ZH: Final = {
    "大前天": (-3, None), "前天": (-2, None), "前晚": (-2, "晚上"), "昨天": (-1, None),
    "昨日": (-1, None), "昨晚": (-1, "晚上"), "昨早": (-1, "早上"), "今天": (0, None),
    "今日": (0, None), "今早": (0, "早上"), "今晚": (0, "晚上"), "明天": (1, None),
    "明日": (1, None), "明早": (1, "早上"), "明晚": (1, "晚上"), "后天": (2, None),
    "大后天": (3, None),
}  # fmt: skip
_REL_EN: Final = {
    "day before yesterday": (-2, None), "yesterday": (-1, None), "last night": (-1, "晚上"),
    "today": (0, None), "tonight": (0, "晚上"), "this morning": (0, "上午"),
    "this afternoon": (0, "下午"), "this evening": (0, "晚上"), "tomorrow": (1, None),
    "day after tomorrow": (2, None),
}  # fmt: skip


def _rel_zh(m: re.Match[str], c: _Ctx) -> _Day:
    days, period = _REL_ZH[m["rel_zh_w"]]
    return _Day(c.today + timedelta(days=days), period)


def _rel_en(m: re.Match[str], c: _Ctx) -> _Day:
    key = " ".join(m["rel_en_w"].split()).removeprefix("the ")
    days, period = _REL_EN[key]
    return _Day(c.today + timedelta(days=days), period)


def _dom(m: re.Match[str], c: _Ctx) -> _Day:
    """ "3号": the 3rd of this month, or of the nearest earlier month where it is not ahead."""
    day = _num(m["dom_d"])
    if not 1 <= day <= 31:
        raise _Refuse("invalid")
    step = 1 if c.allow_future else -1
    first = c.today.replace(day=1)
    for offset in range(13):
        month = _add_months(first, step * offset, clamp=True)
        try:
            candidate = month.replace(day=day)
        except ValueError:
            continue
        if (candidate >= c.today) if c.allow_future else (candidate <= c.today):
            return _Day(candidate)
    raise _Refuse("invalid")  # pragma: no cover - a day 1..31 recurs within a year


def _instant(m: re.Match[str], kind: str, c: _Ctx) -> datetime:
    if kind == "just_now":
        return c.now
    p = kind + "_"
    n, unit, sign = m[p + "n"], m[p + "u"], -1
    if n is None:
        n, unit, sign = m[p + "n2"], m[p + "u2"], 1
    elif not ("前" in m[p + "dir"] or m[p + "dir"] == "ago"):
        sign = 1
    hours = "时" in unit or "钟头" in unit or unit.startswith("h")
    unit_seconds = 3600 if hours else 60
    seconds = unit_seconds // 2 if n == "半" else _num(n) * unit_seconds
    return c.now + timedelta(seconds=sign * seconds)


_DAY_RESOLVERS: Final[dict[str, Callable[[re.Match[str], _Ctx], _Day]]] = {
    "ymd_zh": _ymd_zh, "ymd": _ymd, "xxy": _xxy, "en_md": _en_md, "en_dm": _en_dm,
    "md_zh": _md_zh, "md": _md, "md_dot": _md_dot, "shuang": _shuang, "rel_month": _rel_month,
    "wd_zh": _wd_zh, "wd_en": _wd_en, "ago_zh": _ago_zh, "ago_en": _ago_en, "rel_zh": _rel_zh,
    "rel_en": _rel_en, "dom": _dom,
}  # fmt: skip
assert set(_DAY_RESOLVERS) == set(_DATE_KINDS)


@dataclass(frozen=True)
class _Clock:
    hour: int  # 0..24; 24 is midnight at the end of the day (晚上12点)
    minute: int
    second: int
    offset: tzinfo | None  # an explicit ISO offset ("+08:00", "Z") overrides the user's zone


_EVENING = ("下午", "傍晚", "晚上", "夜间")
_NIGHT = ("夜里", "半夜", "深夜")


def _read_clock(m: re.Match[str], p: str, period: str | None) -> _Clock | None:
    offset: tzinfo | None = None
    ampm: str | None = None
    if m[p + "h"]:
        hour, minute, second = int(m[p + "h"]), int(m[p + "m"]), int(m[p + "s"] or 0)
        ampm, offset = m[p + "ap"], _offset(m[p + "off"])
    elif m[p + "hc"]:
        hour, second = _num(m[p + "hc"]), 0
        half = m[p + "half"]
        minute = {"半": 30, "一刻": 15, "三刻": 45}[half] if half else _num(m[p + "mc"] or "0")
    elif m[p + "ha"]:
        hour, minute, second, ampm = int(m[p + "ha"]), 0, 0, m[p + "ap2"]
    else:
        return None
    if ampm:
        if not 1 <= hour <= 12:
            raise _Refuse("invalid")
        hour = hour % 12 + (12 if ampm.startswith("p") else 0)
    elif period:
        hour = _apply_period(hour, period)
    if hour > 24 or minute > 59 or second > 59 or (hour == 24 and (minute or second)):
        raise _Refuse("invalid")
    return _Clock(hour, minute, second, offset)


def _apply_period(hour: int, period: str) -> int:
    """下午3点 → 15, 晚上12点 → 24 (end of that day), 凌晨12点 → 0, 半夜1点 → 1."""
    if hour > 12:
        return hour
    if period in _EVENING:
        return hour + 12
    if period == "中午":
        return hour + 12 if hour < 11 else hour
    if period in _NIGHT:
        return 24 if hour == 12 else (hour + 12 if hour >= 6 else hour)
    if period == "凌晨" and hour == 12:
        return 0
    return hour


def _offset(text: str | None) -> tzinfo | None:
    if text is None:
        return None
    if text == "z":
        return UTC
    digits = text[1:].replace(":", "")
    delta = timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
    if delta >= timedelta(hours=24):
        raise _Refuse("invalid")
    return timezone(-delta if text[0] == "-" else delta)


def _at(day: date, clock: _Clock | None, c: _Ctx) -> datetime:
    if clock is None:
        return datetime.combine(day, time(), tzinfo=c.zone).astimezone(UTC)
    if clock.hour == 24:
        day, hour = day + timedelta(days=1), 0
    else:
        hour = clock.hour
    local = time(hour, clock.minute, clock.second)
    return datetime.combine(day, local, tzinfo=clock.offset or c.zone).astimezone(UTC)


def _checked(at: datetime, has_time: bool, c: _Ctx) -> ParsedMoment:
    if at > c.now and not c.allow_future:
        raise _Refuse("future")
    cutoff = _add_months(c.today, -12 * MAX_AGE_YEARS, clamp=True)
    if at.astimezone(c.zone).date() < cutoff:
        raise _Refuse("too_old")
    return ParsedMoment(at=at, has_time=has_time)


def _resolve(m: re.Match[str], c: _Ctx) -> ParsedMoment | None:
    """The moment a grammar match stands for; ``None`` when the match is not a moment after
    all (a bare "3点"); raises ``_Refuse`` for a date that cannot be accepted."""
    kind = next(k for k in (*_INSTANT_KINDS, *_DATE_KINDS, "tonly") if m[k] is not None)
    if kind in _INSTANT_KINDS:
        return _checked(_instant(m, kind, c), True, c)
    if kind == "tonly":
        if m["o_hc"] and not m["o_per"]:
            return None
        clock = _read_clock(m, "o_", m["o_per"])
        assert clock is not None  # the tonly branch always contains a clock
        at = _at(c.today, clock, c)
        if c.allow_future and at < c.now:
            at = _at(c.today + timedelta(days=1), clock, c)
        elif not c.allow_future and at > c.now:
            at = _at(c.today - timedelta(days=1), clock, c)
        return _checked(at, True, c)
    try:
        day = _DAY_RESOLVERS[kind](m, c)
    except _Refuse as refusal:
        if refusal.code == "ambiguous":
            raise _Refuse("ambiguous", moments=_readings(refusal.options, m, c)) from None
        raise
    clock = _read_clock(m, "t_", m["t_per"] or day.period)
    return _checked(_at(day.day, clock, c), clock is not None, c)


def _readings(days: tuple[date, ...], m: re.Match[str], c: _Ctx) -> tuple[ParsedMoment, ...]:
    """The acceptable readings of an ambiguous date, offered back to the shopper."""
    clock = _read_clock(m, "t_", m["t_per"])
    readings = []
    for day in days:
        try:
            readings.append(_checked(_at(day, clock, c), clock is not None, c))
        except _Refuse:
            continue
    return tuple(readings)


def _context(text: str, now: datetime, tz: str, allow_future: bool) -> _Ctx:
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be timezone-aware")
    zone = ZoneInfo(tz)
    now_utc = now.astimezone(UTC)
    return _Ctx(now_utc, zone, now_utc.astimezone(zone).date(), allow_future, has_cjk(text))


def parse_moment(text: str, now: datetime, tz: str, *, allow_future: bool = False) -> ParsedMoment:
    """Parse one date/time typed into a field ("2026-11-03", "11月3号下午3点", "3 days ago").

    ``now`` must be aware; ``tz`` is the shopper's IANA zone (an unknown zone raises
    ``zoneinfo.ZoneInfoNotFoundError``: that is a configuration error, not the shopper's).
    """
    c = _context(text, now, tz, allow_future)
    body = fold_text(text).strip(_TRIM)
    if not body:
        raise DateError("empty", text)
    body = _FILLER.sub("", body).strip(_TRIM)
    match = _MASTER.fullmatch(body)
    if match is None:
        raise DateError("unrecognised", text)
    try:
        result = _resolve(match, c)
    except _Refuse as refusal:
        raise DateError(refusal.code, text, refusal.moments) from None
    if result is None:
        raise DateError("unrecognised", text)
    return result


def find_moments(
    text: str, now: datetime, tz: str, *, allow_future: bool = False
) -> list[FoundMoment]:
    """Every date expression in a free-text message, in order, with what each resolved to.

    A refused expression (future, ambiguous, invalid…) is reported with its ``DateError``
    rather than dropped, so intake can tell the shopper what it would not guess.
    """
    c = _context(text, now, tz, allow_future)
    found = []
    for match in _MASTER.finditer(fold_text(text)):
        start, end = match.span()
        while end > start and text[end - 1].isspace():
            end -= 1
        fragment = text[start:end]
        try:
            result: ParsedMoment | DateError | None = _resolve(match, c)
        except _Refuse as refusal:
            result = DateError(refusal.code, fragment, refusal.moments)
        if result is not None and not (
            isinstance(result, DateError) and result.code == "unrecognised"
        ):  # "半天前" looks like a date but is none: not worth reporting in free text
            found.append(FoundMoment(start, end, fragment, result))
    return found
