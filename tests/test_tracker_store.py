"""The SQLite tracker store: what a conversation holds after saves, restarts, other processes and forgetting."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from pathlib import Path

import pytest
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from rasa_addons.tracker_store import SQLiteTrackerStore

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load(str(ROOT / "domain.yml"))


def run(coroutine):  # type: ignore[no-untyped-def]
    return asyncio.run(coroutine)


def turn(tracker: DialogueStateTracker, text: str, timestamp: float | None = None) -> None:
    tracker.update(UserUttered(text, {"name": "life_event_birth", "confidence": 0.9}, timestamp=timestamp))
    tracker.update(SlotSet("language", "en", timestamp=timestamp))
    tracker.update(ActionExecuted("action_listen", timestamp=timestamp))


def texts(tracker: DialogueStateTracker | None) -> list[str]:
    assert tracker is not None
    return [e.text for e in tracker.events if isinstance(e, UserUttered)]


def begin(store: SQLiteTrackerStore, domain: Domain, sender: str, text: str) -> None:
    """A new conversation with one turn, saved."""
    tracker = DialogueStateTracker(sender, domain.slots)
    turn(tracker, text)
    run(store.save(tracker))


def rows(db: Path, sender: str) -> int:
    with sqlite3.connect(db) as connection:
        return connection.execute("SELECT count(*) FROM events WHERE sender_id = ?", (sender,)).fetchone()[0]


def test_a_conversation_is_kept_turn_by_turn_without_duplicates(tmp_path: Path, domain: Domain) -> None:
    store = SQLiteTrackerStore(domain, db=str(tmp_path / "t.db"))
    tracker = DialogueStateTracker("citizen", domain.slots)
    turn(tracker, "my wife gave birth")
    run(store.save(tracker))
    tracker = run(store.retrieve("citizen"))
    turn(tracker, "in Cahul")
    run(store.save(tracker))
    run(store.save(tracker))  # saving again adds nothing
    assert rows(tmp_path / "t.db", "citizen") == 6
    fresh = SQLiteTrackerStore(domain, db=str(tmp_path / "t.db"))  # as after a restart
    restored = run(fresh.retrieve("citizen"))
    assert texts(restored) == ["my wife gave birth", "in Cahul"]
    assert restored.get_slot("language") == "en"


def test_rasas_own_sql_store_reads_the_same_rows(tmp_path: Path, domain: Domain) -> None:
    store = SQLiteTrackerStore(domain, db=str(tmp_path / "t.db"))
    begin(store, domain, "citizen", "a murit tata")
    rasa_store = SQLTrackerStore(domain, dialect="sqlite", db=str(tmp_path / "t.db"))
    assert texts(run(rasa_store.retrieve("citizen"))) == ["a murit tata"]


def test_another_process_writing_the_same_file_is_seen(tmp_path: Path, domain: Domain) -> None:
    one = SQLiteTrackerStore(domain, db=str(tmp_path / "t.db"))
    two = SQLiteTrackerStore(domain, db=str(tmp_path / "t.db"))
    begin(one, domain, "citizen", "first")
    assert texts(run(one.retrieve("citizen"))) == ["first"]  # now in one's memory
    other = run(two.retrieve("citizen"))
    turn(other, "second, through the other server")
    run(two.save(other))
    mine = run(one.retrieve("citizen"))
    assert texts(mine) == ["first", "second, through the other server"]
    turn(mine, "third")
    run(one.save(mine))
    assert rows(tmp_path / "t.db", "citizen") == 9


def test_a_change_that_was_never_saved_is_not_served(tmp_path: Path, domain: Domain) -> None:
    store = SQLiteTrackerStore(domain, db=str(tmp_path / "t.db"))
    begin(store, domain, "citizen", "saved")
    half_done = run(store.retrieve("citizen"))
    turn(half_done, "lost when the turn failed")
    assert texts(run(store.retrieve("citizen"))) == ["saved"]


def test_only_the_latest_session_is_retrieved(tmp_path: Path, domain: Domain) -> None:
    store = SQLiteTrackerStore(domain, db=str(tmp_path / "t.db"))
    tracker = DialogueStateTracker("citizen", domain.slots)
    turn(tracker, "old session", timestamp=100.0)
    tracker.update(SessionStarted(timestamp=200.0))
    turn(tracker, "new session", timestamp=201.0)
    run(store.save(tracker))
    reopened = SQLiteTrackerStore(domain, db=str(tmp_path / "t.db"), retention_days=10**6)  # 1970 is kept here
    assert texts(run(reopened.retrieve("citizen"))) == ["new session"]
    full = run(store.retrieve_full_tracker("citizen"))
    assert texts(full) == ["old session", "new session"]


def test_forgetting_deletes_the_conversation(tmp_path: Path, domain: Domain) -> None:
    store = SQLiteTrackerStore(domain, db=str(tmp_path / "t.db"))
    for sender in ("citizen", "neighbour"):
        begin(store, domain, sender, f"hello from {sender}")
    run(store.retrieve("citizen"))
    run(store.save(DialogueStateTracker("citizen", domain.slots)))  # what PUT .../tracker/events [] does
    assert run(store.retrieve("citizen")) is None
    assert rows(tmp_path / "t.db", "citizen") == 0
    assert texts(run(store.retrieve("neighbour"))) == ["hello from neighbour"]


def test_more_conversations_than_memory_holds(tmp_path: Path, domain: Domain) -> None:
    store = SQLiteTrackerStore(domain, db=str(tmp_path / "t.db"), cache_size=2)
    for index in range(5):
        begin(store, domain, f"citizen-{index}", f"message {index}")
    for index in range(5):
        tracker = run(store.retrieve(f"citizen-{index}"))
        assert texts(tracker) == [f"message {index}"]
        turn(tracker, "again")
        run(store.save(tracker))
    assert all(rows(tmp_path / "t.db", f"citizen-{index}") == 6 for index in range(5))


def test_conversations_older_than_the_retention_period_are_deleted(domain: Domain, tmp_path: Path) -> None:
    path = tmp_path / "tracker.db"
    store = SQLiteTrackerStore(domain, db=str(path), retention_days=90)
    old = DialogueStateTracker("web-old", domain.slots)
    turn(old, "my father died", timestamp=1_000_000.0)  # 1970: far beyond 90 days
    run(store.save(old))
    begin(store, domain, "web-new", "my wife gave birth")
    assert store.purge_expired() == 1
    assert run(store.retrieve("web-old")) is None
    assert texts(run(store.retrieve("web-new"))) == ["my wife gave birth"]
    assert sqlite3.connect(path).execute("SELECT count(*) FROM events WHERE sender_id = 'web-old'").fetchone() == (0,)
    time.sleep(0.3)
    SQLiteTrackerStore(domain, db=str(path), retention_days=0.000002)  # 0.17 s: starting purges too
    assert sqlite3.connect(path).execute("SELECT count(*) FROM events").fetchone() == (0,)


def test_the_conversation_file_is_readable_by_its_owner_only(domain: Domain, tmp_path: Path) -> None:
    path = tmp_path / "tracker.db"
    begin(SQLiteTrackerStore(domain, db=str(path)), domain, "web-a", "hello")
    assert path.stat().st_mode & 0o777 == 0o600
    assert SQLiteTrackerStore(domain, db=str(path)) and path.stat().st_mode & 0o777 == 0o600
