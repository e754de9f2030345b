"""Getting a draft out: chat-sized parts, a safe file name, and the plain-text export."""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from itertools import accumulate
from typing import Final

from shopguard.complaints.draft import Draft
from shopguard.complaints.model import Channel
from shopguard.taxonomy import Language

CHAT_LIMIT: Final = 4096
_SENTENCE_END: Final = frozenset("。！？；…")
_LATIN_SENTENCE_END: Final = frozenset(".!?;")
_CLOSING: Final = frozenset("”’」』）)】》\"'")
_SOFT_BREAK: Final = frozenset("，、：,:")
_GLUE: Final = frozenset({"\u200d", "\ufe0e", "\ufe0f"})  # zero-width joiner, variation selectors


def utf16_length(text: str) -> int:
    """Telegram counts message length in UTF-16 code units (an emoji may count 2)."""
    return len(text.encode("utf-16-le")) // 2


def split_for_chat(text: str, limit: int = CHAT_LIMIT) -> list[str]:
    """``text`` in consecutive parts of at most ``limit`` UTF-16 units: ``"".join(parts) ==
    text``.

    Parts end at line breaks; only a single line longer than the limit is cut inside, at the
    last sentence end, else the last space or other word boundary, else (a word longer than
    the limit) at the limit itself — never splitting a character sequence such as an emoji
    with its joiners. A part can be only line breaks when a full part is followed by blank
    lines: :func:`chat_messages` leaves those out for sending.
    """
    if limit < 2:
        raise ValueError("limit must be at least 2")
    parts: list[str] = []
    current = ""
    for line in re.findall(r"[^\n]*\n|[^\n]+", text):
        if utf16_length(current + line) <= limit:
            current += line
            continue
        if current:
            parts.append(current)
        content, newline = (line[:-1], "\n") if line.endswith("\n") else (line, "")
        pieces = _split_line(content, limit) if content else [""]
        parts.extend(pieces[:-1])
        current = pieces[-1]
        if newline and utf16_length(current + newline) > limit:
            parts.append(current)
            current = ""
        current += newline
    if current:
        parts.append(current)
    return [part for part in parts if part]


def chat_messages(text: str, limit: int = CHAT_LIMIT) -> list[str]:
    """:func:`split_for_chat` without blank parts: what to send, one message each."""
    return [part for part in split_for_chat(text, limit) if part.strip()]


def _split_line(line: str, limit: int) -> list[str]:
    pieces: list[str] = []
    while utf16_length(line) > limit:
        cut = _cut(line, limit)
        pieces.append(line[:cut])
        line = line[cut:]
    pieces.append(line)
    return pieces


def _cut(line: str, limit: int) -> int:
    """Where to cut ``line`` so the head fits ``limit``: the best boundary, as late as can be."""
    sizes = list(accumulate(utf16_length(ch) for ch in line))
    most = max(n for n in range(1, len(line) + 1) if sizes[n - 1] <= limit)
    for accept in (_sentence_end, _space, _word_boundary):
        for cut in range(most, most // 2, -1):
            if accept(line, cut):
                return cut
    for cut in range(most, 0, -1):
        if _word_boundary(line, cut):
            return cut
    cut = most
    while cut > 1 and not _grapheme_boundary(line, cut):
        cut -= 1
    return cut


def _sentence_end(line: str, cut: int) -> bool:
    """After 。！？；… (not before a closing quote), or after the space that follows ". "."""
    before = line[cut - 1]
    if before in _SENTENCE_END:
        return line[cut] not in _CLOSING and _grapheme_boundary(line, cut)
    return before.isspace() and cut >= 2 and line[cut - 2] in _LATIN_SENTENCE_END


def _space(line: str, cut: int) -> bool:
    return line[cut - 1].isspace() and _grapheme_boundary(line, cut)


def _word_boundary(line: str, cut: int) -> bool:
    """Not inside a Latin word nor a combined character, nor before closing punctuation."""
    before, after = line[cut - 1], line[cut]
    if not _grapheme_boundary(line, cut) or after in _CLOSING:
        return False
    if before in _SOFT_BREAK or before.isspace() or after.isspace():
        return True
    return not (_latin_word(before) and _latin_word(after))


def _latin_word(ch: str) -> bool:
    """A letter or digit of a space-separated script (CJK characters are words by themselves)."""
    return (ch.isalnum() or ch in "'’-_") and unicodedata.east_asian_width(ch) not in ("W", "F")


def _grapheme_boundary(line: str, cut: int) -> bool:
    """False inside a combined character: before a combining mark or joiner, after a joiner."""
    if cut >= len(line):
        return True
    after, before = line[cut], line[cut - 1]
    if unicodedata.combining(after) or after in _GLUE or before == "\u200d":
        return False
    return not (_regional(before) and _regional(after) and _regional_pair_open(line, cut))


def _regional(ch: str) -> bool:
    return "\U0001f1e6" <= ch <= "\U0001f1ff"


def _regional_pair_open(line: str, cut: int) -> bool:
    """True when ``cut`` falls inside a flag (a pair of regional indicators)."""
    run = 0
    while cut - run - 1 >= 0 and _regional(line[cut - run - 1]):
        run += 1
    return run % 2 == 1


# --- files -----------------------------------------------------------------------------------

_UNSAFE: Final = re.compile(r"[^A-Za-z0-9_-]+")
_MAX_ORDER: Final = 64


def _slug(text: str | None, max_length: int) -> str:
    folded = unicodedata.normalize("NFKC", text or "")
    slug = _UNSAFE.sub("-", folded).strip("-_")
    return re.sub(r"-{2,}", "-", slug)[:max_length].strip("-_")


def export_filename(order_no: str | None, channel: Channel | str, day: date) -> str:
    """``complaint-<order>-<channel>-<yyyymmdd>.txt``, using only ``A-Z a-z 0-9 _ -``:
    anything else in the order number becomes ``-``; no order number gives ``no-order``."""
    order = _slug(order_no, _MAX_ORDER) or "no-order"
    name = _slug(str(channel), 32) or "draft"
    return f"complaint-{order}-{name}-{day:%Y%m%d}.txt"


def export_text(draft: Draft) -> str:
    """The whole draft as one text file: the draft, its condensed versions and form fields,
    then what is still missing and the notes for the shopper (marked as not to be copied)."""
    zh = draft.language == Language.ZH
    blocks = [f"—— {draft.title} ——\n\n{draft.text}"]
    for condensed in draft.condensed:
        heading = (
            f"—— 精简版（不超过{condensed.limit}字）——"
            if zh
            else f"—— Condensed (at most {condensed.limit} characters) ——"
        )
        blocks.append(f"{heading}\n{condensed.text}")
    if draft.fields:
        heading = "—— 表单逐项填写 ——" if zh else "—— Form, field by field ——"
        fields = "\n\n".join(f"【{field.label}】\n{field.value}" for field in draft.fields)
        blocks.append(f"{heading}\n\n{fields}")
    if draft.missing:
        heading = (
            "—— 还需补充（提交前填好）——" if zh else "—— Still missing (fill in before sending) ——"
        )
        blocks.append("\n".join([heading, *(f"- {item.label}" for item in draft.missing)]))
    if draft.notes:
        heading = "—— 给你的提示（不要复制）——" if zh else "—— Notes for you (do not copy) ——"
        blocks.append("\n".join([heading, *(f"- {note}" for note in draft.notes)]))
    return "\n\n".join(blocks) + "\n"
