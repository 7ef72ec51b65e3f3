"""What the Telegram bridge remembers across restarts, in SQLite: button payloads behind short
callback data, each chat's language, buttons already pressed, and messages waiting for Rasa.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

SCHEMA = """
create table if not exists buttons (key text primary key, chat_id integer, payload text, title text, created real);
create table if not exists pressed (chat_id integer, message_id integer, primary key (chat_id, message_id));
create table if not exists chats (chat_id integer primary key, language text);
create table if not exists outbox (id integer primary key autoincrement, chat_id integer, text text, metadata text);
"""


class State:
    def __init__(self, path: Path | str) -> None:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self.db.execute("pragma journal_mode=wal")
        self.db.executescript(SCHEMA)
        self.lock = threading.Lock()

    def _run(self, sql: str, *args: Any) -> list[tuple[Any, ...]]:
        with self.lock:
            return self.db.execute(sql, args).fetchall()

    # -- buttons: Telegram allows 64 bytes of callback data, payloads can be longer --
    def button_key(self, chat_id: int, payload: str, title: str) -> str:
        key = "b" + hashlib.sha256(f"{chat_id}\n{payload}".encode()).hexdigest()[:20]
        self._run("insert or replace into buttons values (?, ?, ?, ?, ?)", key, chat_id, payload, title, time.time())
        return key

    def button(self, key: str) -> tuple[str, str] | None:
        rows = self._run("select payload, title from buttons where key = ?", key)
        return (rows[0][0], rows[0][1]) if rows else None

    def first_press(self, chat_id: int, message_id: int) -> bool:
        """True the first time a message's keyboard is used; False for a second press."""
        with self.lock:
            cursor = self.db.execute("insert or ignore into pressed values (?, ?)", (chat_id, message_id))
            return cursor.rowcount == 1

    # -- languages ----------------------------------------------------------------
    def language(self, chat_id: int) -> str | None:
        rows = self._run("select language from chats where chat_id = ?", chat_id)
        return rows[0][0] if rows else None

    def set_language(self, chat_id: int, language: str) -> None:
        self._run("insert or replace into chats values (?, ?)", chat_id, language)

    # -- messages waiting for Rasa --------------------------------------------------
    def queue(self, chat_id: int, text: str, metadata: dict[str, Any] | None) -> None:
        self._run("insert into outbox (chat_id, text, metadata) values (?, ?, ?)", chat_id, text, json.dumps(metadata))

    def waiting(self, chat_id: int | None = None) -> list[tuple[int, int, str, dict[str, Any] | None]]:
        if chat_id is None:
            rows = self._run("select id, chat_id, text, metadata from outbox order by id")
        else:
            rows = self._run("select id, chat_id, text, metadata from outbox where chat_id = ? order by id", chat_id)
        return [(row[0], row[1], row[2], json.loads(row[3])) for row in rows]

    def delivered(self, message_id: int) -> None:
        self._run("delete from outbox where id = ?", message_id)

    def forget(self, chat_id: int) -> None:
        for table in ("buttons", "pressed", "chats", "outbox"):
            self._run(f"delete from {table} where chat_id = ?", chat_id)  # noqa: S608 - fixed table names
