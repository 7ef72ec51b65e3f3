"""Supervisors read the audit; admins disable and enable accounts (accounts are made on the server)."""

from __future__ import annotations

from aiohttp import web

from console.context import console_of, see_other
from console.guard import signed_in
from console.store import Account

routes = web.RouteTableDef()


@routes.get("/audit")
@signed_in("supervisor")
async def audit_page(request: web.Request) -> web.Response:
    console = console_of(request)
    return console.page(request, "audit.html", rows=await console.db(console.store.audit_rows))


@routes.get("/admin/accounts")
@signed_in("admin")
async def accounts_page(request: web.Request) -> web.Response:
    console = console_of(request)
    return console.page(request, "accounts.html", people=await console.db(console.store.accounts))


@routes.post(r"/admin/accounts/{name}/{state:enable|disable}")
@signed_in("admin")
async def account_state(request: web.Request) -> web.Response:
    """An admin disables an account (its sessions end at once) or enables it again."""
    console = console_of(request)
    name, active = request.match_info["name"], request.match_info["state"] == "enable"
    account: Account = request["account"]
    if name == account.name and not active:
        people = await console.db(console.store.accounts)
        problem = "You cannot disable your own account."
        return console.page(request, "accounts.html", status=400, people=people, problem=problem)
    if await console.db(console.store.set_active, name, active):
        await console.db(console.store.audit, account.name, "enabled" if active else "disabled", None, name)
    return see_other("/admin/accounts")
