"""The Rasa input channels, each of which owns the conversations it may reach.

- `PublicWebInput` (`/webhooks/rest/webhook`, the widget's): only conversation ids of the widget's
  form — `web-` and 128 random bits in hex — so nobody can name another channel's conversation
  (`telegram:424242`) or share one (`default`); malformed requests get a 400 with a JSON error.
- `BridgeInput` (`/webhooks/bridge/webhook`, the Telegram bridge's): only with the bridge's shared
  secret (`BRIDGE_TOKEN`) in the `X-Bridge-Token` header, and only `telegram:<chat id>` ids.

Both are listed in credentials.yml and answer like Rasa's REST channel: a JSON list of messages.
Before the assistant reads anything they bound what a caller may send: a message longer than
MAX_MESSAGE characters is answered "too long" without being read or stored; more than
RATE_PER_CONVERSATION messages a minute to one conversation, or RATE_PER_CLIENT from one address,
get a 429 with Retry-After. When the assistant produced no answer at all (its action server
down), the citizen reads "please write again in a minute" in their language, never silence, and
the turn is rolled back (a `rewind` event, Rasa's UserUtteranceReverted, then `action_listen`):
the conversation is as if the message had not been sent, so the citizen can simply send it again. A conversation a
person holds (paused) is left as it is: the message waits for them.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import re
from collections.abc import Awaitable, Callable
from functools import cache
from pathlib import Path
from typing import Any

import aiohttp
import yaml
from rasa.core.agent import Agent
from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from rasa.shared.core.constants import ACTION_LISTEN_NAME
from rasa.shared.core.events import ActionExecuted, UserUtteranceReverted
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import ClientResponseError
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

import privacy
from rasa_addons import settings
from rasa_addons.settings import MAX_MESSAGE, RATE_PER_CLIENT, RATE_PER_CONVERSATION
from rate_limit import RateLimit

log = logging.getLogger(__name__)
WEB_ID = re.compile(r"^web-[0-9a-f]{32}$")
TELEGRAM_ID = re.compile(r"^telegram:-?[0-9]{1,20}$")
MAX_BODY = 64 * 1024  # bytes of a request body
BRIDGE_HEADER = "X-Bridge-Token"
LANGUAGES = ("en", "ro", "ru")
ROMANIAN_LETTERS = frozenset("ăâîșțşţ")


@cache
def _phrases() -> dict[str, dict[str, str]]:
    with Path(__file__).with_name("channel_phrases.yml").open(encoding="utf-8") as handle:
        return dict(yaml.safe_load(handle))


def phrase(key: str, metadata: dict[str, Any] | None, text: str) -> str:
    """A channel phrase in the language the channel gave, else the one the text looks written in."""
    lang = (metadata or {}).get("language")
    if lang not in LANGUAGES:
        cyrillic = sum(1 for ch in text[:500] if "\u0400" <= ch <= "\u04ff")
        romanian = any(ch in ROMANIAN_LETTERS for ch in text[:500].lower())
        lang = "ru" if cyrillic > 3 else "ro" if romanian else "en"
    return _phrases()[key][lang]


def error(status: int, code: str, message: str) -> HTTPResponse:
    return response.json({"error": {"code": code, "message": message}}, status=status)


def read_message(request: Request) -> tuple[dict[str, Any] | None, HTTPResponse | None]:
    """The request's JSON object with a text `message`, or the error to answer with."""
    if len(request.body or b"") > MAX_BODY:
        return None, error(413, "too_large", f"The request body is larger than {MAX_BODY} bytes.")
    try:
        body = request.json
    except Exception:  # sanic raises its own InvalidUsage for bad JSON
        return None, error(400, "invalid_json", "The body must be a JSON object.")
    if not isinstance(body, dict):
        return None, error(400, "invalid_json", "The body must be a JSON object.")
    if not isinstance(body.get("sender"), str):
        return None, error(400, "invalid_sender", "'sender' must be a string.")
    if not isinstance(body.get("message"), str):
        return None, error(400, "invalid_message", "'message' must be a string.")
    if body.get("metadata") is not None and not isinstance(body["metadata"], dict):
        return None, error(400, "invalid_metadata", "'metadata' must be an object.")
    return clean(body), None


