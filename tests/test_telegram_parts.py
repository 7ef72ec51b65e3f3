"""The Telegram bridge's parts alone, without Telegram, Rasa or a process: fast."""

from __future__ import annotations

import asyncio
import stat
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from telegram.error import NetworkError
from telegram.ext import ExtBot

from bot.bridge import Bridge
from bot.formatting import LIMIT, split, to_html
from bot.keyboards import assistant_keyboard, drop_keyboards
from bot.persistence import SQLitePersistence
from bot.phrases import say
from bot.rasa_client import RasaClient
from bot.state import State


def test_markup_in_text_is_escaped_and_long_texts_split() -> None:
    assert to_html("<b>bold</b> & <script>") == "&lt;b&gt;bold&lt;/b&gt; &amp; &lt;script&gt;"
    assert to_html("see https://asp.gov.md.") == 'see <a href="https://asp.gov.md">https://asp.gov.md</a>.'
    long = "\n\n".join(f"Paragraph {i}: " + "word " * 300 for i in range(12))
    pieces = split(long)
    assert len(pieces) > 1 and all(len(p) <= LIMIT for p in pieces)
    assert all(p.startswith("Paragraph") for p in pieces), "pieces are cut on paragraph boundaries"


def test_custom_elements_are_not_sent(tmp_path: Path) -> None:
    """Elements with `custom` and no text (the conversation's language, for the web widget) send nothing."""
    sent: list[str] = []

    class Bot:
        async def send_message(self, chat_id: int, text: str, **_: Any) -> None:
            sent.append(text)

        async def send_chat_action(self, chat_id: int, action: str) -> None:
            pass

    class Rasa:
        async def send(self, sender: str, text: str, metadata: dict[str, Any]) -> list[dict[str, Any]]:
            return [
                {"recipient_id": sender, "custom": {"language": "ru"}},
                {"recipient_id": sender, "custom": {"something": "else"}},
                {"recipient_id": sender, "text": "Понятно"},
            ]

    rasa: Any = Rasa()
    context: Any = SimpleNamespace(bot=Bot())
    bridge = Bridge(rasa, State(tmp_path / "telegram.db"))
    delivered = asyncio.run(bridge.deliver(context, 1, "привет", None, queue_on_failure=True))
    assert delivered and sent == ["Понятно"]


def test_callback_data_is_kept_in_the_bridge_file(tmp_path: Path) -> None:
    keyboards = [("k1", 1.0, {"b1": {"chat": 1, "payload": "/a"}}), ("k2", 2.0, {"b2": {"chat": 2, "payload": "/b"}})]
    persistence = SQLitePersistence(State(tmp_path / "telegram.db"))
    asyncio.run(persistence.update_callback_data((keyboards, {"q1": "k1"})))
    reloaded = SQLitePersistence(State(tmp_path / "telegram.db"))
    assert asyncio.run(reloaded.get_callback_data()) == (keyboards, {"q1": "k1"})
    asyncio.run(reloaded.update_callback_data(([("k2", 3.0, keyboards[1][2])], {})))
    again = asyncio.run(SQLitePersistence(State(tmp_path / "telegram.db")).get_callback_data())
    assert again == ([("k2", 3.0, keyboards[1][2])], {})
    assert stat.S_IMODE((tmp_path / "telegram.db").stat().st_mode) == 0o600


def test_forget_drops_only_that_chats_keyboards() -> None:
    bot: Any = ExtBot("123:TEST", arbitrary_callback_data=True)
    for chat in (1, 2, 1):
        bot.callback_data_cache.process_keyboard(assistant_keyboard(chat, [{"title": "Yes", "payload": "/yes"}]))
    drop_keyboards(bot, 1)
    keyboards, _ = bot.callback_data_cache.persistence_data
    assert [list(buttons.values()) for _, _, buttons in keyboards] == [[{"chat": 2, "payload": "/yes"}]]


def test_a_message_rasa_took_is_not_sent_again_when_its_reply_fails(tmp_path: Path) -> None:
    """Exactly once: a waiting message leaves the queue as soon as Rasa has it, even if Telegram then fails."""
    received: list[str] = []

    class Rasa:
        async def send(self, sender: str, text: str, metadata: dict[str, Any]) -> list[dict[str, Any]]:
            received.append(text)
            return [{"recipient_id": sender, "text": "Understood"}]

    class Bot:
        async def send_message(self, chat_id: int, text: str, **_: Any) -> None:
            raise NetworkError("Bad Gateway")

        async def send_chat_action(self, chat_id: int, action: str) -> None:
            pass

    rasa: Any = Rasa()
    context: Any = SimpleNamespace(bot=Bot())
    state = State(tmp_path / "telegram.db")
    bridge = Bridge(rasa, state)
    state.queue(1, "my father died", None)
    with pytest.raises(NetworkError):
        asyncio.run(bridge.redeliver(context))
    asyncio.run(bridge.redeliver(context))
    assert received == ["my father died"] and not state.waiting()


def test_forget_without_rasas_api_says_it_failed_and_keeps_the_chat(tmp_path: Path) -> None:
    sent: list[str] = []

    class Bot:
        async def send_message(self, chat_id: int, text: str, **_: Any) -> None:
            sent.append(text)

    state = State(tmp_path / "telegram.db")
    state.set_language(1, "ro")
    bridge = Bridge(RasaClient("http://127.0.0.1:9", "bridge-token"), state)  # no RASA_API_TOKEN
    asyncio.run(bridge.forget(SimpleNamespace(bot=Bot()), 1))  # type: ignore[arg-type]
    assert sent == [say("forget_failed", "ro")] and state.language(1) == "ro"
