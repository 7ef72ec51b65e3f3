"""Staff messages and the console's notices, kept for delivery on the citizen's channel: the
widget reads its own after the last id it has, the Telegram bridge all Telegram chats' after its own."""

from __future__ import annotations

import time
from typing import Any

import sqlalchemy as sa

from console.store.engine import Database
from console.store.tables import outbox


class OutboxStore(Database):
    def queue_message(self, conversation: dict[str, Any], author: str, text: str) -> int:
        with self.begin() as db:
            result = db.execute(
                outbox.insert().values(
                    conversation_id=conversation["id"],
                    sender_id=conversation["sender_id"],
                    author=author,
                    text=text,
                    created_at=time.time(),
                )
            )
            key = result.inserted_primary_key
        return int(key[0]) if key else 0

    def messages_for(self, sender_id: str, after: int, limit: int = 100) -> list[dict[str, Any]]:
        columns = (outbox.c.id, outbox.c.author, outbox.c.text, outbox.c.created_at)
        return self._after(columns, outbox.c.sender_id == sender_id, after, limit)

    def telegram_messages(self, after: int, limit: int = 100) -> list[dict[str, Any]]:
        """Messages for Telegram chats after `after`, in order (what the bridge delivers)."""
        columns = (outbox.c.id, outbox.c.sender_id, outbox.c.author, outbox.c.text)
        return self._after(columns, outbox.c.sender_id.like("telegram:%"), after, limit)

    def _after(self, columns: tuple[Any, ...], which: Any, after: int, limit: int) -> list[dict[str, Any]]:
        return self.rows(sa.select(*columns).where(which, outbox.c.id > after).order_by(outbox.c.id).limit(limit))

    def last_message_id(self) -> int:
        with self.begin() as db:
            return int(db.execute(sa.select(sa.func.max(outbox.c.id))).scalar() or 0)
