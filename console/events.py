"""What Rasa did, as its SQL event broker wrote it: handovers and every message, read and removed.

Rasa's `SQLEventBroker` (endpoints: `event_broker: {type: SQL, ...}`, set up by the runner) adds
each new event of every conversation to a table `events` (id, sender_id, data as JSON). The
console reads it as a queue: the rows present, in id order, processed, then deleted by id (not
"everything below a cursor", which could skip a row that commits late on PostgreSQL); deleting
keeps personal data out of a second place (the transcript is read from Rasa's tracker when a
page needs it).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa

from console.store import Store, engine_for

log = logging.getLogger(__name__)

broker_metadata = sa.MetaData()
broker_events = sa.Table(  # the shape Rasa's SQLEventBroker creates (made here too if the console starts first)
    "events",
    broker_metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("sender_id", sa.String(255)),
    sa.Column("data", sa.Text),
)
BATCH = 500
LANGUAGES = ("en", "ro", "ru")


def channel_of(sender_id: str) -> str:
    return "telegram" if sender_id.startswith("telegram:") else "website" if sender_id.startswith("web-") else "other"


class EventReader:
    """Reads the broker's table every `interval` seconds and applies each event to the store."""

    def __init__(self, url: str, store: Store, notify: Callable[[], None], interval: float = 0.2) -> None:
        self.engine = engine_for(url)
        broker_metadata.create_all(self.engine)
        self.store = store
        self.notify = notify
        self.interval = interval

    def read_once(self) -> tuple[int, bool]:
        """Applies the waiting events: how many there were, and whether anything shown changed."""
        with self.engine.begin() as db:
            rows = db.execute(
                sa.select(broker_events.c.id, broker_events.c.sender_id, broker_events.c.data)
                .order_by(broker_events.c.id)
                .limit(BATCH)
            ).all()
        if not rows:
            return 0, False
        changed = False
        for _, sender_id, data in rows:
            try:
                event = json.loads(data or "{}")
            except ValueError:
                continue
            if isinstance(event, dict) and sender_id:
                changed = self.apply(str(sender_id), event) or changed
        with self.engine.begin() as db:
            db.execute(broker_events.delete().where(broker_events.c.id.in_([row[0] for row in rows])))
        return len(rows), changed

    def apply(self, sender_id: str, event: dict[str, Any]) -> bool:
        """What one event means for the console; whether anything it shows changed."""
        kind = event.get("event")
        if kind == "slot" and event.get("name") == "handover":
            request = event.get("value")
            if isinstance(request, dict) and request.get("status") == "requested":
                language = request.get("language") if request.get("language") in LANGUAGES else "en"
                life_event = request.get("life_event") if isinstance(request.get("life_event"), str) else None
                reason = str(request.get("reason") or "asked")[:32]
                self.store.handover(sender_id, channel_of(sender_id), str(language), life_event, reason)
                log.info("a conversation was handed over (%s)", reason)
                return True
            return False
        if kind == "slot" and event.get("name") == "language" and event.get("value") in LANGUAGES:
            return self.store.touch(sender_id, language=event["value"])
        if kind == "slot" and event.get("name") == "life_event" and isinstance(event.get("value"), str):
            return self.store.touch(sender_id, life_event=event["value"])
        if kind == "user":
            stamp = event.get("timestamp")
            return self.store.touch(sender_id, last_citizen_at=float(stamp) if stamp else time.time())
        if kind in ("bot", "pause", "resume"):
            return self.store.touch(sender_id)
        return False

    async def run(self, stopping: asyncio.Event) -> None:
        while not stopping.is_set():
            try:
                count, changed = await asyncio.to_thread(self.read_once)
            except Exception as error:  # a locked or restarting database: try again shortly
                log.warning("could not read Rasa's events (%s); trying again", type(error).__name__)
                count, changed = 0, False
            if changed:
                self.notify()
            if count < BATCH:
                with contextlib.suppress(asyncio.TimeoutError):
                    await asyncio.wait_for(stopping.wait(), self.interval)
