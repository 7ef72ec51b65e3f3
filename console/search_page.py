"""Search conversations by text, life event, language, channel, tag, person and dates."""

from __future__ import annotations

import time
from typing import Any

from aiohttp import web

from console.context import Console, console_of, public_row
from console.guard import signed_in
from console.rasa import RasaError
from console.transcript import messages

routes = web.RouteTableDef()
SEARCH_FIELDS = ("text", "life_event", "language", "channel", "tag", "person", "from", "to")
SEARCH_TRANSCRIPTS = 100  # recent conversations whose transcripts a text search reads through Rasa's API


def day(value: str, end: bool = False) -> float | None:
    """A YYYY-MM-DD date as the epoch of its start (or of the next day's start), in local time."""
    try:
        start = time.mktime(time.strptime(value, "%Y-%m-%d"))
    except ValueError:
        return None
    return start + 86400 if end else start


async def said_in(console: Console, sender_id: str, text: str) -> bool:
    """Whether `text` was said in the conversation (its transcript, from Rasa)."""
    try:
        said = messages((await console.rasa.tracker(sender_id)).get("events") or [])
    except RasaError:
        return False
    wanted = text.casefold()
    return any(wanted in str(m["text"]).casefold() for m in said)


@routes.get("/search")
@signed_in()
async def search_page(request: web.Request) -> web.Response:
    """Conversations by text (the staff's notes and messages, and what was said in the most
    recent matching conversations' transcripts), life event, language, channel, tag, person, dates."""
    console = console_of(request)
    query = {key: request.query.get(key, "").strip()[:200] for key in SEARCH_FIELDS}
    rows: list[dict[str, Any]] = []
    searched = any(query.values())
    if searched:
        criteria = {key: query[key] for key in ("life_event", "language", "channel", "tag", "person")}
        since, until = day(query["from"]), day(query["to"], end=True)
        text = query["text"]
        rows = await console.db(console.store.search, text, since=since, until=until, **criteria)
        if text:  # what citizens and the assistant said lives in Rasa's tracker
            found = {row["id"] for row in rows}
            candidates = await console.db(console.store.search, "", since=since, until=until, **criteria)
            for candidate in candidates[:SEARCH_TRANSCRIPTS]:
                if candidate["id"] not in found and await said_in(console, candidate["sender_id"], text):
                    rows.append(candidate)
            rows.sort(key=lambda r: r["requested_at"], reverse=True)
    return console.page(request, "search.html", query=query, rows=[public_row(r) for r in rows], searched=searched)
