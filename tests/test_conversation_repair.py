"""Conversations that hold when citizens type, over the real stack (REST, Rasa, actions, catalogue):
negated answers, option words, a change of mind confirmed and refused, questions after the guide,
two situations, a service outside the catalogue, the language following the citizen."""

from __future__ import annotations

import uuid
from typing import Any

import requests

from tests.conftest import RASA_API_TOKEN, Stack


class Citizen:
    def __init__(self, stack: Stack, lang: str = "en") -> None:
        self.stack = stack
        self.sender = f"web-{uuid.uuid4().hex}"
        self.lang = lang

    def say(self, text: str) -> str:
        replies = self.stack.say(self.sender, text, language=self.lang)
        return "\n".join(m.get("text") or "" for m in replies)

    def replies(self, text: str) -> list[dict[str, Any]]:
        return self.stack.say(self.sender, text, raw=True, language=self.lang)

    @property
    def slots(self) -> dict[str, Any]:
        url = f"{self.stack.rasa_url}/conversations/{self.sender}/tracker"
        response = requests.get(url, params={"token": RASA_API_TOKEN}, timeout=30)
        response.raise_for_status()
        return dict(response.json()["slots"])

    @property
    def answers(self) -> dict[str, str]:
        return dict(self.slots.get("answers") or {})


def test_typed_answers_with_negations_stay_in_the_life_event(assistant: Stack) -> None:
    citizen = Citizen(assistant)
    citizen.say("my wife gave birth yesterday, what do we do")
    assert citizen.slots["pending_question"] == "birth_born_abroad"
    said = citizen.say("no, here in Moldova")
    assert "Moving" not in said and "foreigner" not in said
    assert citizen.slots["life_event"] == "birth"
    assert citizen.answers["birth_born_abroad"] == "no"
    citizen.say("yes we are married")
    assert citizen.slots["life_event"] == "birth"
    assert citizen.answers["birth_parents_married"] == "married"


def test_russian_negation_and_a_foreign_city(assistant: Stack) -> None:
    citizen = Citizen(assistant, "ru")
    citizen.say("у нас родился сын, что нужно оформить?")
    citizen.say("нет, не за границей")
    assert citizen.answers["birth_born_abroad"] == "no"
    other = Citizen(assistant, "ru")
    other.say("у нас родился сын, что нужно оформить?")
    other.say("в Москве рожала")
    assert other.answers["birth_born_abroad"] == "yes"


def test_numbers_and_abbreviations_answer_their_questions(assistant: Stack) -> None:
    citizen = Citizen(assistant, "ro")
    citizen.say("vreau sa ies la pensie, ce acte trebuie?")
    assert citizen.slots["pending_question"] == "retirement_min_contribution"
    citizen.say("da am 35 de ani de stagiu")
    assert citizen.slots["life_event"] == "retirement"
    assert citizen.answers["retirement_min_contribution"] == "yes"
    business = Citizen(assistant)
    business.say("I want to open a business")
    assert business.slots["pending_question"] == "starting_business_legal_form"
    business.say("SRL")
    assert business.answers["starting_business_legal_form"] == "srl"


def test_facts_given_earlier_are_not_asked_again(assistant: Stack) -> None:
    citizen = Citizen(assistant)
    citizen.say("we are buying a flat with a mortgage, we live in Cahul")
    assert citizen.answers.get("locality") == "cahul"
    asked = []
    for _ in range(8):
        slots = citizen.slots
        if slots.get("stage") != "asking":
            break
        asked.append(slots["pending_question"])
        citizen.say("I don't know")
    assert "locality" not in asked


def test_a_change_of_mind_is_asked_about_and_can_be_refused(assistant: Stack) -> None:
    citizen = Citizen(assistant)
    citizen.say("my wife gave birth yesterday")
    citizen.say("no")
    before = citizen.answers
    said = citizen.say("and my father died this morning, what do i do about the funeral")
    assert "Start that instead?" in said
    assert citizen.slots["life_event"] == "birth"
    said = citizen.say("no, continue")
    assert citizen.slots["life_event"] == "birth" and citizen.answers == before
    assert citizen.slots["pending_question"] == "birth_parent_insured"  # "my wife": the parents are married


