"""The read-only catalogue HTTP service (Sanic, the server Rasa already ships with).

Every answer is JSON in the requested language (`?lang=`, English fallback),
with an ETag and Cache-Control so clients can revalidate cheaply; errors are
JSON too: {"error": {"code": ..., "message": ...}}. The API is described in
`openapi.yaml`, which the tests check the service against.
"""

from __future__ import annotations

import hashlib
import json
import logging
from pathlib import Path
from typing import Any

from sanic import Request, Sanic
from sanic.exceptions import MethodNotSupported, NotFound, SanicException
from sanic.response import HTTPResponse, raw

from catalogue_service import jsonld, settings
from catalogue_service.content import load
from catalogue_service.search import SearchIndex
from catalogue_service.validate import problems
from catalogue_service.views import Views

log = logging.getLogger("catalogue_service")
OPENAPI_FILE = Path(__file__).with_name("openapi.yaml")
SEARCH_KINDS = {"life_event", "service", "organisation"}
MAX_QUERY_LENGTH = 200


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def _json_body(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _error(status: int, code: str, message: str) -> HTTPResponse:
    return raw(
        _json_body({"error": {"code": code, "message": message}}),
        status=status,
        content_type="application/json; charset=utf-8",
        headers={"Cache-Control": "no-store"},
    )


def create_app(catalogue_dir: Path | str, max_age: int = 300, name: str = "catalogue") -> Sanic:
    """Build the service over the catalogue at `catalogue_dir` (which must validate)."""
    found = problems(catalogue_dir)
    if found:
        details = "\n".join(str(p) for p in found[:20])
        raise SystemExit(f"The catalogue at {catalogue_dir} is invalid:\n{details}")
    content = load(catalogue_dir)
    views = Views(content)
    index = SearchIndex(content)
    app = Sanic(name)
    app.config.FALLBACK_ERROR_FORMAT = "json"
    app.ctx.content = content
    openapi_text = OPENAPI_FILE.read_bytes()

    def respond(request: Request, data: Any, lang: str | None = None) -> HTTPResponse:
        body = _json_body(data)
        etag = '"' + hashlib.sha256(content.version.encode() + body).hexdigest()[:32] + '"'
        headers = {"ETag": etag, "Cache-Control": f"public, max-age={max_age}"}
        if lang:
            headers["Content-Language"] = lang
        wanted = request.headers.get("if-none-match", "")
        tags = {tag.strip().removeprefix("W/") for tag in wanted.split(",")}
        if etag in tags or "*" in tags:
            return HTTPResponse(status=304, headers=headers)
        return raw(body, content_type="application/json; charset=utf-8", headers=headers)

    def language(request: Request) -> str:
        lang = request.args.get("lang", content.fallback_language)
        if lang not in content.languages:
            raise ApiError(
                400,
                "unknown_language",
                f"Language '{lang}' is not available; use one of {', '.join(content.languages)}.",
            )
        return lang

    def known(kind: str, ident: str, table: dict[str, Any]) -> str:
        if ident not in table:
            raise ApiError(404, "not_found", f"There is no {kind} with id '{ident}'.")
        return ident

    def int_arg(request: Request, name: str, default: int, low: int, high: int) -> int:
        value = request.args.get(name)
        if value is None:
            return default
        try:
            number = int(value)
        except ValueError:
            number = low - 1
        if not low <= number <= high:
            raise ApiError(400, "bad_parameter", f"'{name}' must be a whole number from {low} to {high}.")
        return number

    @app.exception(ApiError)
    async def api_error(request: Request, error: ApiError) -> HTTPResponse:
        return _error(error.status, error.code, error.message)

    @app.exception(NotFound)
    async def not_found(request: Request, error: Exception) -> HTTPResponse:
        return _error(404, "not_found", f"There is nothing at {request.path}; see /openapi.yaml.")

    @app.exception(MethodNotSupported)
    async def method_not_allowed(request: Request, error: Exception) -> HTTPResponse:
        return _error(405, "method_not_allowed", "The catalogue is read-only: use GET.")

    @app.exception(Exception)
    async def unexpected(request: Request, error: Exception) -> HTTPResponse:
        if isinstance(error, SanicException) and error.status_code < 500:
            return _error(error.status_code, "bad_request", str(error))
        log.exception("Unexpected error while serving %s", request.path)
        return _error(500, "internal_error", "The catalogue could not answer; please try again.")

    @app.get("/health")
    async def health(request: Request) -> HTTPResponse:
        return respond(request, {"status": "ok", "version": content.version})

    @app.get("/openapi.yaml")
    async def openapi(request: Request) -> HTTPResponse:
        return raw(openapi_text, content_type="application/yaml; charset=utf-8")

    @app.get("/life-events")
    async def life_events(request: Request) -> HTTPResponse:
        lang = language(request)
        items = [views.life_event_summary(event_id, lang) for event_id in content.life_events]
        return respond(request, {"items": items}, lang)

    @app.get("/life-events/<event_id:str>")
    async def life_event(request: Request, event_id: str) -> HTTPResponse:
        lang = language(request)
        known("life event", event_id, content.life_events)
        return respond(request, views.life_event(event_id, lang), lang)

    @app.get("/services")
    async def services(request: Request) -> HTTPResponse:
        lang = language(request)
        items = [views.service_summary(service_id, lang) for service_id in content.services]
        return respond(request, {"items": items}, lang)

    @app.get("/services/<service_id:str>")
    async def service(request: Request, service_id: str) -> HTTPResponse:
        lang = language(request)
        known("service", service_id, content.services)
        return respond(request, views.service(service_id, lang), lang)

    @app.get("/organisations")
    async def organisations(request: Request) -> HTTPResponse:
        lang = language(request)
        items = [views.organisation(org_id, lang) for org_id in content.organisations]
        return respond(request, {"items": items}, lang)

    @app.get("/organisations/<org_id:str>")
    async def organisation(request: Request, org_id: str) -> HTTPResponse:
        lang = language(request)
        known("organisation", org_id, content.organisations)
        return respond(request, views.organisation(org_id, lang), lang)

    @app.get("/localities")
    async def localities(request: Request) -> HTTPResponse:
        lang = language(request)
        items = [views.locality(locality_id, lang) for locality_id in content.localities]
        return respond(request, {"items": items}, lang)

    @app.get("/offices")
    async def offices(request: Request) -> HTTPResponse:
        lang = language(request)
        limit = int_arg(request, "limit", 5, 1, 100)
        organisation_id = request.args.get("organisation")
        if organisation_id is not None:
            known("organisation", organisation_id, content.organisations)
        near, locality_id = request.args.get("near"), request.args.get("locality")
        if (near is None) == (locality_id is None):
            raise ApiError(400, "bad_parameter", "Give either 'near' (lat,lon) or 'locality', not both.")
        if locality_id is not None:
            known("locality", locality_id, content.localities)
            point = content.localities[locality_id]["coordinates"]
            lat, lon = point["lat"], point["lon"]
        else:
            assert near is not None
            try:
                lat, lon = (float(part) for part in near.split(","))
            except ValueError:
                lat, lon = 999.0, 999.0
            if not (-90 <= lat <= 90 and -180 <= lon <= 180):
                raise ApiError(400, "bad_parameter", "'near' must be 'latitude,longitude', e.g. 47.02,28.83.")
        items = views.offices_near(lat, lon, lang, organisation_id, limit)
        return respond(request, {"items": items}, lang)

    @app.get("/documents/<document_id:str>")
    async def document(request: Request, document_id: str) -> HTTPResponse:
        lang = language(request)
        known("document", document_id, content.documents)
        return respond(request, views.document(document_id, lang), lang)

    @app.get("/relations")
    async def relations(request: Request) -> HTTPResponse:
        lang = language(request)
        return respond(request, {"items": views.relations(lang)}, lang)

    @app.get("/helpdesk")
    async def helpdesk(request: Request) -> HTTPResponse:
        lang = language(request)
        return respond(request, views.helpdesk(lang), lang)

    @app.get("/search")
    async def search(request: Request) -> HTTPResponse:
        lang = language(request)
        query = (request.args.get("q") or "").strip()
        if not query:
            raise ApiError(400, "bad_parameter", "Give a search text in 'q'.")
        if len(query) > MAX_QUERY_LENGTH:
            raise ApiError(400, "bad_parameter", f"'q' must be at most {MAX_QUERY_LENGTH} characters.")
        kinds = set(request.args.getlist("type") or [])
        if kinds - SEARCH_KINDS:
            raise ApiError(400, "bad_parameter", f"'type' must be among {', '.join(sorted(SEARCH_KINDS))}.")
        limit = int_arg(request, "limit", 10, 1, 50)
        items = []
        for kind, ident, score in index.search(query, lang, kinds or None, limit):
            if kind == "life_event":
                view = views.life_event_summary(ident, lang)
            elif kind == "service":
                view = views.service_summary(ident, lang)
            else:
                org = views.organisation_summary(ident, lang)
                view = {"id": ident, "title": org["name"], "description": org["short_name"]}
            items.append(
                {"type": kind, "id": ident, "title": view["title"], "description": view["description"], "score": score}
            )
        return respond(request, {"query": query, "items": items}, lang)

    @app.get("/export/cpsv-ap.jsonld")
    async def export(request: Request) -> HTTPResponse:
        base = settings.CATALOGUE_BASE_IRI or f"{request.scheme}://{request.host}"
        response = respond(request, jsonld.export(content, base))
        if response.status == 200:
            response.content_type = "application/ld+json; charset=utf-8"
        return response

    return app
