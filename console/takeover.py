"""A person takes over: claim, release, transfer, reply, send the assistant's guide, hand back,
close. Each is one conditional change in the store, Rasa told with its own events, one audit row."""

from __future__ import annotations

import asyncio
from typing import Any

from aiohttp import web

from catalogue_client import CatalogueError
from console import assist, phrases
from console.context import console_of
from console.guard import anyone, conversation_action, not_too_fast
from console.rasa import RasaError
from console.store import OUTCOMES, Account

routes = web.RouteTableDef()
LONGEST_REPLY = 4000


@routes.post(r"/c/{id:\d+}/claim")
@conversation_action
async def claim(request: web.Request, row: dict[str, Any], account: Account) -> str | None:
    console = console_of(request)
    if not await console.db(console.store.claim, row["id"], account.name):
        current = await console.db(console.store.conversation, row["id"])
        return f"Already taken by {current['holder']}." if current and current["holder"] else "Not waiting any more."
    try:
        await console.rasa.pause(row["sender_id"])
    except RasaError as error:
        await console.db(console.store.release, row["id"], account.name)
        return f"The assistant could not be paused ({error}); the conversation is back in the queue."
    await console.db(console.store.audit, account.name, "claimed", row["id"])
    return None


@routes.post(r"/c/{id:\d+}/release")
@conversation_action
async def release(request: web.Request, row: dict[str, Any], account: Account) -> str | None:
    console = console_of(request)
    if not await console.db(console.store.release, row["id"], account.name, anyone(account)):
        return "You do not hold this conversation."
    try:
        await console.rasa.append(row["sender_id"], [{"event": "resume"}])
    except RasaError as error:
        return f"Released, but the assistant could not be resumed ({error})."
    await console.db(console.store.audit, account.name, "released", row["id"])
    return None


@routes.post(r"/c/{id:\d+}/transfer")
@conversation_action
async def transfer(request: web.Request, row: dict[str, Any], account: Account) -> str | None:
    console = console_of(request)
    to = str((await request.post()).get("to", ""))
    target = await console.db(console.store.login_row, to)
    if target is None or not target["active"]:
        return "No such colleague."
    if not await console.db(console.store.transfer, row["id"], account.name, to, anyone(account)):
        return "You do not hold this conversation."
    await console.db(console.store.audit, account.name, "transferred", row["id"], f"to {to}")
    return None


async def send_staff(request: web.Request, row: dict[str, Any], account: Account, texts: list[str]) -> str | None:
    """The staff member's messages: recorded in Rasa's tracker, then queued for the citizen's channel."""
    console = console_of(request)
    current = await console.db(console.store.conversation, row["id"])
    if current is None or current["status"] != "held" or current["holder"] != account.name:
        return "Claim the conversation before replying."
    author = f"{account.display_name}, {phrases.say('helpdesk', current['language'])}"
    for text in texts:
        try:
            await console.rasa.staff_message(row["sender_id"], text, account.name, author)
        except RasaError as error:
            return f"Not sent: the assistant cannot be reached ({error})."
        await console.db(console.store.queue_message, current, author, text)
    return None


@routes.post(r"/c/{id:\d+}/reply")
@not_too_fast
@conversation_action
async def reply(request: web.Request, row: dict[str, Any], account: Account) -> str | None:
    text = str((await request.post()).get("text", "")).strip()
    if not text:
        return "Write a message first."
    if len(text) > LONGEST_REPLY:
        return f"That message is too long ({LONGEST_REPLY} characters at most)."
    problem = await send_staff(request, row, account, [text])
    if problem is None:
        console = console_of(request)
        await console.db(console.store.audit, account.name, "replied", row["id"])
    return problem


@routes.post(r"/c/{id:\d+}/guide")
@not_too_fast
@conversation_action
async def send_guide(request: web.Request, row: dict[str, Any], account: Account) -> str | None:
    """The assistant's guide built in assist mode, sent to the citizen as the staff member's messages."""
    console = console_of(request)
    form = await request.post()
    lang = str(form.get("lang", ""))
    if lang not in assist.LANGUAGES:
        return "Choose the guide's language."
    try:
        built = await asyncio.to_thread(
            assist.step, console.catalogue, str(form.get("event", "")), lang, assist.answers_from(form)
        )
    except CatalogueError as error:
        return f"No guide: the catalogue could not answer ({type(error).__name__})."
    if not built.guide:
        return "The guide needs more answers first."
    problem = await send_staff(request, row, account, built.guide)
    if problem is None:
        await console.db(console.store.audit, account.name, "sent_guide", row["id"], built.event_id)
    return problem


async def finish(
    request: web.Request, row: dict[str, Any], account: Account, outcome: str, notice_key: str
) -> str | None:
    """The conversation closes, the assistant resumes, and the citizen is told in their language."""
    console = console_of(request)
    if not await console.db(console.store.close, row["id"], account.name, outcome, anyone(account)):
        return "You do not hold this conversation."
    notice = phrases.say(notice_key, row["language"])
    try:
        await console.rasa.resume(row["sender_id"], notice, account.name)
    except RasaError as error:
        return f"Closed, but the assistant could not be resumed ({error})."
    await console.db(console.store.queue_message, row, "", notice)
    await console.db(console.store.audit, account.name, notice_key, row["id"], outcome)
    return None


@routes.post(r"/c/{id:\d+}/handback")
@conversation_action
async def hand_back(request: web.Request, row: dict[str, Any], account: Account) -> str | None:
    return await finish(request, row, account, "handed_back", "handed_back")


@routes.post(r"/c/{id:\d+}/close")
@conversation_action
async def close(request: web.Request, row: dict[str, Any], account: Account) -> str | None:
    outcome = str((await request.post()).get("outcome", ""))
    if outcome not in OUTCOMES:
        return "Choose an outcome."
    return await finish(request, row, account, outcome, "closed")
