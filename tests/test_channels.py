"""Each channel owns its conversations: a forged sender reads nothing, the bridge needs its secret,
malformed requests get a clear 400 (over the real Rasa server)."""

from __future__ import annotations

import time
import uuid
from typing import Any

import pytest
import requests

from rasa_addons.settings import RATE_PER_CONVERSATION  # what the channels use, without importing Rasa here
from rate_limit import RateLimit
from tests.conftest import BRIDGE_TOKEN, RASA_API_TOKEN, Stack


def post(stack: Stack, path: str, body: Any, **headers: str) -> requests.Response:
    return requests.post(f"{stack.rasa_url}{path}", json=body, headers=headers, timeout=30)


def tracker_events(stack: Stack, sender: str) -> list[dict[str, Any]]:
    url = f"{stack.rasa_url}/conversations/{sender}/tracker"
    return list(requests.get(url, params={"token": RASA_API_TOKEN}, timeout=30).json().get("events") or [])


def test_the_bridge_speaks_for_telegram_chats_with_its_token(assistant: Stack) -> None:
    chat = f"telegram:{uuid.uuid4().int % 10**9}"
    reply = post(
        assistant,
        "/webhooks/bridge/webhook",
        {"sender": chat, "message": "my father died"},
        **{"X-Bridge-Token": BRIDGE_TOKEN},
    )
    assert reply.status_code == 200 and any("Death" in (m.get("text") or "") for m in reply.json())


@pytest.mark.parametrize("token", [None, "wrong-token", ""])
def test_the_bridge_channel_refuses_callers_without_its_token(assistant: Stack, token: str | None) -> None:
    chat = f"telegram:{uuid.uuid4().int % 10**9}"
    headers = {} if token is None else {"X-Bridge-Token": token}
    reply = post(assistant, "/webhooks/bridge/webhook", {"sender": chat, "message": "my father died"}, **headers)
    assert reply.status_code == 401
    assert not [e for e in tracker_events(assistant, chat) if e["event"] == "user"]


def test_a_forged_sender_cannot_read_or_wipe_a_telegram_conversation(assistant: Stack) -> None:
    chat = f"telegram:{uuid.uuid4().int % 10**9}"
    post(
        assistant,
        "/webhooks/bridge/webhook",
        {"sender": chat, "message": "my father died in Cahul"},
        **{"X-Bridge-Token": BRIDGE_TOKEN},
    )
    before = tracker_events(assistant, chat)
    for message in ("ce acte îmi trebuie?", "unde este oficiul?", "/start_over"):
        reply = post(assistant, "/webhooks/rest/webhook", {"sender": chat, "message": message})
        assert reply.status_code == 403
        assert reply.json()["error"]["code"] == "not_your_conversation"
        assert "Cahul" not in reply.text and "Death" not in reply.text
    assert tracker_events(assistant, chat) == before


@pytest.mark.parametrize("sender", ["default", "telegram:424242", "web-123", "web-" + "g" * 32, "WEB-" + "a" * 32])
def test_the_public_channel_accepts_only_the_widgets_random_ids(assistant: Stack, sender: str) -> None:
    reply = post(assistant, "/webhooks/rest/webhook", {"sender": sender, "message": "hello"})
    assert reply.status_code == 403


@pytest.mark.parametrize(
    "body",
    [
        [1, 2],
        "hi",
        None,
        {"message": "hi"},
        {"sender": 5, "message": "hi"},
        {"sender": "web-" + "a" * 32},
        {"sender": "web-" + "a" * 32, "message": 5},
        {"sender": "web-" + "a" * 32, "message": ["a"]},
        {"sender": "web-" + "a" * 32, "message": "hi", "metadata": "str"},
    ],
)
def test_malformed_requests_get_a_clear_400(assistant: Stack, body: Any) -> None:
    reply = post(assistant, "/webhooks/rest/webhook", body)
    assert reply.status_code == 400
    assert reply.json()["error"]["code"].startswith("invalid_")


def test_a_body_that_is_not_json_or_too_large(assistant: Stack) -> None:
    url = f"{assistant.rasa_url}/webhooks/rest/webhook"
    not_json = requests.post(url, data=b"{not json", headers={"Content-Type": "application/json"}, timeout=30)
    assert not_json.status_code == 400
    huge = {"sender": "web-" + "a" * 32, "message": "x" * 100_000}
    assert post(assistant, "/webhooks/rest/webhook", huge).status_code == 413


def test_the_widgets_id_gets_its_own_conversation(assistant: Stack) -> None:
    sender = f"web-{uuid.uuid4().hex}"
    reply = post(assistant, "/webhooks/rest/webhook", {"sender": sender, "message": "my wife gave birth"})
    assert reply.status_code == 200 and reply.json()
    assert [e["text"] for e in tracker_events(assistant, sender) if e["event"] == "user"] == ["my wife gave birth"]


def test_a_message_too_long_is_answered_politely_and_not_read(assistant: Stack) -> None:
    sender = f"web-{uuid.uuid4().hex}"
    long_text = "моего отца больше нет " * 200  # 4,400 characters
    reply = post(assistant, "/webhooks/rest/webhook", {"sender": sender, "message": long_text})
    assert reply.status_code == 200
    assert "слишком длинное" in reply.json()[0]["text"]
    assert not [e for e in tracker_events(assistant, sender) if e["event"] == "user"]


