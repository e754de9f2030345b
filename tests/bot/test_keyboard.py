"""The keyboard builder lays buttons out exactly as aiogram's InlineKeyboardBuilder does."""

from __future__ import annotations

from aiogram.types import InlineKeyboardButton
from aiogram.utils.keyboard import InlineKeyboardBuilder
from hypothesis import given
from hypothesis import strategies as st

from bot.callbacks import CaseCb
from bot.keyboard import Keyboard

Step = tuple[str, int, int]  # (operation, number of buttons, size)
steps = st.lists(
    st.tuples(
        st.sampled_from(["button", "row", "adjust"]),
        st.integers(min_value=0, max_value=11),
        st.integers(min_value=1, max_value=8),
    ),
    max_size=12,
)


def layout(markup: object) -> list[list[str]]:
    return [[button.text for button in row] for row in markup.inline_keyboard]  # type: ignore[attr-defined]


@given(steps)
def test_any_sequence_of_calls_gives_aiograms_layout(script: list[Step]) -> None:
    ours, theirs = Keyboard(), InlineKeyboardBuilder()
    made = 0

    def fresh(count: int) -> list[InlineKeyboardButton]:
        nonlocal made
        made += count
        return [
            InlineKeyboardButton(text=str(n), callback_data=str(n))
            for n in range(made - count, made)
        ]

    for operation, count, size in script:
        if operation == "button":
            for button in fresh(max(count, 1)):
                ours.button(text=button.text, callback_data=CaseCb(action="open", case_id=1))
                theirs.button(text=button.text, callback_data=CaseCb(action="open", case_id=1))
        elif operation == "row":
            buttons = fresh(count)
            ours.row(*buttons, width=size)
            theirs.row(*buttons, width=size)
        else:
            ours.adjust(size, count % 3 + 1)
            theirs.adjust(size, count % 3 + 1)
    assert layout(ours.as_markup()) == layout(theirs.as_markup())


def test_callback_data_objects_are_packed() -> None:
    kb = Keyboard()
    kb.button(text="open", callback_data=CaseCb(action="open", case_id=7))
    [[button]] = kb.as_markup().inline_keyboard
    assert button.callback_data == "c:open:7"
