"""The console's store and its reader of Rasa's events on both engines it runs on: SQLite (make run)
and PostgreSQL (the scaled profile; a throwaway server here when PostgreSQL's programs are
installed, skipped otherwise). Two stores on one database stand for two console processes."""

from __future__ import annotations

import json
import os
import pwd
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from console.events import EventReader, broker_events
from console.store import Store
from runner.processes import free_port


def postgres_programs() -> Path | None:
    for root in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True):
        if (root / "initdb").exists() and (root / "postgres").exists():
            return root
    return None


@pytest.fixture(scope="module")
def postgres() -> Iterator[str]:
    """A PostgreSQL server of its own on a free port, as the `postgres` user (it refuses root)."""
    programs = postgres_programs()
    try:
        user = pwd.getpwnam("postgres")
    except KeyError:
        user = None
    if programs is None or user is None or os.geteuid() != 0:
        pytest.skip(
            "needs Debian's postgresql (its programs and user); `make setup` installs it where apt-get is available"
        )
    data = Path(tempfile.mkdtemp(prefix="console-pg-"))
    os.chown(data, user.pw_uid, user.pw_gid)
    as_postgres = ["runuser", "-u", "postgres", "--"]
    initdb = [str(programs / "initdb"), "-D", str(data / "db"), "-A", "trust", "-U", "postgres"]
    subprocess.run([*as_postgres, *initdb], check=True, capture_output=True)
    port = free_port()
    command = [str(programs / "postgres"), "-D", str(data / "db"), "-p", str(port), "-h", "127.0.0.1", "-k", str(data)]
    server = subprocess.Popen([*as_postgres, *command], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"postgresql://postgres@127.0.0.1:{port}/postgres"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with sa.create_engine(url).connect():
                    break
            except sa.exc.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(data, ignore_errors=True)


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'console.db'}"
        return
    base: str = request.getfixturevalue("postgres")
    name = f"console_{os.getpid()}_{int(time.monotonic() * 1000)}"
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as db:
        db.execute(sa.text(f'CREATE DATABASE "{name}"'))
    yield base.rsplit("/", 1)[0] + f"/{name}"
    with admin.connect() as db:
        db.execute(sa.text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    admin.dispose()


def test_two_consoles_claiming_at_once_exactly_one_wins(url: str) -> None:
    first, second = Store(url), Store(url)
    first.handover("web-" + "a" * 32, "website", "ro", "birth", "citizen_request")
    conversation = first.conversation_by_sender("web-" + "a" * 32)
    assert conversation is not None and conversation["status"] == "waiting"
    for round_ in range(5):
        wins: list[str] = []
        barrier = threading.Barrier(8)

        def claim(store: Store, name: str, barrier: threading.Barrier, wins: list[str]) -> None:
            barrier.wait()
            if store.claim(conversation["id"], name):
                wins.append(name)

        threads = [
            threading.Thread(target=claim, args=(first if n % 2 else second, f"agent{n}", barrier, wins))
            for n in range(8)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert len(wins) == 1, (round_, wins)
        held = second.conversation(conversation["id"])
        assert held is not None and held["holder"] == wins[0]
        assert not first.release(conversation["id"], "someone-else")  # only the holder releases
        assert first.release(conversation["id"], wins[0])


def test_transfer_close_reopen_and_retention(url: str) -> None:
    store = Store(url)
    sender = "telegram:42"
    store.handover(sender, "telegram", "ru", None, "not_understood")
    row = store.conversation_by_sender(sender)
    assert row is not None
    assert store.claim(row["id"], "ana")
    assert not store.transfer(row["id"], "bob", "sue")  # bob does not hold it
    assert store.transfer(row["id"], "ana", "bob")
    assert not store.close(row["id"], "ana", "answered")
    assert store.close(row["id"], "bob", "answered")
    store.handover(sender, "telegram", "ru", "death", "citizen_request")  # asks again: waiting again
    again = store.conversation(row["id"])
    assert again is not None and again["status"] == "waiting" and again["life_event"] == "death"
    store.queue_message(again, "Ana, helpdesk", "100% sure_thing")
    store.add_note(row["id"], "ana", "called back")
    assert store.tag(row["id"], "urgent") and not store.tag(row["id"], "urgent")
    assert [r["id"] for r in store.search(text="100%")] == [row["id"]]
    assert store.search(text="1_0") == []  # LIKE's wildcards are taken literally
    assert [r["id"] for r in store.search(tag="urgent", channel="telegram")] == [row["id"]]
    assert [m["text"] for m in store.telegram_messages(0)] == ["100% sure_thing"]
    store.audit("ana", "claimed", row["id"])
    assert store.purge(time.time() - 3600) == 0  # changed just now: kept
    assert store.purge(time.time() + 1) == 1
    assert store.conversation(row["id"]) is None
    assert store.telegram_messages(0) == [] and store.notes(row["id"]) == [] and store.tags(row["id"]) == []
    assert store.audit_rows(row["id"])  # who did what stays; it names no citizen


def test_the_reader_applies_rasas_events_once_and_empties_the_table(url: str, tmp_path: Path) -> None:
    store = Store(url)
    changes: list[int] = []
    reader = EventReader(url, store, lambda: changes.append(1))
    sender = "web-" + "b" * 32
    request = {"status": "requested", "reason": "citizen_request", "language": "ro", "life_event": "marriage"}
    rows = [
        {"event": "user", "text": "vreau un om", "timestamp": 1.0},
        {"event": "slot", "name": "handover", "value": request},
        {"event": "bot", "text": "Am cerut unui coleg..."},
        {"event": "user", "text": "mulțumesc", "timestamp": 2.0},
    ]
    with reader.engine.begin() as db:
        for event in rows:
            db.execute(broker_events.insert().values(sender_id=sender, data=json.dumps(event)))
        db.execute(broker_events.insert().values(sender_id=sender, data="not json"))
    count, changed = reader.read_once()
    assert count == 5 and changed
    row = store.conversation_by_sender(sender)
    assert row is not None and row["language"] == "ro" and row["life_event"] == "marriage"
    assert row["last_citizen_at"] == 2.0
    with reader.engine.begin() as db:
        assert db.execute(sa.select(sa.func.count()).select_from(broker_events)).scalar() == 0
    assert reader.read_once() == (0, False)
