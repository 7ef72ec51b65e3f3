"""The audit (who did what to which conversation number: it names no citizen) and retention
(a conversation's rows leave the store at the citizen's request or after the retention period)."""

from __future__ import annotations

import time
from typing import Any

import sqlalchemy as sa

from console.store.engine import Database
from console.store.tables import audit, conversations, notes, outbox, tags

PURGE_CHUNK = 500


class RecordStore(Database):
    def audit(self, actor: str, action: str, conversation_id: int | None = None, detail: str | None = None) -> None:
        self.changes(
            audit.insert().values(
                at=time.time(), actor=actor, action=action, conversation_id=conversation_id, detail=detail
            )
        )

    def audit_rows(self, conversation_id: int | None = None, limit: int = 300) -> list[dict[str, Any]]:
        query = audit.select().order_by(audit.c.id.desc()).limit(limit)
        if conversation_id is not None:
            query = query.where(audit.c.conversation_id == conversation_id)
        return self.rows(query)

    def forget(self, sender_id: str) -> bool:
        """The citizen asked to forget their conversation: its row, staff messages, notes and tags go."""
        with self.begin() as db:
            row = db.execute(sa.select(conversations.c.id).where(conversations.c.sender_id == sender_id)).first()
            db.execute(outbox.delete().where(outbox.c.sender_id == sender_id))
            if row is None:
                return False
            for table in (notes, tags):
                db.execute(table.delete().where(table.c.conversation_id == row[0]))
            db.execute(conversations.delete().where(conversations.c.id == row[0]))
        return True

    def purge(self, older_than: float) -> int:
        """Conversations not changed since `older_than` (epoch seconds) leave the store with their
        staff messages, notes and tags, as Rasa's tracker store drops the conversation itself; the
        audit keeps who did what, which names no citizen. The number of conversations purged."""
        with self.begin() as db:
            old = [
                int(row[0])
                for row in db.execute(
                    sa.select(conversations.c.id).where(conversations.c.updated_at < older_than)
                ).all()
            ]
            for start in range(0, len(old), PURGE_CHUNK):
                chunk = old[start : start + PURGE_CHUNK]
                for table in (outbox, notes, tags):
                    db.execute(table.delete().where(table.c.conversation_id.in_(chunk)))
                db.execute(conversations.delete().where(conversations.c.id.in_(chunk)))
        return len(old)
