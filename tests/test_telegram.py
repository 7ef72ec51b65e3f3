"""The Telegram bridge: the real python-telegram-bot client, a local stand-in of the Bot API, the real assistant."""

from __future__ import annotations

import itertools
import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from bot.formatting import LIMIT
from runner.processes import Server, free_port, telegram_bridge
from tests.conftest import BRIDGE_TOKEN, RASA_API_TOKEN, Stack
from tests.fake_telegram import FakeTelegram

CHATS = itertools.count(7001)
PHRASES = {
    "unavailable": "the assistant is restarting",
    "text_only": "I can only read text messages",
}


def start_bridge(fake: FakeTelegram, stack: Stack, tmp: Path, **env: str) -> Server:
    """The bridge as a real process (python -m bot.telegram_bridge), started as `make run` starts it."""
    env = {"TELEGRAM_BOT_TOKEN": fake.token, "TELEGRAM_API_URL": fake.url, **env}
    env.setdefault("TELEGRAM_STATE", str(tmp / "telegram.db"))
    return telegram_bridge(stack.rasa_url, RASA_API_TOKEN, BRIDGE_TOKEN, log_path=tmp / "bridge.log", **env).start()


@pytest.fixture(scope="module")
def telegram_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the module's bridge keeps its state (telegram.db)."""
    return tmp_path_factory.mktemp("telegram")


@pytest.fixture(scope="module")
def telegram(assistant: Stack, telegram_dir: Path) -> Iterator[FakeTelegram]:
    with FakeTelegram() as fake:
        bridge = start_bridge(fake, assistant, telegram_dir)
        try:
            fake.wait_for(lambda f: f.sent(method="getUpdates"), timeout=60)
            yield fake
        finally:
            bridge.stop()


def texts(fake: FakeTelegram, chat: int) -> list[str]:
    return [m.get("text", "") for m in fake.sent(chat)]


def keyboards(fake: FakeTelegram, chat: int) -> list[dict[str, Any]]:
    return [m for m in fake.sent(chat) if m.get("reply_markup")]


def new_message(fake: FakeTelegram, chat: int, seen: int, predicate: Any = bool) -> dict[str, Any]:
    return fake.wait_for(lambda f: next((m for m in f.sent(chat)[seen:] if predicate(m)), None))


