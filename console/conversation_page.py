"""A conversation as staff see it: the transcript from Rasa's tracker beside what the assistant
knows, the catalogue at hand, notes, tags, colleagues to transfer to and (supervisors) its audit."""

from __future__ import annotations

import asyncio
from typing import Any
from urllib.parse import urlencode

from aiohttp import web

from catalogue_client import CatalogueError
from console import assist
from console.context import Console, console_of, public_row
from console.guard import conversation_or_404, signed_in
from console.rasa import RasaError
from console.store import Account
from console.transcript import answers_in_words, knowledge, messages

routes = web.RouteTableDef()


async def what_is_known(console: Console, known: dict[str, Any]) -> tuple[str | None, list[tuple[str, str]]]:
    """The life event's title and each answered question with its answer in words."""
    answers = known.get("answers") or {}
    if not known.get("life_event"):
        return None, []
    try:
        event = await asyncio.to_thread(console.catalogue.life_event, str(known["life_event"]), lang="en")
    except CatalogueError:
        return None, [(question, str(answer)) for question, answer in answers.items()]
    return event.title, answers_in_words(event, answers)


def assist_url(row: dict[str, Any], known: dict[str, Any]) -> str:
    """Assist mode prefilled with what the assistant knows, to send the guide to this conversation."""
    query = {"lang": known.get("language") or row["language"], "conversation": row["id"]}
    if known.get("life_event"):
        query["event"] = known["life_event"]
        for question, answer in (known.get("answers") or {}).items():
            query[assist.ANSWER_PREFIX + str(question)] = answer
    return "/assist?" + urlencode(query)


@routes.get(r"/c/{id:\d+}")
@signed_in()
async def conversation_page(request: web.Request) -> web.Response:
    console = console_of(request)
    row = await conversation_or_404(request)
    account: Account = request["account"]
    await console.db(console.store.audit, account.name, "read", row["id"])
    try:
        tracker = await console.rasa.tracker(row["sender_id"])
        said, known, problem = messages(tracker.get("events") or []), knowledge(tracker), None
    except RasaError as error:
        said, known, problem = [], {}, f"The assistant cannot be reached ({error}): the transcript is not shown."
    event_title, answered = await what_is_known(console, known)
    search = request.query.get("q", "").strip()[:200]
    found: list[tuple[str, list[str]]] = []
    if search:
        try:
            found = await asyncio.to_thread(assist.facts, console.catalogue, search, row["language"])
        except CatalogueError as error:
            problem = f"The catalogue could not answer ({type(error).__name__})."
    colleagues = [a for a in await console.db(console.store.accounts) if a.active and a.name != account.name]
    return console.page(
        request,
        "conversation.html",
        c=public_row(row),
        said=said,
        known=known,
        event_title=event_title,
        answered=answered,
        problems=[text for text in (request.query.get("problem"), problem) if text],
        colleagues=colleagues,
        history=await console.db(console.store.audit_rows, row["id"]) if account.may("supervisor") else [],
        notes=await console.db(console.store.notes, row["id"]),
        assist_url=assist_url(row, known),
        search=search,
        found=found,
        tags=await console.db(console.store.tags, row["id"]),
        mine=row["status"] == "held" and row["holder"] == account.name,
    )


@routes.get(r"/api/c/{id:\d+}")
@signed_in(api=True)
async def conversation_json(request: web.Request) -> web.Response:
    console = console_of(request)
    row = await conversation_or_404(request)
    try:
        said = messages((await console.rasa.tracker(row["sender_id"])).get("events") or [])
    except RasaError:
        said = []
    return web.json_response({"conversation": public_row(row), "messages": said})
