"""One pass over a page with the standard library's ``html.parser``: JSON-LD blocks, ``<meta>``
tags and microdata items — the three places a shop states its price for machines.

Broken markup is normal on shop pages: unclosed elements are closed when an ancestor closes,
stray end tags are ignored, and if the parser gives up half-way the data found so far is kept.
Microdata items become JSON-LD-shaped dicts (``{"@type": [...], "price": [...]}``), so one
reader serves both.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Final

JsonValue = object  # parsed JSON / microdata: dict, list, str, int, Decimal, bool, None

MAX_HTML_CHARS: Final = 3_000_000
_MAX_TEXT: Final = 200
_MAX_ITEMS: Final = 2_000
_VOID: Final = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param"}
    | {"source", "track", "wbr"}
)
_URL_ATTR: Final = {"a": "href", "link": "href", "area": "href", "img": "src", "source": "src"}
_VALUE_ATTR: Final = {"data": "value", "meter": "value", "time": "datetime", "meta": "content"}


@dataclass
class PageData:
    jsonld: list[str] = field(default_factory=list)  # raw text of each ld+json script
    metas: list[tuple[str, str]] = field(default_factory=list)  # (property/name lower, content)
    items: list[dict[str, list[JsonValue]]] = field(default_factory=list)  # top-level microdata
    orphans: dict[str, list[JsonValue]] = field(default_factory=dict)  # itemprops outside items


@dataclass
class _Open:
    tag: str
    item: dict[str, list[JsonValue]] | None = None  # the item this element starts
    capture: tuple[dict[str, list[JsonValue]], list[str]] | None = None  # text-valued props
    text: list[str] = field(default_factory=list)


class _Scanner(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.data = PageData()
        self._stack: list[_Open] = []
        self._script: list[str] | None = None
        self._raw_text_depth = 0  # inside <script>/<style>: not item text
        self._count = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = {name: (value or "") for name, value in attrs}
        if tag == "meta":
            self._meta(attr)
        if tag == "script" and "ld+json" in attr.get("type", "").lower():
            self._script = []
        if tag in ("script", "style"):
            self._raw_text_depth += 1
        element = _Open(tag)
        self._microdata(tag, attr, element)
        if tag not in _VOID:
            self._stack.append(element)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._raw_text_depth = max(0, self._raw_text_depth - 1)
            if tag == "script" and self._script is not None:
                self.data.jsonld.append("".join(self._script))
                self._script = None
        for index in range(len(self._stack) - 1, -1, -1):
            if self._stack[index].tag == tag:
                while len(self._stack) > index:
                    _finish(self._stack.pop())
                return

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self._script.append(data)
            return
        if self._raw_text_depth:
            return
        for element in self._stack:
            if element.capture is not None and sum(map(len, element.text)) < _MAX_TEXT:
                element.text.append(data)

    def close_all(self) -> None:
        while self._stack:
            _finish(self._stack.pop())

    def _meta(self, attr: dict[str, str]) -> None:
        key = attr.get("property") or attr.get("name")
        if key and "content" in attr:
            self.data.metas.append((key.strip().lower(), attr["content"]))

    def _microdata(self, tag: str, attr: dict[str, str], element: _Open) -> None:
        props = attr.get("itemprop", "").split()
        if not props and "itemscope" not in attr:
            return
        self._count += 1
        if self._count > _MAX_ITEMS:
            return
        owner = self._owner()
        if "itemscope" in attr:
            item: dict[str, list[JsonValue]] = {"@type": list(attr.get("itemtype", "").split())}
            element.item = item
            if not props:
                self.data.items.append(item)
            for name in props:
                owner.setdefault(name, []).append(item)
            return
        value = _attribute_value(tag, attr)
        if value is not None:
            for name in props:
                owner.setdefault(name, []).append(value)
        elif tag not in _VOID:
            element.capture = (owner, props)

    def _owner(self) -> dict[str, list[JsonValue]]:
        for element in reversed(self._stack):
            if element.item is not None:
                return element.item
        return self.data.orphans


def _attribute_value(tag: str, attr: dict[str, str]) -> str | None:
    if "content" in attr:  # also on <span>: schema.org's advice for a machine-readable price
        return attr["content"]
    name = _URL_ATTR.get(tag) or _VALUE_ATTR.get(tag)
    if name is not None and name in attr:
        return attr[name]
    return None if tag not in _VOID else ""


def _finish(element: _Open) -> None:
    if element.capture is None:
        return
    owner, names = element.capture
    text = " ".join("".join(element.text).split())[:_MAX_TEXT]
    for name in names:
        owner.setdefault(name, []).append(text)


def scan_page(html: str) -> PageData:
    """Everything machine-readable on the page; never raises on bad markup."""
    scanner = _Scanner()
    # html.parser may give up on odd input half-way: keep what it found until then
    with contextlib.suppress(Exception):
        scanner.feed(html[:MAX_HTML_CHARS])
        scanner.close()
    scanner.close_all()
    return scanner.data
