"""The citizens' push endpoint (its own listener): staff messages for the widget, and the Telegram
bridge's queue of staff messages for its chats.

`GET /push/<id>?after=N` (JSON) and `/push/<id>/stream` (server-sent events, resuming after
`after` or the Last-Event-ID header). Only the widget's own secret form of id is accepted; an id
nobody handed over answers an empty list, like any other.
"""

from __future__ import annotations

import contextlib
import json
import logging
import re
import time
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from console.auth import same_token
from console.context import CONSOLE, Console, console_of, health
from console.guard import store_away_layer
from console.limits import retry_after
from console.notifications import Rhythm

log = logging.getLogger(__name__)
routes = web.RouteTableDef()
WEB_ID = re.compile(r"^web-[0-9a-f]{32}$")
TELEGRAM_CHAT = re.compile(r"-?[0-9]{1,20}")
STREAM_LIFETIME = 600.0  # seconds an event stream stays open; the widget reconnects by itself
KEEPALIVE = 15.0  # seconds between comments on a quiet stream
BRIDGE_WAIT = 25.0  # seconds the Telegram bridge's long poll may wait at most
CitizenHandler = Callable[[web.Request, str, dict[str, str]], Awaitable[web.StreamResponse]]
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def cursor(value: str | None) -> int:
    try:
        return max(0, int(value or 0))
    except ValueError:
        return 0


def shown(message: dict[str, Any]) -> dict[str, Any]:
    return {"id": message["id"], "author": message["author"], "text": message["text"]}


def citizens_own(handler: CitizenHandler) -> Handler:
    """Only the widget's secret form of id, not too often; the answer readable by the origins that
    embed the widget."""

    async def checked(request: web.Request) -> web.StreamResponse:
        sender = request.match_info["sender"]
        if not WEB_ID.match(sender):
            return web.json_response({"error": "not_your_conversation"}, status=404)
        origin = request.headers.get("Origin", "")
        headers = {"Cache-Control": "no-store", "Vary": "Origin"}
        console = console_of(request)
        if origin and origin in console.settings.push_origins:
            headers["Access-Control-Allow-Origin"] = origin
        limits = console.limits
        wait = max(limits.push_client.wait(limits.client(request)), limits.push_conversation.wait(sender))
        if wait:
            headers["Retry-After"] = str(retry_after(wait))
            slow_down = {"error": "too_many_requests", "message": "Please wait a moment, then try again."}
            return web.json_response(slow_down, status=429, headers=headers)
        return await handler(request, sender, headers)

    return checked


def bridge_only(handler: Handler) -> Handler:
    """Only the Telegram bridge, with its shared secret."""

    async def checked(request: web.Request) -> web.StreamResponse:
        expected = console_of(request).settings.bridge_token
        if not expected or not same_token(request.headers.get("X-Bridge-Token"), expected):
            return web.json_response({"error": "unauthorised"}, status=401)
        return await handler(request)

    return checked


@routes.get("/push/{sender}")
@citizens_own
async def poll(request: web.Request, sender: str, headers: dict[str, str]) -> web.Response:
    console = console_of(request)
    found = await console.db(console.store.messages_for, sender, cursor(request.query.get("after")))
    return web.json_response({"messages": [shown(m) for m in found]}, headers=headers)


@routes.get("/push/{sender}/stream")
@citizens_own
async def stream(request: web.Request, sender: str, headers: dict[str, str]) -> web.StreamResponse:
    console = console_of(request)
    after = cursor(request.headers.get("Last-Event-ID") or request.query.get("after"))
    response = web.StreamResponse(headers={**headers, "Content-Type": "text/event-stream"})
    await response.prepare(request)
    await response.write(b"retry: 2000\n\n")
    rhythm = Rhythm(console.changes, KEEPALIVE)
    ends = time.monotonic() + STREAM_LIFETIME
    read = True
    with contextlib.suppress(ConnectionResetError):  # the widget closed or the page went away
        while not console.stopping.is_set() and time.monotonic() < ends:
            if read:
                for message in await console.db(console.store.messages_for, sender, after):
                    after = message["id"]
                    data = json.dumps(shown(message), ensure_ascii=False)
                    await response.write(f"id: {after}\nevent: message\ndata: {data}\n\n".encode())
            else:
                await response.write(b": still here\n\n")
            read = await rhythm.next()
    return response


async def forget_conversation(console: Console, sender_id: str) -> web.Response:
    if await console.db(console.store.forget, sender_id):
        log.info("a citizen's conversation was forgotten at their request")
        console.changes.notify()
    return web.json_response({"forgotten": True})


@routes.post("/push/{sender}/forget")
@citizens_own
async def forget(request: web.Request, sender: str, headers: dict[str, str]) -> web.Response:
    """The widget's "forget this conversation": whoever holds the secret id is its citizen."""
    response = await forget_conversation(console_of(request), sender)
    response.headers.update(headers)
    return response


@routes.post("/bridge/forget")
@bridge_only
async def bridge_forget(request: web.Request) -> web.Response:
    """The bridge's /forget: a Telegram chat's conversation leaves the console too."""
    chat = request.query.get("chat_id", "")
    if not TELEGRAM_CHAT.fullmatch(chat):
        return web.json_response({"error": "invalid_chat"}, status=400)
    return await forget_conversation(console_of(request), f"telegram:{chat}")


@routes.get("/bridge/messages")
@bridge_only
async def bridge_messages(request: web.Request) -> web.Response:
    """The Telegram bridge's queue: staff messages for Telegram chats after `after` (its secret only)."""
    console = console_of(request)
    after = cursor(request.query.get("after"))
    try:  # a long poll: up to `wait` seconds for the next message, so a reply leaves at once
        wait = min(max(float(request.query.get("wait") or 0), 0.0), BRIDGE_WAIT)
    except ValueError:
        wait = 0.0
    ends, rhythm = time.monotonic() + wait, Rhythm(console.changes, BRIDGE_WAIT)
    found = await console.db(console.store.telegram_messages, after)
    while not found and not console.stopping.is_set() and time.monotonic() < ends:
        if await rhythm.next(limit=ends - time.monotonic()):
            found = await console.db(console.store.telegram_messages, after)
    chats = [
        {"id": m["id"], "chat_id": int(m["sender_id"].split(":", 1)[1]), "author": m["author"], "text": m["text"]}
        for m in found
    ]
    return web.json_response({"messages": chats})


def push_app(console: Console) -> web.Application:
    app = web.Application(middlewares=[store_away_layer], client_max_size=1024)
    app[CONSOLE] = console
    app.router.add_get("/health", health)
    app.add_routes(routes)
    return app
