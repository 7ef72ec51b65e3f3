"""The action server's one `Catalogue`, called off the event loop.

The client blocks (requests), so calls run in worker threads; the client is
thread-safe and keeps an on-disk cache, which the action server warms when it
starts (`warm_up_in_background`, called by runner/serve_actions.py, never on
import) so the helpdesk's contacts can be given even if the catalogue is down later.
The client's address, cache and timeout come from catalogue_client/settings.py.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable
from typing import Any, TypeVar

from catalogue_client import Catalogue, CatalogueError

log = logging.getLogger(__name__)
T = TypeVar("T")
_lock = threading.Lock()
_catalogue: Catalogue | None = None


def catalogue() -> Catalogue:
    """The action server's one client, built on first use."""
    global _catalogue
    with _lock:
        if _catalogue is None:
            _catalogue = Catalogue()
        return _catalogue


async def call(method: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run a blocking catalogue method in a worker thread."""
    return await asyncio.to_thread(method, *args, **kwargs)


def warm_up() -> None:
    """Fetch what every conversation needs once, so it is cached if the catalogue goes down."""
    client = catalogue()
    for lang in ("en", "ro", "ru"):
        try:
            client.helpdesk(lang=lang)
            client.localities(lang=lang)
            client.relations(lang=lang)
            client.life_events(lang=lang)
        except CatalogueError as error:
            log.warning("Catalogue warm-up failed for %s: %s", lang, error)
            return


def use(client: Catalogue | None) -> None:
    """Make `client` the action server's catalogue (None: build one from the settings on next use)."""
    global _catalogue
    with _lock:
        _catalogue = client


def warm_up_in_background() -> threading.Thread:
    thread = threading.Thread(target=warm_up, name="catalogue-warm-up", daemon=True)
    thread.start()
    return thread
