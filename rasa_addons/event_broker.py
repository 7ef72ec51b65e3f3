"""Rasa's SQL event broker on a private SQLite file: how the helpdesk console learns of handovers
and of every message (console/events.py reads the table and deletes what it has read).

Rasa's own `SQLEventBroker` commits each event on the server's event loop; on SQLite's default
journal that is an fsync per event. This keeps Rasa's class and adds what the tracker store does
too: write-ahead logging with `synchronous=NORMAL` (a commit costs microseconds), a busy timeout
so the console's reads and deletes never fail a turn, and a file only its owner can read (0600).
On PostgreSQL use Rasa's class as it is (`event_broker: {type: SQL, dialect: postgresql, ...}`).
"""

from __future__ import annotations

import os
from typing import Any

import sqlalchemy
from rasa.core.brokers.sql import SQLEventBroker

from rasa_addons.tracker_store import tune_sqlite


class SQLiteEventBroker(SQLEventBroker):
    def __init__(self, db: str = "events.db", **_: Any) -> None:
        descriptor = os.open(db, os.O_RDWR | os.O_CREAT, 0o600)
        os.fchmod(descriptor, 0o600)
        os.close(descriptor)
        super().__init__(dialect="sqlite", db=db)

        sqlalchemy.event.listen(self.engine, "connect", tune_sqlite)
