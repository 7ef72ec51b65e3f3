"""The store's connection: an engine for SQLite or PostgreSQL, and the few ways its parts query it."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine


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


class Database:
    """What every part of the store shares: one engine, one transaction per call."""

    engine: Engine

    @contextmanager
    def begin(self) -> Iterator[Connection]:
        with self.engine.begin() as connection:
            yield connection

    def rows(self, query: Any) -> list[dict[str, Any]]:
        with self.begin() as db:
            return [dict(row) for row in db.execute(query).mappings().all()]

    def row(self, query: Any) -> dict[str, Any] | None:
        with self.begin() as db:
            found = db.execute(query).mappings().first()
        return dict(found) if found else None

    def changes(self, statement: Any) -> int:
        """Runs an INSERT, UPDATE or DELETE: how many rows it changed."""
        with self.begin() as db:
            return int(db.execute(statement).rowcount)