@pytest.mark.parametrize(
    ("lang", "opening", "recognised", "checklist"),
    [
        ("en", "My father passed away yesterday in Bălți", "I understand", "Checklist"),
        ("ro", "Soția a născut ieri o fetiță, ce acte trebuie?", "Am înțeles", "Lista de verificare"),
        ("ru", "Я потерял работу, что делать?", "Понятно", "Список"),
    ],
)
def test_a_life_event_with_buttons_in_each_language(
    telegram: FakeTelegram, lang: str, opening: str, recognised: str, checklist: str
) -> None:
    chat = next(CHATS)
    telegram.user_says(chat, "/start", language_code=lang)
    welcome = new_message(telegram, chat, 0, lambda m: m.get("reply_markup"))  # the language choice
    assert len(telegram.sent(chat)) >= 2
    seen = len(telegram.sent(chat))
    telegram.user_says(chat, opening, language_code=lang)
    question = new_message(telegram, chat, seen, lambda m: m.get("reply_markup"))
    assert any(recognised in t for t in texts(telegram, chat)[seen:])
    assert telegram.sent(chat, "sendChatAction"), "the typing indicator is shown while the assistant works"
    for _ in range(8):
        if any(checklist in t for t in texts(telegram, chat)):
            break
        seen = len(telegram.sent(chat))
        data = question["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
        telegram.user_presses(chat, question, data)
        question = new_message(telegram, chat, seen, lambda m: m.get("reply_markup"))
    assert any(checklist in t for t in texts(telegram, chat)), texts(telegram, chat)[-3:]
    assert telegram.sent(method="answerCallbackQuery")
    assert telegram.sent(method="editMessageReplyMarkup"), "pressed keyboards are removed"
    for message in keyboards(telegram, chat) + [welcome]:
        for row in message["reply_markup"]["inline_keyboard"]:
            assert all(len(button["callback_data"].encode()) <= 64 for button in row)
    assert all(len(t) <= LIMIT for t in texts(telegram, chat))


def test_a_button_pressed_twice_is_sent_once(telegram: FakeTelegram) -> None:
    chat = next(CHATS)
    telegram.user_says(chat, "I need a passport")
    question = new_message(telegram, chat, 0, lambda m: m.get("reply_markup"))
    data = question["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    seen = len(telegram.sent(chat))
    telegram.user_presses(chat, question, data)
    telegram.user_presses(chat, question, data)
    new_message(telegram, chat, seen, lambda m: m.get("reply_markup"))
    telegram.user_says(chat, "thanks")
    telegram.wait_for(lambda f: any("welcome" in t for t in texts(f, chat)[seen:]))
    questions = [m for m in telegram.sent(chat)[seen:] if m.get("reply_markup")]
    assert len(questions) == 1, "the second press must not answer a second question"


def test_flood_control_is_honoured(telegram: FakeTelegram) -> None:
    chat = next(CHATS)
    telegram.faults["sendMessage"] = [429]
    telegram.user_says(chat, "hello")
    telegram.wait_for(lambda f: len(f.sent(chat)) >= 2)
    first, second = telegram.sent(chat)[:2]
    assert first["text"] == second["text"], "the message refused with 429 is sent again, once"
    assert len([m for m in telegram.sent(chat) if m["text"] == first["text"]]) == 2


def test_non_text_messages_get_a_friendly_answer(telegram: FakeTelegram) -> None:
    chat = next(CHATS)
    sticker = {
        "file_id": "s1",
        "file_unique_id": "u1",
        "width": 512,
        "height": 512,
        "is_animated": False,
        "is_video": False,
        "type": "regular",
    }
    telegram.user_sends(chat, {"sticker": sticker})
    telegram.wait_for(lambda f: any(PHRASES["text_only"] in t for t in texts(f, chat)))


def test_a_shared_location_gives_the_nearest_office(telegram: FakeTelegram) -> None:
    chat = next(CHATS)
    telegram.user_says(chat, "I lost my job")
    new_message(telegram, chat, 0, lambda m: m.get("reply_markup"))
    seen = len(telegram.sent(chat))
    telegram.user_sends(chat, {"location": {"latitude": 47.7617, "longitude": 27.9289}})
    reply = new_message(telegram, chat, seen, lambda m: "km" in m.get("text", ""))
    assert "Bălți" in reply["text"]


def test_forget_deletes_the_conversation(telegram: FakeTelegram, assistant: Stack) -> None:
    chat = next(CHATS)
    telegram.user_says(chat, "I want to open a company")
    new_message(telegram, chat, 0, lambda m: m.get("reply_markup"))
    seen = len(telegram.sent(chat))
    telegram.user_says(chat, "/forget")
    confirm = new_message(telegram, chat, seen, lambda m: m.get("reply_markup"))
    yes = confirm["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    telegram.user_presses(chat, confirm, yes)
    telegram.wait_for(lambda f: any("deleted" in t for t in texts(f, chat)))
    tracker = requests.get(
        f"{assistant.rasa_url}/conversations/telegram:{chat}/tracker", params={"token": RASA_API_TOKEN}, timeout=10
    ).json()
    assert not [e for e in tracker["events"] if e.get("event") == "user"], "the conversation's messages are gone"


def test_rasa_down_and_back_loses_nothing(telegram: FakeTelegram, assistant: Stack) -> None:
    chat = next(CHATS)
    assistant.rasa.stop()
    try:
        telegram.user_says(chat, "My mother died, what should I do?")
        telegram.wait_for(lambda f: any(PHRASES["unavailable"] in t for t in texts(f, chat)))
    finally:
        assistant.rasa.start(timeout=180)
    telegram.wait_for(lambda f: any("I understand" in t for t in texts(f, chat)), timeout=60)
    answers = [t for t in texts(telegram, chat) if "I understand" in t]
    assert len(answers) == 1, "the waiting message is answered exactly once"


@pytest.fixture()
def webhook_bridge(assistant: Stack, tmp_path: Path) -> Iterator[tuple[FakeTelegram, str]]:
    port = free_port()
    with FakeTelegram() as fake:
        bridge = start_bridge(
            fake,
            assistant,
            tmp_path,
            TELEGRAM_WEBHOOK_URL="https://example.invalid/telegram",
            TELEGRAM_WEBHOOK_SECRET="s3cret-token",
            TELEGRAM_WEBHOOK_PORT=str(port),
        )
        try:
            fake.wait_for(lambda f: f.sent(method="setWebhook"), timeout=60)
            url = f"http://127.0.0.1:{port}"
            fake.wait_for(lambda f: _up(url), timeout=30)
            yield fake, url + "/telegram"
        finally:
            bridge.stop()


def _up(url: str) -> bool:
    try:
        return requests.get(url + "/health", timeout=1).ok
    except requests.RequestException:
        return False


def test_forged_webhook_updates_are_refused(webhook_bridge: tuple[FakeTelegram, str]) -> None:
    fake, url = webhook_bridge
    assert fake.sent(method="setWebhook")[0]["secret_token"] == "s3cret-token"
    chat = next(CHATS)
    update = {
        "update_id": 1,
        "message": {
            "message_id": 1,
            "date": 1,
            "chat": {"id": chat, "type": "private"},
            "from": {"id": chat, "is_bot": False, "first_name": "X"},
            "text": "hello",
        },
    }
    assert requests.post(url, json=update, timeout=10).status_code == 403
    assert (
        requests.post(url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "guess"}, timeout=10).status_code
        == 403
    )
    assert requests.post(url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "s3cret-token"}, timeout=10).ok
    fake.wait_for(lambda f: f.sent(chat))  # the genuine update is answered


def test_buttons_work_over_the_webhook(webhook_bridge: tuple[FakeTelegram, str]) -> None:
    """Updates posted to the webhook get their buttons' data looked up, as with polling."""
    fake, url = webhook_bridge
    chat = next(CHATS)
    secret = {"X-Telegram-Bot-Api-Secret-Token": "s3cret-token"}
    message = {
        "message_id": 1,
        "date": 1,
        "chat": {"id": chat, "type": "private"},
        "from": {"id": chat, "is_bot": False, "first_name": "X", "language_code": "en"},
        "text": "I need a passport",
    }
    update = {"update_id": 900_001, "message": message}  # not one of the stand-in's ids: each update is handled once
    assert requests.post(url, json=update, headers=secret, timeout=10).ok
    question = new_message(fake, chat, 0, lambda m: m.get("reply_markup"))
    seen = len(fake.sent(chat))
    data = question["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    assert requests.post(url, json=fake.press_update(chat, question, data), headers=secret, timeout=10).ok
    new_message(fake, chat, seen, lambda m: m.get("reply_markup"))  # the next question
    assert fake.sent(method="editMessageReplyMarkup")
    assert not any(a.get("text") for a in fake.sent(method="answerCallbackQuery")), "not 'expired'"


def test_a_keyboard_pressed_again_later_is_ignored_quietly(telegram: FakeTelegram) -> None:
    """After its answer, a keyboard pressed again (its data already dropped) is neither sent on nor 'expired'."""
    chat = next(CHATS)
    telegram.user_says(chat, "I need a passport")
    question = new_message(telegram, chat, 0, lambda m: m.get("reply_markup"))
    data = question["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    seen = len(telegram.sent(chat))
    telegram.user_presses(chat, question, data)
    new_message(telegram, chat, seen, lambda m: m.get("reply_markup"))
    answered = len(telegram.sent(method="answerCallbackQuery"))
    seen = len(telegram.sent(chat))
    telegram.user_presses(chat, question, data)
    telegram.wait_for(lambda f: len(f.sent(method="answerCallbackQuery")) > answered)
    assert not telegram.sent(method="answerCallbackQuery")[-1].get("text"), "no 'button expired' for a second press"
    telegram.user_says(chat, "thanks")
    telegram.wait_for(lambda f: any("welcome" in t for t in texts(f, chat)[seen:]))
    assert not [m for m in telegram.sent(chat)[seen:] if m.get("reply_markup")], "nothing was sent on"


def test_an_unknown_button_is_answered_as_expired(telegram: FakeTelegram) -> None:
    chat = next(CHATS)
    telegram.user_says(chat, "I need a passport")
    question = new_message(telegram, chat, 0, lambda m: m.get("reply_markup"))
    answered = len(telegram.sent(method="answerCallbackQuery"))
    telegram.user_presses(chat, question, "b" + "0" * 20)  # a key of the bridge's former button table
    telegram.wait_for(lambda f: len(f.sent(method="answerCallbackQuery")) > answered)
    assert "no longer valid" in telegram.sent(method="answerCallbackQuery")[-1]["text"]


def test_the_bridge_files_are_its_owners_only(telegram: FakeTelegram, telegram_dir: Path) -> None:
    chat = next(CHATS)
    telegram.user_says(chat, "I need a passport")
    new_message(telegram, chat, 0, lambda m: m.get("reply_markup"))
    files = [f for f in telegram_dir.iterdir() if f.name.startswith("telegram.db")]
    assert files
    for path in files:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path.name


def test_buttons_work_after_the_bridge_restarts(assistant: Stack, tmp_path: Path) -> None:
    """The keyboards' data is persisted: a keyboard sent before a restart is answered after it."""
    (tmp_path / "telegram.db").touch(mode=0o644)  # a file from an older version, readable by others
    os.chmod(tmp_path / "telegram.db", 0o644)
    chat = next(CHATS)
    with FakeTelegram() as fake:
        bridge = start_bridge(fake, assistant, tmp_path)
        try:
            fake.user_says(chat, "I need a passport")
            question = new_message(fake, chat, 0, lambda m: m.get("reply_markup"))
        finally:
            bridge.stop()
        assert bridge.process.returncode == 0, "SIGTERM stops the bridge cleanly (and writes what it keeps)"
        seen = len(fake.sent(chat))
        bridge = start_bridge(fake, assistant, tmp_path)
        try:
            data = question["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
            fake.user_presses(chat, question, data)
            new_message(fake, chat, seen, lambda m: m.get("reply_markup"))  # the next question
            assert fake.sent(method="editMessageReplyMarkup"), "the pressed keyboard is removed"
            assert not any(a.get("text") for a in fake.sent(method="answerCallbackQuery")), "not 'expired'"
            asked = [m for m in fake.sent(chat) if m["text"] == question["text"]]
            assert len(asked) == 1, "the update handled before the restart is not handled again"
        finally:
            bridge.stop()
    for path in tmp_path.iterdir():
        if path.name.startswith("telegram.db"):
            assert stat.S_IMODE(path.stat().st_mode) == 0o600, path.name


def test_webhook_mode_needs_a_secret(assistant: Stack, tmp_path: Path) -> None:
    with FakeTelegram() as fake:
        bridge = start_bridge(fake, assistant, tmp_path, TELEGRAM_WEBHOOK_URL="https://example.invalid/telegram")
        assert bridge.process.wait(timeout=60) != 0
        bridge.stop()
        assert not fake.sent(method="setWebhook")
    assert "TELEGRAM_WEBHOOK_SECRET" in (tmp_path / "bridge.log").read_text()
