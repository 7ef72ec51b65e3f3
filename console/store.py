"""The console's own store: accounts, who holds which conversation, staff messages waiting for
delivery, and the audit. SQLAlchemy Core with SQL that SQLite and PostgreSQL both run: no
dialect-specific upserts, no RETURNING; races are settled by conditional UPDATEs whose row
count says who won.

A conversation's row is the routing truth (as in Chatwoot): `waiting` (handed over, nobody
holds it), `held` (a person holds it: Rasa is paused), `closed`. Pages and URLs name a
conversation by its row id, never by its sender id: the widget's id is the citizen's secret.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

ROLES = ("agent", "supervisor", "admin")
STATUSES = ("waiting", "held", "closed")
OUTCOMES = ("answered", "referred", "no_reply", "other")

metadata = sa.MetaData()

accounts = sa.Table(
    "console_accounts",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("name", sa.String(64), nullable=False, unique=True),
    sa.Column("display_name", sa.String(100), nullable=False),
    sa.Column("role", sa.String(16), nullable=False),
    sa.Column("password_hash", sa.String(255), nullable=False),
    sa.Column("failures", sa.Integer, nullable=False, default=0),
    sa.Column("locked_until", sa.Float, nullable=False, default=0.0),
    sa.Column("session_epoch", sa.Integer, nullable=False, default=0),
    sa.Column("active", sa.Boolean, nullable=False, default=True),
    sa.Column("created_at", sa.Float, nullable=False),
)

conversations = sa.Table(
    "console_conversations",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("sender_id", sa.String(100), nullable=False, unique=True),
    sa.Column("channel", sa.String(16), nullable=False),
    sa.Column("language", sa.String(8), nullable=False, default="en"),
    sa.Column("life_event", sa.String(64)),
    sa.Column("reason", sa.String(32), nullable=False, default="asked"),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("holder", sa.String(64)),
    sa.Column("requested_at", sa.Float, nullable=False),
    sa.Column("updated_at", sa.Float, nullable=False),
    sa.Column("last_citizen_at", sa.Float),
    sa.Column("outcome", sa.String(32)),
    sa.Index("console_conversations_status", "status", "requested_at"),
)

# staff messages and the console's notices, kept for delivery to the citizen's channel
outbox = sa.Table(
    "console_outbox",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("conversation_id", sa.Integer, nullable=False),
    sa.Column("sender_id", sa.String(100), nullable=False),
    sa.Column("author", sa.String(120), nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Index("console_outbox_sender", "sender_id", "id"),
)

audit = sa.Table(
    "console_audit",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", sa.Float, nullable=False),
    sa.Column("actor", sa.String(64), nullable=False),
    sa.Column("action", sa.String(32), nullable=False),
    sa.Column("conversation_id", sa.Integer),
    sa.Column("detail", sa.String(255)),
    sa.Index("console_audit_conversation", "conversation_id", "id"),
)


notes = sa.Table(  # staff only: never shown to the citizen
    "console_notes",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("conversation_id", sa.Integer, nullable=False, index=True),
    sa.Column("author", sa.String(64), nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("created_at", sa.Float, nullable=False),
)

tags = sa.Table(
    "console_tags",
    metadata,
    sa.Column("conversation_id", sa.Integer, primary_key=True),
    sa.Column("tag", sa.String(40), primary_key=True),
    sa.Index("console_tags_tag", "tag"),
)


@dataclass(frozen=True)
class Account:
    id: int
    name: str
    display_name: str
    role: str
    session_epoch: int
    active: bool

    def may(self, role: str) -> bool:
        """Whether this account has at least `role` (agent < supervisor < admin)."""
        return ROLES.index(self.role) >= ROLES.index(role)


def _private_sqlite_file(url: str) -> None:
    """A SQLite file holding personal data is created readable by its owner only (0600)."""
    if not url.startswith("sqlite:///"):
        return
    path = Path(url[len("sqlite:///") :])
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    os.fchmod(descriptor, 0o600)
    os.close(descriptor)


def engine_for(url: str) -> Engine:
    """An engine for `url`; SQLite in WAL mode with a busy timeout, so readers never block writers."""
    _private_sqlite_file(url)
    if url.startswith("sqlite"):
        engine = sa.create_engine(url, connect_args={"check_same_thread": False, "timeout": 10})

        @sa.event.listens_for(engine, "connect")
        def _pragmas(connection: Any, _: Any) -> None:
            cursor = connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        return engine
    return sa.create_engine(url, pool_pre_ping=True)


class Store:
    """The console's tables behind small methods named after what staff do."""

    def __init__(self, url: str) -> None:
        self.engine = engine_for(url)
        metadata.create_all(self.engine)

    @contextmanager
    def begin(self) -> Iterator[Connection]:
        with self.engine.begin() as connection:
            yield connection

    # accounts ------------------------------------------------------------------------------

    def add_account(self, name: str, display_name: str, role: str, password_hash: str) -> None:
        if role not in ROLES:
            raise ValueError(f"role must be one of {', '.join(ROLES)}")
        with self.begin() as db:
            db.execute(
                accounts.insert().values(
                    name=name,
                    display_name=display_name,
                    role=role,
                    password_hash=password_hash,
                    failures=0,
                    locked_until=0.0,
                    session_epoch=0,
                    active=True,
                    created_at=time.time(),
                )
            )

    def set_password(self, name: str, password_hash: str) -> bool:
        with self.begin() as db:
            result = db.execute(
                accounts.update()
                .where(accounts.c.name == name)
                .values(
                    password_hash=password_hash,
                    failures=0,
                    locked_until=0.0,
                    session_epoch=accounts.c.session_epoch + 1,
                )
            )
        return bool(result.rowcount)

    def set_active(self, name: str, active: bool) -> bool:
        with self.begin() as db:
            result = db.execute(
                accounts.update()
                .where(accounts.c.name == name)
                .values(active=active, session_epoch=accounts.c.session_epoch + 1)
            )
        return bool(result.rowcount)

    def login_row(self, name: str) -> dict[str, Any] | None:
        with self.begin() as db:
            row = db.execute(accounts.select().where(accounts.c.name == name)).mappings().first()
        return dict(row) if row else None

    def record_failure(self, name: str, locked_until: float) -> None:
        with self.begin() as db:
            db.execute(
                accounts.update()
                .where(accounts.c.name == name)
                .values(failures=accounts.c.failures + 1, locked_until=locked_until)
            )

    def record_success(self, name: str) -> None:
        with self.begin() as db:
            db.execute(accounts.update().where(accounts.c.name == name).values(failures=0, locked_until=0.0))

    def end_sessions(self, account_id: int) -> None:
        """Every session cookie of the account stops working (sign-out)."""
        with self.begin() as db:
            db.execute(
                accounts.update().where(accounts.c.id == account_id).values(session_epoch=accounts.c.session_epoch + 1)
            )

    def account(self, account_id: int) -> Account | None:
        with self.begin() as db:
            row = db.execute(accounts.select().where(accounts.c.id == account_id)).mappings().first()
        if row is None:
            return None
        return Account(row["id"], row["name"], row["display_name"], row["role"], row["session_epoch"], row["active"])

    def accounts(self) -> list[Account]:
        with self.begin() as db:
            rows = db.execute(accounts.select().order_by(accounts.c.name)).mappings().all()
        return [
            Account(r["id"], r["name"], r["display_name"], r["role"], r["session_epoch"], r["active"]) for r in rows
        ]

    # conversations -------------------------------------------------------------------------

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
        with self.begin() as db:
            result = db.execute(
                conversations.update()
                .where(conversations.c.sender_id == sender_id)
                .values(updated_at=time.time(), **values)
            )
        return bool(result.rowcount)

    def conversation(self, conversation_id: int) -> dict[str, Any] | None:
        with self.begin() as db:
            row = db.execute(conversations.select().where(conversations.c.id == conversation_id)).mappings().first()
        return dict(row) if row else None

    def conversation_by_sender(self, sender_id: str) -> dict[str, Any] | None:
        with self.begin() as db:
            row = db.execute(conversations.select().where(conversations.c.sender_id == sender_id)).mappings().first()
        return dict(row) if row else None

    def inbox(self, tab: str, holder: str) -> list[dict[str, Any]]:
        query = conversations.select()
        if tab == "waiting":
            query = query.where(conversations.c.status == "waiting").order_by(conversations.c.requested_at)
        elif tab == "mine":
            query = query.where(conversations.c.status == "held", conversations.c.holder == holder)
            query = query.order_by(conversations.c.updated_at.desc())
        elif tab == "open":
            query = query.where(conversations.c.status != "closed").order_by(conversations.c.requested_at)
        else:
            query = query.where(conversations.c.status == "closed").order_by(conversations.c.updated_at.desc())
        with self.begin() as db:
            return [dict(row) for row in db.execute(query.limit(200)).mappings().all()]

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
        with self.begin() as db:
            result = db.execute(
                conversations.update()
                .where(conversations.c.id == conversation_id, *where)
                .values(updated_at=time.time(), **values)
            )
        return result.rowcount == 1

    def claim(self, conversation_id: int, name: str) -> bool:
        """Exactly one of two staff claiming at once wins: only a waiting conversation can be claimed."""
        return self._move(conversation_id, [conversations.c.status == "waiting"], status="held", holder=name)

    def release(self, conversation_id: int, name: str, anyone: bool = False) -> bool:
        where = [conversations.c.status == "held"] + ([] if anyone else [conversations.c.holder == name])
        return self._move(conversation_id, where, status="waiting", holder=None)

    def transfer(self, conversation_id: int, name: str, to: str, anyone: bool = False) -> bool:
        where = [conversations.c.status == "held"] + ([] if anyone else [conversations.c.holder == name])
        return self._move(conversation_id, where, holder=to)

    def close(self, conversation_id: int, name: str, outcome: str, anyone: bool = False) -> bool:
        where = [conversations.c.status == "held"] + ([] if anyone else [conversations.c.holder == name])
        return self._move(conversation_id, where, status="closed", holder=None, outcome=outcome)

    # delivery ------------------------------------------------------------------------------

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
        query = (
            sa.select(outbox.c.id, outbox.c.author, outbox.c.text, outbox.c.created_at)
            .where(outbox.c.sender_id == sender_id, outbox.c.id > after)
            .order_by(outbox.c.id)
            .limit(limit)
        )
        with self.begin() as db:
            return [dict(row) for row in db.execute(query).mappings().all()]

    def telegram_messages(self, after: int, limit: int = 100) -> list[dict[str, Any]]:
        """Messages for Telegram chats after `after`, in order (what the bridge delivers)."""
        query = (
            sa.select(outbox.c.id, outbox.c.sender_id, outbox.c.author, outbox.c.text)
            .where(outbox.c.sender_id.like("telegram:%"), outbox.c.id > after)
            .order_by(outbox.c.id)
            .limit(limit)
        )
        with self.begin() as db:
            return [dict(row) for row in db.execute(query).mappings().all()]

    def last_message_id(self) -> int:
        with self.begin() as db:
            return int(db.execute(sa.select(sa.func.max(outbox.c.id))).scalar() or 0)

    # notes, tags, search -------------------------------------------------------------------

    def add_note(self, conversation_id: int, author: str, text: str) -> None:
        with self.begin() as db:
            db.execute(
                notes.insert().values(conversation_id=conversation_id, author=author, text=text, created_at=time.time())
            )

    def notes(self, conversation_id: int) -> list[dict[str, Any]]:
        query = notes.select().where(notes.c.conversation_id == conversation_id).order_by(notes.c.id)
        with self.begin() as db:
            return [dict(row) for row in db.execute(query).mappings().all()]

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
        with self.begin() as db:
            result = db.execute(tags.delete().where(tags.c.conversation_id == conversation_id, tags.c.tag == tag))
        return bool(result.rowcount)

    def tags(self, conversation_id: int) -> list[str]:
        query = sa.select(tags.c.tag).where(tags.c.conversation_id == conversation_id).order_by(tags.c.tag)
        with self.begin() as db:
            return [str(row[0]) for row in db.execute(query).all()]

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
        if life_event:
            query = query.where(conversations.c.life_event == life_event)
        if language:
            query = query.where(conversations.c.language == language)
        if channel:
            query = query.where(conversations.c.channel == channel)
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
            escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            pattern = f"%{escaped}%"
            in_notes = sa.select(notes.c.conversation_id).where(sa.func.lower(notes.c.text).like(pattern, escape="\\"))
            in_messages = sa.select(outbox.c.conversation_id).where(
                sa.func.lower(outbox.c.text).like(pattern, escape="\\")
            )
            query = query.where(sa.or_(conversations.c.id.in_(in_notes), conversations.c.id.in_(in_messages)))
        query = query.order_by(conversations.c.requested_at.desc()).limit(limit)
        with self.begin() as db:
            return [dict(row) for row in db.execute(query).mappings().all()]

    # retention -----------------------------------------------------------------------------

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
            for start in range(0, len(old), 500):
                chunk = old[start : start + 500]
                for table in (outbox, notes, tags):
                    db.execute(table.delete().where(table.c.conversation_id.in_(chunk)))
                db.execute(conversations.delete().where(conversations.c.id.in_(chunk)))
        return len(old)

    # audit ---------------------------------------------------------------------------------

    def audit(self, actor: str, action: str, conversation_id: int | None = None, detail: str | None = None) -> None:
        with self.begin() as db:
            db.execute(
                audit.insert().values(
                    at=time.time(), actor=actor, action=action, conversation_id=conversation_id, detail=detail
                )
            )

    def audit_rows(self, conversation_id: int | None = None, limit: int = 300) -> list[dict[str, Any]]:
        query = audit.select().order_by(audit.c.id.desc()).limit(limit)
        if conversation_id is not None:
            query = query.where(audit.c.conversation_id == conversation_id)
        with self.begin() as db:
            return [dict(row) for row in db.execute(query).mappings().all()]
