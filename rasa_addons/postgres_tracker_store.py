"""Rasa's SQL tracker store on PostgreSQL, loading only what a turn needs, and keeping the retention period.

Rasa's `SQLTrackerStore` rebuilds a conversation from every event of its latest session on each
turn, and once more when it saves (to count what is new; again to find the events for the event
broker). A session here never expires (`session_expiration_time: 0`), so a citizen's 500th turn
reads, sends to the action server and replays thousands of events (bench/tracker_bench.py).

This store keeps Rasa's table, rows and class (Rasa's tools and the console read them as before;
`retrieve_full_tracker`, which the HTTP API's transcript uses, still reads everything) and reads
a turn's tracker from:

- the events of the latest `RECENT_TURNS` user turns since the session started or the
  conversation restarted (Rasa's rules look back a turn or two), after
- what the earlier events left behind: the session's start, each slot's latest value, the latest
  active loop and the latest pause or resume — a tracker replayed from these has the same slots,
  loop and paused state as one replayed from every event.

A conversation whose earlier events also rewrite history in a way these rows cannot say (Rasa's
`undo`, or a `rewind` that took back slot changes) is read whole, as Rasa does. Saving appends
the events added since the tracker was read (counted on the tracker, not in the database), and
hands the same events to the event broker. Replacing a conversation's events with none through
Rasa's HTTP API deletes it (the citizen's "forget me"), as the SQLite store does. A turn whose
conversation could not be read is not saved (PostgreSQL restarting: the channel asks the citizen
to write again, and the conversation does not start over).

Conversations whose last event is older than the retention period (`RETENTION_DAYS`, or
`retention_days` in endpoints.yml) are deleted when the store starts and then once an hour (each
replica does it; deleting twice is harmless).

Configured in endpoints.yml as `tracker_store: {type: rasa_addons.postgres_tracker_store.PostgreSQLTrackerStore,
dialect: postgresql, url: …, port: …, username: …, password: …, db: …}`.
"""

from __future__ import annotations

import itertools
import json
import logging
import time
from typing import Any

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore, create_engine_kwargs
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy.orm import sessionmaker

from rasa_addons import settings
from rasa_addons.tracker_store import PURGE_EVERY

logger = logging.getLogger(__name__)

RECENT_TURNS = 10  # user turns read in full; the rules look back one or two
_LOADED = "_rasa_addons_stored_events"  # on a tracker read here: how many of its events the database has

# where the latest session (or restart) begins: the tracker's state is built from there
_START = sa.text("""
    SELECT coalesce(max(id), 0) FROM events
    WHERE sender_id = :sender AND type_name IN ('session_started', 'restart')
""")
# the first event of the recent turns (None: the conversation has fewer turns, read it whole)
_RECENT = sa.text("""
    SELECT id FROM events WHERE sender_id = :sender AND id >= :start AND type_name = 'user'
    ORDER BY id DESC OFFSET :turns LIMIT 1
""")
# before the recent turns: history rewritten in a way the latest rows cannot say
_REWRITTEN = sa.text("""
    SELECT 1 FROM events AS r
    WHERE r.sender_id = :sender AND r.id >= :start AND r.id < :recent AND (r.type_name = 'undo' OR (
        r.type_name = 'rewind' AND EXISTS (
            SELECT 1 FROM events AS x
            WHERE x.sender_id = :sender AND x.id < r.id AND x.type_name NOT IN ('user', 'action', 'bot')
              AND x.id > (SELECT max(u.id) FROM events AS u
                          WHERE u.sender_id = :sender AND u.type_name = 'user' AND u.id < r.id))))
    LIMIT 1
""")
# what the earlier events left behind, in their order
_LEFT_BEHIND = sa.text("""
    SELECT id, data FROM (
        (SELECT id, data FROM events WHERE sender_id = :sender AND id = :start)
      UNION ALL
        (SELECT DISTINCT ON (action_name) id, data FROM events
         WHERE sender_id = :sender AND type_name = 'slot' AND id > :slots_from AND id < :recent
         ORDER BY action_name, id DESC)
      UNION ALL
        (SELECT id, data FROM events
         WHERE sender_id = :sender AND type_name = 'active_loop' AND id > :start AND id < :recent
         ORDER BY id DESC LIMIT 1)
      UNION ALL
        (SELECT id, data FROM events
         WHERE sender_id = :sender AND type_name IN ('pause', 'resume') AND id > :start AND id < :recent
         ORDER BY id DESC LIMIT 1)
    ) AS state ORDER BY id
""")
_SLOTS_RESET = sa.text("""
    SELECT coalesce(max(id), :start) FROM events
    WHERE sender_id = :sender AND type_name = 'reset_slots' AND id > :start AND id < :recent
""")
_FROM = sa.text("SELECT data FROM events WHERE sender_id = :sender AND id >= :start ORDER BY id")
_EXPIRED = sa.text("""
    DELETE FROM events WHERE sender_id IN (
        SELECT sender_id FROM events GROUP BY sender_id HAVING max(timestamp) < :cutoff)
""")
_CONVERSATIONS = sa.text("SELECT count(DISTINCT sender_id) FROM events")
_FORGET = sa.text("DELETE FROM events WHERE sender_id = :sender")
# the queries above find a conversation's rows by type and order without reading all of them
_INDEXES = (
    "CREATE INDEX IF NOT EXISTS events_sender_type_id ON events (sender_id, type_name, id)",
    "CREATE INDEX IF NOT EXISTS events_sender_id_id ON events (sender_id, id)",
)


