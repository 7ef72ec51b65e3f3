"""The custom actions against real trackers and the real catalogue service."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

import actions.catalogue as catalogue_module
from actions import ActionRespond
from actions.conversation import GuideAction
from catalogue_client import Catalogue
from catalogue_service.content import read_yaml
from runner.processes import Server, free_port
from tests.conftest import CATALOGUE_DIR, start_catalogue


@pytest.fixture()
def use_catalogue(tmp_path: Path) -> Iterator[Any]:
    """Point the action server's catalogue client at a URL, with a fresh cache."""

    def point(url: str) -> None:
        catalogue_module.use(Catalogue(url, read_timeout=1, cache_path=tmp_path / "actions-cache"))

    yield point
    catalogue_module.use(None)


@pytest.fixture()
def live(catalogue_server: Server, use_catalogue: Any) -> Server:
    use_catalogue(catalogue_server.url)
    return catalogue_server


def tracker(
    text: str,
    intent: str,
    slots: dict[str, Any] | None = None,
    entities: list[dict[str, Any]] | None = None,
    ranking: list[dict[str, Any]] | None = None,
    metadata: dict[str, Any] | None = None,
) -> Tracker:
    return Tracker.from_dict(
        {
            "sender_id": "test-citizen",
            "slots": slots or {},
            "latest_message": {
                "text": text,
                "intent": {"name": intent, "confidence": 0.9},
                "entities": entities or [],
                "intent_ranking": ranking or [],
                "metadata": metadata or {},
            },
            "events": [],
            "paused": False,
            "latest_action_name": "action_listen",
        }
    )


def run(action: GuideAction, state: Tracker) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, state, {}))
    said = [m for m in dispatcher.messages if not m.get("custom")]  # the channel's language signal aside
    return {e["name"]: e["value"] for e in events if e["event"] == "slot"}, said


def texts(messages: list[dict[str, Any]]) -> str:
    return "\n".join(m.get("text") or "" for m in messages)


