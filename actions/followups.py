"""Follow-up questions at any point — cost, online, office, documents, deadline — then back to where we were."""

from __future__ import annotations

from actions.catalogue import call, catalogue
from actions.conversation import GuideAction, Turn
from actions.flow import load_event, resume
from actions.guidance import applicable_steps, costs_text, document_lines, hours_text, office_text
from actions.matching import locality_in
from actions.phrases import say
from catalogue_client import LifeEvent, Service
from nlp.text import phrase_in


async def services_asked_about(turn: Turn, event: LifeEvent | None) -> list[Service]:
    """The services a follow-up is about: named in it, else the current life event's, else a search."""
    named = set(turn.entity_values("service"))
    if event is not None:
        steps = [step for step, _ in applicable_steps(event, turn.answers)]
        chosen = [s.service for s in steps if s.service.id in named or phrase_in(s.service.title, turn.text)]
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


class ActionFollowup(GuideAction):
    action_name = "action_followup"

    async def handle(self, turn: Turn) -> None:
        event = await load_event(turn)
        services = await services_asked_about(turn, event)
        if not services:
            turn.say("which_situation")
            return
        answer = {
            "ask_cost": self.cost,
            "ask_online": self.online,
            "ask_documents": self.documents,
            "ask_deadline": self.deadline,
        }.get(turn.intent)
        if answer is not None:
            turn.send("\n".join(answer(turn, service) for service in services))
        else:
            await self.office(turn, services)
        await resume(turn)

    @staticmethod
    def cost(turn: Turn, service: Service) -> str:
        return say("cost_answer", turn.lang, title=service.title, cost=costs_text(service, turn.lang))

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
    def deadline(turn: Turn, service: Service) -> str:
        text = say("deadline_answer", turn.lang, title=service.title, processing=service.processing_time)
        if service.deadline:
            text += " " + say("deadline_legal", turn.lang, deadline=service.deadline)
        return text

    @staticmethod
    async def office(turn: Turn, services: list[Service]) -> None:
        point = turn.metadata.get("location") or {}
        if "lat" in point and "lon" in point:  # a location the channel shared (Telegram)
            offices = await call(
                catalogue().offices_near, float(point["lat"]), float(point["lon"]), limit=100, lang=turn.lang
            )
        else:
            localities = await call(catalogue().localities, lang=turn.lang)
            locality = locality_in(turn.text, turn.entity_values("locality"), localities) or turn.answers.get(
                "locality"
            )
            if not locality or locality == "?":
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
            lines.append(f"{office_text(office, turn.lang)} ({say('distance', turn.lang, km=office.distance_km)})")
            lines.append(f"{say('label_hours', turn.lang)}: {hours_text(office.opening_hours, turn.lang)}")
        turn.send("\n".join(lines) if lines else say("office_which_locality", turn.lang))
