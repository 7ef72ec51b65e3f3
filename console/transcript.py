"""A conversation as staff read it, from the events of Rasa's tracker: who said what (citizen,
assistant, staff), a pressed button shown as its title, and what the assistant knows."""

from __future__ import annotations

from typing import Any


def messages(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The conversation's messages in order: {"from": citizen|assistant|staff, "text", "at", ...}."""
    said: list[dict[str, Any]] = []
    buttons: dict[str, str] = {}  # payload -> title of the buttons last shown
    for event in events:
        kind = event.get("event")
        at = event.get("timestamp")
        if kind == "user":
            text = str(event.get("text") or "")
            item: dict[str, Any] = {"from": "citizen", "text": text, "at": at}
            if text in buttons:
                item["text"], item["button"] = buttons[text], True
            said.append(item)
        elif kind == "bot":
            data = event.get("data") or {}
            meta = event.get("metadata") or {}
            shown = [b for b in (data.get("buttons") or []) if isinstance(b, dict)]
            if shown:
                buttons = {str(b.get("payload")): str(b.get("title")) for b in shown}
            text = str(event.get("text") or "")
            if not text and not shown:
                continue  # a signal for the channel (the conversation's language), not a message
            if meta.get("console") == "staff":
                said.append(
                    {"from": "staff", "text": text, "at": at, "author": meta.get("author") or meta.get("staff")}
                )
            else:
                titles = [str(b.get("title")) for b in shown]
                said.append({"from": "assistant", "text": text, "at": at, "buttons": titles})
    return said


def knowledge(tracker: dict[str, Any]) -> dict[str, Any]:
    """What the assistant knows: the slots staff need, by the names of the contract."""
    slots = tracker.get("slots") or {}
    answers = slots.get("answers") if isinstance(slots.get("answers"), dict) else {}
    return {
        "life_event": slots.get("life_event"),
        "language": slots.get("language"),
        "stage": slots.get("stage"),
        "pending_question": slots.get("pending_question"),
        "answers": answers,
        "feedback": slots.get("feedback"),
        "paused": bool(tracker.get("paused")),
    }


REASONS = {"citizen_request": "asked for a person", "not_understood": "not understood"}


def answers_in_words(event: Any, answers: dict[str, Any]) -> list[tuple[str, str]]:
    """Each answered question of the catalogue's life event with the citizen's answer in words
    (an option's label; "does not know" for `?`; a locality as its id, readable enough)."""
    said: list[tuple[str, str]] = []
    for question in event.questions:
        if question.id not in answers:
            continue
        value = str(answers[question.id])
        labels = {option.id: option.label for option in question.options}
        words = "does not know" if value == "?" else labels.get(value, value.replace("-", " ").capitalize())
        said.append((question.text, words))
    return said
