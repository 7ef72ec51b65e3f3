"""Rasa custom actions; `rasa run actions` loads this package.

Every message runs one action, `action_respond` (respond): `reading` decides what the message is
in the conversation's state (`answers` reads answers to the catalogue's questions), then a module
per concern acts — identify (which life event), questions (answers, feedback), followups (cost,
online, office, documents, deadline, amount), session (language, start over, small talk),
handover (to staff). `conversation` is the shared base (`Turn`), `state` names the stages,
`flow` moves a conversation forward, `guidance` writes the guide.
"""

import privacy
from actions.respond import ActionRespond

__all__ = ["ActionRespond"]

privacy.install()  # the action server's log lines: identifiers masked
