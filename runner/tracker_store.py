"""The embedded conversation store: Rasa's SQL tracker store on SQLite, tuned for a chat server.

SQLite's defaults make every turn wait for a disk flush. Write-ahead logging
with `synchronous=NORMAL` keeps every committed turn across a crash of any
process (it can lose the last turns only on a power cut), lets readers and the
writer work at once, and waits for busy locks instead of failing. Configured
in endpoints.yml as `type: runner.tracker_store.SQLiteTrackerStore`.

Replacing a conversation's events with an empty list through Rasa's HTTP API
(`PUT /conversations/{id}/tracker/events` with `[]`) deletes the conversation:
that is how a citizen's "forget me" is carried out.
"""

from __future__ import annotations

from typing import Any

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy import event


def _tune(connection: Any, _record: Any) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


class SQLiteTrackerStore(SQLTrackerStore):
    def __init__(self, domain: Any = None, db: str = "var/tracker.db", event_broker: Any = None, **kwargs: Any) -> None:
        kwargs.pop("dialect", None)
        super().__init__(domain=domain, dialect="sqlite", db=db, event_broker=event_broker, **kwargs)
        event.listen(self.engine, "connect", _tune)
        self.engine.dispose()  # connections opened from now on are tuned

    async def save(self, tracker: DialogueStateTracker) -> None:
        if tracker.events:
            await super().save(tracker)
            return
        with self.session_scope() as session:
            session.query(self.SQLEvent).filter(self.SQLEvent.sender_id == tracker.sender_id).delete()
            session.commit()
