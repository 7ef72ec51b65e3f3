"""Signing in and out: a wrong password waits, and the account is slowed down after a few in a row."""

from __future__ import annotations

import asyncio
import logging
import secrets
import time

from aiohttp import web

from console.auth import lock_after, verify
from console.context import console_of, see_other
from console.guard import signed_in
from console.limits import retry_after
from console.store import Account

log = logging.getLogger(__name__)
routes = web.RouteTableDef()
WRONG_PASSWORD_DELAY = 0.5  # seconds every wrong password waits, on top of the account's lock


@routes.get("/login")
async def login_page(request: web.Request) -> web.Response:
    return console_of(request).page(request, "login.html")


@routes.post("/login")
async def login(request: web.Request) -> web.Response:
    console = console_of(request)
    client, failures = console.limits.client(request), console.limits.sign_in_failures
    if wait := failures.waiting(client):
        log.warning("sign-ins refused for a while: too many wrong ones from one address")
        return slow_down(request, f"Too many wrong sign-ins from here: wait {retry_after(wait)} s.", wait)
    form = await request.post()
    name, password = str(form.get("name", ""))[:64], str(form.get("password", ""))[:1024]
    row = await console.db(console.store.login_row, name)
    now = time.time()
    if row is not None and row["locked_until"] > now:
        wait = row["locked_until"] - now
        return slow_down(request, f"Too many wrong passwords: wait {retry_after(wait)} s.", wait)
    valid = await asyncio.to_thread(verify, row["password_hash"] if row else None, password)
    if not valid or row is None or not row["active"]:
        if row is not None and not valid:
            await console.db(console.store.record_failure, name, now + lock_after(row["failures"] + 1))
        failures.wait(client)  # counted
        log.info("a sign-in failed")
        await asyncio.sleep(WRONG_PASSWORD_DELAY)
        return console.page(request, "login.html", status=401, error="Wrong name or password.")
    await console.db(console.store.record_success, name)
    request["session"] = {"c": secrets.token_urlsafe(24), "u": row["id"], "e": row["session_epoch"]}
    request["session_changed"] = True
    await console.db(console.store.audit, name, "signed_in")
    return see_other("/")


def slow_down(request: web.Request, error: str, wait: float) -> web.Response:
    response = console_of(request).page(request, "login.html", status=429, error=error)
    response.headers["Retry-After"] = str(retry_after(wait))
    return response


@routes.post("/logout")
@signed_in()
async def logout(request: web.Request) -> web.Response:
    console = console_of(request)
    account: Account = request["account"]
    await console.db(console.store.end_sessions, account.id)
    await console.db(console.store.audit, account.name, "signed_out")
    request["session"] = console.sessions.new()
    request["session_changed"] = True
    return see_other("/login")
