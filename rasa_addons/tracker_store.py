"""The embedded conversation store: Rasa's SQL tracker store on SQLite, made fast for a chat server.

Same table and rows as Rasa's `SQLTrackerStore` (so Rasa's tools read it), with
three changes measured in docs/performance.md:

- Write-ahead logging with `synchronous=NORMAL`: every committed turn survives
  a crash of any process (only a power cut can lose the last turns), readers
  and the writer work at once, busy locks are waited for instead of failing.
- Turns read and write through one plain `sqlite3` connection per thread
  instead of an SQLAlchemy session per call (opening connections and building
  ORM queries was a third of the Rasa server's time).
- The trackers of recent conversations stay in memory (an LRU of `cache_size`,
  default 1000). A cached tracker is used only when the database still ends at
  the event it last saw and nobody changed the tracker without saving it, so
  several Rasa processes can share the file; otherwise the turn reads the
  database like Rasa does.

Replacing a conversation's events with an empty list through Rasa's HTTP API
(`PUT /conversations/{id}/tracker/events` with `[]`) deletes the conversation:
that is how a citizen's "forget me" is carried out.

Conversations are kept no longer than the retention period (`RETENTION_DAYS`,
default 90, or `retention_days` in endpoints.yml): one whose last event is older
is deleted with all its events when the store starts and then once an hour.
The file is readable by its owner only.

Configured in endpoints.yml as `type: rasa_addons.tracker_store.SQLiteTrackerStore`.
"""

from __future__ import annotations

import itertools
import json
import logging
import os
import sqlite3
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import Event, SessionStarted
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy import event

from rasa_addons import settings

logger = logging.getLogger(__name__)

# Events of the latest session: those at or after its `session_started` event, as Rasa's query.
_LATEST_SESSION = """
    SELECT data FROM events
    WHERE sender_id = :sender AND (
        :start IS NULL OR timestamp >= :start)
    ORDER BY id
"""
_HEAD = f"""
    SELECT max(CASE WHEN type_name = '{SessionStarted.type_name}' THEN timestamp END), max(id)
    FROM events WHERE sender_id = ?
"""
_COUNT_LATEST_SESSION = "SELECT count(*) FROM (" + _LATEST_SESSION + ")"
_EXPIRED = """
    DELETE FROM events WHERE sender_id IN (
        SELECT sender_id FROM events GROUP BY sender_id HAVING max(timestamp) < ?)
"""
PURGE_EVERY = 3600.0  # seconds between two purges of expired conversations
_INSERT = """
    INSERT INTO events (sender_id, type_name, timestamp, intent_name, action_name, data)
    VALUES (?, ?, ?, ?, ?, ?)
"""


def tune_sqlite(connection: Any, _record: Any) -> None:
    """WAL, fewer syncs and a 5-second wait for a lock: how every SQLite file of the Rasa server is opened."""
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


@dataclass
class _Cached:
    tracker: DialogueStateTracker
    saved_events: int  # len(tracker.events) when it was last read or saved
    last_id: int | None  # the conversation's last row id then


