"""Who may do what: the session cookie and CSRF check on every request, the security headers, and
the decorators that let a handler run only for a signed-in account of the right role."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import quote

from aiohttp import web
from sqlalchemy import exc

from console.auth import COOKIE, same_token
from console.context import console_of, see_other
from console.limits import retry_after
from console.store import Account

log = logging.getLogger(__name__)
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
ConversationHandler = Callable[[web.Request, dict[str, Any], Account], Awaitable[str | None]]
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


@web.middleware
async def session_layer(request: web.Request, handler: Handler) -> web.StreamResponse:
    """The signed session (a new one if there is none), its account, and the CSRF token of a POST."""
    if request.path.startswith("/static/") or request.path == "/health":
        return await handler(request)
    console = console_of(request)
    session = console.sessions.load(request.cookies.get(COOKIE))
    fresh = session is None
    request["session"] = session = session or console.sessions.new()
    request["account"] = None
    if "u" in session:
        account = await console.db(console.store.account, int(session["u"]))
        if account is not None and account.active and account.session_epoch == session.get("e"):
            request["account"] = account
    if request.method == "POST":
        form = await request.post()
        given = form.get("csrf") or request.headers.get("X-CSRF-Token")
        if not same_token(str(given) if given else None, session["c"]):
            log.warning("a form without its CSRF token was refused")
            return web.Response(status=403, text="The form has expired or did not come from this console.")
    response = await handler(request)
    if (fresh or request.get("session_changed")) and not response.prepared:
        response.set_cookie(
            COOKIE,
            console.sessions.dump(request["session"]),
            httponly=True,
            samesite="Strict",
            secure=console.settings.secure_cookie,
            path="/",
        )
    return response


STORE_AWAY = "The helpdesk's database cannot be reached right now: please try again in a moment."
STORE_AWAY_ERRORS = (exc.OperationalError, exc.InterfaceError)  # connection lost or refused, not a bad query


@web.middleware
async def store_away_layer(request: web.Request, handler: Handler) -> web.StreamResponse:
    """While the store's database is away (PostgreSQL restarting), a 503 with Retry-After and a
    polite page (JSON for the API and the widget's push endpoint) instead of a 500; the next
    request after it is back works (the engine's pool checks its connections first)."""
    try:
        return await handler(request)
    except STORE_AWAY_ERRORS as error:
        if request.writer.output_size:  # a live stream under way ends; its browser reconnects and reads the 503
            raise
        where = request.path.split("/")[1]  # never the rest: a widget's id is its secret
        log.warning("the store's database is away (%s): %s /%s refused", type(error).__name__, request.method, where)
        headers = {"Retry-After": "5"}
        if "session" not in request or request.path.startswith(("/api/", "/push/")):
            return web.json_response({"error": STORE_AWAY}, status=503, headers=headers)
        response = console_of(request).page(request, "refused.html", status=503, problem=STORE_AWAY)
        response.headers.update(headers)
        return response


@web.middleware
async def headers_layer(request: web.Request, handler: Handler) -> web.StreamResponse:
    response = await handler(request)
    if not response.prepared:
        response.headers.update(SECURITY_HEADERS)
        if not request.path.startswith("/static/"):
            response.headers["Cache-Control"] = "no-store"
    return response


def signed_in(role: str = "agent", api: bool = False) -> Callable[[Handler], Handler]:
    """Only for a signed-in account with at least `role`; others are sent to sign in (a page) or
    get a 401 (the API, any POST), and a lesser role the "refused" page."""

    def wrap(handler: Handler) -> Handler:
        async def guarded(request: web.Request) -> web.StreamResponse:
            account: Account | None = request["account"]
            if account is None:
                if api or request.method != "GET":
                    return web.json_response({"error": "sign in first"}, status=401)
                return see_other("/login")
            if not account.may(role):
                log.warning("%s refused: needs the %s role", request.path.split("/")[1], role)
                return console_of(request).page(request, "refused.html", status=403, role=role)
            return await handler(request)

        return guarded

    return wrap


async def conversation_or_404(request: web.Request) -> dict[str, Any]:
    """The conversation the path names (`/c/<id>`)."""
    console = console_of(request)
    row: dict[str, Any] | None = await console.db(console.store.conversation, int(request.match_info["id"]))
    if row is None:
        raise web.HTTPNotFound()
    return row


def conversation_action(handler: ConversationHandler) -> Handler:
    """A staff action on one conversation: the live pages are told, and the staff member goes back
    to its page, with what went wrong if anything."""

    @signed_in()
    async def act(request: web.Request) -> web.StreamResponse:
        row = await conversation_or_404(request)
        problem = await handler(request, row, request["account"])
        console_of(request).changes.notify()
        target = f"/c/{row['id']}"
        return see_other(target + (f"?problem={quote(problem)}" if problem else ""))

    return act


def not_too_fast(handler: Handler) -> Handler:
    """At most CONSOLE_RATE_REPLY a minute by one staff member; beyond, a page saying how long to wait."""

    async def checked(request: web.Request) -> web.StreamResponse:
        account: Account | None = request["account"]
        console = console_of(request)
        wait = console.limits.reply.wait(account.name) if account else 0.0
        if not wait:
            return await handler(request)
        log.warning("%s refused for a while: sent too fast", request.path.rsplit("/", 1)[-1])
        back = request.path.rsplit("/", 1)[0]
        response = console.page(request, "slow_down.html", status=429, wait=retry_after(wait), back=back)
        response.headers["Retry-After"] = str(retry_after(wait))
        return response

    return checked


def anyone(account: Account) -> bool:
    """Whether the account may change a conversation someone else holds (a supervisor)."""
    return account.may("supervisor")
