"""`Catalogue`: the one way the rest of the system reads the public-services catalogue.

    catalogue = Catalogue()                       # CATALOGUE_URL etc. (settings.py)
    event = catalogue.life_event("birth", lang="ro")
    if event.stale: ...                            # served from cache: the catalogue is down

Reads go through a pooled `requests` session with bounded timeouts and retries
(with backoff) and an on-disk HTTP cache (requests-cache) that honours ETag
and max-age; answers still fresh are also kept parsed in memory until they
expire, so repeated lookups skip HTTP and disk. When the catalogue is
unreachable, slow, failing or answers garbage, the last good copy is returned
and marked `stale`; with nothing cached the caller gets `Unavailable` or
`InvalidResponse`, never a hang.
One `Catalogue` may be shared by many threads.
"""

from __future__ import annotations

import json
import logging
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from urllib.parse import quote

import requests
from requests.adapters import HTTPAdapter
from requests_cache import CachedSession
from urllib3.util.retry import Retry

from catalogue_client import settings
from catalogue_client.exceptions import (
    BadRequest,
    CatalogueError,
    InvalidResponse,
    NotFound,
    Unavailable,
)
from catalogue_client.models import (
    Helpdesk,
    LifeEvent,
    LifeEventSummary,
    Listing,
    Locality,
    Office,
    Organisation,
    SearchHit,
    Service,
)
from catalogue_client.questions import Relation

log = logging.getLogger("catalogue_client")


