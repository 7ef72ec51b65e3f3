"""A local stand-in for Telegram's Bot API, spoken over HTTP the way python-telegram-bot calls it.

It answers getMe, getUpdates (long polling), sendMessage, sendChatAction,
answerCallbackQuery, editMessageReplyMarkup, setWebhook, deleteWebhook with
Telegram's JSON; tests push updates in and read what the bot sent. It can be
told to answer the next calls of a method with 429 (flood control, with
retry_after) or 500, or to hold its answers to a method (the request arrived, the caller waits, as
when a process dies between Telegram's work and its answer).
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs


class FakeTelegram:
    def __init__(self, token: str = "123456:TEST-TOKEN") -> None:
        self.token = token
        self.updates: list[dict[str, Any]] = []
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.faults: dict[str, list[int]] = {}
        self.holds: dict[str, threading.Event] = {}  # method -> set when its answers may go
        self.condition = threading.Condition()
        self.update_ids = itertools.count(1)
        self.message_ids = itertools.count(1000)
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - quiet
                pass

            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                prefix = f"/bot{fake.token}/"
                if not self.path.startswith(prefix):
                    self.reply(404, {"ok": False, "error_code": 404, "description": "Not Found"})
                    return
                method = self.path[len(prefix) :]
                length = int(self.headers.get("Content-Length") or 0)
                params = fake.parse(self.headers.get("Content-Type", ""), self.rfile.read(length))
                status, body = fake.handle(method, params)
                self.reply(status, body)

            do_GET = do_POST  # noqa: N815

            def reply(self, status: int, body: dict[str, Any]) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> FakeTelegram:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        with self.condition:
            self.condition.notify_all()
        self.server.shutdown()
        self.server.server_close()

    # -- protocol -------------------------------------------------------------------
    @staticmethod
    def parse(content_type: str, raw: bytes) -> dict[str, Any]:
        if not raw:
            return {}
        if "json" in content_type:
            return json.loads(raw)
        params: dict[str, Any] = {}
        for key, values in parse_qs(raw.decode(), keep_blank_values=True).items():
            value = values[0]
            try:
                params[key] = json.loads(value)
            except ValueError:
                params[key] = value
        return params

    def handle(self, method: str, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        with self.condition:
            planned = self.faults.get(method)
            fault = planned.pop(0) if planned else None
            self.calls.append((method, params))
            self.condition.notify_all()
            hold = self.holds.get(method)
        if hold is not None:
            hold.wait(60)
        if fault == 429:
            return 429, {
                "ok": False,
                "error_code": 429,
                "description": "Too Many Requests: retry after 1",
                "parameters": {"retry_after": 1},
            }
        if fault == 500:
            return 500, {"ok": False, "error_code": 500, "description": "Internal Server Error"}
        if method == "getMe":
            return 200, {
                "ok": True,
                "result": {"id": 42, "is_bot": True, "first_name": "Assistant", "username": "life_events_bot"},
            }
        if method == "getUpdates":
            return 200, {"ok": True, "result": self.take_updates(params)}
        if method == "sendMessage":
            return 200, {"ok": True, "result": self.message(params)}
        if method == "editMessageReplyMarkup":
            return 200, {"ok": True, "result": True}
        if method in ("sendChatAction", "answerCallbackQuery", "setWebhook", "deleteWebhook"):
            return 200, {"ok": True, "result": True}
        if method == "getWebhookInfo":
            return 200, {"ok": True, "result": {"url": "", "has_custom_certificate": False, "pending_update_count": 0}}
        return 400, {"ok": False, "error_code": 400, "description": f"Bad Request: unknown method {method}"}

    def take_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        timeout = min(float(params.get("timeout") or 0), 2.0)
        deadline = time.monotonic() + timeout
        with self.condition:
            self.updates = [u for u in self.updates if u["update_id"] >= offset]
            while not self.updates and time.monotonic() < deadline:
                self.condition.wait(deadline - time.monotonic())
            return list(self.updates)

    def message(self, params: dict[str, Any]) -> dict[str, Any]:
        sent = {
            "message_id": next(self.message_ids),
            "date": int(time.time()),
            "chat": {"id": int(params["chat_id"]), "type": "private"},
            "from": {"id": 42, "is_bot": True, "first_name": "Assistant"},
            "text": params.get("text", ""),
        }
        if params.get("reply_markup"):
            sent["reply_markup"] = params["reply_markup"]
        params["_message_id"] = sent["message_id"]
        return sent

    # -- for tests -------------------------------------------------------------------
    def push(self, update: dict[str, Any]) -> None:
        with self.condition:
            update["update_id"] = next(self.update_ids)
            self.updates.append(update)
            self.condition.notify_all()

    def user_says(self, chat_id: int, text: str, language_code: str = "en") -> None:
        user = {"id": chat_id, "is_bot": False, "first_name": "Citizen", "language_code": language_code}
        message: dict[str, Any] = {
            "message_id": next(self.message_ids),
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private"},
            "from": user,
            "text": text,
        }
        if text.startswith("/"):
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
        self.push({"message": message})

    def user_sends(self, chat_id: int, content: dict[str, Any]) -> None:
        """A non-text message: {"sticker": {...}}, {"location": {...}}, ..."""
        user = {"id": chat_id, "is_bot": False, "first_name": "Citizen", "language_code": "en"}
        message = {
            "message_id": next(self.message_ids),
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private"},
            "from": user,
            **content,
        }
        self.push({"message": message})

    def user_presses(self, chat_id: int, sent: dict[str, Any], callback_data: str) -> None:
        self.push(self.press_update(chat_id, sent, callback_data))

    def press_update(self, chat_id: int, sent: dict[str, Any], callback_data: str) -> dict[str, Any]:
        """The update Telegram makes when the citizen presses a button of the message `sent`."""
        user = {"id": chat_id, "is_bot": False, "first_name": "Citizen", "language_code": "en"}
        message = {
            "message_id": sent["_message_id"],
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private"},
            "from": {"id": 42, "is_bot": True, "first_name": "Assistant"},
            "text": sent.get("text", ""),
        }
        return {
            "update_id": next(self.update_ids),
            "callback_query": {
                "id": str(next(self.message_ids)),
                "from": user,
                "chat_instance": "1",
                "message": message,
                "data": callback_data,
            },
        }

    def hold(self, method: str) -> threading.Event:
        """Answer no call of `method` until the returned event is set (the calls are recorded at once)."""
        self.holds[method] = threading.Event()
        return self.holds[method]

    def sent(self, chat_id: int | None = None, method: str = "sendMessage") -> list[dict[str, Any]]:
        with self.condition:
            return [
                p for m, p in self.calls if m == method and (chat_id is None or int(p.get("chat_id", 0)) == chat_id)
            ]

    def wait_for(self, predicate: Any, timeout: float = 30.0) -> Any:
        """Wait until `predicate(self)` is truthy and return it."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            result = predicate(self)
            if result:
                return result
            time.sleep(0.05)
        raise AssertionError("timed out waiting for the bot")
