"""Builds the JSON documents the service returns, in one language, from a `Content`.

Every text is picked in the requested language and falls back to English, so
callers never see a language mapping.
"""

from __future__ import annotations

import math
from typing import Any

from catalogue_service.content import Content

YES_NO_LABELS = {
    "yes": {"en": "Yes", "ro": "Da", "ru": "Да"},
    "no": {"en": "No", "ro": "Nu", "ru": "Нет"},
}


class Views:
    def __init__(self, content: Content) -> None:
        self.content = content

    def text(self, value: Any, lang: str) -> str | None:
        if not isinstance(value, dict):
            return None
        return value.get(lang) or value.get(self.content.fallback_language)

    def words(self, value: Any, lang: str) -> list[str]:
        if not isinstance(value, dict):
            return []
        return list(value.get(lang) or value.get(self.content.fallback_language) or [])

    # -- life events and questions ---------------------------------------
    def life_event_summary(self, event_id: str, lang: str) -> dict[str, Any]:
        event = self.content.life_events[event_id]
        return {
            "id": event_id,
            "title": self.text(event["title"], lang),
            "description": self.text(event["description"], lang),
        }

    def life_event(self, event_id: str, lang: str) -> dict[str, Any]:
        event = self.content.life_events[event_id]
        return {
            **self.life_event_summary(event_id, lang),
            "keywords": self.words(event.get("keywords"), lang),
            "questions": [self.question(q, lang) for q in self.content.event_questions(event)],
            "services": [
                {
                    "when": self.conditions(ref.get("when"), lang),
                    "service": self.service(ref["service"], lang),
                }
                for ref in event["services"]
            ],
        }

    def question(self, question: dict[str, Any], lang: str) -> dict[str, Any]:
        options = []
        for option in question.get("options") or []:
            option_id = str(option["id"])
            label = option.get("label") or YES_NO_LABELS.get(option_id)
            options.append(
                {
                    "id": option_id,
                    "label": self.text(label, lang),
                    "condition": self.text(option.get("condition"), lang),
                    "keywords": self.words(option.get("keywords"), lang),
                    "not_in": self.words(option.get("not_in"), lang),
                    "outweighs": [str(other) for other in option.get("outweighs") or []],
                    "relations": list(option.get("relations") or []),
                    "place": option.get("place"),
                    "place_names": self.foreign_place_names() if option.get("place") == "abroad" else [],
                    "yes_no": str(option["yes_no"]) if "yes_no" in option else None,
                    "combines": [str(other) for other in option.get("combines") or []],
                    "ages": option.get("ages"),
                }
            )
        return {
            "id": question["id"],
            "type": question["type"],
            "text": self.text(question["text"], lang),
            "options": options,
            "when": self.conditions(question.get("when"), lang),
            "at_least": question.get("at_least"),
            "under": question.get("under"),
        }

    def foreign_place_names(self) -> list[str]:
        """Every name of every foreign place, in every language: a Russian speaker may write "Italia"."""
        names: list[str] = []
        for place in self.content.places.values():
            names += [name for name in (place.get("name") or {}).values() if name]
            for words in (place.get("keywords") or {}).values():
                names += list(words or [])
        return names

    def conditions(self, when: dict[str, Any] | None, lang: str) -> list[dict[str, Any]]:
        """A `when` mapping as a list of {question, answers, text}; all must hold."""
        result = []
        for question_id, answers in (when or {}).items():
            answer_list = [str(a) for a in (answers if isinstance(answers, list) else [answers])]
            question = self.content.questions[str(question_id)]
            texts = [
                self.text(option.get("condition"), lang)
                for option in question.get("options") or []
                if str(option["id"]) in answer_list
            ]
            result.append(
                {
                    "question": str(question_id),
                    "answers": answer_list,
                    "text": " / ".join(t for t in texts if t),
                }
            )
        return result

    # -- services ---------------------------------------------------------
    def service_summary(self, service_id: str, lang: str) -> dict[str, Any]:
        service = self.content.services[service_id]
        return {
            "id": service_id,
            "title": self.text(service["title"], lang),
            "description": self.text(service["description"], lang),
            "authority": service["authority"],
            "life_events": self.content.life_events_using(service_id),
        }

    def service(self, service_id: str, lang: str) -> dict[str, Any]:
        service = self.content.services[service_id]
        return {
            **self.service_summary(service_id, lang),
            "output": self.text(service["output"], lang),
            "authority": self.organisation_summary(service["authority"], lang),
            "documents": [
                {
                    **self.document(need["document"], lang),
                    "when": self.conditions(need.get("when"), lang),
                }
                for need in service["documents"]
            ],
            "costs": [
                {
                    "label": self.text(cost.get("label"), lang),
                    "amount": cost.get("amount"),
                    "currency": cost["currency"],
                    "free": cost.get("amount") == 0,
                    "varies": bool(cost.get("varies")),
                    "when": self.conditions(cost.get("when"), lang),
                }
                for cost in service["costs"]
            ],
            "processing_time": self.text(service["processing_time"], lang),
            "deadline": self.text(service.get("deadline"), lang),
            "channels": [{"type": channel["type"], "url": channel.get("url")} for channel in service["channels"]],
            "online_url": next((c.get("url") for c in service["channels"] if c["type"] == "online"), None),
            "legal_basis": self.text(service.get("legal_basis"), lang),
            "keywords": self.words(service.get("keywords"), lang),
        }

    def document(self, document_id: str, lang: str) -> dict[str, Any]:
        document = self.content.documents[document_id]
        return {
            "id": document_id,
            "name": self.text(document["name"], lang),
            "description": self.text(document.get("description"), lang),
        }

    # -- organisations, offices, localities ---------------------------------
    def organisation_summary(self, org_id: str, lang: str) -> dict[str, Any]:
        org = self.content.organisations[org_id]
        return {
            "id": org_id,
            "name": self.text(org["name"], lang),
            "short_name": self.text(org.get("short_name"), lang),
            "website": org.get("website"),
            "phone": org.get("phone"),
            "email": org.get("email"),
        }

    def organisation(self, org_id: str, lang: str) -> dict[str, Any]:
        org = self.content.organisations[org_id]
        return {
            **self.organisation_summary(org_id, lang),
            "description": self.text(org["description"], lang),
            "offices": [self.office(office["id"], lang) for office in org.get("offices") or []],
        }

    def office(self, office_id: str, lang: str, distance_km: float | None = None) -> dict[str, Any]:
        office = self.content.offices[office_id]
        view = {
            "id": office_id,
            "organisation": office["organisation"],
            "name": self.text(office["name"], lang),
            "locality": self.locality(office["locality"], lang),
            "address": self.text(office["address"], lang),
            "coordinates": office["coordinates"],
            "phone": office.get("phone") or self.content.organisations[office["organisation"]].get("phone"),
            "opening_hours": [
                {"days": list(h["days"]), "opens": h["opens"], "closes": h["closes"]} for h in office["opening_hours"]
            ],
        }
        if distance_km is not None:
            view["distance_km"] = round(distance_km, 1)
        return view

    def locality(self, locality_id: str, lang: str) -> dict[str, Any]:
        locality = self.content.localities[locality_id]
        return {
            "id": locality_id,
            "name": self.text(locality["name"], lang),
            "district": self.text(locality.get("district"), lang),
            "coordinates": locality["coordinates"],
            "aliases": self.aliases(locality, lang),
        }

    def aliases(self, locality: dict[str, Any], lang: str) -> list[str]:
        """Other names citizens type for a locality: its name in the other languages and other spellings."""
        names = [name for code, name in (locality.get("name") or {}).items() if code != lang and name]
        for words in (locality.get("aliases") or {}).values():
            names += list(words or [])
        return list(dict.fromkeys(names))

    def offices_near(
        self,
        lat: float,
        lon: float,
        lang: str,
        organisation: str | None = None,
        limit: int = 5,
    ) -> list[dict[str, Any]]:
        candidates = [
            (distance_km(lat, lon, o["coordinates"]["lat"], o["coordinates"]["lon"]), office_id)
            for office_id, o in self.content.offices.items()
            if organisation is None or o["organisation"] == organisation
        ]
        candidates.sort()
        return [self.office(office_id, lang, dist) for dist, office_id in candidates[:limit]]

    def relations(self, lang: str) -> list[dict[str, Any]]:
        return [
            {"id": relation_id, "name": self.text(r["name"], lang), "keywords": self.words(r.get("keywords"), lang)}
            for relation_id, r in self.content.relations.items()
        ]

    def helpdesk(self, lang: str) -> dict[str, Any]:
        helpdesk = self.content.meta["helpdesk"]
        org_id = helpdesk["organisation"]
        return {
            "organisation": self.organisation(org_id, lang),
            "hours": self.text(helpdesk.get("hours"), lang),
        }


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine)."""
    radius = 6371.0
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi = math.radians(lat2 - lat1)
    dlambda = math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * radius * math.asin(math.sqrt(a))
