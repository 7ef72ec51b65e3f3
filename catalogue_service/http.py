"""What every answer of the catalogue service shares: JSON bodies with ETags, errors, parameters."""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from typing import Any

from sanic import Request, Sanic
from sanic.exceptions import MethodNotSupported, NotFound, SanicException
from sanic.response import HTTPResponse, raw

from catalogue_service.content import Content
from catalogue_service.search import SearchIndex
from catalogue_service.views import Views

log = logging.getLogger("catalogue_service")
JSON = "application/json; charset=utf-8"


class ApiError(Exception):
    """An answer the caller caused: a status, a code and a sentence, sent as JSON."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def json_body(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def error(status: int, code: str, message: str) -> HTTPResponse:
    body = json_body({"error": {"code": code, "message": message}})
    return raw(body, status=status, content_type=JSON, headers={"Cache-Control": "no-store"})


@dataclass
class Served:
    """The catalogue as the service answers from it (on `app.ctx.served`)."""

    content: Content
    views: Views
    index: SearchIndex
    max_age: int  # seconds a client may keep an answer
    openapi: bytes

    def respond(self, request: Request, data: Any, lang: str | None = None) -> HTTPResponse:
        """`data` as JSON with an ETag; a 304 when the client already holds it."""
        return self.respond_body(request, json_body(data), JSON, lang)

    def respond_body(self, request: Request, body: bytes, content_type: str, lang: str | None = None) -> HTTPResponse:
        """A body already written (JSON, Turtle) with an ETag; a 304 when the client already holds it."""
        etag = '"' + hashlib.sha256(self.content.version.encode() + body).hexdigest()[:32] + '"'
        headers = {"ETag": etag, "Cache-Control": f"public, max-age={self.max_age}"}
        if lang:
            headers["Content-Language"] = lang
        wanted = request.headers.get("if-none-match", "")
        tags = {tag.strip().removeprefix("W/") for tag in wanted.split(",")}
        if etag in tags or "*" in tags:
            return HTTPResponse(status=304, headers=headers)
        return raw(body, content_type=content_type, headers=headers)

    def language(self, request: Request) -> str:
        """The `lang` asked for, else the catalogue's fallback; a 400 for one it does not have."""
        lang = request.args.get("lang", self.content.fallback_language)
        if lang not in self.content.languages:
            available = ", ".join(self.content.languages)
            raise ApiError(400, "unknown_language", f"Language '{lang}' is not available; use one of {available}.")
        return str(lang)

    @staticmethod
    def known(kind: str, ident: str, table: dict[str, Any]) -> str:
        if ident not in table:
            raise ApiError(404, "not_found", f"There is no {kind} with id '{ident}'.")
        return ident


def served(request: Request) -> Served:
    return request.app.ctx.served  # type: ignore[no-any-return]


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


async def _api_error(request: Request, failure: ApiError) -> HTTPResponse:
    return error(failure.status, failure.code, failure.message)


async def _not_found(request: Request, failure: Exception) -> HTTPResponse:
    return error(404, "not_found", f"There is nothing at {request.path}; see /openapi.yaml.")


async def _method_not_allowed(request: Request, failure: Exception) -> HTTPResponse:
    return error(405, "method_not_allowed", "The catalogue is read-only: use GET.")


async def _unexpected(request: Request, failure: Exception) -> HTTPResponse:
    if isinstance(failure, SanicException) and failure.status_code < 500:
        return error(failure.status_code, "bad_request", str(failure))
    log.exception("Unexpected error while serving %s", request.path)
    return error(500, "internal_error", "The catalogue could not answer; please try again.")


def handle_errors(app: Sanic) -> None:
    """Every error as JSON: {"error": {"code": ..., "message": ...}}."""
    app.exception(ApiError)(_api_error)
    app.exception(NotFound)(_not_found)
    app.exception(MethodNotSupported)(_method_not_allowed)
    app.exception(Exception)(_unexpected)
