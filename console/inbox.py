"""The inbox (tabs: waiting, mine, all open, closed), and the event stream that keeps it and a
conversation's page, live."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from typing import Any

from aiohttp import web

from console.context import TABS, Console, console_of, public_row
from console.guard import signed_in
from console.hours import hours_now
from console.notifications import Rhythm

routes = web.RouteTableDef()
CLOCK_SLACK = 2.0  # seconds: changes this much before the last one seen are sent again, not lost
STREAM_LIFETIME = 600.0  # seconds an event stream stays open; the browser reconnects by itself
KEEPALIVE = 5.0  # seconds between comments on a quiet stream (a proxy may close a silent one)


async def tab_rows(console: Console, request: web.Request) -> tuple[str, list[dict[str, Any]], int]:
    """The tab asked for, its conversations as the inbox shows them, and how many are waiting."""
    tab = request.query.get("tab", "waiting")
    tab = tab if tab in TABS else "waiting"
    rows = await console.db(console.store.inbox, tab, request["account"].name)
    waiting = await console.db(console.store.waiting_count)
    return tab, [public_row(row) for row in rows], waiting


@routes.get("/")
@signed_in()
async def inbox(request: web.Request) -> web.Response:
    console = console_of(request)
    tab, rows, waiting = await tab_rows(console, request)
    hours = await asyncio.to_thread(hours_now, console.catalogue)
    return console.page(request, "inbox.html", tab=tab, rows=rows, waiting=waiting, hours=hours)


@routes.get("/api/inbox")
@signed_in(api=True)
async def inbox_json(request: web.Request) -> web.Response:
    _, rows, waiting = await tab_rows(console_of(request), request)
    return web.json_response({"waiting": waiting, "rows": rows})


@routes.get("/api/stream")
@signed_in(api=True)
async def stream(request: web.Request) -> web.StreamResponse:
    """`change` whenever a conversation changes (here or in another console: announced through Redis,
    or seen in the store within CONSOLE_STORE_POLL seconds), with the ids of those that changed, so a
    conversation's page refreshes only for its own."""
    console = console_of(request)
    response = web.StreamResponse(headers={"Content-Type": "text/event-stream", "Cache-Control": "no-store"})
    await response.prepare(request)
    mark = await console.db(console.store.changed)
    rhythm = Rhythm(console.changes, KEEPALIVE)
    ends = time.monotonic() + STREAM_LIFETIME
    await response.write(b"retry: 1000\n\n")
    with contextlib.suppress(ConnectionResetError):  # the page went away
        while not console.stopping.is_set() and time.monotonic() < ends:
            if await rhythm.next() and (now_mark := await console.db(console.store.changed)) != mark:
                # a little before the last mark: another process's clock, a late commit
                ids = await console.db(console.store.changed_since, mark[0] - CLOCK_SLACK)
                mark = now_mark
                await response.write(f"event: change\ndata: {json.dumps({'ids': ids})}\n\n".encode())
            else:
                await response.write(b": still here\n\n")
    return response
