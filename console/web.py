"""The staff's application (aiohttp, Jinja2, a little plain JavaScript), put together from one
module a concern, each with its own routes; the citizens' push endpoint is `console.push`.

Every staff action is one small POST endpoint (CSRF token checked) that makes one conditional
change in the store, tells Rasa, and writes one audit row. Live parts (the inbox, a conversation's
transcript, the widget's staff messages) are server-sent events that say "something changed",
with short polling as the fallback; a change made by another console process is seen within a
second because each stream also looks at the store's change mark once a second.
"""

from __future__ import annotations

from aiohttp import web

from console import admin_pages, assist_page, conversation_page, inbox, notes_and_tags, search_page, sign_in, takeover
from console.context import CONSOLE, HERE, Console, health
from console.guard import headers_layer, session_layer, store_away_layer
from console.push import push_app

__all__ = ["Console", "push_app", "staff_app"]
PAGES = (sign_in, inbox, conversation_page, takeover, notes_and_tags, search_page, assist_page, admin_pages)


def staff_app(console: Console) -> web.Application:
    app = web.Application(middlewares=[headers_layer, store_away_layer, session_layer], client_max_size=64 * 1024)
    app[CONSOLE] = console
    app.router.add_get("/health", health)
    for module in PAGES:
        app.add_routes(module.routes)
    app.router.add_static("/static", HERE / "static")
    return app
