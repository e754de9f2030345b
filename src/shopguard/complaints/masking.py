"""Masking personal data in exports: phone numbers, ID numbers and addresses (domain.md §7).

``138****1234``: a mobile number keeps its first three and last four digits; an ID number
(居民身份证, 18 characters, recognised only with a valid birth date and check digit, so an
order number is not mistaken for one) keeps its first three and last four; an address keeps
its province/city/district and hides the rest. Addresses cannot be found reliably by pattern,
so :func:`mask` masks the ones it is given; strings in ``keep`` (the order number) are never
touched.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from typing import Final

_MOBILE: Final = re.compile(
    r"(?<![0-9A-Za-z+])(?P<cc>(?:\+?86[ -]?)?)(?P<a>1[3-9]\d)(?P<s1>[ -]?)(?P<b>\d{4})(?P<s2>[ -]?)"
    r"(?P<c>\d{4})(?![0-9A-Za-z])"
)
_LANDLINE: Final = re.compile(
    r"(?<![0-9A-Za-z-])(?P<area>0\d{2,3})(?P<sep>[ -])(?P<num>\d{7,8})(?![0-9A-Za-z])"
)
_ID: Final = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
_ID_WEIGHTS: Final = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK: Final = "10X98765432"
_DISTRICT: Final = re.compile(r"^.{2,}?(?:区|县|旗)")
_CITY: Final = re.compile(r"^.{2,}?市")
HIDDEN: Final = "****"


def is_id_number(text: str) -> bool:
    """An 18-character 居民身份证 number with a real birth date and a valid check digit."""
    if not _ID.fullmatch(text):
        return False
    try:
        born = date(int(text[6:10]), int(text[10:12]), int(text[12:14]))
    except ValueError:
        return False
    if not 1900 <= born.year <= 2100:
        return False
    total = sum(int(d) * w for d, w in zip(text[:17], _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11] == text[17].upper()


def mask_phone(phone: str) -> str:
    """``13812341234`` / ``138-1234-1234`` → ``138****1234``; short numbers keep 2 digits."""
    digits = "".join(ch for ch in phone if ch.isdigit())
    if digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    if len(digits) >= 8:
        return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]
    return "*" * max(len(digits) - 2, 1) + digits[-2:]


def mask_id_number(number: str) -> str:
    """``110101199003071234`` → ``110***********1234``."""
    text = number.strip()
    if len(text) < 8:
        return "*" * len(text)
    return text[:3] + "*" * (len(text) - 7) + text[-4:]


def mask_address(address: str) -> str:
    """``北京市朝阳区建国路88号3单元502`` → ``北京市朝阳区****``; an address without a district
    keeps its city, a Latin-script one its last comma-separated part."""
    text = address.strip()
    for pattern in (_DISTRICT, _CITY):
        found = pattern.match(text)
        if found and len(found.group(0)) < len(text):
            return found.group(0) + HIDDEN
    if "," in text:
        return HIDDEN + "," + text.rsplit(",", 1)[1]
    return HIDDEN


def mask(text: str, *, addresses: Iterable[str] = (), keep: Iterable[str] = ()) -> str:
    """``text`` with phone numbers, ID numbers and the given ``addresses`` masked.

    Nothing inside an occurrence of a ``keep`` string is changed (pass the order number,
    waybill and live-room id: long digit strings that are not personal data).
    """
    protected = _spans(text, keep)
    edits: list[tuple[int, int, str]] = []

    def add(start: int, end: int, replacement: str) -> None:
        if any(start < e and s < end for s, e in protected):
            return
        if any(start < e and s < end for s, e, _ in edits):
            return
        edits.append((start, end, replacement))

    for address in sorted({a.strip() for a in addresses if a.strip()}, key=len, reverse=True):
        for start, end in _spans(text, [address]):
            add(start, end, mask_address(address))
    for found in _ID.finditer(text):
        if is_id_number(found.group(0)):
            add(found.start(), found.end(), mask_id_number(found.group(0)))
    for found in _MOBILE.finditer(text):
        masked = f"{found['cc']}{found['a']}{found['s1']}****{found['s2']}{found['c']}"
        add(found.start(), found.end(), masked)
    for found in _LANDLINE.finditer(text):
        number = found["num"]
        add(
            found.start(),
            found.end(),
            f"{found['area']}{found['sep']}{'*' * (len(number) - 4)}{number[-4:]}",
        )
    for start, end, replacement in sorted(edits, reverse=True):
        text = text[:start] + replacement + text[end:]
    return text


def _spans(text: str, needles: Iterable[str]) -> list[tuple[int, int]]:
    spans = []
    for needle in needles:
        if not needle:
            continue
        start = text.find(needle)
        while start != -1:
            spans.append((start, start + len(needle)))
            start = text.find(needle, start + 1)
    return spans
