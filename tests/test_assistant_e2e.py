"""End to end: the catalogue service, the action server and the Rasa server, talked to over REST."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from tests.conftest import Stack


def text_of(replies: list[dict[str, Any]]) -> str:
    return "\n".join(r.get("text", "") for r in replies)


def answer_until_guide(assistant: Stack, sender: str, replies: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Press the first button of each question until the guide arrives."""
    for _ in range(8):
        buttons = replies[-1].get("buttons") or []
        if [b["payload"] for b in buttons] == ["/affirm", "/deny"]:  # "did this help?"
            return replies
        assert buttons, f"expected a question with buttons, got {text_of(replies)!r}"
        replies = assistant.say(sender, buttons[0]["payload"])
    raise AssertionError("the guide never came")


CONVERSATIONS = [
    ("en", "Hi. My dad passed away yesterday in Bălți, what do I do?", "I understand", "Checklist", "Bălți"),
    (
        "ro",
        "Bună ziua, soția a născut ieri o fetiță, locuim la Cahul. Ce acte trebuie să fac?",
        "Am înțeles",
        "Lista",
        "Cahul",
    ),
    ("ru", "Здравствуйте. Я потерял работу, живу в Кагуле. Что делать?", "Понятно", "Список", "Кагул"),
]


@pytest.mark.parametrize(("lang", "opening", "recognised", "checklist", "town"), CONVERSATIONS)
def test_a_full_conversation_in_each_language(
    assistant: Stack, lang: str, opening: str, recognised: str, checklist: str, town: str
) -> None:
    sender = f"web-{uuid.uuid4().hex}"
    replies = assistant.say(sender, opening)
    assert recognised in text_of(replies)
    replies = answer_until_guide(assistant, sender, replies)
    guide = text_of(replies)
    assert checklist in guide and town in guide
    follow_up, answer = {
        "en": ("how much does it cost?", "Cost of “"),
        "ro": ("cât costă?", "Costul pentru „"),
        "ru": ("сколько это стоит?", "Стоимость услуги «"),
    }[lang]
    assert answer in text_of(assistant.say(sender, follow_up))
    thanks = text_of(assistant.say(sender, "/affirm"))
    assert thanks and thanks != guide


def test_digression_and_language_switch_mid_questions(assistant: Stack) -> None:
    sender = f"web-{uuid.uuid4().hex}"
    first = assistant.say(sender, "I need to register my new car")
    question = first[-1]["text"]
    replies = assistant.say(sender, "can I do it online?")
    assert replies[-1]["text"] == question, "the pending question is asked again after the digression"
    replies = assistant.say(sender, "in Romanian please")
    said = text_of(replies)
    assert "limba română" in said
    assert replies[-1]["buttons"] and replies[-1]["text"] != question


def test_handover_gives_the_helpdesk(assistant: Stack) -> None:
    sender = f"web-{uuid.uuid4().hex}"
    assistant.say(sender, "хочу открыть ИП")
    said = text_of(assistant.say(sender, "соедините меня с оператором"))
    assert "asp.gov.md" in said


def test_a_catalogue_outage_mid_conversation(assistant: Stack) -> None:
    before, sender, new, after_id = (f"web-{uuid.uuid4().hex}" for _ in range(4))
    opening = "Bună ziua, soția a născut ieri o fetiță, locuim la Cahul. Ce acte trebuie să fac?"
    answer_until_guide(assistant, before, assistant.say(before, opening))
    assistant.catalogue.stop()
    try:
        guide = text_of(answer_until_guide(assistant, sender, assistant.say(sender, opening)))
        assert "Lista" in guide and "Cahul" in guide, "what the client cached still gives the whole guide"
        said = text_of(assistant.say(new, "vreau să-mi închid firma, ce trebuie făcut?"))
        assert "nu pot accesa acum catalogul" in said, "nothing cached: an apology in the citizen's language"
        assert "asp.gov.md" in said, "and the helpdesk's contacts"
    finally:
        assistant.catalogue.start(timeout=30)
    after = assistant.say(after_id, opening)
    assert "Lista" in text_of(answer_until_guide(assistant, after_id, after))


def test_conversations_survive_a_restart_of_every_process(assistant: Stack) -> None:
    sender = f"web-{uuid.uuid4().hex}"
    first = assistant.say(sender, "my wife gave birth yesterday")
    first_question = first[-1]["text"]
    second = assistant.say(sender, first[-1]["buttons"][1]["payload"])
    next_question = second[-1]["text"]
    assert next_question != first_question
    for server in (assistant.rasa, assistant.actions, assistant.catalogue):
        server.stop()
    for server, timeout in ((assistant.catalogue, 30), (assistant.actions, 60), (assistant.rasa, 180)):
        server.start(timeout=timeout)
    replies = assistant.say(sender, "what documents do I need?")
    assert replies[-1]["text"] == next_question, "after the restart the conversation resumes where it was"
