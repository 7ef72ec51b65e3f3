"""A bounded fuzz of the public channel (seeded, never flaky): a few thousand malformed or hostile
requests against the real stack get no 5xx and no silent empty answer, and a normal conversation
works afterwards."""

from __future__ import annotations

import json
import random
import uuid
from typing import Any

import requests

from tests.conftest import Stack

SEED = 20261129
REQUESTS = 2000
STRANGE_TEXTS = [
    "",
    " ",
    "\n\n",
    "\ud800 hi",
    "\x00\x01\x02",
    "<script>alert(1)</script>",
    "*bold* _x_ [a](b)",
    "😀" * 50,
    "/affirm",
    '/choose{"option": "x"}',
    "/life_event_nothing",
    '/inform_locality{"locality": "mars"}',
    '/change_language{"language": "de"}',
    "{}",
    "null",
    "а" * 1999,
    "𝔘𝔫𝔦𝔠𝔬𝔡𝔢",
    "' OR 1=1 --",
    "%s%s%n",
]
STRANGE_VALUES: list[Any] = [None, 5, 5.5, True, [], ["a"], {}, {"a": 1}, "x" * 300, float("nan")]


def random_body(rng: random.Random) -> tuple[bytes, bool]:
    """A request body, and whether it is a well-formed message the channel must answer with text."""
    sender = rng.choice([f"web-{uuid.UUID(int=rng.getrandbits(128)).hex}", "default", "telegram:1", "", "web-1"])
    kind = rng.randrange(6)
    if kind == 0:
        return bytes(rng.getrandbits(8) for _ in range(rng.randrange(0, 200))), False
    if kind == 1:
        return json.dumps(rng.choice(STRANGE_VALUES + ["hi", [1, 2]])).encode(), False
    body: dict[str, Any] = {"sender": sender, "message": rng.choice(STRANGE_TEXTS)}
    if kind == 2:
        body["message"] = rng.choice(STRANGE_VALUES)
    if kind == 3:
        body["metadata"] = rng.choice([*STRANGE_VALUES, {"language": rng.choice(["de", "", None, 5])}])
    if kind == 4:
        body["sender"] = rng.choice(STRANGE_VALUES)
    text = json.dumps(body, allow_nan=True).encode("utf-8", "surrogatepass")
    valid = (
        isinstance(body.get("sender"), str)
        and body["sender"].startswith("web-")
        and len(body["sender"]) == 36
        and isinstance(body.get("message"), str)
        and (body.get("metadata") is None or isinstance(body.get("metadata"), dict))
    )
    return text, valid


def test_malformed_and_hostile_requests_never_break_the_channel(assistant: Stack) -> None:
    rng = random.Random(SEED)
    url = f"{assistant.rasa_url}/webhooks/rest/webhook"
    problems = []
    with requests.Session() as session:
        for _ in range(REQUESTS):
            body, valid = random_body(rng)
            reply = session.post(url, data=body, headers={"Content-Type": "application/json"}, timeout=30)
            if reply.status_code >= 500:
                problems.append(f"{reply.status_code} for {body[:80]!r}")
            elif valid and reply.status_code == 200 and not [m for m in reply.json() if m.get("text")]:
                problems.append(f"a silent answer to {body[:80]!r}")
    assert not problems, problems[:10]
    sender = f"web-{uuid.uuid4().hex}"
    replies = session_replies = requests.post(
        url, json={"sender": sender, "message": "my father died"}, timeout=30
    ).json()
    assert any("Death" in (m.get("text") or "") for m in replies), session_replies
