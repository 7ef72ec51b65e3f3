"""Assist mode's page (`/assist`): a situation typed in any of the three languages, the questions
on screen, the guide in the citizen's language: to print, to download as a PDF (`/assist.pdf`), or to
send to an open conversation."""

from __future__ import annotations

import asyncio
import logging
from typing import Any
from urllib.parse import urlencode

from aiohttp import web

from catalogue_client import CatalogueError, NotFound
from console import assist
from console.context import Console, console_of, see_other
from console.guard import signed_in
from console.guide_pdf import guide_pdf, pdf_filename
from console.rasa import RasaError

log = logging.getLogger(__name__)
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
        current, problem = await step(console, event_id, lang, query)
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
        pdf_url=pdf_url(current) if current and current.guide else "",
    )


async def step(console: Console, event_id: str, lang: str, query: Any) -> tuple[assist.Step | None, str | None]:
    """Where the answers in `query` lead (the next question or the guide), or what went wrong."""
    try:
        return await asyncio.to_thread(assist.step, console.catalogue, event_id, lang, assist.answers_from(query)), None
    except NotFound:
        return None, "The catalogue has no such life event."
    except CatalogueError as error:
        return None, f"The catalogue could not answer ({type(error).__name__})."


def pdf_url(current: assist.Step) -> str:
    answers = {assist.ANSWER_PREFIX + key: value for key, value in current.answers.items()}
    return "/assist.pdf?" + urlencode({"event": current.event_id, "lang": current.lang, **answers})


@routes.get("/assist.pdf")
@signed_in()
async def guide_as_pdf(request: web.Request) -> web.StreamResponse:
    """The guide as a PDF to hand over; without enough answers, back to the page that asks for them."""
    console = console_of(request)
    lang = request.query.get("lang", "")
    event_id = request.query.get("event", "").strip()[:64]
    current = None
    if lang in assist.LANGUAGES and event_id:
        current, _ = await step(console, event_id, lang, request.query)
    if current is None or not current.guide:
        return see_other("/assist?" + urlencode(list(request.query.items())))
    font = console.settings.pdf_font
    if not font.is_file():
        log.warning("no PDF: the font %s is missing (CONSOLE_PDF_FONT)", font)
        problem = "No PDF: the console has no font for it (CONSOLE_PDF_FONT). Print the page instead."
        return console.page(request, "refused.html", status=503, problem=problem)
    data = await asyncio.to_thread(guide_pdf, current.guide_title, current.guide, lang, font)
    disposition = f'attachment; filename="{pdf_filename(current.event_id, lang)}"'
    return web.Response(body=data, content_type="application/pdf", headers={"Content-Disposition": disposition})
