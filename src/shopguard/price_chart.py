"""The price-history chart of a case (价保), as a PNG: the unit price paid, every price seen
(reported or read from the page; unreadable pages as grey marks) and the end of the window.

Labels are ASCII ("CNY 79.00", dates in the shopper's zone), so Pillow's built-in font is
enough and no CJK font has to be installed.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from PIL import Image, ImageDraw, ImageFont

from shopguard.timezones import to_local

WIDTH, HEIGHT = 900, 480
LEFT, RIGHT, TOP, BOTTOM = 110, 40, 50, 70
PAID, SEEN, WINDOW, GREY, INK = "#c0392b", "#1f6fb2", "#27ae60", "#b0b0b0", "#222222"


@dataclass(frozen=True)
class ChartPoint:
    at: datetime
    amount_fen: int | None  # None: the page could not be read at that moment


def cny(fen: int) -> str:
    return f"CNY {fen // 100}.{fen % 100:02d}"


def render_price_chart(
    paid_unit_fen: int,
    points: Sequence[ChartPoint],
    *,
    window_end: datetime | None,
    now: datetime,
    tz: str,
    title: str = "Price history",
) -> bytes:
    """The chart as PNG bytes, from the first price (or ``now``) to the window's end (or
    ``now``); with no observation it shows the paid line alone."""
    image = Image.new("RGB", (WIDTH, HEIGHT), "white")
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default()
    moments = [now, *(p.at for p in points), *([window_end] if window_end else [])]
    start, end = min(moments), max(moments)
    if end - start < timedelta(days=1):
        start, end = start - timedelta(hours=12), end + timedelta(hours=12)
    amounts = [p.amount_fen for p in points if p.amount_fen is not None] + [paid_unit_fen]
    low, high = min(amounts), max(amounts)
    pad = max((high - low) // 10, 100)
    low, high = max(low - pad, 0), high + pad

    def x(at: datetime) -> float:
        span = (end - start).total_seconds()
        return LEFT + (at - start).total_seconds() / span * (WIDTH - LEFT - RIGHT)

    def y(fen: int) -> float:
        return TOP + (high - fen) / (high - low) * (HEIGHT - TOP - BOTTOM)

    draw.text((LEFT, 15), title, fill=INK, font=font)
    draw.rectangle((LEFT, TOP, WIDTH - RIGHT, HEIGHT - BOTTOM), outline=GREY)
    for fen in (low, (low + high) // 2, high):
        draw.text((8, y(fen) - 6), cny(fen), fill=INK, font=font)
    for at in (start, start + (end - start) / 2, end):
        draw.text((x(at) - 30, HEIGHT - BOTTOM + 8), f"{to_local(at, tz):%Y-%m-%d}", fill=INK)
    paid_y = y(paid_unit_fen)
    for left in range(LEFT, WIDTH - RIGHT, 12):
        draw.line((left, paid_y, min(left + 6, WIDTH - RIGHT), paid_y), fill=PAID, width=2)
    draw.text((LEFT + 6, paid_y - 16), f"paid {cny(paid_unit_fen)}", fill=PAID, font=font)
    if window_end is not None:
        wx = x(window_end)
        draw.line((wx, TOP, wx, HEIGHT - BOTTOM), fill=WINDOW, width=2)
        label = f"window ends {to_local(window_end, tz):%Y-%m-%d %H:%M}"
        draw.text((max(LEFT, wx - 190), TOP - 16), label, fill=WINDOW, font=font)
    _draw_points(draw, [(x(p.at), p.amount_fen) for p in points], y, font)
    draw.text((LEFT, HEIGHT - 30), f"timezone {tz}", fill=GREY, font=font)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def _draw_points(
    draw: ImageDraw.ImageDraw,
    points: list[tuple[float, int | None]],
    y: Callable[[int], float],
    font: ImageFont.ImageFont | ImageFont.FreeTypeFont,
) -> None:
    seen = [(px, y(fen)) for px, fen in points if fen is not None]
    if len(seen) > 1:
        draw.line(seen, fill=SEEN, width=2)
    for px, fen in points:
        if fen is None:
            draw.line((px, HEIGHT - BOTTOM - 10, px, HEIGHT - BOTTOM), fill=GREY, width=2)
            continue
        py = y(fen)
        draw.ellipse((px - 4, py - 4, px + 4, py + 4), fill=SEEN)
    lowest = min((fen for _, fen in points if fen is not None), default=None)
    if lowest is not None:
        px = next(px for px, fen in points if fen == lowest)
        draw.text((px + 6, y(lowest) + 4), f"low {cny(lowest)}", fill=SEEN, font=font)
