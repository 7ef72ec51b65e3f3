"""The validator accepts the real catalogue and rejects broken copies with file, path and a plain sentence."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from catalogue_service.content import read_yaml
from catalogue_service.validate import problems
from tests.conftest import CATALOGUE_DIR, ROOT


def edit(path: Path, change: Callable[[Any], None]) -> None:
    data = read_yaml(path)
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def messages(directory: Path) -> list[str]:
    return [str(problem) for problem in problems(directory)]


def test_the_real_catalogue_is_valid() -> None:
    assert messages(CATALOGUE_DIR) == []


def test_the_real_catalogue_is_big_enough() -> None:
    from catalogue_service.content import load

    content = load(CATALOGUE_DIR)
    assert len(content.life_events) == 15
    assert len(content.services) >= 50
    for event_id, event in content.life_events.items():
        assert len(event["services"]) >= 3, event_id
    localities_with_offices = {office["locality"] for office in content.offices.values()}
    assert len(localities_with_offices) >= 10


def test_missing_translation(catalogue_copy: Path) -> None:
    edit(
        catalogue_copy / "life-events" / "birth.yml",
        lambda data: data["services"][0]["title"].pop("ro"),
    )
    found = messages(catalogue_copy)
    assert found == ["life-events/birth.yml: services[0].title.ro: the Romanian translation is missing"]


def test_unknown_service_reference(catalogue_copy: Path) -> None:
    edit(
        catalogue_copy / "life-events" / "death.yml",
        lambda data: data["life_event"]["services"].append({"service": "no-such-service"}),
    )
    found = messages(catalogue_copy)
    assert any(
        m.startswith("life-events/death.yml: life_event.services[")
        and "refers to an unknown service 'no-such-service'" in m
        for m in found
    ), found


def test_unknown_organisation(catalogue_copy: Path) -> None:
    def change(data: Any) -> None:
        data["services"][0]["authority"] = "ministry-of-magic"

    edit(catalogue_copy / "life-events" / "vehicle.yml", change)
    assert "life-events/vehicle.yml: services[0].authority: refers to an unknown organisation 'ministry-of-magic'" in (
        messages(catalogue_copy)
    )


def test_condition_on_unknown_question_and_answer(catalogue_copy: Path) -> None:
    def change(data: Any) -> None:
        data["life_event"]["services"][0]["when"] = {"no_such_question": "yes"}
        first = next(q for q in data["life_event"]["questions"] if "id" in q and q["type"] != "locality")
        data["life_event"]["services"][1]["when"] = {first["id"]: "perhaps"}

    edit(catalogue_copy / "life-events" / "birth.yml", change)
    found = messages(catalogue_copy)
    assert any("condition is on an unknown question 'no_such_question'" in m for m in found), found
    assert any("'perhaps' is not an answer of question" in m for m in found), found


def test_duplicate_ids(catalogue_copy: Path) -> None:
    def change(data: Any) -> None:
        data["documents"].append(dict(data["documents"][0]))

    edit(catalogue_copy / "documents.yml", change)
    found = messages(catalogue_copy)
    assert any("duplicate document id 'identity-card'" in m for m in found), found


def test_malformed_url(catalogue_copy: Path) -> None:
    def change(data: Any) -> None:
        data["organisations"][0]["website"] = "htp:/asp gov md"

    edit(catalogue_copy / "organisations.yml", change)
    found = messages(catalogue_copy)
    assert "organisations.yml: organisations[0].website: 'htp:/asp gov md' is not a well-formed http(s) URL" in found


def test_coordinates_outside_the_country(catalogue_copy: Path) -> None:
    def change(data: Any) -> None:
        data["localities"][0]["coordinates"] = {"lat": 48.8566, "lon": 2.3522}  # Paris

    edit(catalogue_copy / "localities.yml", change)
    found = messages(catalogue_copy)
    assert "localities.yml: localities[0].coordinates: (48.8566, 2.3522) lies outside the country" in found


@pytest.mark.parametrize(
    ("hours", "expected"),
    [
        ([{"days": ["Mo"], "opens": "17:00", "closes": "08:00"}], "opens at 17:00 but closes at 08:00"),
        ([{"days": ["Mo"], "opens": "8am", "closes": "17:00"}], "times must be HH:MM"),
        ([{"days": ["Monday"], "opens": "08:00", "closes": "17:00"}], "days must be a list of Mo Tu We Th Fr Sa Su"),
        (
            [
                {"days": ["Mo", "Tu"], "opens": "08:00", "closes": "17:00"},
                {"days": ["Tu"], "opens": "12:00", "closes": "13:00"},
            ],
            "Tu is listed twice with overlapping hours",
        ),
        ([], "give the office's opening hours"),
    ],
)
def test_bad_opening_hours(catalogue_copy: Path, hours: list[dict[str, Any]], expected: str) -> None:
    def change(data: Any) -> None:
        data["organisations"][0]["offices"][0]["opening_hours"] = hours

    edit(catalogue_copy / "organisations.yml", change)
    found = messages(catalogue_copy)
    assert any(
        m.startswith("organisations.yml: organisations[0].offices[0].opening_hours") and expected in m for m in found
    ), found


def test_cedilla_in_romanian(catalogue_copy: Path) -> None:
    edit(
        catalogue_copy / "life-events" / "death.yml",
        lambda data: data["life_event"]["title"].update(ro="Decesul unei persoane (ştiri)"),
    )
    assert any("comma below" in m for m in messages(catalogue_copy))


def test_yaml_syntax_error_names_the_line(catalogue_copy: Path) -> None:
    path = catalogue_copy / "life-events" / "moving.yml"
    path.write_text(path.read_text(encoding="utf-8") + "\n  broken: [unclosed\n", encoding="utf-8")
    found = messages(catalogue_copy)
    assert any(m.startswith("life-events/moving.yml: line ") and "not valid YAML" in m for m in found), found


def test_missing_life_event(catalogue_copy: Path) -> None:
    (catalogue_copy / "life-events" / "education.yml").unlink()
    found = messages(catalogue_copy)
    assert "life-events/education.yml: life event 'education' is missing" in found


def test_command_line_exit_code_and_output(catalogue_copy: Path) -> None:
    ok = subprocess.run(
        [sys.executable, "-m", "catalogue_service.validate", str(CATALOGUE_DIR)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert ok.returncode == 0 and "valid" in ok.stdout
    edit(catalogue_copy / "documents.yml", lambda data: data["documents"][0]["name"].pop("ru"))
    broken = subprocess.run(
        [sys.executable, "-m", "catalogue_service.validate", str(catalogue_copy)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert broken.returncode == 1
    assert "documents.yml: documents[0].name.ru: the Russian translation is missing" in broken.stdout


# -- the schema (catalogue_service/catalogue.schema.json) and the fields it describes -----------


def first_question(data: Any, kind: str) -> dict[str, Any]:
    return next(q for q in data["life_event"]["questions"] if q.get("type") == kind)


def test_the_schema_is_a_json_schema_editors_can_use() -> None:
    from jsonschema import Draft202012Validator

    from catalogue_service.schema import SCHEMA_PATH, schema

    Draft202012Validator.check_schema(schema())
    assert "catalogue.schema.json" in (ROOT / "docs" / "catalogue-format.md").read_text(encoding="utf-8")
    assert SCHEMA_PATH.parent.name == "catalogue_service"


def test_a_fourth_language_is_asked_for_in_every_text() -> None:
    from catalogue_service.schema import schema

    patched = schema(("en", "ro", "ru", "uk"))
    assert patched["$defs"]["text"]["required"] == ["en", "ro", "ru", "uk"]
    assert "uk" in patched["$defs"]["keywords"]["required"]


def test_unknown_language_code(catalogue_copy: Path) -> None:
    edit(catalogue_copy / "documents.yml", lambda data: data["documents"][0]["name"].update(de="Ausweis"))
    assert "documents.yml: documents[0].name: unknown language code(s): de" in messages(catalogue_copy)


@pytest.mark.parametrize(
    ("kind", "field", "value", "expected"),
    [
        ("yes_no", "combines", ["yes", "no"], "combines lists two or more other options of the same choice question"),
        ("choice", "combines", ["one"], "combines lists two or more other options of the same choice question"),
        ("choice", "combines", ["no-such-option", "other"], "combines lists two or more other options"),
        ("choice", "ages", [18, 5], "ages is [from, to): two numbers, the first smaller"),
        ("yes_no", "ages", [0, "eighteen"], "ages is [from, to): two numbers, the first smaller"),
        ("yes_no", "place", "mars", "place must be one of abroad, moldova"),
        ("yes_no", "yes_no", "yes", "yes_no (yes or no) is for the options of a choice question"),
        ("choice", "yes_no", "maybe", "yes_no (yes or no) is for the options of a choice question"),
        ("choice", "relations", "child", "relations must be a list of relation ids"),
        ("choice", "relations", ["no-such-relation"], "refers to an unknown relation 'no-such-relation'"),
    ],
)
def test_option_fields(catalogue_copy: Path, kind: str, field: str, value: Any, expected: str) -> None:
    edit(
        catalogue_copy / "life-events" / "birth.yml",
        lambda data: first_question(data, kind)["options"][0].update({field: value}),
    )
    found = messages(catalogue_copy)
    assert any(m.startswith("life-events/birth.yml: life_event.questions[") and expected in m for m in found), found


@pytest.mark.parametrize(
    ("kind", "field", "value", "expected"),
    [
        ("choice", "at_least", 15, "at_least is a number, for a yes_no question"),
        ("yes_no", "under", "eighteen", "under is a number, for a yes_no question"),
    ],
)
def test_question_thresholds(catalogue_copy: Path, kind: str, field: str, value: Any, expected: str) -> None:
    edit(catalogue_copy / "life-events" / "birth.yml", lambda data: first_question(data, kind).update({field: value}))
    found = messages(catalogue_copy)
    assert any(m.startswith("life-events/birth.yml: life_event.questions[") and expected in m for m in found), found


def test_new_fields_that_are_right_are_accepted(catalogue_copy: Path) -> None:
    def change(data: Any) -> None:
        choice = first_question(data, "choice")
        ids = [option["id"] for option in choice["options"]]
        choice["options"][0].update(
            ages=[0, 18], yes_no="no", place="moldova", combines=ids[1:3] if len(ids) > 2 else []
        )
        first_question(data, "yes_no").update(at_least=15, under=20)

    edit(catalogue_copy / "life-events" / "birth.yml", change)
    assert messages(catalogue_copy) == []


def test_locality_aliases(catalogue_copy: Path) -> None:
    edit(catalogue_copy / "localities.yml", lambda data: data["localities"][0].update(aliases={"ru": "Кишинэу"}))
    assert "localities.yml: localities[0].aliases.ru: needs a list of words in this language" in messages(
        catalogue_copy
    )
    edit(catalogue_copy / "localities.yml", lambda data: data["localities"][0].update(aliases={"ru": ["Кишинэу"]}))
    assert messages(catalogue_copy) == []


def test_a_yes_no_question_needs_yes_and_no(catalogue_copy: Path) -> None:
    edit(
        catalogue_copy / "life-events" / "birth.yml",
        lambda data: first_question(data, "yes_no")["options"][1].update(id="perhaps"),
    )
    found = messages(catalogue_copy)
    assert any("a yes_no question needs exactly the options yes and no" in m for m in found), found