def after(slots: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    return {**slots, **changes}


def test_recognises_the_event_and_takes_what_the_first_message_says(live: Server) -> None:
    slots, messages = run(
        ActionRespond(),
        tracker("Hi. My dad passed away yesterday, we live in Bălți, what do I do?", "life_event_death"),
    )
    assert slots["life_event"] == "death" and slots["language"] == "en"
    assert slots["answers"]["locality"] == "balti"
    assert "I understand — " in texts(messages)
    question = messages[-1]
    assert question["text"] == "Did the person die abroad?"
    assert [b["payload"] for b in question["buttons"]] == ["/affirm", "/deny", "/dont_know"]
    assert slots["pending_question"] == "death_abroad" and slots["stage"] == "asking"


def test_language_is_detected_and_relations_answer_questions(live: Server) -> None:
    slots, messages = run(
        ActionRespond(),
        tracker("У моего сына инвалидность, что оформлять? Живём в Кагуле", "life_event_disability"),
    )
    assert slots["language"] == "ru"
    assert slots["answers"]["disability_person"] == "child"
    assert slots["answers"]["locality"] == "cahul"
    assert "Понятно" in texts(messages)
    assert slots["pending_question"] != "disability_person"


def test_the_channel_can_give_the_language(live: Server) -> None:
    slots, messages = run(ActionRespond(), tracker("ok", "life_event_birth", metadata={"language": "ro"}))
    assert slots["language"] == "ro"
    assert "Am înțeles" in texts(messages)


def walk_to_guide(state: dict[str, Any], answers: list[tuple[str, str]]) -> tuple[dict[str, Any], list[Any]]:
    messages: list[Any] = []
    for intent, text in answers:
        changes, said = run(ActionRespond(), tracker(text, intent, state))
        state = after(state, changes)
        messages = said
    return state, messages


def test_answers_lead_to_a_personal_guide(live: Server) -> None:
    state, _ = run(ActionRespond(), tracker("our baby was born in Cahul", "life_event_birth"))
    assert state["answers"]["birth_born_abroad"] == "no"  # born in a Moldovan town: not asked
    assert "locality" not in state["answers"]  # where it happened, not (yet) where they live
    assert state["pending_question"] == "birth_parents_married"
    pressed = '/choose{"option": "married"}'
    changes, _ = run(
        ActionRespond(), tracker(pressed, "choose", state, entities=[{"entity": "option", "value": "married"}])
    )
    state = after(state, changes)
    changes, messages = run(ActionRespond(), tracker("da", "affirm", state))
    state = after(state, changes)
    assert state["pending_question"] == "locality"
    changes, messages = run(ActionRespond(), tracker("we live in Cahul too", "inform_locality", state))
    state = after(state, changes)
    assert state["stage"] == "feedback"
    guide = texts(messages)
    assert "birth registration".lower() in guide.lower()
    assert "transcription" not in guide.lower()  # born in Moldova: no transcription of a foreign certificate
    assert "Cahul" in guide  # nearest offices in the citizen's locality
    assert "Mon–Fri" in guide
    assert "Checklist" in guide
    checklist = messages[-2]["text"].splitlines()[1:]
    assert len(checklist) == len(set(checklist)), "the checklist repeats a document"
    assert [b["payload"] for b in messages[-1]["buttons"]] == ["/affirm", "/deny"]


def test_i_dont_know_keeps_conditional_steps_with_their_condition(live: Server) -> None:
    state, _ = run(ActionRespond(), tracker("my mother died", "life_event_death"))
    for _ in range(5):
        if state.get("stage") != "asking":
            break
        changes, messages = run(ActionRespond(), tracker("I don't know", "dont_know", state))
        state = after(state, changes)
    assert state["stage"] == "feedback"
    guide = texts(messages)
    assert "Only if" in guide
    assert "some steps depend on answers" in guide.lower()


def test_follow_up_in_the_middle_then_back_to_the_question(live: Server) -> None:
    state, _ = run(ActionRespond(), tracker("I want a passport", "life_event_identity_documents"))
    pending = state["pending_question"]
    changes, messages = run(ActionRespond(), tracker("how much does it cost?", "ask_cost", state))
    said = texts(messages)
    assert "MDL" in said or "free" in said
    assert "Let's continue" in said
    assert messages[-1]["buttons"], "the pending question is asked again with its buttons"
    assert after(state, changes)["pending_question"] == pending


def test_where_is_the_office_in_a_town(live: Server) -> None:
    state, _ = run(ActionRespond(), tracker("my father died", "life_event_death"))
    _, messages = run(
        ActionRespond(),
        tracker(
            "where is the office in Comrat?", "ask_office", state, entities=[{"entity": "locality", "value": "comrat"}]
        ),
    )
    said = texts(messages)
    assert "Comrat" in said and "(in your town)" in said and "0.0 km" not in said


def test_switching_language_mid_question(live: Server) -> None:
    state, _ = run(ActionRespond(), tracker("we are getting married", "life_event_marriage"))
    changes, messages = run(ActionRespond(), tracker("in Romanian please", "change_language", state))
    assert changes["language"] == "ro"
    said = texts(messages)
    assert "limba română" in said
    assert messages[-1]["text"].startswith("Vă căsătoriți")


def test_handover_is_recorded_with_helpdesk_contacts(live: Server) -> None:
    state, _ = run(ActionRespond(), tracker("I lost my job", "life_event_job_loss"))
    changes, messages = run(ActionRespond(), tracker("talk to a person", "handover", state))
    handover = changes["handover"]
    assert handover["status"] == "requested" and handover["reason"] == "citizen_request"
    assert handover["life_event"] == "job-loss" and handover["language"] == "en"
    said = texts(messages)
    assert "helpdesk" in said and "asp.gov.md" in said


def test_unsure_offers_the_likeliest_life_events_then_a_person(live: Server) -> None:
    ranking = [
        {"name": "nlu_fallback", "confidence": 0.3},
        {"name": "life_event_property", "confidence": 0.2},
        {"name": "life_event_moving", "confidence": 0.18},
        {"name": "ask_cost", "confidence": 0.1},
    ]
    changes, messages = run(ActionRespond(), tracker("new house stuff", "nlu_fallback", ranking=ranking))
    assert [b["payload"] for b in messages[-1]["buttons"]] == [
        "/life_event_property",
        "/life_event_moving",
        "/handover",
    ]
    changes, messages = run(ActionRespond(), tracker("blah", "nlu_fallback", changes, ranking=[]))
    assert changes["handover"]["reason"] == "not_understood"


def test_off_topic_gets_what_the_assistant_does_and_a_person(live: Server) -> None:
    ranking = [{"name": "out_of_scope", "confidence": 0.6}, {"name": "life_event_moving", "confidence": 0.1}]
    changes, messages = run(ActionRespond(), tracker("ce vreme o să fie mâine?", "out_of_scope", ranking=ranking))
    said = texts(messages)
    assert "Vă pot ajuta cu nașterea unui copil" in said
    assert [b["payload"] for m in messages for b in m.get("buttons") or []] == ["/handover"]
    assert changes["failed_attempts"] == 1


def test_feedback_and_comment_are_recorded(live: Server) -> None:
    state = {"language": "en", "stage": "feedback", "life_event": "birth"}
    changes, messages = run(ActionRespond(), tracker("no", "deny", state))
    state = after(state, changes)
    assert state["feedback"]["helpful"] is False and state["stage"] == "comment"
    changes, messages = run(ActionRespond(), tracker("The address of the office was missing", "ask_office", state))
    state = after(state, changes)
    assert state["feedback"]["comment"] == "The address of the office was missing"
    assert "recorded" in texts(messages)


def test_catalogue_down_with_nothing_cached_apologises_with_helpdesk_contacts(use_catalogue: Any) -> None:
    server = start_catalogue(CATALOGUE_DIR)
    try:
        use_catalogue(server.url)
        catalogue_module.warm_up()  # what the action server does when it starts
    finally:
        server.stop()
    slots, messages = run(ActionRespond(), tracker("Вчера умер отец", "life_event_death"))
    said = texts(messages)
    assert "каталог государственных услуг недоступен" in said
    assert "asp.gov.md" in said  # the helpdesk's contacts, from the copy cached at start-up


def test_catalogue_never_reached_still_gets_a_polite_answer(use_catalogue: Any) -> None:
    use_catalogue(f"http://127.0.0.1:{free_port()}")
    _, messages = run(ActionRespond(), tracker("my father died", "life_event_death"))
    assert "I cannot reach the public-services catalogue" in texts(messages)


def test_catalogue_down_answers_from_cache_and_says_so(use_catalogue: Any) -> None:
    server = start_catalogue(CATALOGUE_DIR, max_age=1)
    try:
        use_catalogue(server.url)
        state, _ = run(ActionRespond(), tracker("am născut un copil", "life_event_birth"))
        run(ActionRespond(), tracker("cât costă?", "ask_cost", state))
    finally:
        server.stop()
    import time

    time.sleep(1.2)
    _, messages = run(ActionRespond(), tracker("cât costă?", "ask_cost", state))
    said = texts(messages)
    assert "catalogul serviciilor publice nu este accesibil" in said
    assert "MDL" in said or "gratuit" in said


def test_the_catalogue_drives_the_conversation(use_catalogue: Any, tmp_path: Path) -> None:
    """A question and a document added to a copy of the catalogue show up with no code change."""
    copy = tmp_path / "catalogue"
    shutil.copytree(CATALOGUE_DIR, copy)
    path = copy / "life-events" / "birth.yml"
    data = read_yaml(path)
    data["life_event"]["questions"].insert(
        0,
        {
            "id": "birth_twins",
            "type": "yes_no",
            "text": {"en": "Were twins born?", "ro": "S-au născut gemeni?", "ru": "Родились близнецы?"},
            "options": [
                {"id": "yes", "condition": {"en": "if twins were born", "ro": "dacă gemeni", "ru": "если близнецы"}},
                {"id": "no", "condition": {"en": "if one child", "ro": "dacă un copil", "ru": "если один ребёнок"}},
            ],
        },
    )
    data.setdefault("documents", []).append(
        {
            "id": "birth-twins-note",
            "name": {"en": "Hospital note on twins", "ro": "Notă despre gemeni", "ru": "Справка о близнецах"},
        }
    )
    registration = next(s for s in data["services"] if s["id"] == "birth-registration")
    registration["documents"].append({"document": "birth-twins-note", "when": {"birth_twins": "yes"}})
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    server = start_catalogue(copy)
    try:
        use_catalogue(server.url)
        state, messages = run(ActionRespond(), tracker("my wife gave birth", "life_event_birth"))
        assert messages[-1]["text"] == "Were twins born?"
        for intent, text in (("affirm", "yes twins"), ("deny", "no"), *[("dont_know", "dunno")] * 3):
            if state.get("stage") != "asking":
                break
            changes, messages = run(ActionRespond(), tracker(text, intent, state))
            state = after(state, changes)
        assert "Hospital note on twins" in texts(messages)
    finally:
        server.stop()


def test_a_bad_location_or_an_unknown_id_is_no_outage(live: Server) -> None:
    state, _ = run(ActionRespond(), tracker("my father died", "life_event_death"))
    for location in ({"lat": "x", "lon": 28.8}, {"lat": 999, "lon": 0}, "here", {"lat": None}):
        _, messages = run(
            ActionRespond(), tracker("where is the office?", "ask_office", state, metadata={"location": location})
        )
        said = texts(messages)
        assert "cannot reach" not in said
        assert "In which town" in said, "asked where, as if no location had been shared"
    _, messages = run(ActionRespond(), tracker("/life_event_gun_permit", "life_event_gun_permit"))
    said = texts(messages)
    assert "could not find that in the catalogue" in said and "cannot reach" not in said