def test_a_change_of_mind_confirmed_starts_the_other_life_event(assistant: Stack) -> None:
    citizen = Citizen(assistant)
    citizen.say("my wife gave birth yesterday")
    citizen.say("and my father died this morning, what do i do about the funeral")
    assert citizen.slots["proposed_life_event"] == "death"
    said = citizen.say("yes")
    assert citizen.slots["life_event"] == "death"
    assert "Death" in said


def walk_to_guide(citizen: Citizen) -> None:
    for _ in range(10):
        if citizen.slots.get("stage") != "asking":
            return
        citizen.say("I don't know")


def test_questions_after_the_guide_are_about_the_guide(assistant: Stack) -> None:
    citizen = Citizen(assistant)
    citizen.say("I lost my job last week, I live in Balti")
    walk_to_guide(citizen)
    answers = citizen.answers
    assert citizen.slots["stage"] == "feedback"
    said = citizen.say("how much money will I get from the unemployment benefit?")
    assert said.strip()
    assert citizen.slots["life_event"] == "job-loss" and citizen.slots["stage"] == "feedback"
    assert citizen.answers == answers
    assert citizen.slots.get("pending_question") is None
    said = citizen.say("what documents do I need for the second step?")
    assert citizen.slots["stage"] == "feedback" and said.strip()


def test_two_situations_in_one_message_are_both_guided(assistant: Stack) -> None:
    citizen = Citizen(assistant)
    said = citizen.say("we got married in Romania last year and moved to Chisinau in March")
    assert "two situations" in said
    assert citizen.slots["life_event"] == "marriage"
    assert citizen.slots["queued_life_events"] == ["moving"]
    walk_to_guide(citizen)
    assert citizen.slots["life_event"] == "marriage" and citizen.slots["proposed_life_event"] == "moving"
    said = citizen.say("yes please")
    assert citizen.slots["life_event"] == "moving"
    walk_to_guide(citizen)
    assert citizen.slots["stage"] == "feedback" and not citizen.slots.get("proposed_life_event")
    declines = Citizen(assistant)
    declines.say("we got married in Romania last year and moved to Chisinau in March")
    walk_to_guide(declines)
    said = declines.say("no, thanks")
    assert declines.slots["life_event"] == "marriage" and not declines.slots.get("proposed_life_event")
    assert "Did this guide help you?" in said


def test_outside_the_catalogue_is_said_plainly(assistant: Stack) -> None:
    citizen = Citizen(assistant)
    said = citizen.say("how do I get a criminal record certificate?")
    assert "not in the catalogue" in said
    assert citizen.slots.get("life_event") is None
    vague = Citizen(assistant)
    said = vague.say("i need papers")
    assert vague.slots.get("life_event") is None
    assert "What happened" in said
    unclear = Citizen(assistant)
    assert "What happened" in unclear.say("i need some documents, i did my military service")
    unclear.say("it is about my pension")
    assert unclear.slots["life_event"] == "retirement"
    assert unclear.answers.get("retirement_military_service") == "yes", "the unclear first message still counts"


def test_the_language_follows_what_the_citizen_writes(assistant: Stack) -> None:
    citizen = Citizen(assistant, "ro")  # a Romanian page
    replies = citizen.replies("здравствуйте, у меня умер отец, что делать")
    assert citizen.slots["language"] == "ru"
    assert {"language": "ru"} in [m.get("custom") for m in replies]
    assert "Понятно" in "\n".join(m.get("text") or "" for m in replies)
    citizen.say("👍")
    assert citizen.slots["language"] == "ru"
    said = citizen.say("nu stiu ce sa zic, scrieti-mi in romana")
    assert citizen.slots["language"] == "ro"
    assert "română" in said
