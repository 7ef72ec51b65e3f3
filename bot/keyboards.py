"""Inline keyboards: the assistant's buttons as Telegram shows them, and the data behind them.

python-telegram-bot's `arbitrary_callback_data` keeps each button's data (any payload: Telegram itself
allows 64 bytes of callback data) and sends Telegram a short id; the data comes back as
`query.data`, or as `InvalidCallbackData` once forgotten. bot/persistence.py keeps it across restarts.
"""

from __future__ import annotations

from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.ext import ExtBot

TITLE_LIMIT = 64  # characters of a button's title that are shown
NARROW_TITLE = 16  # buttons whose titles are all this short go two to a row


def button_data(chat_id: int, **fields: Any) -> dict[str, Any]:
    """A button's data: JSON-shaped (it is stored as JSON) and naming its chat, for /forget."""
    return {"chat": chat_id, **fields}


def assistant_keyboard(chat_id: int, buttons: list[dict[str, Any]]) -> InlineKeyboardMarkup:
    """Rasa's buttons (`title`, `payload`) as an inline keyboard: two a row when the titles are short."""
    keys = [
        InlineKeyboardButton(
            str(b.get("title", ""))[:TITLE_LIMIT], callback_data=button_data(chat_id, payload=str(b.get("payload", "")))
        )
        for b in buttons
    ]
    width = 2 if all(len(str(b.get("title", ""))) <= NARROW_TITLE for b in buttons) else 1
    return InlineKeyboardMarkup([keys[i : i + width] for i in range(0, len(keys), width)])


def forget_keyboard(chat_id: int, yes: str, no: str) -> InlineKeyboardMarkup:
    """The confirmation of /forget."""
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(yes, callback_data=button_data(chat_id, forget=True)),
                InlineKeyboardButton(no, callback_data=button_data(chat_id, forget=False)),
            ]
        ]
    )


def drop_keyboards(bot: ExtBot, chat_id: int) -> None:  # type: ignore[type-arg]
    """Forget the data behind every keyboard of a chat (/forget).

    python-telegram-bot drops one keyboard's data only through a callback query of that keyboard, so
    the cache is rebuilt from its own persistence data without the chat's keyboards.
    """
    cache = bot.callback_data_cache
    if cache is None:
        return
    keyboards, queries = cache.persistence_data
    kept = [k for k in keyboards if not any(isinstance(b, dict) and b.get("chat") == chat_id for b in k[2].values())]
    uuids = {uuid for uuid, _, _ in kept}
    cache.clear_callback_data()
    cache.clear_callback_queries()
    cache.load_persistence_data((kept, {query: uuid for query, uuid in queries.items() if uuid in uuids}))
