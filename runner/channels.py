"""The Rasa input channels, each of which owns the conversations it may reach.

- `PublicWebInput` (`/webhooks/rest/webhook`, the widget's): only conversation ids of the widget's
  form — `web-` and 128 random bits in hex — so nobody can name another channel's conversation
  (`telegram:424242`) or share one (`default`); malformed requests get a 400 with a JSON error.
- `BridgeInput` (`/webhooks/bridge/webhook`, the Telegram bridge's): only with the bridge's shared
  secret (`BRIDGE_TOKEN`) in the `X-Bridge-Token` header, and only `telegram:<chat id>` ids.

Both are listed in credentials.yml and answer like Rasa's REST channel: a JSON list of messages.
"""

from __future__ import annotations

import hmac
import logging
import os
import re
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

log = logging.getLogger(__name__)
WEB_ID = re.compile(r"^web-[0-9a-f]{32}$")
TELEGRAM_ID = re.compile(r"^telegram:-?[0-9]{1,20}$")
MAX_BODY = 64 * 1024  # bytes of a request body
BRIDGE_HEADER = "X-Bridge-Token"


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
    return body, None


class OwnedInput(InputChannel):
    """A REST-style channel that checks, before anything is read, that the caller may reach the conversation."""

    sender_pattern = WEB_ID

    def refused(self, request: Request) -> HTTPResponse | None:
        """An answer refusing the caller, or None when the caller may speak for this channel."""
        return None

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        channel = Blueprint(f"owned_{self.name()}", __name__)

        @channel.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

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
            collector = CollectingOutputChannel()
            await on_new_message(
                UserMessage(
                    body["message"],
                    collector,
                    sender,
                    input_channel=self.name(),
                    metadata=body.get("metadata"),
                )
            )
            return response.json(collector.messages)

        return channel


class PublicWebInput(OwnedInput):
    """The widget's channel, open to the public internet."""

    @classmethod
    def name(cls) -> str:
        return "rest"


class BridgeInput(OwnedInput):
    """The Telegram bridge's channel: its shared secret, and Telegram chats only."""

    sender_pattern = TELEGRAM_ID

    @classmethod
    def name(cls) -> str:
        return "bridge"

    def refused(self, request: Request) -> HTTPResponse | None:
        expected = os.environ.get("BRIDGE_TOKEN", "")
        given = request.headers.get(BRIDGE_HEADER, "")
        if not expected or not hmac.compare_digest(given.encode(), expected.encode()):
            log.warning("bridge: refused a request without the bridge's token")
            return error(401, "unauthorised", f"The {BRIDGE_HEADER} header is missing or wrong.")
        return None
