"""Where each step happens on each platform: ``rules/channel_guide.toml`` → :class:`Guide`.

The file is checked when it is read (a malformed entry raises :class:`GuideError` naming it)
and must cover every platform × step, with a platform's own entry or a ``"*"`` entry that
holds everywhere (12315, 消协, court). Low-confidence entries carry the caveat "typical —
check the app": app menus change and most paths have no official source.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, Final, Literal, TypeVar, get_args

from shopguard.deadlines.rules import CONFIDENCES, Confidence
from shopguard.escalation.steps import LADDER_STEPS, Step
from shopguard.rule_tables import TableReader, table, tables
from shopguard.taxonomy import Language, Platform

GUIDE_FILE: Final = Path(__file__).resolve().parent.parent / "rules" / "channel_guide.toml"
ANY_PLATFORM: Final = "*"

_E = TypeVar("_E", Platform, Step, Language)

IncludeWhen = Literal["always", "live_stream", "special_price"]
RouteKind = Literal["path", "options"]
INCLUDE_WHEN: Final[tuple[IncludeWhen, ...]] = get_args(IncludeWhen)
ROUTE_KINDS: Final[tuple[RouteKind, ...]] = get_args(RouteKind)


class GuideError(ValueError):
    """A channel guide file that cannot be used; the message names the entry."""


@dataclass(frozen=True)
class GuideItem:
    """Something to have ready or to say on that channel."""

    id: str
    text: str
    when: IncludeWhen  # live_stream / special_price: only for such orders
    confidence: Confidence


@dataclass(frozen=True)
class Guide:
    platform: str
    step: Step
    language: Language
    route: tuple[str, ...]  # path: taps in order (join with " → "); options: choose one
    route_kind: RouteKind
    robot_phrases: tuple[str, ...]  # typed into a Chinese app, so never translated
    robot_hint: str | None
    good_times: str | None
    include: tuple[GuideItem, ...]
    note: str | None
    caveat: str | None  # "typical — check the app" on a low-confidence entry
    confidence: Confidence
    source: str

    @property
    def typical(self) -> bool:
        return self.confidence == "low"


@dataclass(frozen=True)
class _Text:
    zh: str
    en: str

    def get(self, language: Language) -> str:
        return self.zh if language is Language.ZH else self.en


@dataclass(frozen=True)
class _Include:
    id: str
    when: IncludeWhen
    text: _Text
    confidence: Confidence


@dataclass(frozen=True)
class _Entry:
    platform: str
    step: Step
    route_kind: RouteKind
    route_zh: tuple[str, ...]
    route_en: tuple[str, ...]
    robot: bool
    good_times: bool
    include: tuple[str, ...]
    note: _Text | None
    source: str
    confidence: Confidence


@dataclass(frozen=True)
class GuideData:
    caveat: _Text
    robot_phrases: tuple[str, ...]
    robot: _Text
    good_times: _Text
    includes: Mapping[str, _Include]
    entries: Mapping[tuple[str, Step], _Entry]

    def entry(self, platform: str, step: Step) -> _Entry:
        found = self.entries.get((platform, step)) or self.entries.get((ANY_PLATFORM, step))
        if found is None:  # the loader guarantees coverage; this is for a partial test file
            raise KeyError((platform, step))
        return found


def channel_guide(
    platform: str,
    step: Step | str,
    language: Language | str,
    *,
    live_stream: bool | None = None,
    special_price: bool | None = None,
) -> Guide:
    """Where and how to take ``step`` on ``platform``, in ``language`` (zh / en).

    ``live_stream`` / ``special_price``: True or False keeps or drops the items that only
    concern such orders (the live-room id, the 特价商品 label); None keeps them all, each
    marked with its ``when``. ``Step.NONE`` (a resolved case) has no channel: ValueError.
    """
    return guide_from(load_guide(), platform, step, language, live_stream, special_price)


def guide_from(
    data: GuideData,
    platform: str,
    step: Step | str,
    language: Language | str,
    live_stream: bool | None = None,
    special_price: bool | None = None,
) -> Guide:
    platform_value = _enum(Platform, platform, "platform").value
    step_value = _enum(Step, step, "step")
    lang = _enum(Language, language, "language")
    if step_value is Step.NONE:
        raise ValueError("a resolved case (step 'none') has no channel")
    entry = data.entry(platform_value, step_value)
    flags: dict[IncludeWhen, bool | None] = {
        "always": True,
        "live_stream": live_stream,
        "special_price": special_price,
    }
    items = tuple(
        GuideItem(item.id, item.text.get(lang), item.when, item.confidence)
        for item in (data.includes[item_id] for item_id in entry.include)
        if flags[item.when] is not False
    )
    low = entry.confidence == "low"
    return Guide(
        platform=platform_value,
        step=step_value,
        language=lang,
        route=entry.route_zh if lang is Language.ZH else entry.route_en,
        route_kind=entry.route_kind,
        robot_phrases=data.robot_phrases if entry.robot else (),
        robot_hint=data.robot.get(lang) if entry.robot else None,
        good_times=data.good_times.get(lang) if entry.good_times else None,
        include=items,
        note=entry.note.get(lang) if entry.note else None,
        caveat=data.caveat.get(lang) if low else None,
        confidence=entry.confidence,
        source=entry.source,
    )


def _enum(enum: type[_E], value: str, name: str) -> _E:
    try:
        return enum(value)
    except ValueError:
        raise ValueError(f"unknown {name} {value!r}") from None


# --- reading the file ------------------------------------------------------------------------


@cache
def load_guide() -> GuideData:
    return load_guide_from(GUIDE_FILE)


def load_guide_from(path: Path) -> GuideData:
    try:
        raw: dict[str, Any] = tomllib.loads(path.read_text("utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise GuideError(f"{path.name}: cannot read: {exc}") from exc
    name = path.name
    unknown = sorted(set(raw) - {"caveat", "robot", "good_times", "include", "entry"})
    if unknown:
        raise GuideError(f"{name}: unknown top-level keys {unknown}")
    includes: dict[str, _Include] = {}
    for index, item in enumerate(_tables(raw, "include", name), start=1):
        r = _Reader(item, f"{name}: include #{index}")
        inc = _Include(
            id=r.text("id"),
            when=r.choice("when", INCLUDE_WHEN),
            text=_Text(r.text("zh"), r.text("en")),
            confidence=r.choice("confidence", CONFIDENCES),
        )
        r.text("source")
        r.only({"id", "when", "zh", "en", "source", "confidence"})
        if inc.id in includes:
            raise GuideError(f"{name}: include {inc.id!r} defined twice")
        includes[inc.id] = inc
    entries: dict[tuple[str, Step], _Entry] = {}
    for index, item in enumerate(_tables(raw, "entry", name), start=1):
        entry = _parse_entry(item, f"{name}: entry #{index}", includes)
        key = (entry.platform, entry.step)
        if key in entries:
            raise GuideError(f"{name}: two entries for {entry.platform} / {entry.step}")
        entries[key] = entry
    for platform in Platform:
        for step in LADDER_STEPS:
            if (platform.value, step) not in entries and (ANY_PLATFORM, step) not in entries:
                raise GuideError(f"{name}: no entry for {platform.value} / {step.value}")
    robot = _Reader(_table(raw, "robot", name), f"{name}: [robot]")
    return GuideData(
        caveat=_text_table(raw, "caveat", name, sourced=False),
        robot_phrases=robot.texts("phrases"),
        robot=_text_table(raw, "robot", name, sourced=True, extra={"phrases"}),
        good_times=_text_table(raw, "good_times", name, sourced=True),
        includes=includes,
        entries=entries,
    )


def _parse_entry(item: dict[str, Any], where: str, includes: Mapping[str, _Include]) -> _Entry:
    r = _Reader(item, where)
    platform = r.text("platform")
    if platform != ANY_PLATFORM and platform not in set(Platform):
        r.fail(f"unknown platform {platform!r}")
    step = r.choice("step", tuple(LADDER_STEPS))
    r.where = f"{where} ({platform} / {step})"
    entry = _Entry(
        platform=platform,
        step=Step(step),
        route_kind=r.choice("route_kind", ROUTE_KINDS),
        route_zh=r.texts("route_zh"),
        route_en=r.texts("route_en"),
        robot=r.flag("robot"),
        good_times=r.flag("good_times"),
        include=r.texts("include"),
        note=_Text(r.text("note_zh"), r.text("note_en")) if "note_zh" in item else None,
        source=r.text("source"),
        confidence=r.choice("confidence", CONFIDENCES),
    )
    r.only(
        {"platform", "step", "route_kind", "route_zh", "route_en", "robot", "good_times"}
        | {"include", "note_zh", "note_en", "source", "confidence"}
    )
    if ("note_zh" in item) != ("note_en" in item):
        r.fail("note_zh and note_en go together")
    if not entry.route_zh or len(entry.route_zh) != len(entry.route_en):
        r.fail("route_zh and route_en must be non-empty and of the same length")
    if unknown := sorted(set(entry.include) - set(includes)):
        r.fail(f"unknown include ids {unknown}")
    return entry


def _tables(raw: dict[str, Any], key: str, name: str) -> list[dict[str, Any]]:
    return tables(raw, key, name, GuideError)


def _table(raw: dict[str, Any], key: str, name: str) -> dict[str, Any]:
    return table(raw, key, name, GuideError)


def _text_table(
    raw: dict[str, Any], key: str, name: str, *, sourced: bool, extra: set[str] | None = None
) -> _Text:
    r = _Reader(_table(raw, key, name), f"{name}: [{key}]")
    allowed = {"zh", "en"} | (extra or set())
    if sourced:
        r.text("source")
        r.choice("confidence", CONFIDENCES)
        allowed |= {"source", "confidence"}
    r.only(allowed)
    return _Text(r.text("zh"), r.text("en"))


class _Reader(TableReader):
    error = GuideError
