"""The catalogue service over real HTTP, checked against its OpenAPI description."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import requests
import yaml

from runner.processes import Server

OPENAPI = yaml.safe_load((Path(__file__).parent.parent / "catalogue_service" / "openapi.yaml").read_text())
LANGS = ("en", "ro", "ru")


def check_against_openapi(path_template: str, status: int, body: Any) -> None:
    """Validate `body` with the schema the OpenAPI file gives for this path and status."""
    operation = OPENAPI["paths"][path_template]["get"]
    response = operation["responses"][str(status)]
    if "$ref" in response:
        response = OPENAPI["components"]["responses"][response["$ref"].rsplit("/", 1)[1]]
    schema = next(iter(response["content"].values()))["schema"]
    resolver = jsonschema.RefResolver.from_schema(OPENAPI)
    jsonschema.Draft202012Validator(schema, resolver=resolver).validate(body)


def get(server: Server, path: str, **params: Any) -> requests.Response:
    return requests.get(server.url + path, params=params, timeout=5)


@pytest.mark.parametrize("lang", LANGS)
def test_every_resource_matches_the_openapi_description(catalogue_server: Server, lang: str) -> None:
    listing = get(catalogue_server, "/life-events", lang=lang)
    assert listing.status_code == 200
    check_against_openapi("/life-events", 200, listing.json())
    assert {item["id"] for item in listing.json()["items"]} >= {"birth", "death", "job-loss", "immigration"}
    for item in listing.json()["items"]:
        one = get(catalogue_server, f"/life-events/{item['id']}", lang=lang)
        check_against_openapi("/life-events/{id}", 200, one.json())
    services = get(catalogue_server, "/services", lang=lang).json()
    check_against_openapi("/services", 200, services)
    assert len(services["items"]) >= 50
    for item in services["items"]:
        check_against_openapi("/services/{id}", 200, get(catalogue_server, f"/services/{item['id']}", lang=lang).json())
    organisations = get(catalogue_server, "/organisations", lang=lang).json()
    check_against_openapi("/organisations", 200, organisations)
    check_against_openapi("/organisations/{id}", 200, get(catalogue_server, "/organisations/asp", lang=lang).json())
    check_against_openapi("/localities", 200, get(catalogue_server, "/localities", lang=lang).json())
    check_against_openapi("/offices", 200, get(catalogue_server, "/offices", locality="balti", lang=lang).json())
    check_against_openapi("/documents/{id}", 200, get(catalogue_server, "/documents/passport", lang=lang).json())
    check_against_openapi("/helpdesk", 200, get(catalogue_server, "/helpdesk", lang=lang).json())
    check_against_openapi("/relations", 200, get(catalogue_server, "/relations", lang=lang).json())
    check_against_openapi("/search", 200, get(catalogue_server, "/search", q="pension", lang=lang).json())
    check_against_openapi("/health", 200, get(catalogue_server, "/health").json())


def test_answers_come_in_the_requested_language(catalogue_server: Server) -> None:
    titles = {lang: get(catalogue_server, "/life-events/birth", lang=lang).json()["title"] for lang in LANGS}
    assert len(set(titles.values())) == 3
    assert any(ch in titles["ru"] for ch in "абвгдежзийклмнопрстуфхцчшщыэюя")
    service = get(catalogue_server, "/services/birth-registration", lang="ro").json()
    assert service["authority"]["id"] == "civil-status"
    assert get(catalogue_server, "/life-events/birth").headers["Content-Language"] == "en"


def test_a_life_event_has_its_questions_and_services_in_order(catalogue_server: Server) -> None:
    event = get(catalogue_server, "/life-events/birth", lang="en").json()
    assert event["questions"], "the catalogue defines questions for a birth"
    assert any(q["type"] == "locality" for q in event["questions"])
    assert event["services"][0]["service"]["id"] == "birth-registration"
    for question in event["questions"]:
        if question["type"] == "yes_no":
            assert [o["id"] for o in question["options"]] in (["yes", "no"], ["no", "yes"])
            assert all(o["label"] and o["condition"] for o in question["options"])


@pytest.mark.parametrize(
    ("path", "params", "status", "code"),
    [
        ("/life-events/alien-abduction", {}, 404, "not_found"),
        ("/services/no-such-service", {}, 404, "not_found"),
        ("/organisations/nope", {}, 404, "not_found"),
        ("/documents/nope", {}, 404, "not_found"),
        ("/life-events", {"lang": "de"}, 400, "unknown_language"),
        ("/services/birth-registration", {"lang": "xx"}, 400, "unknown_language"),
        ("/search", {}, 400, "bad_parameter"),
        ("/search", {"q": "   "}, 400, "bad_parameter"),
        ("/search", {"q": "x" * 201}, 400, "bad_parameter"),
        ("/search", {"q": "pension", "type": "planet"}, 400, "bad_parameter"),
        ("/search", {"q": "pension", "limit": "lots"}, 400, "bad_parameter"),
        ("/offices", {}, 400, "bad_parameter"),
        ("/offices", {"near": "north"}, 400, "bad_parameter"),
        ("/offices", {"near": "95,28"}, 400, "bad_parameter"),
        ("/offices", {"near": "47,28", "locality": "balti"}, 400, "bad_parameter"),
        ("/offices", {"locality": "atlantis"}, 404, "not_found"),
        ("/offices", {"locality": "balti", "organisation": "nope"}, 404, "not_found"),
        ("/no/such/path", {}, 404, "not_found"),
    ],
)
def test_errors_are_json_with_a_clear_message(
    catalogue_server: Server, path: str, params: dict[str, str], status: int, code: str
) -> None:
    response = get(catalogue_server, path, **params)
    assert response.status_code == status
    assert response.headers["Content-Type"].startswith("application/json")
    error = response.json()["error"]
    assert error["code"] == code
    assert len(error["message"]) > 10
    if path in OPENAPI["paths"] and str(status) in OPENAPI["paths"][path]["get"]["responses"]:
        check_against_openapi(path, status, response.json())


def test_the_catalogue_is_read_only(catalogue_server: Server) -> None:
    response = requests.post(catalogue_server.url + "/life-events", json={"id": "x"}, timeout=5)
    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"


def test_etag_and_not_modified(catalogue_server: Server) -> None:
    first = get(catalogue_server, "/services/passport", lang="ro")
    etag = first.headers["ETag"]
    assert "max-age=" in first.headers["Cache-Control"]
    again = requests.get(
        catalogue_server.url + "/services/passport", params={"lang": "ro"}, headers={"If-None-Match": etag}, timeout=5
    )
    assert again.status_code == 304
    assert again.content == b""
    other_language = requests.get(
        catalogue_server.url + "/services/passport", params={"lang": "ru"}, headers={"If-None-Match": etag}, timeout=5
    )
    assert other_language.status_code == 200
    assert other_language.headers["ETag"] != etag


@pytest.mark.parametrize(
    ("query", "lang", "kind", "expected"),
    [
        ("casatorie", "ro", "life_event", "marriage"),
        ("CĂSĂTORIE", "en", "life_event", "marriage"),
        ("ЗАГС", "ru", "organisation", "civil-status"),
        ("загс", "en", "organisation", "civil-status"),
        ("пенсия по возрасту", "ru", "life_event", "retirement"),
        ("unemployed", "en", "life_event", "job-loss"),
        ("pasaport", "ro", "service", "passport"),
        ("driving licence", "en", "service", "driving-licence"),
        ("inregistrarea nasterii", "ro", "service", "birth-registration"),
    ],
)
def test_search_ignores_case_and_diacritics(
    catalogue_server: Server, query: str, lang: str, kind: str, expected: str
) -> None:
    items = get(catalogue_server, "/search", q=query, lang=lang, type=kind).json()["items"]
    assert items, f"nothing found for {query!r}"
    assert expected in [item["id"] for item in items[:3]], items[:3]
    assert all(item["type"] == kind for item in items)


def test_search_answers_in_the_requested_language(catalogue_server: Server) -> None:
    english = get(catalogue_server, "/search", q="ЗАГС", lang="en", type="organisation").json()["items"][0]
    russian = get(catalogue_server, "/search", q="ЗАГС", lang="ru", type="organisation").json()["items"][0]
    assert english["id"] == russian["id"] == "civil-status"
    assert english["title"] != russian["title"]


def test_nearest_offices(catalogue_server: Server) -> None:
    balti = get(catalogue_server, "/localities").json()["items"]
    point = next(item for item in balti if item["id"] == "balti")["coordinates"]
    near = get(catalogue_server, "/offices", near=f"{point['lat']},{point['lon']}", organisation="civil-status").json()
    first = near["items"][0]
    assert first["locality"]["id"] == "balti" and first["organisation"] == "civil-status"
    distances = [item["distance_km"] for item in near["items"]]
    assert distances == sorted(distances)
    cahul = get(catalogue_server, "/offices", locality="cahul", organisation="asp", limit=1, lang="ru").json()
    assert cahul["items"][0]["locality"]["id"] == "cahul"
    assert cahul["items"][0]["opening_hours"]


def test_survives_concurrent_clients(catalogue_server: Server) -> None:
    paths = ["/life-events/death", "/services/id-card", "/search?q=pensie", "/offices?locality=orhei"] * 25

    def fetch(path: str) -> int:
        return requests.get(catalogue_server.url + path, timeout=10).status_code

    with ThreadPoolExecutor(max_workers=32) as pool:
        statuses = list(pool.map(fetch, paths))
    assert statuses == [200] * len(paths)


def test_openapi_document_is_served(catalogue_server: Server) -> None:
    served = yaml.safe_load(get(catalogue_server, "/openapi.yaml").text)
    assert served == OPENAPI
    assert set(OPENAPI["paths"]) >= {"/life-events", "/life-events/{id}", "/services/{id}", "/offices", "/search"}
