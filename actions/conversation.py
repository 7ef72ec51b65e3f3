"""One turn's view of the conversation: slots read once, changes collected as events.

Every action works through a `Turn`: it reads the language, the life event,
the answers so far and the stage, says things (`say`, `send`), and changes
slots; `events()` gives Rasa the slot changes at the end. `GuideAction` is the
base of every action: it settles the language, records a feedback comment
when one is awaited, and turns a catalogue outage into a polite answer.
"""

from __future__ import annotations

import logging
from abc import ABCMeta, abstractmethod
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import language as languages
from actions.catalogue import call, catalogue
from actions.phrases import LANGUAGES, say
from actions.reading import FOLLOWUPS, Message
from catalogue_client import BadRequest, CatalogueError, Helpdesk, NotFound

log = logging.getLogger(__name__)
MAX_TEXT = 2000  # characters of a message the assistant reads or stores


class Turn:
    def __init__(self, tracker: Tracker, dispatcher: CollectingDispatcher) -> None:
        self.tracker = tracker
        self.dispatcher = dispatcher
        message = tracker.latest_message or {}
        self.text: str = (message.get("text") or "")[:MAX_TEXT]
        self.intent: str = (message.get("intent") or {}).get("name") or ""
        self.entities: list[dict[str, Any]] = list(message.get("entities") or [])
        self.metadata: dict[str, Any] = dict(message.get("metadata") or {})
        self.confidence: float = float((message.get("intent") or {}).get("confidence") or 0.0)
        self.ranking: list[dict[str, Any]] = list(message.get("intent_ranking") or [])
        self.life_events: list[str] = [str(e) for e in message.get("life_events") or []]
        self.payload = self.text.startswith("/")
        self._changes: dict[str, Any] = {}
        self.language_changed = False
        self.lang = self._settle_language()
        self.stale = False

    def message(self) -> Message:
        """What the reader needs of the message (`actions.reading`)."""
        return Message(
            text=self.text,
            intent=self.intent,
            confidence=self.confidence,
            payload=self.payload,
            option=self.entity("option"),
            locality=self.entity("locality"),
            life_events=tuple(self.life_events),
            followup=next((str(r["name"]) for r in self.ranking if str(r.get("name")) in FOLLOWUPS), None),
            runner_up=float(self.ranking[1].get("confidence") or 0.0) if len(self.ranking) > 1 else 0.0,
            best_event=next(
                ((str(r["name"]), float(r.get("confidence") or 0.0)) for r in self.ranking if is_life_event(r)), None
            ),
        )

    # -- slots ---------------------------------------------------------------
    def get(self, slot: str) -> Any:
        return self._changes[slot] if slot in self._changes else self.tracker.get_slot(slot)

    def set(self, slot: str, value: Any) -> None:
        self._changes[slot] = value

    def events(self) -> list[EventType]:
        if "language" in self._changes:  # the channel shows its own texts in the conversation's language
            self.dispatcher.utter_message(json_message={"language": self.lang})
        return [SlotSet(slot, value) for slot, value in self._changes.items()]

    @property
    def life_event(self) -> str | None:
        return self.get("life_event")

    @property
    def stage(self) -> str | None:
        return self.get("stage")

    @property
    def answers(self) -> dict[str, str]:
        return dict(self.get("answers") or {})

    def answer(self, question_id: str, value: str) -> None:
        answers = self.answers
        answers[question_id] = value
        self.set("answers", answers)

    def failed(self) -> int:
        count = int(self.get("failed_attempts") or 0) + 1
        self.set("failed_attempts", float(count))
        return count

    def understood(self) -> None:
        if self.get("failed_attempts"):
            self.set("failed_attempts", 0.0)

    def entity(self, name: str) -> str | None:
        for entity in self.entities:
            if entity.get("entity") == name and entity.get("value"):
                return str(entity["value"])
        return None

    def entity_values(self, name: str) -> list[str]:
        return [str(e["value"]) for e in self.entities if e.get("entity") == name and e.get("value")]

    # -- language -------------------------------------------------------------
    def _settle_language(self) -> str:
        """The conversation's language: the channel's is a default; a message clearly in another one wins."""
        current = self.tracker.get_slot("language")
        written = None if self.payload else languages.clearly_written_in(self.text)
        if current in LANGUAGES:
            if written and written != current:
                self.switch_language(written)
                return written
            return str(current)
        wanted = self.metadata.get("language")
        lang = written or (wanted if wanted in LANGUAGES else languages.detect(self.text) or "en")
        self.switch_language(lang)
        self.language_changed = False  # the first language is no change to announce
        return lang

    def switch_language(self, lang: str) -> None:
        self.lang = lang
        self.set("language", lang)
        self.language_changed = True

    # -- speaking -------------------------------------------------------------
    def say(self, key: str, buttons: list[dict[str, str]] | None = None, **values: Any) -> None:
        self.send(say(key, self.lang, **values), buttons)

    def send(self, text: str, buttons: list[dict[str, str]] | None = None) -> None:
        if buttons:
            self.dispatcher.utter_message(text=text, buttons=buttons)
        else:
            self.dispatcher.utter_message(text=text)

    def note_staleness(self, *results: Any) -> None:
        """Warn once per turn when an answer came from the cache because the catalogue is down."""
        if not self.stale and any(getattr(result, "stale", False) for result in results):
            self.stale = True
            self.say("stale_warning")


def button(title: str, payload: str) -> dict[str, str]:
    return {"title": title, "payload": payload}


async def helpdesk_contacts(turn: Turn) -> None:
    """The helpdesk's contacts and hours from the catalogue (its cached copy if it is down)."""
    try:
        helpdesk: Helpdesk = await call(catalogue().helpdesk, lang=turn.lang)
    except CatalogueError:
        log.warning("No helpdesk contacts available: the catalogue is down and nothing is cached")
        return
    org = helpdesk.organisation
    lines = [org.name]
    if org.phone:
        lines.append(f"{say('contact_phone', turn.lang)}: {org.phone}")
    if org.email:
        lines.append(f"{say('contact_email', turn.lang)}: {org.email}")
    if org.website:
        lines.append(f"{say('contact_website', turn.lang)}: {org.website}")
    if helpdesk.hours:
        lines.append(f"{say('contact_hours', turn.lang)}: {helpdesk.hours}")
    turn.send("\n".join(lines))


class GuideAction(Action, metaclass=ABCMeta):
    """Base of every action: language, feedback comments and catalogue outages handled once."""

    action_name = ""

    def name(self) -> str:
        return self.action_name

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list[EventType]:
        turn = Turn(tracker, dispatcher)
        try:
            await self.handle(turn)
        except (NotFound, BadRequest) as error:  # something the citizen named that does not exist: no outage
            log.info("%s: the catalogue has no answer for that (%s)", self.name(), type(error).__name__)
            turn.say("not_in_catalogue")
        except CatalogueError as error:
            log.warning("%s: catalogue unavailable (%s)", self.name(), type(error).__name__)
            turn.say("catalogue_down")
            await helpdesk_contacts(turn)
        return turn.events()

    @abstractmethod
    async def handle(self, turn: Turn) -> None:
        """What this action does with the turn."""


def is_life_event(ranked: dict[str, Any]) -> bool:
    return str(ranked.get("name") or "").startswith("life_event_")
