"""The CPSV-AP 3.2 export parses as RDF and uses the specification's classes and key properties."""

from __future__ import annotations

import json

import pytest
import requests
from rdflib import RDF, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, SKOS, XSD

from catalogue_service.content import load
from runner.processes import Server
from tests.conftest import CATALOGUE_DIR

CPSV = Namespace("http://purl.org/vocab/cpsv#")
CV = Namespace("http://data.europa.eu/m8g/")
SCHEMA = Namespace("https://schema.org/")
LOCN = Namespace("http://www.w3.org/ns/locn#")


@pytest.fixture(scope="module")
def graph(catalogue_server: Server) -> Graph:
    response = requests.get(catalogue_server.url + "/export/cpsv-ap.jsonld", timeout=10)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("application/ld+json")
    parsed = Graph()
    parsed.parse(data=json.dumps(response.json()), format="json-ld")
    return parsed


def subjects_of(graph: Graph, cls: URIRef) -> set[URIRef]:
    return {s for s in graph.subjects(RDF.type, cls) if isinstance(s, URIRef)}


def test_every_catalogue_entity_is_typed(graph: Graph) -> None:
    content = load(CATALOGUE_DIR)
    assert len(subjects_of(graph, CV.LifeEvent)) == len(content.life_events) == 15
    assert len(subjects_of(graph, CPSV.PublicService)) == len(content.services)
    assert len(subjects_of(graph, CV.Evidence)) == len(content.documents)
    assert len(subjects_of(graph, CV.PublicOrganisation)) == len(content.organisations)
    assert subjects_of(graph, CV.Cost) and subjects_of(graph, CV.Channel) and subjects_of(graph, CV.Output)
    contact_points = subjects_of(graph, SCHEMA.ContactPoint)
    assert len(contact_points) >= len(content.offices) + len(content.organisations)
    assert len(set(graph.subjects(RDF.type, SCHEMA.OpeningHoursSpecification))) >= len(content.offices)


def test_a_public_service_has_the_key_properties(graph: Graph) -> None:
    service = next(s for s in subjects_of(graph, CPSV.PublicService) if str(s).endswith("/service/birth-registration"))
    assert graph.value(service, DCTERMS.identifier) == Literal("birth-registration")
    titles = {t.language for t in graph.objects(service, DCTERMS.title)}
    assert titles == {"en", "ro", "ru"}
    authority = graph.value(service, CV.hasCompetentAuthority)
    assert (authority, RDF.type, CV.PublicOrganisation) in graph
    assert {lang.language for lang in graph.objects(authority, SKOS.prefLabel)} == {"en", "ro", "ru"}
    inputs = list(graph.objects(service, CPSV.hasInput))
    assert inputs and all((e, RDF.type, CV.Evidence) in graph for e in inputs)
    assert (graph.value(service, CPSV.produces), RDF.type, CV.Output) in graph
    cost = graph.value(service, CV.hasCost)
    assert graph.value(cost, CV.value).datatype == XSD.decimal
    assert str(graph.value(cost, CV.currency)).endswith("/currency/MDL")
    channels = list(graph.objects(service, CV.hasChannel))
    assert channels and all((c, RDF.type, CV.Channel) in graph for c in channels)
    events = list(graph.objects(service, CV.isGroupedBy))
    assert any(str(e).endswith("/life-event/birth") for e in events)


def test_life_events_relate_their_services(graph: Graph) -> None:
    death = next(s for s in subjects_of(graph, CV.LifeEvent) if str(s).endswith("/life-event/death"))
    related = set(graph.objects(death, DCTERMS.relation))
    assert any(str(s).endswith("/service/death-registration") for s in related)
    assert all((s, RDF.type, CPSV.PublicService) in graph for s in related)


def test_offices_have_address_and_opening_hours(graph: Graph) -> None:
    office = next(s for s in subjects_of(graph, SCHEMA.ContactPoint) if str(s).endswith("/contact-point/asp-balti"))
    address = graph.value(office, LOCN.address)
    assert {a.language for a in graph.objects(address, LOCN.fullAddress)} == {"en", "ro", "ru"}
    hours = list(graph.objects(office, SCHEMA.hoursAvailable))
    assert hours
    first = hours[0]
    assert (first, RDF.type, SCHEMA.OpeningHoursSpecification) in graph
    assert graph.value(first, SCHEMA.opens).datatype == XSD.time
    assert set(graph.objects(first, SCHEMA.dayOfWeek)) & {SCHEMA.Monday, SCHEMA.Tuesday}
