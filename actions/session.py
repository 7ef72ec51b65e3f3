"""Language changes, starting over, a person, greetings, help, thanks and goodbye."""

from __future__ import annotations

from actions import language as languages
from actions.conversation import Turn, button
from actions.flow import reset, resume
from actions.handover import hand_over
from actions.phrases import LANGUAGES

LANGUAGE_BUTTONS = {"en": "English", "ro": "Română", "ru": "Русский"}
SMALL_TALK_REPLIES = {"greet": "welcome", "help": "help", "thanks": "thanks", "goodbye": "goodbye"}


async def change_language(turn: Turn) -> None:
    """Switch to the language asked for, or offer the three; then carry on where we were."""
    wanted = turn.entity("language")
    if wanted not in LANGUAGES:
        wanted = languages.requested(turn.text)
    if wanted not in LANGUAGES:
        buttons = [button(name, f'/change_language{{"language": "{code}"}}') for code, name in LANGUAGE_BUTTONS.items()]
        turn.say("language_which", buttons)
        return
    assert wanted is not None
    turn.switch_language(wanted)
    turn.say("language_changed")
    await resume(turn)


async def command(turn: Turn, name: str) -> None:
    if name == "start_over":
        reset(turn)
        turn.set("feedback", None)
        turn.say("start_over")
    elif name == "handover":
        await hand_over(turn, reason="citizen_request")
    else:
        await change_language(turn)


async def small_talk(turn: Turn, intent: str) -> None:
    """Greetings, help, thanks and goodbye; in the middle of the questions, then the question again."""
    turn.say(SMALL_TALK_REPLIES.get(intent, "help"))
    if intent in ("greet", "help"):
        await resume(turn)
