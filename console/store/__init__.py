"""The console's own store: accounts, who holds which conversation, staff messages waiting for
delivery, notes and tags, and the audit. SQLAlchemy Core with SQL that SQLite and PostgreSQL both
run; races are settled by conditional UPDATEs whose row count says who won.

One part a concern (`accounts`, `conversations`, `outbox`, `annotations`, `records`), each a
class over the shared `Database`; `Store` is all of them on one engine.
"""

from __future__ import annotations

from console.store.accounts import Account, AccountStore
from console.store.annotations import AnnotationStore
from console.store.conversations import ConversationStore
from console.store.engine import engine_for
from console.store.outbox import OutboxStore
from console.store.records import RecordStore
from console.store.tables import OUTCOMES, ROLES, STATUSES, metadata

__all__ = ["OUTCOMES", "ROLES", "STATUSES", "Account", "Store", "engine_for"]


class Store(AccountStore, ConversationStore, OutboxStore, AnnotationStore, RecordStore):
    """The console's tables behind small methods named after what staff do."""

    def __init__(self, url: str) -> None:
        self.engine = engine_for(url)
        metadata.create_all(self.engine)
