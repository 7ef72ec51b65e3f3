"""CPSV-AP in both directions: the Turtle export is the JSON-LD export's graph, and a CPSV-AP
document (our own export, the official example) is read into the catalogue's files, losing
nothing of our export and reporting what it cannot map."""

from __future__ import annotations

import hashlib
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest
import requests
from rdflib import XSD, BNode, Graph, Literal
from rdflib.term import Node

from catalogue_service import cpsv_export, cpsv_import, jsonld, shacl
from catalogue_service.content import load
from catalogue_service.validate import problems
from runner.processes import Server

Statement = tuple[str, str, str]


def canonical(graph: Graph) -> Counter[Statement]:
    """The graph's statements, each blank node replaced by a digest of what it says (its own
    statements, recursively): two graphs whose blank nodes form trees, as the export's do
    (addresses, opening hours, legal resources, channel contact points), are the same graph
    exactly when these multisets are equal. rdflib's `isomorphic` says the same in about 17 s
    for the whole catalogue; this takes well under one. Numbers are compared by value: Turtle
    writes the xsd:decimal "50" as 50.0."""
    memo: dict[Node, str] = {}

    def term(node: Node) -> str:
        if isinstance(node, Literal) and isinstance(node.value, (int, float, Decimal)):
            return f"{format(Decimal(str(node.value)).normalize(), 'f')}^^{node.datatype}"
        if not isinstance(node, BNode):
            return node.n3()
        if node not in memo:
            said = sorted(f"{p.n3()} {term(o)}" for p, o in graph.predicate_objects(node))
            memo[node] = "_:" + hashlib.sha256("\n".join(said).encode()).hexdigest()[:20]
        return memo[node]

    return Counter((term(s), term(p), term(o)) for s, p, o in graph)


def assert_same_graph(first: Graph, second: Graph) -> None:
    a, b = canonical(first), canonical(second)
    only_first, only_second = a - b, b - a
    assert not only_first and not only_second, (list(only_first)[:5], list(only_second)[:5])


@pytest.fixture(scope="module")
def served_turtle(catalogue_server: Server) -> Graph:
    response = requests.get(catalogue_server.url + "/export/cpsv-ap.ttl", timeout=20)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/turtle")
    again = requests.get(
        catalogue_server.url + "/export/cpsv-ap.ttl", headers={"If-None-Match": response.headers["ETag"]}, timeout=20
    )
    assert again.status_code == 304
    return Graph().parse(data=response.text, format="turtle")


def test_the_turtle_export_is_the_json_ld_export(catalogue_server: Server, served_turtle: Graph) -> None:
    document = requests.get(catalogue_server.url + "/export/cpsv-ap.jsonld", timeout=20).json()
    assert len(served_turtle) > 5000
    assert_same_graph(served_turtle, cpsv_export.graph(document))


def test_export_import_export_loses_nothing(catalogue_server: Server, served_turtle: Graph, tmp_path: Path) -> None:
    imported = cpsv_import.convert(served_turtle, "cpsv-ap.ttl")
    assert imported.unmapped == []  # every statement of our export is read
    cpsv_import.write(imported, tmp_path)
    again = cpsv_export.graph(jsonld.export(load(tmp_path), catalogue_server.url))
    assert_same_graph(served_turtle, again)


def test_a_lost_statement_is_noticed(served_turtle: Graph) -> None:
    """The comparison above can fail: one opening hour changed inside a blank node is a difference."""
    changed = Graph()
    for s, p, o in served_turtle:
        changed.add((s, p, o))
    spec = next(s for s, p, o in served_turtle if str(p).endswith("closes") and str(o) == "17:00:00")
    closes = next(p for p in served_turtle.predicates(spec) if str(p).endswith("closes"))
    changed.remove((spec, closes, None))
    changed.add((spec, closes, Literal("16:30:00", datatype=XSD.time)))
    with pytest.raises(AssertionError):
        assert_same_graph(served_turtle, changed)


def test_our_json_ld_imported_lacks_only_what_cpsv_ap_does_not_hold(tmp_path: Path) -> None:
    document = tmp_path / "export.jsonld"
    assert cpsv_export.main(["data/catalogue", "--format", "json-ld", "--output", str(document)]) == 0
    assert cpsv_import.main([str(document), str(tmp_path / "imported")]) == 0
    imported = tmp_path / "imported"
    birth = load(imported).services["birth-registration"]
    assert birth["authority"] == "civil-status" and birth["title"]["ro"] == "Înregistrarea nașterii"
    kinds = {p.message for p in problems(imported)}
    assert kinds == {
        "needs a text in each language (en, ro, ru)",  # processing_time: text in the catalogue, not in CPSV-AP
        "the review date must be a date like 2026-11-22",  # nobody has reviewed an import
        "name the helpdesk organisation and its hours",
    }, kinds


def test_the_official_example_is_imported_with_a_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    output = tmp_path / "example"
    assert cpsv_import.main([str(shacl.OFFICIAL_EXAMPLE), str(output)]) == 0
    report = capsys.readouterr().out
    # what it maps
    content = load(output)
    service = content.services["tax-on-web"]
    assert service["authority"] == "publicorganisation1"
    assert [need["document"] for need in service["documents"]] == ["evi-123"]
    assert content.organisations["publicorganisation1"]["name"]["fr"] == "Service Public Fédéral FINANCES"
    assert content.documents["evi-123"]["name"] == {"fr": "Attestation garde d'enfants"}
    # what it cannot map, reported, not invented
    assert "cv:Requirement" in report and "cpsv:PublicService cv:holdsRequirement" in report
    assert "time:TemporalEntity" in report  # opening hours in OWL-Time, not the catalogue's
    assert "com-channel/b37115f83e is not one of the catalogue's" in report
    assert service["channels"] == [] and service["costs"] == []
    # and what make validate then asks an editor for
    found = [str(p) for p in problems(output)]
    for expected in (
        "organisations.yml: organisations[0]: the contact point needs a website, a phone or an email",
        "life-events/ungrouped-services.yml: services[0].channels: say how the service can be requested",
        "life-events/ungrouped-services.yml: services[0].title.ro: the Romanian translation is missing",
        "documents.yml: documents[0].name: unknown language code(s): fr",
        "life-events/birth.yml: life event 'birth' is missing",
    ):
        assert expected in found, found


def test_the_import_keeps_out_of_a_folder_in_use(tmp_path: Path) -> None:
    (tmp_path / "catalogue.yml").write_text("source: {}\n", encoding="utf-8")
    assert cpsv_import.main([str(shacl.OFFICIAL_EXAMPLE), str(tmp_path)]) == 2
    assert (tmp_path / "catalogue.yml").read_text(encoding="utf-8") == "source: {}\n"


def test_the_export_command_writes_turtle(tmp_path: Path) -> None:
    target = tmp_path / "catalogue.ttl"
    assert cpsv_export.main(["data/catalogue", "--output", str(target), "--base", "https://catalogue.example"]) == 0
    graph = Graph().parse(str(target), format="turtle")
    expected = cpsv_export.graph(jsonld.export(load("data/catalogue"), "https://catalogue.example"))
    assert_same_graph(graph, expected)
