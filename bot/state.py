"""What the Telegram bridge remembers across restarts, in one SQLite file readable by its owner only:
each chat's language, keyboards already pressed, messages waiting for Rasa, and the inline keyboards'
callback data that python-telegram-bot's persistence (bot/persistence.py) keeps here.

Every write is committed at once: a message waiting for Rasa survives a crash of the bridge.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from pathlib import Path
from typing import Any

SCHEMA = """
create table if not exists pressed (chat_id integer, message_id integer, primary key (chat_id, message_id));
create table if not exists chats (chat_id integer primary key, language text);
create table if not exists outbox (id integer primary key autoincrement, chat_id integer, text text, metadata text);
create table if not exists keyboards (uuid text primary key, access_time real, buttons text);
create table if not exists callback_queries (id text primary key, keyboard text);
create table if not exists cursors (name text primary key, value integer);
drop table if exists buttons;
"""
# `buttons` held button payloads before python-telegram-bot's arbitrary callback data did: gone on upgrade.

OWNER_ONLY = 0o600


def owner_only(path: Path) -> None:
    """The database and SQLite's companion files (-wal, -shm) readable and writable by the owner only."""
    for candidate in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        if candidate.exists():
            os.chmod(candidate, OWNER_ONLY)


class State:
    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.touch(mode=OWNER_ONLY, exist_ok=True)
        owner_only(self.path)
        self.db = sqlite3.connect(str(self.path), check_same_thread=False, isolation_level=None)
        self.db.execute("pragma journal_mode=wal")
        self.db.executescript(SCHEMA)
        owner_only(self.path)  # the -wal and -shm files SQLite has just made
        self.lock = threading.Lock()

    def _run(self, sql: str, *args: Any) -> list[tuple[Any, ...]]:
        with self.lock:
            return self.db.execute(sql, args).fetchall()

    # -- keyboards already pressed ---------------------------------------------------
    def pressed(self, chat_id: int, message_id: int) -> bool:
        return bool(self._run("select 1 from pressed where chat_id = ? and message_id = ?", chat_id, message_id))

    def press(self, chat_id: int, message_id: int) -> None:
        self._run("insert or ignore into pressed values (?, ?)", chat_id, message_id)

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
        """The chat's rows; its keyboards leave with the next persistence update (bot/persistence.py)."""
        for table in ("pressed", "chats", "outbox"):
            self._run(f"delete from {table} where chat_id = ?", chat_id)  # noqa: S608 - fixed table names

    # -- the last staff message from the helpdesk console that was sent (bot/helpdesk.py)
    def cursor(self, name: str) -> int:
        rows = self._run("select value from cursors where name = ?", name)
        return int(rows[0][0]) if rows else 0

    def set_cursor(self, name: str, value: int) -> None:
        self._run("insert or replace into cursors values (?, ?)", name, value)

    # -- python-telegram-bot's callback data (written by bot/persistence.py) -----------
    def keyboards(self) -> list[tuple[str, float, dict[str, Any]]]:
        rows = self._run("select uuid, access_time, buttons from keyboards order by access_time")
        return [(uuid, access_time, json.loads(buttons)) for uuid, access_time, buttons in rows]

    def callback_queries(self) -> dict[str, str]:
        return dict(self._run("select id, keyboard from callback_queries"))  # type: ignore[arg-type]

    def save_callback_data(
        self,
        changed: list[tuple[str, float, dict[str, Any]]],
        gone: list[str],
        queries: dict[str, str],
    ) -> None:
        """Write the keyboards that changed, delete those gone, replace the callback queries; one transaction."""
        with self.lock:
            self.db.execute("begin")
            try:
                self.db.executemany(
                    "insert or replace into keyboards values (?, ?, ?)",
                    [(uuid, access_time, json.dumps(buttons)) for uuid, access_time, buttons in changed],
                )
                self.db.executemany("delete from keyboards where uuid = ?", [(uuid,) for uuid in gone])
                self.db.execute("delete from callback_queries")
                self.db.executemany("insert into callback_queries values (?, ?)", list(queries.items()))
                self.db.execute("commit")
            except BaseException:
                self.db.execute("rollback")
                raise
