"""The catalogue's CPSV-AP export, as the service serves it, conforms to the official CPSV-AP 3.2.0 SHACL shapes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import requests
from rdflib import Graph

from catalogue_service import shacl
from runner.processes import Server

SHAPES = shacl.DEFAULT_SHAPES  # vendored in catalogue_service/cpsv_ap/: no skip on a clean clone


@pytest.fixture(scope="module")
def served_export(catalogue_server: Server) -> dict[str, Any]:
    response = requests.get(catalogue_server.url + "/export/cpsv-ap.jsonld", timeout=10)
    assert response.status_code == 200
    return response.json()


def test_the_served_export_conforms(served_export: dict[str, Any]) -> None:
    found = shacl.violations(served_export, SHAPES)
    assert found == [], "\n".join(shacl.summary(found))


def test_an_organisation_not_typed_as_the_shapes_expect_is_reported(served_export: dict[str, Any]) -> None:
    """Without the org:Organization type the shapes see no organisation behind costs and channels."""
    graph = [
        {**node, "@type": [t for t in node["@type"] if t != "org:Organization"]}
        if isinstance(node.get("@type"), list)
        else node
        for node in served_export["@graph"]
    ]
    found = shacl.violations({**served_export, "@graph": graph}, SHAPES)
    paths = {v.path.rsplit("/", 1)[-1] for v in found}
    assert paths == {"isDefinedBy", "ownedBy"}
    assert any(v.value.endswith("/organisation/asp") for v in found)  # which one the summary shows varies
    assert all("/organisation/" in line for line in shacl.summary(found))


def test_the_official_example_is_checked_too() -> None:
    """The same check finds the official example's own untyped code-list values (6 results)."""
    example = Graph().parse(str(shacl.OFFICIAL_EXAMPLE), format="turtle")
    found = shacl.violations(json.loads(example.serialize(format="json-ld")), SHAPES)
    assert len(found) == 6
    assert all(v.message.startswith("Value does not have class") for v in found)


def test_the_editors_command_says_the_catalogue_conforms(capsys: pytest.CaptureFixture[str]) -> None:
    assert shacl.main([str(Path("data/catalogue")), "--shapes", str(SHAPES)]) == 0
    assert "conforms" in capsys.readouterr().out
