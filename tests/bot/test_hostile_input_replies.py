"""Hostile input at every parser a shopper reaches in the chat, through the real dispatcher.

Typed dates and times, durations, amounts, free-text intake, product page addresses and forged
button data — thousands of generated inputs. For each one:

1. nothing reaches the error boundary: no apology, no failure logged;
2. the shopper sees an answer Telegram would accept (valid HTML within the length limits; a
   button press is always answered, with a text or a changed message);
3. what was saved before is still there, unchanged (only what the input validly set differs).

Each test is one shopper in one chat for all its examples; the dialog is brought back to the
question before each example when the previous one moved it on. The flood limit is kept out
of the way by a throttle clock that advances a minute per update.

The clock reads Sunday 2026-11-22 18:00 in Asia/Shanghai (10:00 UTC).
"""

from __future__ import annotations

import itertools
import logging
import re
from collections.abc import AsyncIterator, Iterable
from datetime import UTC, datetime
from html import escape, unescape
from typing import Any

import pytest
from aiogram import Dispatcher
from aiogram.filters.callback_data import CallbackData
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot import (
    callbacks,
    complaint_callbacks,
    deadline_callbacks,
    evidence_callbacks,
    price_callbacks,
    timeline_callbacks,
)
from bot.callbacks import FieldCb
from bot.deadline_callbacks import PrefsCb, PrefsInput, RemindInput
from bot.i18n import catalog, texts
from bot.local_chat import LocalChat
from bot.local_session import Outgoing
from bot.middlewares.throttle import ThrottleMiddleware
from bot.price_callbacks import PriceCb, PriceInput
from bot.routers.intake import MAX_DESCRIPTION
from bot.states import EditField, Intake, TzInput
from bot.timeline_callbacks import LogStep, TlKindCb, TlOptCb
from shopguard.case_fields import FIELDS, clean_text, has_words, parse_field
from shopguard.cases import open_case
from shopguard.dates import DateError, parse_moment
from shopguard.db.models import (
    Case,
    PriceObservation,
    PriceWatchRow,
    Reminder,
    TimelineEvent,
    User,
)
from shopguard.errors import InputError
from shopguard.escalation import EntryKind
from shopguard.intake import parse_intake
from shopguard.money import AmountError, parse_amount
from shopguard.prices import PriceFound, parse_reported_price
from shopguard.reminders.parse import parse_follow_up, parse_offsets, parse_quiet_hours
from shopguard.reminders.schedule import prefs_of
from shopguard.taxonomy import Language
from shopguard.timezones import parse_timezone
from tests.bot.conftest import dialog_of

T = texts(Language.ZH)
TZ = "Asia/Shanghai"
NOW = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)
ORDERED = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)
SIGNED = datetime(2026, 11, 21, 6, 0, tzinfo=UTC)
MESSAGE_LIMIT, CAPTION_LIMIT, ANSWER_LIMIT = 4096, 1024, 200
INTAKE_FACTS = ("platform", "problem_type", "category", "order_no", "amount_fen", "ordered_at",
                "signed_at", "shop_name", "item", "live_room_id")  # fmt: skip

Saved = dict[str, dict[int, dict[str, Any]]]


def opening(key: str) -> str:
    """The catalog text ``key`` up to its first placeholder: how a reply of that kind begins."""
    return catalog(Language.ZH)[key].split("{")[0]


APOLOGY = opening("error.generic")

# --- what Telegram accepts ---------------------------------------------------------------------

_TELEGRAM_TAGS = {
    "b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre", "span",
    "tg-spoiler", "tg-emoji", "blockquote",
}  # fmt: skip
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)(\s[^<>]*)?>")
_ENTITY = re.compile(r"&(?:lt|gt|amp|quot|#[0-9]{1,7}|#x[0-9a-fA-F]{1,6});")


def telegram_visible(html: str) -> str:
    """The text Telegram shows for ``html`` (parse mode HTML); fails where Telegram would refuse
    it ("can't parse entities"): an unknown or unbalanced tag, a bare ``<`` or ``&``."""
    shown: list[str] = []
    open_tags: list[str] = []
    pos = 0
    while pos < len(html):
        char = html[pos]
        if char == "<":
            tag = _TAG.match(html, pos)
            assert tag is not None, f"a bare '<' at {pos}: {html[pos : pos + 40]!r}"
            closing, name = tag.group(1), tag.group(2).lower()
            assert name in _TELEGRAM_TAGS, f"<{name}> is not a Telegram tag"
            if closing:
                assert open_tags and open_tags.pop() == name, f"</{name}> closes nothing"
            else:
                open_tags.append(name)
            pos = tag.end()
        elif char == "&":
            entity = _ENTITY.match(html, pos)
            assert entity is not None, f"a bare '&' at {pos}: {html[pos : pos + 40]!r}"
            shown.append(unescape(entity.group()))
            pos = entity.end()
        else:
            shown.append(char)
            pos += 1
    assert not open_tags, f"unclosed {open_tags}"
    return "".join(shown)


def test_the_telegram_check_refuses_what_telegram_refuses() -> None:
    assert telegram_visible("<b>案件 1</b> &lt;b&gt; &amp; &#128512;") == "案件 1 <b> & 😀"
    for broken in ("a < b", "<script>", "<b>open", "</i>", "&nbsp;", "AT&T", "<b><i></b></i>"):
        with pytest.raises(AssertionError):
            telegram_visible(broken)


