"""The PostgreSQL tracker store (rasa_addons/postgres_tracker_store.py) against Rasa's own, on a real
PostgreSQL started for this module (Debian's, as the scaled profile runs it).

A long conversation is read as a turn needs it (its recent turns after what the earlier ones left
behind) and gives the assistant the same state as Rasa's full read: slots, a reset of them, a
paused conversation, a rolled-back turn; what it saves is what Rasa would have saved; an empty
tracker deletes the conversation; conversations past the retention period go.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    AllSlotsReset,
    BotUttered,
    ConversationPaused,
    ConversationResumed,
    Event,
    SessionStarted,
    SlotSet,
    UserUtteranceReverted,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

from rasa_addons.postgres_tracker_store import RECENT_TURNS, PostgreSQLTrackerStore
from runner import services
from runner.processes import ROOT, free_port

DOMAIN = Domain.load(str(ROOT / "domain.yml"))


def skip_reason() -> str | None:
    if services.postgres_programs() is None:
        return "needs Debian's postgresql: `make setup` installs it where apt-get is available"
    if os.geteuid() != 0:
        return "PostgreSQL runs as the postgres user, which needs root here (runuser, setpriv)"
    return None


pytestmark = pytest.mark.skipif(skip_reason() is not None, reason=skip_reason() or "")


@pytest.fixture(scope="module")
def database() -> Iterator[dict[str, Any]]:
    home = Path(tempfile.mkdtemp(prefix="pg-tracker-"))
    os.chmod(home, 0o755)
    port, password = free_port(), "test-password"
    server = services.postgres(home / "postgres", port, password, home / "postgres.log").start(timeout=60)
    try:
        yield {"host": "127.0.0.1", "port": port, "username": "postgres", "password": password, "db": "postgres"}
    finally:
        server.stop()
        shutil.rmtree(home, ignore_errors=True)


def stores(database: dict[str, Any], **options: Any) -> tuple[PostgreSQLTrackerStore, SQLTrackerStore]:
    ours = PostgreSQLTrackerStore(DOMAIN, **database, **options)
    return ours, SQLTrackerStore(DOMAIN, dialect="postgresql", **database)


def turn(text: str, **slots: Any) -> list[Event]:
    events: list[Event] = [UserUttered(text, {"name": "inform", "confidence": 1.0}), ActionExecuted("action_respond")]
    events += [SlotSet(name, value) for name, value in slots.items()]
    return [*events, BotUttered(f"reply to {text}"), ActionExecuted("action_listen")]


def run(coroutine: Any) -> Any:
    return asyncio.run(coroutine)


def state(tracker: DialogueStateTracker) -> tuple[Any, ...]:
    slots = {name: slot.value for name, slot in tracker.slots.items()}
    latest = tracker.latest_message.text if tracker.latest_message else None
    return slots, tracker.is_paused(), latest, tracker.latest_action_name


def save_all(store: PostgreSQLTrackerStore, sender: str, events: list[Event]) -> None:
    opening = [SessionStarted(timestamp=1.0), ActionExecuted("action_listen", timestamp=1.0)]  # before the rest
    tracker = DialogueStateTracker.from_events(sender, opening, DOMAIN.slots)
    run(store.save(tracker))
    tracker = run(store.retrieve(sender))
    for event in events:
        tracker.update(event)
    run(store.save(tracker))


def test_a_long_conversation_is_read_short_with_the_same_state_as_rasas_full_read(database: dict[str, Any]) -> None:
    ours, rasas = stores(database)
    sender = "web-long"
    events: list[Event] = []
    for i in range(300):
        slots = {"language": "ro"} if i == 3 else {"life_event": "death", "stage": "asking"} if i == 5 else {}
        if i == 100:
            slots = {"answers": {"abroad": "no"}, "pending_question": "insured"}
        events += turn(f"message {i}", **slots)
        if i == 150:
            events.append(ConversationPaused())
        if i == 160:
            events.append(ConversationResumed())
        if i == 200:  # a turn the action server could not answer, rolled back as the channel does
            events += [UserUttered("lost"), UserUtteranceReverted(), ActionExecuted("action_listen")]
    save_all(ours, sender, events)
    short, full = run(ours.retrieve(sender)), run(rasas.retrieve(sender))
    assert state(short) == state(full)
    assert short.get_slot("answers") == {"abroad": "no"} and short.get_slot("language") == "ro"
    assert len(short.events) < 12 * RECENT_TURNS < len(full.events) / 10  # what a turn needs, not all
    # a turn saved from the short read lands after the rest, as Rasa's own read would have it
    for event in turn("one more", stage="guided"):
        short.update(event)
    run(ours.save(short))
    full = run(rasas.retrieve(sender))
    assert [e.text for e in full.events if isinstance(e, UserUttered)][-2:] == ["message 299", "one more"]
    assert state(run(ours.retrieve(sender))) == state(full) and full.get_slot("stage") == "guided"


def test_reset_slots_pause_and_a_rollback_that_took_back_slots_read_as_rasa_reads_them(
    database: dict[str, Any],
) -> None:
    ours, rasas = stores(database)
    sender = "web-rewritten"
    events = [*turn("hello", language="en", life_event="birth"), ConversationPaused()]
    events += [AllSlotsReset(), *turn("again", life_event="death")]
    events += [UserUttered("taken back"), SlotSet("stage", "asking"), UserUtteranceReverted()]
    for i in range(3 * RECENT_TURNS):
        events += turn(f"later {i}")
    save_all(ours, sender, events)
    short, full = run(ours.retrieve(sender)), run(rasas.retrieve(sender))
    assert state(short) == state(full)
    assert (short.get_slot("language"), short.get_slot("life_event"), short.get_slot("stage")) == (None, "death", None)
    assert short.is_paused()


def test_an_empty_tracker_forgets_the_conversation(database: dict[str, Any]) -> None:
    ours, _ = stores(database)
    save_all(ours, "web-forget", turn("hello", language="ru"))
    run(ours.save(DialogueStateTracker("web-forget", DOMAIN.slots)))
    assert run(ours.retrieve("web-forget")) is None


def make_old(store: PostgreSQLTrackerStore, sender: str) -> None:
    """Every event of the conversation 40 days old, as after 40 quiet days."""
    with store.engine.begin() as connection:
        connection.exec_driver_sql(
            "UPDATE events SET timestamp = %s WHERE sender_id = %s", (time.time() - 40 * 86400, sender)
        )


def test_conversations_past_the_retention_period_are_deleted(database: dict[str, Any]) -> None:
    ours, _ = stores(database, retention_days=30)
    for sender in ("web-old", "web-recent"):
        save_all(ours, sender, turn("hello"))
    make_old(ours, "web-old")
    assert ours.purge_expired() == 1
    assert run(ours.retrieve("web-old")) is None and run(ours.retrieve("web-recent")) is not None
    make_old(ours, "web-recent")
    PostgreSQLTrackerStore(DOMAIN, **database, retention_days=30)  # a Rasa server starting purges too
    assert run(ours.retrieve("web-recent")) is None
