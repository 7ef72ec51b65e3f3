"""Notes and tags on a conversation: staff only, never shown to the citizen."""

from __future__ import annotations

import re
from typing import Any

from aiohttp import web

from console.context import console_of
from console.guard import conversation_action
from console.store import Account

routes = web.RouteTableDef()
NOT_IN_A_TAG = re.compile(r"[^\w-]+")


@routes.post(r"/c/{id:\d+}/note")
@conversation_action
async def note(request: web.Request, row: dict[str, Any], account: Account) -> str | None:
    console = console_of(request)
    text = str((await request.post()).get("text", "")).strip()[:4000]
    if not text:
        return "Write the note first."
    await console.db(console.store.add_note, row["id"], account.name, text)
    await console.db(console.store.audit, account.name, "noted", row["id"])
    return None


@routes.post(r"/c/{id:\d+}/tag")
@conversation_action
async def tag(request: web.Request, row: dict[str, Any], account: Account) -> str | None:
    console = console_of(request)
    value = NOT_IN_A_TAG.sub("-", str((await request.post()).get("tag", "")).strip().lower())[:40].strip("-")
    if not value:
        return "A tag is a word or two."
    if await console.db(console.store.tag, row["id"], value):
        await console.db(console.store.audit, account.name, "tagged", row["id"], value)
    return None


@routes.post(r"/c/{id:\d+}/untag")
@conversation_action
async def untag(request: web.Request, row: dict[str, Any], account: Account) -> str | None:
    console = console_of(request)
    value = str((await request.post()).get("tag", ""))
    if await console.db(console.store.untag, row["id"], value):
        await console.db(console.store.audit, account.name, "untagged", row["id"], value)
    return None
