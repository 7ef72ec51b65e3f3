"""Rasa custom actions, one module per concern; `rasa run actions` loads this package.

identify (which life event), questions (answers), followups (cost, online,
office, documents, deadline), handover (to staff), session (language, start
over, small talk). `conversation` is the shared base, `flow` moves a
conversation forward, `guidance` writes the guide, `matching` reads answers.
"""

from actions.catalogue import warm_up_in_background
from actions.followups import ActionFollowup
from actions.handover import ActionHandover
from actions.identify import ActionFallback, ActionStartLifeEvent
from actions.questions import ActionAnswer
from actions.session import ActionChangeLanguage, ActionSmallTalk, ActionStartOver

__all__ = [
    "ActionAnswer",
    "ActionChangeLanguage",
    "ActionFallback",
    "ActionFollowup",
    "ActionHandover",
    "ActionSmallTalk",
    "ActionStartLifeEvent",
    "ActionStartOver",
]

warm_up_in_background()
