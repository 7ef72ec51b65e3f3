"""Follow-up questions at any point — cost, online, office, documents, deadline, amount — then back
to where we were."""

from __future__ import annotations

from typing import Any

from actions.answers import ORDINALS, locality_in
from actions.catalogue import call, catalogue
from actions.conversation import Turn
from actions.flow import resume
from actions.guidance import applicable_steps, costs_text, document_lines, hours_text, office_text
from actions.phrases import say
from actions.reading import Reading
from actions.state import UNKNOWN
from catalogue_client import LifeEvent, Locality, Service
from folding import fold, phrase_in, words

BENEFIT_WORDS = (
    "allowance",
    "benefit",
    "pension",
    "aid",
    "indemniza",
    "alocat",
    "ajutor",
    "pensi",
    "пособи",
    "пенси",
    "помощ",
    "выплат",
)


def step_number(text: str) -> int | None:
    """ "the second step", "pasul doi", "второй шаг": the step's index."""
    tokens = set(words(text))
    for index, markers in ORDINALS.items():
        if tokens & {fold(m) for m in markers}:
            return index
    return None


def names_a_benefit(text: str) -> bool:
    folded = fold(text)
    return any(w in folded for w in BENEFIT_WORDS)


def followup_kind(reading: Reading, text: str) -> str:
    """What the follow-up asks; "how much is the allowance?" asks for the amount paid, not a fee."""
    if reading.value == "ask_cost" and names_a_benefit(text):
        return "ask_amount"
    return reading.value or ""


async def services_asked_about(turn: Turn, event: LifeEvent | None, kind: str = "") -> list[Service]:
    """The services a follow-up is about: named in it, a step by its number, else the current life
    event's, else a search."""
    named = set(turn.entity_values("service"))
    if event is not None:
        steps = [step for step, _ in applicable_steps(event, turn.answers)]
        chosen = [s.service for s in steps if s.service.id in named or phrase_in(s.service.title, turn.text)]
        index = step_number(turn.text)
        if not chosen and index is not None and index < len(steps):
            chosen = [steps[index].service]
        if not chosen and kind == "ask_amount":
            chosen = [s.service for s in steps if names_a_benefit(s.service.title)]
        return chosen or [s.service for s in steps]
    for service_id in named:
        service = await call(catalogue().service, service_id, lang=turn.lang)
        turn.note_staleness(service)
        return [service]
    hits = await call(catalogue().search, turn.text[:200], lang=turn.lang, types=["service"], limit=1)
    if len(hits) and hits[0].score > 1.0:
        service = await call(catalogue().service, hits[0].id, lang=turn.lang)
        turn.note_staleness(service)
        return [service]
    return []


def channels_text(service: Service, lang: str) -> str:
    names = [say(f"channel_{c.type}", lang) for c in service.channels if c.type != "online"]
    return ", ".join(names) or say("channel_in_person", lang)


async def followup(turn: Turn, reading: Reading, event: LifeEvent | None, localities: list[Locality]) -> None:
    """Answer the follow-up about the services it concerns, then go back to where we were."""
    kind = followup_kind(reading, turn.text)
    services = await services_asked_about(turn, event, kind)
    if not services:
        turn.say("which_situation")
        return
    answer = {
        "ask_cost": Answers.cost,
        "ask_online": Answers.online,
        "ask_documents": Answers.documents,
        "ask_deadline": Answers.deadline,
        "ask_amount": Answers.amount,
    }.get(kind)
    if answer is not None:
        turn.send("\n".join(answer(turn, service) for service in services))
    else:
        await Answers.office(turn, services, localities)
    await resume(turn)


def shared_location(metadata: dict[str, Any]) -> tuple[float, float] | None:
    """The (lat, lon) a channel shared, when it is a real point on Earth; anything else is ignored."""
    point = metadata.get("location")
    if not isinstance(point, dict):
        return None
    try:
        lat, lon = float(point["lat"]), float(point["lon"])
    except (KeyError, TypeError, ValueError):
        return None
    return (lat, lon) if -90 <= lat <= 90 and -180 <= lon <= 180 else None


class Answers:
    """One way to answer each follow-up, from the catalogue's facts."""

    @staticmethod
    def cost(turn: Turn, service: Service) -> str:
        return say("cost_answer", turn.lang, title=service.title, cost=costs_text(service, turn.lang, turn.answers))

    @staticmethod
    def online(turn: Turn, service: Service) -> str:
        if service.online_url:
            return say("online_yes", turn.lang, title=service.title, url=service.online_url)
        return say("online_no", turn.lang, title=service.title, channels=channels_text(service, turn.lang))

    @staticmethod
    def documents(turn: Turn, service: Service) -> str:
        lines = document_lines(service, turn.answers, turn.lang)
        return "\n".join([say("documents_answer", turn.lang, title=service.title), *lines])

    @staticmethod
    def amount(turn: Turn, service: Service) -> str:
        output = service.output.rstrip()
        output += "" if output.endswith((".", "!", "?")) else "."  # a sentence follows it
        text = say("amount_answer", turn.lang, title=service.title, output=output)
        return f"{text} {say('amount_where', turn.lang, authority=service.authority.name)}"

    @staticmethod
    def deadline(turn: Turn, service: Service) -> str:
        text = say("deadline_answer", turn.lang, title=service.title, processing=service.processing_time)
        if service.deadline:
            text += " " + say("deadline_legal", turn.lang, deadline=service.deadline)
        return text

    @staticmethod
    async def office(turn: Turn, services: list[Service], localities: list[Locality]) -> None:
        point = shared_location(turn.metadata)
        shared = point is not None
        if point is not None:  # a location the channel shared (Telegram)
            offices = await call(catalogue().offices_near, point[0], point[1], limit=100, lang=turn.lang)
        else:
            locality = locality_in(turn.text, localities, turn.entity_values("locality")) or turn.answers.get(
                "locality"
            )
            if not locality or locality == UNKNOWN:
                turn.say("office_which_locality")
                return
            offices = await call(catalogue().offices_near, locality=locality, limit=100, lang=turn.lang)
        turn.note_staleness(offices)
        lines = []
        seen = set()
        for service in services:
            office = next((o for o in offices if o.organisation == service.authority.id), None)
            if office is None or office.id in seen:
                continue
            seen.add(office.id)
            lines.append(say("office_answer", turn.lang, title=service.title))
            distance = office.distance_km or 0.0
            in_town = distance < 1 and not shared  # a town's centre, not where the citizen stands
            near = say("nearby", turn.lang) if in_town else say("distance", turn.lang, km=max(distance, 0.1))
            lines.append(f"{office_text(office, turn.lang)} ({near})")
            lines.append(f"{say('label_hours', turn.lang)}: {hours_text(office.opening_hours, turn.lang)}")
        turn.send("\n".join(lines) if lines else say("office_which_locality", turn.lang))
