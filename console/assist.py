"""Assist mode: at a counter or on the phone, a staff member types the citizen's situation (any of
the three languages), answers the catalogue's questions on screen and gets the assistant's own
guide in the citizen's language — to print, or to send to the citizen's open conversation.

Nothing is rewritten here: the life event is read by the assistant's own model (Rasa's
`/model/parse`), the questions come in the order the actions ask them (`actions.guidance.
next_question`), the guide is the actions' guide (`actions.guidance.guide_messages`), the
language is guessed as the actions guess it (`actions.language.detect`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from actions.guidance import costs_text, document_lines, guide_messages, hours_text, next_question
from actions.language import detect
from actions.state import UNKNOWN
from catalogue_client import Catalogue, LifeEvent, Office, Question

LANGUAGES = ("en", "ro", "ru")
STAFF_LANGUAGE = "en"  # the console's own language: questions are shown to staff in it
ANSWER_PREFIX = "a_"


@dataclass
class Step:
    """Where an assist session stands: the life event, the answers so far, and either the next
    question (in the staff's language) or the guide (in the citizen's)."""

    event_id: str
    lang: str
    answers: dict[str, str]
    title: str = ""  # in the staff's language
    guide_title: str = ""  # in the citizen's
    question: Question | None = None
    localities: list[tuple[str, str]] = field(default_factory=list)
    guide: list[str] = field(default_factory=list)
    answered: list[tuple[str, str]] = field(default_factory=list)


def answers_from(query: Any) -> dict[str, str]:
    """The answers carried in a form or query string as `a_<question id>=<answer>`."""
    return {
        str(key)[len(ANSWER_PREFIX) :]: str(value)[:100]
        for key, value in query.items()
        if str(key).startswith(ANSWER_PREFIX) and value
    }


def guess_language(text: str, fallback: str) -> str:
    found = detect(text) if text else None
    return found if found in LANGUAGES else fallback


def life_event_of(parse: dict[str, Any]) -> str | None:
    """The life event the assistant's model reads in a text (its intent), if any."""
    name = str((parse.get("intent") or {}).get("name") or "")
    if name.startswith("life_event_"):
        return name[len("life_event_") :].replace("_", "-")
    named = parse.get("life_events") or []
    return str(named[0]) if named else None


def nearest_offices(catalogue: Catalogue, locality: str | None, lang: str) -> dict[str, Office]:
    """The nearest office of each organisation to the locality, as the assistant picks them."""
    if not locality or locality == UNKNOWN:
        return {}
    nearest: dict[str, Office] = {}
    for office in catalogue.offices_near(locality=locality, limit=100, lang=lang):
        nearest.setdefault(office.organisation, office)
    return nearest


def step(catalogue: Catalogue, event_id: str, lang: str, answers: dict[str, str]) -> Step:
    """The next question, or the guide once nothing is left to ask (blocking: run in a thread)."""
    shown: LifeEvent = catalogue.life_event(event_id, lang=STAFF_LANGUAGE)
    result = Step(event_id, lang, answers, title=shown.title)
    for question in shown.questions:
        if question.id in answers:
            labels = {option.id: option.label for option in question.options}
            value = answers[question.id]
            result.answered.append((question.text, "does not know" if value == UNKNOWN else labels.get(value, value)))
    upcoming = next_question(shown, answers)
    if upcoming is not None:
        result.question = upcoming
        if upcoming.type == "locality":
            places = catalogue.localities(lang=STAFF_LANGUAGE)
            result.localities = sorted(((place.id, place.name) for place in places), key=lambda item: item[1])
        return result
    event = catalogue.life_event(event_id, lang=lang)
    result.guide_title = event.title
    result.guide = guide_messages(event, answers, nearest_offices(catalogue, answers.get("locality"), lang), lang)
    return result


def facts(catalogue: Catalogue, query: str, lang: str, limit: int = 5) -> list[tuple[str, list[str]]]:
    """Catalogue facts to insert in a reply, in the citizen's language: for each hit of a search
    (services, organisations, life events) its title and a few sentences worth sending as they are."""
    found: list[tuple[str, list[str]]] = []
    for hit in catalogue.search(query, lang=lang, limit=limit):
        lines: list[str] = []
        if hit.type == "service":
            service = catalogue.service(hit.id, lang=lang)
            lines.append(f"{service.title}: {service.description}")
            if service.costs:
                lines.append(f"{service.title}: {costs_text(service, lang)}")
            documents = document_lines(service, {}, lang)
            if documents:
                lines.append(f"{service.title}:\n" + "\n".join(documents))
            if service.deadline:
                lines.append(f"{service.title}: {service.deadline}")
            if service.online_url:
                lines.append(f"{service.title}: {service.online_url}")
        elif hit.type == "organisation":
            org = catalogue.organisation(hit.id, lang=lang)
            contacts = [org.name, *(value for value in (org.phone, org.email, org.website) if value)]
            lines.append(", ".join(contacts))
            for office in org.offices[:3]:
                lines.append(f"{office.name}: {office.address}. {hours_text(office.opening_hours, lang)}".strip())
        else:
            lines.append(f"{hit.title}: {hit.description or ''}".strip())
        found.append((hit.title, lines))
    return found