class PostgreSQLTrackerStore(SQLTrackerStore):
    def __init__(self, domain: Any = None, retention_days: float | None = None, **kwargs: Any) -> None:
        self.retention_days = float(retention_days or settings.RETENTION_DAYS)
        self._next_purge = 0.0
        self._unsaved: set[str] = set()  # conversations whose last turn could not be saved
        self._unread: set[str] = set()  # conversations that could not be read for the turn
        kwargs.setdefault("dialect", "postgresql")
        super().__init__(domain=domain, **kwargs)
        # Rasa's engine, with each pooled connection checked before use: after PostgreSQL restarts,
        # the first turn gets a fresh connection instead of a dead one (and a "write again")
        rasas: sa.engine.Engine = self.engine  # type: ignore[has-type]  # Rasa's, untyped
        url = rasas.url
        rasas.dispose()
        self.engine = sa.create_engine(url, pool_pre_ping=True, **create_engine_kwargs(url))
        self.sessionmaker = sessionmaker(bind=self.engine)
        with self.engine.begin() as connection:
            for index in _INDEXES:
                connection.execute(sa.text(index))
        self.purge_expired()

    def purge_expired(self, now: float | None = None) -> int:
        """Delete every conversation whose last event is older than the retention period; how many."""
        cutoff = (time.time() if now is None else now) - self.retention_days * 86400
        with self.engine.begin() as connection:
            before = connection.execute(_CONVERSATIONS).scalar_one()
            connection.execute(_EXPIRED, {"cutoff": cutoff})
            purged = int(before - connection.execute(_CONVERSATIONS).scalar_one())
        self._next_purge = time.monotonic() + PURGE_EVERY
        if purged:
            logger.info("Deleted %d conversations older than %g days", purged, self.retention_days)
        return purged

    def unsaved(self, sender_id: str) -> bool:
        """Whether the conversation's last turn could not be saved (once; see SQLiteTrackerStore.unsaved)."""
        if sender_id in self._unsaved:
            self._unsaved.discard(sender_id)
            return True
        return False

    def _rows(self, sender_id: str) -> list[str]:
        """The events a turn needs, serialised: the recent turns after what the earlier ones left behind."""
        with self.engine.connect() as connection:
            known = {"sender": sender_id}
            start = connection.execute(_START, known).scalar_one()
            known["start"] = start
            recent = connection.execute(_RECENT, {**known, "turns": RECENT_TURNS - 1}).scalar()
            if recent is None or connection.execute(_REWRITTEN, {**known, "recent": recent}).first():
                return [data for (data,) in connection.execute(_FROM, known)]
            known["recent"] = recent
            known["slots_from"] = connection.execute(_SLOTS_RESET, known).scalar_one()
            behind = [data for (_id, data) in connection.execute(_LEFT_BEHIND, known)]
            return behind + [data for (data,) in connection.execute(_FROM, {**known, "start": recent})]

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        """The conversation as a turn needs it (see the module's docstring)."""
        self._unread.discard(sender_id)
        self._unsaved.discard(sender_id)  # a new turn: an earlier one's failure was answered already
        try:
            rows = self._rows(sender_id)
        except Exception:
            self._unread.add(sender_id)  # Rasa's fail-safe goes on with a new tracker: it must not be saved
            raise
        if not rows or not self.domain:
            return None
        tracker = DialogueStateTracker.from_dict(sender_id, [json.loads(row) for row in rows], self.domain.slots)
        setattr(tracker, _LOADED, len(tracker.events))
        return tracker

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Append the events added since the tracker was read (a tracker from elsewhere: Rasa's count)."""
        sender_id = tracker.sender_id
        if time.monotonic() >= self._next_purge:
            self.purge_expired()
        if sender_id in self._unread:
            self._unread.discard(sender_id)
            self._unsaved.add(sender_id)
            raise RuntimeError("the conversation could not be read for this turn: its turn is not saved")
        if not tracker.events:  # Rasa's API replacing the events with none: the citizen's "forget me"
            with self.engine.begin() as connection:
                connection.execute(_FORGET, {"sender": sender_id})
            return
        stored = getattr(tracker, _LOADED, None)
        try:
            with self.session_scope() as session:
                if stored is None:
                    stored = self._event_query(session, sender_id, fetch_events_from_all_sessions=False).count()
                new_events = list(itertools.islice(tracker.events, stored, None))
                if self.event_broker is not None:
                    await self._stream_new_events(self.event_broker, new_events, sender_id)
                for event in new_events:
                    data = event.as_dict()
                    session.add(
                        self.SQLEvent(
                            sender_id=sender_id,
                            type_name=event.type_name,
                            timestamp=data.get("timestamp"),
                            intent_name=data.get("parse_data", {}).get("intent", {}).get("name"),
                            action_name=data.get("name"),
                            data=json.dumps(data),
                        )
                    )
                session.commit()
        except Exception:
            self._unsaved.add(sender_id)
            raise
        setattr(tracker, _LOADED, len(tracker.events))