class _SaidOnce(logging.Filter):
    """A failing catalogue is an expected condition: the client says so itself, in one line
    ("Catalogue unreachable for /path ..."). The libraries below it would add a warning per retry
    (urllib3) and a 30-line traceback per stale answer (requests-cache); those are left out."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.msg if isinstance(record.msg, str) else ""
        return not (message.startswith("Retrying (") or message.endswith("failed; using cached response"))


logging.getLogger("requests_cache.session").addFilter(_SaidOnce())
logging.getLogger("urllib3.connectionpool").addFilter(_SaidOnce())
MAX_FRESH_IN_MEMORY = 4096  # answers; the whole catalogue in three languages is a few hundred


class _GarbageBody(requests.exceptions.RequestException):
    """A 200 answer whose body is not JSON: treated like a failed request, so the cache answers."""


class _JsonCheckingAdapter(HTTPAdapter):
    """Refuses successful answers that are not JSON before they can replace a good cached copy."""

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:  # type: ignore[override]
        response = super().send(request, **kwargs)
        if response.status_code == 200:
            try:
                json.loads(response.content)
            except ValueError as error:
                raise _GarbageBody(f"{request.url} answered with a body that is not JSON", response=response) from error
        return response


class Catalogue:
    """A configured connection to the catalogue service; methods read like the domain."""

    def __init__(
        self,
        base_url: str | None = None,
        lang: str = "en",
        connect_timeout: float = 1.0,
        read_timeout: float | None = None,
        retries: int = 2,
        backoff: float = 0.1,
        cache_path: str | Path | None = None,
        default_max_age: int = 60,
        failures_to_open: int = 3,
        open_for: float = 30.0,
    ) -> None:
        self.base_url = (base_url or settings.CATALOGUE_URL).rstrip("/")
        self.lang = lang
        self.timeout = (connect_timeout, settings.CATALOGUE_TIMEOUT if read_timeout is None else read_timeout)
        cache_path = Path(cache_path or settings.CATALOGUE_CACHE)
        cache_path.parent.mkdir(parents=True, exist_ok=True)
        self._fresh: dict[str, tuple[float, Any]] = {}  # answers still fresh, parsed: (deadline, JSON)
        # The circuit breaker: after `failures_to_open` failed calls in a row the catalogue is not
        # asked for `open_for` seconds (cached copies answer at once), then one call tries again.
        self.failures_to_open, self.open_for = failures_to_open, open_for
        self._failures = 0
        self._open_until = 0.0
        self.session = CachedSession(
            str(cache_path),
            backend="sqlite",
            cache_control=True,
            expire_after=default_max_age,
            stale_if_error=True,
            allowable_codes=(200,),
            allowable_methods=("GET",),
            wal=True,
        )
        retry = Retry(
            total=retries,
            connect=retries,
            read=1,
            status=retries,
            backoff_factor=backoff,
            status_forcelist=(502, 503, 504),
            allowed_methods=frozenset({"GET"}),
            raise_on_status=False,
        )
        adapter = _JsonCheckingAdapter(max_retries=retry, pool_connections=4, pool_maxsize=32)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)
        self.uncached = requests.Session()  # for queries made of what a citizen typed: never stored
        self.uncached.mount("http://", adapter)
        self.uncached.mount("https://", adapter)

    # -- the domain --------------------------------------------------------
    def life_events(self, lang: str | None = None) -> Listing[LifeEventSummary]:
        data, stale = self._get("/life-events", lang)
        return Listing(tuple(_parse(LifeEventSummary.from_json, item) for item in _items(data)), stale)

    def life_event(self, event_id: str, lang: str | None = None) -> LifeEvent:
        data, stale = self._get(f"/life-events/{_segment(event_id)}", lang)
        return _parse(LifeEvent.from_json, data, stale)

    def service(self, service_id: str, lang: str | None = None) -> Service:
        data, stale = self._get(f"/services/{_segment(service_id)}", lang)
        return _parse(Service.from_json, data, stale)

    def organisation(self, org_id: str, lang: str | None = None) -> Organisation:
        data, stale = self._get(f"/organisations/{_segment(org_id)}", lang)
        return _parse(Organisation.from_json, data, stale)

    def localities(self, lang: str | None = None) -> Listing[Locality]:
        data, stale = self._get("/localities", lang)
        return Listing(tuple(_parse(Locality.from_json, item) for item in _items(data)), stale)

    def offices_near(
        self,
        lat: float | None = None,
        lon: float | None = None,
        *,
        locality: str | None = None,
        organisation: str | None = None,
        limit: int = 3,
        lang: str | None = None,
    ) -> Listing[Office]:
        params: dict[str, Any] = {"limit": limit}
        if locality is not None:
            params["locality"] = locality
        else:
            params["near"] = f"{lat:.4f},{lon:.4f}"
        if organisation is not None:
            params["organisation"] = organisation
        data, stale = self._get("/offices", lang, params)
        return Listing(tuple(_parse(Office.from_json, item) for item in _items(data)), stale)

    def search(
        self, query: str, lang: str | None = None, types: list[str] | None = None, limit: int = 10
    ) -> Listing[SearchHit]:
        params: dict[str, Any] = {"q": query, "limit": limit}
        if types:
            params["type"] = types
        data, stale = self._get("/search", lang, params, cache=False)
        return Listing(tuple(_parse(SearchHit.from_json, item) for item in _items(data)), stale)

    def relations(self, lang: str | None = None) -> Listing[Relation]:
        data, stale = self._get("/relations", lang)
        return Listing(tuple(_parse(Relation.from_json, item) for item in _items(data)), stale)

    def helpdesk(self, lang: str | None = None) -> Helpdesk:
        data, stale = self._get("/helpdesk", lang)
        return _parse(Helpdesk.from_json, data, stale)

    def close(self) -> None:
        self.session.close()
        self.uncached.close()

    def __enter__(self) -> Catalogue:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- HTTP ----------------------------------------------------------------
    def _get(
        self, path: str, lang: str | None, params: dict[str, Any] | None = None, cache: bool = True
    ) -> tuple[Any, bool]:
        """The answer for `path`; `cache=False` for queries built from what a citizen typed, which
        must not outlive the request (no copy on disk or in memory)."""
        url = self.base_url + path
        query = {"lang": lang or self.lang, **(params or {})}
        key = json.dumps([path, query], sort_keys=True, default=str)
        fresh = self._fresh.get(key) if cache else None
        if fresh is not None and fresh[0] > time.monotonic():
            return fresh[1], False
        if time.monotonic() < self._open_until:
            return self._while_open(path, url, query, cache)
        try:
            session = self.session if cache else self.uncached
            response = session.get(url, params=query, timeout=self.timeout)
        except _GarbageBody as error:
            log.warning("Catalogue answered garbage for %s and nothing is cached", path)
            raise InvalidResponse(f"The catalogue answered {path} with something that is not JSON.") from error
        except requests.RequestException as error:
            self._failed()
            log.warning("Catalogue unreachable for %s and nothing is cached: %s", path, type(error).__name__)
            raise Unavailable(
                f"The catalogue at {self.base_url} cannot be reached ({type(error).__name__})."
            ) from error
        stale = bool(getattr(response, "from_cache", False) and getattr(response, "is_expired", False))
        if stale:
            self._failed()
            log.warning("Catalogue unreachable for %s; answering from the cached copy", path)
        elif response.status_code < 500:
            self._failures = 0
        if response.status_code != 200:
            message = _error_message(response)
            if response.status_code == 404:
                raise NotFound(message)
            if response.status_code == 400:
                raise BadRequest(message)
            raise Unavailable(f"The catalogue failed with HTTP {response.status_code}: {message}")
        try:
            data = response.json()
        except ValueError as error:  # pragma: no cover - the adapter refuses these first
            raise InvalidResponse(f"The catalogue answered {path} with something that is not JSON.") from error
        if not stale and cache:
            self._remember_fresh(key, data, getattr(response, "expires", None))
        return data, stale

    def _failed(self) -> None:
        self._failures += 1
        if self._failures >= self.failures_to_open:
            self._open_until = time.monotonic() + self.open_for
            self._failures = self.failures_to_open - 1  # after the pause, one more failure reopens it
            log.warning("Catalogue failing: not asking it for %.0f s, answering from cached copies", self.open_for)

    def _while_open(self, path: str, url: str, query: dict[str, Any], cache: bool) -> tuple[Any, bool]:
        """The circuit is open: the cached copy at once, or Unavailable without waiting for the catalogue."""
        if cache:
            response = self.session.get(url, params=query, only_if_cached=True)
            if response.status_code == 200:
                try:
                    return response.json(), True
                except ValueError:
                    pass
        raise Unavailable(f"The catalogue at {self.base_url} is failing; not asked again for a while ({path}).")

    def _remember_fresh(self, key: str, data: Any, expires: datetime | None) -> None:
        """Keeps a fresh answer in memory until it expires, so repeated lookups skip HTTP and disk."""
        if expires is None:
            return
        if expires.tzinfo is None:
            expires = expires.replace(tzinfo=timezone.utc)
        seconds = (expires - datetime.now(timezone.utc)).total_seconds()
        if seconds <= 0:
            return
        if len(self._fresh) >= MAX_FRESH_IN_MEMORY:
            self._fresh.clear()
        self._fresh[key] = (time.monotonic() + seconds, data)

    def clear_cache(self) -> None:
        """Forgets every cached answer, in memory and on disk."""
        self._fresh.clear()
        self.session.cache.clear()


def _segment(ident: str) -> str:
    return quote(str(ident), safe="")


def _items(data: Any) -> list[Any]:
    if not isinstance(data, dict) or not isinstance(data.get("items"), list):
        raise InvalidResponse("The catalogue's list answer has no 'items' list.")
    return data["items"]


def _parse(build: Any, data: Any, *args: Any) -> Any:
    try:
        return build(data, *args)
    except CatalogueError:
        raise
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise InvalidResponse(f"The catalogue's answer does not have the promised shape ({error!r}).") from error


def _error_message(response: requests.Response) -> str:
    try:
        return str(response.json()["error"]["message"])
    except (ValueError, KeyError, TypeError):
        return f"HTTP {response.status_code}"
