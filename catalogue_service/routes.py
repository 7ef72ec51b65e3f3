"""The catalogue service's endpoints, as Sanic blueprints (openapi.yaml describes each).

- `about`: health, the OpenAPI description, the CPSV-AP export (JSON-LD and Turtle);
- `catalogue`: life events, services, organisations, documents, localities, relations, helpdesk;
- `finding`: offices near a place, full-text search.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, raw

from catalogue_service import cpsv_export, jsonld, settings
from catalogue_service.http import ApiError, int_arg, served

SEARCH_KINDS = {"life_event", "service", "organisation"}
MAX_QUERY_LENGTH = 200
Handler = Callable[..., Coroutine[Any, Any, HTTPResponse]]


# -- about the service -------------------------------------------------------------------------


async def health(request: Request) -> HTTPResponse:
    return served(request).respond(request, {"status": "ok", "version": served(request).content.version})


async def openapi(request: Request) -> HTTPResponse:
    return raw(served(request).openapi, content_type="application/yaml; charset=utf-8")


async def export(request: Request) -> HTTPResponse:
    """The whole catalogue in CPSV-AP 3.2 JSON-LD, its IRIs under CATALOGUE_BASE_IRI or this address."""
    base = settings.CATALOGUE_BASE_IRI or f"{request.scheme}://{request.host}"
    response = served(request).respond(request, jsonld.export(served(request).content, base))
    if response.status == 200:
        response.content_type = "application/ld+json; charset=utf-8"
    return response


_TURTLE: dict[tuple[str, str], bytes] = {}  # (catalogue version, base) -> Turtle: written once


async def export_turtle(request: Request) -> HTTPResponse:
    """The same graph as `export`, in Turtle. Written once per catalogue and base: the writing takes
    a second, and its blank nodes' labels differ each time (the ETag must not)."""
    base = settings.CATALOGUE_BASE_IRI or f"{request.scheme}://{request.host}"
    content = served(request).content
    key = (content.version, base)
    if key not in _TURTLE:
        if len(_TURTLE) >= 8:
            _TURTLE.clear()
        _TURTLE[key] = cpsv_export.turtle(content, base).encode("utf-8")
    return served(request).respond_body(request, _TURTLE[key], "text/turtle; charset=utf-8")


# -- the catalogue's entries ------------------------------------------------------------------


def listing(table: str, view: str) -> Handler:
    """A handler answering every entry of `content.<table>` as `views.<view>`."""

    async def handler(request: Request) -> HTTPResponse:
        catalogue = served(request)
        lang = catalogue.language(request)
        render = getattr(catalogue.views, view)
        items = [render(ident, lang) for ident in getattr(catalogue.content, table)]
        return catalogue.respond(request, {"items": items}, lang)

    return handler


def entry(kind: str, table: str, view: str) -> Handler:
    """A handler answering one entry of `content.<table>` as `views.<view>`, or a 404."""

    async def handler(request: Request, ident: str) -> HTTPResponse:
        catalogue = served(request)
        lang = catalogue.language(request)
        catalogue.known(kind, ident, getattr(catalogue.content, table))
        return catalogue.respond(request, getattr(catalogue.views, view)(ident, lang), lang)

    return handler


async def relations(request: Request) -> HTTPResponse:
    catalogue = served(request)
    lang = catalogue.language(request)
    return catalogue.respond(request, {"items": catalogue.views.relations(lang)}, lang)


async def helpdesk(request: Request) -> HTTPResponse:
    catalogue = served(request)
    lang = catalogue.language(request)
    return catalogue.respond(request, catalogue.views.helpdesk(lang), lang)


# -- finding ------------------------------------------------------------------------------------