def clean(value: Any) -> Any:
    """Text as it can be stored and read: lone surrogates ("\\ud800") and NUL characters replaced."""
    if isinstance(value, str):
        return value.encode("utf-8", "replace").decode("utf-8").replace("\x00", " ")
    if isinstance(value, dict):
        return {clean(key): clean(item) for key, item in value.items()}
    if isinstance(value, list):
        return [clean(item) for item in value]
    return value


class OwnedInput(InputChannel):
    """A REST-style channel that checks, before anything is read, that the caller may reach the conversation."""

    sender_pattern = WEB_ID

    def __init__(self) -> None:
        self.per_conversation = RateLimit(RATE_PER_CONVERSATION)
        self.per_client = RateLimit(RATE_PER_CLIENT)

    def refused(self, request: Request) -> HTTPResponse | None:
        """An answer refusing the caller, or None when the caller may speak for this channel."""
        return None

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        privacy.install()  # the Rasa server's log lines: identifiers masked (its logging is set up by now)
        quiet_expected_failures()
        channel = Blueprint(f"owned_{self.name()}", __name__)

        @channel.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            """Ready with a model loaded only: Rasa goes on listening when its model fails to load."""
            ready = request.app.ctx.agent is not None and request.app.ctx.agent.is_ready()
            return response.json({"status": "ok" if ready else "no model loaded"}, status=200 if ready else 503)

        @channel.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            refusal = self.refused(request)
            if refusal is not None:
                return refusal
            body, problem = read_message(request)
            if problem is not None or body is None:
                return problem or error(400, "invalid_json", "The body must be a JSON object.")
            sender = body["sender"]
            if not self.sender_pattern.match(sender):
                log.warning("%s: refused a message for a conversation id it does not own", self.name())
                return error(403, "not_your_conversation", "This channel cannot reach that conversation.")
            text, metadata = body["message"], body.get("metadata")
            wait = max(self.per_client.wait(self.client_of(request)), self.per_conversation.wait(sender))
            if wait:
                log.warning("%s: rate limit reached, asked to wait %.0f s", self.name(), wait)
                reply = [{"recipient_id": sender, "text": phrase("slow_down", metadata, text)}]
                return response.json(reply, status=429, headers={"Retry-After": str(int(wait) + 1)})
            if len(text) > MAX_MESSAGE:
                log.info("%s: a message of %d characters answered as too long", self.name(), len(text))
                return response.json([{"recipient_id": sender, "text": phrase("too_long", metadata, text)}])
            collector = CollectingOutputChannel()
            message = UserMessage(text, collector, sender, input_channel=self.name(), metadata=metadata)
            try:
                await on_new_message(message)  # Rasa gives it a message_id; roll_back checks it is still the last
            except Exception as failure:  # the conversations' database (or the lock store) failed: nothing was kept
                log.warning(
                    "%s: the turn failed (%s): the citizen asked to write again", self.name(), type(failure).__name__
                )
                reply = [{"recipient_id": sender, "text": phrase("unavailable", metadata, text)}]
                return response.json(reply, status=503, headers={"Retry-After": "60"})
            if _unsaved(request.app.ctx.agent, sender):  # the database failed: the turn was not kept
                log.warning("%s: the turn could not be saved: the citizen asked to write again", self.name())
                reply = [{"recipient_id": sender, "text": phrase("unavailable", metadata, text)}]
                return response.json(reply, status=503, headers={"Retry-After": "60"})
            if not collector.messages:
                language = await roll_back(request.app.ctx.agent, sender, message.message_id)
                if language is not None:  # not paused: the assistant could not answer
                    log.info("%s: no answer: turn rolled back, the citizen asked to write again", self.name())
                    known = {"language": (metadata or {}).get("language") or language}
                    collector.messages.append({"recipient_id": sender, "text": phrase("unavailable", known, text)})
            return response.json(collector.messages)

        return channel

    @staticmethod
    def client_of(request: Request) -> str:
        """The caller's address; behind the deployment's own proxy (TRUSTED_PROXY=1), the one it saw."""
        if settings.TRUSTED_PROXY:
            forwarded = request.headers.get("X-Forwarded-For", "").split(",")[-1].strip()
            if forwarded:
                return forwarded
        return request.ip or "?"


def _unsaved(agent: Agent, sender: str) -> bool:
    """Whether the turn just handled could not be saved (see SQLiteTrackerStore.unsaved; Rasa wraps
    the store in its fail-safe, which hides the failure)."""
    store = getattr(agent.tracker_store, "_tracker_store", agent.tracker_store)
    return bool(getattr(store, "unsaved", lambda _: False)(sender))


