"""What staff add to a conversation (notes, tags, never shown to the citizen), and the search
across conversations by what is known of them."""

from __future__ import annotations

import time
from typing import Any

import sqlalchemy as sa

from console.store.engine import Database
from console.store.tables import audit, conversations, notes, outbox, tags


def contains(column: Any, text: str) -> Any:
    """`column` holds `text`, ignoring case, with LIKE's own characters taken literally."""
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return sa.func.lower(column).like(f"%{escaped}%", escape="\\")


class AnnotationStore(Database):
    def add_note(self, conversation_id: int, author: str, text: str) -> None:
        self.changes(
            notes.insert().values(conversation_id=conversation_id, author=author, text=text, created_at=time.time())
        )

    def notes(self, conversation_id: int) -> list[dict[str, Any]]:
        return self.rows(notes.select().where(notes.c.conversation_id == conversation_id).order_by(notes.c.id))

    def tag(self, conversation_id: int, tag: str) -> bool:
        """Adds a tag; false when the conversation had it already (two staff tagging at once: one row)."""
        with self.begin() as db:
            exists = db.execute(
                sa.select(tags.c.tag).where(tags.c.conversation_id == conversation_id, tags.c.tag == tag)
            ).first()
            if exists is None:
                db.execute(tags.insert().values(conversation_id=conversation_id, tag=tag))
        return exists is None

    def untag(self, conversation_id: int, tag: str) -> bool:
        return bool(self.changes(tags.delete().where(tags.c.conversation_id == conversation_id, tags.c.tag == tag)))

    def tags(self, conversation_id: int) -> list[str]:
        query = sa.select(tags.c.tag).where(tags.c.conversation_id == conversation_id).order_by(tags.c.tag)
        return [str(row["tag"]) for row in self.rows(query)]

    def search(
        self,
        text: str = "",
        life_event: str = "",
        language: str = "",
        channel: str = "",
        tag: str = "",
        person: str = "",
        since: float | None = None,
        until: float | None = None,
        limit: int = 100,
    ) -> list[dict[str, Any]]:
        """Conversations matching every criterion given; `text` in the staff's notes and messages
        (what citizens wrote lives in Rasa's tracker: the caller looks there)."""
        query = conversations.select()
        for column, value in (
            (conversations.c.life_event, life_event),
            (conversations.c.language, language),
            (conversations.c.channel, channel),
        ):
            if value:
                query = query.where(column == value)
        if tag:
            query = query.where(conversations.c.id.in_(sa.select(tags.c.conversation_id).where(tags.c.tag == tag)))
        if person:
            acted = sa.select(audit.c.conversation_id).where(audit.c.actor == person)
            query = query.where(sa.or_(conversations.c.holder == person, conversations.c.id.in_(acted)))
        if since is not None:
            query = query.where(conversations.c.requested_at >= since)
        if until is not None:
            query = query.where(conversations.c.requested_at < until)
        if text:
            in_notes = sa.select(notes.c.conversation_id).where(contains(notes.c.text, text))
            in_messages = sa.select(outbox.c.conversation_id).where(contains(outbox.c.text, text))
            query = query.where(sa.or_(conversations.c.id.in_(in_notes), conversations.c.id.in_(in_messages)))
        return self.rows(query.order_by(conversations.c.requested_at.desc()).limit(limit))