def what_the_shopper_sees(replies: list[Outgoing], *, pressed: bool = False) -> list[str]:
    """The texts shown, each checked as Telegram would take it; never an apology."""
    assert replies, "no answer at all"
    if pressed:
        assert any(r.method == "answerCallbackQuery" for r in replies), "the press spins forever"
    seen: list[str] = []
    for reply in replies:
        text = reply.text or ""
        assert not text.startswith(APOLOGY), text
        assert text != T("throttle.notice")
        if reply.method == "answerCallbackQuery":
            assert len(text) <= ANSWER_LIMIT, text
            if text:
                seen.append(text)
            continue
        visible = telegram_visible(text)
        if reply.method in ("sendMessage", "editMessage"):
            assert visible.strip(), f"an empty {reply.method}"
            assert len(visible) <= MESSAGE_LIMIT, f"{reply.method} of {len(visible)} characters"
            seen.append(text)
        else:
            assert len(visible) <= CAPTION_LIMIT, f"a caption of {len(visible)} characters"
            seen.append(text or reply.method)
    assert seen, f"nothing visible: {replies}"
    return seen


# --- the shopper, with things saved ------------------------------------------------------------


class _Failures(logging.Handler):
    """Failures the error boundary (or the dispatcher) logged."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


class Shop:
    """A shopper with a 价保 case, a reported price, a follow-up and a logged step."""

    def __init__(
        self,
        chat: LocalChat,
        sessions: async_sessionmaker[AsyncSession],
        case_id: int,
        failures: _Failures,
    ) -> None:
        self.chat, self.sessions, self.case_id, self.failures = chat, sessions, case_id, failures
        self.last: Saved = {}

    def __repr__(self) -> str:
        return f"Shop(user {self.chat.user.id}, case {self.case_id})"

    async def say(self, text: str) -> list[str]:
        return self._checked(await self.chat.send(text), pressed=False)

    async def press(self, data: str) -> list[str]:
        return self._checked(await self.chat.press_data(data), pressed=True)

    def _checked(self, replies: list[Outgoing], *, pressed: bool) -> list[str]:
        failed = [r.getMessage() for r in self.failures.records]
        self.failures.records.clear()
        assert failed == [], failed
        return what_the_shopper_sees(replies, pressed=pressed)

    async def dialog(self) -> tuple[str | None, dict[str, Any]]:
        return await dialog_of(self.chat)

    async def kept(self, may_change: Iterable[tuple[str, str]] = ()) -> Saved:
        """Everything saved before the example is still there; returns what is saved now."""
        now = await saved_rows(self.sessions, self.chat.user.id)
        assert_kept(self.last, now, may_change=may_change)
        before, self.last = self.last, now
        return before


async def saved_rows(sessions: async_sessionmaker[AsyncSession], user_id: int) -> Saved:
    """The shopper's cases, logged steps, prices, watches and follow-ups, by id."""
    tables: dict[str, Any] = {
        "cases": select(Case).where(col(Case.user_id) == user_id),
        "timeline": select(TimelineEvent).where(col(TimelineEvent.user_id) == user_id),
        "prices": select(PriceObservation).where(col(PriceObservation.user_id) == user_id),
        "watches": select(PriceWatchRow).where(col(PriceWatchRow.user_id) == user_id),
        "follow_ups": select(Reminder).where(
            col(Reminder.user_id) == user_id, col(Reminder.kind) == "custom"
        ),
    }
    async with sessions() as session:
        return {
            name: {row.id: row.model_dump() for row in (await session.exec(query)).all()}
            for name, query in tables.items()
        }


def assert_kept(before: Saved, after: Saved, *, may_change: Iterable[tuple[str, str]]) -> None:
    """Every row saved before is still there with the same values, except in the (table,
    column) pairs the input may validly have set."""
    allowed = set(may_change)
    for table, rows in before.items():
        for row_id, row in rows.items():
            assert row_id in after[table], f"{table} {row_id} was lost"
            now = after[table][row_id]
            changed = {k: (v, now[k]) for k, v in row.items() if v != now[k]}
            assert not {k for k in changed if (table, k) not in allowed}, (table, changed)


def new_rows(before: Saved, after: Saved, table: str) -> list[dict[str, Any]]:
    return [row for row_id, row in after[table].items() if row_id not in before[table]]


# the facts the shopper gave when opening the case: no other input may change them
CORE = ("user_id", "number", "status", "platform", "problem_type", "item", "shop_name", "order_no",
        "amount_fen", "quantity", "ordered_at", "signed_at", "notes", "created_at")  # fmt: skip
DERIVED = [("cases", name) for name in Case.model_fields if name not in CORE]


def calm_throttle(dispatcher: Dispatcher) -> None:
    """Each update arrives a minute after the last: the flood limit never applies."""
    minutes = itertools.count(start=1000.0, step=60.0)
    calmed = 0
    for router in dispatcher.sub_routers:
        for observer in (router.message, router.callback_query):
            for middleware in observer.outer_middleware:
                if isinstance(middleware, ThrottleMiddleware):
                    middleware.monotonic = minutes.__next__
                    calmed += 1
    assert calmed, "no flood limit found to keep out of the way"


async def saved_case(sessions: async_sessionmaker[AsyncSession], user_id: int, **facts: Any) -> int:
    async with sessions() as session:
        case = await open_case(session, user_id, NOW, **facts)
        await session.commit()
    assert case.id is not None
    return case.id


