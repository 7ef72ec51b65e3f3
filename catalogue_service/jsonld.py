"""Exports the whole catalogue as CPSV-AP 3.2 JSON-LD, every text in every language.

Classes: cv:LifeEvent, cpsv:PublicService, cv:Evidence, cv:Output, cv:Cost,
cv:Channel, cv:PublicOrganisation, schema:ContactPoint (also typed
cv:ContactPoint) with schema:OpeningHoursSpecification, and dct:Location for
localities. Offices are contact points of their organisation with an address
and opening hours. It conforms to the official CPSV-AP 3.2.0 SHACL shapes (`shacl.py`), which
check classes without inference: so a node also carries the superclass a range names (cv:Event,
org:Organization), and code-list values (languages, currencies, channel types, the country) are
nodes typed dct:LinguisticSystem, skos:Concept or dct:Location.
"""

from __future__ import annotations

from typing import Any

from catalogue_service.content import Content

CONTEXT = {
    "cpsv": "http://purl.org/vocab/cpsv#",
    "cv": "http://data.europa.eu/m8g/",
    "dct": "http://purl.org/dc/terms/",
    "dcat": "http://www.w3.org/ns/dcat#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "schema": "https://schema.org/",
    "locn": "http://www.w3.org/ns/locn#",
    "eli": "http://data.europa.eu/eli/ontology#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "org": "http://www.w3.org/ns/org#",
}
CURRENCY_AUTHORITY = "http://publications.europa.eu/resource/authority/currency/"
LANGUAGE_AUTHORITY = "http://publications.europa.eu/resource/authority/language/"
LANGUAGE_CODES = {"en": "ENG", "ro": "RON", "ru": "RUS"}
COUNTRY_AUTHORITY = "http://publications.europa.eu/resource/authority/country/"
COUNTRY_CODES = {"MD": "MDA"}
# the catalogue's channel types (docs/catalogue-format.md), a concept scheme of the export's own
CHANNEL_TYPES = {
    "in_person": {"en": "In person", "ro": "În persoană", "ru": "Лично"},
    "online": {"en": "Online", "ro": "Online", "ru": "Онлайн"},
    "phone": {"en": "By phone", "ro": "Prin telefon", "ru": "По телефону"},
    "post": {"en": "By post", "ro": "Prin poștă", "ru": "По почте"},
}
DAY_NAMES = {
    "Mo": "Monday",
    "Tu": "Tuesday",
    "We": "Wednesday",
    "Th": "Thursday",
    "Fr": "Friday",
    "Sa": "Saturday",
    "Su": "Sunday",
}


def _texts(value: Any) -> list[dict[str, str]]:
    if not isinstance(value, dict):
        return []
    return [{"@language": lang, "@value": text} for lang, text in value.items() if text]


def _ref(iri: str) -> dict[str, str]:
    return {"@id": iri}


def _point(coordinates: dict[str, float]) -> dict[str, str]:
    return {
        "@value": "POINT({lon} {lat})".format(**coordinates),
        "@type": "http://www.opengis.net/ont/geosparql#wktLiteral",
    }


