"""The staff's pages and the citizens' push endpoint (aiohttp, Jinja2, a little plain JavaScript).

Every staff action is one small POST endpoint (CSRF token checked) that makes one conditional
change in the store, tells Rasa, and writes one audit row. Live parts (the inbox, a conversation's
transcript, the widget's staff messages) are server-sent events that say "something changed",
with short polling as the fallback; a change made by another console process is seen within a
second because each stream also looks at the store's change mark once a second.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import re
import secrets
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import jinja2
from aiohttp import web

from catalogue_client import Catalogue, CatalogueError, NotFound
from console import assist, phrases
from console.auth import COOKIE, Sessions, lock_after, same_token, verify
from console.config import Settings
from console.rasa import Rasa, RasaError
from console.store import OUTCOMES, Account, Store
from console.transcript import REASONS, answers_in_words, knowledge, messages

log = logging.getLogger(__name__)
HERE = Path(__file__).resolve().parent
WEB_ID = re.compile(r"^web-[0-9a-f]{32}$")
TABS = {"waiting": "Waiting", "mine": "Mine", "open": "All open", "closed": "Closed"}
WRONG_PASSWORD_DELAY = 0.5  # seconds every wrong password waits, on top of the account's lock
CLOCK_SLACK = 2.0  # seconds: changes this much before the last one seen are sent again, not lost
STREAM_LIFETIME = 600.0  # seconds an event stream stays open; the browser reconnects by itself
BRIDGE_WAIT = 25.0  # seconds the Telegram bridge's long poll may wait at most
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
TAG = re.compile(r"[^\w-]+")
SEARCH_FIELDS = ("text", "life_event", "language", "channel", "tag", "person", "from", "to")
SEARCH_TRANSCRIPTS = 100  # recent conversations whose transcripts a text search reads through Rasa's API


def day(value: str, end: bool = False) -> float | None:
    """A YYYY-MM-DD date as the epoch of its start (or of the next day's start), in local time."""
    try:
        start = time.mktime(time.strptime(value, "%Y-%m-%d"))
    except ValueError:
        return None
    return start + 86400 if end else start


class Changes:
    """An in-process signal that something changed: waiters wake at once (Redis would carry it
    between processes in the scaled profile; meanwhile each stream also polls the store)."""

    def __init__(self) -> None:
        self.version = 0
        self.condition: asyncio.Condition | None = None

    def _condition(self) -> asyncio.Condition:
        if self.condition is None:
            self.condition = asyncio.Condition()
        return self.condition

    def notify(self) -> None:
        self.version += 1
        condition = self._condition()

        async def wake() -> None:
            async with condition:
                condition.notify_all()

        asyncio.get_running_loop().create_task(wake())

    async def wait(self, seen: int, timeout: float) -> int:
        condition = self._condition()
        if self.version == seen:
            try:
                async with condition:
                    await asyncio.wait_for(condition.wait_for(lambda: self.version != seen), timeout)
            except asyncio.TimeoutError:
                pass
        return self.version


class Console:
    """The console's state shared by its handlers."""

    def __init__(self, settings: Settings, store: Store, rasa: Rasa, stopping: asyncio.Event) -> None:
        self.settings = settings
        self.store = store
        self.rasa = rasa
        self.stopping = stopping
        self.catalogue = (
            Catalogue()
        )  # the catalogue's words for life events, questions and answers (staff read English)
        self.sessions = Sessions(settings.secret, settings.session_hours)
        self.changes = Changes()
        self.templates = jinja2.Environment(
            loader=jinja2.FileSystemLoader(HERE / "templates"), autoescape=True, trim_blocks=True, lstrip_blocks=True
        )
        self.templates.filters["ago"] = ago
        self.templates.filters["clock"] = lambda at: time.strftime("%H:%M", time.localtime(float(at or 0)))

    async def db(self, function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """A store call off the event loop (PostgreSQL is a network away)."""
        return await asyncio.to_thread(function, *args, **kwargs)

    def page(self, request: web.Request, template: str, status: int = 200, **values: Any) -> web.Response:
        session = request["session"]
        html = self.templates.get_template(template).render(
            account=request.get("account"), csrf=session["c"], tabs=TABS, outcomes=OUTCOMES, **values
        )
        return web.Response(text=html, content_type="text/html", status=status)


def ago(at: float | None) -> str:
    if not at:
        return ""
    seconds = max(0, int(time.time() - float(at)))
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 3600:
        return f"{seconds // 60} min"
    return f"{seconds // 3600} h {seconds % 3600 // 60} min"


def see_other(location: str) -> web.Response:
    return web.Response(status=303, headers={"Location": location})


def public_row(row: dict[str, Any]) -> dict[str, Any]:
    """A conversation as the inbox shows it: never the sender id (the widget's is a secret)."""
    return {
        "id": row["id"],
        "channel": row["channel"],
        "language": row["language"],
        "life_event": row["life_event"] or "",
        "reason": REASONS.get(row["reason"], row["reason"]),
        "status": row["status"],
        "holder": row["holder"] or "",
        "requested_at": row["requested_at"],
        "waiting": ago(row["requested_at"]),
        "outcome": row["outcome"] or "",
    }


# --- staff application -------------------------------------------------------------------


def staff_app(console: Console) -> web.Application:
    @web.middleware
    async def session_layer(request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.path.startswith("/static/") or request.path == "/health":
            return await handler(request)
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

    @web.middleware
    async def headers_layer(request: web.Request, handler: Handler) -> web.StreamResponse:
        response = await handler(request)
        if not response.prepared:
            response.headers["Content-Security-Policy"] = (
                "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
            )
            response.headers["X-Content-Type-Options"] = "nosniff"
            response.headers["Referrer-Policy"] = "same-origin"
            response.headers["X-Frame-Options"] = "DENY"
            if not request.path.startswith("/static/"):
                response.headers["Cache-Control"] = "no-store"
        return response

    def signed_in(role: str = "agent", api: bool = False) -> Callable[[Handler], Handler]:
        def wrap(handler: Handler) -> Handler:
            async def guarded(request: web.Request) -> web.StreamResponse:
                account: Account | None = request["account"]
                if account is None:
                    if api or request.method != "GET":
                        return web.json_response({"error": "sign in first"}, status=401)
                    return see_other("/login")
                if not account.may(role):
                    log.warning("%s refused: needs the %s role", request.path.split("/")[1], role)
                    return console.page(request, "refused.html", status=403, role=role)
                return await handler(request)

            return guarded

        return wrap

    async def health(_: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})

    async def login_page(request: web.Request) -> web.Response:
        return console.page(request, "login.html")

    async def login(request: web.Request) -> web.Response:
        form = await request.post()
        name, password = str(form.get("name", ""))[:64], str(form.get("password", ""))[:1024]
        row = await console.db(console.store.login_row, name)
        now = time.time()
        if row is not None and row["locked_until"] > now:
            wait = int(row["locked_until"] - now) + 1
            return console.page(request, "login.html", status=429, error=f"Too many wrong passwords: wait {wait} s.")
        valid = await asyncio.to_thread(verify, row["password_hash"] if row else None, password)
        if not valid or row is None or not row["active"]:
            if row is not None and not valid:
                await console.db(console.store.record_failure, name, now + lock_after(row["failures"] + 1))
            log.info("a sign-in failed")
            await asyncio.sleep(WRONG_PASSWORD_DELAY)
            return console.page(request, "login.html", status=401, error="Wrong name or password.")
        await console.db(console.store.record_success, name)
        request["session"] = {"c": secrets.token_urlsafe(24), "u": row["id"], "e": row["session_epoch"]}
        request["session_changed"] = True
        await console.db(console.store.audit, name, "signed_in")
        return see_other("/")

    @signed_in()
    async def logout(request: web.Request) -> web.Response:
        account: Account = request["account"]
        await console.db(console.store.end_sessions, account.id)
        await console.db(console.store.audit, account.name, "signed_out")
        request["session"] = console.sessions.new()
        request["session_changed"] = True
        return see_other("/login")

    @signed_in()
    async def inbox(request: web.Request) -> web.Response:
        tab = request.query.get("tab", "waiting")
        tab = tab if tab in TABS else "waiting"
        rows = await console.db(console.store.inbox, tab, request["account"].name)
        waiting = await console.db(console.store.waiting_count)
        return console.page(request, "inbox.html", tab=tab, rows=[public_row(r) for r in rows], waiting=waiting)

    @signed_in(api=True)
    async def inbox_json(request: web.Request) -> web.Response:
        tab = request.query.get("tab", "waiting")
        tab = tab if tab in TABS else "waiting"
        rows = await console.db(console.store.inbox, tab, request["account"].name)
        waiting = await console.db(console.store.waiting_count)
        return web.json_response({"waiting": waiting, "rows": [public_row(r) for r in rows]})

    @signed_in(api=True)
    async def stream(request: web.Request) -> web.StreamResponse:
        """`change` whenever a conversation changes (here or, within a second, in another console), with
        the ids of those that changed, so a conversation's page refreshes only for its own."""
        response = web.StreamResponse(headers={"Content-Type": "text/event-stream", "Cache-Control": "no-store"})
        await response.prepare(request)
        mark = await console.db(console.store.changed)
        seen = console.changes.version
        ends = time.monotonic() + STREAM_LIFETIME
        await response.write(b"retry: 1000\n\n")
        with contextlib.suppress(ConnectionResetError):  # the page went away
            while not console.stopping.is_set() and time.monotonic() < ends:
                seen = await console.changes.wait(seen, 1.0)
                now_mark = await console.db(console.store.changed)
                if now_mark != mark:
                    # a little before the last mark: another process's clock, a late commit
                    ids = await console.db(console.store.changed_since, mark[0] - CLOCK_SLACK)
                    mark = now_mark
                    await response.write(f"event: change\ndata: {json.dumps({'ids': ids})}\n\n".encode())
                else:
                    await response.write(b": still here\n\n")
        return response

    async def load(request: web.Request) -> dict[str, Any] | None:
        try:
            conversation_id = int(request.match_info["id"])
        except ValueError:
            return None
        row: dict[str, Any] | None = await console.db(console.store.conversation, conversation_id)
        return row

    @signed_in()
    async def conversation_page(request: web.Request) -> web.Response:
        row = await load(request)
        if row is None:
            raise web.HTTPNotFound()
        account: Account = request["account"]
        await console.db(console.store.audit, account.name, "read", row["id"])
        try:
            tracker = await console.rasa.tracker(row["sender_id"])
            said, known, problem = messages(tracker.get("events") or []), knowledge(tracker), None
        except RasaError as error:
            said, known, problem = [], {}, f"The assistant cannot be reached ({error}): the transcript is not shown."
        event_title, answered = None, []
        if known.get("life_event"):
            try:
                event = await asyncio.to_thread(console.catalogue.life_event, str(known["life_event"]), lang="en")
                event_title, answered = event.title, answers_in_words(event, known.get("answers") or {})
            except CatalogueError:
                answered = [(question, str(answer)) for question, answer in (known.get("answers") or {}).items()]
        search = request.query.get("q", "").strip()[:200]
        found: list[tuple[str, list[str]]] = []
        if search:
            try:
                found = await asyncio.to_thread(assist.facts, console.catalogue, search, row["language"])
            except CatalogueError as error:
                problem = f"The catalogue could not answer ({type(error).__name__})."
        colleagues = [a for a in await console.db(console.store.accounts) if a.active and a.name != account.name]
        history = await console.db(console.store.audit_rows, row["id"]) if account.may("supervisor") else []
        staff_notes = await console.db(console.store.notes, row["id"])
        assist_query = {"lang": known.get("language") or row["language"], "conversation": row["id"]}
        if known.get("life_event"):
            assist_query["event"] = known["life_event"]
            for question, answer in (known.get("answers") or {}).items():
                assist_query[assist.ANSWER_PREFIX + str(question)] = answer
        conversation_tags = await console.db(console.store.tags, row["id"])
        return console.page(
            request,
            "conversation.html",
            c=public_row(row),
            said=said,
            known=known,
            event_title=event_title,
            answered=answered,
            problems=[text for text in (request.query.get("problem"), problem) if text],
            colleagues=colleagues,
            history=history,
            notes=staff_notes,
            assist_url="/assist?" + urlencode(assist_query),
            search=search,
            found=found,
            tags=conversation_tags,
            mine=row["status"] == "held" and row["holder"] == account.name,
        )

    @signed_in(api=True)
    async def conversation_json(request: web.Request) -> web.Response:
        row = await load(request)
        if row is None:
            raise web.HTTPNotFound()
        try:
            said = messages((await console.rasa.tracker(row["sender_id"])).get("events") or [])
        except RasaError:
            said = []
        return web.json_response({"conversation": public_row(row), "messages": said})

    def action(handler: Callable[[web.Request, dict[str, Any], Account], Awaitable[str | None]]) -> Handler:
        """A staff action on one conversation: back to its page, with what went wrong if anything."""

        @signed_in()
        async def act(request: web.Request) -> web.StreamResponse:
            row = await load(request)
            if row is None:
                raise web.HTTPNotFound()
            problem = await handler(request, row, request["account"])
            console.changes.notify()
            target = f"/c/{row['id']}"
            if problem:
                from urllib.parse import quote

                target += f"?problem={quote(problem)}"
            return see_other(target)

        return act

    def anyone(account: Account) -> bool:
        return account.may("supervisor")

    async def claim(request: web.Request, row: dict[str, Any], account: Account) -> str | None:
        if not await console.db(console.store.claim, row["id"], account.name):
            current = await console.db(console.store.conversation, row["id"])
            return (
                f"Already taken by {current['holder']}." if current and current["holder"] else "Not waiting any more."
            )
        try:
            await console.rasa.pause(row["sender_id"])
        except RasaError as error:
            await console.db(console.store.release, row["id"], account.name)
            return f"The assistant could not be paused ({error}); the conversation is back in the queue."
        await console.db(console.store.audit, account.name, "claimed", row["id"])
        return None

    async def release(request: web.Request, row: dict[str, Any], account: Account) -> str | None:
        if not await console.db(console.store.release, row["id"], account.name, anyone(account)):
            return "You do not hold this conversation."
        try:
            await console.rasa.append(row["sender_id"], [{"event": "resume"}])
        except RasaError as error:
            return f"Released, but the assistant could not be resumed ({error})."
        await console.db(console.store.audit, account.name, "released", row["id"])
        return None

    async def transfer(request: web.Request, row: dict[str, Any], account: Account) -> str | None:
        to = str((await request.post()).get("to", ""))
        target = await console.db(console.store.login_row, to)
        if target is None or not target["active"]:
            return "No such colleague."
        if not await console.db(console.store.transfer, row["id"], account.name, to, anyone(account)):
            return "You do not hold this conversation."
        await console.db(console.store.audit, account.name, "transferred", row["id"], f"to {to}")
        return None

    async def send_staff(row: dict[str, Any], account: Account, texts: list[str]) -> str | None:
        """The staff member's messages: recorded in Rasa's tracker, then queued for the citizen's channel."""
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

    async def reply(request: web.Request, row: dict[str, Any], account: Account) -> str | None:
        text = str((await request.post()).get("text", "")).strip()
        if not text:
            return "Write a message first."
        if len(text) > 4000:
            return "That message is too long (4000 characters at most)."
        problem = await send_staff(row, account, [text])
        if problem is None:
            await console.db(console.store.audit, account.name, "replied", row["id"])
        return problem

    async def send_guide(request: web.Request, row: dict[str, Any], account: Account) -> str | None:
        """The assistant's guide built in assist mode, sent to the citizen as the staff member's messages."""
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
        problem = await send_staff(row, account, built.guide)
        if problem is None:
            await console.db(console.store.audit, account.name, "sent_guide", row["id"], built.event_id)
        return problem

    @signed_in()
    async def assist_page(request: web.Request) -> web.Response:
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

    async def finish(row: dict[str, Any], account: Account, outcome: str, notice_key: str) -> str | None:
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

    async def hand_back(request: web.Request, row: dict[str, Any], account: Account) -> str | None:
        return await finish(row, account, "handed_back", "handed_back")

    async def close(request: web.Request, row: dict[str, Any], account: Account) -> str | None:
        outcome = str((await request.post()).get("outcome", ""))
        if outcome not in OUTCOMES:
            return "Choose an outcome."
        return await finish(row, account, outcome, "closed")

    async def note(request: web.Request, row: dict[str, Any], account: Account) -> str | None:
        text = str((await request.post()).get("text", "")).strip()[:4000]
        if not text:
            return "Write the note first."
        await console.db(console.store.add_note, row["id"], account.name, text)
        await console.db(console.store.audit, account.name, "noted", row["id"])
        return None

    async def tag(request: web.Request, row: dict[str, Any], account: Account) -> str | None:
        value = TAG.sub("-", str((await request.post()).get("tag", "")).strip().lower())[:40].strip("-")
        if not value:
            return "A tag is a word or two."
        if await console.db(console.store.tag, row["id"], value):
            await console.db(console.store.audit, account.name, "tagged", row["id"], value)
        return None

    async def untag(request: web.Request, row: dict[str, Any], account: Account) -> str | None:
        value = str((await request.post()).get("tag", ""))
        if await console.db(console.store.untag, row["id"], value):
            await console.db(console.store.audit, account.name, "untagged", row["id"], value)
        return None

    @signed_in()
    async def search_page(request: web.Request) -> web.Response:
        """Conversations by text (the staff's notes and messages, and what was said in the most
        recent matching conversations' transcripts), life event, language, channel, tag, person, dates."""
        query = {key: request.query.get(key, "").strip()[:200] for key in SEARCH_FIELDS}
        rows: list[dict[str, Any]] = []
        searched = any(query.values())
        if searched:
            criteria = {key: query[key] for key in ("life_event", "language", "channel", "tag", "person")}
            since, until = day(query["from"]), day(query["to"], end=True)
            text = query["text"]
            rows = await console.db(console.store.search, text, since=since, until=until, **criteria)
            if text:  # what citizens and the assistant said lives in Rasa's tracker
                found = {row["id"] for row in rows}
                candidates = await console.db(console.store.search, "", since=since, until=until, **criteria)
                for candidate in candidates[:SEARCH_TRANSCRIPTS]:
                    if candidate["id"] not in found and await said_in(candidate["sender_id"], text):
                        rows.append(candidate)
                rows.sort(key=lambda r: r["requested_at"], reverse=True)
        return console.page(request, "search.html", query=query, rows=[public_row(r) for r in rows], searched=searched)

    async def said_in(sender_id: str, text: str) -> bool:
        try:
            said = messages((await console.rasa.tracker(sender_id)).get("events") or [])
        except RasaError:
            return False
        wanted = text.casefold()
        return any(wanted in str(m["text"]).casefold() for m in said)

    @signed_in("supervisor")
    async def audit_page(request: web.Request) -> web.Response:
        return console.page(request, "audit.html", rows=await console.db(console.store.audit_rows))

    @signed_in("admin")
    async def accounts_page(request: web.Request) -> web.Response:
        return console.page(request, "accounts.html", people=await console.db(console.store.accounts))

    @signed_in("admin")
    async def account_state(request: web.Request) -> web.Response:
        """An admin disables an account (its sessions end at once) or enables it again."""
        name, active = request.match_info["name"], request.match_info["state"] == "enable"
        account: Account = request["account"]
        if name == account.name and not active:
            people = await console.db(console.store.accounts)
            problem = "You cannot disable your own account."
            return console.page(request, "accounts.html", status=400, people=people, problem=problem)
        if await console.db(console.store.set_active, name, active):
            await console.db(console.store.audit, account.name, "enabled" if active else "disabled", None, name)
        return see_other("/admin/accounts")

    app = web.Application(middlewares=[headers_layer, session_layer], client_max_size=64 * 1024)
    app.add_routes(
        [
            web.get("/health", health),
            web.get("/login", login_page),
            web.post("/login", login),
            web.post("/logout", logout),
            web.get("/", inbox),
            web.get("/api/inbox", inbox_json),
            web.get("/api/stream", stream),
            web.get(r"/c/{id:\d+}", conversation_page),
            web.get(r"/api/c/{id:\d+}", conversation_json),
            web.post(r"/c/{id:\d+}/claim", action(claim)),
            web.post(r"/c/{id:\d+}/release", action(release)),
            web.post(r"/c/{id:\d+}/transfer", action(transfer)),
            web.post(r"/c/{id:\d+}/reply", action(reply)),
            web.post(r"/c/{id:\d+}/handback", action(hand_back)),
            web.post(r"/c/{id:\d+}/close", action(close)),
            web.post(r"/c/{id:\d+}/note", action(note)),
            web.post(r"/c/{id:\d+}/tag", action(tag)),
            web.post(r"/c/{id:\d+}/untag", action(untag)),
            web.get("/search", search_page),
            web.get("/assist", assist_page),
            web.post(r"/c/{id:\d+}/guide", action(send_guide)),
            web.get("/audit", audit_page),
            web.get("/admin/accounts", accounts_page),
            web.post(r"/admin/accounts/{name}/{state:enable|disable}", account_state),
            web.static("/static", HERE / "static"),
        ]
    )
    return app


# --- the citizens' push endpoint ---------------------------------------------------------


def push_app(console: Console) -> web.Application:
    """Staff messages for the widget: `GET /push/<id>?after=N` (JSON) and `/push/<id>/stream` (server-
    sent events, resuming after `after` or the Last-Event-ID header). Only the widget's own secret
    form of id is accepted; an id nobody handed over answers an empty list, like any other."""

    def allowed(request: web.Request) -> tuple[str, dict[str, str]] | None:
        sender = request.match_info["sender"]
        if not WEB_ID.match(sender):
            return None
        origin = request.headers.get("Origin", "")
        headers = {"Cache-Control": "no-store", "Vary": "Origin"}
        if origin and origin in console.settings.push_origins:
            headers["Access-Control-Allow-Origin"] = origin
        return sender, headers

    def cursor(value: str | None) -> int:
        try:
            return max(0, int(value or 0))
        except ValueError:
            return 0

    def shown(message: dict[str, Any]) -> dict[str, Any]:
        return {"id": message["id"], "author": message["author"], "text": message["text"]}

    async def poll(request: web.Request) -> web.Response:
        checked = allowed(request)
        if checked is None:
            return web.json_response({"error": "not_your_conversation"}, status=404)
        sender, headers = checked
        found = await console.db(console.store.messages_for, sender, cursor(request.query.get("after")))
        return web.json_response({"messages": [shown(m) for m in found]}, headers=headers)

    async def stream(request: web.Request) -> web.StreamResponse:
        checked = allowed(request)
        if checked is None:
            return web.json_response({"error": "not_your_conversation"}, status=404)
        sender, headers = checked
        after = cursor(request.headers.get("Last-Event-ID") or request.query.get("after"))
        response = web.StreamResponse(headers={**headers, "Content-Type": "text/event-stream"})
        await response.prepare(request)
        await response.write(b"retry: 2000\n\n")
        seen = console.changes.version
        ends = time.monotonic() + STREAM_LIFETIME
        idle = 0.0
        with contextlib.suppress(ConnectionResetError):  # the widget closed or the page went away
            while not console.stopping.is_set() and time.monotonic() < ends:
                for message in await console.db(console.store.messages_for, sender, after):
                    after = message["id"]
                    data = json.dumps(shown(message), ensure_ascii=False)
                    await response.write(f"id: {after}\nevent: message\ndata: {data}\n\n".encode())
                    idle = 0.0
                seen = await console.changes.wait(seen, 1.0)
                idle += 1.0
                if idle >= 15:
                    await response.write(b": still here\n\n")
                    idle = 0.0
        return response

    async def forget(request: web.Request) -> web.Response:
        """The widget's "forget this conversation": whoever holds the secret id is its citizen."""
        checked = allowed(request)
        if checked is None:
            return web.json_response({"error": "not_your_conversation"}, status=404)
        sender, headers = checked
        if await console.db(console.store.forget, sender):
            log.info("a citizen's conversation was forgotten at their request")
            console.changes.notify()
        return web.json_response({"forgotten": True}, headers=headers)

    async def bridge_forget(request: web.Request) -> web.Response:
        """The bridge's /forget: a Telegram chat's conversation leaves the console too."""
        expected = console.settings.bridge_token
        if not expected or not same_token(request.headers.get("X-Bridge-Token"), expected):
            return web.json_response({"error": "unauthorised"}, status=401)
        chat = request.query.get("chat_id", "")
        if not re.fullmatch(r"-?[0-9]{1,20}", chat):
            return web.json_response({"error": "invalid_chat"}, status=400)
        if await console.db(console.store.forget, f"telegram:{chat}"):
            console.changes.notify()
        return web.json_response({"forgotten": True})

    async def bridge_messages(request: web.Request) -> web.Response:
        """The Telegram bridge's queue: staff messages for Telegram chats after `after` (its secret only)."""
        expected = console.settings.bridge_token
        if not expected or not same_token(request.headers.get("X-Bridge-Token"), expected):
            return web.json_response({"error": "unauthorised"}, status=401)
        after = cursor(request.query.get("after"))
        try:  # a long poll: up to `wait` seconds for the next message, so a reply leaves at once
            wait = min(max(float(request.query.get("wait") or 0), 0.0), BRIDGE_WAIT)
        except ValueError:
            wait = 0.0
        ends, seen = time.monotonic() + wait, console.changes.version
        found = await console.db(console.store.telegram_messages, after)
        while not found and not console.stopping.is_set() and time.monotonic() < ends:
            seen = await console.changes.wait(seen, min(1.0, max(0.0, ends - time.monotonic())))
            found = await console.db(console.store.telegram_messages, after)
        chats = [
            {"id": m["id"], "chat_id": int(m["sender_id"].split(":", 1)[1]), "author": m["author"], "text": m["text"]}
            for m in found
        ]
        return web.json_response({"messages": chats})

    async def health(_: web.Request) -> web.Response:
        return web.json_response({"status": "ok"})

    app = web.Application(client_max_size=1024)
    app.add_routes(
        [
            web.get("/health", health),
            web.get("/push/{sender}", poll),
            web.get("/push/{sender}/stream", stream),
            web.post("/push/{sender}/forget", forget),
            web.get("/bridge/messages", bridge_messages),
            web.post("/bridge/forget", bridge_forget),
        ]
    )
    return app
