"""Telegram updates and staff messages handled once (bot/handled.py), with real bridge processes and the
local Bot API stand-in: an update sent again to the webhook, or to a second bridge, is answered once; a
staff message is sent once by two bridges reading the console's queue, and once when the bridge is
killed (kill -9) after Telegram received it and before the bridge wrote that down.

The bridges share the record in one SQLite file here (the scaled profile gives them PostgreSQL);
the helpdesk console's queue is a small stand-in serving `GET /bridge/messages` as the console does.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from runner.processes import Server, free_port, telegram_bridge
from tests.fake_telegram import FakeTelegram

CHATS = itertools.count(9101)
SECRET = {"X-Telegram-Bot-Api-Secret-Token": "s3cret-token"}


class ConsoleQueue:
    """The console's queue of staff messages for Telegram; each bridge asks under its own path prefix."""

    def __init__(self) -> None:
        self.messages: list[dict[str, Any]] = []
        self.asked: dict[str, int] = {}  # prefix -> the latest `after` it asked with
        queue = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - quiet
                pass

            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                parts = urlsplit(self.path)
                prefix = parts.path.split("/bridge/")[0]
                after = int(parse_qs(parts.query).get("after", ["0"])[0])
                queue.asked[prefix] = after
                waiting = [m for m in queue.messages if m["id"] > after]
                if not waiting:
                    time.sleep(0.3)
                data = json.dumps({"messages": waiting}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def add(self, chat_id: int, text: str) -> None:
        self.messages.append({"id": len(self.messages) + 1, "chat_id": chat_id, "author": "Ana", "text": text})


@pytest.fixture()
def queue() -> Iterator[ConsoleQueue]:
    console = ConsoleQueue()
    yield console
    console.server.shutdown()
    console.server.server_close()


def bridge(fake: FakeTelegram, tmp: Path, name: str, **env: str) -> Server:
    """A bridge process of its own (its own file), sharing the record of what was handled."""
    env = {
        "TELEGRAM_BOT_TOKEN": fake.token,
        "TELEGRAM_API_URL": fake.url,
        "TELEGRAM_STATE": str(tmp / f"{name}.db"),
        "TELEGRAM_DATABASE_URL": f"sqlite:///{tmp / 'handled.db'}",
        **env,
    }
    server = telegram_bridge("http://127.0.0.1:9", "api-token", "bridge-token", log_path=tmp / f"{name}.log", **env)
    server.name = f"Telegram bridge {name}"
    return server.start()


def webhook(fake: FakeTelegram, tmp: Path, name: str) -> tuple[Server, str]:
    port = free_port()
    server = bridge(
        fake,
        tmp,
        name,
        TELEGRAM_WEBHOOK_URL="https://example.invalid/telegram",
        TELEGRAM_WEBHOOK_SECRET=SECRET["X-Telegram-Bot-Api-Secret-Token"],
        TELEGRAM_WEBHOOK_PORT=str(port),
    )
    fake.wait_for(lambda _: up(f"http://127.0.0.1:{port}/health"), timeout=60)
    return server, f"http://127.0.0.1:{port}/telegram"


def up(url: str) -> bool:
    try:
        return requests.get(url, timeout=1).ok
    except requests.RequestException:
        return False


def help_update(update_id: int, chat: int) -> dict[str, Any]:
    """/help: answered by the bridge itself (no assistant needed to see how often it is answered)."""
    message = {
        "message_id": update_id,
        "date": int(time.time()),
        "chat": {"id": chat, "type": "private"},
        "from": {"id": chat, "is_bot": False, "first_name": "Citizen", "language_code": "en"},
        "text": "/help",
        "entities": [{"type": "bot_command", "offset": 0, "length": 5}],
    }
    return {"update_id": update_id, "message": message}


def test_an_update_sent_again_or_to_another_bridge_is_answered_once(tmp_path: Path) -> None:
    with FakeTelegram() as fake:
        first, first_url = webhook(fake, tmp_path, "a")
        second, second_url = webhook(fake, tmp_path, "b")
        try:
            chat = next(CHATS)
            update = help_update(770_001, chat)
            assert requests.post(first_url, json=update, headers=SECRET, timeout=10).ok
            fake.wait_for(lambda f: f.sent(chat))
            # Telegram sends it again (no answer in time), once to each bridge behind the load balancer
            assert requests.post(first_url, json=update, headers=SECRET, timeout=10).ok
            assert requests.post(second_url, json=update, headers=SECRET, timeout=10).ok
            for server in (first, second):
                assert server.log_path is not None
                log = server.log_path
                fake.wait_for(lambda _, log=log: "770001 was handled already" in log.read_text(encoding="utf-8"))
            assert len(fake.sent(chat)) == 1
            other = next(CHATS)  # and the next update is answered as usual, by either bridge
            assert requests.post(second_url, json=help_update(770_002, other), headers=SECRET, timeout=10).ok
            fake.wait_for(lambda f: f.sent(other))
        finally:
            first.stop()
            second.stop()


def test_a_staff_message_reaches_the_citizen_once_through_a_crash_and_two_bridges(
    tmp_path: Path, queue: ConsoleQueue
) -> None:
    chat = next(CHATS)
    with FakeTelegram() as fake:
        answers = fake.hold("sendMessage")  # Telegram gets the message; its answer never reaches the bridge
        queue.add(chat, "Hello, I am looking at your question.")
        crashing = bridge(fake, tmp_path, "a", CONSOLE_PUSH_URL=queue.url + "/a")
        fake.wait_for(lambda f: f.sent(chat))
        assert crashing.process is not None
        crashing.process.kill()  # kill -9 between sending and writing down that it was sent
        crashing.process.wait()
        answers.set()
        restarted = bridge(fake, tmp_path, "a", CONSOLE_PUSH_URL=queue.url + "/a")
        other = bridge(fake, tmp_path, "b", CONSOLE_PUSH_URL=queue.url + "/b")
        try:
            queue.add(chat, "Your certificate is ready.")
            fake.wait_for(lambda _: queue.asked.get("/a", 0) >= 2 and queue.asked.get("/b", 0) >= 2)
            texts = [message["text"] for message in fake.sent(chat)]
            assert texts == ["Ana:\nHello, I am looking at your question.", "Ana:\nYour certificate is ready."]
        finally:
            restarted.stop()
            other.stop()
