"""The action server's one `Catalogue`, called off the event loop.

The client blocks (requests), so calls run in worker threads; the client is
thread-safe and keeps an on-disk cache, which is warmed at start-up so the
helpdesk's contacts can be given even if the catalogue is down later.
"""

from __future__ import annotations

import asyncio
import logging
import os
import threading
from collections.abc import Callable
from typing import Any, TypeVar

from catalogue_client import Catalogue, CatalogueError

log = logging.getLogger(__name__)
T = TypeVar("T")
_lock = threading.Lock()
_catalogue: Catalogue | None = None


def catalogue() -> Catalogue:
    global _catalogue
    with _lock:
        if _catalogue is None:
            _catalogue = Catalogue(
                read_timeout=float(os.environ.get("CATALOGUE_TIMEOUT", "3")),
                cache_path=os.environ.get("CATALOGUE_CACHE", ".cache/actions-catalogue-http"),
            )
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


def warm_up_in_background() -> None:
    if os.environ.get("CATALOGUE_WARM_UP", "1") != "0":
        threading.Thread(target=warm_up, name="catalogue-warm-up", daemon=True).start()
