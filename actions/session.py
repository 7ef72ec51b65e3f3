"""Language changes, starting over, greetings, help, thanks and goodbye."""

from __future__ import annotations

from actions import language as languages
from actions.conversation import GuideAction, Turn, button
from actions.flow import reset, resume
from actions.phrases import LANGUAGES

LANGUAGE_BUTTONS = {"en": "English", "ro": "Română", "ru": "Русский"}


class ActionChangeLanguage(GuideAction):
    """Switch to the language asked for, or offer the three; then carry on where we were."""

    action_name = "action_change_language"

    async def handle(self, turn: Turn) -> None:
        wanted = turn.entity("language")
        if wanted not in LANGUAGES:
            wanted = languages.requested(turn.text)
        if wanted not in LANGUAGES:
            buttons = [
                button(name, f'/change_language{{"language": "{code}"}}') for code, name in LANGUAGE_BUTTONS.items()
            ]
            turn.say("language_which", buttons)
            return
        assert wanted is not None
        turn.switch_language(wanted)
        turn.say("language_changed")
        await resume(turn)


class ActionStartOver(GuideAction):
    action_name = "action_start_over"

    async def handle(self, turn: Turn) -> None:
        reset(turn, keep_locality=False)
        turn.set("feedback", None)
        turn.say("start_over")


class ActionSmallTalk(GuideAction):
    """Greetings, help, thanks and goodbye; in the middle of the questions, then the question again."""

    action_name = "action_small_talk"
    replies = {"greet": "welcome", "help": "help", "thanks": "thanks", "goodbye": "goodbye"}

    async def handle(self, turn: Turn) -> None:
        turn.say(self.replies.get(turn.intent, "help"))
        if turn.intent in ("greet", "help"):
            await resume(turn)
