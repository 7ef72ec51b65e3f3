"""Conversations handed over to the helpdesk, and who holds them: every change one conditional
UPDATE whose row count says who won (no dialect-specific upserts, no RETURNING). Pages and URLs
name a conversation by its row id, never by its sender id: the widget's id is the citizen's secret."""

from __future__ import annotations

import time
from typing import Any

import sqlalchemy as sa

from console.store.engine import Database
from console.store.tables import conversations

INBOX_LIMIT = 200
INBOX_TABS = {  # tab -> (condition, order)
    "waiting": (lambda holder: [conversations.c.status == "waiting"], conversations.c.requested_at),
    "mine": (
        lambda holder: [conversations.c.status == "held", conversations.c.holder == holder],
        conversations.c.updated_at.desc(),
    ),
    "open": (lambda holder: [conversations.c.status != "closed"], conversations.c.requested_at),
    "closed": (lambda holder: [conversations.c.status == "closed"], conversations.c.updated_at.desc()),
}


def held_by(name: str, anyone: bool) -> list[Any]:
    """The condition for changing a held conversation: its holder, or anyone (a supervisor)."""
    return [conversations.c.status == "held"] + ([] if anyone else [conversations.c.holder == name])


class ConversationStore(Database):
    def handover(self, sender_id: str, channel: str, language: str, life_event: str | None, reason: str) -> None:
        """A conversation waits for a person: a new row, or a closed one opened again. One that is
        already waiting or held stays as it is (the assistant may ask twice)."""
        now = time.time()
        values = {"channel": channel, "language": language, "life_event": life_event, "reason": reason}
        with self.begin() as db:
            reopened = db.execute(
                conversations.update()
                .where(conversations.c.sender_id == sender_id, conversations.c.status == "closed")
                .values(status="waiting", holder=None, outcome=None, requested_at=now, updated_at=now, **values)
            ).rowcount
            exists = db.execute(sa.select(conversations.c.id).where(conversations.c.sender_id == sender_id)).first()
            if not reopened and exists is None:
                db.execute(
                    conversations.insert().values(
                        sender_id=sender_id, status="waiting", requested_at=now, updated_at=now, **values
                    )
                )

    def touch(self, sender_id: str, **values: Any) -> bool:
        """Something happened in a conversation the console knows (a citizen's message, a new
        language or life event): its row is updated so open pages notice."""
        values = {key: value for key, value in values.items() if value is not None}
        update = conversations.update().where(conversations.c.sender_id == sender_id)
        return bool(self.changes(update.values(updated_at=time.time(), **values)))

    def conversation(self, conversation_id: int) -> dict[str, Any] | None:
        return self.row(conversations.select().where(conversations.c.id == conversation_id))

    def conversation_by_sender(self, sender_id: str) -> dict[str, Any] | None:
        return self.row(conversations.select().where(conversations.c.sender_id == sender_id))

    def inbox(self, tab: str, holder: str) -> list[dict[str, Any]]:
        condition, order = INBOX_TABS.get(tab, INBOX_TABS["closed"])
        return self.rows(conversations.select().where(*condition(holder)).order_by(order).limit(INBOX_LIMIT))

    def waiting_count(self) -> int:
        with self.begin() as db:
            query = sa.select(sa.func.count()).select_from(conversations).where(conversations.c.status == "waiting")
            return int(db.execute(query).scalar() or 0)

    def changed(self) -> tuple[float, int]:
        """A mark that moves whenever any conversation changes (what pages wait for)."""
        with self.begin() as db:
            row = db.execute(sa.select(sa.func.max(conversations.c.updated_at), sa.func.count())).first()
        return (float(row[0] or 0.0), int(row[1] or 0)) if row else (0.0, 0)

    def changed_since(self, since: float) -> list[int]:
        """The conversations changed after `since` (epoch seconds)."""
        query = sa.select(conversations.c.id).where(conversations.c.updated_at > since).limit(500)
        with self.begin() as db:
            return [int(row[0]) for row in db.execute(query).all()]

    def _move(self, conversation_id: int, where: list[Any], **values: Any) -> bool:
        """One conditional UPDATE: true for the one caller whose condition still held."""
        update = conversations.update().where(conversations.c.id == conversation_id, *where)
        return self.changes(update.values(updated_at=time.time(), **values)) == 1

    def claim(self, conversation_id: int, name: str) -> bool:
        """Exactly one of two staff claiming at once wins: only a waiting conversation can be claimed."""
        return self._move(conversation_id, [conversations.c.status == "waiting"], status="held", holder=name)

    def release(self, conversation_id: int, name: str, anyone: bool = False) -> bool:
        return self._move(conversation_id, held_by(name, anyone), status="waiting", holder=None)

    def transfer(self, conversation_id: int, name: str, to: str, anyone: bool = False) -> bool:
        return self._move(conversation_id, held_by(name, anyone), holder=to)

    def close(self, conversation_id: int, name: str, outcome: str, anyone: bool = False) -> bool:
        return self._move(conversation_id, held_by(name, anyone), status="closed", holder=None, outcome=outcome)