def test_a_flood_to_one_conversation_is_slowed_down(assistant: Stack) -> None:
    sender = f"web-{uuid.uuid4().hex}"
    statuses = []
    for _ in range(RATE_PER_CONVERSATION + 2):
        reply = post(
            assistant, "/webhooks/rest/webhook", {"sender": sender, "message": "hi", "metadata": {"language": "ro"}}
        )
        statuses.append(reply.status_code)
    assert statuses[:RATE_PER_CONVERSATION] == [200] * RATE_PER_CONVERSATION
    assert statuses[-1] == 429
    assert int(reply.headers["Retry-After"]) >= 1
    assert "Trimiteți mesaje foarte repede" in reply.json()[0]["text"]
    other = post(assistant, "/webhooks/rest/webhook", {"sender": f"web-{uuid.uuid4().hex}", "message": "hi"})
    assert other.status_code == 200, "another citizen is not slowed down"


def test_limits_count_per_key_and_forget_after_a_minute() -> None:
    limit = RateLimit(2, window=0.2)
    assert limit.wait("a") == 0 and limit.wait("a") == 0
    assert limit.wait("a") > 0 and limit.wait("b") == 0
    time.sleep(0.25)
    assert limit.wait("a") == 0
    assert RateLimit(0).wait("a") == 0, "0 means no limit"


def texts(replies: list[dict[str, Any]]) -> list[str]:
    return [str(reply.get("text")) for reply in replies]


def answer(stack: Stack, sender: str, text: str) -> list[dict[str, Any]]:
    """The reply as any conversation would get it (without whom it is addressed to)."""
    return [{k: v for k, v in reply.items() if k != "recipient_id"} for reply in stack.say(sender, text)]


def test_while_the_action_server_is_down_the_citizen_is_asked_to_write_again_and_the_turn_is_undone(
    assistant: Stack,
) -> None:
    """A message the assistant could not answer leaves nothing half-done: once the action server is
    back, the same message is answered exactly as in a conversation that never met the outage."""
    sender, opener, control = (f"web-{uuid.uuid4().hex}" for _ in range(3))
    started = "ne căsătorim luna viitoare"
    assert answer(assistant, sender, started) == answer(assistant, control, started) != []
    rasa_log = assistant.tmp / "rasa.log"
    log_start = rasa_log.stat().st_size
    assistant.actions.stop()
    try:
        for who, text, metadata in [
            (sender, "nu", None),  # Romanian from the conversation itself
            (opener, "am pierdut locul de muncă", {"language": "ro"}),
            (opener, "Я потерял работу", None),
        ]:
            body = {"sender": who, "message": text, **({"metadata": metadata} if metadata else {})}
            reply = post(assistant, "/webhooks/rest/webhook", body)
            assert reply.status_code == 200
            wanted = "напишите ещё раз через минуту" if text.startswith("Я") else "scrieți din nou peste un minut"
            assert texts(reply.json()) == [phrase for phrase in texts(reply.json()) if wanted in phrase] != []
        events = tracker_events(assistant, sender)
        assert [e["event"] for e in events[-2:]] == ["rewind", "action"] and events[-1]["name"] == "action_listen"
    finally:
        assistant.actions.start(timeout=60)
    assert answer(assistant, sender, "nu") == answer(assistant, control, "nu"), "read as the answer it was"
    fresh = f"web-{uuid.uuid4().hex}"
    lost_job = "am pierdut locul de muncă"
    assert answer(assistant, opener, lost_job) == answer(assistant, fresh, lost_job), "as if never said"
    log = rasa_log.read_text(errors="replace")[log_start:]
    assert "the action server did not answer (ClientConnectorError)" in log
    assert "Traceback" not in log and "Failed to run custom action" not in log, "one line, no traceback"


def test_the_citizen_can_forget_their_conversation(assistant: Stack) -> None:
    sender, other = f"web-{uuid.uuid4().hex}", f"web-{uuid.uuid4().hex}"
    for who in (sender, other):
        post(assistant, "/webhooks/rest/webhook", {"sender": who, "message": "my IDNP is 2002001234563, I lost my job"})
    assert post(assistant, "/webhooks/rest/forget", {"sender": "telegram:1"}).status_code == 403
    reply = post(assistant, "/webhooks/rest/forget", {"sender": sender})
    assert reply.status_code == 200 and reply.json() == {"forgotten": True}
    assert not [e for e in tracker_events(assistant, sender) if e["event"] == "user"], "nothing said is left"
    assert [e["text"] for e in tracker_events(assistant, other) if e["event"] == "user"], "only that one is gone"


def test_while_the_database_is_locked_the_citizen_is_asked_to_write_again_and_nothing_is_half_kept(
    assistant: Stack,
) -> None:
    """Another process holds the conversations' database (a backup, a migration, a database that is
    restarting): the turn cannot be saved, the citizen is asked to write again (503, so the Telegram
    bridge delivers it again later), and the next message after the database is back is answered
    as if the failed one had never been sent."""
    import sqlite3

    sender = f"web-{uuid.uuid4().hex}"
    assistant.say(sender, "my father died")
    before = tracker_events(assistant, sender)
    holder = sqlite3.connect(assistant.tmp / "tracker.db", timeout=1, isolation_level=None)
    try:
        holder.execute("BEGIN EXCLUSIVE")
        reply = post(assistant, "/webhooks/rest/webhook", {"sender": sender, "message": "no, at home"})
        assert reply.status_code == 503 and reply.headers.get("Retry-After")
        assert "write again" in reply.json()[0]["text"]
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert tracker_events(assistant, sender) == before  # nothing of the failed turn was kept
    answered = assistant.say(sender, "no, at home")
    assert answered and all("write again" not in (m.get("text") or "") for m in answered)
