"""catalogue_client against the real service, and when the service is stopped, slow, failing or answers garbage."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

import pytest

from catalogue_client import (
    BadRequest,
    Catalogue,
    InvalidResponse,
    LifeEvent,
    NotFound,
    Service,
    Unavailable,
)
from runner.processes import Server, free_port
from tests.conftest import CATALOGUE_DIR, start_catalogue
from tests.fault_proxy import FaultProxy

MAX_AGE = 1  # seconds: short, so tests can watch cached copies expire


@pytest.fixture(scope="module")
def short_lived_server() -> Iterator[Server]:
    server = start_catalogue(CATALOGUE_DIR, max_age=MAX_AGE)
    yield server
    server.stop()


@pytest.fixture()
def proxy(short_lived_server: Server) -> Iterator[FaultProxy]:
    with FaultProxy(short_lived_server.url) as running:
        yield running


def make_client(url: str, tmp_path: Path, **options: float) -> Catalogue:
    settings = {"connect_timeout": 0.5, "read_timeout": 1.0, "backoff": 0.01, **options}
    return Catalogue(url, cache_path=tmp_path / "cache", **settings)  # type: ignore[arg-type]


def let_cache_expire() -> None:
    time.sleep(MAX_AGE + 0.2)


def test_typed_results_in_each_language(catalogue_server: Server, tmp_path: Path) -> None:
    with make_client(catalogue_server.url, tmp_path) as catalogue:
        events = catalogue.life_events(lang="ro")
        assert len(events) == 15 and not events.stale
        birth = catalogue.life_event("birth", lang="ru")
        assert isinstance(birth, LifeEvent) and not birth.stale
        assert birth.steps[0].service.id == "birth-registration"
        assert any(q.type == "locality" for q in birth.questions)
        service = catalogue.service("passport", lang="ro")
        assert isinstance(service, Service)
        assert service.authority.id == "asp" and service.costs and service.documents
        offices = catalogue.offices_near(locality="comrat", organisation="civil-status", lang="ru")
        assert offices[0].locality.id == "comrat" and offices[0].opening_hours
        near = catalogue.offices_near(47.76, 27.93, organisation="asp")
        assert near[0].locality.id == "balti" and near[0].distance_km is not None
        hits = catalogue.search("ЗАГС", types=["organisation"])
        assert hits[0].id == "civil-status"
        helpdesk = catalogue.helpdesk(lang="ro")
        assert helpdesk.hours and (helpdesk.organisation.phone or helpdesk.organisation.website)
        assert catalogue.organisation("cnas", lang="en").offices


def test_errors_are_one_hierarchy(catalogue_server: Server, tmp_path: Path) -> None:
    with make_client(catalogue_server.url, tmp_path) as catalogue:
        with pytest.raises(NotFound, match="no life event with id 'alien-abduction'"):
            catalogue.life_event("alien-abduction")
        with pytest.raises(BadRequest, match="Language 'de'"):
            catalogue.life_event("birth", lang="de")
        with pytest.raises(NotFound):
            catalogue.service("../organisations/asp")


def test_second_lookup_is_served_from_cache(catalogue_server: Server, tmp_path: Path) -> None:
    with FaultProxy(catalogue_server.url) as proxy, make_client(proxy.url, tmp_path) as catalogue:
        catalogue.service("id-card", lang="ro")
        catalogue.service("id-card", lang="ro")
        catalogue.service("id-card", lang="ro")
        assert proxy.requests == 1
        catalogue.service("id-card", lang="ru")
        assert proxy.requests == 2


def test_clearing_the_cache_asks_the_catalogue_again(catalogue_server: Server, tmp_path: Path) -> None:
    with FaultProxy(catalogue_server.url) as proxy, make_client(proxy.url, tmp_path) as catalogue:
        catalogue.service("id-card", lang="ro")
        catalogue.clear_cache()
        proxy.mode = "down"
        with pytest.raises(Unavailable):
            catalogue.service("id-card", lang="ro")


def test_the_cache_persists_on_disk(catalogue_server: Server, tmp_path: Path) -> None:
    with FaultProxy(catalogue_server.url) as proxy:
        with make_client(proxy.url, tmp_path) as first:
            first.life_event("divorce")
        with make_client(proxy.url, tmp_path) as second:
            proxy.mode = "down"
            assert second.life_event("divorce").id == "divorce"
        assert proxy.requests == 1


def test_expired_copies_are_revalidated_with_etag(proxy: FaultProxy, tmp_path: Path) -> None:
    with make_client(proxy.url, tmp_path) as catalogue:
        catalogue.service("death-registration")
        let_cache_expire()
        again = catalogue.service("death-registration")
        assert not again.stale
        assert proxy.conditional_requests == 1 and proxy.not_modified == 1


@pytest.mark.timeout(20)
@pytest.mark.parametrize("mode", ["down", "slow", "error", "garbage"])
def test_stale_copy_when_the_catalogue_fails(proxy: FaultProxy, tmp_path: Path, mode: str) -> None:
    with make_client(proxy.url, tmp_path) as catalogue:
        fresh = catalogue.life_event("job-loss", lang="ro")
        let_cache_expire()
        proxy.mode, proxy.delay = mode, 3.0
        stale = catalogue.life_event("job-loss", lang="ro")
        assert stale.stale
        assert stale.title == fresh.title
        assert [s.service for s in stale.steps] == [replace(s.service, stale=True) for s in fresh.steps]
        proxy.mode = "pass"
        assert not catalogue.life_event("job-loss", lang="ro").stale


@pytest.mark.timeout(20)
@pytest.mark.parametrize(
    ("mode", "error"),
    [("down", Unavailable), ("slow", Unavailable), ("error", Unavailable), ("garbage", InvalidResponse)],
)
def test_clear_error_when_nothing_is_cached(proxy: FaultProxy, tmp_path: Path, mode: str, error: type) -> None:
    proxy.mode, proxy.delay = mode, 3.0
    with make_client(proxy.url, tmp_path) as catalogue, pytest.raises(error):
        catalogue.service("passport")


@pytest.mark.timeout(20)
@pytest.mark.parametrize("mode", ["down", "error"])
def test_a_failing_catalogue_is_one_log_line_without_traceback(
    proxy: FaultProxy, tmp_path: Path, mode: str, caplog: pytest.LogCaptureFixture
) -> None:
    with make_client(proxy.url, tmp_path) as catalogue:
        catalogue.life_event("job-loss", lang="ro")
        let_cache_expire()
        proxy.mode = mode
        caplog.clear()
        with caplog.at_level(logging.DEBUG):
            assert catalogue.life_event("job-loss", lang="ro").stale
            with pytest.raises(Unavailable):
                catalogue.service("passport")
    warnings = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert {r.name for r in warnings} == {"catalogue_client"}, [(r.name, r.getMessage()) for r in warnings]
    assert "answering from the cached copy" in warnings[0].getMessage()
    assert not [r for r in caplog.records if r.exc_info], "an expected condition: no traceback"


def test_a_garbage_answer_never_replaces_the_good_copy(proxy: FaultProxy, tmp_path: Path) -> None:
    with make_client(proxy.url, tmp_path) as catalogue:
        catalogue.service("passport", lang="ru")
        let_cache_expire()
        proxy.mode = "garbage"
        assert catalogue.service("passport", lang="ru").stale
        assert catalogue.service("passport", lang="ru").stale  # still the good copy, not the garbage


def test_json_of_the_wrong_shape_is_a_clear_error(proxy: FaultProxy, tmp_path: Path) -> None:
    proxy.mode = "wrong_shape"
    with make_client(proxy.url, tmp_path) as catalogue:
        with pytest.raises(InvalidResponse, match="promised shape"):
            catalogue.service("passport")
        with pytest.raises(InvalidResponse, match="items"):
            catalogue.life_events()


@pytest.mark.timeout(20)
def test_nothing_listening_is_unavailable(tmp_path: Path) -> None:
    with make_client(f"http://127.0.0.1:{free_port()}", tmp_path) as catalogue, pytest.raises(Unavailable):
        catalogue.helpdesk()


def test_retries_a_failed_read(proxy: FaultProxy, tmp_path: Path) -> None:
    proxy.mode = "error"
    with make_client(proxy.url, tmp_path, retries=2) as catalogue, pytest.raises(Unavailable):
        catalogue.service("passport")
    assert proxy.requests == 3  # the first try and two retries


def test_safe_from_many_threads(catalogue_server: Server, tmp_path: Path) -> None:
    ids = ["birth-registration", "passport", "id-card", "death-registration", "company-registration"]
    with make_client(catalogue_server.url, tmp_path) as catalogue:

        def lookup(i: int) -> str:
            lang = ("en", "ro", "ru")[i % 3]
            return catalogue.service(ids[i % len(ids)], lang=lang).id

        with ThreadPoolExecutor(max_workers=16) as pool:
            found = list(pool.map(lookup, range(320)))
    assert found == [ids[i % len(ids)] for i in range(320)]


@pytest.mark.timeout(30)
def test_a_frozen_catalogue_costs_milliseconds_once_detected(proxy: FaultProxy, tmp_path: Path) -> None:
    with make_client(proxy.url, tmp_path, read_timeout=0.5, open_for=2.0) as catalogue:
        catalogue.life_event("birth", lang="en")
        let_cache_expire()
        proxy.mode, proxy.delay = "slow", 5.0  # frozen: answers nothing for 5 s
        for _ in range(3):  # each waits for the timeout, then answers from the cache
            assert catalogue.life_event("birth", lang="en").stale
        asked = proxy.requests
        for _ in range(20):
            assert catalogue.life_event("birth", lang="en").stale
        with pytest.raises(Unavailable):
            catalogue.life_event("death", lang="en")  # nothing cached: a clear error
        assert proxy.requests == asked, "while the circuit is open nobody waits for the frozen catalogue"
        proxy.mode = "pass"
        time.sleep(2.1)
        assert not catalogue.life_event("birth", lang="en").stale, "after the pause it asks again"