class _Exporter:
    def __init__(self, content: Content, base: str) -> None:
        self.content = content
        self.base = base.rstrip("/") + "/id/"
        self.graph: list[dict[str, Any]] = []
        country = content.meta.get("country") or {}
        self.country_iri = COUNTRY_AUTHORITY + COUNTRY_CODES.get(country.get("code", "MD"), "MDA")
        self.country_name = country.get("name") or {"en": "Republic of Moldova"}

    def iri(self, kind: str, ident: str) -> str:
        return f"{self.base}{kind}/{ident}"

    def export(self) -> dict[str, Any]:
        self.code_lists()
        for locality_id, locality in self.content.localities.items():
            self.graph.append(
                {
                    "@id": self.iri("locality", locality_id),
                    "@type": "dct:Location",
                    "dct:identifier": locality_id,
                    "skos:prefLabel": _texts(locality["name"]),
                    "locn:geometry": _point(locality["coordinates"]),
                }
            )
        for org_id in self.content.organisations:
            self.organisation(org_id)
        for document_id, document in self.content.documents.items():
            self.graph.append(
                {
                    "@id": self.iri("evidence", document_id),
                    "@type": "cv:Evidence",
                    "dct:identifier": document_id,
                    "dct:title": _texts(document["name"]),
                    "dct:description": _texts(document.get("description")),
                }
            )
        for service_id in self.content.services:
            self.service(service_id)
        for event_id, event in self.content.life_events.items():
            self.graph.append(
                {
                    "@id": self.iri("life-event", event_id),
                    "@type": ["cv:LifeEvent", "cv:Event"],
                    "dct:identifier": event_id,
                    "dct:title": _texts(event["title"]),
                    "dct:description": _texts(event["description"]),
                    "dct:relation": [_ref(self.iri("service", ref["service"])) for ref in event["services"]],
                }
            )
        return {"@context": CONTEXT, "@graph": self.graph}

    def code_lists(self) -> None:
        """The values taken from code lists, each typed with the class CPSV-AP's shapes expect."""
        self.graph.append(
            {"@id": self.country_iri, "@type": "dct:Location", "skos:prefLabel": _texts(self.country_name)}
        )
        for lang in self.content.languages:
            if lang in LANGUAGE_CODES:
                self.graph.append({"@id": LANGUAGE_AUTHORITY + LANGUAGE_CODES[lang], "@type": "dct:LinguisticSystem"})
        currencies = {cost["currency"] for service in self.content.services.values() for cost in service["costs"]}
        for currency in sorted(currencies):
            self.graph.append(
                {
                    "@id": CURRENCY_AUTHORITY + currency,
                    "@type": "skos:Concept",
                    "skos:prefLabel": currency,
                    "skos:inScheme": _ref(CURRENCY_AUTHORITY.rstrip("/")),
                }
            )
        scheme = self.iri("channel-type", "").rstrip("/")
        self.graph.append({"@id": scheme, "@type": "skos:ConceptScheme", "dct:title": "Channel types"})
        for channel_type, labels in CHANNEL_TYPES.items():
            self.graph.append(
                {
                    "@id": self.iri("channel-type", channel_type),
                    "@type": "skos:Concept",
                    "skos:prefLabel": _texts(labels),
                    "skos:inScheme": _ref(scheme),
                }
            )

    def organisation(self, org_id: str) -> None:
        org = self.content.organisations[org_id]
        main_contact = self.iri("contact-point", org_id)
        contact: dict[str, Any] = {"@id": main_contact, "@type": ["schema:ContactPoint", "cv:ContactPoint"]}
        if org.get("website"):
            contact["schema:url"] = _ref(org["website"])
        if org.get("phone"):
            contact["schema:telephone"] = org["phone"]
        if org.get("email"):
            contact["schema:email"] = org["email"]
        self.graph.append(contact)
        offices = [self.office(office, org.get("phone")) for office in org.get("offices") or []]
        self.graph.append(
            {
                "@id": self.iri("organisation", org_id),
                "@type": ["cv:PublicOrganisation", "org:Organization"],
                "dct:identifier": org_id,
                "skos:prefLabel": _texts(org["name"]),
                "dct:description": _texts(org["description"]),
                "dct:spatial": _ref(self.country_iri),
                "schema:contactPoint": [_ref(main_contact), *offices],
            }
        )

    def office(self, office: dict[str, Any], organisation_phone: str | None) -> dict[str, str]:
        """An office as a contact point with its address, place and hours; a reference to it."""
        office_iri = self.iri("contact-point", office["id"])
        node: dict[str, Any] = {
            "@id": office_iri,
            "@type": ["schema:ContactPoint", "cv:ContactPoint"],
            "dct:identifier": office["id"],
            "skos:prefLabel": _texts(office["name"]),
            "locn:address": {
                "@type": "locn:Address",
                "locn:fullAddress": _texts(office["address"]),
                "locn:postName": _texts(self.content.localities[office["locality"]]["name"]),
                "locn:adminUnitL1": _texts(self.country_name),
            },
            "dct:spatial": _ref(self.iri("locality", office["locality"])),
            "locn:geometry": _point(office["coordinates"]),
            "schema:hoursAvailable": [
                {
                    "@type": "schema:OpeningHoursSpecification",
                    "schema:dayOfWeek": [_ref(f"https://schema.org/{DAY_NAMES[d]}") for d in hours["days"]],
                    "schema:opens": {"@value": f"{hours['opens']}:00", "@type": "xsd:time"},
                    "schema:closes": {"@value": f"{hours['closes']}:00", "@type": "xsd:time"},
                }
                for hours in office["opening_hours"]
            ],
        }
        phone = office.get("phone") or organisation_phone
        if phone:
            node["schema:telephone"] = phone
        self.graph.append(node)
        return _ref(office_iri)

    def service(self, service_id: str) -> None:
        """A public service with its costs, channels and output, each a node of its own."""
        service = self.content.services[service_id]
        iri = self.iri("service", service_id)
        authority = self.iri("organisation", service["authority"])
        costs = [self.cost(service_id, iri, authority, n, cost) for n, cost in enumerate(service["costs"], 1)]
        channels = [self.channel(service_id, iri, authority, n, ch) for n, ch in enumerate(service["channels"], 1)]
        output_iri = f"{iri}/output"
        self.graph.append(
            {
                "@id": output_iri,
                "@type": "cv:Output",
                "dct:identifier": f"{service_id}-output",
                "dct:title": _texts(service["output"]),
            }
        )
        node = {
            "@id": iri,
            "@type": "cpsv:PublicService",
            "dct:identifier": service_id,
            "dct:title": _texts(service["title"]),
            "dct:description": _texts(service["description"]),
            "cv:hasCompetentAuthority": _ref(authority),
            "cpsv:hasInput": [_ref(self.iri("evidence", need["document"])) for need in service["documents"]],
            "cpsv:produces": _ref(output_iri),
            "cv:hasCost": costs,
            "cv:hasChannel": channels,
            "cv:hasContactPoint": _ref(self.iri("contact-point", service["authority"])),
            "cv:isGroupedBy": [
                _ref(self.iri("life-event", event_id)) for event_id in self.content.life_events_using(service_id)
            ],
            "dct:language": [
                _ref(LANGUAGE_AUTHORITY + LANGUAGE_CODES[lang])
                for lang in self.content.languages
                if lang in LANGUAGE_CODES
            ],
            "dcat:keyword": [
                {"@language": lang, "@value": word}
                for lang, words in (service.get("keywords") or {}).items()
                for word in words
            ],
        }
        if service.get("legal_basis"):
            node["cv:hasLegalResource"] = {"@type": "eli:LegalResource", "dct:title": _texts(service["legal_basis"])}
        self.graph.append(node)

    def cost(self, service_id: str, iri: str, authority: str, number: int, cost: dict[str, Any]) -> dict[str, str]:
        """The service's `number`th cost; a fee set case by case has no value (its description says how)."""
        cost_iri = f"{iri}/cost/{number}"
        value = (
            {"cv:value": {"@value": str(cost["amount"]), "@type": "xsd:decimal"}}
            if cost.get("amount") is not None
            else {}
        )
        self.graph.append(
            {
                **value,
                "@id": cost_iri,
                "@type": "cv:Cost",
                "dct:identifier": f"{service_id}-cost-{number}",
                "cv:currency": _ref(CURRENCY_AUTHORITY + cost["currency"]),
                "dct:description": _texts(cost.get("label")),
                "cv:isDefinedBy": _ref(authority),
            }
        )
        return _ref(cost_iri)

    def channel(
        self, service_id: str, iri: str, authority: str, number: int, channel: dict[str, Any]
    ) -> dict[str, str]:
        channel_iri = f"{iri}/channel/{channel['type']}-{number}"
        node: dict[str, Any] = {
            "@id": channel_iri,
            "@type": "cv:Channel",
            "dct:identifier": f"{service_id}-{channel['type']}",
            "dct:type": _ref(self.iri("channel-type", channel["type"])),
            "cv:ownedBy": _ref(authority),
        }
        if channel.get("url"):
            node["cv:hasContactPoint"] = {
                "@type": ["schema:ContactPoint", "cv:ContactPoint"],
                "schema:url": _ref(channel["url"]),
            }
        self.graph.append(node)
        return _ref(channel_iri)


def export(content: Content, base: str) -> dict[str, Any]:
    return _Exporter(content, base).export()
