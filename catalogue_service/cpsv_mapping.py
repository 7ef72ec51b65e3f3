"""CPSV-AP 3.2 classes and properties, read back into the catalogue's entries (`cpsv_import.py`).

The inverse of `jsonld.py`: every statement the export writes is read here, so export, import and
export again give the same graph (tests/test_cpsv_import.py). Each statement read is recorded in
`used`; the importer reports the rest. Ids come from `dct:identifier` (else the IRI's last part),
made into catalogue ids; texts keep their language tags.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from rdflib import RDF, BNode, Namespace, URIRef
from rdflib.term import Node

from catalogue_service import jsonld
from catalogue_service.rdf_reader import GraphReader

NS = {prefix: Namespace(iri) for prefix, iri in jsonld.CONTEXT.items()}
CV, CPSV, DCT, SKOS, SCHEMA, LOCN, DCAT, ELI, ORG = (
    NS[p] for p in ("cv", "cpsv", "dct", "skos", "schema", "locn", "dcat", "eli", "org")
)
LANGUAGES = {code: lang for lang, code in jsonld.LANGUAGE_CODES.items()}
COUNTRIES = {code: country for country, code in jsonld.COUNTRY_CODES.items()}
DAYS = {name: short for short, name in jsonld.DAY_NAMES.items()}
POINT = re.compile(r"POINT\s*\(\s*(\S+)\s+(\S+)\s*\)")


@dataclass
class Catalogue:
    meta: dict[str, Any] = field(default_factory=dict)
    localities: list[dict[str, Any]] = field(default_factory=list)
    organisations: list[dict[str, Any]] = field(default_factory=list)
    documents: list[dict[str, Any]] = field(default_factory=list)
    services: dict[str, dict[str, Any]] = field(default_factory=dict)
    life_events: list[dict[str, Any]] = field(default_factory=list)


def _number(lexical: str) -> int | float:
    """An amount as an editor writes it: 50 (Turtle writes the decimal 50 as 50.0), 12.5."""
    value = Decimal(lexical)
    return int(value) if value == value.to_integral_value() else float(lexical)


def _position(node: Node) -> tuple[int, str]:
    """The export numbers costs and channels at the end of their IRIs: their order in the file."""
    found = re.search(r"(\d+)$", str(node))
    return (int(found.group(1)) if found else 0, str(node))


class Mapper(GraphReader):
    """CPSV-AP's classes, read into the catalogue's entries."""

    # -- the catalogue --------------------------------------------------------------------------
    def catalogue(self) -> Catalogue:
        result = Catalogue(meta=self.meta())
        locality_ids = {
            node: self.locality(node, result) for node in self.typed(DCT.Location) if self.is_locality(node)
        }
        for node in self.typed(CV.PublicOrganisation):
            self.typed_also(node, ORG.Organization)
            result.organisations.append(self.organisation(node, locality_ids))
        result.documents = [self.evidence(node) for node in self.typed(CV.Evidence)]
        grouped: dict[Node, set[Node]] = {}
        for node in self.typed(CPSV.PublicService):
            service = self.service(node)
            result.services[service["id"]] = service
            for event_node in self.objects(node, CV.isGroupedBy):
                grouped.setdefault(event_node, set()).add(node)
        for node in self.typed(CV.LifeEvent):
            self.typed_also(node, CV.Event)
            related = set(self.objects(node, DCT.relation)) | grouped.get(node, set())
            services = sorted(
                self.ids[s].split(":", 1)[1] for s in related if self.ids.get(s, "").startswith("service:")
            )
            entry: dict[str, Any] = {"id": self.ident(node, "life-event"), "title": self.texts(node, DCT.title)}
            entry["description"] = self.texts(node, DCT.description)
            entry["services"] = [{"service": ident} for ident in services]
            result.life_events.append(entry)
        return result

    def meta(self) -> dict[str, Any]:
        """catalogue.yml: the languages named (else en, ro, ru) and the country."""
        languages = []
        for node in self.typed(DCT.LinguisticSystem):
            code = str(node).removeprefix(jsonld.LANGUAGE_AUTHORITY)
            if code in LANGUAGES:
                languages.append(LANGUAGES[code])
            else:
                self.used.discard((node, RDF.type, DCT.LinguisticSystem))
        if not languages:
            languages = ["en", "ro", "ru"]
            self.note("no languages named (dct:LinguisticSystem): en, ro, ru assumed")
        ordered = [lang for lang in ("en", "ro", "ru") if lang in languages]
        meta: dict[str, Any] = {"languages": ordered + sorted(set(languages) - set(ordered)), "fallback_language": "en"}
        for node in self.typed(DCT.Location):
            code = str(node).removeprefix(jsonld.COUNTRY_AUTHORITY)
            if code in COUNTRIES:
                meta["country"] = {"code": COUNTRIES[code], "name": self.texts(node, SKOS.prefLabel)}
        self.code_lists()
        return meta

    def code_lists(self) -> None:
        """The currencies and channel types the export states as concepts (the costs and channels
        say which they use); other concepts are left to the report."""
        for node in self.typed(SKOS.Concept) + self.typed(SKOS.ConceptScheme):
            if str(node).startswith(jsonld.CURRENCY_AUTHORITY) or "/channel-type" in str(node):
                self.read(node, SKOS.prefLabel, SKOS.inScheme, DCT.title)
            else:
                self.used -= {(node, RDF.type, SKOS.Concept), (node, RDF.type, SKOS.ConceptScheme)}

    def is_locality(self, node: Node) -> bool:
        return (node, LOCN.geometry, None) in self.graph and not str(node).startswith(jsonld.COUNTRY_AUTHORITY)

    def locality(self, node: Node, result: Catalogue) -> str:
        ident = self.ident(node, "locality")
        entry: dict[str, Any] = {"id": ident, "name": self.texts(node, SKOS.prefLabel)}
        entry["coordinates"] = self.point(node)
        result.localities.append(entry)
        return ident

    def point(self, node: Node) -> dict[str, float] | None:
        geometry = self.value(node, LOCN.geometry)
        found = POINT.search(str(geometry)) if geometry is not None else None
        return {"lat": float(found.group(2)), "lon": float(found.group(1))} if found else None

    def organisation(self, node: Node, localities: dict[Node, str]) -> dict[str, Any]:
        org: dict[str, Any] = {"id": self.ident(node, "organisation"), "name": self.texts(node, SKOS.prefLabel)}
        org["description"] = self.texts(node, DCT.description)
        for spatial in self.graph.objects(node, DCT.spatial):
            if str(spatial).startswith(jsonld.COUNTRY_AUTHORITY):
                self.used.add((node, DCT.spatial, spatial))
        offices = []
        for point in self.objects(node, SCHEMA.contactPoint):
            self.contact_types(point)
            if (point, LOCN.address, None) in self.graph:
                offices.append(point)
                continue
            for key, predicate in (("website", SCHEMA.url), ("phone", SCHEMA.telephone), ("email", SCHEMA.email)):
                found = self.value(point, predicate)
                if found is not None:
                    org[key] = str(found)
        if offices:
            org["offices"] = [self.office(point, org.get("phone"), localities) for point in offices]
        return org

    def contact_types(self, node: Node) -> None:
        self.typed_also(node, SCHEMA.ContactPoint)
        self.typed_also(node, CV.ContactPoint)

    def office(self, node: Node, org_phone: str | None, localities: dict[Node, str]) -> dict[str, Any]:
        office: dict[str, Any] = {"id": self.ident(node, "office"), "name": self.texts(node, SKOS.prefLabel)}
        address = self.value(node, LOCN.address)
        if address is not None:
            self.typed_also(address, LOCN.Address)
            office["address"] = self.texts(address, LOCN.fullAddress)
            self.read(address, LOCN.postName, LOCN.adminUnitL1)  # the locality's and country's names
        place = self.graph.value(node, DCT.spatial)
        if place in localities:
            self.used.add((node, DCT.spatial, place))
            office["locality"] = localities[place]
        office["coordinates"] = self.point(node)
        office["opening_hours"] = [self.hours(spec) for spec in self.objects(node, SCHEMA.hoursAvailable)]
        phone = self.value(node, SCHEMA.telephone)
        if phone is not None and str(phone) != org_phone:
            office["phone"] = str(phone)
        return office

    def hours(self, spec: Node) -> dict[str, Any]:
        self.typed_also(spec, SCHEMA.OpeningHoursSpecification)
        order = list(jsonld.DAY_NAMES)
        days = [DAYS.get(str(day).rsplit("/", 1)[-1], "?") for day in self.objects(spec, SCHEMA.dayOfWeek)]
        opens, closes = self.value(spec, SCHEMA.opens), self.value(spec, SCHEMA.closes)
        return {
            "days": sorted(days, key=lambda d: order.index(d) if d in order else 9),
            "opens": str(opens)[:5],
            "closes": str(closes)[:5],
        }

    def evidence(self, node: Node) -> dict[str, Any]:
        document: dict[str, Any] = {"id": self.ident(node, "document"), "name": self.texts(node, DCT.title)}
        description = self.texts(node, DCT.description)
        if description:
            document["description"] = description
        return document

    def service(self, node: Node) -> dict[str, Any]:
        service: dict[str, Any] = {"id": self.ident(node, "service"), "title": self.texts(node, DCT.title)}
        service["description"] = self.texts(node, DCT.description)
        authority = self.value(node, CV.hasCompetentAuthority)
        if authority is not None:
            service["authority"] = self.ident(authority, "organisation")
        output = self.value(node, CPSV.produces)
        if output is not None:
            self.typed_also(output, CV.Output)
            self.read(output, DCT.identifier)
            service["output"] = self.texts(output, DCT.title)
        service["documents"] = [{"document": self.ident(e, "document")} for e in self.objects(node, CPSV.hasInput)]
        service["costs"] = [self.cost(c) for c in sorted(self.objects(node, CV.hasCost), key=_position)]
        channels = [self.channel(c) for c in sorted(self.objects(node, CV.hasChannel), key=_position)]
        service["channels"] = [channel for channel in channels if channel]
        self.read(node, CV.hasContactPoint)  # the authority's contact point
        for language in self.graph.objects(node, DCT.language):
            if str(language).removeprefix(jsonld.LANGUAGE_AUTHORITY) in LANGUAGES:
                self.used.add((node, DCT.language, language))
        keywords: dict[str, list[str]] = {}
        for word in self.objects(node, DCAT.keyword):
            keywords.setdefault(getattr(word, "language", None) or "en", []).append(str(word))
        if keywords:
            service["keywords"] = keywords
        legal = self.value(node, CV.hasLegalResource)
        if legal is not None:
            self.typed_also(legal, ELI.LegalResource)
            service["legal_basis"] = self.texts(legal, DCT.title)
        return service

    def cost(self, node: Node) -> dict[str, Any]:
        self.typed_also(node, CV.Cost)
        self.read(node, DCT.identifier, CV.isDefinedBy)
        cost: dict[str, Any] = {}
        label = self.texts(node, DCT.description)
        if label:
            cost["label"] = label
        value = self.value(node, CV.value)
        if value is not None:
            cost["amount"] = _number(str(value))
        else:
            cost["varies"] = True
        currency = self.value(node, CV.currency)
        if currency is not None:
            cost["currency"] = str(currency).rsplit("/", 1)[-1]
        return cost

    def channel(self, node: Node) -> dict[str, Any] | None:
        kind = self.graph.value(node, DCT.type)
        if kind is None or "/channel-type/" not in str(kind):
            self.note(f"channel {node}: its type {kind} is not one of the catalogue's (in_person, online, phone, post)")
            return None
        self.typed_also(node, CV.Channel)
        self.read(node, DCT.type, DCT.identifier, CV.ownedBy)
        channel: dict[str, Any] = {"type": str(kind).rsplit("/", 1)[-1]}
        point = self.value(node, CV.hasContactPoint)
        if isinstance(point, (BNode, URIRef)):
            self.contact_types(point)
            url = self.value(point, SCHEMA.url)
            if url is not None:
                channel["url"] = str(url)
        return channel
