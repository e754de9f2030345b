"""Bytes of a fetched page → text, the way browsers choose the encoding.

A BOM first, then the ``Content-Type`` charset, then ``<meta charset>`` / ``http-equiv`` in the
first 4 KiB, else UTF-8; undecodable bytes become U+FFFD (a page is read, never refused, for
its encoding). GBK and GB2312, still common on Chinese shops, are read as their superset
GB18030.
"""

from __future__ import annotations

import codecs
import re
from typing import Final

_META_CHARSET = re.compile(
    rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]{1,40})""", re.IGNORECASE
)
_GB_FAMILY: Final = frozenset({"gbk", "gb2312", "gb_2312-80", "x-gbk", "gb18030", "cp936"})


def decode_html(body: bytes, content_type: str = "") -> str:
    """Bytes → text: a BOM, then the header's charset, then ``<meta charset>``, else UTF-8.
    GBK and GB2312 (common on Chinese shops) are read as their superset GB18030."""
    for bom, name in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16")):
        if body.startswith(bom):
            return body.decode(name, errors="replace")
    match = re.search(r"charset\s*=\s*[\"']?([\w.:-]+)", content_type, re.I)
    label = match[1] if match else None
    if label is None:
        meta = _META_CHARSET.search(body[:4096])
        label = meta[1].decode("ascii") if meta else None
    return body.decode(_codec(label), errors="replace")


def _codec(label: str | None) -> str:
    if label is None:
        return "utf-8"
    name = label.strip().lower()
    if name in _GB_FAMILY:
        return "gb18030"
    try:
        return codecs.lookup(name).name
    except LookupError:
        return "utf-8"
