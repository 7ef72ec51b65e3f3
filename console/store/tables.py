"""The console's tables, in SQL that SQLite and PostgreSQL both run.

A conversation's row is the routing truth (as in Chatwoot): `waiting` (handed over, nobody
holds it), `held` (a person holds it: Rasa is paused), `closed`.
"""

from __future__ import annotations

import sqlalchemy as sa

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