@pytest.fixture
async def shop(
    chat: LocalChat, dispatcher: Dispatcher, sessions: async_sessionmaker[AsyncSession]
) -> AsyncIterator[Shop]:
    calm_throttle(dispatcher)
    failures = _Failures()
    loggers = [logging.getLogger(name) for name in ("shopguard.errors", "aiogram.event")]
    for logger in loggers:
        logger.addHandler(failures)
    await chat.send("/start")
    case_id = await saved_case(
        sessions,
        chat.user.id,
        problem_type="price_drop",
        platform="douyin",
        item="蓝牙耳机",
        shop_name="某某数码旗舰店",
        order_no="DY4829301756218843",
        amount_fen=19800,
        quantity=2,
        ordered_at=ORDERED,
        signed_at=SIGNED,
        notes="左耳没声音",
    )
    shop = Shop(chat, sessions, case_id, failures)
    assert "已记录现价 ¥89.00" in (await shop.say("/price 89"))[0]
    assert (await shop.say("/remind 2h 跟进商家回复"))[0].startswith("⏰ 好的")
    await shop.press(TlKindCb(case_id=case_id, kind="intervention_requested").pack())
    assert "✅ 已记录" in (await shop.press(TlOptCb(value="now").pack()))[-1]
    shop.last = await saved_rows(sessions, chat.user.id)
    assert [len(shop.last[t]) for t in ("cases", "timeline", "prices", "follow_ups")] == [1] * 4
    yield shop
    for logger in loggers:
        logger.removeHandler(failures)


def hostile(examples: int) -> settings:
    """One chat for all the examples of a test (the fixture is set up once); no deadline."""
    return settings(
        max_examples=examples,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )


# --- strategies --------------------------------------------------------------------------------

CONTROL = "\x00\x01\x07\x08\x0b\x0c\x1b\x7f\x85\u200b\u200c\u200d\u2060\ufeff\ufffe"
BIDI = "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u061c"
SPACES = " \t\n\r\u00a0\u1680\u2000\u2003\u2028\u2029\u202f\u3000"
EMOJI = "😡🤬👍🏽👨‍👩‍👧‍👦🏳️‍🌈🇨🇳💯🔥\U0001f9d1\u200d\U0001f4bb"
MARKUP = "<>&\"'`\\/*_~[]()#|"
FULL_WIDTH = "０１２３４５６７８９．，－＋￥"
SPECIAL = CONTROL + BIDI + SPACES + EMOJI + MARKUP + FULL_WIDTH


