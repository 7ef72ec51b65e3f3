"""Assist mode's page (`/assist`): a situation typed in any of the three languages, the questions
on screen, the guide in the citizen's language (to print, or to send to an open conversation)."""

from __future__ import annotations

import asyncio

from aiohttp import web

from catalogue_client import CatalogueError, NotFound
from console import assist
from console.context import console_of
from console.guard import signed_in
from console.rasa import RasaError

routes = web.RouteTableDef()


@routes.get("/assist")
@signed_in()
async def assist_page(request: web.Request) -> web.Response:
    console = console_of(request)
    query = request.query
    situation = query.get("situation", "").strip()[:2000]
    lang = query.get("lang", "") if query.get("lang") in assist.LANGUAGES else ""
    event_id = query.get("event", "").strip()[:64]
    conversation = query.get("conversation", "") if query.get("conversation", "").isdigit() else ""
    problem = None
    if situation and not event_id:
        try:
            event_id = assist.life_event_of(await console.rasa.parse(situation)) or ""
        except RasaError as error:
            problem = f"The assistant cannot be reached ({error}): choose the life event."
        lang = lang or assist.guess_language(situation, "en")
        if not event_id and problem is None:
            problem = "The assistant did not recognise a life event in that: choose one."
    lang = lang or "en"
    current = None
    if event_id:
        try:
            current = await asyncio.to_thread(
                assist.step, console.catalogue, event_id, lang, assist.answers_from(query)
            )
        except NotFound:
            problem = "The catalogue has no such life event."
        except CatalogueError as error:
            problem = f"The catalogue could not answer ({type(error).__name__})."
    try:
        events = list(await asyncio.to_thread(console.catalogue.life_events, lang=assist.STAFF_LANGUAGE))
    except CatalogueError:
        events = []
    return console.page(
        request,
        "assist.html",
        situation=situation,
        lang=lang,
        events=events,
        current=current,
        conversation=conversation,
        problem=problem,
        unknown=assist.UNKNOWN,
        prefix=assist.ANSWER_PREFIX,
        languages=assist.LANGUAGES,
    )