def _point(request: Request) -> tuple[float, float]:
    """Where offices are looked for: `locality` (an id) or `near` (lat,lon), exactly one of them."""
    catalogue = served(request)
    near, locality_id = request.args.get("near"), request.args.get("locality")
    if (near is None) == (locality_id is None):
        raise ApiError(400, "bad_parameter", "Give either 'near' (lat,lon) or 'locality', not both.")
    if locality_id is not None:
        catalogue.known("locality", locality_id, catalogue.content.localities)
        point = catalogue.content.localities[locality_id]["coordinates"]
        return point["lat"], point["lon"]
    try:
        lat, lon = (float(part) for part in str(near).split(","))
    except ValueError:
        lat, lon = 999.0, 999.0
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise ApiError(400, "bad_parameter", "'near' must be 'latitude,longitude', e.g. 47.02,28.83.")
    return lat, lon


async def offices(request: Request) -> HTTPResponse:
    catalogue = served(request)
    lang = catalogue.language(request)
    limit = int_arg(request, "limit", 5, 1, 100)
    organisation_id = request.args.get("organisation")
    if organisation_id is not None:
        catalogue.known("organisation", organisation_id, catalogue.content.organisations)
    lat, lon = _point(request)
    items = catalogue.views.offices_near(lat, lon, lang, organisation_id, limit)
    return catalogue.respond(request, {"items": items}, lang)


def _hit(request: Request, kind: str, ident: str, score: float, lang: str) -> dict[str, Any]:
    views = served(request).views
    if kind == "life_event":
        view = views.life_event_summary(ident, lang)
    elif kind == "service":
        view = views.service_summary(ident, lang)
    else:
        org = views.organisation_summary(ident, lang)
        view = {"id": ident, "title": org["name"], "description": org["short_name"]}
    return {"type": kind, "id": ident, "title": view["title"], "description": view["description"], "score": score}


async def search(request: Request) -> HTTPResponse:
    catalogue = served(request)
    lang = catalogue.language(request)
    query = (request.args.get("q") or "").strip()
    if not query:
        raise ApiError(400, "bad_parameter", "Give a search text in 'q'.")
    if len(query) > MAX_QUERY_LENGTH:
        raise ApiError(400, "bad_parameter", f"'q' must be at most {MAX_QUERY_LENGTH} characters.")
    kinds = set(request.args.getlist("type") or [])
    if kinds - SEARCH_KINDS:
        raise ApiError(400, "bad_parameter", f"'type' must be among {', '.join(sorted(SEARCH_KINDS))}.")
    limit = int_arg(request, "limit", 10, 1, 50)
    found = catalogue.index.search(query, lang, kinds or None, limit)
    items = [_hit(request, kind, ident, score, lang) for kind, ident, score in found]
    return catalogue.respond(request, {"query": query, "items": items}, lang)


def blueprints() -> list[Blueprint]:
    """The service's endpoints, fresh for each app (a Sanic app owns the blueprints it registers)."""
    about = Blueprint("about")
    about.add_route(health, "/health", methods=["GET"])
    about.add_route(openapi, "/openapi.yaml", methods=["GET"])
    about.add_route(export, "/export/cpsv-ap.jsonld", methods=["GET"])
    about.add_route(export_turtle, "/export/cpsv-ap.ttl", methods=["GET"])
    catalogue = Blueprint("catalogue")
    for path, kind, table, one, many in (
        ("/life-events", "life event", "life_events", "life_event", "life_event_summary"),
        ("/services", "service", "services", "service", "service_summary"),
        ("/organisations", "organisation", "organisations", "organisation", "organisation"),
    ):
        catalogue.add_route(listing(table, many), path, methods=["GET"], name=f"{table}_list")
        catalogue.add_route(entry(kind, table, one), f"{path}/<ident:str>", methods=["GET"], name=f"{table}_one")
    catalogue.add_route(listing("localities", "locality"), "/localities", methods=["GET"], name="localities")
    catalogue.add_route(entry("document", "documents", "document"), "/documents/<ident:str>", methods=["GET"])
    catalogue.add_route(relations, "/relations", methods=["GET"])
    catalogue.add_route(helpdesk, "/helpdesk", methods=["GET"])
    finding = Blueprint("finding")
    finding.add_route(offices, "/offices", methods=["GET"])
    finding.add_route(search, "/search", methods=["GET"])
    return [about, catalogue, finding]
