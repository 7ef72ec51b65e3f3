"""The validator's warnings: facts without a source, old reviews, offices a citizen cannot find or
call. They leave the catalogue valid and reach editors as a short "to re-check" list."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from catalogue_service import recheck
from catalogue_service.content import read_yaml
from catalogue_service.validate import check, main
from tests.conftest import ROOT
from tests.test_validator import edit

TODAY = dt.date(2026, 11, 29)
SOURCE = {"url": "https://servicii.gov.md/ro/service/002000170", "reviewed": "2026-11-29"}


def warnings(directory: Path, kind: str) -> list[str]:
    found, rechecks = check(directory, TODAY)
    assert found == [], found  # warnings, not errors
    return [str(item) for item in rechecks if item.kind == kind]


def birth_service(data: Any, ident: str) -> dict[str, Any]:
    return next(service for service in data["services"] if service["id"] == ident)


def test_a_service_without_a_source_and_its_parts(catalogue_copy: Path) -> None:
    """Without a source of its own, the service, each fee, the deadline and the documents are named."""
    service = birth_service(read_yaml(catalogue_copy / "life-events" / "birth.yml"), "birth-registration")
    assert "source" not in service and service.get("deadline")
    where = "life-events/birth.yml: services[0]"
    assert f"{where}: service 'birth-registration' names no page its facts were checked against" in warnings(
        catalogue_copy, recheck.SERVICE
    )
    assert f"{where}.costs[0]: a fee of 'birth-registration' has no source" in warnings(catalogue_copy, recheck.FEE)
    assert f"{where}.deadline: the deadline of 'birth-registration' has no source" in warnings(
        catalogue_copy, recheck.DEADLINE
    )
    assert f"{where}.documents: the documents of 'birth-registration' have no source" in warnings(
        catalogue_copy, recheck.DOCUMENTS
    )


def test_the_service_source_covers_its_parts_and_a_part_may_have_its_own(catalogue_copy: Path) -> None:
    def change(data: Any) -> None:
        birth_service(data, "birth-registration")["source"] = SOURCE
        transcription = birth_service(data, "birth-transcription")
        transcription["sources"] = {"documents": SOURCE}
        transcription["costs"][0]["source"] = SOURCE

    edit(catalogue_copy / "life-events" / "birth.yml", change)
    every = [str(item) for item in check(catalogue_copy, TODAY)[1]]
    assert not [line for line in every if "'birth-registration'" in line]
    transcription = [line for line in every if "'birth-transcription'" in line]
    where = "life-events/birth.yml: services[1]"
    assert f"{where}: service 'birth-transcription' names no page its facts were checked against" in transcription
    assert f"{where}.costs[1]: a fee of 'birth-transcription' has no source" in transcription
    assert f"{where}.deadline: the deadline of 'birth-transcription' has no source" in transcription
    assert not [line for line in transcription if ".documents:" in line or ".costs[0]:" in line]


def test_a_source_must_name_its_page_and_date(catalogue_copy: Path) -> None:
    edit(
        catalogue_copy / "life-events" / "birth.yml",
        lambda data: birth_service(data, "birth-registration").update(source={"url": SOURCE["url"]}),
    )
    found, _ = check(catalogue_copy, TODAY)
    assert [str(p) for p in found] == [
        "life-events/birth.yml: services[0].source.reviewed: the review date must be a date like 2026-11-22"
    ]


@pytest.mark.parametrize(("reviewed", "old"), [("2025-11-28", True), ("2025-11-29", False), ("2026-06-01", False)])
def test_a_review_older_than_twelve_months(catalogue_copy: Path, reviewed: str, old: bool) -> None:
    def change(data: Any) -> None:
        birth_service(data, "birth-registration")["source"] = {**SOURCE, "reviewed": reviewed}

    edit(catalogue_copy / "life-events" / "birth.yml", change)
    expected = f"life-events/birth.yml: services[0].source.reviewed: {SOURCE['url']} was last checked on {reviewed}"
    assert (expected in warnings(catalogue_copy, recheck.OLD)) is old


def test_an_old_review_of_a_whole_file(catalogue_copy: Path) -> None:
    edit(catalogue_copy / "places.yml", lambda data: data["source"].update(reviewed="2024-03-01"))
    assert any(line.startswith("places.yml: source.reviewed: ") for line in warnings(catalogue_copy, recheck.OLD))


def test_an_office_without_a_street_address_or_a_phone(catalogue_copy: Path) -> None:
    found = warnings(catalogue_copy, recheck.ADDRESS)
    assert (
        "organisations.yml: organisations[0].offices[1].address: "
        "office 'asp-balti': no street and number ('Bălți — exact address: asp.gov.md')"
    ) in found
    assert not [line for line in found if "'asp-chisinau'" in line]  # str. Alexandr Pușkin 42
    assert "organisations.yml: organisations[0].offices[1]: office 'asp-balti': no phone, nor one for 'asp'" in (
        warnings(catalogue_copy, recheck.PHONE)
    )

    def change(data: Any) -> None:
        asp = data["organisations"][0]
        asp["phone"] = "+373 22 504 504"
        asp["offices"][1]["address"] = {lang: "str. Independenței 1, Bălți" for lang in ("en", "ro", "ru")}

    edit(catalogue_copy / "organisations.yml", change)
    assert not [line for line in warnings(catalogue_copy, recheck.ADDRESS) if "'asp-balti'" in line]
    assert not [line for line in warnings(catalogue_copy, recheck.PHONE) if "'asp-" in line]


def test_an_office_without_opening_hours_is_an_error(catalogue_copy: Path) -> None:
    edit(catalogue_copy / "organisations.yml", lambda data: data["organisations"][0]["offices"][1].pop("opening_hours"))
    found, _ = check(catalogue_copy, TODAY)
    assert [str(p) for p in found] == [
        "organisations.yml: organisations[0].offices[1].opening_hours: give the office's opening hours"
    ]


def test_make_validate_prints_a_short_list_and_stays_green(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["data/catalogue", "--today", "2026-11-29"]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert lines[0].startswith("To re-check (") and lines[-1] == "data/catalogue: valid"
    for kind in (recheck.SERVICE, recheck.ADDRESS, recheck.PHONE):
        assert any(line.strip().endswith(kind) and line.strip()[0].isdigit() for line in lines), kind
    assert "… and " in out  # the first few of each kind, not all
    assert len(lines) < 50
    assert main(["data/catalogue", "--today", "2026-11-29", "--all"]) == 0
    assert len(capsys.readouterr().out.splitlines()) > 300


def test_the_command_is_what_make_validate_runs() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "catalogue_service.validate", "data/catalogue"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "To re-check" in done.stdout and "offices without a street address" in done.stdout
