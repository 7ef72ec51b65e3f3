"""python-telegram-bot's persistence for the one thing the bridge lets the library keep: the data behind
inline keyboards (`arbitrary_callback_data`), stored in the bridge's SQLite file (bot/state.py).

Why not PicklePersistence: it rewrites its whole file in place (a crash mid-write leaves a file the
bridge cannot start with), and the bridge already has a file readable by its owner only, written in
transactions. Only what changed since the last update is written. Chat, user and bot data are not
used: the bridge's own state (languages, pressed keyboards, messages waiting for Rasa) is committed
at once in State instead of at the library's next persistence update.
"""

from __future__ import annotations

from typing import Any

from telegram.ext import BasePersistence, PersistenceInput

from bot.state import State

# python-telegram-bot's shapes (its own aliases live in a private module)
Keyboard = tuple[str, float, dict[str, Any]]  # uuid, last access, button uuid -> the button's data
CDCData = tuple[list[Keyboard], dict[str, str]]  # keyboards, callback query id -> keyboard uuid
ConversationKey = tuple[int | str, ...]

UPDATE_SECONDS = 5.0  # how often the library hands over the callback data (and once more when it stops)


class SQLitePersistence(BasePersistence[dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    def __init__(self, state: State, update_interval: float = UPDATE_SECONDS) -> None:
        super().__init__(
            store_data=PersistenceInput(bot_data=False, chat_data=False, user_data=False, callback_data=True),
            update_interval=update_interval,
        )
        self.state = state
        self.written: dict[str, tuple[float, dict[str, Any]]] = {}
        self.queries: dict[str, str] = {}

    async def get_callback_data(self) -> CDCData | None:
        keyboards = self.state.keyboards()
        self.written = {uuid: (access_time, buttons) for uuid, access_time, buttons in keyboards}
        self.queries = self.state.callback_queries()
        return (keyboards, dict(self.queries)) if keyboards else None

    async def update_callback_data(self, data: CDCData) -> None:
        keyboards, queries = data
        current = {uuid: (access_time, buttons) for uuid, access_time, buttons in keyboards}
        changed = [(uuid, *value) for uuid, value in current.items() if self.written.get(uuid) != value]
        gone = [uuid for uuid in self.written if uuid not in current]
        if changed or gone or queries != self.queries:
            self.state.save_callback_data(changed, gone, queries)
        self.written, self.queries = current, dict(queries)

    async def flush(self) -> None:
        """Nothing is buffered: every update is committed."""

    # -- kinds of data the bridge does not ask the library to keep -------------------
    async def get_user_data(self) -> dict[int, dict[Any, Any]]:
        return {}

    async def get_chat_data(self) -> dict[int, dict[Any, Any]]:
        return {}

    async def get_bot_data(self) -> dict[Any, Any]:
        return {}

    async def get_conversations(self, name: str) -> dict[ConversationKey, object]:
        return {}

    async def update_conversation(self, name: str, key: ConversationKey, new_state: object | None) -> None:
        pass

    async def update_user_data(self, user_id: int, data: dict[Any, Any]) -> None:
        pass

    async def update_chat_data(self, chat_id: int, data: dict[Any, Any]) -> None:
        pass

    async def update_bot_data(self, data: dict[Any, Any]) -> None:
        pass

    async def drop_chat_data(self, chat_id: int) -> None:
        pass

    async def drop_user_data(self, user_id: int) -> None:
        pass

    async def refresh_user_data(self, user_id: int, user_data: dict[Any, Any]) -> None:
        pass

    async def refresh_chat_data(self, chat_id: int, chat_data: dict[Any, Any]) -> None:
        pass

    async def refresh_bot_data(self, bot_data: dict[Any, Any]) -> None:
        pass
