"""What the console's handlers share: settings, store, Rasa, the catalogue, the change signal and
the page templates (`Console`, kept on the aiohttp application), and the small helpers for pages."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jinja2
from aiohttp import web

from catalogue_client import Catalogue
from console.auth import Sessions
from console.config import Settings
from console.limits import Limits
from console.notifications import Changes
from console.rasa import Rasa
from console.store import OUTCOMES, Store
from console.transcript import REASONS

HERE = Path(__file__).resolve().parent
TABS = {"waiting": "Waiting", "mine": "Mine", "open": "All open", "closed": "Closed"}


class Console:
    """The console's state shared by its handlers."""

    def __init__(self, settings: Settings, store: Store, rasa: Rasa, stopping: asyncio.Event) -> None:
        self.settings = settings
        self.store = store
        self.rasa = rasa
        self.stopping = stopping
        # the catalogue's words for life events, questions and answers (staff read English)
        self.catalogue = Catalogue()
        self.sessions = Sessions(settings.secret, settings.session_hours)
        self.changes = Changes(settings.store_poll)
        self.limits = Limits(settings)
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


CONSOLE = web.AppKey("console", Console)


def console_of(request: web.Request) -> Console:
    return request.app[CONSOLE]


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


async def health(_: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})