class SQLiteTrackerStore(SQLTrackerStore):
    def __init__(
        self,
        domain: Any = None,
        db: str = "var/tracker.db",
        event_broker: Any = None,
        cache_size: int = 1000,
        retention_days: float | None = None,
        **kwargs: Any,
    ) -> None:
        self.retention_days = float(retention_days or settings.RETENTION_DAYS)
        self._next_purge = 0.0
        self._cache: OrderedDict[str, _Cached] = OrderedDict()
        self._lock = threading.Lock()
        self._unsaved: set[str] = set()  # conversations whose last turn could not be saved
        self._local = threading.local()
        self.path = db
        self.cache_size = int(cache_size)
        kwargs.pop("dialect", None)
        super().__init__(domain=domain, dialect="sqlite", db=db, event_broker=event_broker, **kwargs)
        # SQLAlchemy made the table and still serves Rasa's rarer calls (keys, full history)
        event.listen(self.engine, "connect", tune_sqlite)
        self.engine.dispose()
        if os.path.exists(db):
            os.chmod(db, 0o600)  # conversations hold what citizens typed: the owner's only
        self.purge_expired()

    def purge_expired(self, now: float | None = None) -> int:
        """Delete every conversation whose last event is older than the retention period; how many."""
        now = time.time() if now is None else now
        cutoff = now - self.retention_days * 86400
        before = self._db().execute("SELECT count(DISTINCT sender_id) FROM events").fetchone()[0]
        self._db().execute(_EXPIRED, (cutoff,))
        purged = before - self._db().execute("SELECT count(DISTINCT sender_id) FROM events").fetchone()[0]
        with self._lock:
            self._cache.clear()
        self._next_purge = time.monotonic() + PURGE_EVERY
        if purged:
            logger.info("Deleted %d conversations older than %g days", purged, self.retention_days)
        return int(purged)

    @property  # type: ignore[override]
    def domain(self) -> Any:
        return self._domain

    @domain.setter
    def domain(self, domain: Any) -> None:
        self._domain = domain or Domain.empty()
        with self._lock:
            self._cache.clear()  # a new model may define other slots

    def _db(self) -> sqlite3.Connection:
        connection = getattr(self._local, "connection", None)
        if connection is None:
            connection = sqlite3.connect(self.path, timeout=5.0, isolation_level=None)
            tune_sqlite(connection, None)
            self._local.connection = connection
        return connection

    def _head(self, sender_id: str) -> tuple[float | None, int | None]:
        start, last_id = self._db().execute(_HEAD, (sender_id,)).fetchone()
        return start, last_id

    def _cached(self, sender_id: str, last_id: int | None) -> _Cached | None:
        with self._lock:
            cached = self._cache.get(sender_id)
            if cached is None:
                return None
            if cached.last_id != last_id or len(cached.tracker.events) != cached.saved_events:
                del self._cache[sender_id]  # another process wrote, or a change was never saved
                return None
            self._cache.move_to_end(sender_id)
            return cached

    def _remember(self, tracker: DialogueStateTracker, last_id: int | None) -> None:
        with self._lock:
            self._cache[tracker.sender_id] = _Cached(tracker, len(tracker.events), last_id)
            self._cache.move_to_end(tracker.sender_id)
            while len(self._cache) > self.cache_size:
                self._cache.popitem(last=False)

    def unsaved(self, sender_id: str) -> bool:
        """Whether the conversation's last turn could not be saved (once: the flag is cleared). Rasa
        wraps every tracker store in a fail-safe that logs a failed save and keeps the turn in memory
        only; the channel asks this to tell the citizen to write again instead."""
        with self._lock:
            if sender_id in self._unsaved:
                self._unsaved.discard(sender_id)
                return True
        return False

    def _forget(self, sender_id: str) -> None:
        with self._lock:
            self._cache.pop(sender_id, None)

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        """The tracker of the conversation's latest session, from memory when it is current."""
        start, last_id = self._head(sender_id)
        cached = self._cached(sender_id, last_id)
        if cached is not None:
            return cached.tracker
        if last_id is None or not self.domain:
            return None
        rows = self._db().execute(_LATEST_SESSION, {"sender": sender_id, "start": start}).fetchall()
        tracker = DialogueStateTracker.from_dict(sender_id, [json.loads(data) for (data,) in rows], self.domain.slots)
        self._remember(tracker, last_id)
        return tracker

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Appends the events the database does not have yet (an empty tracker deletes the conversation)."""
        sender_id = tracker.sender_id
        db = self._db()
        if time.monotonic() >= self._next_purge:
            self.purge_expired()
        if not tracker.events:
            db.execute("DELETE FROM events WHERE sender_id = ?", (sender_id,))
            self._forget(sender_id)
            return
        start, last_id = self._head(sender_id)
        with self._lock:
            cached = self._cache.get(sender_id)
        if cached is not None and cached.tracker is tracker and cached.last_id == last_id:
            stored = cached.saved_events
        else:
            (stored,) = db.execute(_COUNT_LATEST_SESSION, {"sender": sender_id, "start": start}).fetchone()
        new_events = list(itertools.islice(tracker.events, stored, None))
        if self.event_broker is not None:
            await self._stream_new_events(self.event_broker, new_events, sender_id)
        if new_events:
            try:
                db.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError:  # locked or unreadable: Rasa's fail-safe keeps it in memory only
                self._forget(sender_id)  # the cached tracker holds the turn that was not kept
                with self._lock:
                    self._unsaved.add(sender_id)
                raise
            try:
                db.executemany(_INSERT, [_row(sender_id, item) for item in new_events])
                last_id = db.execute("SELECT max(id) FROM events WHERE sender_id = ?", (sender_id,)).fetchone()[0]
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                self._forget(sender_id)
                with self._lock:
                    self._unsaved.add(sender_id)
                raise
        self._remember(tracker, last_id)
        logger.debug("Stored %d new events of a conversation", len(new_events))


def _row(sender_id: str, event: Event) -> tuple[Any, ...]:
    data = event.as_dict()
    return (
        sender_id,
        event.type_name,
        data.get("timestamp"),
        data.get("parse_data", {}).get("intent", {}).get("name"),
        data.get("name"),
        json.dumps(data),
    )
