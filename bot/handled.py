"""What the bridges have already taken on, shared by every bridge: Telegram updates and staff messages.

Telegram sends a webhook update again when it did not get its answer in time, and with two
bridges behind a load balancer the second copy may reach the other bridge; after a restart,
long polling may fetch an update again. Each update is claimed here by its `update_id` before it
is handled: the first claim wins, every later one is dropped (python-telegram-bot's
`TypeHandler` in group -1 with `ApplicationHandlerStop`, the library's way to stop an update).

A staff message from the helpdesk console is claimed before it is sent, so two bridges reading
the console's queue send it once, and a bridge killed between Telegram's answer and writing its
place down does not send it again after its restart. Telegram has no idempotency key and a bot
cannot read back a chat, so a bridge killed after the claim and before its request reached
Telegram loses that one message: never twice, at most one lost to a crash in that instant.
A message Telegram refused for a while (flood control past the retries, a network error) is
released and sent later.

The record is one table, `handled (kind, key, at)`, in the bridge's own SQLite file, or in
PostgreSQL (`TELEGRAM_DATABASE_URL`) when several bridges run (the scaled profile); rows older
than a week are deleted (Telegram keeps an update for at most 24 hours).
"""

from __future__ import annotations

import logging
import time
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from telegram import Update
from telegram.ext import Application, ApplicationHandlerStop, TypeHandler

log = logging.getLogger("bot.telegram")
KEEP_SECONDS = 7 * 86400.0
UPDATE = "update"  # Telegram's update_id
STAFF = "staff"  # the helpdesk console's staff message id

_metadata = sa.MetaData()
_handled = sa.Table(
    "handled",
    _metadata,
    sa.Column("kind", sa.String(16), primary_key=True),
    sa.Column("key", sa.BigInteger, primary_key=True),
    sa.Column("at", sa.Float, nullable=False),
)


class Handled:
    def __init__(self, url: str) -> None:
        self.engine = sa.create_engine(url, pool_pre_ping=True)
        _metadata.create_all(self.engine)
        self._next_purge = 0.0

    def claim(self, kind: str, key: int) -> bool:
        """True for the first bridge to claim `key`: it handles it; false for every later claim."""
        now = time.time()
        if now >= self._next_purge:
            self.purge(now)
        insert = postgresql.insert if self.engine.dialect.name == "postgresql" else sqlite.insert
        statement = insert(_handled).values(kind=kind, key=key, at=now).on_conflict_do_nothing()
        with self.engine.begin() as connection:
            return bool(connection.execute(statement).rowcount)

    def register(self, application: Application) -> None:  # type: ignore[type-arg]
        """Claim every update before any handler sees it (group -1); a claimed one stops there."""
        application.add_handler(TypeHandler(Update, self._claim_update), group=-1)

    async def _claim_update(self, update: Update, _context: Any) -> None:
        if not self.claim(UPDATE, update.update_id):
            log.info("Update %s was handled already: ignored", update.update_id)
            raise ApplicationHandlerStop

    def release(self, kind: str, key: int) -> None:
        """Give a claim back (it was not handled after all: to be tried again)."""
        with self.engine.begin() as connection:
            connection.execute(_handled.delete().where(_handled.c.kind == kind, _handled.c.key == key))

    def purge(self, now: float) -> None:
        with self.engine.begin() as connection:
            connection.execute(_handled.delete().where(_handled.c.at < now - KEEP_SECONDS))
        self._next_purge = now + 3600.0