def long_text(parts: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """Up to 5000 characters, built by repetition (cheap to generate and to shrink)."""
    return st.builds(lambda s, n: (s * n)[:5000], parts.filter(bool), st.integers(50, 2500))


ANY_TEXT = st.one_of(
    st.text(min_size=1, max_size=60),
    st.text(alphabet=st.sampled_from(SPECIAL), min_size=1, max_size=40),
    st.text(alphabet=st.sampled_from(SPACES + CONTROL + BIDI), min_size=1, max_size=12),
    long_text(st.text(min_size=1, max_size=8)),
    st.sampled_from(["<b>", "</b>", "<script>alert(1)</script>", "&amp;", "&#0;", "&nbsp;",
                     "<a href='x'>", "\u202e1.99", "'; DROP TABLE cases; --", "%s%n", "{0}",
                     "{field}", "\\x00", "null", "None", "undefined", "/", "/start@", "/x y"]),
)  # fmt: skip


PADDING = ["", "", " ", "\n", "\u3000", "\u200b", "\u202e", "\ufeff", "。", "!", "😀", "<b>"]


def partly_valid(valid: list[str], hostile: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """About one input in three valid, bare or padded (the dialog moves on, something is
    stored), the others hostile.

    A weighted draw, not ``one_of``: that would flatten the hostile strategy's own branches and
    leave the valid inputs one branch among many."""
    padded = st.builds(
        "{}{}{}".format, st.sampled_from(PADDING), st.sampled_from(valid), st.sampled_from(PADDING)
    )
    return st.integers(0, 2).flatmap(lambda pick: padded if pick == 0 else hostile)


def _joined(words: list[str], spaces: bool) -> str:
    return (" " if spaces else "").join(words)


def phrases(words: list[str], max_words: int = 4) -> st.SearchStrategy[str]:
    return st.builds(
        _joined, st.lists(st.sampled_from(words), min_size=1, max_size=max_words), st.booleans()
    )


NUMBERS = [
    "-5", "1e9", "1E-3", "99999999999", "0.001", "0", "-0", "00", "0.0", "１２３", "¥-0", "NaN",
    "nan", "inf", "-inf", "Infinity", "1_000", "0x10", "0b11", "1,000,000.00", "1.000,50",
    "١٢٣", "۱۲۳", "²³", "Ⅻ", "一百二十三", "三块五", "9" * 40, "1." + "0" * 30 + "1", ".5",
    "5.", "1..2", "--1", "+-3", "¥", "元", "79-99", "79~99", "US$10", "€5", "10 美元", "￥１９．９",
    "1e309", "-1e309", "9" * 4000, "¥0.005", "398元5角", "1/2", "∞", "💯", "9999", "10000",
    "365", "366", "15天", "0天", "-1天", "1e2天",
]  # fmt: skip
VALID_NUMBERS = ["79", "398.50", "¥19.90", "19.9元", "1,299", "1000", "2", "15", "15天", "365",
                 "现在79", "只要 59.9 元"]  # fmt: skip
NUMERIC = st.one_of(
    st.sampled_from(VALID_NUMBERS),
    st.sampled_from(NUMBERS),
    st.from_regex(
        r"[-+]?[¥￥$]?\s?[0-9０-９]{1,16}([.,．][0-9]{0,6})?([eE][-+]?[0-9]{1,4})?\s?(元|块|rmb|天)?",
        fullmatch=True,
    ),
    phrases([*NUMBERS, *VALID_NUMBERS, "元", "块", "现在", "只要", "了", "¥", "x", "×", "起"], 5),
)

DATE_WORDS = [
    "2026-13-40", "2026-02-30", "2026-02-29", "2024-02-29", "明天", "昨天", "前天", "大后天",
    "上周三", "下下周日", "上上个月", "31/31/2031", "12/11/10", "0000-00-00", "9999-12-31",
    "10000-01-01", "1900-01-01", "1969-12-31", "2016-11-22", "2126-11-22", "-2026-01-01",
    "3天前", "99999天前", "1e9天前", "10点", "25点", "晚上", "凌晨3点", "下午3点半", "24:00",
    "25:61", "12:60", "23:59:60", "今天", "刚才", "现在", "11月3号", "13月1日", "2月30日",
    "十一月三十一日", "二〇二六年", "双十一", "tomorrow", "yesterday", "last friday", "Feb 30",
    "3 days ago", "in 2 hours", "am", "pm", "T", "Z", "+08:00", "年", "月", "日", "号", "周",
    "礼拜八", "星期零", "上午13点", "半夜", "1.5", "2026.11.3", "11.3", "3/11", "2026/11/03",
]  # fmt: skip
YEARS = ["-1", "0", "1", "999", "1900", "1969", "2016", "2026", "2100", "9999", "10000",
         "99999999999", "２０２６"]  # fmt: skip
VALID_DATES = ["2026-11-03", "2026-11-21 10:00", "11月3日", "11月21日下午3点", "昨天 10:00",
               "前天晚上8点", "3天前", "上周五", "2026/11/20", "11-20", "Nov 3", "今天上午9点",
               "2025-12-01", "刚才"]  # fmt: skip
DATES = st.one_of(
    st.sampled_from(VALID_DATES),
    st.sampled_from(DATE_WORDS),
    phrases(DATE_WORDS, 3),
    st.builds(
        "{}{}{}{}{}".format,
        st.sampled_from(YEARS),
        st.sampled_from(["-", "/", ".", "年", " ", ""]),
        st.integers(-1, 99).map(str),
        st.sampled_from(["-", "/", ".", "月", " "]),
        st.integers(-1, 99).map(str),
    ),
)

DURATION_WORDS = [
    "2h", "30分钟", "99999999天", "1e9小时", "-3天", "0分钟", "5分钟", "10分钟", "半小时",
    "一个半月", "1.5h", "1 week", "13个月", "366天", "365天", "30天", "1年", "0.0001秒", "∞天",
    "NaN小时", "后", "以后", "提醒我", "remind me", "in", "to", "跟进", "退款", "每天", "每周一",
    "9" * 30 + "天", "、", ",", "和", "-", "到", "至", "~", "8", "22", "8-8", "22:00-08:00",
    "晚上11点", "早上7点", "不提醒", "关闭",
]  # fmt: skip
VALID_SETTINGS = ["3天、1天、3小时", "1天", "2天 12小时", "12小时", "30分钟", "1天,3小时", "7天",
                  "22:00-08:00", "23-7", "晚上11点到早上7点", "22:30-07:15", "0-6",
                  "下午1点到2点"]  # fmt: skip
DURATIONS = st.one_of(
    st.sampled_from(VALID_SETTINGS),
    phrases(DURATION_WORDS + DATE_WORDS, 5),
    NUMERIC,
    DATES,
    ANY_TEXT,
)

SCHEMES = ["http://", "https://", "HTTP://", "javascript:", "file://", "ftp://",
           "data:text/html,", "", "//", "http:/", "https:///", "http:\\\\",
           "jAvAsCrIpT:alert(1)//", "https://\u202e", " https://"]  # fmt: skip
HOSTS = ["127.0.0.1", "[::1]", "localhost", "item.jd.com", "例子.测试", "xn--fsq.com",
         "169.254.169.254", "0x7f.1", "2130706433", "a" * 300, "user:pass@evil.com",
         "[::ffff:127.0.0.1]", "🦄.com", "", ".", "%00"]  # fmt: skip
URLS = st.one_of(
    st.builds(
        "https://{}/{}".format,
        st.sampled_from(["item.jd.com", "detail.tmall.com", "haohuo.jinritemai.com"]),
        st.one_of(st.text(max_size=30), st.sampled_from(["100012043978.html", "item.htm?id=1"])),
    ),
    st.builds(
        "{}{}{}{}".format,
        st.sampled_from(SCHEMES),
        st.sampled_from(HOSTS),
        st.sampled_from(["", ":0", ":99999", ":-1", ":80"]),
        st.one_of(
            st.just(""),
            st.text(max_size=40).map("/{}".format),
            st.integers(1990, 4100).map(lambda n: "/" + "a" * n),
            st.integers(900, 2100).map(lambda n: "/" + "😀" * n),
        ),
    ),
    ANY_TEXT,
)
PLAIN_URL = re.compile(r"https?://[a-z0-9.-]+(:[0-9]{1,5})?(/[a-z0-9]*)?", re.IGNORECASE)


# --- typed facts on the case card --------------------------------------------------------------

DATE_FIELDS = sorted(n for n, f in FIELDS.items() if f.kind == "moment")
NUMBER_FIELDS = sorted(n for n, f in FIELDS.items() if f.kind in ("amount", "quantity", "days"))
TEXT_FIELDS = sorted(n for n, f in FIELDS.items() if f.kind in ("text", "code"))


def refusal(err: InputError, catalog_prefix: str, try_again: str) -> str:
    params = {k: escape(str(v)) for k, v in err.params.items()}
    return T(f"{catalog_prefix}{err.code}", **params) + "\n" + T(try_again)


async def edit_fact(shop: Shop, name: str, text: str) -> None:
    state, data = await shop.dialog()
    if state != EditField.value.state or data.get("field") != name:
        prompt = await shop.press(FieldCb(case_id=shop.case_id, field=name).pack())
        assert prompt[-1].startswith(T(f"prompt.{name}")), prompt
    seen = await shop.say(text)
    if text.startswith("/"):  # a command: it is answered, the fact stays
        event("a command")
        await shop.kept()
        return
    try:
        value = parse_field(name, text, now=NOW, tz=TZ)
    except InputError as err:
        event(f"refused: {err.code}")
        assert seen == [refusal(err, "input.", "edit.try_again")]
        await shop.kept()
        return
    if seen[0] == T("edit.saved", field=T(f"field.{name}")):
        event("saved")
        await shop.kept(may_change=[("cases", name), ("cases", "updated_at")])
        assert shop.last["cases"][shop.case_id][name] == value
    else:  # refused against the other facts (signed before ordered …)
        event("refused against the other facts")
        assert seen[0].endswith("\n" + T("edit.try_again")), seen
        await shop.kept()


@hostile(250)
@given(
    name=st.sampled_from(DATE_FIELDS), text=partly_valid(VALID_DATES, st.one_of(DATES, ANY_TEXT))
)
@example(name="signed_at", text="2026-02-30")
@example(name="ordered_at", text="99999天前")
async def test_typed_dates_on_a_case(shop: Shop, name: str, text: str) -> None:
    await edit_fact(shop, name, text)


@hostile(250)
@given(
    name=st.sampled_from(NUMBER_FIELDS),
    text=partly_valid(VALID_NUMBERS, st.one_of(NUMERIC, ANY_TEXT)),
)
@example(name="amount_fen", text="1e309")
@example(name="quantity", text="9" * 4000)  # the quantity prompt once failed to show
@example(name="quantity", text="3")
async def test_typed_amounts_on_a_case(shop: Shop, name: str, text: str) -> None:
    await edit_fact(shop, name, text)


@hostile(100)
@given(name=st.sampled_from(TEXT_FIELDS), text=ANY_TEXT)
async def test_typed_text_facts_on_a_case(shop: Shop, name: str, text: str) -> None:
    await edit_fact(shop, name, text)


# --- typed times, amounts and numbers while logging a step ---------------------------------------

ASKED_AFTER = {  # the question → the step that asks it, and the buttons pressed before it
    "at": ("intervention_requested", ()),
    "offer_fen": ("seller_replied", ("partial_offer",)),
    "amount_recovered_fen": ("resolved", ("partial_refund",)),
    "reference": ("ticket_filed", ()),
}


async def logging_asks(shop: Shop, question: str) -> str:
    kind, answers = ASKED_AFTER[question]
    state, data = await shop.dialog()
    if (state, data.get("kind"), data.get("asking")) != (LogStep.pick.state, kind, question):
        await shop.press(TlKindCb(case_id=shop.case_id, kind=kind).pack())
        for answer in answers:
            await shop.press(TlOptCb(value=answer).pack())
        state, data = await shop.dialog()
        assert (state, data.get("asking")) == (LogStep.pick.state, question)
    return kind


@hostile(200)
@given(text=partly_valid(VALID_DATES, st.one_of(DATES, ANY_TEXT)))
@example(text="2026-11-22 18:01")  # a minute ahead of the clock
@example(text="23:59:60")
async def test_typed_times_of_a_logged_step(shop: Shop, text: str) -> None:
    await logging_asks(shop, "at")
    seen = await shop.say(text)
    if text.startswith("/"):
        await shop.kept()
        return
    try:
        at = parse_moment(text, NOW, TZ).at
    except DateError as err:
        event(f"refused: {err.code}")
        assert seen == [T(f"input.date.{err.code}") + "\n" + T("timeline.try_again")]
        await shop.kept()
        return
    event("logged")
    assert seen[0].startswith(opening("timeline.logged")), seen
    before = await shop.kept(may_change=DERIVED)  # the step settles facts, the card's digest
    [logged] = new_rows(before, shop.last, "timeline")
    assert (logged["kind"], logged["at"]) == ("intervention_requested", at)


@hostile(200)
@given(
    question=st.sampled_from(["offer_fen", "amount_recovered_fen", "reference"]),
    text=partly_valid(VALID_NUMBERS, st.one_of(NUMERIC, ANY_TEXT)),
)
@example(question="amount_recovered_fen", text="0")  # gave up: nothing recovered
@example(question="offer_fen", text="0")
@example(question="reference", text="😡" * 70)
async def test_typed_amounts_and_references_of_a_logged_step(
    shop: Shop, question: str, text: str
) -> None:
    kind = await logging_asks(shop, question)
    seen = await shop.say(text)
    await shop.kept()  # nothing is stored before the step's time is given
    if text.startswith("/"):
        return
    try_again = "\n" + T("timeline.try_again")
    if question == "reference":
        if seen == [T("timeline.bad_reference", max=64) + try_again]:
            event("refused: bad_reference")
            return
        reference = clean_text(text)
        assert has_words(reference) and len(reference) <= 64, seen
        expected: int | str = reference
    else:
        try:
            expected = parse_amount(text)
        except AmountError as err:
            if err.code != "zero" or question != "amount_recovered_fen":
                event(f"refused: {err.code}")
                assert seen == [T(f"input.amount.{err.code}") + try_again]
                return
            expected = 0
    event(f"accepted: {question}")
    assert seen == [T("timeline.ask.at", kind=T(f"timeline.kind.{kind}"))]
    _, data = await shop.dialog()
    assert data["fields"][question] == expected


# --- durations and typed times: follow-ups and reminder settings -------------------------------

WHEN = ["2h", "30分钟", "明天上午10点", "3天后", "下周一", "晚上10点", "2小时后", "in 3 days",
        "11月30日", "后天下午3点"]  # fmt: skip
FOLLOW_UPS = st.one_of(
    st.builds("{} {}".format, st.sampled_from(WHEN), st.one_of(ANY_TEXT, st.just("跟进商家回复"))),
    DURATIONS,
    st.builds("{} {}".format, DURATIONS, st.one_of(ANY_TEXT, st.sampled_from(DURATION_WORDS))),
    st.builds("{}提醒我{}".format, DATES, ANY_TEXT),
)


@hostile(250)
@given(text=FOLLOW_UPS)
@example(text="99999999天 跟进")
@example(text="1e9小时 查退款")
@example(text="明天上午10点 " + "跟进" * 300)
async def test_typed_follow_ups(shop: Shop, text: str) -> None:
    state, _ = await shop.dialog()
    if state != RemindInput.text.state:
        assert (await shop.say("/remind"))[0].startswith(T("remind.ask"))
    seen = await shop.say(text)
    if text.startswith("/"):
        await shop.kept()
        return
    try:
        follow_up = parse_follow_up(text, NOW, TZ)
    except InputError as err:
        event(f"refused: {err.code}")
        assert seen == [refusal(err, "input.", "remind.try_again")]
        await shop.kept()
        return
    event("set")
    assert seen[0].startswith(opening("remind.set")), seen
    before = await shop.kept()
    [row] = new_rows(before, shop.last, "follow_ups")
    assert (row["text"], row["due_at"], row["case_id"], row["status"]) == (
        follow_up.text,
        follow_up.due_at,
        shop.case_id,
        "pending",
    )


@hostile(200)
@given(
    what=st.sampled_from(["offsets", "quiet"]),
    text=partly_valid(VALID_SETTINGS, DURATIONS),
)
@example(what="offsets", text="99999999天")
@example(what="quiet", text="25:00-07:00")
@example(what="quiet", text="8-8")
async def test_typed_reminder_settings(shop: Shop, what: str, text: str) -> None:
    asking = PrefsInput.offsets if what == "offsets" else PrefsInput.quiet
    state, _ = await shop.dialog()
    if state != asking.state:
        prompt = await shop.press(PrefsCb(what=what, preset=-1).pack())
        assert prompt[-1] == T(f"prefs.ask_{what}")
    seen = await shop.say(text)
    await shop.kept()  # the settings re-plan deadline reminders, never a follow-up
    if text.startswith("/"):
        return
    try:
        wanted = parse_offsets(text) if what == "offsets" else parse_quiet_hours(text)
    except InputError as err:
        event(f"refused: {err.code}")
        assert seen == [refusal(err, "input.", "edit.try_again")]
        return
    event(f"saved: {what}")
    assert seen[0].startswith(T("prefs.saved")), seen
    async with shop.sessions() as session:
        user = await session.get(User, shop.chat.user.id)
        assert user is not None
        prefs = prefs_of(user)
    assert (prefs.offsets if what == "offsets" else prefs.quiet) == wanted


# --- prices and product page addresses ---------------------------------------------------------


@hostile(200)
@given(text=partly_valid(VALID_NUMBERS, st.one_of(NUMERIC, ANY_TEXT)))
@example(text="US$10")
@example(text="79-99")
@example(text="1e309")
async def test_typed_prices(shop: Shop, text: str) -> None:
    state, _ = await shop.dialog()
    if state != PriceInput.amount.state:
        prompt = await shop.press(PriceCb(action="report", case_id=shop.case_id).pack())
        assert prompt[-1] == T("price.ask_price")
    seen = await shop.say(text)
    if text.startswith("/"):
        await shop.kept()
        return
    found = parse_reported_price(text)
    if not isinstance(found, PriceFound) or not found.comparable:
        key = "other_currency" if isinstance(found, PriceFound) else found.code
        event(f"refused: {key}")
        assert seen == [T(f"price.bad.{key}") + "\n" + T("price.try_again")]
        await shop.kept()
        return
    event("recorded")
    assert seen[0].startswith(opening("price.recorded")), seen
    before = await shop.kept()
    [row] = new_rows(before, shop.last, "prices")
    assert (row["amount_fen"], row["origin"], row["case_id"]) == (
        found.amount_fen,
        "manual",
        shop.case_id,
    )


WATCH_COLUMNS = ("url", "status", "stop_reason", "state", "next_check_at", "lease_until")


@hostile(200)
@given(url=URLS)
@example(url="javascript:alert(1)//https://item.jd.com/1.html")
@example(url="file:///etc/passwd")
@example(url="https://item.jd.com/" + "😀" * 1990)
@example(url="http://127.0.0.1:8080/admin")
@example(url="https://item.jd.com/\x00")  # PostgreSQL cannot store a NUL
async def test_typed_page_addresses(shop: Shop, url: str) -> None:
    state, _ = await shop.dialog()
    if state != PriceInput.url.state:
        prompt = await shop.press(PriceCb(action="watch", case_id=shop.case_id).pack())
        assert prompt[-1] == T("price.ask_url")
    seen = await shop.say(url)
    if url.startswith("/"):
        await shop.kept()
        return
    typed = url.strip()
    if seen == [T("price.bad_url") + "\n" + T("price.try_again")]:
        event("refused")
        assert not (PLAIN_URL.fullmatch(typed) and len(typed) <= 2000), "a web address refused"
        await shop.kept()
        return
    event("watched")
    assert seen[0].startswith(opening("price.watch_started")), seen
    await shop.kept(may_change=[("watches", column) for column in WATCH_COLUMNS])
    [watch] = shop.last["watches"].values()
    assert (watch["url"], watch["status"]) == (typed, "active")
    assert typed.lower().startswith(("http://", "https://")), typed
    assert len(typed) <= 2000 and not any(char.isspace() for char in typed)


# --- free-text intake --------------------------------------------------------------------------

INTAKE_WORDS = [
    "抖音", "京东", "淘宝", "拼多多", "天猫", "买的", "奶粉", "耳机", "订单号", "4829301756218843",
    "JD20261101887766", "花了", "元", "块", "签收", "下单", "假货", "坏了", "破损", "商家",
    "三天没回", "不退款", "直播间", "店铺", "旗舰店", "，", "。", "现在只要", "提醒我", "退货",
    "x", "2件", "0件", "99999件",
]  # fmt: skip
DESCRIPTIONS = st.one_of(
    st.builds("{}提醒我{}".format, st.sampled_from(WHEN), ANY_TEXT),
    st.builds("现在只要{}了".format, st.sampled_from(NUMBERS + VALID_NUMBERS)),
    phrases(INTAKE_WORDS + NUMBERS + DATE_WORDS, 12),
    long_text(phrases(INTAKE_WORDS, 6)),
    st.builds("{}{}{}".format, phrases(INTAKE_WORDS, 4), ANY_TEXT, phrases(DATE_WORDS, 2)),
)


@hostile(300)
@given(text=st.one_of(DESCRIPTIONS, ANY_TEXT))
@example(text="抖音买的奶粉怀疑是假货，订单号 4829301756218843，花了 398 元，11月3号签收的")
@example(text="假货" * 2500)
@example(text="抖音订单号2件" * 100)  # a hundred misses once made a summary too long to send
@example(text="抖音 " + "".join(f"订单号{n}" for n in range(1, 400)))
@example(text="".join(f"花了{n}元，" for n in range(1, 300))[:MAX_DESCRIPTION])
@example(text="现在只要79了")
@example(text="明天上午10点提醒我申请价保")
async def test_free_text_descriptions(shop: Shop, text: str) -> None:
    state, _ = await shop.dialog()
    if state not in (None, Intake.problem.state, Intake.confirm.state):
        await shop.say("/cancel")  # a reminder asked for its time: back to plain text
    seen = await shop.say(text)
    before = await shop.kept()
    assert list(shop.last["cases"]) == [shop.case_id], "a case was saved without the button"
    follow_ups = new_rows(before, shop.last, "follow_ups")
    prices = new_rows(before, shop.last, "prices")
    first = seen[0]
    if first.startswith(opening("remind.set")):
        event("a follow-up set")
        assert (len(follow_ups), prices) == (1, [])
        return
    if first.startswith(opening("price.recorded")):
        event("a price recorded")
        assert (follow_ups, len(prices)) == ([], 1)
        return
    assert (follow_ups, prices) == ([], [])
    if text.startswith("/") or first.endswith("\n" + T("remind.try_again")):
        event("a command" if text.startswith("/") else "a follow-up asked again")
        return
    if len(text) > MAX_DESCRIPTION:
        event("too long")
        assert seen == [T("intake.too_long", length=len(text), max=MAX_DESCRIPTION)]
        return
    draft = parse_intake(text, NOW, TZ)
    found = any(getattr(draft, name) for name in INTAKE_FACTS)
    event("a draft" if found else "nothing found")
    if found:
        assert first.startswith(T("intake.found")), seen
    else:
        assert seen == [T("intake.nothing_found")]


# --- time zones --------------------------------------------------------------------------------

ZONE_TEXTS = st.one_of(
    ANY_TEXT,
    st.sampled_from(["Asia/Shanghai", "asia/shanghai", " UTC ", "香港", "London", "Etc/GMT+14",
                     "Etc/GMT-15", "../../etc/passwd", "Asia/Shanghai\x00", "Asia\\Shanghai",
                     "GMT+8", "UTC+08:00", "北京时间", "Europe/Kyiv", "EST5EDT", "localtime"]),
)  # fmt: skip


@hostile(100)
@given(text=ZONE_TEXTS)
async def test_typed_time_zones(shop: Shop, text: str) -> None:
    state, _ = await shop.dialog()
    if state != TzInput.value.state:
        await shop.say("/tz")
    seen = await shop.say(text)
    await shop.kept()
    if text.startswith("/"):
        return
    try:
        zone = parse_timezone(text)
    except InputError:
        event("refused")
        assert seen == [T("tz.bad", text=escape(text[:64]))]
        return
    event("set")
    assert seen == [T("tz.set", zone=zone)]
    async with shop.sessions() as session:
        user = await session.get(User, shop.chat.user.id)
        assert user is not None and user.timezone == zone


# --- commands with hostile arguments ----------------------------------------------------------


@hostile(200)
@given(
    command=st.sampled_from(["/remind", "/price", "/tz"]),
    args=st.one_of(FOLLOW_UPS, NUMERIC, URLS, ZONE_TEXTS),
)
@example(command="/price", args="https://item.jd.com/1.html")
@example(command="/price", args="\u202e79")
@example(command="/remind", args="2h <b>跟进</b>")
async def test_commands_with_hostile_arguments(shop: Shop, command: str, args: str) -> None:
    seen = await shop.say(f"{command} {args}")
    before = await shop.kept(may_change=[("watches", column) for column in WATCH_COLUMNS])
    set_up = any(text.startswith(opening("remind.set")) for text in seen)
    recorded = any(text.startswith(opening("price.recorded")) for text in seen)
    watched = any(text.startswith(opening("price.watch_started")) for text in seen)
    outcome = "set" if set_up else "recorded" if recorded else "watched" if watched else "other"
    event(f"{command}: {outcome}")
    assert len(new_rows(before, shop.last, "follow_ups")) == set_up
    assert len(new_rows(before, shop.last, "prices")) == recorded
    watches = [(w["url"], w["status"]) for w in shop.last["watches"].values()]
    if watched:
        assert watches == [(args.strip(), "active")]
    else:
        assert watches == [(w["url"], w["status"]) for w in before["watches"].values()]


# --- forged and random button data -------------------------------------------------------------

MODULES = (callbacks, complaint_callbacks, deadline_callbacks, evidence_callbacks, price_callbacks,
           timeline_callbacks)  # fmt: skip
FACTORIES: list[type[CallbackData]] = sorted(
    {
        factory
        for module in MODULES
        for factory in vars(module).values()
        if isinstance(factory, type)
        and issubclass(factory, CallbackData)
        and factory is not CallbackData
    },
    key=lambda factory: factory.__prefix__,
)
BUTTON_WORDS = sorted(
    {"advise", "ask", "cancel", "cases", "chart", "chat", "check", "claim", "close", "delete",
     "delete_yes", "demand", "desc", "discard", "done", "each", "edit", "export", "fetch",
     "fields", "full", "guide", "help", "hour", "ics", "kind", "lang", "later", "list", "log",
     "mask", "more_fields", "morning", "move", "new", "now", "offsets", "open", "prefs",
     "privacy", "quiet", "regen", "remind", "reopen", "reply", "report", "reset", "save",
     "setkind", "short", "show", "skip", "stop", "to", "txt", "tz", "unbox", "unwatch",
     "versions", "view", "walk", "watch", "yes", "no", "na", "zh", "en", "Asia/Shanghai",
     "12315", "partial_offer", "", " ", "%", "\x00", "𝐨𝐩𝐞𝐧", "OPEN"}
    | set(FIELDS)
    | {value for field in FIELDS.values() if field.choices for value in field.choices}
    | {kind.value for kind in EntryKind}
)  # fmt: skip
IDS = st.one_of(
    st.integers(-3, 12).map(str),  # every id of the two shoppers' rows is small
    st.sampled_from(["0", "-0", str(2**31), str(2**63 - 1), str(2**63), str(-(2**63) - 1),
                     str(2**64), "9" * 40, "1e3", "1.5", "", " 1", "+1", "٣", "０", "0x1",
                     "nan", "None", "1_0"]),
    st.integers().map(str),
)  # fmt: skip
WORDS = st.one_of(st.sampled_from(BUTTON_WORDS), st.text(max_size=12))


def forged(factory: type[CallbackData]) -> st.SearchStrategy[str]:
    """The factory's prefix and its fields in order, each a plausible or hostile value; now and
    then one part too few or too many."""
    parts = [IDS if info.annotation is int else WORDS for info in factory.model_fields.values()]
    return st.builds(
        lambda values, cut, extra: ":".join([factory.__prefix__, *values[:cut], *extra]),
        st.tuples(*parts),
        st.sampled_from([len(parts), len(parts), len(parts), max(len(parts) - 1, 0)]),
        st.lists(WORDS, max_size=1),
    )


def fits(data: str) -> bool:
    return 1 <= len(data.encode()) <= 64  # what Telegram allows as callback data


FORGED = st.one_of([forged(factory) for factory in FACTORIES]).filter(fits)
RANDOM_DATA = st.one_of(
    st.text(min_size=1, max_size=64),
    st.binary(min_size=1, max_size=64).map(lambda raw: raw.decode("utf-8", "ignore")),
    st.builds(
        "{}:{}".format, st.sampled_from([f.__prefix__ for f in FACTORIES]), st.text(max_size=60)
    ),
).filter(fits)


@pytest.fixture
async def intruder(shop: Shop) -> Shop:
    """Another shopper with a case of their own, pressing buttons they were never shown."""
    chat = shop.chat.as_user(2002)
    await chat.send("/start")
    case_id = await saved_case(shop.sessions, 2002, problem_type="fake_goods", platform="jd")
    return Shop(chat, shop.sessions, case_id, shop.failures)


@hostile(400)
@given(data=FORGED)
@example(data="c:open:99999999999999999999")
@example(data="p:-99999999999999999999")
@example(data="l:xx")
@example(data="tl:log:1")
@example(data="td:yes:1")
@example(data="rm:cancel:1")
@example(data="c:delete_yes:1")
async def test_forged_buttons_leave_the_other_shopper_untouched(
    shop: Shop, intruder: Shop, data: str
) -> None:
    start = len(shop.chat.session.sent)
    seen = await intruder.press(data)
    event(seen[-1][:12])
    victim_got = [out for out in shop.chat.session.sent[start:] if out.chat_id == shop.chat.user.id]
    assert victim_got == []
    await shop.kept()  # nothing of the victim's changed, nothing was lost


@hostile(300)
@given(data=RANDOM_DATA)
@example(data="\x00")
@example(data=":" * 64)
@example(data="ch:platform:douyin:99999999999999999999")
async def test_random_button_data_is_answered(shop: Shop, data: str) -> None:
    seen = await shop.press(data)
    event(seen[-1][:12])
    await shop.kept()
