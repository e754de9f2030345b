"""An update delivered twice (a retried webhook) is handled once."""

from __future__ import annotations

from datetime import UTC, datetime

from aiogram.types import Chat, Message, Update, User

from bot.local_chat import LocalChat


async def test_the_same_update_twice_gets_one_reply(chat: LocalChat) -> None:
    update = Update(
        update_id=777,
        message=Message(
            message_id=5,
            date=datetime.now(UTC),
            chat=Chat(id=chat.user.id, type="private"),
            from_user=User(id=chat.user.id, is_bot=False, first_name="A"),
            text="/help",
        ),
    )
    first = await chat._feed(update)
    second = await chat._feed(update)
    assert len(first) == 1 and first[0].text.startswith("<b>怎么用</b>")
    assert second == []
