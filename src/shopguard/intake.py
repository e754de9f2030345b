"""Free-text intake: one message describing the problem becomes a draft case to confirm.

Everything here prefers leaving a field empty to guessing: what it would not guess goes to
``IntakeDraft.refused`` with a code the bot explains (see ``IntakeRefusal``). The keyword tables
are data, in ``rules/intake_keywords.toml``; this module only reads them.

All matching runs on ``fold_text`` output (full-width → ASCII, lower case, same length), so every
span found is also a span of the original text, and values such as an order number are cut
from the original (keeping the shopper's capitals).
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any, Generic, TypeVar

from shopguard.dates import ZH_NUMERAL, FoundMoment, find_moments, fold_text, small_number
from shopguard.money import AmountError, parse_amount
from shopguard.taxonomy import Category, Platform, ProblemType

REQUIRED_FIELDS = ("platform", "problem_type")
KEYWORDS_FILE = Path(__file__).with_name("rules") / "intake_keywords.toml"
MAX_QUANTITY = 9999


@dataclass(frozen=True)
class IntakeRefusal:
    """Something intake saw but would not put in the draft.

    ``field`` is a draft field name (or ``"date"`` for a refused date tied to no field);
    ``code`` is a ``DateError`` code (future, ambiguous, invalid, too_old), an ``AmountError``
    code (too_large, too_precise, zero, negative), ``"conflict"`` (several different values and
    no way to tell which one is meant) or ``"too_short"`` (a labelled order number too short to
    be one, e.g. the shopper typed "4829…"); ``fragment`` is the text it came from.
    """

    field: str
    code: str
    fragment: str


@dataclass(kw_only=True)
class IntakeDraft:
    notes: str
    platform: Platform | None = None
    problem_type: ProblemType | None = None
    category: Category | None = None
    order_no: str | None = None
    amount_fen: int | None = None
    quantity: int | None = None
    ordered_at: datetime | None = None
    signed_at: datetime | None = None
    shop_name: str | None = None
    item: str | None = None
    live_room_id: str | None = None
    seller_silent_days: int | None = None
    refused: list[IntakeRefusal] = field(default_factory=list)

    def missing(self) -> list[str]:
        """Required fields still empty, in the order the bot should ask for them."""
        return [name for name in REQUIRED_FIELDS if getattr(self, name) is None]


# --- keyword tables ------------------------------------------------------------------------------

V = TypeVar("V")


@dataclass(frozen=True)
class _Hit(Generic[V]):
    start: int
    end: int
    value: V


class _Keywords(Generic[V]):
    """Keywords → values, found in one regex pass; the longest keyword wins an overlap."""

    def __init__(self, entries: Iterable[tuple[str, V]]) -> None:
        self._values: dict[str, V] = {}
        for keyword, value in entries:
            self._values.setdefault(" ".join(fold_text(keyword).split()), value)
        words = sorted(self._values, key=len, reverse=True)
        self._regex = re.compile("|".join(map(_keyword_pattern, words))) if words else None

    def find(self, folded: str) -> list[_Hit[V]]:
        if self._regex is None:
            return []
        return [
            _Hit(m.start(), m.end(), self._values[" ".join(m.group().split())])
            for m in self._regex.finditer(folded)
        ]


def _keyword_pattern(keyword: str) -> str:
    if not keyword.isascii():
        return re.escape(keyword)
    body = r"\s+".join(map(re.escape, keyword.split()))
    return rf"(?<![a-z0-9]){body}(?![a-z0-9])"


@dataclass(frozen=True)
class _Tables:
    platforms: _Keywords[Platform]
    problems: _Keywords[ProblemType]
    problem_rank: dict[ProblemType, int]
    categories: _Keywords[tuple[Category, bool]]  # (category, is a concrete item)
    category_rank: dict[Category, int]
    dates: _Keywords[str]  # → "ordered_at" / "signed_at"
    amount_context: _Keywords[str]  # → "paid" / "other"
    paid_after: _Keywords[str]
    qty_context: _Keywords[str]  # → "bought" / "other"
    waybill: _Keywords[str]


@cache
def _tables() -> _Tables:
    raw = KEYWORDS_FILE.read_text("utf-8")
    data: dict[str, Any] = tomllib.loads(raw)
    markers: dict[str, list[str]] = data["markers"]

    def tagged(**lists: list[str]) -> list[tuple[str, str]]:
        return [(word, tag) for tag, words in lists.items() for word in words]

    problems = [(ProblemType(p["type"]), p["keywords"]) for p in data["problem"]]
    categories = [(Category(c["type"]), c["items"], c["keywords"]) for c in data["category"]]
    return _Tables(
        platforms=_Keywords(
            (word, Platform(name)) for name, words in data["platforms"].items() for word in words
        ),
        problems=_Keywords((word, kind) for kind, words in problems for word in words),
        problem_rank={kind: rank for rank, (kind, _) in enumerate(problems)},
        categories=_Keywords(
            [(word, (kind, True)) for kind, items, _ in categories for word in items]
            + [(word, (kind, False)) for kind, _, words in categories for word in words]
        ),
        category_rank={kind: rank for rank, (kind, _, _) in enumerate(categories)},
        dates=_Keywords(tagged(ordered_at=markers["ordered"], signed_at=markers["signed"])),
        amount_context=_Keywords(
            tagged(other=markers["other_amount"], paid=markers["paid_before"])
        ),
        paid_after=_Keywords(tagged(paid=markers["paid_after"])),
        qty_context=_Keywords(tagged(other=markers["other_qty"], bought=markers["bought_qty"])),
        waybill=_Keywords(tagged(waybill=markers["waybill"])),
    )


# --- text helpers --------------------------------------------------------------------------------

_CONTROL = {"Cc", "Cf", "Cs", "Co", "Cn"}
_CLAUSE_BREAK = re.compile(r"[,;!?。\n]|\.(?=\s|$)")


def _blank_controls(text: str) -> str:
    """Control/format characters → spaces (same length; line breaks and tabs kept)."""
    return "".join(
        " " if ch not in "\n\t" and unicodedata.category(ch) in _CONTROL else ch for ch in text
    )


def _ascii(code: str) -> str:
    """An identifier cut from the original text, full-width → ASCII, capitals kept."""
    return unicodedata.normalize("NFKC", code)


def _before(folded: str, start: int, width: int = 10) -> str:
    """Up to ``width`` characters before ``start``, not reaching back past a clause break."""
    window = folded[max(0, start - width) : start]
    breaks = list(_CLAUSE_BREAK.finditer(window))
    return window[breaks[-1].end() :] if breaks else window


def _after(folded: str, end: int, width: int = 6) -> str:
    window = folded[end : end + width]
    first = _CLAUSE_BREAK.search(window)
    return window[: first.start()] if first else window


def _nearest_tag(table: _Keywords[str], window: str) -> str | None:
    """The tag of the marker closest to the end of ``window`` (the word right before a value)."""
    hits = table.find(window)
    return max(hits, key=lambda hit: hit.end).value if hits else None


def _one_value(values: list[V], fragments: list[str], name: str, draft: IntakeDraft) -> V | None:
    """The value when all candidates agree; otherwise nothing, and a ``conflict`` refusal."""
    distinct = list(dict.fromkeys(values))
    if len(distinct) == 1:
        return distinct[0]
    if distinct:
        draft.refused.append(IntakeRefusal(name, "conflict", " / ".join(dict.fromkeys(fragments))))
    return None


# --- platform, problem, category --------------------------------------------------------------

_PURCHASE_AFTER = re.compile(r"^\s*(?:上|里|上面|那边)?\s*(?:买|下单|下的单|购|拍|入手|订)")
_PURCHASE_BEFORE = re.compile(r"(?:bought|ordered|purchased|order)\s+(?:it\s+)?(?:on|from|at)\s*$")


def _platform(folded: str, text: str, draft: IntakeDraft) -> Platform | None:
    """The platform named; with several, the one the purchase is tied to ("抖音买的")."""
    hits = _tables().platforms.find(folded)
    if len({hit.value for hit in hits}) <= 1:
        return hits[0].value if hits else None
    bought = [
        hit
        for hit in hits
        if _PURCHASE_AFTER.match(_after(folded, hit.end))
        or _PURCHASE_BEFORE.search(_before(folded, hit.start, 24))
    ]
    fragments = [text[hit.start : hit.end] for hit in (bought or hits)]
    return _one_value([hit.value for hit in (bought or hits)], fragments, "platform", draft)


def _problem(folded: str) -> ProblemType | None:
    tables = _tables()
    found = {hit.value for hit in tables.problems.find(folded)}
    return min(found, key=tables.problem_rank.__getitem__) if found else None


def _category_and_item(folded: str, text: str) -> tuple[Category | None, str | None]:
    tables = _tables()
    hits = tables.categories.find(folded)
    if not hits:
        return None, None
    category = min((hit.value[0] for hit in hits), key=tables.category_rank.__getitem__)
    items = [hit for hit in hits if hit.value[1]]
    preferred = [hit for hit in items if hit.value[0] == category] or items
    item = text[preferred[0].start : preferred[0].end] if preferred else None
    return category, item


# --- order number ---------------------------------------------------------------------------------

_ORDER_LABELLED = re.compile(
    r"(?P<label>订单编号|订单号码|订单号|订单id|订单|(?<![a-z])order\s*(?:no\.?|number|id|#)|(?<![a-z])order)"
    r"\s*(?:是|为|:|#|号)?\s*(?P<v>[0-9a-z][0-9a-z-]{0,39})"
)
_STRONG_LABEL = re.compile(r"订单编号|订单号码|订单号|订单id|order\s*(?:no\.?|number|id|#)")
_DIGIT_RUN = re.compile(r"(?<![0-9a-z])[0-9]{10,30}(?![0-9a-z])")
_PHONE = re.compile(r"1[3-9][0-9]{9}")
_MONEY_AROUND = re.compile(r"^\s*(?:元|块|yuan|rmb|cny)")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def _is_id_card(digits: str) -> bool:
    """An 18-digit resident ID number (valid birth date and checksum): never an order number."""
    if len(digits) != 18 or digits[6:8] not in ("19", "20"):
        return False
    try:
        date(int(digits[6:10]), int(digits[10:12]), int(digits[12:14]))
    except ValueError:
        return False
    total = sum(int(d) * w for d, w in zip(digits[:17], _ID_WEIGHTS, strict=True))
    return "10X98765432"[total % 11] == digits[17]


def _order_no(folded: str, text: str, draft: IntakeDraft) -> str | None:
    """A labelled order number wins; otherwise a lone run of 10+ digits that is not a phone
    number, an ID card number, a waybill number or an amount."""
    labelled: list[str] = []
    for m in _ORDER_LABELLED.finditer(folded):
        value = _ascii(text[m.start("v") : m.end("v")]).rstrip("-")
        digits = sum(ch.isdigit() for ch in value)
        if digits >= 6 and len(value) >= 6:
            labelled.append(value)
        elif digits and _STRONG_LABEL.fullmatch(m["label"]):
            draft.refused.append(IntakeRefusal("order_no", "too_short", text[m.start() : m.end()]))
    if labelled:
        return _one_value(labelled, labelled, "order_no", draft)
    waybill = _tables().waybill
    bare = [
        m.group()  # folded: full-width digits are already ASCII
        for m in _DIGIT_RUN.finditer(folded)
        if not _PHONE.fullmatch(m.group())
        and not _is_id_card(m.group())
        and not waybill.find(_before(folded, m.start(), 24))
        and not _MONEY_AROUND.match(folded[m.end() : m.end() + 6])
        and not re.search(r"(?:¥|rmb|cny)\s*$", folded[max(0, m.start() - 5) : m.start()])
    ]
    return _one_value(bare, bare, "order_no", draft)


# --- amount and quantity ------------------------------------------------------------------------

_NUM = r"(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?"
_AMOUNT = re.compile(
    rf"(?:¥|(?<![a-z])(?:rmb|cny)|人民币)\s*{_NUM}"
    rf"|(?<![0-9.a-z])(?<![0-9],){_NUM}\s*(?:元|块钱?|(?:yuan|rmb|cny)(?![a-z]))(?:[0-9]\s*[角毛])?"
)
_AMOUNT_AFTER_VERB = re.compile(
    rf"(?:花了|付了|支付了?|实付(?:款)?|付款|(?<![a-z])(?:paid|spent|cost\s+me))\s*:?\s*"
    rf"(?P<n>{_NUM})(?!\s*(?:[0-9.%a-z]|元|块|件|个|天|次|号|小时|分钟))"
)


def _amount(folded: str, text: str, draft: IntakeDraft) -> int | None:
    """The price paid: a number marked as money (元/块/¥/yuan/RMB) or right after 花了/付了/paid.

    A bare number is never an amount. With several different amounts, the one marked as paid
    (实付/花了/"398元买的") wins; an original price, a current price, a coupon or shipping fee
    is skipped; if that still leaves more than one, nothing is guessed.
    """
    tables = _tables()
    spans = [m.span() for m in _AMOUNT.finditer(folded)]
    spans += [
        m.span("n")
        for m in _AMOUNT_AFTER_VERB.finditer(folded)
        if not any(s <= m.start("n") < e for s, e in spans)
    ]
    by_tag: dict[str, tuple[list[int], list[str]]] = {"paid": ([], []), "neutral": ([], [])}
    for start, end in sorted(spans):
        fragment = text[start:end].strip()
        tag = _nearest_tag(tables.amount_context, _before(folded, start))
        if tag is None and tables.paid_after.find(_after(folded, end)):
            tag = "paid"
        if tag == "other":
            continue
        try:
            fen = parse_amount(fragment)
        except AmountError as err:
            draft.refused.append(IntakeRefusal("amount_fen", err.code, fragment))
            continue
        values, fragments = by_tag[tag or "neutral"]
        values.append(fen)
        fragments.append(fragment)
    values, fragments = by_tag["paid"] if by_tag["paid"][0] else by_tag["neutral"]
    return _one_value(values, fragments, "amount_fen", draft)


_COUNTERS = "件盒瓶罐箱双台部份袋包支套条只桶听"
_QUANTITY = re.compile(
    rf"(?<![0-9第])(?P<a>[0-9]{{1,5}}|{ZH_NUMERAL})\s*[{_COUNTERS}](?![套装])"
    r"|(?<![a-z0-9])[x×*]\s*(?P<b>[0-9]{1,5})(?![0-9a-z.])"
    r"|(?<![0-9.])(?P<c>[0-9]{1,5})\s*(?:pcs|pieces?|items?|units?|boxes|box|bottles?|pairs?"
    r"|packs?)(?![a-z])"
    r"|(?<![a-z])(?:qty|quantity)\s*:?\s*(?P<d>[0-9]{1,5})(?![0-9])"
)


def _quantity(folded: str, text: str, draft: IntakeDraft) -> int | None:
    """How many were bought ("2件", "两盒", "x2", "2 pcs"); a count of missing or broken
    pieces ("少发了1件") is not the quantity ordered."""
    tables = _tables()
    by_tag: dict[str, tuple[list[int], list[str]]] = {"bought": ([], []), "neutral": ([], [])}
    for m in _QUANTITY.finditer(folded):
        number = small_number(next(g for g in m.group("a", "b", "c", "d") if g))
        tag = _nearest_tag(tables.qty_context, _before(folded, m.start(), 8))
        if number is None or tag == "other" or not 1 <= number <= MAX_QUANTITY:
            continue
        values, fragments = by_tag[tag or "neutral"]
        values.append(number)
        fragments.append(text[m.start() : m.end()].strip())
    values, fragments = by_tag["bought"] if by_tag["bought"][0] else by_tag["neutral"]
    return _one_value(values, fragments, "quantity", draft)


# --- dates --------------------------------------------------------------------------------------

_MAX_DATE_GAP = 25
_AFTER_EVENT = re.compile(r"(?:后|以后|之后|later)$")


def _dates(folded: str, text: str, now: datetime, tz: str, draft: IntakeDraft) -> None:
    """Tie each date to the nearest order/receipt keyword in the same clause ("11月3号签收",
    "ordered on Nov 1"); a date tied to nothing is left out, unless it was refused."""
    keywords = _tables().dates.find(folded)
    tied: dict[str, list[FoundMoment]] = {"ordered_at": [], "signed_at": []}
    for found in find_moments(text, now, tz):
        name = _keyword_for(found, keywords, folded)
        if found.error and _AFTER_EVENT.search(found.text) and name is not None:
            continue  # "签收3天后就坏了": days after the event, not a date in the future
        if name is not None:
            tied[name].append(found)
        elif found.error:
            draft.refused.append(IntakeRefusal("date", found.error.code, found.text))
    for name, found_list in tied.items():
        for found in found_list:
            if found.error:
                draft.refused.append(IntakeRefusal(name, found.error.code, found.text))
        good = [(found.moment.at, found.text) for found in found_list if found.moment]
        value = _one_value([at for at, _ in good], [frag for _, frag in good], name, draft)
        setattr(draft, name, value)


def _keyword_for(found: FoundMoment, keywords: list[_Hit[str]], folded: str) -> str | None:
    best: tuple[int, int, str] | None = None
    for hit in keywords:
        if hit.start >= found.end:
            gap, side = hit.start - found.end, 0  # keyword after the date: "11月3号签收"
            between = folded[found.end : hit.start]
        elif hit.end <= found.start:
            gap, side = found.start - hit.end, 1  # keyword before: "received on Nov 3"
            between = folded[hit.end : found.start]
        else:
            continue
        if gap > _MAX_DATE_GAP or _CLAUSE_BREAK.search(between):
            continue
        if best is None or (gap, side) < best[:2]:
            best = (gap, side, hit.value)
    return best[2] if best else None


# --- shop, live room, silent seller ------------------------------------------------------------

_SHOP_LABELLED = re.compile(
    r"(?:店铺名称|店铺名|店铺|店名|(?<![a-z])(?:shop|store)(?:\s+name)?)\s*(?::|是|叫|为|名叫|called|named)"
    r"\s*(?P<v>[^\s,;:。!?\n][^,;:。!?\n]{0,29})"
)
_SHOP_SUFFIX = re.compile(
    r"(?P<v>[^\s,;:。!?\n的在从是了买家个和跟与那这]{1,16}?"
    r"(?P<kind>官方旗舰店|旗舰店|专卖店|专营店|自营店|官方店|企业店|工厂店|小店))"
)
_NOT_A_SHOP_NAME = {"", "官方", "品牌", "某", "某某", "一家", "这家", "那家", "一个"}
_LIVE_ROOM = re.compile(
    r"(?:直播间|(?<![a-z])live\s*(?:stream(?:ing)?\s*)?room)\s*(?:id|号|编号)?\s*(?::|是|为|#)?\s*"
    r"(?P<v>[0-9a-z][0-9a-z_-]{2,39})"
)
_SILENT = re.compile(
    rf"(?P<a>[0-9]{{1,3}}|{ZH_NUMERAL})\s*(?:天|日)\s*了?\s*(?:都|也|还|一直)?\s*(?:没有|没|不|未)\s*"
    r"(?:人\s*)?(?:回复|回应|回|答复|理|搭理|处理)"
    rf"|(?:不回|没回|不理|没人理|未回复|没回复|不回复|已读不回)(?:消息|我)?\s*(?:已经|都)?\s*"
    rf"(?P<b>[0-9]{{1,3}}|{ZH_NUMERAL})\s*天"
    r"|(?<![a-z])(?:no\s+(?:reply|response|answer)|(?:hasn['’]?t|has\s+not|haven['’]?t|have\s+not"
    r"|didn['’]?t|did\s+not|not)\s+(?:replied|responded|answered|reply|respond)(?:\s+to\s+me)?"
    r"|ignor(?:ed|ing)\s+me|been\s+silent|silent)\s+(?:for\s+)?(?:the\s+(?:last|past)\s+)?"
    r"(?P<c>[0-9]{1,3}|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)"
    r"\s+days?"
    r"|(?<![a-z0-9])(?P<d>[0-9]{1,3}|two|three|four|five|six|seven|eight|nine|ten)\s+days?\s+"
    r"(?:without|with\s+no|and\s+no|no)\s+(?:reply|response|answer)"
)


def _shop_name(folded: str, text: str) -> str | None:
    m = _SHOP_LABELLED.search(folded) or _SHOP_SUFFIX.search(folded)
    if m is None:
        return None
    start = m.start("v")
    for hit in _tables().platforms.find(folded[start : m.end("v")]):
        if hit.start == 0:  # "抖音XX旗舰店": the platform is not part of the shop's name
            start += hit.end
    name = text[start : m.end("v")].strip()
    if m.re is _SHOP_SUFFIX and fold_text(name).removesuffix(m["kind"]) in _NOT_A_SHOP_NAME:
        return None  # "官方旗舰店" on its own names no shop
    return name if name and not _tables().platforms.find(fold_text(name)) else None


def _live_room_id(folded: str, text: str) -> str | None:
    for m in _LIVE_ROOM.finditer(folded):
        if any(ch.isdigit() for ch in m["v"]):
            return _ascii(text[m.start("v") : m.end("v")])
    return None


def _silent_days(folded: str) -> int | None:
    """ "商家三天没回" / "no reply for 3 days" → 3: how long the seller has been silent."""
    m = _SILENT.search(folded)
    if m is None:
        return None
    days = small_number(next(g for g in m.group("a", "b", "c", "d") if g))
    return days if days and days <= 366 else None


# --- entry point ---------------------------------------------------------------------------------


def parse_intake(text: str, now: datetime, tz: str) -> IntakeDraft:
    """Read one message describing the problem into a draft; never raises on any text.

    ``notes`` keeps the message with control characters removed (line breaks kept).
    """
    clean = _blank_controls(text)
    draft = IntakeDraft(
        notes="".join(ch for ch, orig in zip(clean, text, strict=True) if ch == orig).strip()
    )
    folded = fold_text(clean)
    if not folded.strip():
        return draft
    draft.platform = _platform(folded, clean, draft)
    draft.problem_type = _problem(folded)
    draft.category, draft.item = _category_and_item(folded, clean)
    if draft.category is None and draft.problem_type is ProblemType.FOOD_SAFETY:
        draft.category = Category.FOOD  # food safety is about something eaten
    draft.order_no = _order_no(folded, clean, draft)
    draft.amount_fen = _amount(folded, clean, draft)
    draft.quantity = _quantity(folded, clean, draft)
    _dates(folded, clean, now, tz, draft)
    draft.shop_name = _shop_name(folded, clean)
    draft.live_room_id = _live_room_id(folded, clean)
    draft.seller_silent_days = _silent_days(folded)
    return draft