async def roll_back(agent: Agent, sender: str, message_id: str) -> str | None:
    """Undo a turn the assistant could not answer (its action server down: Rasa keeps the message but
    loses the action's events). A `rewind` event makes Rasa read the conversation as if the message had
    not been sent. Gives the conversation's language ("" when not known yet); None, and nothing
    changed, when a person holds the conversation (it is paused: the assistant is silent by design)."""
    if agent.tracker_store is None or agent.lock_store is None:
        return ""
    async with agent.lock_store.lock(sender):
        tracker = await agent.tracker_store.retrieve(sender)
        if tracker is None:
            return ""
        if tracker.is_paused():
            return None
        if tracker.latest_message is not None and tracker.latest_message.message_id == message_id:
            tracker.update(UserUtteranceReverted())  # the message and all that followed it
            tracker.update(ActionExecuted(ACTION_LISTEN_NAME))  # listening again, as before the message
            await agent.tracker_store.save(tracker)
        language = tracker.get_slot("language") if "language" in tracker.slots else None
    return language if isinstance(language, str) else ""


class ExpectedFailure(logging.Filter):
    """Rasa logs a traceback for every turn whose action server could not be reached, answered an
    error or took too long, after a line of its own when it could not connect. That is an expected
    condition (a restart, a deployment): one line says it, with the cause (a connection refused, a
    timeout, HTTP 401 for a wrong ACTIONS_TOKEN, HTTP 500 for an action's bug, whose traceback is
    in the action server's own log)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name == "rasa.core.actions.action":  # the line before the traceback: said below
            return not str(record.msg).startswith("Failed to run custom action")
        error = record.exc_info[1] if record.exc_info else None
        cause = _unavailable(error)
        if cause is not None:
            record.msg = "the action server did not answer (%s): the turn was not answered"
            record.args = (cause,)
            record.exc_info = record.exc_text = None
            record.levelno, record.levelname = logging.WARNING, "WARNING"
        return True


def _unavailable(error: BaseException | None) -> str | None:
    """What made the action server unavailable, when `error` (or what caused it) says so."""
    seen = 0
    while error is not None and seen < 10:
        if isinstance(error, ClientResponseError):
            return f"HTTP {error.status}"
        if isinstance(error, aiohttp.ClientError | asyncio.TimeoutError):
            return type(error).__name__
        error = error.__cause__ or error.__context__
        seen += 1
    return None


def quiet_expected_failures() -> None:
    """One line instead of a traceback when the action server is unavailable (see ExpectedFailure)."""
    for name in ("rasa.core.processor", "rasa.core.actions.action"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, ExpectedFailure) for f in logger.filters):
            logger.addFilter(ExpectedFailure())


class PublicWebInput(OwnedInput):
    """The widget's channel, open to the public internet. `POST /webhooks/rest/forget` with the
    conversation's id deletes the conversation: whoever holds the id is its citizen."""

    @classmethod
    def name(cls) -> str:
        return "rest"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        channel = super().blueprint(on_new_message)

        @channel.route("/forget", methods=["POST"])
        async def forget(request: Request) -> HTTPResponse:
            try:
                body = request.json
            except Exception:
                body = None
            sender = body.get("sender") if isinstance(body, dict) else None
            if not isinstance(sender, str) or not WEB_ID.match(sender):
                return error(403, "not_your_conversation", "This channel cannot reach that conversation.")
            if self.per_client.wait(self.client_of(request)):
                return error(429, "too_many_requests", "Please wait a moment.")
            store = request.app.ctx.agent.tracker_store
            await store.save(DialogueStateTracker(sender, []))  # an empty tracker deletes the conversation
            log.info("rest: a citizen's conversation was forgotten at their request")
            return response.json({"forgotten": True})

        return channel


class BridgeInput(OwnedInput):
    """The Telegram bridge's channel: its shared secret, and Telegram chats only."""

    sender_pattern = TELEGRAM_ID

    @classmethod
    def name(cls) -> str:
        return "bridge"

    def refused(self, request: Request) -> HTTPResponse | None:
        expected = settings.BRIDGE_TOKEN
        given = request.headers.get(BRIDGE_HEADER, "")
        if not expected or not hmac.compare_digest(given.encode(), expected.encode()):
            log.warning("bridge: refused a request without the bridge's token")
            return error(401, "unauthorised", f"The {BRIDGE_HEADER} header is missing or wrong.")
        return None
